"""Demo stories for fulfilment checklists: a case for every right, with checklists at every stage of progress
(untouched, partly done with search records, items not applicable, completed, completed with an override).

Every change goes through `dpo_tui.services.checklist_work`, so the items, counts and audit trail are exactly what
the app records. The stories follow the checklist the settings produce: an item a user's own template lacks is
skipped, never invented.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from dpo_tui.domain.lifecycle import Status
from dpo_tui.domain.states import Channel, ItemState, SearchResult
from dpo_tui.domain.rights import Right
from dpo_tui.services import checklist_work as cw
from dpo_tui.demo.story import log_story
from dpo_tui.services.casework import Casework
from dpo_tui.services.views import CaseDetail, ChecklistItemView

Story = Callable[[Casework, date, random.Random], None]


# ---- helpers --------------------------------------------------------------------------------------------------



def _start(work: Casework, detail: CaseDetail) -> CaseDetail:
    return work.change_status(detail.ref, Status.IN_PROGRESS, version=work.version_of(detail.ref))


def _keys(detail: CaseDetail, prefix: str) -> list[ChecklistItemView]:
    return [i for i in detail.checklist if i.key == prefix or i.key.startswith(prefix + ".")]


def _terms(detail: CaseDetail) -> str:
    return f"{detail.requester['name']}, {detail.requester['email']}"


def _search(work: Casework, detail: CaseDetail, rng: random.Random, *, how_many: int | None = None) -> CaseDetail:
    """Tick search items with a search record; the DPO's own records always find the request itself."""
    items = [i for i in detail.checklist if i.requires_search_record and i.state == ItemState.OPEN]
    for item in items[:how_many]:
        found = SearchResult.FOUND if item.system_key in ("dpo-records", "crm", "hubspot") or rng.random() < 0.5 else SearchResult.NOTHING_FOUND
        note = None
        if item.system_key == "google-analytics":
            note = "Searched by email only: analytics holds pseudonymous client IDs, none linked to this person."
            found = SearchResult.NOTHING_FOUND
        detail = cw.tick(work, detail.ref, item.key, search_terms=_terms(detail), found=found, note=note, version=work.version_of(detail.ref))
    return detail


def _tick(work: Casework, detail: CaseDetail, prefix: str, note: str | None = None) -> CaseDetail:
    for item in _keys(detail, prefix):
        if item.state == ItemState.OPEN:
            if item.requires_search_record:
                detail = cw.tick(work, detail.ref, item.key, search_terms=_terms(detail), found=SearchResult.FOUND, note=note, version=work.version_of(detail.ref))
            else:
                detail = cw.tick(work, detail.ref, item.key, note=note, version=work.version_of(detail.ref))
    return detail


def _na(work: Casework, detail: CaseDetail, prefix: str, reason: str) -> CaseDetail:
    for item in _keys(detail, prefix):
        if item.state == ItemState.OPEN:
            detail = cw.mark_not_applicable(work, detail.ref, item.key, reason, version=work.version_of(detail.ref))
    return detail


def _finish(work: Casework, detail: CaseDetail) -> CaseDetail:
    for item in detail.checklist:
        if item.state == ItemState.OPEN:
            detail = _tick(work, detail, item.key)
    return detail


# ---- stories --------------------------------------------------------------------------------------------------


def access_untouched(work: Casework, today: date, rng: random.Random) -> None:
    """Just logged: every item open."""
    log_story(
        work, today, "Harriet Okonjo", "harriet.okonjo@example.org", [Right.ACCESS], 2,
        "Under Article 15 please send me everything you hold on me, including call notes from your sales team.",
    )  # fmt: skip


def access_searching(work: Casework, today: date, rng: random.Random) -> None:
    """Half-way: most systems searched (with terms and results), a recipient not applicable, a note, an ad-hoc item."""
    d = _start(work, log_story(
        work, today, "Tobias Lindqvist", "t.lindqvist@example.com", [Right.ACCESS], 12,
        "I attended your cloud migration webinar. What do you hold about me and who have you shared it with?",
    ))  # fmt: skip
    d = _search(work, d, rng, how_many=3)
    d = _tick(work, d, "access.disclosed.event-partners",
              note="Webinar co-hosted with a partner: attendee list shared on the event date; asked them for a copy.")  # fmt: skip
    d = _na(work, d, "access.disclosed.group", "No group company has received this person's data (checked CRM sharing log).")
    d = cw.add_note(work, d.ref, "access.gather", "Waiting on the HubSpot export (support ticket opened).", version=work.version_of(d.ref))
    cw.add_item(work, d.ref, "Ask the sales team for handwritten notes from the webinar follow-up call", version=work.version_of(d.ref))


