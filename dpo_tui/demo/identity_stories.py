"""Demo stories for identity verification (issue 5): a case on every path, worked through the real services so the
identity record, clock events, letters and audit trail are exactly what the app records.

Paths: not needed; person verified (UK clock restarted); agent with authority; solicitor still awaiting authority;
child in Scotland (12+, presumed competent) and elsewhere (case by case); could not verify; withdrawn while awaiting;
no response (awaiting ID longer than the policy: flagged, and one already closed); still awaiting ID (recent);
more information requested after a first answer.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from dpo_tui.domain.identity import AUTHORITY_EVIDENCE, Outcome, RequesterKind
from dpo_tui.domain.rights import Right
from dpo_tui.services import identity as idv
from dpo_tui.demo.story import log_story
from dpo_tui.services.casework import Casework
from dpo_tui.services.views import CaseDetail

Story = Callable[[Casework, date, random.Random], None]
DPO = "Jordan Ellis"


def _log(work: Casework, today: date, name: str, email: str, days_ago: int, text: str,
         rights: Iterable[Right] = (Right.ACCESS,), **extra: Any) -> CaseDetail:
    return log_story(work, today, name, email, rights, days_ago, text, **{"assignee": DPO, **extra})

def _ago(today: date, days: int) -> date:
    return today - timedelta(days=days)


def _letter(work: Casework, ref: str, kind: str, on: date) -> None:
    """Keep the letter the walkthrough offers, as the DPO would (skipped when the letters module is absent)."""
    try:
        from dpo_tui.services.letters import render_letter, save_letter
    except ImportError:
        return
    draft = render_letter(work, ref, kind)
    save_letter(work, ref, kind, draft.subject, draft.as_text("txt").split("\n", 2)[-1], sent_on=on, version=work.version_of(ref))


def not_needed(work: Casework, today: date, rng: random.Random) -> None:
    d = _log(work, today, "Priya Raman", "priya.raman@example.org", 9,
             "Hi, could you send me a copy of the data you hold on my account? Thanks, Priya")
    idv.record_not_needed(work, d.ref, "wrote from the email address registered on her customer account",
                          recognised_contact="same_email", version=work.version_of(d.ref))


def person_verified(work: Casework, today: date, rng: random.Random) -> None:
    d = _log(work, today, "Tomasz Nowak", "t.nowak.home@example.com", 30,
             "I want all the information you have about me, including call recordings.",
             address="14 Mill Lane, Leeds LS6 2AB")
    idv.request_identity(work, d.ref, requester_kind="self", on=_ago(today, 29), mismatch=True,
                         reason="writes from an email address we have never seen; address on record differs",
                         what="confirmation of the postal address and customer number we hold\n"
                              "a photo ID document, shown or sent and deleted once checked",
                         method="document_sighting", version=work.version_of(d.ref))
    _letter(work, d.ref, "identity_request", _ago(today, 29))
    idv.record_received(work, d.ref, on=_ago(today, 20), seen="driving licence sighted (scan, then deleted)",
                        matched="name, date of birth and previous address", checked_by=DPO,
                        copy_received=True, copy_deleted=True, version=work.version_of(d.ref))
    idv.record_outcome(work, d.ref, "verified", on=_ago(today, 20), version=work.version_of(d.ref))


def agent_with_authority(work: Casework, today: date, rng: random.Random) -> None:
    d = _log(work, today, "Helen Carter", "requests@claimright.example.com", 24,
             "We act for our client Helen Carter and request a copy of all her personal data under Article 15.",
             agent_name="Claimright Ltd", agent_kind="agent")
    idv.request_identity(work, d.ref, requester_kind="agent", on=_ago(today, 23),
                         what="confirmation of the postal address we hold for Helen Carter\n"
                              + AUTHORITY_EVIDENCE[RequesterKind.AGENT], version=work.version_of(d.ref))
    _letter(work, d.ref, "identity_request", _ago(today, 23))
    idv.record_received(work, d.ref, on=_ago(today, 17), seen="client's address confirmed by the agent",
                        matched="name and postal address", checked_by=DPO,
                        authority_evidence="letter of authority signed by Helen Carter, dated two weeks before the request",
                        authority_on=_ago(today, 16), version=work.version_of(d.ref))
    idv.record_outcome(work, d.ref, "verified", on=_ago(today, 16), version=work.version_of(d.ref))


def solicitor_awaiting_authority(work: Casework, today: date, rng: random.Random) -> None:
    d = _log(work, today, "Marcus Bell", "m.bell@bell-solicitors.example.co.uk", 6,
             "Please provide all personal data you hold on our client, Mr Ian Fraser, within one month.",
             agent_name="Bell & Co Solicitors", agent_kind="solicitor")
    idv.request_identity(work, d.ref, requester_kind="solicitor", id_needed=False, method="authority_only",
                         on=_ago(today, 5), what=AUTHORITY_EVIDENCE[RequesterKind.SOLICITOR],
                         recognised_contact="known_relationship",
                         reason="Mr Fraser is a current customer; only the solicitor's authority is in doubt", version=work.version_of(d.ref))


def child_scotland(work: Casework, today: date, rng: random.Random) -> None:
    scots = _scottish(work)
    d = _log(scots, today, "Fiona MacLeod", "fiona.macleod@example.org", 15,
             "I am writing on behalf of my daughter Isla (13) for a copy of the data your app holds on her.",
             agent_name="Fiona MacLeod", agent_kind="parent")
    idv.request_identity(scots, d.ref, requester_kind="parent", on=_ago(today, 14), child_age=13,
                         child_in_scotland=True, child_authorised=True,
                         what="confirmation of the account email and date of birth we hold for Isla\n"
                              + AUTHORITY_EVIDENCE[RequesterKind.PARENT], version=scots.version_of(d.ref))
    idv.record_received(scots, d.ref, on=_ago(today, 9), seen="account details confirmed by reply email",
                        matched="account email and date of birth", checked_by=DPO,
                        authority_evidence="Isla's signed note authorising her mother; birth certificate sighted, copy deleted", version=scots.version_of(d.ref))
    idv.record_outcome(scots, d.ref, "verified", on=_ago(today, 9), version=scots.version_of(d.ref))


def child_elsewhere(work: Casework, today: date, rng: random.Random) -> None:
    d = _log(work, today, "Daniel Osei", "d.osei@example.net", 12,
             "I'd like to see what data you have on my son Kwame, who is 8 and uses your learning app.",
             agent_name="Daniel Osei", agent_kind="parent")
    idv.request_identity(work, d.ref, requester_kind="parent", on=_ago(today, 11), child_age=8,
                         child_in_scotland=False, child_competent=False, child_best_interests=True,
                         child_reason="aged 8: too young to understand the right or to authorise his father",
                         what="confirmation of the account email and the child's date of birth we hold\n"
                              + AUTHORITY_EVIDENCE[RequesterKind.PARENT], version=work.version_of(d.ref))


def could_not_verify(work: Casework, today: date, rng: random.Random) -> None:
    d = _log(work, today, "Sam Whitaker", "sw.8841@example.com", 40,
             "Delete everything you have on me and send me a copy first.",
             rights=(Right.ERASURE, Right.ACCESS))
    idv.request_identity(work, d.ref, requester_kind="self", on=_ago(today, 39), sensitive=True,
                         what="confirmation of the postal address and last order number we hold", version=work.version_of(d.ref))
    _letter(work, d.ref, "identity_request", _ago(today, 39))
    idv.record_received(work, d.ref, on=_ago(today, 31), seen="reply email with an address and order number",
                        matched="nothing: neither the address nor the order matches our records", checked_by=DPO, version=work.version_of(d.ref))
    idv.record_outcome(work, d.ref, Outcome.COULD_NOT_VERIFY, on=_ago(today, 30),
                       reason="The address and order number you gave do not match any record we hold.", version=work.version_of(d.ref))
    _letter(work, d.ref, "could_not_verify", _ago(today, 30))


def withdrawn(work: Casework, today: date, rng: random.Random) -> None:
    d = _log(work, today, "Olivia Grant", "olivia.grant@example.org", 20,
             "Please tell me what personal data you hold about me.")
    idv.request_identity(work, d.ref, requester_kind="self", on=_ago(today, 19),
                         what="confirmation of the postal address we hold", version=work.version_of(d.ref))
    idv.record_outcome(work, d.ref, Outcome.WITHDRAWN, on=_ago(today, 15),
                       reason="email: the matter was resolved by customer services; no longer wants the data", version=work.version_of(d.ref))


def no_response_flagged(work: Casework, today: date, rng: random.Random) -> None:
    days = work.settings.policy.id_no_response_days
    d = _log(work, today, "Victor Lane", "vlane@example.net", days + 12,
             "Send me everything you've got on me.")
    idv.request_identity(work, d.ref, requester_kind="self", on=_ago(today, days + 10),
                         what="confirmation of the postal address we hold", version=work.version_of(d.ref))
    _letter(work, d.ref, "identity_request", _ago(today, days + 10))


def no_response_closed(work: Casework, today: date, rng: random.Random) -> None:
    days = work.settings.policy.id_no_response_days
    d = _log(work, today, "Kim Archer", "k.archer@example.com", days + 40,
             "I want a copy of my data.")
    idv.request_identity(work, d.ref, requester_kind="self", on=_ago(today, days + 38),
                         what="confirmation of the postal address we hold", version=work.version_of(d.ref))
    closer = Casework(work.db, work.settings, today=lambda: _ago(today, 5))  # closed a few days ago, past the limit
    idv.close_no_response(closer, d.ref, version=closer.version_of(d.ref))


def still_awaiting(work: Casework, today: date, rng: random.Random) -> None:
    d = _log(work, today, "Aisha Khan", "aisha.k@example.org", 4,
             "Could you send me the personal data you hold? I no longer have access to my old account.",
             rights=(Right.ACCESS, Right.RECTIFICATION))
    idv.request_identity(work, d.ref, requester_kind="self", on=_ago(today, 3),
                         what="confirmation of the postal address and phone number we hold for the old account", version=work.version_of(d.ref))


def more_information(work: Casework, today: date, rng: random.Random) -> None:
    d = _log(work, today, "George Pike", "george.pike@example.com", 26,
             "Copy of my data please, including the notes from my complaint last year.")
    idv.request_identity(work, d.ref, requester_kind="self", on=_ago(today, 25),
                         what="confirmation of the postal address we hold", version=work.version_of(d.ref))
    idv.record_received(work, d.ref, on=_ago(today, 18), seen="reply email with a postal address",
                        matched="name only: the address is not the one on record", checked_by=DPO, version=work.version_of(d.ref))
    idv.request_identity(work, d.ref, requester_kind="self", on=_ago(today, 17), mismatch=True,
                         reason="the address given does not match our records",
                         what="a recent utility bill or bank statement showing the address, shown or sent and deleted", version=work.version_of(d.ref))


def _scottish(work: Casework) -> Casework:
    """The same database, for an organisation in Scotland (Scottish bank holidays, Scots law on children)."""
    org = work.settings.organisation
    if org.country != "GB":
        return work
    settings = work.settings._replace(organisation=org._replace(subdivision="SCT"))
    return Casework(work.db, settings, today=work.today)


STORIES: list[Story] = [
    not_needed,
    person_verified,
    agent_with_authority,
    solicitor_awaiting_authority,
    child_scotland,
    child_elsewhere,
    could_not_verify,
    withdrawn,
    no_response_flagged,
    no_response_closed,
    still_awaiting,
    more_information,
]
