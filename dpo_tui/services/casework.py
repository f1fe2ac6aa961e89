"""Casework verbs shared by every screen and command: log, read, move, assign, annotate.

Every public method is one user action: one transaction, the change and its audit event together.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import object_session
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from dpo_tui.domain.checklist import marketing_objection_refusal
from dpo_tui.domain.clock import ClockEvent, ClockEventKind, Deadline, compute_deadline
from dpo_tui.domain.errors import DomainError, InvalidInput, InvalidTransition
from dpo_tui.domain.lifecycle import CLOSED, Status, check_transition, parse_status
from dpo_tui.domain.regimes import Regime, load_regimes
from dpo_tui.domain.rights import Right
from dpo_tui.domain.workdays import WorkCalendar
from dpo_tui.settings import Settings
from dpo_tui.store import audit
from dpo_tui.store.database import Database
from dpo_tui.store.models import NO_DUE, Case, ChecklistItem, ClockEventRow, Letter, Note, RefCounter, utcnow
from dpo_tui.services.views import (
    CaseDetail,
    ChecklistItemView,
    ClockEventView,
    EventView,
    LetterView,
    NoteView,
)

CHANNELS = ("email", "web", "post", "phone", "in_person", "social")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class CaseNotFound(DomainError):
    pass


class StaleCase(DomainError):
    """Someone else changed the case since it was read."""


@dataclass(frozen=True)
class NewRequest:
    name: str
    email: str
    rights: tuple[Right, ...]
    received: date
    channel: str = "email"
    description: str = ""
    regime: str | None = None
    address: str | None = None
    phone: str | None = None
    account: str | None = None
    agent_name: str | None = None
    agent_kind: str | None = None
    assignee: str | None = None


class Casework:
    def __init__(self, db: Database, settings: Settings, *, today: Callable[[], date] = date.today) -> None:
        self.db = db
        self.settings = settings
        self.actor = settings.user_name
        self.today = today
        self._real_today = today is date.today
        self._regimes: dict[str, Regime] | None = None

    def now(self) -> datetime:
        """The time a casework fact happened (closure, status change). Follows an injected `today` (demo data,
        tests) so that a case is never closed before it was received; audit events always carry the real time."""
        real = utcnow()
        if self._real_today:
            return real
        return datetime.combine(self.today(), real.timetz())

    # ---- regimes and deadlines -------------------------------------------------------------

    @property
    def regimes(self) -> dict[str, Regime]:
        if self._regimes is None:
            self._regimes = load_regimes(self.settings.config_dir / "regimes")
        return self._regimes

    def regime(self, key: str) -> Regime:
        try:
            regime = self.regimes[key]
        except KeyError:
            raise InvalidInput(f"unknown regime '{key}' (known: {', '.join(sorted(self.regimes))})") from None
        return apply_policy(regime, self.settings)

    def deadline_of(self, case: Case, rows: Iterable[ClockEventRow]) -> Deadline:
        events = [ClockEvent(ClockEventKind(r.kind), r.on, r.reason) for r in rows]
        closed_on = case.closed_at.date() if case.closed_at and case.status in CLOSED else None
        target = self.settings.policy.internal_target_days or None
        return compute_deadline(
            self.regime(case.regime),
            WorkCalendar(case.country, case.subdivision),
            events,
            closed_on=closed_on,
            internal_target_days=target,
            rights=case.rights.split(","),
        )

    def calendar_for(self, regime: Regime) -> WorkCalendar:
        org = self.settings.organisation
        return WorkCalendar(*_calendar_for(regime, org.country, org.subdivision))

    def preview_deadline(self, regime_key: str | None, received: date, rights: Sequence[str]) -> Deadline:
        """The deadline a new request would get if logged now (the new-request form shows it before saving)."""
        regime = self.regime(regime_key or self.settings.organisation.regime)
        return compute_deadline(
            regime,
            self.calendar_for(regime),
            [ClockEvent(ClockEventKind.RECEIVED, received)],
            internal_target_days=self.settings.policy.internal_target_days or None,
            rights=list(rights),
        )

    def refresh_deadline(self, session: Session, case: Case) -> Deadline:
        rows = _clock_rows(session, case.id)
        dl = self.deadline_of(case, rows)
        case.clock_state = dl.state.value
        case.clock_start = dl.clock_start
        case.legal_due = dl.due
        case.due = dl.effective_due
        case.due_sort = dl.effective_due or NO_DUE
        case.extension_notice_by = dl.extension_notice_by
        case.extended = dl.extended
        case.paused_days = dl.paused_days
        return dl

    # ---- reading ---------------------------------------------------------------------------

    def get(self, ref: str, *, with_events: bool = True) -> CaseDetail:
        with self.db.reader() as s:
            case = load_case(s, ref)
            return self._detail(s, case, with_events=with_events)

    def find_by_email(self, email: str, *, exclude_ref: str | None = None) -> list[tuple[str, str, date]]:
        """Other cases from the same email: (ref, status, received)."""
        norm = email.strip().lower()
        if not norm:
            return []
        with self.db.reader() as s:
            rows = s.exec(select(Case.ref, Case.status, Case.received).where(Case.email_norm == norm).order_by(Case.received))
            return [(r, st, rc) for r, st, rc in rows if r != exclude_ref]

    def list_cases(
        self, *, status: str | None = None, overdue: bool = False, due_within: int | None = None, limit: int | None = None
    ) -> list[Case]:
        today = self.today()
        with self.db.reader() as s:
            q = select(Case)
            if status:
                q = q.where(Case.status == parse_status(status).value)
            if overdue:
                q = q.where(Case.is_open == True, Case.due_sort < today)  # noqa: E712
            if due_within is not None:
                q = q.where(Case.is_open == True, Case.due_sort <= today + timedelta(days=due_within))  # noqa: E712
            q = q.order_by(Case.due_sort, Case.id)
            if limit:
                q = q.limit(limit)
            return list(s.exec(q))

    def _detail(self, s: Session, case: Case, *, with_events: bool) -> CaseDetail:
        rows = _clock_rows(s, case.id)
        dl = self.deadline_of(case, rows)
        items = s.exec(select(ChecklistItem).where(ChecklistItem.case_id == case.id).order_by(ChecklistItem.position))
        letters = s.exec(select(Letter).where(Letter.case_id == case.id).order_by(Letter.sent_on, Letter.id))
        notes = s.exec(select(Note).where(Note.case_id == case.id).order_by(Note.at))
        events = audit.events_for_case(s, case.id) if with_events else []
        return CaseDetail(
            id=case.id,
            ref=case.ref,
            status=case.status,
            regime=case.regime,
            country=case.country,
            subdivision=case.subdivision,
            channel=case.channel,
            received=case.received,
            rights=tuple(case.rights.split(",")),
            requester={
                "name": case.requester_name,
                "email": case.requester_email,
                "address": case.requester_address,
                "phone": case.requester_phone,
                "account": case.requester_account,
            },
            agent={"name": case.agent_name, "kind": case.agent_kind},
            description=case.description,
            assignee=case.assignee,
            outcome=case.outcome,
            final_response_on=case.final_response_on,
            status_since=case.status_since,
            created_at=case.created_at,
            updated_at=case.updated_at,
            closed_at=case.closed_at,
            version=case.version,
            deadline=dl,
            days_left=dl.days_left(self.today()),
            identity=dict(case.identity or {}),
            decision=dict(case.decision or {}),
            clock_events=tuple(ClockEventView(r.kind, r.on, r.reason, r.recorded_by, r.recorded_at) for r in rows),
            checklist=tuple(_item_view(i) for i in items),
            letters=tuple(
                LetterView(l.id, l.kind, l.channel, l.direction, l.sent_on, l.subject, l.body, l.created_by, l.created_at)
                for l in letters
            ),
            notes=tuple(NoteView(n.body, n.by, n.at) for n in notes),
            events=tuple(
                EventView(e.seq, e.at, audit.who(e.actor, e.actor_name), e.kind, audit.payload_view(e), e.hash) for e in events
            ),
        )

    # ---- writing ---------------------------------------------------------------------------

    def log_request(self, req: NewRequest) -> CaseDetail:
        req = self.validate_new(req)
        regime = self.regime(req.regime or self.settings.organisation.regime)
        calendar = self.calendar_for(regime)  # fails now, not on first read, if the calendar is unknown
        country, subdivision = calendar.country, calendar.subdivision
        with self.db.write() as s:
            ref = _next_ref(s, req.received.year)
            case = Case(
                ref=ref,
                regime=regime.key,
                country=country,
                subdivision=subdivision,
                channel=req.channel,
                received=req.received,
                status=Status.NEW.value,
                rights=",".join(r.value for r in req.rights),
                requester_name=req.name,
                requester_email=req.email,
                email_norm=req.email.lower(),
                requester_address=req.address,
                requester_phone=req.phone,
                requester_account=req.account,
                agent_name=req.agent_name,
                agent_kind=req.agent_kind,
                description=req.description,
                assignee=req.assignee,
            )
            case.search_text = search_text(case)
            s.add(case)
            s.flush()
            s.add(ClockEventRow(case_id=case.id, kind=ClockEventKind.RECEIVED.value, on=req.received, recorded_by=self.actor))
            s.flush()
            self._add_checklist(s, case)
            self.refresh_deadline(s, case)
            self.record(
                s,
                case,
                "case.logged",
                {
                    "rights": case.rights,
                    "received": req.received.isoformat(),
                    "channel": req.channel,
                    "regime": case.regime,
                    "due": _iso(case.due),
                },
            )
            s.flush()
            return self._detail(s, case, with_events=True)

    def validate_new(self, req: NewRequest) -> NewRequest:
        name = " ".join(req.name.split())
        email = req.email.strip()
        if not name:
            raise InvalidInput("name: the requester's name is required")
        if not email:
            raise InvalidInput("email: the requester's email is required (use the postal address field as well if they wrote by post)")
        if not _EMAIL.match(email):
            raise InvalidInput(f"email: '{email}' is not an email address")
        if not req.rights:
            raise InvalidInput("rights: name at least one right (access, erasure, ...)")
        if req.channel not in CHANNELS:
            raise InvalidInput(f"channel: unknown channel '{req.channel}' (valid: {', '.join(CHANNELS)})")
        if req.received > self.today():
            raise InvalidInput(f"received: {req.received.isoformat()} is in the future")
        if req.received.year < 2000:
            raise InvalidInput(f"received: {req.received.isoformat()} is implausibly old")
        return replace(req, name=name, email=email)

    def change_status(
        self,
        ref: str,
        to: str | Status,
        *,
        version: int | None = None,
        reason: str | None = None,
        outcome: str | None = None,
    ) -> CaseDetail:
        target = parse_status(to) if isinstance(to, str) else to
        with self.db.write() as s:
            case = load_case(s, ref, version)
            self.move(case, target, reason=reason, outcome=outcome)
            self.refresh_deadline(s, case)
            self.record(s, case, "case.status", {"to": target.value, "reason": reason, "outcome": outcome})
            return self.finish(s, case)

    def assign(self, refs: Sequence[str], assignee: str | None) -> int:
        """Bulk: one transaction for all the cases, one audit event per case."""
        who = (assignee or "").strip() or None
        with self.db.write() as s:
            for ref in refs:
                case = load_case(s, ref)
                before = case.assignee
                case.assignee = who
                self.record(s, case, "case.assigned", {"from": before, "to": who})
            return len(refs)

    def bulk_status(self, refs: Sequence[str], to: str | Status, *, reason: str | None = None) -> int:
        target = parse_status(to) if isinstance(to, str) else to
        with self.db.write() as s:
            for ref in refs:
                case = load_case(s, ref)
                try:
                    self.move(case, target, reason=reason, outcome=None)
                except DomainError as exc:
                    raise DomainError(f"{ref}: {exc}; no case was changed") from None
                self.refresh_deadline(s, case)
                self.record(s, case, "case.status", {"to": target.value, "reason": reason, "bulk": True})
            return len(refs)

    def add_note(self, ref: str, body: str) -> CaseDetail:
        text = body.strip()
        if not text:
            raise InvalidInput("note: write something first")
        with self.db.write() as s:
            case = load_case(s, ref)
            s.add(Note(case_id=case.id, body=text, by=self.actor))
            self.record(s, case, "note.added", {"length": len(text)})
            return self.finish(s, case)

    # ---- building blocks for the walkthrough services (identity, decisions, checklist, letters) ----
    # Each of their verbs opens `self.db.write()`, loads the case with `load_case`, changes it with these,
    # calls `record` for its audit event and returns `finish(s, case)`.

    def move(self, case: Case, target: Status, *, reason: str | None, outcome: str | None) -> None:
        check_transition(Status(case.status), target)
        if target is Status.REFUSED:
            self._check_refusable(case)
        case.status = target.value
        case.is_open = target not in CLOSED
        case.status_since = self.now()
        if target in CLOSED:
            case.closed_at = self.now()
            case.outcome = outcome or target.value
            if target is not Status.WITHDRAWN and case.final_response_on is None:
                case.final_response_on = self.today()
        else:
            case.closed_at = None
            if outcome is not None:
                case.outcome = outcome

    def _check_refusable(self, case: Case) -> None:
        """Every path to `refused` passes here: an objection to direct marketing is absolute (Art 21(3))."""
        session = object_session(case)
        states = {}
        if session is not None and case.id is not None:
            rows = session.exec(select(ChecklistItem.key, ChecklistItem.state).where(ChecklistItem.case_id == case.id))
            states = dict(rows.all())
        problem = marketing_objection_refusal(case.rights.split(","), states)
        if problem:
            raise InvalidTransition(f"{case.ref}: {problem}")

    def add_clock_event(self, s: Session, case: Case, kind: ClockEventKind, on: date, reason: str | None = None) -> None:
        if on < case.received:
            raise InvalidInput(f"date: {on.isoformat()} is before the request was received ({case.received.isoformat()})")
        if on > self.today():
            raise InvalidInput(f"date: {on.isoformat()} is in the future")
        s.add(ClockEventRow(case_id=case.id, kind=kind.value, on=on, reason=reason, recorded_by=self.actor))
        s.flush()

    def _add_checklist(self, s: Session, case: Case) -> None:
        from dpo_tui.services.checklists import specs_for

        specs = specs_for(self.settings, [Right(r) for r in case.rights.split(",")])
        for pos, spec in enumerate(specs):
            s.add(
                ChecklistItem(
                    case_id=case.id,
                    position=pos,
                    key=spec.key,
                    right=spec.right.value if spec.right else None,
                    system_key=spec.system_key,
                    label=spec.label,
                    guidance=spec.guidance,
                    requires_search_record=spec.requires_search_record,
                )
            )
        case.checklist_total = len(specs)
        case.checklist_done = 0

    def record(self, s: Session, case: Case, kind: str, payload: dict[str, Any]) -> None:
        case.updated_at = self.now()
        s.add(case)
        s.flush()
        audit.append(s, actor=self.actor, kind=kind, payload=payload, case_id=case.id, case_ref=case.ref)

    def finish(self, s: Session, case: Case) -> CaseDetail:
        try:
            s.flush()
        except StaleDataError:
            raise StaleCase(f"{case.ref} was changed by someone else meanwhile; reopen it and try again") from None
        return self._detail(s, case, with_events=True)


def apply_policy(regime: Regime, settings: Settings) -> Regime:
    """EU GDPR leaves restart-on-ID and stop-the-clock to the organisation: the settings decide."""
    if regime.key != "eu-gdpr":
        return regime
    return regime.with_policy(identity_restarts=settings.policy.eu_identity_restarts, stop_clock=settings.policy.eu_stop_clock)


def _calendar_for(regime: Regime, org_country: str, org_subdivision: str | None) -> tuple[str, str | None]:
    """The organisation's calendar where its regime is the case's, else the regime's own default."""
    if regime.key == "ccpa" or (org_country == "GB") != (regime.key == "uk-gdpr"):
        return regime.country, regime.subdivision
    return org_country, org_subdivision


