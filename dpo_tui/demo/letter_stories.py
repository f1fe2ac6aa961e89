"""Demo cases with the letters and correspondence they would have had: acknowledgements, an identity request,
a fee request, an extension notice, a refusal notice, a response cover letter on a completed access case, an erasure
confirmation and a marketing opt-out confirmation. Every letter is drafted from the shipped templates and saved
through the letters service, so the correspondence and audit trail look exactly as the app records them."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from dpo_tui.domain.states import Channel, ItemState, SearchResult
from dpo_tui.domain.lifecycle import Status
from dpo_tui.domain.rights import Right
from dpo_tui.services import checklist_work as cw
from dpo_tui.demo.story import log_story
from dpo_tui.services.casework import Casework
from dpo_tui.services.letters import render_letter, save_letter
from dpo_tui.services.views import CaseDetail

Story = Callable[[Casework, date, random.Random], None]
REPEAT = "Fourth identical request in six weeks; the previous three were answered in full and nothing has changed."



def _send(work: Casework, ref: str, kind: str, on: date, channel: str = "email") -> None:
    draft = render_letter(work, ref, kind)
    save_letter(work, ref, kind, draft.subject, draft.body, channel, min(on, work.today()), version=work.version_of(ref))


def _ack(work: Casework, d: CaseDetail, rng: random.Random) -> None:
    _send(work, d.ref, "acknowledgement", d.received + timedelta(days=rng.randint(0, 2)), d.channel if d.channel in (Channel.EMAIL, Channel.POST) else Channel.EMAIL)


def _work_through(work: Casework, d: CaseDetail) -> CaseDetail:
    """Tick every checklist item, with a search record where one is required."""
    terms = f"{d.requester['name']}, {d.requester['email']}"
    for item in d.checklist:
        if item.state != ItemState.OPEN:
            continue
        if item.requires_search_record:
            d = cw.tick(work, d.ref, item.key, search_terms=terms, found=SearchResult.FOUND if item.system_key in ("crm", "hubspot", "dpo-records") else "nothing_found", version=work.version_of(d.ref))
        else:
            d = cw.tick(work, d.ref, item.key, version=work.version_of(d.ref))
    return d


def acknowledged_access(work: Casework, today: date, rng: random.Random) -> None:
    d = log_story(work, today, "Nadia Rahman", "nadia.rahman@example.net", (Right.ACCESS,), 4, "Under the UK GDPR I would like a copy of all personal data you hold about me.")
    _ack(work, d, rng)


def access_completed_with_cover_letter(work: Casework, today: date, rng: random.Random) -> None:
    d = log_story(work, today, "Tomasz Wiśniewski", "t.wisniewski@example.org", (Right.ACCESS,), 21, "Please send me everything you have about me, including any marketing data.")
    _ack(work, d, rng)
    d = work.change_status(d.ref, Status.IN_PROGRESS, version=work.version_of(d.ref))
    d = _work_through(work, d)
    _send(work, d.ref, "response_cover", today)
    cw.complete_case(work, d.ref, version=work.version_of(d.ref))


def erasure_completed_and_confirmed(work: Casework, today: date, rng: random.Random) -> None:
    d = log_story(work, today, "Grace Okafor", "grace.okafor@example.com", (Right.ERASURE,), 16, "Please delete my details from your systems; I attended one webinar in 2023.")
    _ack(work, d, rng)
    d = work.change_status(d.ref, Status.IN_PROGRESS, version=work.version_of(d.ref))
    d = _work_through(work, d)
    d = cw.complete_case(work, d.ref, version=work.version_of(d.ref))
    _send(work, d.ref, "erasure_confirmation", today)


def marketing_opt_out_confirmed(work: Casework, today: date, rng: random.Random) -> None:
    d = log_story(work, today, "Liam Byrne", "liam.byrne@example.ie", (Right.OBJECTION,), 6, "Stop sending me marketing emails. I never asked for them.")
    d = work.change_status(d.ref, Status.IN_PROGRESS, version=work.version_of(d.ref))
    d = _work_through(work, d)
    d = cw.complete_case(work, d.ref, version=work.version_of(d.ref))
    _send(work, d.ref, "objection_confirmation", today)


def identity_requested_by_letter(work: Casework, today: date, rng: random.Random) -> None:
    from dpo_tui.services import identity as idv

    d = log_story(work, today, "J. Smith", "jsmith1984@example.com", (Right.ACCESS,), 9, "Send me my data. I used a different email address when I signed up.", channel=Channel.WEB)
    on = d.received + timedelta(days=1)
    idv.request_identity(work, d.ref, requester_kind="self", what="the email address you used when you signed up, and the company you worked for then", on=on, version=work.version_of(d.ref))
    _send(work, d.ref, "identity_request", on)


def extension_notified(work: Casework, today: date, rng: random.Random) -> None:
    from dpo_tui.services import decisions as dec

    d = log_story(work, today, "Priya Natarajan", "priya.n@example.co.uk", (Right.ACCESS, Right.RECTIFICATION), 24,
             "Copy of all my data across every AltoStack company, and correct my job title everywhere.")  # fmt: skip
    _ack(work, d, rng)
    work.change_status(d.ref, Status.IN_PROGRESS, version=work.version_of(d.ref))
    told = today - timedelta(days=2)
    dec.extend(work, d.ref, "complex", told, "Data is held by three group companies and two event partners; each must be searched.", version=work.version_of(d.ref))
    _send(work, d.ref, "extension_notice", told)


def fee_requested_by_letter(work: Casework, today: date, rng: random.Random) -> None:
    from dpo_tui.domain.decisions import breakdown_from_settings
    from dpo_tui.services import decisions as dec

    d = log_story(work, today, "Victor Hale", "v.hale@example.com", (Right.ACCESS,), 5, "Same as my last three requests: send me all of it again, on paper.", channel=Channel.POST)
    dec.assess(work, d.ref, {"repetition": REPEAT}, "fee", version=work.version_of(d.ref))
    on = d.received + timedelta(days=2)
    dec.request_fee(work, d.ref, breakdown_from_settings(work.settings.fees, hours="3", print_pages=120, postal_items=1), on, version=work.version_of(d.ref))
    _send(work, d.ref, "fee_request", on, "post")


def refused_with_notice(work: Casework, today: date, rng: random.Random) -> None:
    from dpo_tui.services import decisions as dec

    d = log_story(work, today, "Victor Hale", "v.hale@example.com", (Right.ACCESS,), 30, "Weekly request number seven: everything you hold, again.")
    _ack(work, d, rng)
    dec.assess(work, d.ref, {"repetition": REPEAT, "systematic_campaign": "Weekly identical requests since September; see the earlier cases."}, "refuse", version=work.version_of(d.ref))
    on = today - timedelta(days=3)
    dec.refuse(work, d.ref, "whole", [], "The request repeats earlier requests answered in full, with no reasonable interval and nothing changed.", on, version=work.version_of(d.ref))
    _send(work, d.ref, "refusal_notice", on)


def eu_refusal_names_the_member_states_authority(work: Casework, today: date, rng: random.Random) -> None:
    """Issue 15: an EU case (the person lives in Germany) refused; the notice names the German authority (Art 77)."""
    from dpo_tui.services import decisions as dec

    d = log_story(work, today, "Lukas Weber", "lukas.weber@example.de", (Right.ACCESS,), 26,
                  "Auskunft nach Art. 15 DSGVO, bitte - wie jede Woche.", regime="eu-gdpr", member_state="DE")  # fmt: skip
    _ack(work, d, rng)
    dec.assess(work, d.ref, {"repetition": REPEAT, "systematic_campaign": "Identical weekly requests since October."}, "refuse", version=work.version_of(d.ref))
    on = today - timedelta(days=2)
    dec.refuse(work, d.ref, "whole", [], "The request repeats earlier requests answered in full, with no reasonable interval.", on, version=work.version_of(d.ref))
    _send(work, d.ref, "refusal_notice", on)


def ccpa_request_to_know_answered(work: Casework, today: date, rng: random.Random) -> None:
    """Issue 15: a California request to know: the acknowledgement describes verification, the response gives the
    CCPA categories and names the California Privacy Protection Agency."""
    d = log_story(work, today, "Mateo Garcia", "mateo.garcia@example.com", (Right.ACCESS,), 20,
                  "Under the CCPA, what personal information have you collected about me and who did you share it with?",
                  regime="ccpa", channel=Channel.WEB)  # fmt: skip
    _ack(work, d, rng)
    d = work.change_status(d.ref, Status.IN_PROGRESS, version=work.version_of(d.ref))
    d = _work_through(work, d)
    _send(work, d.ref, "response_cover", today)
    cw.complete_case(work, d.ref, version=work.version_of(d.ref))


def ccpa_opt_out_confirmed(work: Casework, today: date, rng: random.Random) -> None:
    d = log_story(work, today, "Wei Chen", "wei.chen@example.com", (Right.OBJECTION,), 8,
                  "Do not sell or share my personal information.", regime="ccpa", channel=Channel.WEB)  # fmt: skip
    d = work.change_status(d.ref, Status.IN_PROGRESS, version=work.version_of(d.ref))
    d = _work_through(work, d)
    d = cw.complete_case(work, d.ref, version=work.version_of(d.ref))
    _send(work, d.ref, "objection_confirmation", today)


def restriction_lift_notified(work: Casework, today: date, rng: random.Random) -> None:
    """Art 18(3): the person is told before a restriction is lifted."""
    d = log_story(work, today, "Hannah Fischer", "hannah.fischer@example.co.uk", (Right.RESTRICTION,), 18,
                  "My job title is wrong in your CRM; please stop using my data until you have checked it.")  # fmt: skip
    _ack(work, d, rng)
    work.change_status(d.ref, Status.IN_PROGRESS, version=work.version_of(d.ref))
    _send(work, d.ref, "restriction_lift_notice", today)


def complaint_about_an_access_reply(work: Casework, today: date, rng: random.Random) -> None:
    """Issue 15 (DPA 2018 s.164A): the person complains that the access reply left something out; the complaint is a
    case of its own, acknowledged by letter within 30 days, partly upheld, and the outcome letter sent."""
    from dpo_tui.services.complaints import log_complaint, record_complaint_outcome

    d = log_story(work, today, "Oluwaseun Adeyemi", "seun.adeyemi@example.co.uk", (Right.ACCESS,), 45,
                  "Please send me all personal data you hold about me, including call recordings.")  # fmt: skip
    _ack(work, d, rng)
    answered = today - timedelta(days=20)
    then = Casework(work.db, work.settings, today=lambda: answered)  # the reply went out (and the case closed) then
    d = then.change_status(d.ref, "in_progress", version=work.version_of(d.ref))
    d = _work_through(then, d)
    _send(then, d.ref, "response_cover", answered)
    cw.complete_case(then, d.ref, version=work.version_of(d.ref))
    c = log_complaint(work, d.ref, grounds="Your reply left out the recordings of my two calls to support in March.",
                      received=today - timedelta(days=12))  # fmt: skip
    _send(work, c.ref, "complaint_acknowledgement", c.received + timedelta(days=1))
    record_complaint_outcome(work, c.ref, outcome="partly_upheld",
                             findings="One recording was missed because the call system was not searched; the other "
                             "was deleted in May under our 60-day retention rule, before your request.",
                             actions="We sent you the recording we found, and the call system is now on every access checklist.",
                             on=today - timedelta(days=3), version=work.version_of(c.ref))  # fmt: skip
    _send(work, c.ref, "complaint_outcome", today - timedelta(days=3))


def complaint_awaiting_acknowledgement(work: Casework, today: date, rng: random.Random) -> None:
    """An open complaint about delay, not yet acknowledged: the queue shows its acknowledgement date like a due date."""
    from dpo_tui.services.complaints import log_complaint

    d = log_story(work, today, "Marek Kowalski", "marek.kowalski@example.com", (Right.ACCESS,), 40,
                  "Please send me a copy of my data.")  # fmt: skip
    _ack(work, d, rng)
    log_complaint(work, d.ref, grounds="It has been over a month and I have had nothing but an acknowledgement.",
                  received=today - timedelta(days=4))  # fmt: skip


def objection_balancing_pending(work: Casework, today: date, rng: random.Random) -> None:
    """Art 21(1): an objection to profiling that is not marketing; the balancing test is pending and processing is
    restricted meanwhile (Art 18(1)(d)); the objection letter says so."""
    from dpo_tui.services import decisions as dec

    d = log_story(work, today, "Sofia Marques", "sofia.marques@example.pt", (Right.OBJECTION,), 7,
                  "I object to your product-usage analytics on my account: my employer can see the reports and I "
                  "am in a dispute with them.")  # fmt: skip
    _ack(work, d, rng)
    d = work.change_status(d.ref, "in_progress", version=work.version_of(d.ref))
    d = cw.mark_not_applicable(work, d.ref, "objection.direct_marketing", "Usage analytics for the customer's admin, not marketing", version=d.version)
    dec.record_balancing_test(work, d.ref, situation="Her employer (our customer) can see the usage reports, and she is in a dispute with them.",
                              outcome="pending", restriction=True, on=today - timedelta(days=5), version=work.version_of(d.ref))  # fmt: skip
    _send(work, d.ref, "objection_confirmation", today - timedelta(days=5))


STORIES: list[Story] = [
    acknowledged_access,
    access_completed_with_cover_letter,
    erasure_completed_and_confirmed,
    marketing_opt_out_confirmed,
    identity_requested_by_letter,
    extension_notified,
    fee_requested_by_letter,
    refused_with_notice,
    eu_refusal_names_the_member_states_authority,
    ccpa_request_to_know_answered,
    ccpa_opt_out_confirmed,
    restriction_lift_notified,
    complaint_about_an_access_reply,
    complaint_awaiting_acknowledgement,
    objection_balancing_pending,
]
