"""Issue 16, done-when: the four cases worked end to end from the keyboard, without a mouse, a blind choice or a
lost keystroke. Each test starts on the queue, types the new request into the form with `n`, then only presses
keys to the end (`pilot.press`), checking at each step what the DPO sees (the screen, the focused field, the status
line), and at the end the case's status, outcome, letters and audit events as the service records them."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, Static

from dpo_tui.domain.rights import Right
from dpo_tui.tui.modals.checklist import CompleteScreen, TickScreen
from dpo_tui.tui.modals.letter import LetterScreen
from dpo_tui.tui.modals.new_request import NewRequestScreen
from dpo_tui.tui.screens.case import CaseScreen
from dpo_tui.tui.screens.queue import QueueScreen
from tests.tui.harness import errors, notes, run_app, screen_lines, settle

SIZE = (120, 40)
RIGHTS = list(Right)  # the order of the form's Rights list


def shown(app: Any) -> str:
    """What the terminal shows now, as one string."""
    return "\n".join(screen_lines(app))


def header(app: Any) -> str:
    """The case screen's status line (reference · status · assignee) and deadline line."""
    case = next(s for s in reversed(app.screen_stack) if isinstance(s, CaseScreen))
    return " ".join(str(case.query_one(sel, Static).content) for sel in ("#case-title", "#case-badge"))


def focused_id(app: Any) -> str | None:
    return app.focused.id if app.focused is not None else None


async def keys(app: Any, pilot: Any, *presses: str) -> None:
    await pilot.press(*presses)
    await settle(app, pilot)


async def log_request(app: Any, pilot: Any, name: str, email: str, rights: list[Right], received: str | None = None,
                      text: str = "") -> str:  # fmt: skip
    """From the queue: `n`, the form filled in key by key, ctrl+s. Returns the reference (the case screen opens)."""
    assert isinstance(app.screen, QueueScreen)
    await keys(app, pilot, "n")
    form = app.screen
    assert isinstance(form, NewRequestScreen) and focused_id(app) == "name"
    await keys(app, pilot, *name, "tab", *email, "tab")
    assert focused_id(app) == "address"
    await keys(app, pilot, "tab", "tab")
    assert focused_id(app) == "rights"
    at = 0
    for right in sorted(rights, key=RIGHTS.index):
        await keys(app, pilot, *["down"] * (RIGHTS.index(right) - at), "space")
        at = RIGHTS.index(right)
    assert set(form.query_one("#rights").selected) == set(rights)
    await keys(app, pilot, "tab")
    assert focused_id(app) == "received"
    if received:
        await keys(app, pilot, "ctrl+u", *received)
    assert form.query_one("#name", Input).value == name and form.query_one("#email", Input).value == email
    if text:
        for _ in range(4):  # channel, regime, made by, request text
            await keys(app, pilot, "tab")
        assert focused_id(app) == "description"
        await keys(app, pilot, *text)
    assert "Due " in str(form.query_one("#preview", Static).content)
    await keys(app, pilot, "ctrl+s")
    assert isinstance(app.screen, CaseScreen), shown(app)
    ref = app.screen.ref
    assert f"Logged {ref}" in notes(app)
    assert name in shown(app)
    return ref


async def work_checklist(app: Any, pilot: Any, *, skip: tuple[str, ...] = ()) -> None:
    """`4`, then every open item ticked from the keyboard, top to bottom (`t`, terms, the result, ctrl+s, `j`)."""
    case = app.screen
    await keys(app, pilot, "4")
    assert focused_id(app) == "checklist-list"
    items = case.detail.checklist
    for n, item in enumerate(items):
        assert case.selected_item_key == item.key, (n, item.label)
        if item.state == "open" and item.label not in skip:
            await keys(app, pilot, "t")
            dialog = app.screen
            assert isinstance(dialog, TickScreen) and dialog.item.key == item.key
            assert item.label in shown(app)
            if dialog.asks_search:
                assert focused_id(app) == "tick-terms"
                await keys(app, pilot, *"name, email", "tab")
                assert focused_id(app) == "tick-found"
                await keys(app, pilot, "enter")  # the first result, "Found data", as highlighted
            else:
                assert focused_id(app) == "tick-note"
            await keys(app, pilot, "ctrl+s")
            assert app.screen is case, (item.label, errors(app), shown(app))
            assert case.selected_item_key == item.key, "the highlight stays on the item just ticked"
        await keys(app, pilot, "j")


