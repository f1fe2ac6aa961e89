"""Demo stories for decisions: a case for each kind (fee awaited and paid, whole and partial refusal, extension,
clarification pending and answered, a repeat requester), worked through `dpo_tui.services.decisions` so the
decision record, clock events and audit trail are exactly what the app records.

Dates are relative to the generator's `today`; every story stays inside the periods the law allows (an extension
told before the notice date, answers after questions), so it works whatever day the demo is generated.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from dpo_tui.domain.lifecycle import Status
from dpo_tui.domain.decisions import breakdown_from_settings
from dpo_tui.domain.rights import Right
from dpo_tui.services import decisions as dec
from dpo_tui.demo.story import log_story
from dpo_tui.services.casework import Casework

Story = Callable[[Casework, date, random.Random], None]



def _ago(today: date, days: int) -> date:
    return today - timedelta(days=days)


def fee_requested_unpaid(work: Casework, today: date, rng: random.Random) -> None:
    """Manifestly excessive (a fourth copy in six weeks): fee asked for 38 days ago, never paid → flagged."""
    email = "marcus.hale@example.net"
    for days in (120, 80):
        earlier = log_story(work, today, "Marcus Hale", email, [Right.ACCESS], days, "Send me everything you hold on me.")
        work.change_status(earlier.ref, Status.COMPLETED, outcome=Status.COMPLETED, reason="answered in full; searches recorded on the paper file", version=work.version_of(earlier.ref))
    case = log_story(work, today, "Marcus Hale", email, [Right.ACCESS], 40, "Again: every record, every email, every log.")
    dec.assess(
        work, case.ref,
        {"repetition": f"Third identical request in four months ({_ago(today, 120):%d %b} and {_ago(today, 80):%d %b} "
                       "both answered in full); nothing has changed in his account since.",
         "burden": "Re-running the full search takes about 6 hours of staff time for no new information."},
        "fee", note="Harm to him if refused: none identified; he already holds the data.", on=_ago(today, 39), version=work.version_of(case.ref),
    )  # fmt: skip
    fee = breakdown_from_settings(work.settings.fees, hours="6", copy_pages=0, postal_items=0)
    dec.request_fee(work, case.ref, fee, _ago(today, 38), version=work.version_of(case.ref))


def fee_paid(work: Casework, today: date, rng: random.Random) -> None:
    """Fee asked for, paid 20 days ago: the clock started on the payment date (UK)."""
    case = log_story(
        work, today, "Olivia Brandt", "o.brandt@example.com", [Right.ACCESS], 32,
        "Please send paper copies of all CCTV stills and call recordings, twice, to two addresses.",
    )  # fmt: skip
    dec.assess(
        work, case.ref,
        {"overlap": "Her solicitor asked for the same recordings last month on her behalf (open case).",
         "burden": "About 400 pages of stills to print and post twice; the same data is in the portal."},
        "fee", on=_ago(today, 31), version=work.version_of(case.ref),
    )  # fmt: skip
    fee = breakdown_from_settings(work.settings.fees, hours="3", copy_pages=400, print_pages=400, postal_items=2)
    dec.request_fee(work, case.ref, fee, _ago(today, 30), version=work.version_of(case.ref))
    dec.record_fee_paid(work, case.ref, fee.total, _ago(today, 20), version=work.version_of(case.ref))


def refused_whole(work: Casework, today: date, rng: random.Random) -> None:
    """Manifestly unfounded: offered to withdraw for a refund, targets one employee. Refused in full."""
    case = log_story(
        work, today, "Victor Crane", "vcrane@example.org", [Right.ACCESS, Right.ERASURE], 16,
        "I want every email that mentions me, especially from Dana in support. Refund me and I'll drop it.",
    )  # fmt: skip
    dec.assess(
        work, case.ref,
        {"offers_withdrawal": "Request text: 'Refund me and I'll drop it'; repeated in his call of the next day.",
         "targets_employee": "Third message naming Dana (support) with personal insults; no data concern raised.",
         "no_intention": "Told the support lead by phone that he does not want his data, only the refund."},
        "refuse", on=_ago(today, 12), version=work.version_of(case.ref),
    )  # fmt: skip
    dec.refuse(
        work, case.ref, "whole", [],
        "Your request is manifestly unfounded: you offered to withdraw it in exchange for a refund and said you do "
        "not want the information itself. Your refund complaint is being handled separately.",
        _ago(today, 10), version=work.version_of(case.ref),
    )  # fmt: skip


def refused_in_part(work: Casework, today: date, rng: random.Random) -> None:
    """Access request answered with two items withheld under exemptions; the case stays in work."""
    case = log_story(
        work, today, "Hannah Okafor", "h.okafor@example.com", [Right.ACCESS], 14,
        "Please send all data about me, including the grievance investigation file.",
    )  # fmt: skip
    work.change_status(case.ref, Status.IN_PROGRESS, version=work.version_of(case.ref))
    dec.refuse(
        work, case.ref, "partial",
        [("Witness statements in the grievance file", "third-party personal data (DPA 2018 Sch 2 para 16)"),
         ("Legal advice on the grievance outcome", "legal professional privilege (DPA 2018 Sch 2 para 19)")],
        "Two parts of the grievance file are withheld: statements that identify colleagues who did not consent, "
        "and advice from our lawyers. Everything else is being prepared for you.",
        _ago(today, 5), version=work.version_of(case.ref),
    )  # fmt: skip


def extended_complex(work: Casework, today: date, rng: random.Random) -> None:
    """Complex request extended; the person was told within the first month."""
    case = log_story(
        work, today, "Ibrahim Saleh", "ibrahim.saleh@example.net", [Right.ACCESS, Right.PORTABILITY], 20,
        "All my data from the app, the website, support and the analytics systems, machine-readable.",
    )  # fmt: skip
    work.change_status(case.ref, Status.IN_PROGRESS, version=work.version_of(case.ref))
    dec.extend(
        work, case.ref, "complex", _ago(today, 12),
        "The data sits in nine systems, two of them archived, and must be converted to a portable format.", version=work.version_of(case.ref),
    )


def clarification_pending(work: Casework, today: date, rng: random.Random) -> None:
    """UK access request: question sent 8 days ago, no answer yet — the clock is stopped."""
    case = log_story(
        work, today, "Priya Natarajan", "priya.n@example.com", [Right.ACCESS], 12,
        "I want the information about my old account.",
    )
    dec.ask_clarification(
        work, case.ref,
        "You have had three accounts with us since 2019. Which one do you mean, or is it all three?",
        "identify", _ago(today, 8), version=work.version_of(case.ref),
    )  # fmt: skip


def clarification_answered(work: Casework, today: date, rng: random.Random) -> None:
    """Question asked and answered: the paused days are added to the due date."""
    case = log_story(
        work, today, "Tomás Ruiz", "t.ruiz@example.org", [Right.ACCESS], 24,
        "Send me the recordings of my calls.",
    )
    dec.ask_clarification(
        work, case.ref, "Do you mean calls to the support line, the sales line, or both? Roughly when?",
        "identify", _ago(today, 21), version=work.version_of(case.ref),
    )  # fmt: skip
    dec.record_clarification_answer(work, case.ref, "Support line only, between March and May.", _ago(today, 16), version=work.version_of(case.ref))


def repeat_requester(work: Casework, today: date, rng: random.Random) -> None:
    """Earlier cases from the same email and name are found by the assessment; the DPO still decides to comply."""
    email = "g.whitfield@example.co.uk"
    first = log_story(work, today, "Grace Whitfield", email, [Right.ACCESS], 300, "Copy of my data please.")
    work.change_status(first.ref, Status.COMPLETED, outcome=Status.COMPLETED, reason="answered in full; searches recorded on the paper file", version=work.version_of(first.ref))
    second = log_story(work, today, "Grace Whitfield", email, [Right.ERASURE], 150, "Please delete my marketing profile.")
    work.change_status(second.ref, Status.COMPLETED, outcome=Status.COMPLETED, reason="answered in full; searches recorded on the paper file", version=work.version_of(second.ref))
    case = log_story(work, today, "Grace Whitfield", email, [Right.ACCESS], 6, "A fresh copy of my data, please.")
    dec.assess(
        work, case.ref, {}, "comply",
        note="Earlier access request 10 months ago: a reasonable interval, and her account changed since. Comply.", version=work.version_of(case.ref),
    )  # fmt: skip


STORIES: list[Story] = [
    fee_requested_unpaid,
    fee_paid,
    refused_whole,
    refused_in_part,
    extended_complex,
    clarification_pending,
    clarification_answered,
    repeat_requester,
]
