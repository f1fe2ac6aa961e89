"""Case summary exports: Markdown, one self-contained printable HTML file, and JSON (the stable case schema).

A summary holds the whole record a regulator may ask for: case facts, rights, the deadline ledger with its
explanation, the identity record, decisions and grounds, the checklist with who/when, correspondence, notes and the
full audit timeline with the result of verifying the hash chain.

Requester text is untrusted: Markdown escapes it (`md_escape`, bodies in fences longer than any backtick run),
HTML relies on Jinja2 autoescape (nothing is marked safe), JSON is JSON.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from dpo_tui.domain.dates import fmt
from dpo_tui.domain.errors import InvalidInput
from dpo_tui.domain.states import Outcome
from dpo_tui.text import clean, md_escape, md_inline
from dpo_tui.services.case_json import case_to_json
from dpo_tui.services.views import CaseDetail

FORMATS = ("md", "html", "json")
GENERATOR = "dpo-tui"


def _d(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return fmt(value)


def _words(key: str | None) -> str:
    return (key or "").replace("_", " ")


def flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """A nested identity/decision record as (field, value) rows, whatever keys it holds."""
    rows: list[tuple[str, str]] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "schema":
                continue
            label = f"{prefix}.{k}" if prefix else str(k)
            if isinstance(v, (dict, list)) and v:
                rows += flatten(v, label)
            elif v is None or v == "" or v == [] or v == {}:
                continue
            else:
                rows.append((_words(label), _scalar(v)))
    elif isinstance(value, list):
        for i, v in enumerate(value, start=1):
            rows += flatten(v, f"{prefix} {i}") if isinstance(v, (dict, list)) else [(f"{_words(prefix)} {i}", _scalar(v))]
    return rows


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


def summary_model(detail: CaseDetail, *, verified: Any, today: date, generated_by: str) -> dict[str, Any]:
    """Everything a summary shows, as plain values (strings unescaped: each format escapes its own way)."""
    dl = detail.deadline
    return {
        "ref": detail.ref,
        "generated": f"{fmt(today)} by {generated_by}",
        "facts": [
            ("Reference", detail.ref),
            # issue 15: a complaint to the organisation (DPA 2018 s.164A) names its request, a request its complaints
            ("Case type", f"complaint about {detail.about_ref}" if detail.kind == "complaint" else "request"),
            ("Complaints about it", ", ".join(detail.complaints)),
            ("Status", _words(detail.status)),
            ("Outcome", outcome.label if (outcome := Outcome.of(detail.outcome)) else ""),
            ("Regime", detail.regime),
            ("Calendar", f"{detail.country}{'-' + detail.subdivision if detail.subdivision else ''}"),
            ("Received", _d(detail.received)),
            ("Channel", _words(detail.channel)),
            ("Rights", ", ".join(_words(r) for r in detail.rights)),
            ("Assignee", detail.assignee or ""),
            ("Final response", _d(detail.final_response_on)),
            ("Closed", _d(detail.closed_at)),
            ("Last change", _d(detail.updated_at)),
        ],
        "requester": [
            ("Name", detail.requester.get("name") or ""),
            ("Email", detail.requester.get("email") or ""),
            ("Postal address", detail.requester.get("address") or ""),
            ("Telephone", detail.requester.get("phone") or ""),
            ("Account", detail.requester.get("account") or ""),
            ("Agent", detail.agent.get("name") or ""),
            ("Agent kind", _words(detail.agent.get("kind"))),
            ("Agent contact", detail.agent.get("contact") or ""),
        ],
        "description": detail.description or "",
        "deadline": [
            ("Clock", _words(dl.state.value)),
            ("Clock started", _d(dl.clock_start)),
            ("Paused days", str(dl.paused_days)),
            ("Legal due date", _d(dl.due)),
            ("Extended", "yes" if dl.extended else "no"),
            ("Extended due date", _d(dl.extended_due) if dl.extended else ""),
            ("Effective due date", _d(dl.effective_due)),
            ("Extension notice by", _d(dl.extension_notice_by)),
            ("Acknowledge by", _d(dl.acknowledge_by)),
            ("Internal target", _d(dl.internal_target)),
            ("Days left", "" if detail.days_left is None else str(detail.days_left)),
        ],
        "explanation": list(dl.explanation),
        "clock_events": [
            (_d(e.on), _words(e.kind), e.reason or "", e.recorded_by, _d(e.recorded_at)) for e in detail.clock_events
        ],
        "identity": flatten(detail.identity),
        "decision": flatten(detail.decision),
        "checklist": [
            (
                i.label,
                _words(i.right),
                i.state,
                "; ".join(p for p in (i.reason, f"searched: {i.search_terms}" if i.search_terms else None,
                                       _words(i.found) if i.found else None, i.note) if p),
                i.done_by or "",
                _d(i.done_at),
            )
            for i in detail.checklist
        ],
        "letters": [
            {"sent_on": _d(l.sent_on), "kind": _words(l.kind), "channel": _words(l.channel), "direction": l.direction,
             "subject": l.subject, "body": l.body, "by": l.created_by}
            for l in detail.letters
        ],
        "notes": [(_d(n.at), n.by, n.body) for n in detail.notes],
        # issue 18: attachments (names, sizes, hashes), the redaction log, packs built and deliveries
        "attachments": [
            (f"#{a.id}", a.name, str(a.size), a.sha256, _attachment_state(a), a.item_label or "", a.created_by, _d(a.created_at))
            for a in detail.attachments
        ],
        "redactions": [
            (r.file_name, r.action, r.what, r.reason_text, r.by, _d(r.at)) for r in detail.redactions
        ],
        "packs": [(f"#{p.id}", p.file_name, str(p.files), p.manifest_sha256, p.built_by, _d(p.built_at)) for p in detail.packs],
        "deliveries": [
            (_d(d.delivered_on), d.what, _words(d.channel), d.manifest_sha256 or "", d.reason or "", d.recorded_by)
            for d in detail.deliveries
        ],
        "events": [
            (str(e.seq), _d(e.at), e.actor, e.kind, _payload(e.payload), e.hash[:12]) for e in detail.events
        ],
        "audit_ok": bool(getattr(verified, "ok", False)),
        "audit_result": verified.describe() if verified is not None else "audit trail not verified",
        "audit_anchor": _anchor(verified),
    }


def _attachment_state(a: Any) -> str:
    if a.kind == "received_message":
        return "received correspondence"
    if a.withheld:
        return "withheld"
    if a.kind == "redacted":
        return f"redacted copy of #{a.original_id}"
    if a.copy_id:
        return f"original (redacted copy #{a.copy_id} sent)"
    return "sent"


def _anchor(verified: Any) -> str:
    """The chain head this export was verified at (`SEQ:HASH`): a reader can later prove, with
    `dpo-tui audit verify --anchor`, that no event up to it has been lost or rewritten since."""
    anchor = getattr(verified, "anchor", None)
    return str(anchor) if anchor is not None else "none (the trail did not verify)"


def _payload(payload: dict[str, Any] | None) -> str:
    if not payload:
        return ""
    return ", ".join(f"{k}={v}" for k, v in payload.items() if v not in (None, "", [], {}))


# ---- Markdown ---------------------------------------------------------------------------------------------------


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    for row in rows:
        out.append("| " + " | ".join(md_inline(c) or " " for c in row) + " |")
    return out


def _fenced(text: str) -> list[str]:
    body = clean(text)
    longest = max((len(m) for m in re.findall(r"`+|~+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + "text", *body.split("\n"), fence]


def to_markdown(model: dict[str, Any]) -> str:
    m = model
    out = [f"# Case summary {md_escape(m['ref'])}", "", f"Generated {md_escape(m['generated'])}.", ""]
    out += ["## Case", "", *_table(("Field", "Value"), [r for r in m["facts"] if r[1]]), ""]
    out += ["## Requester", "", *_table(("Field", "Value"), [r for r in m["requester"] if r[1]]), ""]
    out += ["## Request", ""]
    out += [md_escape(m["description"]) if m["description"] else "_No request text recorded._", ""]
    out += ["## Deadline", "", *_table(("Field", "Value"), [r for r in m["deadline"] if r[1]]), ""]
    out += ["### How the due date was computed", ""]
    out += [f"{n}. {md_inline(step)}" for n, step in enumerate(m["explanation"], start=1)] + [""]
    out += ["### Clock events", "", *_table(("Date", "Event", "Reason", "Recorded by", "Recorded at"), m["clock_events"]), ""]
    out += ["## Identity", ""]
    out += [*_table(("Field", "Value"), m["identity"])] if m["identity"] else ["_No identity record._"]
    out += ["", "## Decisions and grounds", ""]
    out += [*_table(("Field", "Value"), m["decision"])] if m["decision"] else ["_No decision recorded._"]
    out += ["", "## Checklist", ""]
    out += [*_table(("Item", "Right", "State", "Details", "By", "When"), m["checklist"])] if m["checklist"] else ["_No checklist._"]
    out += ["", "## Correspondence", ""]
    if not m["letters"]:
        out += ["_No correspondence recorded._", ""]
    for l in m["letters"]:
        out += [
            f"### {md_inline(l['sent_on'])}: {md_inline(l['kind'])} ({md_inline(l['direction'])}, {md_inline(l['channel'])})",
            "",
            f"Subject: {md_inline(l['subject'])}  ",
            f"Saved by: {md_inline(l['by'])}",
            "",
            *_fenced(l["body"]),
            "",
        ]
    if m["notes"]:
        out += ["## Notes", "", *_table(("When", "By", "Note"), m["notes"]), ""]
    out += ["## Attachments", ""]
    out += [*_table(("#", "Name", "Bytes", "SHA-256", "State", "Checklist item", "By", "When"), m["attachments"])] if m["attachments"] else ["_No attachments._"]
    out += ["", "## Redaction log", ""]
    out += [*_table(("File", "Action", "What", "Reason", "By", "When"), m["redactions"])] if m["redactions"] else ["_Nothing redacted or withheld._"]
    out += ["", "## Response pack and delivery", ""]
    if m["packs"]:
        out += [*_table(("#", "File", "Files", "Manifest SHA-256", "Built by", "Built"), m["packs"]), ""]
    out += [*_table(("Delivered", "What", "Channel", "Manifest SHA-256", "Reason for the date", "Recorded by"), m["deliveries"])] if m["deliveries"] else ["_No delivery recorded._"]
    out += [""]
    out += ["## Audit timeline", ""]
    out += [f"**{'Verified' if m['audit_ok'] else 'NOT VERIFIED'}:** {md_escape(m['audit_result'])}", ""]
    out += [f"Audit anchor (chain head at export): `{m['audit_anchor']}`", ""]
    out += [*_table(("#", "When", "Who", "Event", "Details", "Hash"), m["events"]), ""]
    return "\n".join(out)


# ---- HTML -------------------------------------------------------------------------------------------------------

_HTML_ENV: Any = None


def _html_env() -> Any:
    global _HTML_ENV
    if _HTML_ENV is None:
        import jinja2

        from dpo_tui.letters import strict_sandbox

        # Sandboxed like the letters, so a template can only read the values it is given.
        _HTML_ENV = strict_sandbox()(
            loader=jinja2.PackageLoader("dpo_tui", "defaults/exports"),
            autoescape=True,  # every value escaped; nothing in the template is marked |safe
            finalize=lambda v: "" if v is None else (clean(v) if isinstance(v, str) else v),
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return _HTML_ENV


def to_html(model: dict[str, Any]) -> str:
    return _html_env().get_template("case.html.j2").render(m=model)


# ---- the whole record in one call -------------------------------------------------------------------------------


def render_summary(detail: CaseDetail, fmt_: str, *, verified: Any, today: date, generated_by: str) -> str:
    if fmt_ == "json":
        data = case_to_json(detail)
        data["audit_verification"] = {
            "ok": bool(getattr(verified, "ok", False)),
            "events": getattr(verified, "events", None),
            "result": verified.describe() if verified is not None else None,
            "anchor": str(verified.anchor) if getattr(verified, "anchor", None) is not None else None,
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    model = summary_model(detail, verified=verified, today=today, generated_by=generated_by)
    if fmt_ == "md":
        return to_markdown(model)
    if fmt_ == "html":
        return to_html(model)
    raise InvalidInput("format", f"'{fmt_}' is not an export format (use md, html or json)")


def verify_chain(work: Any) -> Any:
    from dpo_tui.store import audit

    with work.db.reader() as s:
        return audit.verify(s)


def check_refs(work: Any, refs: Sequence[str]) -> list[str]:
    """The references normalised, or CaseNotFound naming the first unknown one."""
    from sqlmodel import select

    from dpo_tui.services.casework import CaseNotFound
    from dpo_tui.store.models import Case

    from dpo_tui.domain.text import problem

    for ref in refs:
        if problem(ref) is not None:  # a NUL or an undecodable byte names no case, and would fail in the driver
            raise CaseNotFound(f"no case {ref!r}; nothing was exported")
    wanted = list(dict.fromkeys(r.strip().upper() for r in refs))
    known: set[str] = set()
    with work.db.reader() as s:
        for i in range(0, len(wanted), 500):
            known.update(s.exec(select(Case.ref).where(Case.ref.in_(wanted[i : i + 500]))))  # type: ignore[attr-defined]
    for ref in wanted:
        if ref not in known:
            raise CaseNotFound(f"no case {ref!r}; nothing was exported")
    return wanted


def export_case_text(work: Any, ref: str, fmt_: str) -> str:
    """One case's summary as text (`export REF -o -` prints it): the same content `export_cases` writes."""
    if fmt_ not in FORMATS:
        raise InvalidInput("format", f"'{fmt_}' is not an export format (use md, html or json)")
    (checked,) = check_refs(work, [ref])
    verified = verify_chain(work)
    return render_summary(work.get(checked), fmt_, verified=verified, today=work.today(), generated_by=work.actor)


