"""`L` on the triage screen: every confident item logged at once, after a confirmation that counts them, through the
same rule and service verb as `--log-confident`; the items in doubt stay "needs triage"."""

from __future__ import annotations

from textual.widgets import Static

from dpo_tui.services.intake import Intake
from dpo_tui.store.models import Case
from dpo_tui.tui.modals.prompts import ConfirmScreen
from dpo_tui.tui.screens.triage import TriageScreen
from tests.tui.harness import run_app, settle
from tests.tui.test_triage import mail, take_in


async def test_L_logs_every_confident_item_after_a_confirmation_and_leaves_the_rest(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    take_in(
        sqlite_work,
        mail("Please delete all my personal data under article 17.", mid="c1@x", sender="Ada <ada@example.org>"),
        mail("Bitte löschen Sie alle meine Daten.", mid="c2@x", sender="Bert <bert@example.org>"),
        mail("Where is my parcel?", mid="n1@x", sender="Cleo <cleo@example.org>"),
    )
    before = {i.id: i.confident for i in Intake(sqlite_work).triage_items()}
    assert sorted(before.values()) == [False, True, True]
    async with run_app(sqlite_work, size=(140, 45)) as (app, pilot):
        await pilot.press("i")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, TriageScreen) and len(screen.items) == 3
        await pilot.press("L")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one("#confirm-question", Static).render())
        assert "Log all 2 confident items" in question and '1 item not confident will stay "needs triage"' in question
        await pilot.press("n")  # cancelled: nothing happens
        await settle(app, pilot)
        assert app.screen is screen and len(Intake(sqlite_work).triage_items()) == 3
        await pilot.press("L")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        await settle(app, pilot)
        assert app.screen is screen
        assert [i.from_email for i in screen.items] == ["cleo@example.org"]  # the list reloaded
        line = str(screen.query_one("#triage-result", Static).render())
        assert line.startswith("Logged 2 cases (DSAR-2026-") and "1 item still needs triage" in line, line
    logged = Intake(sqlite_work).pending(status="logged")
    assert len(logged) == 2
    with sqlite_work.db.reader() as s:
        refs = sorted(s.get(Case, p.case_id).ref for p in logged)
    for ref in refs:
        detail = sqlite_work.get(ref)
        created = [e for e in detail.events if e.kind == "case.logged"]
        assert len(created) == 1 and created[0].payload["intake"]["sha256"]  # its own audit event names the message
        assert [l.direction for l in detail.letters] == ["in"]
