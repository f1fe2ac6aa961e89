"""Typed views of the two JSON records a case carries: `Case.identity` and `Case.decision`.

The stored JSON keeps the layout documented in `dpo_tui.domain.identity` (schema `dpo-tui/identity/1`) and
`dpo_tui.domain.decisions` (schema `dpo-tui/decision/1`): exports print it as it is, the audit trail hashes it, and
nothing in the database has to be rewritten. Code reads it through these classes, never with `.get("...")`:

- `IdentityRecord.from_json(raw)` / `DecisionRecord.from_json(raw)` accept every shape earlier code wrote: the
  current layout, a record without a `schema` key (the first releases), and the alias keys of the first letters
  code (`requested` / `what_to_ask` for `asked_for`, `failure_reason` for `outcome_reason`, `clarifications` or a
  single clarification dict for `clarification.rounds`, fee `breakdown` / `amount`, refusal item `what`). A record
  with a newer schema than this code knows raises `RecordTooNew`.
- `to_json()` writes the current layout (with `schema`), the keys in the documented order.

Dates are `date` objects here and ISO strings in JSON; money stays the 2-decimal strings the decisions store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dpo_tui.domain.errors import DomainError
from dpo_tui.domain.identity import SCHEMA as IDENTITY_SCHEMA
from dpo_tui.domain.identity import IdStatus, Method, RequesterKind
from dpo_tui.domain.states import DecisionKind, RefusalScope

DECISION_SCHEMA = "dpo-tui/decision/1"


class RecordTooNew(DomainError):
    """The record was written by a newer dpo-tui (a schema version this code does not know)."""


def _version(raw: Mapping[str, Any], schema: str) -> None:
    value = raw.get("schema")
    if value is None or value == schema:
        return
    prefix = schema.rsplit("/", 1)[0] + "/"
    known = int(schema.rsplit("/", 1)[1])
    if isinstance(value, str) and value.startswith(prefix) and value[len(prefix):].isdigit() and int(value[len(prefix):]) <= known:
        return
    raise RecordTooNew(f"this case's record is {value!r}, newer than this dpo-tui knows ({schema}); upgrade dpo-tui")


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _enum(kind: Any, value: Any) -> Any:
    try:
        return kind(value) if value else None
    except ValueError:
        return None


def _first(raw: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        value = raw.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


# ---- identity -----------------------------------------------------------------------------------------------------

# Words the first letters code accepted for "could not verify" before the status vocabulary was fixed.
_LEGACY_ID_STATUS = {"failed": "could_not_verify", "not_verified": "could_not_verify", "unverified": "could_not_verify"}


def _id_status(value: Any) -> IdStatus | None:
    word = str(value).lower() if value else None
    return _enum(IdStatus, _LEGACY_ID_STATUS.get(word or "", word))


@dataclass(frozen=True)
class Authority:
    needed: bool = False
    evidence: str | None = None
    asked_for: str | None = None
    requested_on: date | None = None
    received_on: date | None = None

    @classmethod
    def from_json(cls, raw: Any) -> Authority:
        r = _map(raw)
        return cls(bool(r.get("needed")), _text(r.get("evidence")), _text(r.get("asked_for")),
                   _day(r.get("requested_on")), _day(r.get("received_on")))  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        return {"needed": self.needed, "evidence": self.evidence, "asked_for": self.asked_for,
                "requested_on": _iso(self.requested_on), "received_on": _iso(self.received_on)}  # fmt: skip


@dataclass(frozen=True)
class Child:
    age: int | None = None
    in_scotland: bool = False
    competent: bool = False
    presumed: bool = False
    reason: str = ""
    parent_may_act: bool = False

    @classmethod
    def from_json(cls, raw: Any) -> Child | None:
        if not isinstance(raw, Mapping):
            return None
        age = raw.get("age")
        return cls(int(age) if isinstance(age, int | str) and str(age).isdigit() else None, bool(raw.get("in_scotland")),
                   bool(raw.get("competent")), bool(raw.get("presumed")), str(raw.get("reason") or ""),
                   bool(raw.get("parent_may_act")))  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        return {"age": self.age, "in_scotland": self.in_scotland, "competent": self.competent, "presumed": self.presumed,
                "reason": self.reason, "parent_may_act": self.parent_may_act}  # fmt: skip


@dataclass(frozen=True)
class IdentityFacts:
    recognised_contact: str | None = None
    sensitive: bool = False
    mismatch: bool = False

    @classmethod
    def from_json(cls, raw: Any) -> IdentityFacts:
        r = _map(raw)
        return cls(_text(r.get("recognised_contact")), bool(r.get("sensitive")), bool(r.get("mismatch")))

    def to_json(self) -> dict[str, Any]:
        return {"recognised_contact": self.recognised_contact, "sensitive": self.sensitive, "mismatch": self.mismatch}


@dataclass(frozen=True)
class IdentityRecord:
    """`Case.identity`. An empty record (`IdentityRecord()`, status None) means no identity step was taken."""

    status: IdStatus | None = None
    needed: bool | None = None
    reason: str | None = None
    facts: IdentityFacts = field(default_factory=IdentityFacts)
    requester_kind: RequesterKind | None = None
    authority: Authority = field(default_factory=Authority)
    child: Child | None = None
    method: Method | None = None
    asked_for: str | None = None
    id_requested: bool = True  # False when only authority was asked for
    requested_on: date | None = None
    requested_by: str | None = None
    seen: str | None = None
    matched: str | None = None
    by: str | None = None
    at: date | None = None
    copy_received: bool = False
    copy_deleted: bool = False
    outcome: IdStatus | None = None  # verified | could_not_verify | withdrawn | no_response
    outcome_reason: str | None = None
    outcome_on: date | None = None
    outcome_by: str | None = None
    rounds: int = 0
    previous: tuple[Mapping[str, Any], ...] = ()  # earlier rounds, as stored
    late: Mapping[str, Any] | None = None  # {"lapsed_due", "asked_on", "reason", "by"} when asked after the due date

    @classmethod
    def from_json(cls, raw: Mapping[str, Any] | None) -> IdentityRecord:
        r = _map(raw)
        if not r:
            return cls()
        _version(r, IDENTITY_SCHEMA)
        asked = _first(r, "asked_for", "requested", "what_to_ask")
        if isinstance(asked, list | tuple):
            asked = "\n".join(str(a) for a in asked)
        rounds = r.get("rounds")
        return cls(
            status=_id_status(r.get("status")),
            needed=r.get("needed") if isinstance(r.get("needed"), bool) else None,
            reason=_text(r.get("reason")),
            facts=IdentityFacts.from_json(r.get("facts")),
            requester_kind=_enum(RequesterKind, r.get("requester_kind")),
            authority=Authority.from_json(r.get("authority")),
            child=Child.from_json(r.get("child")),
            method=_enum(Method, r.get("method")),
            asked_for=_text(asked),
            id_requested=bool(r.get("id_requested", True)),
            requested_on=_day(r.get("requested_on")),
            requested_by=_text(r.get("requested_by")),
            seen=_text(r.get("seen")),
            matched=_text(r.get("matched")),
            by=_text(r.get("by")),
            at=_day(r.get("at")),
            copy_received=bool(r.get("copy_received")),
            copy_deleted=bool(r.get("copy_deleted")),
            outcome=_id_status(r.get("outcome")),
            outcome_reason=_text(_first(r, "outcome_reason", "failure_reason", "reason_failed")),
            outcome_on=_day(r.get("outcome_on")),
            outcome_by=_text(r.get("outcome_by")),
            rounds=int(rounds) if isinstance(rounds, int) else 0,
            previous=tuple(p for p in r.get("previous") or () if isinstance(p, Mapping)),
            late=r.get("late") if isinstance(r.get("late"), Mapping) else None,
        )

    def to_json(self) -> dict[str, Any]:
        """The layout `request_identity` writes (every key, in the documented order)."""
        return {
            "schema": IDENTITY_SCHEMA,
            "status": self.status.value if self.status else None,
            "needed": self.needed,
            "reason": self.reason,
            "facts": self.facts.to_json(),
            "requester_kind": self.requester_kind.value if self.requester_kind else None,
            "authority": self.authority.to_json(),
            "child": self.child.to_json() if self.child else None,
            "method": self.method.value if self.method else None,
            "asked_for": self.asked_for,
            "id_requested": self.id_requested,
            "requested_on": _iso(self.requested_on),
            "requested_by": self.requested_by,
            "seen": self.seen,
            "matched": self.matched,
            "by": self.by,
            "at": _iso(self.at),
            "copy_received": self.copy_received,
            "copy_deleted": self.copy_deleted,
            "outcome": self.outcome.value if self.outcome else None,
            "outcome_reason": self.outcome_reason,
            "outcome_on": _iso(self.outcome_on),
            "rounds": self.rounds,
            "previous": [dict(p) for p in self.previous],
            "late": dict(self.late) if self.late else None,
            **({"outcome_by": self.outcome_by} if self.outcome_by else {}),  # added last, with the outcome
        }

    @property
    def settled(self) -> bool:
        """Identity needs nothing more before the request is answered: verified, or verification not needed."""
        return self.status in (IdStatus.VERIFIED, IdStatus.NOT_NEEDED) or self.needed is False

    @property
    def asked_for_lines(self) -> list[str]:
        return [a.strip() for a in (self.asked_for or "").split("\n") if a.strip()]


# ---- decision -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeeLine:
    label: str
    amount: str | None
    kind: str | None = None
    quantity: Any = None
    unit_cost: str | None = None


@dataclass(frozen=True)
class Payment:
    amount: str
    on: date | None


@dataclass(frozen=True)
class Fee:
    currency: str | None = None
    lines: tuple[FeeLine, ...] = ()
    total: str | None = None
    requested_on: date | None = None
    basis: str | None = None  # the finding it rests on, or "further_copies"
    paid: Payment | None = None
    why: str | None = None
    note: str | None = None

    @classmethod
    def from_json(cls, raw: Any) -> Fee | None:
        if not isinstance(raw, Mapping) or not raw:
            return None
        lines_raw: Any = _first(raw, "lines", "breakdown") or []
        if isinstance(lines_raw, Mapping):
            lines_raw = [{"label": k, "amount": v} for k, v in lines_raw.items()]
        lines = tuple(
            FeeLine(str(_first(x, "label", "item", "description") or ""), _text(x.get("amount")), _text(x.get("kind")),
                    x.get("quantity"), _text(x.get("unit_cost")))  # fmt: skip
            for x in lines_raw if isinstance(x, Mapping)
        )
        total = raw.get("total", raw.get("amount"))
        if total is None and lines:
            try:
                total = f"{sum(float(x.amount or 0) for x in lines):.2f}"
            except ValueError:
                total = None
        paid = raw.get("paid")
        payment = Payment(str(paid.get("amount") or ""), _day(paid.get("on"))) if isinstance(paid, Mapping) and paid else None
        return cls(_text(raw.get("currency")), lines, _text(total), _day(raw.get("requested_on")), _text(raw.get("basis")),
                   payment, _text(_first(raw, "why", "reason")), _text(raw.get("note")))  # fmt: skip

    @property
    def outstanding(self) -> bool:
        """Asked for and not yet paid."""
        return self.requested_on is not None and self.paid is None


@dataclass(frozen=True)
class Ground:
    key: str
    label: str
    evidence: str
    category: str | None = None


@dataclass(frozen=True)
class AssessmentRecord:
    finding: str | None = None
    grounds: tuple[Ground, ...] = ()
    on: date | None = None
    by: str | None = None
    note: str | None = None

    @classmethod
    def from_json(cls, raw: Any) -> AssessmentRecord | None:
        if not isinstance(raw, Mapping) or not raw:
            return None
        grounds = tuple(
            Ground(str(g.get("key") or ""), str(g.get("label") or ""), str(g.get("evidence") or ""), _text(g.get("category")))
            for g in raw.get("grounds") or () if isinstance(g, Mapping)
        )
        return cls(_text(raw.get("finding")), grounds, _day(raw.get("on")), _text(raw.get("by")), _text(raw.get("note")))


@dataclass(frozen=True)
class RefusedItem:
    item: str
    ground: str


@dataclass(frozen=True)
class AuthorityContact:
    """The supervisory authority named in a refusal (a snapshot of the settings when it was refused)."""

    name: str = ""
    website: str = ""
    phone: str = ""
    address: str = ""
    email: str = ""

    @classmethod
    def from_json(cls, raw: Any) -> AuthorityContact:
        r = _map(raw)
        return cls(*(str(r.get(k) or "").strip() for k in ("name", "website", "phone", "address", "email")))

    @property
    def has_contact(self) -> bool:
        return any((self.address, self.website, self.phone, self.email))


@dataclass(frozen=True)
class Refusal:
    scope: RefusalScope | None = None
    items: tuple[RefusedItem, ...] = ()
    reasons: tuple[str, ...] = ()
    on: date | None = None
    finding: str | None = None
    authority: AuthorityContact = field(default_factory=AuthorityContact)
    judicial_remedy: str | None = None
    complain_to_controller: Any = None  # None (not recorded) | str (the sentence) | bool (older records)

    @classmethod
    def from_json(cls, raw: Any) -> Refusal | None:
        if not isinstance(raw, Mapping) or not raw:
            return None
        reasons = raw.get("reasons") or []
        if isinstance(reasons, str):
            reasons = [reasons]
        items = tuple(
            RefusedItem(str(_first(i, "item", "what") or ""), str(i.get("ground") or ""))
            for i in raw.get("items") or () if isinstance(i, Mapping)
        )
        return cls(_enum(RefusalScope, raw.get("scope")), items, tuple(str(r) for r in reasons), _day(raw.get("on")),
                   _text(raw.get("finding")), AuthorityContact.from_json(raw.get("authority")), _text(raw.get("judicial_remedy")),
                   raw.get("complain_to_controller"))  # fmt: skip

    @property
    def reasons_text(self) -> str:
        return " ".join(" ".join(self.reasons).split())


@dataclass(frozen=True)
class Extension:
    reason: str | None = None
    told_on: date | None = None
    note: str | None = None
    due_before: date | None = None
    due_after: date | None = None

    @classmethod
    def from_json(cls, raw: Any) -> Extension | None:
        if not isinstance(raw, Mapping) or not raw:
            return None
        return cls(_text(raw.get("reason")), _day(raw.get("told_on")), _text(_first(raw, "note", "explanation")),
                   _day(raw.get("due_before")), _day(raw.get("due_after")))  # fmt: skip


@dataclass(frozen=True)
class Clarification:
    question: str | None = None
    asked_on: date | None = None
    answered_on: date | None = None
    answer: str | None = None
    stops_for: tuple[str, ...] | None = None  # None: not recorded (older records): the deadline says
    period_ended: bool = False

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Clarification:
        stops = raw.get("stops_for")
        return cls(_text(raw.get("question")), _day(raw.get("asked_on")), _day(raw.get("answered_on")),
                   _text(raw.get("answer")), tuple(str(r) for r in stops) if isinstance(stops, list | tuple) else None,
                   bool(raw.get("period_ended")))  # fmt: skip


@dataclass(frozen=True)
class KeptData:
    """Data kept in one system under an erasure exception (Art 17(3); CCPA 1798.105(d))."""

    system: str | None
    system_name: str
    ground_label: str
    detail: str


@dataclass(frozen=True)
class Erasure:
    ground: str | None = None
    ground_label: str | None = None
    ground_note: str | None = None
    made_public: bool = False
    controllers_informed: str | None = None
    exceptions: tuple[KeptData, ...] = ()

    @classmethod
    def from_json(cls, raw: Any) -> Erasure | None:
        if not isinstance(raw, Mapping) or not raw:
            return None
        kept = tuple(
            KeptData(_text(x.get("system")), str(x.get("system_name") or ""), str(x.get("ground_label") or ""),
                     str(x.get("detail") or ""))  # fmt: skip
            for x in raw.get("exceptions") or () if isinstance(x, Mapping)
        )
        return cls(_text(raw.get("ground")), _text(raw.get("ground_label")), _text(raw.get("ground_note")),
                   bool(raw.get("made_public")), _text(raw.get("controllers_informed")), kept)  # fmt: skip


@dataclass(frozen=True)
class Lapse:
    """A due date that passed before ID was asked for (issue 15), with the DPO's reason."""

    kind: str | None
    lapsed_due: date | None
    asked_on: date | None
    reason: str | None


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@dataclass(frozen=True)
class ExemptionEntry:
    """One entry of the exemption log, `decision["exemptions"]` (issue 15): an item withheld or redacted under an
    exemption of the case's regime (domain/exemptions.py validates it: `make_entry`), who logged it and when."""

    id: int
    item: str
    action: str  # withheld | redacted (domain/exemptions.ACTIONS)
    exemption: str  # the exemption's key in the regime's list
    citation: str  # its citation, with the law relied on where it needs one
    label: str
    reasoning: str
    by: str
    on: date | None
    law: str | None = None
    ncnd: bool = False  # neither confirm nor deny: letters leave the entry out

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> ExemptionEntry:
        """Every stored shape is read: a missing key is empty (the first entries had no `label` or `law`)."""
        return cls(_int(raw.get("id")), str(raw.get("item") or ""), str(raw.get("action") or ""),
                   str(raw.get("exemption") or ""), str(raw.get("citation") or ""), str(raw.get("label") or ""),
                   str(raw.get("reasoning") or ""), str(raw.get("by") or ""), _day(raw.get("on")),
                   _text(raw.get("law")), bool(raw.get("ncnd")))  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        """The stored layout, keys in the order the log has always been written."""
        return {
            "id": self.id, "item": self.item, "action": self.action, "exemption": self.exemption,
            "citation": self.citation, "label": self.label, "law": self.law, "reasoning": self.reasoning,
            "ncnd": self.ncnd, "by": self.by, "on": _iso(self.on),
        }  # fmt: skip


