"""Letters to the requester: which apply to a case, drafting them from templates, saving them as correspondence.

`render_letter` never writes; `save_letter` is one user action (the correspondence row and its audit event in one
transaction); `write_letter` puts a draft in a file readable by the owner only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from dpo_tui.domain.clock import ClockState
from dpo_tui.domain.dates import fmt
from dpo_tui.domain.errors import DomainError, InvalidInput
from dpo_tui.domain.records import Clarification, DecisionRecord, Erasure, Extension, Fee, IdentityRecord, Refusal
from dpo_tui.domain.rights import Right
from dpo_tui.letters import KINDS, LetterKind, LetterRefused, Trusted, environment, kind_of, why_not
from dpo_tui.services.views import CaseDetail
from dpo_tui.store.database import retry_transient
from dpo_tui.domain.states import Channel, Direction, ItemState, SearchResult
from dpo_tui.domain.lifecycle import Status

FORMATS = ("md", "txt", "docx", "pdf")
TEXT_FORMATS = ("md", "txt")
UK_COMPLAIN_TO_CONTROLLER_FROM = date(2026, 6, 19)  # DPA 2018 s.164A (see dpo_tui.domain.wording)


@dataclass(frozen=True)
class Draft:
    ref: str
    kind: str
    subject: str
    body: str  # Markdown; requester text escaped
    sent_on: date | None = None  # the date of the step the letter belongs to: what "sent on" offers first

    def as_text(self, fmt_: str = "md") -> str:
        """The whole letter as a file: a Markdown heading or a plain `Subject:` line, then the body."""
        from dpo_tui.text import clean, md_unescape

        if fmt_ == "md":
            return f"# {' '.join(self.subject.split())}\n\n{self.body.rstrip()}\n"
        if fmt_ == "txt":
            return clean(f"Subject: {md_unescape(self.subject)}\n\n{_plain(self.body).rstrip()}\n")
        raise InvalidInput("format", f"'{fmt_}' is not a letter format (use md or txt)")


@dataclass(frozen=True)
class LetterChoice:
    kind: str
    title: str
    purpose: str
    applies: bool
    reason: str | None  # why not, when it does not apply


def _plain(body: str) -> str:
    from dpo_tui.text import md_unescape

    lines = []
    for line in body.split("\n"):
        if line.startswith("## "):
            line = line[3:].upper()
        line = line.replace("**", "")
        lines.append(md_unescape(line))
    return "\n".join(lines)


def letter_choices(work: Any, ref: str) -> list[LetterChoice]:
    """Every kind of the case's kind (a request's letters, or a complaint's), with whether it applies and why not."""
    from dpo_tui.letters import kind_mismatch

    detail = work.get(ref, with_events=False)
    today = work.today()
    out = []
    for kind in KINDS.values():
        if kind_mismatch(kind.key, detail):
            continue
        reason = why_not(kind.key, detail, today)
        out.append(LetterChoice(kind.key, kind.title, kind.purpose, reason is None, reason))
    return out


def available_letters(work: Any, ref: str) -> list[LetterKind]:
    """The kinds of letter that apply to the case now."""
    return [KINDS[c.kind] for c in letter_choices(work, ref) if c.applies]


def render_letter(work: Any, ref: str, kind: str) -> Draft:
    """Fill the template for `kind` from the case and the organisation profile; refuses where it does not apply."""
    letter = kind_of(kind)
    detail = work.get(ref, with_events=False)
    today = work.today()
    reason = why_not(letter.key, detail, today)
    if reason is not None:
        raise LetterRefused(f"{letter.title} does not apply to {detail.ref}: {reason}")
    env = environment(work.settings.config_dir / "letters")
    names = [f"{letter.key}.{detail.regime}.md.j2", f"{letter.key}.md.j2"]
    text = _render(env, names, letter_context(detail, work.settings, today, kind=letter.key))
    subject, body = _split(text, letter.title, detail.ref)
    return Draft(detail.ref, letter.key, subject, body, step_date(detail, letter.key, today))


# The clock event whose date a letter goes with: the letter is normally sent the day the step was taken.
_STEP_EVENTS = {
    "identity_request": ("id_requested", "authority_requested"),
    "fee_request": ("fee_requested",),
    "clarification_request": ("clarification_asked",),
    "extension_notice": ("extended",),
}


