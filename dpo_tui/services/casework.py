"""Casework verbs shared by every screen and command: log, read, move, assign, annotate.

Every public method is one user action: one transaction, the change and its audit event together.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import object_session
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from dpo_tui.domain.checklist import OpenItems, check_completion, marketing_objection_refusal
from dpo_tui.domain.clock import ClockEvent, ClockEventKind, Deadline, compute_deadline
from dpo_tui.domain.errors import DomainError, InvalidInput, InvalidTransition
from dpo_tui.domain.identity import RequesterKind
from dpo_tui.domain.jurisdiction import require_member_state
from dpo_tui.domain.lifecycle import CLOSED, Status, check_transition, parse_status
from dpo_tui.domain.regimes import Regime
from dpo_tui.loaders import load_regimes
from dpo_tui.domain.rights import Right
from dpo_tui.domain.states import Channel, Outcome
from dpo_tui.domain.text import check_text, problem as text_problem
from dpo_tui.domain.workdays import WorkCalendar
from dpo_tui.settings import Settings
from dpo_tui.store import audit
from dpo_tui.store.database import Database, retry_transient
from dpo_tui.store.models import NO_DUE, AuditEvent, Case, ChecklistItem, ClockEventRow, Letter, Note, RefCounter, utcnow
from dpo_tui.services.views import (
    CaseDetail,
    ChecklistItemView,
    ClockEventView,
    EventView,
    LetterView,
    NoteView,
)

CHANNELS = tuple(c.value for c in Channel)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9(][0-9 ()\-.]{4,}[0-9]$")
# Who may make a request for someone else: domain/identity.py RequesterKind less "self", and intake's "third_party"
# (a form that says someone else is asking, without saying who they are to the person).
_AGENT_KINDS = (*(k.value for k in RequesterKind if k.third_party), "third_party")


class CaseNotFound(DomainError):
    pass


class StaleCase(DomainError):
    """Someone else changed the case since the user read it (a version mismatch, on any database).

    Carries who changed it and when (its newest audit event) so a screen can say so and keep the user's input."""

    def __init__(self, ref: str, who: str | None, when: datetime | None) -> None:
        self.ref = ref
        self.who = who
        self.when = when
        by = f"changed by {who} at {_local(when)}" if who and when else "changed by someone else"
        super().__init__(f"{ref}: {by}: reopen it and try again")


