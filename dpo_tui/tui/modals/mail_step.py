"""Recording a pending step from a message that answers it (issue 17; services/mail_answers.py).

`record_flow` asks "Record as <step>?" and, when the DPO says yes, opens that step of the case's walkthrough filled
in from the message: the identity walkthrough's step 5 (what arrived), the fee-paid step, or the clarification
answer, each with the date fixed to the message's day of receipt. Saving there records it through the same verb as
a manual entry, the audit event naming the message. Nothing is recorded without that save.

`offer_unread` is the case screen's reminder: when the case carries an unread message that may answer what it
awaits, a notification says so once (O shows the message, r there records it).
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from rich.text import Text

from dpo_tui.domain.dates import fmt
from dpo_tui.tui.text import literal

if TYPE_CHECKING:
    from dpo_tui.services.mail_answers import StepOffer
    from dpo_tui.services.views import CaseDetail

# The offers already shown per case screen: a reload (after any action) does not repeat the reminder.
_REMINDED: weakref.WeakKeyDictionary[Any, set[int]] = weakref.WeakKeyDictionary()


def offer_question(offer: StepOffer) -> Text:
    t = Text(f"Record as {offer.label}?", style="bold")
    t.append(f"\nThe message of {fmt(offer.received)} (#{offer.file_id}) ")
    subject = " ".join(offer.subject.split())
    if subject:
        t.append("“")
        t.append_text(literal(subject[:80]))
        t.append("” ")
    t.append(f"may be the answer the case awaits. The date of arrival will be its day of receipt, {fmt(offer.received)}; "
             "the next step shows what will be recorded.")  # fmt: skip
    return t


def offer_banner(offer: StepOffer) -> Text:
    """The line above a message in the originals view."""
    from dpo_tui.intake.answers import WHAT

    return Text(
        f"This message may be the {WHAT[offer.step]} this case awaits (received {fmt(offer.received)}): "
        f"r records it as {offer.label}.\n\n",
        style="bold yellow",
    )


async def record_flow(host: Any, ref: str, offer: StepOffer) -> CaseDetail | None:
    """Ask, then open the step filled in from the message; the case as saved, or None when nothing was recorded.
    `host` is a screen or dialog with `in_thread` (tui/base.py); run this as its flow (`run_flow`)."""
    from dpo_tui.tui.modals.prompts import ConfirmScreen

    app = host.app
    if not await app.push_screen_wait(ConfirmScreen(offer_question(offer), "y or enter: yes, fill in the step · n or escape: no")):
        return None
    if offer.step == "identity":
        from dpo_tui.tui.modals.identity import IdentityWalkthrough

        detail = await host.in_thread(lambda w: w.get(ref))
        return await app.push_screen_wait(IdentityWalkthrough(detail, message=offer))  # type: ignore[no-any-return]
    from dpo_tui.tui.modals.decisions.clarify import ClarifyScreen
    from dpo_tui.tui.modals.decisions.fees import FeePaidScreen

    screen = FeePaidScreen(ref, message=offer) if offer.step == "fee" else ClarifyScreen(ref, message=offer)
    await host.in_thread(screen.read)
    outcome = await app.push_screen_wait(screen)
    return outcome.detail if outcome is not None else None


def offer_unread(screen: Any, detail: CaseDetail) -> None:
    """On the case screen, after a load: remind the DPO of an unread message that may answer the awaited step."""
    from dpo_tui.services.mail_answers import awaited

    if awaited(detail)[0] is None:
        return
    ref = detail.ref

    def read(w: Any) -> list[StepOffer]:
        from dpo_tui.services.mail_answers import offers

        return offers(w, ref, unread_only=True)

    def remind(found: list[StepOffer]) -> None:
        seen = _REMINDED.setdefault(screen, set())
        fresh = [o for o in found if o.file_id not in seen]
        if not fresh or not screen.is_attached:
            return
        seen.update(o.file_id for o in fresh)
        o = fresh[-1]
        screen.app.notify(
            f"Record as {o.label}? An unread message of {fmt(o.received)} may be the answer {ref} awaits: "
            "O shows it, r there records it.",
            markup=False, timeout=15,
        )  # fmt: skip

    screen.call_in_thread(read, remind, group="case-mail-offer")