async def save_letter(app: Any, pilot: Any, title: str) -> None:
    """In the letters screen: move to `title` with the arrows, ctrl+s saves it to the case."""
    screen = app.screen
    assert isinstance(screen, LetterScreen) and focused_id(app) == "letter-kinds"
    options = screen.query_one("#letter-kinds")
    titles = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    assert title in titles, titles
    steps = titles.index(title) - options.highlighted
    await keys(app, pilot, *(["down"] * steps if steps > 0 else ["up"] * -steps))
    assert screen.draft is not None and str(options.get_option_at_index(options.highlighted).prompt) == title
    kind = options.get_option_at_index(options.highlighted).id
    await keys(app, pilot, "ctrl+s")
    assert any(n.startswith(f"{kind.replace('_', ' ')} saved") for n in notes(app)), (notes(app)[-3:], errors(app))


async def complete(app: Any, pilot: Any) -> None:
    case = app.screen
    await keys(app, pilot, "4", "C")
    assert isinstance(app.screen, CompleteScreen), shown(app)
    assert "checklist items are done or not applicable" in shown(app), "\n".join(l for l in screen_lines(app) if "█" in l)
    assert focused_id(app) == "complete-go"
    await keys(app, pilot, "enter")
    assert app.screen is case, errors(app)


def events(work: Any, ref: str) -> list[str]:
    return [e.kind for e in work.get(ref).events]


# ---- case 4: clarification plus extension -----------------------------------------------------------------------


