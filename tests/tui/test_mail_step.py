"""A message that answers what a case awaits, recorded from the keyboard (issue 17): the case screen reminds the DPO
of the unread message, `O` shows it with the offer, `r` asks "Record as <step>?", and only the step's own save
records it, dated by the message's day of receipt."""

from __future__ import annotations

from datetime import date

from textual.widgets import Checkbox, Input, Static

from dpo_tui.domain.decisions import breakdown_from_settings
from dpo_tui.services import decisions as dec
from dpo_tui.tui.modals.decisions.fees import FeePaidScreen
from dpo_tui.tui.modals.identity import IdentityWalkthrough
from dpo_tui.tui.modals.original import OriginalsScreen
from dpo_tui.tui.modals.prompts import ConfirmScreen
from tests.conftest import new_request
from tests.intake.test_mail_answers import asked_for_id, reply, take
from tests.tui.harness import case_screen, notes, run_case, settle


def _fee_case(work) -> str:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request())
    dec.assess(work, case.ref, {"repetition": "The same request as last month, nothing changed."}, "fee",
               version=work.version_of(case.ref))  # fmt: skip
    dec.request_fee(work, case.ref, breakdown_from_settings(work.settings.fees, hours="2"), date(2026, 11, 3),
                    version=work.version_of(case.ref))  # fmt: skip
    return case.ref


async def test_a_payment_by_mail_is_offered_and_recorded_only_when_the_dpo_confirms(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = _fee_case(sqlite_work)
    take(sqlite_work, reply(ref, "I have paid the fee by bank transfer.", mid="pay@x", received="Thu, 12 Nov 2026 10:00:00 +0000"))
    async with run_case(sqlite_work, ref, size=(140, 45)) as (app, pilot):
        await settle(app, pilot)
        assert any(n.startswith("Record as fee paid? An unread message of") for n in notes(app)), notes(app)
        await pilot.press("O")
        await settle(app, pilot)
        assert isinstance(app.screen, OriginalsScreen)
        body = str(app.screen.query_one("#original-body", Static).render())
        assert "r records it as fee paid" in body and "I have paid the fee" in body
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Record as fee paid?" in str(app.screen.query_one("#confirm-question", Static).render())
        await pilot.press("n")  # no: nothing is recorded
        await settle(app, pilot)
        assert isinstance(app.screen, OriginalsScreen) and sqlite_work.get(ref).status == "awaiting_fee"
        await pilot.press("r")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        step = app.screen
        assert isinstance(step, FeePaidScreen)
        day = step.query_one("#on", Input)
        assert day.value == "2026-11-12" and day.disabled  # the day of receipt, not editable here
        assert sqlite_work.get(ref).status == "awaiting_fee"  # still nothing until the step is saved
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, OriginalsScreen)
        assert any("recorded as fee paid, arrived 2026-11-12" in n for n in notes(app)), notes(app)
        assert "r records it" not in str(app.screen.query_one("#original-body", Static).render())  # no longer offered
        await pilot.press("escape")
        await settle(app, pilot)
        assert case_screen(app).detail.status == "in_progress"
    detail = sqlite_work.get(ref)
    paid = [e for e in detail.events if e.kind == "decision.fee_paid"][-1].payload
    assert paid["on"] == "2026-11-12" and set(paid["message"]) == {"file_id", "sha256"}


async def test_an_id_document_by_mail_opens_step_5_filled_in_from_the_message(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = asked_for_id(sqlite_work)
    take(sqlite_work, reply(ref, "Here is my ID.", mid="id@x", received="Tue, 10 Nov 2026 10:00:00 +0000", image=True))
    async with run_case(sqlite_work, ref, size=(140, 50)) as (app, pilot):
        await pilot.press("O")
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        walk = app.screen
        assert isinstance(walk, IdentityWalkthrough) and walk.step == 5
        assert walk.query_one("#got-on", Input).value == "2026-11-10" and walk.query_one("#got-on", Input).disabled
        assert walk.query_one("#got-copy", Checkbox).value  # an image came with it
        assert app.focused is walk.query_one("#got-seen", Input)  # the fixed date is skipped
        await pilot.press(*"passport sighted", "tab", *"name and photo")
        walk.query_one("#got-deleted", Checkbox).value = True
        await pilot.press("enter")
        await settle(app, pilot)
        assert walk.step == 6  # recorded; the outcome is the next question
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, OriginalsScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert case_screen(app).detail.status == "in_progress"
    received = [e for e in sqlite_work.get(ref).events if e.kind == "identity.received"][-1].payload
    assert received["on"] == "2026-11-10" and received["copy_received"] is True and "file_id" in received["message"]


async def test_a_reply_to_a_clarification_question_prefills_the_answer(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.tui.modals.decisions.clarify import ClarifyScreen
    from textual.widgets import TextArea

    case = sqlite_work.log_request(new_request())
    dec.ask_clarification(sqlite_work, case.ref, "Which accounts do you mean?", "identify", date(2026, 11, 5),
                          version=sqlite_work.version_of(case.ref))  # fmt: skip
    take(sqlite_work, reply(case.ref, "[b]The old one[/b], closed in 2019.", mid="cl@x", received="Mon, 9 Nov 2026 10:00:00 +0000"))
    async with run_case(sqlite_work, case.ref, size=(140, 45)) as (app, pilot):
        await pilot.press("O")
        await settle(app, pilot)
        await pilot.press("r", "y")
        await settle(app, pilot)
        step = app.screen
        assert isinstance(step, ClarifyScreen)
        assert step.query_one("#answer", TextArea).text == "[b]The old one[/b], closed in 2019."  # literally
        assert step.query_one("#on", Input).value == "2026-11-09" and step.query_one("#on", Input).disabled
        await pilot.press("escape")  # cancelled in the step: nothing recorded
        await settle(app, pilot)
        assert isinstance(app.screen, OriginalsScreen) and sqlite_work.get(case.ref).status == "awaiting_clarification"
        await pilot.press("r", "y")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    detail = sqlite_work.get(case.ref)
    assert detail.status == "in_progress" and detail.decision["clarification"]["rounds"][-1]["answered_on"] == "2026-11-09"