def export_cases(
    work: Any,
    refs: Sequence[str],
    fmt_: str,
    out_dir: Path | str,
    *,
    progress: Callable[[int, int, str], None] | None = None,
    force: bool = False,
) -> list[Path]:
    """Write one summary per case into `out_dir` as `<REF>.<fmt>` (0600). The hash chain is verified once.

    All or nothing: every file is checked (no symlink, no existing file unless `force`) and written to a temporary
    file first; they are put in place only when all were written."""
    from dpo_tui.paths import OutputError, PrivateOutput, check_output, shown

    if fmt_ not in FORMATS:
        raise InvalidInput("format", f"'{fmt_}' is not an export format (use md, html or json)")
    if not refs:
        raise InvalidInput("name at least one case reference")
    if os.fspath(out_dir) == "":  # before Path(), which would read "" as the current folder
        raise OutputError("output folder is empty: name a folder")
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{shown(out_dir)} is not a folder")
    details = check_refs(work, refs)  # every reference checked before anything is written
    for ref in details:
        check_output(out_dir / f"{ref}.{fmt_}", force=force)
    verified = verify_chain(work)
    today = work.today()
    pending: list[PrivateOutput] = []
    try:
        for n, ref in enumerate(details, start=1):
            detail = work.get(ref)
            text = render_summary(detail, fmt_, verified=verified, today=today, generated_by=work.actor)
            out = PrivateOutput(out_dir / f"{detail.ref}.{fmt_}", force=force)
            pending.append(out)
            out.write(text)
            out.close()
            if progress is not None:
                progress(n, len(details), detail.ref)
        return [out.publish() for out in pending]
    finally:
        for out in pending:
            out.discard()  # no-op for the published ones
