"""Case summary exports: the full record in md, html and json; hostile requester text inert; files 0600."""

from __future__ import annotations

import json
import re
import stat
from datetime import date
from html.parser import HTMLParser

import pytest
from sqlalchemy import text

from dpo_tui.domain.errors import DomainError
from dpo_tui.exports.case_summary import export_cases, render_summary, verify_chain
from dpo_tui.text import csv_cell, md_escape, md_inline, md_unescape
from dpo_tui.services import checklist_work as cw
from dpo_tui.services import decisions as dec
from dpo_tui.services.letters import render_letter, save_letter
from tests.conftest import TODAY, new_request
from tests.exports.hostile import DESCRIPTION, EMAIL, NAME, hostile_request

REPEAT = {"repetition": "Same request as DSAR-2026-0001 three weeks ago; nothing has changed since."}


def _worked_case(work) -> str:  # type: ignore[no-untyped-def]
    """A case with every part of the record: deadline extension, decision, ticked checklist, letters, notes."""
    ref = work.log_request(hostile_request()).ref
    dec.extend(work, ref, "complex", date(2026, 11, 10), "Many <systems> to search | *really*.", version=work.version_of(ref))
    detail = work.get(ref)
    item = detail.checklist[0]
    cw.tick(work, ref, item.key, note="Checked <b>all</b> | done", version=work.version_of(ref))
    draft = render_letter(work, ref, "acknowledgement")
    save_letter(work, ref, draft.kind, draft.subject, draft.body + "\n```\n<script>x</script>\n````", "email", date(2026, 11, 3), version=work.version_of(ref))
    work.add_note(ref, "Called back; said [bold]x[/] \x1b[31m", version=work.version_of(ref))
    return ref


def _render(work, ref, fmt):  # type: ignore[no-untyped-def]
    return render_summary(work.get(ref), fmt, verified=verify_chain(work), today=TODAY, generated_by="tester")


# ---- the full record ----------------------------------------------------------------------------------------------


def test_json_export_is_the_case_schema_with_audit_result(work):
    ref = _worked_case(work)
    data = json.loads(_render(work, ref, "json"))
    assert data["schema"] == "dpo-tui/case/1" and data["ref"] == ref
    assert data["requester"]["name"] == NAME and data["requester"]["email"] == EMAIL and data["description"] == DESCRIPTION
    assert data["deadline"]["extended"] is True and data["deadline"]["explanation"]
    assert data["decision"]["extension"]["reason"] == "complex"
    assert data["letters"][0]["kind"] == "acknowledgement"
    assert data["checklist"][0]["by"] and data["checklist"][0]["at"]
    assert data["audit_verification"]["ok"] is True
    assert [e["kind"] for e in data["events"]][0] == "case.logged"


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_summary_contains_the_full_record(work, fmt):
    ref = _worked_case(work)
    detail = work.get(ref)
    out = _render(work, ref, fmt)
    plain = md_unescape(out) if fmt == "md" else _text_of(out)
    for step in detail.deadline.explanation:
        assert (step if fmt == "html" else step) in plain, step
    for heading in ("Deadline", "How the due date was computed", "Clock events", "Identity", "Decisions and grounds",
                    "Checklist", "Correspondence", "Audit timeline"):
        assert heading in plain
    assert "Tue 2 Feb 2027" in plain  # extended due date
    assert "Many <systems> to search | *really*." in plain  # extension note in the decision record
    assert detail.checklist[0].label in plain and detail.checklist[0].done_by in plain
    assert "Your request " + ref in plain  # the letter as sent
    for e in detail.events:
        assert e.kind in plain and e.hash[:12] in plain
    assert f"audit trail intact: {verify_chain(work).events} events, hash chain verified" in plain


def test_summary_reports_a_broken_hash_chain(work):
    ref = _worked_case(work)
    with work.db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 2"))
    md = _render(work, ref, "md")
    assert "NOT VERIFIED" in md and "audit trail broken: event #2" in md
    html = _render(work, ref, "html")
    assert 'class="bad"' in html and "audit trail broken" in html
    assert json.loads(_render(work, ref, "json"))["audit_verification"]["ok"] is False


# ---- hostile input --------------------------------------------------------------------------------------------------


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        self.text.append(data)


def _text_of(html: str) -> str:
    p = _Collector()
    p.feed(html)
    return "".join(p.text)


