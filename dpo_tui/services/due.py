"""What needs the DPO's action soon, for people who do not keep the queue open: `dpo-tui due`, the digest, calendars.

Every date comes from the deadline engine (`Casework.deadline_of`, recomputed here from the clock events, not read
from the cached columns) or from the waiting-on-the-requester services (`decisions.flags`, `identity`), each with the
explanation line that produced it. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import IntEnum
from typing import Any

from sqlmodel import select

from dpo_tui.domain.clock import ClockState, Deadline
from dpo_tui.domain.dates import fmt, relative_days
from dpo_tui.store.models import Case, ClockEventRow

DEFAULT_WITHIN = 7


class Urgency(IntEnum):
    """Also the exit status of `dpo-tui due`: the worst item decides."""

    NONE = 0
    SOON = 1  # due within the window, an extension cut-off ahead, a wait past policy, a follow-up come due
    OVERDUE = 2  # a legal due date has passed


@dataclass(frozen=True)
class DueItem:
    ref: str
    kind: str  # overdue | due | extension_notice | awaiting_id | fee_unpaid | clarification_unanswered | follow_up
    on: date  # the date in question: due date, cut-off, day the wait began, follow-up date
    urgency: Urgency
    summary: str  # one line, DPO-style: what is due and when
    explanation: tuple[str, ...]  # how the date was reached (deadline engine / policy), one step per line
    rights: tuple[str, ...] = ()
    assignee: str | None = None
    requester_name: str = ""  # hostile text; shown only where the caller chooses to
    days: int | None = None  # days left (negative: overdue) or days waited
    key: str | None = None  # stable identity where a case can have several of a kind (follow-ups: their id)

    def to_json(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "kind": self.kind,
            "date": self.on.isoformat(),
            "urgency": self.urgency.name.lower(),
            "days": self.days,
            "summary": self.summary,
            "explanation": list(self.explanation),
            "rights": list(self.rights),
            "assignee": self.assignee,
        }


@dataclass(frozen=True)
class DueReport:
    today: date
    within: int
    items: tuple[DueItem, ...] = field(default_factory=tuple)

    @property
    def urgency(self) -> Urgency:
        return max((i.urgency for i in self.items), default=Urgency.NONE)

    def for_assignee(self, assignee: str | None) -> DueReport:
        return DueReport(self.today, self.within, tuple(i for i in self.items if i.assignee == assignee))

    def assignees(self) -> list[str | None]:
        seen: dict[str | None, None] = {}
        for i in self.items:
            seen.setdefault(i.assignee, None)
        return list(seen)

    def to_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "within_days": self.within,
            "status": int(self.urgency),
            "items": [i.to_json() for i in self.items],
        }


_KIND_ORDER = {"overdue": 0, "due": 1, "extension_notice": 2, "awaiting_id": 3, "fee_unpaid": 3,
               "clarification_unanswered": 3, "follow_up": 4}  # fmt: skip


MAX_WITHIN = 36500


def due_report(work: Any, *, within: int = DEFAULT_WITHIN, assignee: str | None = None, today: date | None = None) -> DueReport:
    """Everything that needs action within `within` days, most urgent first."""
    from dpo_tui.services.decisions import flags
    from dpo_tui.services.identity import awaiting_id_overdue

    if within < 0:
        from dpo_tui.domain.errors import InvalidInput

        raise InvalidInput(f"--within: {within} is negative (use 0 or more days)")
    if within > MAX_WITHIN:  # a horizon past year 9999 overflows the date arithmetic
        from dpo_tui.domain.errors import InvalidInput

        raise InvalidInput(f"--within: {within} days is too far ahead (at most {MAX_WITHIN})")
    today = today or work.today()
    horizon = today + timedelta(days=within)
    items: list[DueItem] = []
    with work.db.reader() as s:
        # The cached due_sort only narrows the search; every date shown is recomputed by the engine below.
        cases = list(
            s.exec(
                select(Case)
                .where(Case.is_open == True, (Case.due_sort <= horizon) | (Case.extension_notice_by <= horizon))  # noqa: E712
                .order_by(Case.due_sort, Case.id)
            )
        )
        rows = _clock_rows_by_case(s, [c.id for c in cases])
        for case in cases:
            dl = work.deadline_of(case, rows.get(case.id, []))
            items += _deadline_items(case, dl, today, horizon)
    policy = work.settings.policy
    # Waits on the requester: the services decide which cases are past their policy days; only those rows are read.
    fee_clar = flags(work, today)
    ids = awaiting_id_overdue(work)
    wanted = {f.ref for f in fee_clar} | {ref for ref, _ in ids}
    waits: dict[str, Case] = {}
    with work.db.reader() as s:
        refs = sorted(wanted)
        for chunk in range(0, len(refs), 500):
            for c in s.exec(select(Case).where(Case.ref.in_(refs[chunk : chunk + 500]), Case.is_open == True)):  # type: ignore[attr-defined]  # noqa: E712
                waits[c.ref] = c
    for flag in fee_clar:
        case = waits.get(flag.ref)
        if case is not None:
            limit = policy.fee_unpaid_days if flag.kind == "fee_unpaid" else policy.clarification_no_response_days
            items.append(_wait_item(case, flag.kind, flag.since, flag.days, flag.message, limit))
    for ref, since in ids:
        case = waits.get(ref)
        if case is None:
            continue
        n = (today - since).days
        limit = policy.id_no_response_days
        message = (
            f"ID not received for {n} days since {fmt(since)} (policy: flag after {limit}); "
            "chase the person or close the case as no response"
        )
        items.append(_wait_item(case, "awaiting_id", since, n, message, limit))
    items += _follow_up_items(work, today)
    if assignee is not None:
        who = assignee.strip()
        items = [i for i in items if (i.assignee or "") == who]
    items.sort(key=lambda i: (-i.urgency, i.on, _KIND_ORDER.get(i.kind, 9), i.ref))
    return DueReport(today, within, tuple(items))


def _clock_rows_by_case(s: Any, ids: list[int | None]) -> dict[int, list[ClockEventRow]]:
    out: dict[int, list[ClockEventRow]] = {}
    for chunk in range(0, len(ids), 500):  # stay under SQLite's bound-parameter limit
        part = [i for i in ids[chunk : chunk + 500] if i is not None]
        q = select(ClockEventRow).where(ClockEventRow.case_id.in_(part)).order_by(ClockEventRow.on, ClockEventRow.id)  # type: ignore[union-attr]
        for row in s.exec(q):
            out.setdefault(row.case_id, []).append(row)
    return out


def _rights(case: Case) -> tuple[str, ...]:
    return case.right_keys


def explain_line(dl: Deadline, what: str) -> tuple[str, ...]:
    """The engine's own step for one date (`due` or `extension_notice`), after the rule it applied."""
    lines = dl.explanation
    rule = lines[:1]
    if what == "extension_notice":
        picked = [l for l in lines if l.startswith("extension notice by")]
    elif dl.extended:
        picked = [l for l in lines if l.startswith("extended due:")]
    else:
        due = dl.due
        picked = [
            l for l in lines
            if due is not None and "→" in l and l.rstrip().endswith(fmt(due))
            and not l.startswith(("if extended", "extended due", "internal target"))
        ]  # fmt: skip
    return tuple(rule) + tuple(picked[:1]) if picked else tuple(lines)