def access_ready_to_send(work: Casework, today: date, rng: random.Random) -> None:
    """Everything but the response: searches done, exemptions not applicable, copy reviewed for third parties."""
    d = _start(work, log_story(
        work, today, "Priya Raman", "priya.raman@example.net", [Right.ACCESS], 24,
        "Please provide a copy of my personal data and the sources you got it from.", channel=Channel.WEB,
    ))  # fmt: skip
    d = _search(work, d, rng)
    d = _tick(work, d, "access.disclosed")
    d = _tick(work, d, "access.gather", note="Copy compiled as one PDF, 14 pages.")
    d = _tick(work, d, "access.redact", note="Redacted two colleagues' names in the CRM call notes.")
    d = _na(work, d, "access.exemptions", "No exemption applies: nothing privileged or about negotiations.")
    _tick(work, d, "access.supplementary")


def erasure_in_progress(work: Casework, today: date, rng: random.Random) -> None:
    """No exception applies; erased in some systems; suppression list done; recipients still to notify."""
    d = _start(work, log_story(
        work, today, "Marek Dvořák", "marek.dvorak@example.org", [Right.ERASURE], 9,
        "Delete my account and everything connected to it. I no longer work in IT.",
    ))  # fmt: skip
    d = _tick(work, d, "erasure.exception", note="No legal obligation or claim to keep the data; marketing contact only.")
    for system in ("hubspot", "crm"):
        d = _tick(work, d, f"erasure.erase.{system}")
    _tick(work, d, "shared.suppress", note="Email hash added to the suppression list; contact record deleted.")


def erasure_completed(work: Casework, today: date, rng: random.Random) -> None:
    """Done in every system, recipients told (Art 19), confirmed to the person, closed."""
    d = _start(work, log_story(
        work, today, "Sinead Gallagher", "sinead.g@example.co.uk", [Right.ERASURE], 30,
        "Please erase my details from your mailing lists and CRM.",
    ))  # fmt: skip
    d = _tick(work, d, "erasure.exception")
    d = _na(work, d, "erasure.notify.group", "Never disclosed to group companies (CRM sharing log).")
    d = _finish(work, d)
    cw.complete_case(work, d.ref, version=work.version_of(d.ref))


def rectification_completed(work: Casework, today: date, rng: random.Random) -> None:
    d = _start(work, log_story(
        work, today, "Daniel Achterberg", "daniel@achterberg.example.com", [Right.RECTIFICATION], 16,
        "My job title is wrong in your emails: it should be Head of Platform, company Fenwick Labs.",
    ))  # fmt: skip
    d = _tick(work, d, "rectification.verify", note="Confirmed against his email signature and LinkedIn.")
    d = _na(work, d, "rectification.correct.google-analytics", "Analytics holds no job title or company.")
    d = _na(work, d, "rectification.correct.dpo-records", "The DPO's records hold no job title.")
    d = _finish(work, d)
    cw.complete_case(work, d.ref, version=work.version_of(d.ref))


def restriction_partly(work: Casework, today: date, rng: random.Random) -> None:
    """Restricted in the main systems while accuracy is checked; the rest open."""
    d = _start(work, log_story(
        work, today, "Fatima Haddad", "fatima.haddad@example.org", [Right.RESTRICTION], 6,
        "You have the wrong phone number for me. Stop using my details until you have fixed it.",
    ))  # fmt: skip
    d = _tick(work, d, "restriction.ground", note="Art 18(1)(a): accuracy contested; restrict while we verify.")
    for system in ("hubspot", "crm"):
        d = _tick(work, d, f"restriction.restrict.{system}")
    _na(work, d, "restriction.restrict.google-analytics", "Analytics holds no phone number.")


