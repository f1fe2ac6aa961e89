"""Issue 16: the response cover letter never contradicts the record, and a partial refusal follows the right.

Drafted through the real command line (`dpo-tui letter REF KIND`), on cases worked through the real services."""

from __future__ import annotations

from datetime import date

from click.testing import CliRunner

from dpo_tui.cli import cli
from dpo_tui.domain.rights import Right
from dpo_tui.services import checklist_work as cw
from tests.conftest import make_work, new_request


def _letter(url: str, ref: str, kind: str) -> str:
    out = CliRunner().invoke(cli, ["--db", url, "letter", ref, kind], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    return out.output


def test_response_cover_follows_the_checklist_record(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]
    work = make_work(sqlite_url, settings)
    ref = work.log_request(new_request(received=date(2026, 11, 2), rights=(Right.ACCESS,))).ref
    work.change_status(ref, "in_progress", version=work.version_of(ref))
    keys = {i.key: i for i in work.get(ref).checklist}
    # The events partner received nothing about this person; the group companies item does not apply.
    cw.tick(work, ref, "access.disclosed.event-partners", search_terms="ada@example.org", found="nothing_found",
            version=work.version_of(ref))  # fmt: skip
    cw.mark_not_applicable(work, ref, "access.disclosed.group", "never shared with the group", version=work.version_of(ref))
    cw.tick(work, ref, "access.search.hubspot", search_terms="ada@example.org", found="found", version=work.version_of(ref))
    cw.add_item(work, ref, "Search telephony platform", version=work.version_of(ref))
    adhoc = next(i.key for i in work.get(ref).checklist if i.adhoc)
    cw.tick(work, ref, adhoc, search_terms="+44 7700 900123", found="found", version=work.version_of(ref))
    assert "access.disclosed.event-partners" in keys
    work.db.dispose()
    body = _letter(sqlite_url, ref, "response_cover")
    searched = body.split("We searched:")[1].split("The law also")[0]
    assert "telephony platform" in searched and "HubSpot" in searched
    sharing = body.split("## Who we share it with")[1].split("##")[0]
    assert "HubSpot" in sharing  # found: named
    names = {s.key: s.name for s in settings.organisation.systems}
    assert names["event-partners"] not in sharing and names["group"] not in sharing, sharing


def test_adhoc_search_that_found_data_is_not_a_holds_nothing_letter(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]
    work = make_work(sqlite_url, settings)
    ref = work.log_request(new_request(received=date(2026, 11, 2), rights=(Right.ACCESS,))).ref
    work.change_status(ref, "in_progress", version=work.version_of(ref))
    for item in work.get(ref).checklist:
        if item.requires_search_record:
            cw.tick(work, ref, item.key, search_terms="ada", found="nothing_found", version=work.version_of(ref))
    cw.add_item(work, ref, "Search telephony platform", version=work.version_of(ref))
    adhoc = next(i.key for i in work.get(ref).checklist if i.adhoc)
    cw.tick(work, ref, adhoc, search_terms="+44 7700 900123", found="found", version=work.version_of(ref))
    work.db.dispose()
    body = _letter(sqlite_url, ref, "response_cover")
    assert "we do not hold any personal data about you" not in body
    assert "telephony platform" in body


def _partly_refused(work, right: Right) -> str:  # type: ignore[no-untyped-def]
    from dpo_tui.services import decisions as dec

    ref = work.log_request(new_request(received=date(2026, 11, 2), rights=(right,))).ref
    work.change_status(ref, "in_progress", version=work.version_of(ref))
    dec.refuse(work, ref, "partial", [("Invoices of 2024", "UK GDPR Art 17(3)(b): legal obligation (HMRC, 6 years)")],
               "We must keep invoices for six years.", date(2026, 11, 20), version=work.version_of(ref))  # fmt: skip
    return ref


def test_partial_refusal_of_erasure_says_erasure_and_registers_its_outcome(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]
    import json

    work = make_work(sqlite_url, settings)
    ref = _partly_refused(work, Right.ERASURE)
    work.db.dispose()
    body = _letter(sqlite_url, ref, "refusal_notice")
    assert "providing most of what you asked" not in body and "withholding" not in body
    assert "We are erasing your personal data as you asked, except" in body and "What we are keeping, and why:" in body
    work = make_work(sqlite_url, settings)
    cw.complete_case(work, ref, override_reason="Erasure done in every system", version=work.version_of(ref))
    work.db.dispose()
    out = CliRunner().invoke(cli, ["--db", sqlite_url, "register", "--format", "json"], catch_exceptions=False)
    (row,) = [r for r in json.loads(out.output)["rows"] if r["reference"] == ref]
    assert row["outcome"] == "refused_in_part", row


def test_every_right_has_its_own_partial_refusal_wording(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.domain.wording import PARTIAL_REFUSAL

    assert set(PARTIAL_REFUSAL) == {r.value for r in Right}
    work = make_work(sqlite_url, settings)
    refs = {r: _partly_refused(work, r) for r in (Right.ACCESS, Right.RECTIFICATION, Right.OBJECTION)}
    work.db.dispose()
    for right, ref in refs.items():
        opening, heading = PARTIAL_REFUSAL[right.value]
        body = " ".join(_letter(sqlite_url, ref, "refusal_notice").split())
        assert opening in body and heading in body, (right, body)


def test_cli_status_applies_the_completion_and_reopen_rules(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]
    work = make_work(sqlite_url, settings)
    ref = work.log_request(new_request(received=date(2026, 11, 2))).ref
    work.db.dispose()
    out = CliRunner().invoke(cli, ["--db", sqlite_url, "status", ref, "completed"])
    assert out.exit_code == 1 and "open checklist item" in out.output and "--reason" in out.output
    assert len(out.output.strip().splitlines()) == 1
    out = CliRunner().invoke(cli, ["--db", sqlite_url, "status", ref, "completed", "--reason", "answered by phone"])
    assert out.exit_code == 0 and "completed" in out.output
    out = CliRunner().invoke(cli, ["--db", sqlite_url, "status", ref, "in_progress"])  # a reopen needs a reason
    assert out.exit_code == 1 and "reason" in out.output
    out = CliRunner().invoke(cli, ["--db", sqlite_url, "status", ref, "in_progress", "--reason", "complaint"])
    assert out.exit_code == 0 and "in progress" in out.output
    work = make_work(sqlite_url, settings)
    assert [e.kind for e in work.get(ref).events][-1] == "case.reopened"
