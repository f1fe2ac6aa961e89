"""Keys are the interface: on every screen and dialog, each key does one thing and each binding has an id (the id is
what `?` shows and what a user's keymap remaps). Several engineers add keys at once; this keeps them from colliding."""

from __future__ import annotations

import importlib
import pkgutil
from collections import Counter

from textual.binding import Binding
from textual.screen import Screen

import dpo_tui.tui as tui


def _screens() -> list[type[Screen]]:  # type: ignore[type-arg]
    for info in pkgutil.walk_packages(tui.__path__, "dpo_tui.tui."):
        importlib.import_module(info.name)
    seen: list[type[Screen]] = []  # type: ignore[type-arg]
    todo = [Screen]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("dpo_tui.tui."):
                seen.append(sub)
    return seen


def _bindings(cls: type) -> list[Binding]:
    """The bindings dpo-tui declares for a screen class, its bases' included (Textual's own are not ours to name)."""
    out: list[Binding] = []
    for base in reversed(cls.__mro__):
        if not base.__module__.startswith("dpo_tui."):
            continue
        for b in base.__dict__.get("BINDINGS", []):
            if isinstance(b, Binding):
                out.extend(Binding.make_bindings([b]))
    return out


def test_every_screen_is_found() -> None:
    names = {cls.__name__ for cls in _screens()}
    assert {"QueueScreen", "CaseScreen", "HelpScreen"} <= names


def test_no_key_does_two_things_on_one_screen() -> None:
    clashes = {}
    for cls in _screens():
        declared = Counter(b.key for b in cls.__dict__.get("BINDINGS", []) if isinstance(b, Binding))
        twice = [k for k, n in declared.items() if n > 1]
        if twice:
            clashes[cls.__name__] = twice
    assert not clashes, f"keys bound twice on the same screen: {clashes}"


def test_every_binding_has_an_id() -> None:
    missing = {
        cls.__name__: [b.key for b in _bindings(cls) if not b.id]
        for cls in _screens()
        if any(not b.id for b in _bindings(cls))
    }
    assert not missing, f"bindings without an id (help and keymaps need one): {missing}"


# A priority binding runs when the key arrives at the app, ahead of keys still queued for the focused field: text
# typed or pasted in one burst followed by ctrl+s was saved without its last characters (or refused as empty).
# Only keys that read no typed text may be priority, and only where a field would otherwise take the key (or where
# moving the focus at once is what keeps the following keys in the right field).
ALLOWED_PRIORITY = {
    # Focus moves the moment tab arrives, so the keys after it go to the next field ("name, Tab, email" typed fast
    # put the email into the name); the keys before it are already queued for the field they were typed in.
    ("DpoModal", "tab"),
    ("DpoModal", "shift+tab"),
    # ctrl+u clears the focused field from its own queue (in order with the keys typed before and after it); run
    # from the field's bindings it came after the digits typed next and cleared them.
    ("DpoModal", "ctrl+u"),
    ("DpoModal", "space"),  # the same for a list's, checkbox's or radio set's toggle; in a text field it is text
    ("FollowUpScreen", "ctrl+d"),  # Input binds ctrl+d (delete right); "mark all done" reads no field
    ("CaseScreen", "left"),  # the tab strip, over the checklist list's own left/right
    ("CaseScreen", "right"),
    # The queue's `/` focuses the search box the moment it arrives, so "/quinn" typed in one burst goes into the box
    # (not to the table, where `q` quits); in the box it is skipped, and goes in as text, in order.
    ("QueueScreen", "slash"),
    # `n` opens New request at once, so a name typed right after it goes into the dialog's first field; it reads no
    # row (keys still queued for the table cannot change what it does), and in the search box it is text.
    ("QueueScreen", "n"),
}


def test_no_priority_binding_can_outrun_typed_text() -> None:
    found = {
        (cls.__name__, b.key)
        for cls in _screens()
        for b in cls.__dict__.get("BINDINGS", [])
        if isinstance(b, Binding) and b.priority
    }
    assert found <= ALLOWED_PRIORITY, f"priority bindings that may save before typed text arrives: {found - ALLOWED_PRIORITY}"


async def test_a_dialog_hands_a_stray_key_only_to_a_field_that_takes_it() -> None:
    """A dialog hands a printable key that reaches it to its focused text field (keys typed before the field had
    the focus: tests/tui/test_queue.py). A read-only text area lets keys through to the dialog: handing them back
    to it would pass the key around for ever; it must stay where it is, and the dialog keep answering."""
    from textual import events
    from textual.app import App, ComposeResult
    from textual.widgets import Input, TextArea

    from dpo_tui.tui.base import DpoModal

    seen: list[str] = []

    class Letter(DpoModal[None]):
        def compose(self) -> ComposeResult:
            yield TextArea("The letter as sent.", read_only=True, id="letter")
            yield Input(id="note")

        def on_key(self, event: events.Key) -> None:
            seen.append(event.key)
            super().on_key(event)

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(Letter())

    app = Host()
    async with app.run_test() as pilot:
        await pilot.pause()
        dialog = app.screen
        dialog.set_focus(dialog.query_one("#letter"))
        app.post_message(events.Key("x", "x"))
        for _ in range(20):
            await pilot.pause()
        assert seen == ["x"]
        assert dialog.query_one("#letter", TextArea).text == "The letter as sent."
        assert dialog.query_one("#note", Input).value == ""
