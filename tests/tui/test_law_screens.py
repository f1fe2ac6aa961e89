"""Issue 15 from the keyboard, on the real app: the exemption log (E), erasure grounds (g), the balancing test (b),
complaints (K), the CCPA repeat decision (R), the late-ID reason (identity walkthrough) and the member state (new
request form). Each test presses keys and checks what was recorded and what the screen shows."""

from __future__ import annotations

from datetime import date

from textual.widgets import Checkbox, Input, OptionList, Select, Static, TextArea

from dpo_tui.domain.rights import Right
from dpo_tui.services import checklist_work as cw
from dpo_tui.services.complaints import log_complaint
from dpo_tui.tui.modals.form import FormScreen
from dpo_tui.tui.modals.law import ErasureScreen, ExemptionLogScreen
from dpo_tui.tui.screens.case import CaseScreen
from tests.conftest import new_request
from tests.tui.harness import case_screen, notes, run_case, settle

SIZE = (120, 45)


async def _type(app, pilot, selector: str, text: str) -> None:  # type: ignore[no-untyped-def]
    widget = app.screen.query_one(selector)
    widget.focus()
    await pilot.pause()
    if isinstance(widget, TextArea):
        widget.text = ""
    elif isinstance(widget, Input):
        widget.value = ""
    await pilot.press(*[c if c != " " else "space" for c in text])