def _local(when: datetime) -> str:
    """An event time in the user's local time (SQLite hands back naive datetimes: they are stored as UTC)."""
    aware = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    return aware.astimezone().strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class NewRequest:
    name: str
    email: str
    rights: tuple[Right, ...]
    received: date
    channel: str = Channel.EMAIL
    description: str = ""
    regime: str | None = None
    address: str | None = None
    phone: str | None = None
    account: str | None = None
    agent_name: str | None = None  # who made the request for the person (the requester fields are whose data)
    agent_kind: str | None = None  # a RequesterKind other than "self": solicitor, relative, agent, portal, parent
    agent_contact: str | None = None  # how to reach the agent: email, phone or postal address (migration 0015)
    assignee: str | None = None
    member_state: str | None = None  # eu-gdpr: the EU/EEA member state concerned ("DE" or "DE-BY"); issue 15


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
            raise InvalidInput(None, f"unknown regime '{key}' (known: {', '.join(sorted(self.regimes))})") from None
        return apply_policy(regime, self.settings)

    def deadline_of(self, case: Case, rows: Iterable[ClockEventRow]) -> Deadline:
        closed = case.closed_at.date() if case.closed_at and case.status in CLOSED else None
        if case.kind == "complaint":  # its own dates: DPA 2018 s.164A (dpo_tui.domain.complaints)
            from dpo_tui.domain.complaints import complaint_deadline

            c = (case.decision or {}).get("complaint") or {}
            ack = c.get("acknowledged_on")
            return complaint_deadline(
                case.regime, case.received, acknowledged_on=date.fromisoformat(ack) if ack else None,
                closed_on=closed, policy_days=int(c.get("ack_days") or self.settings.policy.complaint_ack_days),
            )  # fmt: skip
        events = [ClockEvent(ClockEventKind(r.kind), r.on, r.reason) for r in rows]
        # The clock ends on the response date (the delivery of the response, issue 18), else the day it was closed.
        closed_on = (case.final_response_on or case.closed_at.date()) if case.closed_at and case.status in CLOSED else None
        target = self.settings.policy.internal_target_days or None
        return compute_deadline(
            self.regime(case.regime),
            WorkCalendar(case.country, case.subdivision),
            events,
            closed_on=closed_on,
            internal_target_days=target,
            rights=case.right_keys,
        )

    def calendar_for(self, regime: Regime, member_state: str | None = None) -> WorkCalendar:
        """The holiday calendar a new case of `regime` gets. eu-gdpr (a regime with no default calendar): the member
        state concerned, from the case, else the settings, else the organisation's own EU/EEA country; never a
        silent default (issue 15)."""
        org = self.settings.organisation
        if not regime.country:
            country, region, _ = require_member_state(member_state, self.settings.policy.eu_member_state, org.country)
            return WorkCalendar(country, region)
        return WorkCalendar(*_calendar_for(regime, org.country, org.subdivision))

    def preview_deadline(
        self, regime_key: str | None, received: date, rights: Sequence[str], member_state: str | None = None
    ) -> Deadline:
        """The deadline a new request would get if logged now (the new-request form shows it before saving)."""
        regime = self.regime(regime_key or self.settings.organisation.regime)
        return compute_deadline(
            regime,
            self.calendar_for(regime, member_state),
            [ClockEvent(ClockEventKind.RECEIVED, received)],
            internal_target_days=self.settings.policy.internal_target_days or None,
            rights=list(rights),
        )

    def refresh_deadline(self, session: Session, case: Case) -> Deadline:
        rows = _clock_rows(session, case.id)
        dl = self.deadline_of(case, rows)
        for name, value in cached_deadline(dl).items():
            setattr(case, name, value)
        return dl

    # ---- reading ---------------------------------------------------------------------------

    def get(self, ref: str, *, with_events: bool = True) -> CaseDetail:
        with self.db.reader() as s:
            case = load_case(s, ref)
            return self._detail(s, case, with_events=with_events)

    def version_of(self, ref: str) -> int:
        """The case's current version. For callers that apply an action straight away without showing the case
        first (CLI commands, scripts): they pass this as the version they saw."""
        with self.db.reader() as s:
            return load_case(s, ref).version

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
                horizon = today + timedelta(days=min(max(due_within, 0), (date.max - today).days))  # no overflow
                q = q.where(Case.is_open == True, Case.due_sort <= horizon)  # noqa: E712
            q = q.order_by(Case.due_sort, Case.id)
            if limit:
                q = q.limit(limit)
            return list(s.exec(q))

    def _detail(self, s: Session, case: Case, *, with_events: bool) -> CaseDetail:
        from dpo_tui.services.attachments import _log, _views
        from dpo_tui.services.pack import _deliveries, _packs

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
            rights=tuple(case.right_keys),
            requester={
                "name": case.requester_name,
                "email": case.requester_email,
                "address": case.requester_address,
                "phone": case.requester_phone,
                "account": case.requester_account,
            },
            agent={"name": case.agent_name, "kind": case.agent_kind, "contact": case.agent_contact},
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
            kind=case.kind or "request",
            about_ref=case.about_ref,
            complaints=tuple(
                s.exec(select(Case.ref).where(Case.about_ref == case.ref).order_by(Case.id))  # type: ignore[arg-type]
            ) if case.kind != "complaint" else (),
            attachments=tuple(_views(s, case)),
            redactions=tuple(_log(s, case)),
            packs=tuple(_packs(s, case)),
            deliveries=tuple(_deliveries(s, case)),
        )

    # ---- writing ---------------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[Session]:
        """The transaction of one user action (see Database.write), with every version mismatch as StaleCase.

        `lock_case` checks the version the user saw, so a mismatch normally surfaces there; SQLAlchemy's own check
        at flush (StaleDataError, from `version_id_col`) is the backstop and gets the same typed, one-line error."""
        locked: list[str] = []  # filled by lock_cases: the cases this action changes
        try:
            with self.db.write() as s:
                s.info["locked_refs"] = locked
                yield s
        except StaleDataError:
            raise self._stale(locked) from None

    def _stale(self, refs: Sequence[str]) -> StaleCase:
        """The conflict for the first of `refs` (the cases this action locked), naming the author and time of its
        newest event; read in a fresh session, after the rollback."""
        with self.db.reader() as r:
            for ref in refs or ["?"]:
                row = r.exec(
                    select(AuditEvent.actor, AuditEvent.actor_name, AuditEvent.at).where(AuditEvent.case_ref == ref).order_by(AuditEvent.seq.desc()).limit(1)  # type: ignore[attr-defined]
                ).first()
                if row is not None:
                    return StaleCase(ref, audit.who(row[0], row[1]), row[2])
        return StaleCase(refs[0] if refs else "the case", None, None)

    @retry_transient
    def log_request(self, req: NewRequest) -> CaseDetail:
        with self.write() as s:
            case = self.log_in(s, req)
            return self._detail(s, case, with_events=True)

    def log_in(self, s: Session, req: NewRequest, audit_extra: dict[str, Any] | None = None) -> Case:
        """`log_request` inside the caller's transaction (intake logs many requests as one action)."""
        req = self.validate_new(req)
        regime = self.regime(req.regime or self.settings.organisation.regime)
        calendar = self.calendar_for(regime, req.member_state)  # fails now, not on first read, if the calendar is unknown
        country, subdivision = calendar.country, calendar.subdivision
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
            agent_contact=req.agent_contact,
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
                **(audit_extra or {}),
            },
        )
        s.flush()
        return case

    def validate_new(self, req: NewRequest) -> NewRequest:
        # Characters no database stores (NUL, undecodable bytes) are refused naming the field; other control
        # characters are kept as sent and escaped wherever they are shown.
        for label, value in (
            ("name", req.name), ("email", req.email), ("description", req.description), ("postal address", req.address),
            ("phone", req.phone), ("account", req.account), ("agent", req.agent_name), ("assignee", req.assignee),
            ("agent contact", req.agent_contact),
        ):  # fmt: skip
            check_text(label, value)
        name = " ".join(req.name.split())
        email = req.email.strip()
        address = (req.address or "").strip() or None
        phone = " ".join((req.phone or "").split()) or None
        if not name:
            raise InvalidInput("name", "the requester's name is required")
        if not (email or address or phone):
            # Postal and telephone requests are as valid as emailed ones: one way to reach the person is enough.
            raise InvalidInput("email", "give at least one way to reach the person: email, postal address or phone")
        if email and not _EMAIL.match(email):
            raise InvalidInput("email", f"'{email}' is not an email address")
        if phone and not _PHONE.match(phone):
            raise InvalidInput("phone", f"'{phone}' is not a telephone number (digits, spaces, + ( ) - only)")
        agent_name = " ".join((req.agent_name or "").split()) or None
        agent_kind = (req.agent_kind or "").strip() or None
        agent_contact = (req.agent_contact or "").strip() or None
        if agent_kind == "self":
            agent_kind = None
        if agent_kind is not None and agent_kind not in _AGENT_KINDS:
            raise InvalidInput("agent kind", f"unknown kind '{agent_kind}' (valid: {', '.join(_AGENT_KINDS)})")
        if (agent_kind or agent_contact) and not agent_name:
            raise InvalidInput("agent", "name the agent who made the request for the person")
        if agent_name and agent_kind is None:
            agent_kind = "agent"
        if not req.rights:
            raise InvalidInput("rights: name at least one right (access, erasure, ...)")
        regime_key = req.regime or self.settings.organisation.regime
        if regime_key == "ccpa":
            from dpo_tui.domain.ccpa import NOT_CCPA

            wrong = [r.value for r in req.rights if r.value in NOT_CCPA]
            if wrong:
                raise InvalidInput(
                    f"rights: {', '.join(wrong)} is not a CCPA right; a CCPA case takes know (access), delete "
                    "(erasure), correct (rectification), opt-out of sale/sharing (objection) or limit the use of "
                    "sensitive personal information (restriction)"
                )
        if req.channel not in CHANNELS:
            raise InvalidInput("channel", f"unknown channel '{req.channel}' (valid: {', '.join(CHANNELS)})")
        if req.received > self.today():
            raise InvalidInput("received", f"{req.received.isoformat()} is in the future")
        if req.received.year < 2000:
            raise InvalidInput("received", f"{req.received.isoformat()} is implausibly old")
        return replace(
            req, name=name, email=email, address=address, phone=phone,
            agent_name=agent_name, agent_kind=agent_kind, agent_contact=agent_contact,
        )  # fmt: skip

    @retry_transient
    def change_status(
        self,
        ref: str,
        to: str | Status,
        *,
        version: int,
        reason: str | None = None,
        outcome: str | Outcome | None = None,
    ) -> CaseDetail:
        target = parse_status(to) if isinstance(to, str) else to
        closing = Outcome.of(outcome)  # a word outside the vocabulary is refused before anything changes
        with self.write() as s:
            case = lock_case(s, ref, version=version)
            before = status_snapshot(case)
            self.move(case, target, reason=reason, outcome=closing)
            self.refresh_deadline(s, case)
            self.record(s, case, "case.status", {"to": target.value, "reason": reason, "outcome": case.outcome if target in CLOSED else closing, "before": before})
            return self.finish(s, case)

    @retry_transient
    def reopen(self, ref: str, reason: str | None, *, version: int) -> CaseDetail:
        """Reopen a closed case into work (e.g. a complaint shows the response was incomplete). The reason is
        required; the status, outcome and final response date it had are kept in the audit event, and cleared on
        the case so that closing it again records the new response."""
        why = " ".join((reason or "").split())
        if not why:
            raise InvalidInput("reason", "say why the case is reopened (it is part of the record)")
        with self.write() as s:
            case = lock_case(s, ref, version=version)
            before = Status(case.status)
            if before not in CLOSED:
                raise InvalidTransition(f"{case.ref} is {before.label}, not closed: there is nothing to reopen")
            was = {"from": before.value, "outcome": case.outcome, "final_response_on": _iso(case.final_response_on)}
            snapshot = status_snapshot(case)
            self.move(case, Status.IN_PROGRESS, reason=why, outcome=None)
            self.refresh_deadline(s, case)
            self.record(s, case, "case.reopened", {"reason": why, **was, "before": snapshot})
            return self.finish(s, case)

    @retry_transient
    def assign(self, assignee: str | None, *, versions: Mapping[str, int]) -> int:
        """Bulk: one transaction for all the cases (ref -> the version the user saw), one audit event per case.
        All or nothing: a case changed meanwhile fails the whole action with StaleCase."""
        who = (assignee or "").strip() or None
        with self.write() as s:
            for case in lock_cases(s, versions):
                before = case.assignee
                case.assignee = who
                self.record(s, case, "case.assigned", {"from": before, "to": who})
            return len(versions)

    @retry_transient
    def bulk_status(self, to: str | Status, *, versions: Mapping[str, int], reason: str | None = None) -> int:
        """Bulk status (ref -> the version the user saw): all or nothing."""
        target = parse_status(to) if isinstance(to, str) else to
        with self.write() as s:
            for case in lock_cases(s, versions):
                ref = case.ref
                before = status_snapshot(case)
                try:
                    self.move(case, target, reason=reason, outcome=None)
                except OpenItems:
                    raise  # names the case and its open items; the caller may ask for an override reason
                except DomainError as exc:
                    raise DomainError(f"{ref}: {exc}; no case was changed") from None
                self.refresh_deadline(s, case)
                self.record(s, case, "case.status", {"to": target.value, "reason": reason, "bulk": True, "before": before})
            return len(versions)

    @retry_transient
    def add_note(self, ref: str, body: str, *, version: int) -> CaseDetail:
        text = body.strip()
        if not text:
            raise InvalidInput("note", "write something first")
        with self.write() as s:
            case = lock_case(s, ref, version=version)
            note = Note(case_id=case.id, body=text, by=self.actor)
            s.add(note)
            s.flush()
            self.record(s, case, "note.added", {"length": len(text), "note_id": note.id})
            return self.finish(s, case)

    # ---- building blocks for the walkthrough services (identity, decisions, checklist, letters) ----
    # Each of their verbs is decorated with `retry_transient`, opens `work.write()`, locks the case with
    # `lock_case(s, ref, version=...)` (the version the user saw), changes it with these, calls `record` for its
    # audit event and returns `finish(s, case)`.

    def move(self, case: Case, target: Status, *, reason: str | None, outcome: Outcome | None) -> None:
        before = Status(case.status)
        check_transition(before, target)
        reopening = before in CLOSED and target not in CLOSED
        if reopening and not " ".join((reason or "").split()):
            raise InvalidTransition(
                f"{case.ref}: reopening a closed case needs a reason (it is part of the record): the case screen's R, "
                "or `dpo-tui status REF in_progress --reason ...`"
            )
        if target is Status.REFUSED:
            self._check_refusable(case)
        if target is Status.COMPLETED:
            self._check_completable(case, reason)
            if outcome in (None, Outcome.COMPLETED):  # the outcome follows the decision (a partial refusal)
                outcome = Outcome.closing(target, (case.decision or {}).get("kind"))
        case.status = target.value
        case.is_open = target not in CLOSED
        case.status_since = self.now()
        if target in CLOSED:
            case.closed_at = self.now()
            case.outcome = outcome or Outcome.closing(target)
            if target is not Status.WITHDRAWN and case.final_response_on is None:
                case.final_response_on = self.today()
        else:
            case.closed_at = None
            if reopening:  # closing it again records the new response (the old one stays in the audit trail)
                case.outcome = None
                case.final_response_on = None
            if outcome is not None:
                case.outcome = outcome

    def _check_completable(self, case: Case, reason: str | None) -> None:
        """Every path to `completed` passes here (case screen `C`, queue `S`, command line): open checklist items
        refuse it unless an override reason is given; the override and the items it leaves open are audited."""
        session = object_session(case)
        if session is None or case.id is None:
            return
        rows = session.exec(
            select(ChecklistItem.key, ChecklistItem.label, ChecklistItem.state)
            .where(ChecklistItem.case_id == case.id)
            .order_by(ChecklistItem.position)
        ).all()
        left_open = check_completion(case.ref, case.rights.split(","), [tuple(r) for r in rows], reason)
        if left_open:
            why = " ".join((reason or "").split())
            self.record(
                session,
                case,
                "checklist.override",
                {"reason": why, "open_items": [{"key": k, "label": label} for k, label in left_open]},
            )

    def _check_refusable(self, case: Case) -> None:
        """Every path to `refused` passes here: an objection to direct marketing is absolute (Art 21(3))."""
        session = object_session(case)
        states = {}
        if session is not None and case.id is not None:
            rows = session.exec(select(ChecklistItem.key, ChecklistItem.state).where(ChecklistItem.case_id == case.id))
            states = dict(rows.all())
        problem = marketing_objection_refusal(case.right_keys, states)
        if problem:
            raise InvalidTransition(f"{case.ref}: {problem}")

    def add_clock_event(self, s: Session, case: Case, kind: ClockEventKind, on: date, reason: str | None = None) -> None:
        if on < case.received:
            raise InvalidInput("date", f"{on.isoformat()} is before the request was received ({case.received.isoformat()})")
        if on > self.today():
            raise InvalidInput("date", f"{on.isoformat()} is in the future")
        s.add(ClockEventRow(case_id=case.id, kind=kind.value, on=on, reason=reason, recorded_by=self.actor))
        s.flush()

    def _add_checklist(self, s: Session, case: Case) -> None:
        from dpo_tui.services.checklists import specs_for

        specs = specs_for(self.settings, [Right(r) for r in case.right_keys])
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
        # A StaleDataError here propagates to `write()`, which turns it into StaleCase after the rollback.
        s.flush()
        return self._detail(s, case, with_events=True)


