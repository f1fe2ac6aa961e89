"""Follow-ups on a case (`f`): the open ones, a new one (a day and a note), or all marked done.

A follow-up is the DPO's own reminder, not a legal date: it shows on the queue (a ↻ marker once it has come due, and
the "Follow-ups" view, key 9), in `dpo-tui due`, the digest and the calendar. ctrl+s sets it, ctrl+d marks the open
ones done, escape closes. Each is one service call with its audit event, refused on a stale case version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from dpo_tui.domain.dates import fmt, parse_reminder_day, relative_days
from dpo_tui.domain.errors import InvalidInput
from dpo_tui.tui.base import DpoModal
from dpo_tui.tui.text import literal

if TYPE_CHECKING:
    from dpo_tui.services.follow_ups import FollowUpView


def follow_up_lines(rows: list[FollowUpView], today: Any) -> Text:
    if not rows:
        return Text("No open follow-up on this case.", style="dim")
    t = Text()
    for f in rows:
        days = (f.on - today).days
        t.append(f"{fmt(f.on)} ", style="bold")
        t.append(f"({relative_days(days).replace('due today', 'today')})  ", style="bold yellow" if days <= 0 else "")
        t.append_text(literal(f.note))
        t.append("  — ")
        t.append_text(literal(f.created_by, "dim"))
        t.append("\n")
    t.rstrip()
    return t


class FollowUpScreen(DpoModal[bool]):
    """Dismissed with True when something was recorded (the case screen then reloads)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Set follow-up", id="follow_up.save"),
        Binding("ctrl+d", "done", "Mark all done", priority=True, id="follow_up.done"),
        Binding("escape", "close", "Close", id="follow_up.close"),
    ]
    FIELD_WIDGETS: ClassVar[dict[str, str]] = {"date": "#follow-up-on", "note": "#follow-up-note"}

    def __init__(self, ref: str, version: int) -> None:
        super().__init__()
        self.ref = ref
        self.version = version
        self.changed = False
        self.open: list[FollowUpView] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-frame follow-up-dialog"):
            yield Label(f"Follow-ups on {self.ref}  (ctrl+s sets one, ctrl+d marks the open ones done, escape closes)",
                        classes="title", markup=False)  # fmt: skip
            yield Static("loading…", id="follow-up-list")
            with Horizontal(classes="row"):
                yield Label("On", markup=False)
                yield Input(value="+7", placeholder="YYYY-MM-DD, +N days or +Nw weeks", id="follow-up-on")
            with Horizontal(classes="row"):
                yield Label("Note", markup=False)
                yield Input(placeholder="what to look at again (e.g. chase the payroll export)", id="follow-up-note")
            yield Static("", id="error", classes="error")

    def on_mount(self) -> None:
        self.query_one("#follow-up-note", Input).focus()
        self._load()

    def _load(self) -> None:
        from dpo_tui.services.follow_ups import open_follow_ups

        ref = self.ref
        self.call_in_thread(lambda w: open_follow_ups(w, ref), self._show, group="follow-up-load")

    def _show(self, rows: list[FollowUpView]) -> None:
        self.open = rows
        self.query_one("#follow-up-list", Static).update(follow_up_lines(rows, self.app.today()))

    def _recorded(self, message: str, version: int | None) -> None:
        self.changed = True
        if version is not None:
            self.version = version
        self.show_problem("")
        self.app.notify(message, markup=False)
        self._load()

    def action_save(self) -> None:
        from dpo_tui.services.follow_ups import set_follow_up

        raw = self.query_one("#follow-up-on", Input).value
        try:
            on = parse_reminder_day(raw, self.app.today())
        except ValueError as exc:
            self.show_error(InvalidInput("date", str(exc)))
            return
        note = self.query_one("#follow-up-note", Input).value
        ref, version = self.ref, self.version

        def done(detail: Any) -> None:
            self.query_one("#follow-up-note", Input).value = ""
            self._recorded(f"Follow-up on {ref} set for {fmt(on)}", detail.version)

        self.call_in_thread(lambda w: set_follow_up(w, ref, on, note, version=version), done, group="follow-up-write")

    def action_done(self) -> None:
        from dpo_tui.services.follow_ups import complete_follow_ups

        ref, version = self.ref, self.version

        def marked(result: tuple[int, int]) -> None:
            n, now = result
            self._recorded(f"{n} follow-up{'s' if n != 1 else ''} on {ref} marked done", now)

        self.call_in_thread(
            lambda w: (complete_follow_ups(w, ref, version=version), w.version_of(ref)), marked, group="follow-up-write"
        )

    def action_close(self) -> None:
        self.dismiss(self.changed)