async def _save(app, pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+s")
    await settle(app, pilot)


def _error(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#error", Static).content)


async def test_complaint_logged_acknowledged_and_decided_from_the_keyboard(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request()).ref
    async with run_case(sqlite_work, ref, size=SIZE) as (app, pilot):
        await pilot.press("K")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        await _save(app, pilot)  # nothing typed: refused, the form stays with the grounds field focused
        assert isinstance(app.screen, FormScreen) and "grounds" in _error(app)
        assert app.focused is app.screen.query_one("#f-grounds")
        await _type(app, pilot, "#f-grounds", "No reply yet")
        await _save(app, pilot)
        screen = app.screen
        assert isinstance(screen, CaseScreen) and screen.detail is not None and screen.detail.kind == "complaint"
        cref = screen.detail.ref
        assert screen.detail.about_ref == ref
        assert any(f"Complaint {cref} logged" in n for n in notes(app))
        badge = str(screen.query_one("#case-badge", Static).content)
        assert "Acknowledge by Thu 24 Dec 2026" in badge  # 25 Nov + 29 days: s.164A(3)(a)
        assert str(screen.query_one("#case-rights", Static).content) == f"Complaint about {ref} (access request)"
        overview = str(screen.query_one("#overview-body", Static).content)
        assert f"Complaint about {ref}" in overview and "s.164A" in overview and "No reply yet" in overview
        # K again: acknowledge
        await pilot.press("K")
        await settle(app, pilot)
        assert "acknowledged" in str(app.screen.query_one(".title").content)
        await _save(app, pilot)
        assert case_screen(app).detail.decision["complaint"]["acknowledged_on"] == "2026-11-25"
        assert "outcome is due without undue delay" in str(case_screen(app).query_one("#case-badge", Static).content)
        # K again: the outcome
        await pilot.press("K")
        await settle(app, pilot)
        app.screen.query_one("#f-outcome", Select).value = "partly_upheld"
        await _type(app, pilot, "#f-findings", "We missed a system")
        await _save(app, pilot)
        assert "actions" in _error(app) and app.focused is app.screen.query_one("#f-actions")
        await _type(app, pilot, "#f-actions", "Searched it")
        await _save(app, pilot)
        detail = case_screen(app).detail
        assert detail.status == "completed" and detail.decision["complaint"]["outcome"] == "partly_upheld"
    assert sqlite_work.get(ref).complaints == (cref,)


async def test_balancing_test_from_the_keyboard_waits_for_the_marketing_question(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request(rights=(Right.OBJECTION,), description="Stop using my location")).ref
    async with run_case(sqlite_work, ref, size=SIZE) as (app, pilot):
        await pilot.press("b")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)  # refused: the direct-marketing question comes first
        assert any("direct marketing" in n for n in notes(app))
    cw.mark_not_applicable(sqlite_work, ref, "objection.direct_marketing", "location analytics", version=sqlite_work.version_of(ref))
    async with run_case(sqlite_work, ref, size=SIZE) as (app, pilot):
        await pilot.press("b")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        assert app.screen.query_one("#f-restriction", Checkbox).value is True  # restriction offered while pending
        await _type(app, pilot, "#f-situation", "I am a carer")
        await _save(app, pilot)
        detail = case_screen(app).detail
        b = detail.decision["objection"]["balancing"]
        assert b["outcome"] == "pending" and b["restriction"] and b["situation"] == "I am a carer"
        decision = str(app.screen.query_one("#decision-body", Static).content)
        assert "Balancing test (Art 21(1))" in decision and "restricted since" in decision
        # decide: overridden needs our grounds
        await pilot.press("b")
        await settle(app, pilot)
        assert app.screen.query_one("#f-situation", TextArea).text == "I am a carer"  # the record is the start
        app.screen.query_one("#f-outcome", Select).value = "overridden"
        await _save(app, pilot)
        assert "grounds" in _error(app) and app.focused is app.screen.query_one("#f-grounds")
        await _type(app, pilot, "#f-grounds", "Fraud checks")
        app.screen.query_one("#f-restriction", Checkbox).value = False
        await _save(app, pilot)
        b = case_screen(app).detail.decision["objection"]["balancing"]
        assert b["outcome"] == "overridden" and b["grounds"] == "Fraud checks" and b["restriction_lifted_on"]


async def test_exemption_log_add_and_withdraw_from_the_keyboard(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request()).ref
    async with run_case(sqlite_work, ref, size=SIZE) as (app, pilot):
        await pilot.press("E")
        await settle(app, pilot)
        assert isinstance(app.screen, ExemptionLogScreen)
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        app.screen.query_one("#f-exemption", Select).value = "third_party"
        await _type(app, pilot, "#f-item", "emails about [b]x[/b]")
        await _save(app, pilot)
        assert "reasoning" in _error(app) and app.focused is app.screen.query_one("#f-reasoning")
        await _type(app, pilot, "#f-reasoning", "They name a colleague")
        await _save(app, pilot)
        assert isinstance(app.screen, ExemptionLogScreen)
        assert app.screen.query_one("#list-entries", OptionList).option_count == 1
        entry = str(app.screen.query_one("#list-entries", OptionList).get_option_at_index(0).prompt)
        assert "emails about [b]x[/b]" in entry and "DPA 2018 Sch 2 para 16" in entry  # literal, not markup
        await pilot.press("d")
        await settle(app, pilot)
        await _type(app, pilot, "#f-reason", "They consented")
        await _save(app, pilot)
        assert app.screen.query_one("#list-entries", OptionList).option_count == 0
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
    assert sqlite_work.get(ref).decision["exemptions"] == []
    kinds = [e.kind for e in sqlite_work.get(ref).events]
    assert "decision.exemption_added" in kinds and "decision.exemption_removed" in kinds


async def test_erasure_ground_and_exception_from_the_keyboard(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request(rights=(Right.ERASURE,))).ref
    async with run_case(sqlite_work, ref, size=SIZE) as (app, pilot):
        await pilot.press("g")
        await settle(app, pilot)
        assert isinstance(app.screen, ErasureScreen)
        assert "no Art 17(1) ground" in str(app.screen.query_one("#list-body", Static).content)
        await pilot.press("g")
        await settle(app, pilot)
        app.screen.query_one("#f-ground", Select).value = "consent_withdrawn"
        app.screen.query_one("#f-made_public", Checkbox).value = True
        await _save(app, pilot)
        assert "controllers_informed" in _error(app) and app.focused is app.screen.query_one("#f-controllers_informed")
        await _type(app, pilot, "#f-controllers_informed", "Partner X by email")
        await _save(app, pilot)
        assert "Art 17(1)(b)" in str(app.screen.query_one("#list-body", Static).content)
        await pilot.press("a")
        await settle(app, pilot)
        system = app.screen.query_one("#f-system", Select).value
        app.screen.query_one("#f-exception", Select).value = "legal_claims"
        await _type(app, pilot, "#f-detail", "Invoices kept for a dispute")
        await _save(app, pilot)
        assert app.screen.query_one("#list-entries", OptionList).option_count == 1
    er = sqlite_work.get(ref).decision["erasure"]
    assert er["ground"] == "consent_withdrawn" and er["exceptions"][0]["system"] == system
    assert er["exceptions"][0]["ground"] == "legal_claims"


async def test_ccpa_repeat_decision_from_the_keyboard(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    for day in (date(2026, 3, 2), date(2026, 6, 1)):
        sqlite_work.log_request(new_request(regime="ccpa", received=day))
    ref = sqlite_work.log_request(new_request(regime="ccpa", received=date(2026, 11, 2))).ref
    first = sqlite_work.list_cases()[0].ref
    async with run_case(sqlite_work, ref, size=SIZE) as (app, pilot):
        await pilot.press("Y")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen) and "1798.130(b)" in str(app.screen.query_one(".form-intro").content)
        app.screen.query_one("#f-decision", Select).value = "decline"
        await _type(app, pilot, "#f-note", "Third in nine months")
        await _save(app, pilot)
        detail = case_screen(app).detail
        assert detail.decision["ccpa_repeat"]["decision"] == "decline" and detail.status == "refused"
    async with run_case(sqlite_work, first, size=SIZE) as (app, pilot):
        await pilot.press("Y")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        assert any("not a third request" in n for n in notes(app))


async def test_complaint_case_offers_only_its_own_keys(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request(rights=(Right.ERASURE,))).ref
    c = log_complaint(sqlite_work, ref, grounds="Too slow", received=date(2026, 11, 20))
    async with run_case(sqlite_work, c.ref, size=SIZE) as (app, pilot):
        for key in ("E", "g", "v", "a", "x", "c"):
            await pilot.press(key)
            await settle(app, pilot)
            assert isinstance(app.screen, CaseScreen)
        assert any("complaint" in n for n in notes(app))


async def test_late_id_request_asks_why_and_keeps_the_lapse(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    from tests.tui.test_identity_walkthrough import open_walkthrough, press, step_of, type_in

    ref = sqlite_work.log_request(new_request(received=date(2026, 9, 1))).ref  # due Thu 1 Oct 2026; today 25 Nov
    async with run_case(sqlite_work, ref, size=(120, 50)) as (app, pilot):
        await open_walkthrough(app, pilot)
        await press(app, pilot, "#need-next")
        await press(app, pilot, "#who-next")
        assert step_of(app) == 3
        assert app.screen.query_one("#what-late-box").display  # the request date (today) is after the due date
        assert "Thu 1 Oct 2026 passed" in str(app.screen.query_one("#what-late-why", Static).content)
        await type_in(app, pilot, "#what-on", "2026-09-20")  # before the due date: nothing to explain
        assert not app.screen.query_one("#what-late-box").display
        await type_in(app, pilot, "#what-on", "2026-11-25")
        assert app.screen.query_one("#what-late-box").display
        await pilot.press("enter")
        await settle(app, pilot)
        assert "reasonable doubt" in str(app.screen.query_one("#id-error", Static).content)
        assert app.focused is app.screen.query_one("#what-late") and sqlite_work.get(ref).status == "new"
        await type_in(app, pilot, "#what-late", "A new address appeared in the reply")
        app.screen.query_one("#what-on").focus()
        await pilot.press("enter")
        await settle(app, pilot)
    lapse = sqlite_work.get(ref).decision["lapses"][0]
    assert lapse["lapsed_due"] == "2026-10-01" and lapse["reason"] == "A new address appeared in the reply"


async def test_eu_request_needs_its_member_state_on_the_form(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import SelectionList

    from dpo_tui.tui.modals.new_request import NewRequestScreen
    from tests.tui.harness import push, run_app

    async with run_app(sqlite_work, size=(100, 45)) as (app, pilot):
        results = await push(app, pilot, NewRequestScreen())
        screen = app.screen
        assert screen.query_one("#member-state-row").has_class("hidden")  # uk-gdpr: no member state asked
        screen.query_one("#name", Input).value = "Jan Novak"
        screen.query_one("#email", Input).value = "jan@example.eu"
        screen.query_one("#rights", SelectionList).select(Right.ACCESS)
        screen.query_one("#regime", Select).value = "eu-gdpr"
        await settle(app, pilot)
        assert not screen.query_one("#member-state-row").has_class("hidden")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not results and "Ireland is not assumed" in str(screen.query_one("#member_state-error", Static).content)
        screen.query_one("#member_state", Input).focus()
        await pilot.press("D", "E", "minus", "B", "Y")
        await settle(app, pilot)
        assert "Germany (DE-BY)" in str(screen.query_one("#member_state-hint", Static).content)
        assert "Due" in str(screen.query_one("#preview", Static).content)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert results and results[0]
    detail = sqlite_work.get(results[0])
    assert (detail.regime, detail.country, detail.subdivision) == ("eu-gdpr", "DE", "BY")


async def test_queue_marks_a_complaint_and_sorts_it_by_its_acknowledgement_date(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    from tests.tui.harness import run_app
    from tests.tui.test_queue import lines_shown

    ref = sqlite_work.log_request(new_request(received=date(2026, 11, 2))).ref  # due Wed 2 Dec 2026
    c = log_complaint(sqlite_work, ref, grounds="Rude reply", received=date(2026, 11, 2))  # acknowledge by Tue 1 Dec
    async with run_app(sqlite_work, size=SIZE) as (app, pilot):
        shown = [line for line in lines_shown(app) if "DSAR" in line]
    assert c.deadline.due == date(2026, 12, 1)
    assert [line.split()[0] for line in shown] == [c.ref, ref]  # sorted by its acknowledgement date, like any due date
    assert "CMPLNT" in next(line for line in shown if c.ref in line)
    assert "CMPLNT" not in next(line for line in shown if line.split()[0] == ref)
