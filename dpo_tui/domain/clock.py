"""The deadline engine: from a case's clock events to its legal dates, each with the steps that produced it.

Rules: /work/shared/domain/rights-requests.md section 2, coded as written. What the law leaves open is decided here
and documented where it is decided:

- Events on the same day are ordered received → requests/questions → receipts/answers → extension, so a question
  asked and answered on one day pauses the clock for one day whatever order the caller passed them in.
- A *_RECEIVED of a restarting kind counts even without a logged *_REQUESTED (the request may not have been
  logged); a *_REQUESTED with no *_RECEIVED on or after it means the clock has not started.
- Clarification pauses are counted only from the clock start: a pause wholly before it (e.g. a question asked while
  waiting for ID) is ignored and the explanation says so; one that straddles it counts from the clock start.
- While a question is unanswered (STOPPED) the dates are computed with the pauses closed so far; the explanation
  says the clock is stopped, and `days_left` is frozen at the value the DPO will have once the answer arrives.
- A period that has ended cannot be paused (rights-requests.md 2.1 rule 7; UK GDPR Art 12A(3), DUAA 2025 s.77, in
  force 5 Feb 2026): a clarification asked after the due date in force on the day it was asked (the extended date
  once validly extended) is not counted, and the breach stands. A question asked on the due date itself still counts.
  A question asked during a notified extension (after the un-extended date, on or before the extended one) moves it.
- One deadline per right (rights-requests.md 2.1 rule 7): stop-the-clock applies only to the rights in
  `regime.stop_clock_rights` (uk-gdpr: access, Art 12A). `compute_deadline` computes each right's dates and returns
  the earliest as the case's headline `Deadline`, with every right's in `per_right`.
- Late ID (rule 9): an ID or authority request made after the due date in force that day has passed still restarts
  the clock where the regime restarts on it, but `lapsed_due` keeps the date that lapsed and the explanation says so
  (Art 12(6) needs reasonable doubt; ICO guidance "Right of access", "What should we do if we need to confirm
  identity?": ask promptly).
- An EXTENDED event that the law does not allow (too late, no reason, second extension, regime without extension)
  is not applied; the explanation says why. Services should call `check_extension` first so this never happens.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from dateutil.relativedelta import relativedelta

from dpo_tui.domain.days_left import days_left
from dpo_tui.domain.ccpa import BUSINESS_DAY_RIGHTS
from dpo_tui.domain.clock_state import ClockState
from dpo_tui.domain.dates import MONTH_NAMES, fmt, ordinal
from dpo_tui.domain.errors import ExtensionRefused, InvalidInput
from dpo_tui.domain.regimes import RESTART_KINDS, Regime
from dpo_tui.domain.workdays import WorkCalendar

EXTENSION_REASONS = ("complex", "several_requests")
_REASON_WORDS = {"complex": "complex request", "several_requests": "several requests"}
_KIND_WORDS = {"id": "ID", "authority": "authority to act", "fee": "fee"}
_NUMBER_WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()


class ClockEventKind(StrEnum):
    RECEIVED = "received"
    ID_REQUESTED = "id_requested"
    ID_RECEIVED = "id_received"
    AUTHORITY_REQUESTED = "authority_requested"
    AUTHORITY_RECEIVED = "authority_received"
    FEE_REQUESTED = "fee_requested"
    FEE_RECEIVED = "fee_received"
    CLARIFICATION_ASKED = "clarification_asked"
    CLARIFICATION_ANSWERED = "clarification_answered"
    EXTENDED = "extended"  # reason in .reason ("complex" | "several_requests"), date the person was told = .on


@dataclass(frozen=True)
class ClockEvent:
    kind: ClockEventKind
    on: date
    reason: str | None = None


@dataclass(frozen=True)
class Deadline:
    regime: str
    received: date
    clock_start: date | None  # None while not started (awaiting ID/authority/fee where the regime restarts)
    state: ClockState
    paused_days: int
    due: date | None  # the un-extended legal due date
    extension_notice_by: date | None
    extended: bool
    extended_due: date | None  # computed even when not extended; None if the regime has no extension
    acknowledge_by: date | None  # regimes with an acknowledgement period (ccpa: 10 business days)
    internal_target: date | None  # policy, None when off
    explanation: tuple[str, ...]  # one step per line, covering every date above
    # Beyond the agreed interface (defaults keep it constructible the agreed way):
    stopped_since: date | None = None  # STOPPED: the day the unanswered question was sent (or the clock start)
    closed_on: date | None = None
    extension_reason: str | None = None
    extendable: bool = True  # False when the regime has no extension at all
    # Issue 15: the due date that lapsed before a late ID/authority request revived the clock (rule 9), and the
    # dates of every right of the case (rule 7).
    lapsed_due: date | None = None
    late_request: date | None = None  # the day the late ID/authority request was made
    rights: tuple[str, ...] = ()  # the rights these dates are for
    per_right: tuple[RightDeadline, ...] = ()

    def for_right(self, right: str) -> Deadline:
        """The dates of one right of the case (the headline itself when per-right dates were not computed)."""
        for rd in self.per_right:
            if rd.right == right:
                return rd.deadline
        return self

    @property
    def effective_due(self) -> date | None:
        return self.extended_due if self.extended else self.due

    def days_left(self, today: date) -> int | None:
        """Days from `today` to the effective due date, negative when overdue; None while the clock has not started.

        A stopped clock does not run, so the value is frozen at what the DPO will have once the answer arrives
        (the day the question was sent is given back too); a closed case keeps the margin it was closed with.
        """
        return days_left(
            self.effective_due, today, state=self.state.value, stopped_since=self.stopped_since, closed_on=self.closed_on
        )


@dataclass(frozen=True)
class RightDeadline:
    """The dates of one right of a case: rights-requests.md 2.1 rule 7 (each right keeps its own due date)."""

    right: str
    deadline: Deadline

    @property
    def pausable(self) -> bool:
        return self.deadline.paused_days > 0 or self.deadline.state is ClockState.STOPPED


# Same-day order: see the module docstring.
_SAME_DAY_RANK = {
    ClockEventKind.RECEIVED: 0,
    ClockEventKind.ID_REQUESTED: 1,
    ClockEventKind.AUTHORITY_REQUESTED: 1,
    ClockEventKind.FEE_REQUESTED: 1,
    ClockEventKind.CLARIFICATION_ASKED: 1,
    ClockEventKind.EXTENDED: 3,
}


# Date arithmetic past year 9999 overflows; profiles are bounded (regimes.MAX_PERIOD_*), so every date up to here
# leaves room for a period, its extension and the roll to a working day.
LATEST_DATE = date(9900, 12, 31)


def compute_deadline(
    regime: Regime,
    calendar: WorkCalendar,
    events: Sequence[ClockEvent],
    *,
    closed_on: date | None = None,
    internal_target_days: int | None = None,
    rights: Collection[str] = ("access",),
) -> Deadline:
    """The legal dates of a case and how each was reached.

    `internal_target_days` (policy, None/0 = off): N > 0 is N days counted like the regime's period from the clock
    start (28 = the ICO's "28 days"), plus paused days, never after the legal date; N < 0 is |N| working days before
    the effective legal due date. `rights` decides whether stop-the-clock applies (uk-gdpr: access only).
    Raises InvalidInput for events that can never be right (no or several receipts, an event before receipt,
    an answer to no question, closure before receipt).
    """
    evs = sorted(events, key=lambda e: (e.on, _SAME_DAY_RANK.get(ClockEventKind(e.kind), 2)))
    receipts = [e for e in evs if e.kind == ClockEventKind.RECEIVED]
    if len(receipts) != 1:
        raise InvalidInput(None, f"a case needs exactly one 'received' clock event, not {len(receipts)}")
    received = receipts[0].on
    for e in evs:
        if e.on > LATEST_DATE:
            raise InvalidInput(
                f"{ClockEventKind(e.kind).value} on {e.on.isoformat()} is too far in the future to compute a deadline "
                f"(latest: {LATEST_DATE.isoformat()})"
            )
        if e.on < received:
            raise InvalidInput(
                None,
                f"{ClockEventKind(e.kind).value} on {fmt(e.on)} is before the request was received ({fmt(received)})"
            )
    if closed_on is not None and closed_on < received:
        raise InvalidInput(None, f"closed on {fmt(closed_on)}, before the request was received ({fmt(received)})")

    wanted = tuple(dict.fromkeys(str(r) for r in rights)) or ("access",)
    # Rule 7: each right keeps its own due date. Rights the regime pauses for clarification (uk-gdpr: access,
    # Art 12A) form one group, the others another; the case's headline is the earliest of them. CCPA opt-out and
    # limit requests have their own business-day period (dpo_tui.domain.ccpa.BUSINESS_DAY_RIGHTS).
    fast = BUSINESS_DAY_RIGHTS.get(regime.key, {})
    pausing = tuple(r for r in wanted if regime.stops_clock_for([r]) and r not in fast)
    others = tuple(r for r in wanted if r not in pausing and r not in fast)
    groups = [g for g in (pausing, others) if g]
    results = [
        (g, _compute_group(regime, calendar, evs, received, closed_on, internal_target_days, g)) for g in groups
    ]
    results += [((r,), _business_day_right(regime, calendar, received, closed_on, r, *fast[r])) for r in wanted if r in fast]
    by_right = {r: dl for g, dl in results for r in g}
    per_right = tuple(RightDeadline(r, by_right[r]) for r in wanted)
    # Earliest first; on the same date a running clock beats a stopped one (the other right still runs).
    order = sorted(
        range(len(results)),
        key=lambda i: (results[i][1].effective_due or date.max, results[i][1].state is ClockState.STOPPED, i),
    )
    head_rights, head = results[order[0]]
    extra: list[str] = []
    if len(results) > 1 and len({(dl.effective_due, dl.state) for _, dl in results}) > 1:
        why = []
        if "clarification" in regime.stop_clock_on and regime.stop_clock_rights:
            law = "UK GDPR Art 12A" if regime.key == "uk-gdpr" else "policy"
            why.append(f"stop-the-clock applies to {' and '.join(sorted(regime.stop_clock_rights))} only: {law}")
        if fast:
            why.append(f"{' and '.join(sorted(fast))} run in business days")
        extra.append("each right keeps its own due date" + (f" ({'; '.join(why)})" if why else "") + ":")
        for g, dl in results:
            due = dl.effective_due
            when = fmt(due) if due else "clock not started"
            paused = f" ({dl.paused_days} paused day{'s' * (dl.paused_days != 1)})" if dl.paused_days else ""
            stopped = " (clock stopped: clarification outstanding)" if dl.state is ClockState.STOPPED else ""
            extra.append(f"  {', '.join(g)}: due {when}{paused}{stopped}")
        extra.append(f"the case's date is the earliest: {', '.join(head_rights)}")
    return dataclasses.replace(
        head, explanation=head.explanation + tuple(extra), rights=wanted, per_right=per_right
    )


def _business_day_right(
    regime: Regime, calendar: WorkCalendar, received: date, closed_on: date | None, right: str, days: int, what: str,
    source: str,
) -> Deadline:
    """A right answered within N business days of receipt: no extension, no verification, no restart or pause."""
    due = calendar.add_business_days(received, days)
    lines = [
        f"{regime.name}, {what}: within {days} business days of receipt ({source}); no extension, no verification",
        f"holiday calendar: {calendar.description}",
        f"received {fmt(received)} + {days} business days, not counting weekends or {calendar.description} → {fmt(due)}",
    ]
    state = ClockState.RUNNING
    if closed_on is not None:
        state = ClockState.ENDED
        lines.append(f"closed {fmt(closed_on)}: the clock has ended")
    return Deadline(
        regime=regime.key, received=received, clock_start=received, state=state, paused_days=0, due=due,
        extension_notice_by=None, extended=False, extended_due=None, acknowledge_by=None, internal_target=None,
        explanation=tuple(lines), closed_on=closed_on, extendable=False, rights=(right,),
    )  # fmt: skip


def _compute_group(
    regime: Regime,
    calendar: WorkCalendar,
    evs: Sequence[ClockEvent],
    received: date,
    closed_on: date | None,
    internal_target_days: int | None,
    rights: Collection[str],
) -> Deadline:
    """The dates of one group of rights that share them (compute_deadline has validated and sorted `evs`)."""
    lines = [_rule_line(regime), f"holiday calendar: {calendar.description}"]
    ack, ack_line = None, ""
    if regime.acknowledge_business_days:
        n = regime.acknowledge_business_days
        ack = calendar.add_business_days(received, n)
        ack_line = (
            f"acknowledge by {fmt(ack)}: received {fmt(received)} + {n} business days, "
            f"not counting weekends or {calendar.description} (policy)"
        )
    clock_start, start_reason, awaiting, restart_lines = _clock_start(regime, evs, received)
    lines += restart_lines
    lapsed_due, late_on, late_lines = _late_identity(
        regime, calendar, evs, received, internal_target_days, rights
    )
    lines += late_lines

    if awaiting:
        lines.append(f"received {fmt(received)}")
        lines.append("clock not started: " + " and ".join(f"awaiting {w} since {fmt(d)}" for w, d in awaiting))
        lines += [
            f"extension recorded {fmt(e.on)} not applied: the clock has not started"
            for e in evs
            if e.kind == ClockEventKind.EXTENDED
        ]
        if ack:
            lines.append(ack_line)
        state = ClockState.NOT_STARTED
        if closed_on is not None:
            state = ClockState.ENDED
            lines.append(f"closed {fmt(closed_on)} before the clock started")
        return Deadline(
            regime=regime.key, received=received, clock_start=None, state=state, paused_days=0, due=None,
            extension_notice_by=None, extended=False, extended_due=None, acknowledge_by=ack, internal_target=None,
            explanation=tuple(lines), closed_on=closed_on, extendable=regime.has_extension,
            lapsed_due=lapsed_due, late_request=late_on, rights=tuple(rights),
        )  # fmt: skip

    assert clock_start is not None
    start = clock_start

    def period_end(paused_so_far: int) -> tuple[date, bool]:
        """The last day of the period in force with `paused_so_far` days paused: the extended date where an
        extension was validly notified by the un-extended one, else the un-extended date (rule 7)."""
        due_now, _ = _chain(regime, calendar, start, regime.period, paused_so_far, "")
        if regime.has_extension:
            for e in evs:
                if e.kind == ClockEventKind.EXTENDED and e.reason in EXTENSION_REASONS and received <= e.on <= due_now:
                    ext, _ = _chain(regime, calendar, start, regime.period + regime.extension, paused_so_far, "")
                    return ext, True
        return due_now, False

    paused, stopped_since, pause_lines = _pauses(regime, evs, clock_start, rights, period_end)
    lines += pause_lines

    start_label = f"received {fmt(received)}"
    if start_reason is not None:
        start_label = f"clock start {fmt(clock_start)} ({start_reason})"
    if regime.counting == "receipt_not_counted":
        start_label += " (not counted)"
    due, due_chain = _chain(regime, calendar, clock_start, regime.period, paused, start_label)
    lines.append(due_chain)

    notice_by = extended_due = None
    extended, ext_reason = False, None
    if regime.has_extension:
        notice_by = due  # the person must be told before the first period ends: the un-extended due date
        lines.append(f"extension notice by {fmt(notice_by)}: to extend, tell the person {regime.extension_notice}")
        extended_due, ext_chain = _chain(
            regime, calendar, clock_start, regime.period + regime.extension, paused, start_label
        )
        for e in evs:
            if e.kind != ClockEventKind.EXTENDED:
                continue
            problem = _extension_problem(
                extendable=True, started=True, ended=False, already=extended, notice_by=notice_by,
                received=received, told_on=e.on, reason=e.reason,
            )  # fmt: skip
            if problem:
                lines.append(f"extension recorded {fmt(e.on)} not applied: {problem}")
            else:
                extended, ext_reason = True, e.reason
                lines.append(f"extended ({_REASON_WORDS[e.reason or '']}): the person was told {fmt(e.on)}")
        lines.append(("extended due: " if extended else "if extended (complex or several requests): ") + ext_chain)
    else:
        lines.append(f"no extension: {regime.name} does not allow one")
        for e in evs:
            if e.kind == ClockEventKind.EXTENDED:
                lines.append(f"extension recorded {fmt(e.on)} not applied: {regime.name} has no extension")
    if ack:
        lines.append(ack_line)

    effective_due = extended_due if extended else due
    assert effective_due is not None
    target = None
    if internal_target_days:
        target, target_line = _internal_target(
            regime, calendar, clock_start, paused, effective_due, internal_target_days
        )
        lines.append(target_line)

    state = ClockState.STOPPED if stopped_since else ClockState.RUNNING
    if closed_on is not None:
        state = ClockState.ENDED
        margin = (effective_due - closed_on).days
        when = (
            "on the due date" if margin == 0
            else f"{margin} day{'s' * (margin != 1)} before the due date" if margin > 0
            else f"{-margin} day{'s' * (margin != -1)} after the due date"
        )  # fmt: skip
        lines.append(f"closed {fmt(closed_on)}, {when}: the clock has ended")

    return Deadline(
        regime=regime.key, received=received, clock_start=clock_start, state=state, paused_days=paused, due=due,
        extension_notice_by=notice_by, extended=extended, extended_due=extended_due, acknowledge_by=ack,
        internal_target=target, explanation=tuple(lines), stopped_since=stopped_since, closed_on=closed_on,
        extension_reason=ext_reason, extendable=regime.has_extension, lapsed_due=lapsed_due, late_request=late_on,
        rights=tuple(rights),
    )  # fmt: skip


def check_extension(deadline: Deadline, told_on: date, reason: str) -> None:
    """Raise ExtensionRefused, saying why, unless the law still allows extending this case on `told_on`.
    With per-right dates (issue 15) it is enough that one right's period may still be extended; the engine applies
    the extension to each right whose own period allows it, and says so."""
    others = [rd.deadline for rd in deadline.per_right if rd.deadline is not deadline]
    for other in others:
        try:
            _check_one(other, told_on, reason)
            return
        except ExtensionRefused:
            continue
    _check_one(deadline, told_on, reason)


def _check_one(deadline: Deadline, told_on: date, reason: str) -> None:
    problem = _extension_problem(
        extendable=deadline.extendable,
        started=deadline.clock_start is not None,
        ended=deadline.state is ClockState.ENDED,
        already=deadline.extended,
        notice_by=deadline.extension_notice_by,
        received=deadline.received,
        told_on=told_on,
        reason=reason,
        regime=deadline.regime,
        reason_held=deadline.extension_reason,
    )
    if problem:
        raise ExtensionRefused(problem[0].upper() + problem[1:])


def _extension_problem(
    *,
    extendable: bool,
    started: bool,
    ended: bool,
    already: bool,
    notice_by: date | None,
    received: date,
    told_on: date,
    reason: str | None,
    regime: str = "",
    reason_held: str | None = None,
) -> str | None:
    # One rule set for check_extension (refuse the action) and compute_deadline (ignore a bad recorded event).
    if already:
        held = f" ({_REASON_WORDS.get(reason_held or '', reason_held)})" if reason_held else ""
        return f"the case is already extended{held}; the law allows one extension only"
    if not extendable:
        return f"the {regime} regime has no extension"
    if ended:
        return "the case is closed"
    if not started or notice_by is None:
        return "the clock has not started (awaiting ID, authority or fee): there is no period to extend yet"
    if reason not in EXTENSION_REASONS:
        return f"an extension needs a reason, complex or several_requests (got {reason!r})"
    if told_on < received:
        return f"the person cannot be told on {fmt(told_on)}, before the request was received ({fmt(received)})"
    if told_on > notice_by:
        return (
            f"too late: the person had to be told by {fmt(notice_by)} (the un-extended due date), "
            f"not {fmt(told_on)}"
        )
    return None


def _rule_line(regime: Regime) -> str:
    if regime.period_unit == "months":
        period = _period_words(regime.period, "months")
        if regime.counting == "receipt_is_day_one":
            rule = (
                f"the day of receipt is day one; due on the same date {period} later "
                "(the last day of that month where it has no such date)"
            )
        else:
            rule = (
                f"the day of receipt is not counted; the period ends at the end of the same date {period} later, "
                "or of that month's last day where it has no such date"
            )
    elif regime.counting == "receipt_is_day_one":
        rule = f"{regime.period} calendar days, the day of receipt being day one"
    else:
        rule = f"{regime.period} calendar days, the day of receipt not counted"
    if regime.roll == "none":
        roll = "a date on a weekend or holiday is not moved (policy)"
    elif regime.counting == "receipt_not_counted":
        roll = "a period ending on a Saturday, Sunday or public holiday ends at the end of the next working day"
    else:
        roll = "a due date on a weekend or bank holiday moves to the next working day"
    return f"{regime.name}: {rule}; {roll}"


def _period_words(n: int, unit: str) -> str:
    if unit == "days":
        return f"{n} day{'s' * (n != 1)}"
    word = _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else str(n)
    return f"{word} month{'s' * (n != 1)}"


def _clock_start(
    regime: Regime, evs: Sequence[ClockEvent], received: date
) -> tuple[date | None, str | None, list[tuple[str, date]], list[str]]:
    """(clock start, why it is not the receipt date, [(what is awaited, since)], explanation lines)."""
    start, why = received, None
    awaiting: list[tuple[str, date]] = []
    lines: list[str] = []
    for kind in RESTART_KINDS:
        asked = [e.on for e in evs if e.kind == f"{kind}_requested"]
        got = [e.on for e in evs if e.kind == f"{kind}_received"]
        if not asked and not got:
            continue
        word = _KIND_WORDS[kind]
        last_asked, last_got = max(asked, default=None), max(got, default=None)
        history = ", ".join(
            ([f"asked for {fmt(last_asked)}"] if last_asked else [])
            + ([f"received {fmt(last_got)}"] if last_got else [])
        )
        if kind not in regime.restart_kinds:
            lines.append(f"{word} {history}: under {regime.name} this does not restart the clock")
            continue
        if last_asked is not None and (last_got is None or last_got < last_asked):
            awaiting.append((word, last_asked))
            continue
        assert last_got is not None
        lines.append(f"{word} {history}: the period runs from the day it arrived")
        if last_got > start:
            start, why = last_got, f"{word} received"
    return (None if awaiting else start), why, awaiting, lines


def _late_identity(
    regime: Regime,
    calendar: WorkCalendar,
    evs: Sequence[ClockEvent],
    received: date,
    internal_target_days: int | None,
    rights: Collection[str],
) -> tuple[date | None, date | None, list[str]]:
    """Rule 9: (the due date that had lapsed, the day ID/authority was asked for, explanation lines), for the first
    ID or authority request made after the due date then in force. Only where that request restarts the clock:
    elsewhere (ccpa, eu-gdpr by default) the original date simply stands.
    Sources: UK GDPR Art 12(6) (reasonable doubts); ICO guidance on the right of access, "Can we ask for ID?"
    (ask promptly; the time limit starts on receipt of the information)."""
    kinds = {f"{k}_requested": k for k in ("id", "authority") if k in regime.restart_kinds}
    for e in evs:
        if e.kind not in kinds:
            continue
        before = [x for x in evs if x.on < e.on]
        then = _compute_group(regime, calendar, before, received, None, internal_target_days, rights)
        due = then.effective_due
        if due is not None and e.on > due:
            word = _KIND_WORDS[kinds[e.kind]]
            return due, e.on, [
                f"{word} asked for {fmt(e.on)}, after the due date {fmt(due)} had passed: the period lapsed on "
                f"{fmt(due)} and that stays on the record; in law the request still restarts the clock, but only "
                "where there was reasonable doubt (Art 12(6)), and ID should be asked for promptly (ICO): "
                "the DPO records why it was asked so late"
            ]
    return None, None, []


def _pauses(
    regime: Regime,
    evs: Sequence[ClockEvent],
    clock_start: date,
    rights: Collection[str],
    period_end: Callable[[int], tuple[date, bool]],
) -> tuple[int, date | None, list[str]]:
    """(paused days, stopped since (None unless a question is open), explanation lines).

    `period_end(paused so far)` gives the last day of the period in force and whether it is the extended one: a
    question asked after it does not pause anything (a period that has ended cannot be paused; rule 7)."""
    pairs: list[tuple[date, date]] = []
    open_since: date | None = None
    extra_questions: list[date] = []
    for e in evs:
        if e.kind == ClockEventKind.CLARIFICATION_ASKED:
            if open_since is None:
                open_since = e.on
            else:
                extra_questions.append(e.on)
        elif e.kind == ClockEventKind.CLARIFICATION_ANSWERED:
            if open_since is None:
                raise InvalidInput(None, f"clarification answered on {fmt(e.on)} with no question outstanding")
            pairs.append((open_since, e.on))
            open_since = None
    if not pairs and open_since is None:
        return 0, None, []

    if not regime.stops_clock_for(rights):
        if "clarification" not in regime.stop_clock_on:
            why = f"{regime.name} has no stop-the-clock" + (" (policy: off)" if regime.stop_clock_rights else "")
        else:
            why = f"the clock stops only for {' or '.join(sorted(regime.stop_clock_rights))} requests"
        return 0, None, [f"clarification asked: does not stop the clock ({why})"]

    lines: list[str] = []
    total = 0

    def ended(asked: date) -> bool:
        end, ext = period_end(total)
        if asked <= end:
            return False
        lines.append(
            f"clarification asked {fmt(asked)}, after the {'extended ' if ext else ''}due date {fmt(end)}: "
            "the period had already ended and cannot be paused, so the date does not move (the breach stands)"
        )
        return True

    for asked, answered in pairs:
        if ended(asked):
            continue
        if answered < clock_start:
            lines.append(
                f"clarification asked {fmt(asked)}, answered {fmt(answered)}: before the clock started, not counted"
            )
            continue
        counted_from = max(asked, clock_start)
        n = (answered - counted_from).days + 1
        total += n
        note = f"; counted from the clock start {fmt(clock_start)}" if asked < clock_start else ""
        lines.append(
            f"clock stopped for clarification: asked {fmt(asked)}, answered {fmt(answered)} → "
            f"{n} paused day{'s' * (n != 1)} (both days count){note}"
        )
    for d in extra_questions:
        lines.append(f"further clarification asked {fmt(d)} while the clock was already stopped")
    stopped_since = None
    if open_since is not None and not ended(open_since):
        stopped_since = max(open_since, clock_start)
        lines.append(
            f"clock stopped since {fmt(stopped_since)}: clarification asked, no answer yet; every day until the "
            "answer arrives (both days included) will be added to the dates below"
        )
    return total, stopped_since, lines


def _chain(
    regime: Regime, calendar: WorkCalendar, start: date, length: int, paused: int, start_label: str
) -> tuple[date, str]:
    """One date and its explanation: `received Sat 31 Jan 2026 → one month → 28 Feb 2026 (February has no 31st)
    → Saturday → Mon 2 Mar 2026`. Intermediate dates carry no weekday; the final one does."""
    if regime.period_unit == "months":
        # relativedelta clamps to the month's last day (31 Jan + 1 month = 28/29 Feb), which is rule 3.
        d = start + relativedelta(months=length)
        note = f" ({MONTH_NAMES[d.month - 1]} has no {ordinal(start.day)})" if d.day != start.day else ""
    else:
        d = start + timedelta(days=length - 1 if regime.counting == "receipt_is_day_one" else length)
        note = ""
    step = _period_words(length, regime.period_unit)
    parts = [start_label]
    if paused:
        # Paused days go on the unrolled date; the roll comes last (rule 7).
        parts.append(f"{step} → {fmt(d, weekday=False)}{note}")
        d += timedelta(days=paused)
        step, note = f"+ {paused} paused day{'s' * (paused != 1)}", ""
    if regime.roll == "next_working_day":
        rolled, skipped = calendar.roll_forward(d)
        if skipped:
            # Name the day the date fell on, then only the holidays after it: "Saturday", not "Saturday, Sunday".
            named = [skipped[0]] + [r for r in skipped[1:] if r not in ("Saturday", "Sunday")]
            parts.append(f"{step} → {fmt(d, weekday=False)}{note} → {', '.join(named)} → {fmt(rolled)}")
        else:
            parts.append(f"{step} → {fmt(d)}{note}")
        return rolled, " → ".join(parts)
    reason = calendar.non_working_reason(d)
    if reason:
        note += f" ({reason}; not moved: {regime.key} has no weekend or holiday roll)"
    parts.append(f"{step} → {fmt(d)}{note}")
    return d, " → ".join(parts)


def _internal_target(
    regime: Regime, calendar: WorkCalendar, clock_start: date, paused: int, legal: date, days: int
) -> tuple[date, str]:
    if days > 0:
        offset = days - 1 if regime.counting == "receipt_is_day_one" else days
        target = clock_start + timedelta(days=offset + paused)
        how = f"{days} days from the clock start" + (f" + {paused} paused days" if paused else "")
        if target > legal:
            target, how = legal, how + ", capped at the legal due date"
    else:
        target = max(calendar.add_business_days(legal, days), clock_start)
        how = f"{-days} working days before the legal due date {fmt(legal)}"
    return target, f"internal target {fmt(target)} (policy, not the legal date): {how}"