async def test_clarification_then_extension_then_completion(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    work = sqlite_work
    async with run_app(work, size=SIZE) as (app, pilot):
        ref = await log_request(app, pilot, "Carla Clarify", "carla@example.org", [Right.ACCESS], "2026-11-02",
                                "Everything you hold about me.")  # fmt: skip
        case = app.screen
        assert "in progress" in header(app) or "new" in header(app)
        await keys(app, pilot, "c")  # ask
        assert type(app.screen).__name__ == "ClarifyScreen" and focused_id(app) == "question"
        assert "clock stops while the question is unanswered" in shown(app)
        await keys(app, pilot, *"Which of your two accounts do you mean?", "tab")
        assert focused_id(app) == "purpose"
        await keys(app, pilot, "tab")
        assert focused_id(app) == "on"
        await keys(app, pilot, "ctrl+u", *"2026-11-04")
        assert "Ready: the case waits for the answer; the clock stops." in shown(app)
        await keys(app, pilot, "ctrl+s")
        assert isinstance(app.screen, LetterScreen)  # the question's letter, offered
        await save_letter(app, pilot, "Clarification request")
        await keys(app, pilot, "escape")
        assert app.screen is case
        assert "awaiting clarification" in header(app) and "clock stopped" in header(app)
        await keys(app, pilot, "c")  # the answer
        assert focused_id(app) == "answer"
        assert "Which of your two accounts do you mean?" in shown(app)
        await keys(app, pilot, *"The shop account.", "tab")
        assert focused_id(app) == "on"
        await keys(app, pilot, "ctrl+u", *"2026-11-10", "ctrl+s")
        assert app.screen is case, (errors(app), shown(app))
        assert "in progress" in header(app) and "clock running" in header(app)
        await keys(app, pilot, "x")  # extend
        assert type(app.screen).__name__ == "ExtendScreen" and focused_id(app) == "reason"
        await keys(app, pilot, "tab")
        assert focused_id(app) == "told"
        await keys(app, pilot, "tab")
        assert focused_id(app) == "note"
        await keys(app, pilot, *"Twelve systems, three archived.", "ctrl+s")
        assert isinstance(app.screen, LetterScreen), (errors(app), shown(app))
        await save_letter(app, pilot, "Extension notice")
        await keys(app, pilot, "escape")
        assert "extended" in header(app).lower(), header(app)
        await work_checklist(app, pilot, skip=("Response sent to the person",))
        await keys(app, pilot, "l")
        await save_letter(app, pilot, "Response cover letter")
        await keys(app, pilot, "escape")
        await work_checklist(app, pilot)  # the response went: its item
        await complete(app, pilot)
        assert "completed" in header(app)
        assert errors(app) == []
    d = work.get(ref)
    assert d.status == "completed" and d.outcome == "completed"
    kinds = {l.kind for l in d.letters}
    assert {"clarification_request", "extension_notice", "response_cover"} <= kinds
    got = events(work, ref)
    assert got[:6] == ["case.logged", "decision.clarification_asked", "letter.saved", "decision.clarification_answered",
                       "decision.extended", "letter.saved"], got  # fmt: skip
    assert got.count("checklist.ticked") == 13 and "checklist.override" not in got
    assert got[-1] == "case.status", got


async def tab_to(app: Any, pilot: Any, target: str, *, limit: int = 30, back: bool = False) -> int:
    """Tab (or shift+tab) until `target` has focus, as a DPO does; returns how many presses it took."""
    for n in range(limit):
        if focused_id(app) == target:
            return n
        await keys(app, pilot, "shift+tab" if back else "tab")
    raise AssertionError(f"{target} not reached by tab; focus on {focused_id(app)}")


def dialog_status(app: Any) -> str:
    """A walkthrough's status line (what saving would do, or why it cannot)."""
    return str(app.screen.query_one("#status", Static).content)


# ---- case 1: access request with doubtful ID ----------------------------------------------------------------------


async def test_access_with_doubtful_id_then_verified_then_completed(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.tui.modals.identity import IdentityWalkthrough

    work = sqlite_work
    async with run_app(work, size=SIZE) as (app, pilot):
        ref = await log_request(app, pilot, "Dora Doubt", "dora.d@freemail.example", [Right.ACCESS], "2026-11-02",
                                "Send me all my health records.")  # fmt: skip
        case = app.screen
        await keys(app, pilot, "v")
        walk = app.screen
        assert isinstance(walk, IdentityWalkthrough) and focused_id(app) == "need-contact"
        assert "step 1 of 6" in shown(app)
        await keys(app, pilot, "tab", "space", "tab", "space")  # sensitive data; details do not match
        assert focused_id(app) == "need-mismatch"
        assert "verification needed" in shown(app)
        await tab_to(app, pilot, "need-next")
        await keys(app, pilot, "enter")
        assert "step 2 of 6" in shown(app) and focused_id(app) == "who-kind"
        await tab_to(app, pilot, "who-next")
        await keys(app, pilot, "tab")  # round the step's fields: no stop where enter would do nothing
        assert focused_id(app) == "who-kind"
        await keys(app, pilot, "shift+tab")
        assert focused_id(app) == "who-next"
        await keys(app, pilot, "enter")
        assert "step 3 of 6" in shown(app) and focused_id(app) == "what-method"
        assert "sight an identity document" in shown(app)  # the suggestion follows the facts recorded
        assert "photo ID document" in walk.query_one("#what-text").text
        await tab_to(app, pilot, "what-on")
        await keys(app, pilot, "ctrl+u", *"2026-11-03")
        await tab_to(app, pilot, "what-send")
        await keys(app, pilot, "enter")
        assert "done" in shown(app) and focused_id(app) == "done-close"
        assert "awaiting ID since Tue 3 Nov 2026" in shown(app) and "please help us confirm your identity" in shown(app)
        await tab_to(app, pilot, "letter-save", back=True)
        await keys(app, pilot, "enter")
        assert "Kept as sent" in shown(app) and focused_id(app) == "done-close"
        await keys(app, pilot, "enter")
        assert app.screen is case
        assert "awaiting ID" in header(app) or "awaiting id" in header(app).lower()
        await keys(app, pilot, "v")  # the ID arrives
        assert "step 5 of 6" in shown(app) and focused_id(app) == "got-on"
        await keys(app, pilot, "ctrl+u", *"2026-11-09", "tab", *"passport sighted on video call", "tab",
                   *"name, date of birth, address", "tab")  # fmt: skip
        assert focused_id(app) == "got-by"
        await tab_to(app, pilot, "got-save")
        await keys(app, pilot, "enter")
        assert "step 6 of 6" in shown(app) and focused_id(app) == "out-kind", shown(app)
        assert "verified" in shown(app)
        await tab_to(app, pilot, "out-save")
        await keys(app, pilot, "enter")
        assert "done" in shown(app), shown(app)
        await tab_to(app, pilot, "done-close")
        await keys(app, pilot, "enter")
        assert app.screen is case and "clock running" in header(app), header(app)
        await work_checklist(app, pilot, skip=("Response sent to the person",))
        await keys(app, pilot, "l")
        await save_letter(app, pilot, "Response cover letter")
        await keys(app, pilot, "escape")
        await work_checklist(app, pilot)
        await complete(app, pilot)
        assert "completed" in header(app)
        assert errors(app) == []
    d = work.get(ref)
    assert d.status == "completed" and d.outcome == "completed"
    assert d.deadline.clock_start is not None and d.deadline.clock_start.isoformat() == "2026-11-09"
    assert {"identity_request", "response_cover"} <= {l.kind for l in d.letters}
    got = events(work, ref)
    assert got[:5] == ["case.logged", "identity.requested", "letter.saved", "identity.received", "identity.outcome"], got
    assert got[-1] == "case.status"


# ---- case 2: erasure with partial refusal -------------------------------------------------------------------------


async def test_erasure_refused_in_part_then_completed(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.tui.modals.decisions.flow import DecisionMenu
    from dpo_tui.tui.modals.decisions.refusal import RefusalScreen

    work = sqlite_work
    async with run_app(work, size=SIZE) as (app, pilot):
        ref = await log_request(app, pilot, "Erin Erase", "erin@example.org", [Right.ERASURE], "2026-11-02",
                                "Delete everything you hold on me.")  # fmt: skip
        case = app.screen
        await keys(app, pilot, "a")
        assert isinstance(app.screen, DecisionMenu) and focused_id(app) == "decision-menu"
        await keys(app, pilot, "down", "down", "down", "down")
        menu = app.screen.query_one("#decision-menu")
        assert menu.get_option_at_index(menu.highlighted).id == "refuse_partial"
        await keys(app, pilot, "enter")
        refusal = app.screen
        assert isinstance(refusal, RefusalScreen) and focused_id(app) == "scope"
        assert refusal.radio("#scope") == "partial"
        await keys(app, pilot, "tab")
        assert focused_id(app) == "reasons"
        await keys(app, pilot, *"We must keep your invoices for six years.", "tab")
        assert focused_id(app) == "item-0"
        await keys(app, pilot, *"Invoices 2021-2026", "tab")
        assert focused_id(app) == "ground-0"
        await keys(app, pilot, *"legal obligation to keep accounting records", "tab")
        assert dialog_status(app).startswith("Ready"), dialog_status(app)
        await keys(app, pilot, "ctrl+s")
        assert isinstance(app.screen, LetterScreen), (errors(app), dialog_status(app) if hasattr(app.screen, "radio") else shown(app))
        await save_letter(app, pilot, "Refusal notice")
        await keys(app, pilot, "escape")
        assert app.screen is case and "in progress" in header(app), header(app)
        await work_checklist(app, pilot, skip=("Response sent to the person",))
        await keys(app, pilot, "l")
        screen = app.screen
        await save_letter(app, pilot, "Erasure confirmation")
        letter = screen.draft.as_text("txt")
        await keys(app, pilot, "escape")
        await work_checklist(app, pilot)
        await complete(app, pilot)
        assert "completed" in header(app), header(app)
        await keys(app, pilot, "1")
        assert "Outcome" in shown(app) and "refused in part" in shown(app), shown(app)
        assert errors(app) == []
    d = work.get(ref)
    assert d.status == "completed" and d.outcome == "refused_in_part"
    assert "erase" in letter.lower() and "most of what you asked for" not in letter
    assert {"refusal_notice", "erasure_confirmation"} <= {l.kind for l in d.letters}
    got = events(work, ref)
    assert got[:3] == ["case.logged", "decision.refused", "letter.saved"], got
    assert got[-1] == "case.status"


# ---- case 3: excessive repeat request with a fee ------------------------------------------------------------------


async def test_excessive_repeat_with_a_fee_paid_then_completed(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.tui.modals.decisions.assess import AssessScreen
    from dpo_tui.tui.modals.decisions.fees import FeePaidScreen, FeeScreen
    from dpo_tui.tui.modals.decisions.flow import DecisionMenu

    work = sqlite_work
    async with run_app(work, size=SIZE) as (app, pilot):
        first = await log_request(app, pilot, "Rex Repeat", "rex@example.org", [Right.ACCESS], "2026-11-02")
        await keys(app, pilot, "escape")
        assert isinstance(app.screen, QueueScreen)
        ref = await log_request(app, pilot, "Rex Repeat", "rex@example.org", [Right.ACCESS], "2026-11-16")
        case = app.screen
        await keys(app, pilot, "a")
        assert isinstance(app.screen, DecisionMenu)
        await keys(app, pilot, "enter")  # Assess, highlighted first
        assess = app.screen
        assert isinstance(assess, AssessScreen)
        assert first in shown(app) and "1 earlier request" in shown(app)
        await tab_to(app, pilot, "g-repetition")
        await keys(app, pilot, "space", "tab")
        assert focused_id(app) == "e-repetition"
        await keys(app, pilot, *f"Same request as {first}, two weeks ago; nothing has changed.")
        await tab_to(app, pilot, "decision")
        await keys(app, pilot, "down", "enter")  # Charge a reasonable fee
        assert assess.radio("#decision") == "fee"
        assert dialog_status(app).startswith("Ready: manifestly excessive"), dialog_status(app)
        await keys(app, pilot, "ctrl+s")
        fee = app.screen
        assert isinstance(fee, FeeScreen), (errors(app), shown(app))
        await tab_to(app, pilot, "q-hours")
        await keys(app, pilot, "2")
        await tab_to(app, pilot, "on")
        await keys(app, pilot, "ctrl+u", *"2026-11-17")
        assert "does not start until it is paid" in dialog_status(app), dialog_status(app)
        await keys(app, pilot, "ctrl+s")
        assert isinstance(app.screen, LetterScreen), (errors(app), shown(app))
        await save_letter(app, pilot, "Fee request")
        await keys(app, pilot, "escape")
        assert app.screen is case and "awaiting fee" in header(app), header(app)
        await keys(app, pilot, "a")
        assert isinstance(app.screen, DecisionMenu)
        await keys(app, pilot, "enter")  # highlighted: Record the fee paid
        paid = app.screen
        assert isinstance(paid, FeePaidScreen), shown(app)
        await tab_to(app, pilot, "on")
        await keys(app, pilot, "ctrl+u", *"2026-11-20")
        assert dialog_status(app).startswith("Ready: the case goes back into work"), dialog_status(app)
        await keys(app, pilot, "ctrl+s")
        assert app.screen is case and "in progress" in header(app), (errors(app), header(app))
        await work_checklist(app, pilot, skip=("Response sent to the person",))
        await keys(app, pilot, "l")
        await save_letter(app, pilot, "Response cover letter")
        await keys(app, pilot, "escape")
        await work_checklist(app, pilot)
        await complete(app, pilot)
        assert "completed" in header(app)
        assert errors(app) == []
    d = work.get(ref)
    assert d.status == "completed" and d.outcome == "completed"
    assert d.deadline.clock_start is not None and d.deadline.clock_start.isoformat() == "2026-11-20"
    assert {"fee_request", "response_cover"} <= {l.kind for l in d.letters}
    got = events(work, ref)
    assert got[:5] == ["case.logged", "decision.assessed", "decision.fee_requested", "letter.saved",
                       "decision.fee_paid"], got  # fmt: skip
    assert got[-1] == "case.status"


# ---- a lost keystroke found working case 4 in tmux ----------------------------------------------------------------


async def test_clearing_a_field_in_a_burst_keeps_the_keys_typed_before_and_after(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    """Keys arrive from a terminal in a burst: "space, tab, ctrl+u, 2026-11-02" ticked no right (the list's space ran
    after the tab) and left the received date empty (the field's ctrl+u ran after the digits); "Bx, ctrl+u, Al"
    must leave "Al", and a space typed in a text field stays text."""
    from textual import events

    from tests.tui.harness import push

    chars = {"space": " ", "tab": "\t", "ctrl+u": "\x15"}
    async with run_app(sqlite_work, size=SIZE) as (app, pilot):
        await push(app, pilot, NewRequestScreen())
        form = app.screen
        await keys(app, pilot, "tab", "tab", "tab", "tab")
        assert focused_id(app) == "rights"
        for key in ["space", "tab", "ctrl+u", *"2026-11-02", "shift+tab", "shift+tab", "shift+tab", "shift+tab",
                    "shift+tab", *"Bx", "ctrl+u", *"Al", "space", *"Ng"]:  # fmt: skip
            app.post_message(events.Key(key, chars.get(key, key if len(key) == 1 else None)))
        await settle(app, pilot)
        assert form.query_one("#received", Input).value == "2026-11-02"
        assert form.query_one("#name", Input).value == "Al Ng"
        assert list(form.query_one("#rights").selected) == [Right.ACCESS], "the space before the tab ticked Access"