def portability_override(work: Casework, today: date, rng: random.Random) -> None:
    """Completed with an override: the person narrowed the request, so the remaining exports were never made."""
    d = _start(work, log_story(
        work, today, "Kenji Watanabe", "kenji.w@example.com", [Right.PORTABILITY], 20,
        "Send me my event registrations and preferences in a machine-readable format.", channel=Channel.WEB,
    ))  # fmt: skip
    d = _tick(work, d, "portability.scope", note="Data he provided, processed by consent or contract, by automated means.")
    d = _tick(work, d, "portability.export.hubspot", note="Exported as CSV (UTF-8) and JSON.")
    d = _tick(work, d, "portability.transmit")
    d = _tick(work, d, "shared.respond")
    cw.complete_case(
        work, d.ref,
        override_reason="By phone the person narrowed the request to HubSpot event data only; other exports not needed.", version=work.version_of(d.ref),
    )  # fmt: skip


def objection_marketing_completed(work: Casework, today: date, rng: random.Random) -> None:
    """Objection to direct marketing: absolute, stopped everywhere and suppressed, confirmed."""
    d = _start(work, log_story(
        work, today, "Grace Mbeki", "grace.mbeki@example.net", [Right.OBJECTION], 5,
        "Stop sending me marketing emails. I never asked for them.",
    ))  # fmt: skip
    d = _tick(work, d, "objection.direct_marketing", note="Yes: objection to marketing emails. Absolute, no refusal.")
    d = _na(work, d, "objection.balance", "The objection is to direct marketing, where no balancing applies.")
    d = _finish(work, d)
    cw.complete_case(work, d.ref, version=work.version_of(d.ref))


def objection_untouched(work: Casework, today: date, rng: random.Random) -> None:
    log_story(
        work, today, "Ollie Brennan", "ollie.brennan@example.org", [Right.OBJECTION], 1,
        "I object to you tracking me on your website for analytics.", channel=Channel.WEB,
    )  # fmt: skip


def automated_decision_na(work: Casework, today: date, rng: random.Random) -> None:
    """No solely automated decisions are made: items not applicable with reasons, answer sent, closed."""
    d = _start(work, log_story(
        work, today, "Lena Fischer", "lena.fischer@example.de", [Right.AUTOMATED_DECISION], 14,
        "Was my application to your partner programme rejected by an algorithm? I want a person to look at it.",
    ))  # fmt: skip
    d = _tick(work, d, "automated_decision.identify",
              note="The partner programme application was reviewed by the partnerships lead; no automated scoring.")  # fmt: skip
    reason = "AltoStack makes no decisions based solely on automated processing (see the privacy notice)."
    for prefix in ("automated_decision.exception", "automated_decision.human_review", "automated_decision.logic"):
        d = _na(work, d, prefix, reason)
    d = _finish(work, d)
    cw.complete_case(work, d.ref, version=work.version_of(d.ref))


def withdraw_consent_partly(work: Casework, today: date, rng: random.Random) -> None:
    d = _start(work, log_story(
        work, today, "Rhys Pritchard", "rhys.pritchard@example.co.uk", [Right.WITHDRAW_CONSENT], 4,
        "I withdraw my consent to your newsletter and event invitations.",
    ))  # fmt: skip
    d = _tick(work, d, "withdraw_consent.identify", note="Consent for newsletters (HubSpot form, 2024).")
    d = _tick(work, d, "withdraw_consent.stop.hubspot")
    _na(work, d, "withdraw_consent.stop.google-analytics", "Analytics cookies are separately consented in the banner.")


def access_and_erasure(work: Casework, today: date, rng: random.Random) -> None:
    """Two rights in one request: copy first, then erase; the searches are done, erasure waits for the copy."""
    d = _start(work, log_story(
        work, today, "Bea Ortiz", "bea.ortiz@example.com", [Right.ACCESS, Right.ERASURE], 18,
        "Send me a copy of my data and then delete it all.",
    ))  # fmt: skip
    d = _search(work, d, rng)
    d = _tick(work, d, "access.gather")
    cw.add_note(work, d.ref, "erasure.exception", "Hold erasure until the copy has been delivered.", version=work.version_of(d.ref))


STORIES: list[Story] = [
    access_untouched,
    access_searching,
    access_ready_to_send,
    erasure_in_progress,
    erasure_completed,
    rectification_completed,
    restriction_partly,
    portability_override,
    objection_marketing_completed,
    objection_untouched,
    automated_decision_na,
    withdraw_consent_partly,
    access_and_erasure,
]