def search_text(case: Case) -> str:
    return search_words(case.ref, case.requester_name, case.requester_email, case.description)


def search_words(*parts: str | None) -> str:
    """What the queue's search matches: reference, name, email and request text, lower-cased."""
    return " ".join(part for part in parts if part).lower()


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def load_case(s: Session, ref: str, version: int | None = None) -> Case:
    case = s.exec(select(Case).where(Case.ref == ref.strip().upper())).first()
    if case is None:
        raise CaseNotFound(f"no case {ref!r}")
    if version is not None and case.version != version:
        raise StaleCase(f"{case.ref} was changed by someone else since you opened it; reopen it and try again")
    return case


def _clock_rows(s: Session, case_id: int | None) -> list[ClockEventRow]:
    return list(s.exec(select(ClockEventRow).where(ClockEventRow.case_id == case_id).order_by(ClockEventRow.on, ClockEventRow.id)))


def _next_ref(s: Session, year: int) -> str:
    counter = s.exec(select(RefCounter).where(RefCounter.year == year).with_for_update()).first()
    if counter is None:
        counter = RefCounter(year=year, last=0)
    counter.last += 1
    s.add(counter)
    s.flush()
    return f"DSAR-{year}-{counter.last:04d}"


def _item_view(i: ChecklistItem) -> ChecklistItemView:
    return ChecklistItemView(
        i.key, i.position, i.right, i.system_key, i.label, i.guidance, i.requires_search_record, i.adhoc,
        i.state, i.reason, i.search_terms, i.found, i.note, i.done_by, i.done_at,
    )