@dataclass(frozen=True)
class RepeatDecision:
    """The DPO's decision on a CCPA repeat request to know (Civ. Code 1798.130(b)), `decision["ccpa_repeat"]`:
    the earlier requests in the 12 months, decline or answer, and why."""

    earlier: tuple[str, ...]
    decision: str  # decline | answer
    note: str
    by: str
    on: date | None
    source: str  # the provision relied on

    @property
    def declined(self) -> bool:
        return self.decision == "decline"

    @classmethod
    def from_json(cls, raw: Any) -> RepeatDecision | None:
        if not isinstance(raw, Mapping) or not raw:
            return None
        earlier = raw.get("earlier")
        return cls(tuple(str(r) for r in earlier) if isinstance(earlier, list | tuple) else (),
                   str(raw.get("decision") or ""), str(raw.get("note") or ""), str(raw.get("by") or ""),
                   _day(raw.get("on")), str(raw.get("source") or ""))  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        return {
            "earlier": list(self.earlier), "decision": self.decision, "note": self.note, "by": self.by,
            "on": _iso(self.on), "source": self.source,
        }  # fmt: skip


@dataclass(frozen=True)
class DecisionRecord:
    """`Case.decision`."""

    kind: DecisionKind | None = None
    assessment: AssessmentRecord | None = None
    fee: Fee | None = None
    further_copies: tuple[Fee, ...] = ()
    refusal: Refusal | None = None
    extension: Extension | None = None
    clarifications: tuple[Clarification, ...] = ()
    lapses: tuple[Lapse, ...] = ()
    exemptions: tuple[ExemptionEntry, ...] = ()
    erasure: Erasure | None = None
    ccpa_repeat: RepeatDecision | None = None
    delay_reason: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_json(cls, raw: Mapping[str, Any] | None) -> DecisionRecord:
        r = _map(raw)
        if not r:
            return cls()
        _version(r, DECISION_SCHEMA)
        clar: Any = _first(r, "clarification", "clarifications") or []
        if isinstance(clar, Mapping):
            clar = clar.get("rounds") or [clar]
        lapses = tuple(
            Lapse(_text(x.get("kind")), _day(x.get("lapsed_due")), _day(x.get("asked_on")), _text(x.get("reason")))
            for x in r.get("lapses") or () if isinstance(x, Mapping)
        )
        return cls(
            kind=_enum(DecisionKind, r.get("kind")),
            assessment=AssessmentRecord.from_json(r.get("assessment")),
            fee=Fee.from_json(r.get("fee")),
            further_copies=tuple(f for f in (Fee.from_json(x) for x in r.get("further_copies") or ()) if f is not None),
            refusal=Refusal.from_json(r.get("refusal")),
            extension=Extension.from_json(r.get("extension")),
            clarifications=tuple(Clarification.from_json(c) for c in clar if isinstance(c, Mapping)),
            lapses=lapses,
            exemptions=tuple(ExemptionEntry.from_json(e) for e in r.get("exemptions") or () if isinstance(e, Mapping)),
            erasure=Erasure.from_json(r.get("erasure")),
            ccpa_repeat=RepeatDecision.from_json(r.get("ccpa_repeat")),
            delay_reason=_text(_first(r, "delay_reason", "delay")),
            raw=r,
        )

    @property
    def finding(self) -> str | None:
        """The finding a refusal or fee rests on: the refusal's own, else the assessment's."""
        return (self.refusal.finding if self.refusal else None) or (self.assessment.finding if self.assessment else None)

    @property
    def last_clarification(self) -> Clarification | None:
        return self.clarifications[-1] if self.clarifications else None

    @property
    def open_question(self) -> Clarification | None:
        """The clarification question still waiting for its answer, if any."""
        last = self.last_clarification
        return last if last is not None and last.answered_on is None else None

    @property
    def partial_refusal(self) -> bool:
        return (self.refusal is not None and self.refusal.scope is RefusalScope.PARTIAL) or self.kind is DecisionKind.REFUSE_IN_PART


def identity_of(raw: Mapping[str, Any] | None) -> IdentityRecord:
    return IdentityRecord.from_json(raw)


def decision_of(raw: Mapping[str, Any] | None) -> DecisionRecord:
    return DecisionRecord.from_json(raw)


__all__ = [
    "DECISION_SCHEMA", "IDENTITY_SCHEMA", "AssessmentRecord", "Authority", "AuthorityContact", "Child", "Clarification", "DecisionRecord",
    "Erasure", "ExemptionEntry", "Extension", "Fee", "FeeLine", "Ground", "IdentityFacts", "IdentityRecord", "KeptData", "Lapse", "Payment", "RecordTooNew",
    "RefusedItem", "Refusal", "RepeatDecision", "decision_of", "identity_of",
]