def cached_deadline(dl: Deadline) -> dict[str, Any]:
    """The deadline columns a case caches for the queue, its counts and listings. A clock that is stopped or not
    started has no running due date: it sorts after every dated case (as waits on the requester do) and is never
    counted overdue or due this week; `stopped_since` lets every listing show the frozen days left
    (`domain.days_left`) that the case header shows."""
    running = dl.state.value not in ("stopped", "not_started")
    return {
        "clock_state": dl.state.value,
        "clock_start": dl.clock_start,
        "legal_due": dl.due,
        "due": dl.effective_due,
        "due_sort": (dl.effective_due if running else None) or NO_DUE,
        "extension_notice_by": dl.extension_notice_by,
        "extended": dl.extended,
        "paused_days": dl.paused_days,
        "stopped_since": dl.stopped_since if dl.state.value == "stopped" else None,
    }


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


def status_snapshot(case: Case) -> dict[str, Any]:
    """What a status change overwrites, kept in its audit event so an undo can put it back exactly."""
    return {
        "status": case.status,
        "outcome": case.outcome,
        "final_response_on": _iso(case.final_response_on),
        "closed_at": case.closed_at.isoformat() if case.closed_at else None,
    }


def search_text(case: Case) -> str:
    return search_words(case.ref, case.requester_name, case.requester_email, case.description)