def _deadline_items(case: Case, dl: Deadline, today: date, horizon: date) -> list[DueItem]:
    # A stopped clock (question unanswered) or one not started has no running due date: its wait is reported
    # by the policy flags instead, so a date that will move is never announced as a deadline.
    if dl.state is not ClockState.RUNNING or dl.effective_due is None:
        return []
    out: list[DueItem] = []
    due = dl.effective_due
    left = (due - today).days
    label = "extended due date" if dl.extended else "due"
    if due <= horizon:
        urgency = Urgency.OVERDUE if left < 0 else Urgency.SOON
        kind = "overdue" if left < 0 else "due"
        summary = f"{case.ref}: {label} {fmt(due)} ({relative_days(left)})"
        out.append(_item(case, kind, due, urgency, summary, explain_line(dl, "due"), left))
    notice = dl.extension_notice_by
    if notice is not None and not dl.extended and dl.extendable and today <= notice <= horizon:
        n = (notice - today).days
        summary = (
            f"{case.ref}: to extend, tell the person by {fmt(notice)} ({relative_days(n)}); "
            "after that the case cannot be extended"
        )
        out.append(_item(case, "extension_notice", notice, Urgency.SOON, summary, explain_line(dl, "extension_notice"), n))
    return out


def _item(case: Case, kind: str, on: date, urgency: Urgency, summary: str, explanation: Iterable[str], days: int | None) -> DueItem:
    return DueItem(
        ref=case.ref, kind=kind, on=on, urgency=urgency, summary=summary, explanation=tuple(explanation),
        rights=_rights(case), assignee=case.assignee, requester_name=case.requester_name, days=days,
    )  # fmt: skip


_POLICY_KEYS = {
    "awaiting_id": "id_no_response_days",
    "fee_unpaid": "fee_unpaid_days",
    "clarification_unanswered": "clarification_no_response_days",
}


def _wait_item(case: Case, kind: str, since: date, days: int, message: str, limit: int) -> DueItem:
    what, _, action = message.partition(";")
    summary = f"{case.ref}: {what.strip()}; {action.strip()}" if action else f"{case.ref}: {what.strip()}"
    why = (
        f"waiting since {fmt(since)}: {days} days on {fmt(since + timedelta(days=days))}; "
        f"the settings' [policy] {_POLICY_KEYS.get(kind, kind)} = {limit} flags a wait longer than {limit} days"
    )
    return _item(case, kind, since, Urgency.SOON, summary, (why,), days)


def _follow_up_items(work: Any, today: date | None) -> list[DueItem]:
    """Follow-ups come due by `today` (None: every open one, for the calendar)."""
    from dpo_tui.services.follow_ups import due_follow_ups

    return due_follow_ups(work, today)


def to_text(report: DueReport, *, explain: bool = True) -> str:
    """The report as a DPO reads it in a terminal or a plain-text mail; requester text is left out."""
    if not report.items:
        return f"Nothing needs action in the next {report.within} days (as of {fmt(report.today)}).\n"
    heads = {
        Urgency.OVERDUE: "Overdue",
        Urgency.SOON: f"Needs action within {report.within} days",
    }
    out: list[str] = []
    for urgency in (Urgency.OVERDUE, Urgency.SOON):
        group = [i for i in report.items if i.urgency is urgency]
        if not group:
            continue
        out.append(f"{heads[urgency]} ({len(group)}):")
        for i in group:
            who = f" [{i.assignee}]" if i.assignee else ""
            out.append(f"  {i.summary}{who}")
            if explain and i.explanation:
                # The step that produced the date; the regime's rule line is in --json and `dpo-tui show`.
                out.append(f"      {i.explanation[-1]}")
        out.append("")
    return "\n".join(out)
