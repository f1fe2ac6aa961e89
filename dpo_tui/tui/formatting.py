"""The formatting helpers of the screens, in one place: statuses, rights, times, recorded values, audit events,
deadline dates, checklist lines. Pure functions over plain data (no app, no database); everything a person wrote
is rendered with `literal()`, never as markup or escape sequences.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text

from dpo_tui.domain.dates import fmt
from dpo_tui.domain.lifecycle import Status
from dpo_tui.domain.states import ItemState
from dpo_tui.tui.text import literal

if TYPE_CHECKING:
    from dpo_tui.domain.clock import Deadline
    from dpo_tui.services.views import ChecklistItemView

STATE_MARKS = {ItemState.DONE: "✓", ItemState.OPEN: "☐", ItemState.NA: "N/A"}
def status_words(status: str) -> str:
    """A status as the DPO reads it: the one vocabulary, `Status.label` (an unknown word shown as stored)."""
    try:
        return Status(status).label
    except ValueError:
        return status.replace("_", " ")


def right_labels(rights: Iterable[str]) -> str:
    from dpo_tui.domain.rights import Right

    out = []
    for r in rights:
        try:
            out.append(Right(r).label)
        except ValueError:
            out.append(r)
    return ", ".join(out)


def when(at: datetime | None) -> str:
    """`Wed 25 Nov 2026 14:05` in local time."""
    if at is None:
        return ""
    local = at.astimezone() if at.tzinfo else at
    return f"{fmt(local.date())} {local:%H:%M}"


def value_text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (date, datetime)):
        return fmt(value if isinstance(value, date) and not isinstance(value, datetime) else value.date())
    if isinstance(value, str):
        try:
            return fmt(date.fromisoformat(value)) if len(value) == 10 and value[4] == "-" else value
        except ValueError:
            return value
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(v) for v in value) or "—"
    return str(value)


def record_lines(record: dict[str, Any], indent: int = 0) -> Text:
    """A recorded dict (identity, decision) as `key: value` lines; every value shown literally."""
    out = Text()
    pad = "  " * indent
    for key, value in record.items():
        label = str(key).replace("_", " ")
        if isinstance(value, dict):
            out.append(f"{pad}{label}:\n", style="bold")
            out.append_text(record_lines(value, indent + 1))
        elif isinstance(value, (list, tuple)) and value and all(isinstance(v, dict) for v in value):
            out.append(f"{pad}{label}:\n", style="bold")
            for i, v in enumerate(value, 1):
                out.append(f"{pad}  {i}.\n")
                out.append_text(record_lines(v, indent + 2))
        else:
            out.append(f"{pad}{label}: ", style="bold")
            out.append_text(literal(value_text(value)))
            out.append("\n")
    return out


def event_summary(kind: str, payload: dict[str, Any] | None) -> str:
    """One readable line for an audit event (plain text: the caller renders it literally)."""
    p = dict(payload or {})
    if kind == "case.logged":
        parts = [right_labels(str(p.get("rights", "")).split(",")) if p.get("rights") else "request logged"]
        if p.get("received"):
            parts.append(f"received {value_text(p['received'])}")
        if p.get("channel"):
            parts.append(f"by {str(p['channel']).replace('_', ' ')}")
        if p.get("regime"):
            parts.append(str(p["regime"]))
        if p.get("due"):
            parts.append(f"due {value_text(p['due'])}")
        return "; ".join(parts)
    if kind == "case.status":
        line = f"status → {status_words(str(p.get('to', '?')))}"
        if p.get("reason"):
            line += f" ({p['reason']})"
        if p.get("outcome") and p.get("outcome") != p.get("to"):
            line += f", outcome {p['outcome']}"
        if p.get("bulk"):
            line += " [bulk]"
        return line
    if kind == "case.assigned":
        to = p.get("to") or "nobody"
        frm = p.get("from")
        return f"assigned to {to}" + (f" (was {frm})" if frm else "")
    if kind == "case.undo":
        return f"undo of #{p.get('undoes', '?')}: {p.get('summary') or p.get('undone_kind') or ''}"
    if kind in ("hold.placed", "hold.released") and not p.get("purged"):
        verb = "legal hold placed" if kind == "hold.placed" else "legal hold released"
        line = f"{verb} (#{p.get('hold_id', '?')}): {p.get('reason', '')}"
        return line + (f"; review {value_text(p['review_on'])}" if p.get("review_on") else "")
    if kind == "audit.purged":
        return (
            f"personal data removed for {p.get('reason', 'retention')} ({p.get('action', 'purge')}): "
            f"{p.get('events', '?')} earlier events purged, their digests kept"
        )
    if kind == "note.added":
        n = p.get("length")
        return f"note added ({n} characters)" if n is not None else "note added"
    if not p:
        return ""
    return ", ".join(f"{str(k).replace('_', ' ')}: {value_text(v)}" for k, v in p.items())


def summary_then_record(summary: list[str], record: dict[str, Any]) -> Text:
    """A record in a few sentences first, then every recorded field (what a regulator may ask about)."""
    body = Text()
    for line in summary:
        body.append_text(literal(line))
        body.append("\n")
    body.append("\nFull record\n", style="bold")
    body.append_text(record_lines(record))
    return body


def deadline_dates(dl: Deadline) -> list[tuple[str, str]]:
    """The dates of a deadline as (label, value) rows for the explanation modal."""
    rows = [("Received", fmt(dl.received))]
    rows.append(("Clock start", fmt(dl.clock_start) if dl.clock_start else "not started"))
    rows.append(("Due", fmt(dl.due) if dl.due else "—"))
    if dl.extendable:
        rows.append(("Extension notice by", fmt(dl.extension_notice_by) if dl.extension_notice_by else "—"))
        label = "Extended due" if dl.extended else "Extended due (if extended)"
        rows.append((label, fmt(dl.extended_due) if dl.extended_due else "—"))
    else:
        rows.append(("Extension", "not allowed under this regime"))
    if dl.acknowledge_by:
        rows.append(("Acknowledge by", fmt(dl.acknowledge_by)))
    rows.append(("Internal target", fmt(dl.internal_target) if dl.internal_target else "off"))
    if dl.paused_days:
        rows.append(("Paused", f"{dl.paused_days} day{'s' if dl.paused_days != 1 else ''}"))
    # Issue 15: each right's own date when they differ (the headline above is the earliest), and a lapsed date.
    if len({(rd.deadline.effective_due, rd.deadline.state) for rd in dl.per_right}) > 1:
        for rd in dl.per_right:
            due = rd.deadline.effective_due
            rows.append((f"Due ({rd.right.replace('_', ' ')})", fmt(due) if due else "not started"))
    if dl.lapsed_due:
        rows.append(("Lapsed", f"{fmt(dl.lapsed_due)} (before the late ID request)"))
    return rows


def rows_text(rows: list[tuple[str, Text]]) -> Text:
    width = max((len(label) for label, _ in rows), default=0)
    out = Text()
    for label, value in rows:
        out.append(f"{label:<{width}}  ", style="bold")
        out.append_text(value)
        out.append("\n")
    return out


def checklist_line(item: ChecklistItemView) -> Text:
    mark = STATE_MARKS.get(item.state, "?")
    t = Text()
    t.append(f"{mark:<3} ", style="green" if item.state == ItemState.DONE else "dim" if item.state == ItemState.NA else "")
    t.append_text(literal(item.label))
    if item.done_by:
        t.append("  — ", style="dim")
        t.append_text(literal(item.done_by, "dim"))
        if item.done_at:
            t.append(f", {when(item.done_at)}", style="dim")
    return t


def checklist_detail(item: ChecklistItemView) -> Text:
    t = Text()
    if item.reason:
        t.append("Reason: ", style="bold")
        t.append_text(literal(item.reason))
        t.append("\n")
    if item.requires_search_record or item.search_terms or item.found:
        t.append("Search: ", style="bold")
        if item.search_terms or item.found:
            t.append_text(literal(item.search_terms or "(terms not recorded)"))
            t.append(" → found: ", style="bold")
            t.append_text(literal(item.found or "(not recorded)"))
        else:
            t.append("not recorded yet")
        t.append("\n")
    if item.note:
        t.append("Note: ", style="bold")
        t.append_text(literal(item.note))
        t.append("\n")
    if item.guidance:
        t.append_text(literal(item.guidance, "italic"))
    return t


def requester_line(requester: dict[str, str | None], agent: dict[str, str | None]) -> Text:
    """"Ada Lovelace <ada@example.org>" (or her phone, or the first line of her address: postal and telephone
    requests have no email), then "via Bell & Co (solicitor)" when someone asked for her. All literal."""
    who = literal(requester.get("name"), "bold")
    contact = requester.get("email") or requester.get("phone") or (requester.get("address") or "").split("\n")[0]
    if contact:
        who.append(" <")
        who.append_text(literal(contact))
        who.append(">")
    if agent.get("name"):
        who.append("  via ")
        who.append_text(literal(agent.get("name")))
        if agent.get("kind"):
            who.append(f" ({str(agent.get('kind')).replace('_', ' ')})")
    return who