def search_words(*parts: str | None) -> str:
    """What the queue's search matches: reference, name, email and request text, lower-cased."""
    return " ".join(part for part in parts if part).lower()


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def load_case(s: Session, ref: str) -> Case:
    """Read a case (no lock, no version check): for reads. Writes use `lock_case`."""
    if text_problem(ref) is not None:  # a NUL or an undecodable byte names no case, and would fail in the driver
        raise CaseNotFound(f"no case {ref!r}")
    case = s.exec(select(Case).where(Case.ref == ref.strip().upper())).first()
    if case is None:
        raise CaseNotFound(f"no case {ref!r}")
    return case


def lock_case(s: Session, ref: str, *, version: int) -> Case:
    """The case an action changes, locked (PostgreSQL: FOR UPDATE, after the audit head that `Database.write` locked
    first) and checked against the version the user saw."""
    return lock_cases(s, {ref: version})[0]


def lock_cases(s: Session, versions: Mapping[str, int]) -> list[Case]:
    """Lock the cases an action changes in one consistent order (by id) and check each against the version the user
    saw. The first mismatch raises StaleCase naming who changed it and when; nothing has been changed yet."""
    for ref in versions:
        if text_problem(ref) is not None:  # a NUL or an undecodable byte names no case, and would fail in the driver
            raise CaseNotFound(f"no case {ref!r}")
    wanted = {ref.strip().upper(): v for ref, v in versions.items()}
    if not wanted:
        return []
    cases = list(s.exec(select(Case).where(Case.ref.in_(list(wanted))).order_by(Case.id).with_for_update()))  # type: ignore[attr-defined]
    found = {c.ref for c in cases}
    for ref in wanted:
        if ref not in found:
            raise CaseNotFound(f"no case {ref!r}")
    s.info.setdefault("locked_refs", []).extend(c.ref for c in cases)
    for case in cases:
        check_version(s, case, wanted[case.ref])
    # Bulk actions change the cases in the order the user marked them; the lock order above is what matters.
    order = {ref: i for i, ref in enumerate(wanted)}
    return sorted(cases, key=lambda c: order[c.ref])