def step_date(detail: CaseDetail, kind: str, today: date) -> date:
    """The date of the step a letter belongs to (the ID request, the question, the extension, the refusal, the
    response...), never after today nor before the request was received; today when the step has no date yet."""
    day: date | None = None
    if kind in _STEP_EVENTS:
        days = [e.on for e in detail.clock_events if e.kind in _STEP_EVENTS[kind]]
        day = max(days) if days else None
    elif kind == "acknowledgement":
        day = detail.received
    elif kind == "refusal_notice":
        refusal = (detail.decision or {}).get("refusal")
        on = refusal.get("on") if isinstance(refusal, dict) else None
        day = date.fromisoformat(on) if isinstance(on, str) else None
    elif kind in ("response_cover", "erasure_confirmation", "objection_confirmation"):
        day = detail.final_response_on
    elif kind == "could_not_verify" and detail.closed_at is not None:
        day = detail.final_response_on or detail.closed_at.date()
    if day is None or day > today:
        return today
    return max(day, detail.received)


class TemplateFailed(InvalidInput):
    """A letter template cannot be read or rendered (syntax, a forbidden attribute, an error in its logic)."""


def _render(env: Any, names: list[str], context: dict[str, Any]) -> str:
    """The first of `names` that exists, rendered in the sandbox; every failure is a one-line TemplateFailed."""
    import jinja2

    try:
        # A regime's own variant (`<kind>.<regime>.md.j2`, e.g. response_cover.ccpa.md.j2) wins over the common one.
        return str(env.select_template(names).render(**context))
    except jinja2.TemplateError as exc:  # syntax, undefined, and the sandbox's SecurityError
        where = getattr(exc, "filename", None) or names[-1]
        line = getattr(exc, "lineno", None)
        raise TemplateFailed(f"letter template {where}{f':{line}' if line else ''}: {exc.message or exc}") from None
    except UnicodeDecodeError as exc:
        raise TemplateFailed(f"letter template {names[0]}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise TemplateFailed(f"letter template {names[0]}: cannot be read ({(exc.strerror or '').lower()})") from None
    except Exception as exc:  # noqa: BLE001 - a user template is code: whatever its logic raises is its error
        raise TemplateFailed(f"letter template {names[0]}: {type(exc).__name__}: {exc}") from None


def check_letter_templates(settings: Any, today: date | None = None) -> list[str]:
    """Every problem in the user's letter templates, each rendered (sandboxed) against a sample case: for
    `dpo-tui config check`. Empty when there are none or all render."""
    folder = settings.config_dir / "letters"
    if not folder.is_dir():
        return []
    today = today or date.today()
    env = environment(folder)
    context = letter_context(sample_case(settings, today), settings, today)
    problems = []
    for path in sorted(folder.glob("*.j2")):
        try:
            _render(env, [path.name], context)
        except TemplateFailed as exc:
            problems.append(f"{path}: {str(exc).split(': ', 1)[-1]}")
    return problems


def sample_case(settings: Any, today: date) -> CaseDetail:
    """A plausible open access + erasure case for trying templates on, built without a database."""
    from datetime import datetime, timezone

    from dpo_tui.domain.clock import ClockEvent, ClockEventKind, compute_deadline
    from dpo_tui.loaders import load_regimes
    from dpo_tui.domain.workdays import WorkCalendar

    org = settings.organisation
    regimes = load_regimes(settings.config_dir / "regimes")
    regime = regimes.get(org.regime) or regimes["uk-gdpr"]
    received = today
    calendar = WorkCalendar(regime.country, regime.subdivision)
    deadline = compute_deadline(regime, calendar, [ClockEvent(ClockEventKind.RECEIVED, received)], rights=("access", "erasure"))
    now = datetime.now(timezone.utc)
    return CaseDetail(
        id=0, ref="DSAR-0000-0000", status=Status.IN_PROGRESS, regime=regime.key, country=calendar.country,
        subdivision=calendar.subdivision, channel=Channel.EMAIL, received=received, rights=("access", "erasure"),
        requester={"name": "Sample Person", "email": "sample@example.org", "address": "1 Sample Street", "phone": None, "account": None},
        agent={"name": None, "kind": None}, description="Please send me a copy of my data and then erase it.",
        assignee=None, outcome=None, final_response_on=None, status_since=now, created_at=now, updated_at=now,
        closed_at=None, version=1, deadline=deadline, days_left=None, identity={}, decision={},
    )  # fmt: skip


def _split(text: str, title: str, ref: str) -> tuple[str, str]:
    first, _, rest = text.lstrip("\n").partition("\n")
    if first.lower().startswith("subject:"):
        subject = first.split(":", 1)[1].strip()
        body = rest.lstrip("\n")
    else:
        subject, body = f"{title} ({ref})", text
    # No more than one blank line in a row: conditional blocks leave gaps.
    lines: list[str] = []
    for line in body.rstrip().split("\n"):
        line = line.rstrip()
        if line == "" and lines and lines[-1] == "":
            continue
        lines.append(line)
    return subject, "\n".join(lines) + "\n"


@retry_transient
def save_letter(
    work: Any,
    ref: str,
    kind: str,
    subject: str,
    body: str,
    channel: str = Channel.EMAIL,
    sent_on: date | None = None,
    *,
    version: int,
) -> CaseDetail:
    """Keep the letter as sent (correspondence) with its audit event, in one transaction."""
    from dpo_tui.services.casework import CHANNELS, lock_case
    from dpo_tui.store.models import Letter

    letter = kind_of(kind)
    sent_on = sent_on or step_date(work.get(ref, with_events=False), letter.key, work.today())
    if channel not in CHANNELS:
        raise InvalidInput("channel", f"unknown channel '{channel}' (valid: {', '.join(CHANNELS)})")
    if not body.strip():
        raise InvalidInput("body", "the letter is empty")
    if sent_on > work.today():
        raise InvalidInput("date sent", f"{sent_on.isoformat()} is in the future")
    with work.write() as s:
        case = lock_case(s, ref, version=version)
        if sent_on < case.received:
            raise InvalidInput("date sent", f"{sent_on.isoformat()} is before the request was received ({case.received.isoformat()})")
        row = Letter(
            case_id=case.id,
            kind=letter.key,
            channel=channel,
            direction=Direction.OUT,
            sent_on=sent_on,
            subject=subject.strip(),
            body=body,
            created_by=work.actor,
        )
        s.add(row)
        s.flush()
        if letter.key == "complaint_acknowledgement" and not (case.decision or {}).get("complaint", {}).get("acknowledged_on"):
            from dpo_tui.services.complaints import acknowledge_in

            acknowledge_in(work, s, case, sent_on, channel)  # the letter sent is the acknowledgement (s.164A(3)(a))
        work.record(
            s,
            case,
            "letter.saved",
            {"letter_id": row.id, "kind": letter.key, "channel": channel, "sent_on": sent_on.isoformat(), "subject": subject.strip(), "length": len(body)},
        )
        return work.finish(s, case)


def write_letter(draft: Draft, path: Path | str, fmt_: str = "md", *, force: bool = False, work: Any = None) -> Path:
    """Write the letter as Markdown, plain text, Word or PDF, owner-only (0600); never over an existing file unless
    `force`. Word and PDF need `work` (the organisation's letterhead and the requester's address)."""
    from dpo_tui.paths import write_private

    return write_private(path, letter_bytes(draft, fmt_, work), force=force)


def letter_bytes(draft: Draft, fmt_: str, work: Any = None) -> bytes:
    if fmt_ not in FORMATS:
        raise InvalidInput(f"format: '{fmt_}' is not a letter format (use {', '.join(FORMATS)})")
    if fmt_ in TEXT_FORMATS:
        return draft.as_text(fmt_).encode("utf-8")
    if work is None:
        raise InvalidInput(f"format: {fmt_} needs the case database")
    return letter_docx(work, draft) if fmt_ == "docx" else letter_pdf(work, draft)


def open_letter_file(draft: Draft, path: Path | str, fmt_: str = "md", *, force: bool = False, work: Any = None) -> Any:
    """The letter written to a temporary file beside `path`, not yet in place: call `publish()` after the
    correspondence is committed (or `discard()`), so saving and writing happen both or neither."""
    from dpo_tui.paths import PrivateOutput

    data = letter_bytes(draft, fmt_, work)  # before the file: a bad format or letterhead leaves nothing
    out = PrivateOutput(path, force=force)
    try:
        out.write(data)
        out.close()
    except BaseException:
        out.discard()
        raise
    return out


def format_for(path: Path) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in ("txt", "docx", "pdf") else "md"


def _doc_body(body: str) -> str:
    """The Markdown body as clean text for documents: escapes and `**` gone, `## ` headings kept as markers."""
    from dpo_tui.text import clean, md_unescape

    return clean("\n".join(md_unescape(line.replace("**", "")) for line in body.split("\n")))


def letter_document(work: Any, draft: Draft) -> Any:
    """What a letter document shows besides the letter: organisation, date, the requester's name and postal address."""
    from dpo_tui.letters.documents import LetterDoc
    from dpo_tui.text import clean, md_unescape

    detail = work.get(draft.ref, with_events=False)
    org = work.settings.organisation
    recipient = [clean(detail.requester.get("name") or "")]
    address = detail.requester.get("address") or ""
    recipient += [clean(line.strip()) for line in address.replace("\r", "").split("\n") if line.strip()]
    if not address.strip():
        recipient.append(clean(detail.requester.get("email") or ""))
    return LetterDoc(
        org_name=org.name, org_address=org.address.strip(), date_text=fmt(work.today()), ref=detail.ref,
        recipient=tuple(r for r in recipient if r), subject=clean(md_unescape(" ".join(draft.subject.split()))),
        body=_doc_body(draft.body),
    )


def _letterhead(work: Any) -> Path | None:
    configured = (work.settings.pack.letterhead or "").strip()
    if not configured:
        return None
    path = Path(configured).expanduser()
    if not path.is_absolute():
        path = work.settings.config_dir / path
    if not path.is_file():
        raise InvalidInput("pack.letterhead", f"{path}: no such Word letterhead (the [pack] letterhead setting)")
    return path


def letter_docx(work: Any, draft: Draft) -> bytes:
    from dpo_tui.letters.documents import DocumentFailed, docx_bytes

    try:
        return docx_bytes(letter_document(work, draft), _letterhead(work))
    except DocumentFailed as exc:
        raise InvalidInput("pack.letterhead", str(exc)) from None


def letter_pdf(work: Any, draft: Draft) -> bytes:
    from dpo_tui.letters.documents import pdf_bytes

    return pdf_bytes(letter_document(work, draft))


# ---- the template context ---------------------------------------------------------------------------------------

_REASON_WORDS = {
    "complex": "a request is complex",
    "several_requests": "a person has made a number of requests",
}


def letter_context(detail: CaseDetail, settings: Any, today: date, *, kind: str = "") -> dict[str, Any]:
    """Everything a template may use. Trusted = organisation or app text; everything else is escaped on output."""

    from dpo_tui.domain.authorities import authority_for
    from dpo_tui.domain.wording import complain_to_us_sentence, complaint_sentence, right_words, wording_for

    org = settings.organisation
    # Issue 15: the case's own regime decides the authority (EU: the member state's; CCPA: the CPPA), never the
    # organisation-wide one for a case under another law.
    try:
        auth = authority_for(detail.regime, detail.country, org.supervisory_authority, org.regime)
    except DomainError as exc:
        raise LetterRefused(f"{detail.ref}: {exc}") from None
    wording = wording_for(detail.regime)
    dl = detail.deadline
    # The extension letter speaks of the right that was extended (issue 15: rights keep their own dates).
    ext_dl = dl if dl.extended else next((rd.deadline for rd in dl.per_right if rd.deadline.extended), dl)
    rights = []
    for r in detail.rights:
        try:
            rights.append(Right(r))
        except ValueError:
            continue
    words = [right_words(r.value, r.label, r.article, detail.regime, today) for r in rights]
    if len(words) > 1:
        rights_words = ", ".join(words[:-1]) + " and " + words[-1]
    else:
        rights_words = words[0] if words else "rights"
    if len(words) > 1:
        rights_words = "rights: " + rights_words
    decision = DecisionRecord.from_json(detail.decision)
    identity = IdentityRecord.from_json(detail.identity)
    clar = decision.last_clarification or Clarification()
    ctx: dict[str, Any] = {
        "today": Trusted(fmt(today)),
        "regime": detail.regime,
        "case": {
            "ref": Trusted(detail.ref),
            "received": Trusted(fmt(detail.received)),
            "rights": [Trusted(r.label) for r in rights],
            "rights_words": Trusted(rights_words),
            "status": Trusted(detail.status.replace("_", " ")),
            "channel": Trusted(detail.channel),
        },
        "requester": {
            "name": detail.requester.get("name") or "",
            "email": detail.requester.get("email") or "",
            "address": detail.requester.get("address") or "",
        },
        "description": detail.description,
        "org": {
            "name": Trusted(org.name),
            "dpo_name": Trusted(org.dpo_name),
            "dpo_email": Trusted(org.dpo_email),
            "address": Trusted(org.address),
        },
        "authority": {
            "name": Trusted(auth.name),
            "website": Trusted(auth.website),
            "phone": Trusted(auth.phone),
            "address": Trusted(auth.address),
            "note": Trusted(auth.note),
        },
        "law": Trusted(wording.law),
        "remedies": {
            "complaint": Trusted(complaint_sentence(detail.regime, auth)),
            "judicial": Trusted(wording.judicial_remedy),
            "complain_to_us": _trusted_or_none(complain_to_us_sentence(detail.regime, today, org.dpo_email)),
        },
        "due": Trusted(fmt(dl.effective_due)) if dl.effective_due else None,
        "legal_due": Trusted(fmt(ext_dl.due)) if ext_dl.due else None,
        "extended_due": Trusted(fmt(ext_dl.extended_due)) if ext_dl.extended_due else None,
        "identity_settled": identity.settled,
        "identity": {"asked_for": identity.asked_for_lines, "reason": identity.outcome_reason},
        "clarification": _clarification_context(detail, clar),
        "fee": _fee_context(decision, settings, detail.regime),
        "extension": _extension_context(decision, dl),
        "refusal": _refusal_context(decision, detail, today),
        "access": "access" in detail.rights,
        "holds_nothing": "access" in detail.rights and _holds_nothing(detail, org),
        "art15": _art15(detail, org, auth, wording) if "access" in detail.rights else [],
        "searched": _systems(detail, org, None),
        "erased": _systems(detail, org, "erasure"),
        "notified": _notified(detail, org),
        "marketing": _marketing(detail),
        "actions": _actions(detail, org),
        "ccpa": _ccpa_context(org) if detail.regime == "ccpa" else {},
        "exempted": _exempted(decision),
        "erasure": _erasure_context(decision),
        "complaint": _complaint_context(detail, decision.raw),
        "balancing": _balancing_context(decision.raw),
    }
    return ctx


def _complaint_context(detail: CaseDetail, decision: dict[str, Any]) -> dict[str, Any]:
    """A complaint case's facts for its letters. `statutory` is true only for UK complaints from 19 Jun 2026
    (DPA 2018 s.164A): only those letters cite s.164A (dpo_tui.domain.complaints)."""
    if getattr(detail, "kind", "request") != "complaint":
        return {}
    from dpo_tui.domain.complaints import statutory

    c = dict(decision.get("complaint") or {})

    def day(key: str) -> Trusted | None:
        return Trusted(fmt(date.fromisoformat(c[key]))) if c.get(key) else None

    return {
        "about": Trusted(detail.about_ref or ""),
        "grounds": c.get("grounds") or detail.description,
        "statutory": statutory(detail.regime, detail.received),
        "acknowledge_by": Trusted(fmt(detail.deadline.acknowledge_by)) if detail.deadline.acknowledge_by else None,
        "acknowledged_on": day("acknowledged_on"),
        "outcome": c.get("outcome"),
        "outcome_label": Trusted(c.get("outcome_label") or ""),
        "findings": c.get("findings") or "",
        "actions": c.get("actions") or "",
        "outcome_on": day("outcome_on"),
    }


def _balancing_context(decision: dict[str, Any]) -> dict[str, Any]:
    """The Art 21(1) balancing test as recorded (services.decisions.record_balancing_test); empty when none."""
    b = dict((decision.get("objection") or {}).get("balancing") or {})
    if not b:
        return {}
    return {
        "situation": b.get("situation") or "",
        "grounds": b.get("grounds") or "",
        "outcome": b.get("outcome"),
        "pending": b.get("outcome") == "pending",
        "restriction": bool(b.get("restriction")),
        "lifted": bool(b.get("restriction_lifted_on")),  # restricted while pending, lifted with the decision
        "restricted_since": Trusted(fmt(date.fromisoformat(b["restricted_since"]))) if b.get("restricted_since") else None,
        "decided_on": Trusted(fmt(date.fromisoformat(b["decided_on"]))) if b.get("decided_on") else None,
    }


def _erasure_context(decision: DecisionRecord) -> dict[str, Any]:
    er = decision.erasure or Erasure()
    kept = [{"system": Trusted(x.system_name), "ground": Trusted(x.ground_label), "detail": x.detail} for x in er.exceptions]
    return {
        "kept": kept,
        "ground": Trusted(er.ground_label or ""),
        "made_public": er.made_public,
        "controllers_informed": er.controllers_informed or "",
    }


def _exempted(decision: DecisionRecord) -> list[str]:
    """Exemption log entries a letter may name (issue 15); neither-confirm-nor-deny entries never appear."""
    from dpo_tui.domain.exemptions import letter_lines

    return letter_lines(decision.exemptions)


def _trusted_or_none(text: str | None) -> Trusted | None:
    return Trusted(text) if text else None


def _clarification_context(detail: CaseDetail, clar: Clarification) -> dict[str, Any]:
    """Whether the question stops the clock, and for which rights (issue 15): uk-gdpr access only (Art 12A), and
    only while the period runs; the paused days run up to and including the day of the reply, so time starts
    again the day after it arrives (rights-requests.md 2.1 rule 7)."""
    if clar.stops_for is not None:
        stops_for = list(clar.stops_for)
    else:
        stops_for = [rd.right for rd in detail.deadline.per_right if rd.deadline.state is ClockState.STOPPED]
    labels = []
    for r in stops_for:
        try:
            labels.append(Right(r).label.lower())
        except ValueError:
            labels.append(r)
    others = [r for r in detail.rights if r not in stops_for]
    return {
        "question": clar.question,
        "clock_stops": bool(stops_for),
        "stops_for": Trusted(" and ".join(labels)),
        "partial": bool(stops_for) and bool(others),
        "period_ended": clar.period_ended,
    }


def _art15(detail: CaseDetail, org: Any, auth: Any, wording: Any) -> list[tuple[Trusted, Trusted]]:
    """The Art 15(1)-(2) sections with the case's own authority and transfer heading (issue 15)."""
    from dpo_tui.domain.checklist import art15_supplementary
    from dpo_tui.domain.wording import complaint_sentence

    found = _found_systems(detail, org)
    out = []
    for heading, text in art15_supplementary(org):
        if heading == "Your right to complain":
            text = complaint_sentence(detail.regime, auth)
        elif heading == "Transfers outside the UK and EEA":
            heading = wording.transfers_heading
            if found is not None:
                # Issue 15: only the systems where the person's data was found (Art 15(2)).
                outside = [s for s in found if s.outside_uk_eea]
                text = "\n".join(f"- {s.name}: {s.safeguard}" for s in outside) or (
                    "None of the systems holding your data is outside the UK and EEA."
                )
        elif heading == "The kinds of personal data we hold" and found is not None:
            keys = list(dict.fromkeys(k for s in found for k in s.categories))
            names = {c.key: f"{c.name}: {c.description}" for c in org.categories}
            text = "\n".join(f"- {names[k]}" for k in keys if k in names) or text
        elif heading == "Who we share it with":
            text = _shared_with(detail, org)
            if found is not None:
                shared = [s for s in found if s.role.value in ("processor", "recipient")]
                if shared:
                    text += "\nYour data was found in:\n" + "\n".join(f"- {s.name}" for s in shared)
        out.append((Trusted(heading), Trusted(text)))
    return out


def _shared_with(detail: CaseDetail, org: Any) -> str:
    """Art 15(1)(c) for this case: the profile's recipients, without the named service providers and recipients the
    checklist recorded as holding nothing of this person (nothing found, nothing shared, or not applicable), so the
    letter never names a recipient the record says was not one."""
    from dpo_tui.domain.checklist import recipients_text

    nothing: set[str] = set()
    something: set[str] = set()
    for i in detail.checklist:
        if not i.system_key:
            continue
        if i.found == "found":
            something.add(i.system_key)
        elif i.found == "nothing_found" or (i.state == "na" and i.right == "access"):
            nothing.add(i.system_key)
    return recipients_text(org, exclude=nothing - something)


def _found_systems(detail: CaseDetail, org: Any) -> list[Any] | None:
    """The systems where the person's data was found (access search records), or None when no search recorded a
    finding either way (the letter then describes the organisation's whole profile, as before)."""
    records = [i for i in detail.checklist if i.right == "access" and i.system_key and i.found in tuple(SearchResult)]
    if not records:
        return None
    out = []
    for i in records:
        if i.found == SearchResult.FOUND:
            try:
                system = org.system(i.system_key)
            except DomainError:
                continue
            if system not in out:
                out.append(system)
    return out


def _holds_nothing(detail: CaseDetail, org: Any) -> bool:
    """Every access search item is done and found nothing: the "we hold no personal data about you" reply. An ad-hoc
    search the DPO added ("Search telephony platform") counts like any other."""
    searches = [i for i in detail.checklist if (i.right == "access" and i.requires_search_record) or _adhoc_search(i)]
    return bool(searches) and all(ItemState(i.state).settled for i in searches) and not any(
        i.found == SearchResult.FOUND for i in searches
    )


def _ccpa_context(org: Any) -> dict[str, Any]:
    """A CCPA response to know (Civ. Code 1798.110(a), 1798.115(a); 11 CCR 7024): categories of personal information,
    of sources, the business or commercial purposes, the categories of third parties disclosed to, sold or shared
    with, over the 12 months before the request; specific pieces, never sensitive identifiers (7024(d))."""
    return {
        "categories": [Trusted(f"{c.name}: {c.description}") for c in org.categories],
        "sources": [Trusted(x) for x in org.sources],
        "purposes": [Trusted(p.name) for p in org.purposes],
        "third_parties": [Trusted(x) for x in org.recipients],
    }


def _money(amount: Any, currency: str) -> Trusted:
    try:
        value = float(amount)
    except (TypeError, ValueError):
        return Trusted(str(amount))
    symbol = {"GBP": "£", "EUR": "€", "USD": "$"}.get(currency, currency + " ")
    return Trusted(f"{symbol}{value:,.2f}")


def _fee_ground(regime: str, basis: Any) -> str:
    if basis == "further_copies":
        return "UK GDPR Art 15(3)" if regime == "uk-gdpr" else "GDPR Art 15(3)"
    if regime == "ccpa":
        return "Cal. Civ. Code 1798.145, manifestly unfounded or excessive requests"
    return "UK GDPR Art 12(5)(a)" if regime == "uk-gdpr" else "GDPR Art 12(5)(a)"


def _fee_context(decision: DecisionRecord, settings: Any, regime: str = "uk-gdpr") -> dict[str, Any]:
    fee = decision.fee or Fee()
    currency = fee.currency or settings.fees.currency
    lines = [{"label": line.label, "amount": _money(line.amount, currency)} for line in fee.lines]
    why: str | None = fee.why
    if not why and fee.basis:
        # Issue 15: the fee names its ground. A first-response fee rests on an Art 12(5)(a) finding (UK/EU GDPR;
        # CCPA: Civ. Code 1798.145, manifestly unfounded or excessive requests); further copies on Art 15(3).
        from dpo_tui.domain.decisions import FINDING_LABELS

        finding = FINDING_LABELS.get(fee.basis, fee.basis.replace("_", " "))
        why = Trusted(
            f"We are charging it because we have found your request {finding}; the law allows a reasonable fee based "
            f"on our administrative costs in that case ({_fee_ground(regime, fee.basis)})."
        )
    if not why:
        why = Trusted(
            "We may charge a reasonable fee where a request is manifestly unfounded or excessive, or for further "
            "copies of information we have already provided, and that applies to this request."
        )
    total = _money(fee.total, currency) if fee.total is not None else Trusted("to be confirmed")
    return {"lines": lines, "total": total, "why": why}


def _extension_context(decision: DecisionRecord, dl: Any) -> dict[str, Any]:
    ext = decision.extension or Extension()
    reason = ext.reason or dl.extension_reason or "complex"
    return {"reason_words": Trusted(_REASON_WORDS.get(reason, "a request is complex")), "note": ext.note}


def _refusal_context(decision: DecisionRecord, detail: CaseDetail, today: date) -> dict[str, Any]:
    refusal = decision.refusal or Refusal()
    items = [{"what": i.item, "ground": i.ground} for i in refusal.items]
    complain = refusal.complain_to_controller
    if complain is None and detail.regime == "uk-gdpr" and today >= UK_COMPLAIN_TO_CONTROLLER_FROM:
        complain = True
    from dpo_tui.domain.wording import partial_refusal_words

    opening, heading = partial_refusal_words(list(detail.rights))
    return {
        "reasons": list(refusal.reasons),
        "withheld": items,
        "partial": decision.partial_refusal,
        "partial_opening": Trusted(opening),  # in the words of the right: an erasure is not "provided"
        "withheld_heading": Trusted(heading if decision.partial_refusal else "What we are withholding, and why:"),
        "complain_to_us": bool(complain),
        "complain_to_us_text": complain if isinstance(complain, str) else None,
        "judicial_remedy_text": refusal.judicial_remedy,
    }


def _system_name(org: Any, key: str | None) -> str | None:
    if not key:
        return None
    for s in org.systems:
        if s.key == key:
            return s.name
    return key


def _adhoc_search(item: Any) -> bool:
    """An ad-hoc item that is a search: ticked with a search record, or labelled "Search ..."."""
    return bool(item.adhoc) and (item.found is not None or item.label.lower().startswith("search "))


def _adhoc_searched(item: Any) -> str:
    """What an ad-hoc search searched, for "We searched": its label without the leading "Search"."""
    label = item.label.strip()
    return label[len("search ") :].strip() if label.lower().startswith("search ") else label


def _systems(detail: CaseDetail, org: Any, right: str | None) -> list[str]:
    names: list[str] = []
    for item in detail.checklist:
        if right is None and item.state == ItemState.DONE and _adhoc_search(item):
            what = _adhoc_searched(item)  # the DPO's words: escaped in the letter like any typed text
            if what and what not in names:
                names.append(what)
            continue
        if item.state != ItemState.DONE or not item.system_key:
            continue
        if right is not None and item.right != right:
            continue
        system = next((s for s in org.systems if s.key == item.system_key), None)
        if system is not None and system.role.value == "recipient":
            continue
        name = Trusted(_system_name(org, item.system_key) or "")
        if name and name not in names:
            names.append(name)
    return names


def _notified(detail: CaseDetail, org: Any) -> list[Trusted]:
    names: list[Trusted] = []
    for item in detail.checklist:
        if item.state != ItemState.DONE or not item.system_key or item.right not in ("erasure", "rectification", "restriction"):
            continue
        system = next((s for s in org.systems if s.key == item.system_key), None)
        if system is not None and system.role.value == "recipient":
            name = Trusted(system.name)
            if name not in names:
                names.append(name)
    return names


def _marketing(detail: CaseDetail) -> bool | None:
    """Is the objection to direct marketing? The DPO's recorded answer on the checklist (issue 15; Art 21(3)), never
    inferred from the request's words: those only make a suggestion (dpo_tui.domain.objection)."""
    from dpo_tui.domain.objection import recorded_direct_marketing

    return recorded_direct_marketing({i.key: i.state for i in detail.checklist})


_ACTION_WORDS = {
    "rectification": "We have corrected the personal data you told us was inaccurate or incomplete.",
    "erasure": "We have erased your personal data as you asked; a separate letter confirms where.",
    "restriction": "We have restricted our use of your personal data: we will store it but not otherwise use it while the restriction applies.",
    "portability": "The personal data you provided to us is enclosed in a structured, commonly used, machine-readable format.",
    "objection": "We have recorded your objection; a separate letter confirms what we have done.",
    "automated_decision": "We have reviewed the decision with human involvement, as you asked.",
    "withdraw_consent": "We have recorded that you withdrew your consent, and have stopped the processing that relied on it.",
}


def _actions(detail: CaseDetail, org: Any = None) -> list[Trusted]:
    """What was done, per right. Art 19 (tell each recipient of a rectification, erasure or restriction) is promised
    only where the checklist's notify items were ticked (issue 15); otherwise the letter says nothing about it."""
    notified = _notified(detail, org) if org is not None else []
    out = []
    for r in detail.rights:
        if r not in _ACTION_WORDS:
            continue
        text = _ACTION_WORDS[r]
        if r in ("rectification", "restriction"):
            told = [n for n in notified if _notified_for(detail, org, r, n)]
            if told:
                text += " We have told " + ", ".join(told) + ", to whom it had been disclosed (Art 19)."
        out.append(Trusted(text))
    return out


def _notified_for(detail: CaseDetail, org: Any, right: str, name: str) -> bool:
    for item in detail.checklist:
        if item.state == ItemState.DONE and item.right == right and item.system_key and _system_name(org, item.system_key) == name:
            return True
    return False