def test_html_is_self_contained_and_hostile_text_is_inert(work):
    ref = _worked_case(work)
    html = _render(work, ref, "html")
    p = _Collector()
    p.feed(html)
    assert set(p.tags) <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "table", "tr", "th", "td", "pre", "ol", "li", "br"}
    assert "script" not in p.tags and "img" not in p.tags and "a" not in p.tags
    assert not [a for a in p.attrs if a[0].startswith("on") or a[0] in ("src", "href")]
    assert "javascript:" not in " ".join(str(v) for _, v in p.attrs)
    assert "\x1b" not in html and "\x07" not in html and "\r" not in html
    text_ = "".join(p.text)
    # Shown as typed (escape sequences made visible):
    assert "Eve <script>alert(1)</script> *x*|[a](javascript:alert(1)) [bold red]x[/] \\x1b[31mred" in text_
    assert "<img src=x onerror=alert(1)>" in text_
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_markdown_escapes_hostile_text_and_keeps_tables_whole(work):
    ref = _worked_case(work)
    md = _render(work, ref, "md")
    assert "\x1b" not in md and "\x07" not in md and "\r" not in md
    assert not re.search(r"(?<!\\)<img", md)
    assert not re.search(r"(?<!\\)\]\(javascript", md)
    assert "**bold**" not in md and "\\*\\*bold\\*\\*" in md
    # No line of requester text becomes a heading, list or rule.
    assert "\n# heading" not in md and "\n- list" not in md and "\n1. ordered" not in md
    # Every table row has exactly as many cell separators as its header.
    lines = md.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("|---"):
            width = line.count("|")
            j = i + 1
            while j < len(lines) and lines[j].startswith("|"):
                assert _unescaped_pipes(lines[j]) == width, lines[j]
                j += 1
    # The letter body (with its own backtick fences) stays inside one fence.
    assert "````` text" not in md
    fence = re.search(r"^(`{5,})text$", md, re.MULTILINE)
    assert fence is not None


def _only_in_fences(md: str, needle: str) -> bool:
    outside = re.sub(r"^(`{3,})text\n.*?^\1$", "", md, flags=re.MULTILINE | re.DOTALL)
    return needle not in outside


def test_markdown_raw_html_appears_only_inside_code_fences(work):
    ref = _worked_case(work)
    md = _render(work, ref, "md")
    assert _only_in_fences(md, "<script>")
    assert _only_in_fences(md, "<b>")


def test_escape_helpers():
    assert md_escape("*a* _b_ [c](d) <e> `f` #g | h & i ~j~ !k") == "\\*a\\* \\_b\\_ \\[c\\]\\(d\\) \\<e\\> \\`f\\` #g \\| h \\& i \\~j\\~ \\!k"
    assert md_escape("# h\n- l\n+ p\n= s\n  10. o\n\tx") == "\\# h\n\\- l\n\\+ p\n\\= s\n10\\. o\nx"
    assert md_inline("a\nb|c") == "a / b\\|c"
    assert md_escape("\x1b[31m") == "\\\\x1b\\[31m"
    assert md_unescape(md_escape("x *y* [z](w) <v>")) == "x *y* [z](w) <v>"
    for trigger in ("=", "+", "-", "@", "\t", "\r"):
        assert csv_cell(f"{trigger}SUM(A1)") == f"'{trigger}SUM(A1)"
    assert csv_cell("safe") == "safe" and csv_cell(None) == "" and csv_cell(3) == "3"


# ---- files ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_export_writes_owner_only_files(work, tmp_path, fmt):
    a = _worked_case(work)
    b = work.log_request(new_request(email="b@example.org")).ref
    calls = []
    paths = export_cases(work, [a, b.lower()], fmt, tmp_path / "out", progress=lambda n, of, ref: calls.append((n, of, ref)))
    assert [p.name for p in paths] == [f"{a}.{fmt}", f"{b}.{fmt}"]
    for p in paths:
        assert stat.S_IMODE(p.stat().st_mode) == 0o600
        assert p.read_text().strip()
    assert calls == [(1, 2, a), (2, 2, b)]


def test_export_of_an_unknown_case_writes_nothing(work, tmp_path):
    a = work.log_request(new_request()).ref
    with pytest.raises(DomainError, match="no case 'DSAR-2026-9999'; nothing was exported"):
        export_cases(work, [a, "DSAR-2026-9999"], "md", tmp_path / "out")
    assert not (tmp_path / "out").exists()
    with pytest.raises(DomainError, match="not an export format"):
        export_cases(work, [a], "pdf", tmp_path / "out")