def check_version(s: Session, case: Case, version: int) -> None:
    """StaleCase, naming who changed the case and when, unless it is still at the version the user saw."""
    if case.version != version:
        raise _stale_in(s, case)


def _stale_in(s: Session, case: Case) -> StaleCase:
    row = s.exec(
        select(AuditEvent.actor, AuditEvent.actor_name, AuditEvent.at).where(AuditEvent.case_id == case.id).order_by(AuditEvent.seq.desc()).limit(1)  # type: ignore[attr-defined]
    ).first()
    # The author as the case's timeline names them: the login, with the display name beside it on PostgreSQL.
    return StaleCase(case.ref, audit.who(row[0], row[1]) if row else None, row[2] if row else None)


def _clock_rows(s: Session, case_id: int | None) -> list[ClockEventRow]:
    return list(s.exec(select(ClockEventRow).where(ClockEventRow.case_id == case_id).order_by(ClockEventRow.on, ClockEventRow.id)))


def _next_ref(s: Session, year: int) -> str:
    """Issue the next reference in one atomic statement (insert the year's counter or bump it): two processes
    logging the first request of a year on a fresh database never both try to create the counter row."""
    insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = RefCounter.__table__  # type: ignore[attr-defined]
    stmt = (
        insert(table)
        .values(year=year, last=1)
        .on_conflict_do_update(index_elements=[table.c.year], set_={"last": table.c.last + 1})
        .returning(table.c.last)
    )
    last = s.execute(stmt).scalar_one()
    return f"DSAR-{year}-{last:04d}"


def _item_view(i: ChecklistItem) -> ChecklistItemView:
    return ChecklistItemView(
        i.key, i.position, i.right, i.system_key, i.label, i.guidance, i.requires_search_record, i.adhoc,
        i.state, i.reason, i.search_terms, i.found, i.note, i.done_by, i.done_at,
    )
