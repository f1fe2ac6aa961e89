"""The app contract every screen relies on, and the one way database work and its errors reach the DPO.

Typed app. `DpoScreen` and `DpoModal` are the base classes of every screen and dialog: their `app` property is typed
as the concrete `DpoApp`, so `self.app.casework`, `self.app.settings`, `self.app.today()` and
`self.app.notify_error()` are checked names instead of `getattr(self.app, ...)` guesses (dooit's `BaseScreen` in
dooit/ui/tui/screens/base.py, whose `app` property returns the `Dooit` class).

Database work. Nothing on the UI thread touches the database: a screen calls
`self.call_in_thread(lambda casework: casework.some_verb(...), then=self.show_it)`, which runs the call in a thread
worker (`exit_on_error=False`) and hands the result to `then` on the UI thread. A flow that needs an answer before
it goes on (load, then show a dialog and wait for it) runs as an async worker and uses `await self.in_thread(...)`
and `await self.app.push_screen_wait(dialog)` (Textual's guide, "Screens: waiting for screens").

Errors. Every worker a screen starts ends, when it fails, in that screen's one `Worker.StateChanged` handler
(harlequin's `handle_worker_error` in src/harlequin/app.py), which calls `worker_failed` -> `show_error`. A screen
shows it as a notification; a dialog shows it on its own message line, focuses the field an `InvalidInput` names,
and stays open with everything the DPO typed (a conflict or a refused rule never loses their input). Errors that are
not casework rules (a lost database, a bug) are also notified with their type. Nothing is swallowed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast
from weakref import WeakSet

from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.worker import Worker, WorkerFailed, WorkerState

from dpo_tui.domain.errors import DomainError

if TYPE_CHECKING:
    from textual.events import Key

    from dpo_tui.services.casework import Casework
    from dpo_tui.tui.app import DpoApp

ResultT = TypeVar("ResultT")
T = TypeVar("T")

AWAITED = "awaited"  # the group of thread workers a flow awaits: their error is raised again in the flow
FLOW = "flow"  # the group of async workers that wait for dialogs (tests wait for every other worker)


def error_text(error: BaseException) -> str:
    """What the DPO reads: a casework rule's own sentence; anything else with its type, so it is never mistaken
    for a rule."""
    if isinstance(error, DomainError):
        return str(error) or type(error).__name__
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


STYLES = Path(__file__).with_name("styles")
# The styles of every room but the queue (whose rules are in app.tcss with the shared classes, read at start-up).
# Textual reads a screen's CSS_PATH when the screen is first shown: parsing these ~300 rule sets before the queue's
# first paint cost ~10 ms of a ~200 ms start. They are read together, in this order, so the cascade is the same
# whichever screen comes first.
ROOM_STYLES: list[str | PurePath] = [
    STYLES / "case.tcss", STYLES / "walkthroughs.tcss", STYLES / "dialogs.tcss", STYLES / "dashboard.tcss",
    STYLES / "retention.tcss", STYLES / "triage.tcss",
]  # fmt: skip


class _Calls:
    """What DpoScreen and DpoModal share: thread workers for the database, the one error path, the rooms' styles."""

    app: DpoApp
    CSS_PATH: ClassVar[list[str | PurePath] | None] = ROOM_STYLES

    def call_in_thread(
        self,
        fn: Callable[[Casework], T],
        then: Callable[[T], object] | None = None,
        *,
        group: str = "service",
        exclusive: bool = False,
    ) -> Worker[None]:
        """Run `fn(app.casework)` in a thread worker; `then(result)` runs on the UI thread. Errors: `worker_failed`."""
        app = self.app
        node = cast(Widget, self)

        def job() -> None:
            result = fn(app.casework)
            if then is not None:
                app.call_from_thread(then, result)

        return node.run_worker(job, thread=True, group=group, exclusive=exclusive, exit_on_error=False)

    async def in_thread(self, fn: Callable[[Casework], T]) -> T:
        """Await `fn(app.casework)` run in a thread worker; its error is raised here (in the awaiting flow)."""
        app = self.app
        node = cast(Widget, self)
        worker: Worker[T] = node.run_worker(lambda: fn(app.casework), thread=True, group=AWAITED, exit_on_error=False)
        try:
            return await worker.wait()
        except WorkerFailed as failed:
            raise failed.error from None

    def run_flow(self, flow: Any) -> Worker[None]:
        """Run an async flow (`await self.in_thread(...)`, `await self.app.push_screen_wait(...)`) as a worker."""
        return cast(Widget, self).run_worker(flow, group=FLOW, exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        event.stop()
        if event.worker.group == AWAITED:
            return  # raised again in the flow that awaits it, which fails and comes back here
        error = event.worker.error
        if isinstance(error, WorkerFailed):
            error = error.error
        if error is not None:
            self.worker_failed(event.worker, error)

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        """A worker of this screen failed (override to undo a busy state first, then call super)."""
        self.show_error(error)

    def show_error(self, error: BaseException) -> None:
        self.app.notify_error(error)


class DpoScreen(_Calls, Screen[ResultT]):
    """A full screen of dpo-tui. Its `back` action leaves it for the screen below; its `reload` action calls `load`,
    which a screen with data overrides to read it again (in a worker); bind `escape` / `r` to them."""

    def load(self) -> object:
        """Read what the screen shows (again), in a worker. A screen without data has nothing to load."""
        return None

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_reload(self) -> None:
        self.load()

    @property
    def app(self) -> DpoApp:  # type: ignore[override]
        return cast("DpoApp", super().app)


_HANDED: WeakSet[Key] = WeakSet()  # keys DpoModal.on_key handed to a field


def _takes_text(widget: Widget | None) -> bool:
    """A field that takes every printable key it is given (a read-only text area lets them through)."""
    from textual.widgets import Input, TextArea

    return isinstance(widget, Input) or (isinstance(widget, TextArea) and not widget.read_only)


class DpoModal(_Calls, ModalScreen[ResultT]):
    """A dialog or walkthrough step of dpo-tui.

    `FIELD_WIDGETS` maps the `field` of an `InvalidInput` to the selector of the widget to focus; `show_problem`
    writes a message on the dialog's own line (override it where the line is not `#error`)."""

    FIELD_WIDGETS: ClassVar[dict[str, str]] = {}

    # Priority: the focus moves when the key arrives, before the keys typed after it are handed to a widget.
    # Textual's own Tab binding runs later, from the focused field's queue, so in a burst of typing (a fast typist,
    # a busy machine) "name<tab>email" put the email into the name field (issue 16, found in tmux).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True, id="dialog.next_field"),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True, id="dialog.previous_field"),
        # Input's own ctrl+u runs only once the key has bubbled up to the app, so digits typed right after it went
        # in first and were then cleared ("ctrl+u 2026-11-02" after a tab left the received date empty; found in
        # tmux). Taken at once and queued on the field itself, it runs after the keys typed before it and before
        # the ones typed after.
        Binding("ctrl+u", "clear_to_start", "Clear the field to the cursor", show=False, priority=True,
                id="dialog.clear_to_start"),
        # The same for space on a list, checkbox or radio set: "space, tab" typed fast ticked nothing (the toggle ran
        # once focus had already moved on: "name at least one right", found in tmux). In a text field space is text.
        Binding("space", "toggle_field", "Tick / choose", show=False, priority=True, id="dialog.toggle"),
    ]

    def on_key(self, event: Key) -> None:
        """A key typed in the same burst as the key that opened this dialog is handed out before the dialog's first
        field has the focus (Textual gives it a message later): to the dialog's scrolling frame, or to nothing, and
        it was lost ("nJane" typed fast opened New request with the name empty). A text field takes every printable
        key it is given, so one that reaches the dialog was meant for the field being focused: hand it there. The
        keys queued behind it follow the same way, in order."""
        if not event.is_printable or event in _HANDED:
            return  # (a key handed on and not taken comes back here: it is not handed on again)
        from textual.events import Key

        field = self.focused
        if field is None:
            selector = self.app.AUTO_FOCUS if self.AUTO_FOCUS is None else self.AUTO_FOCUS
            field = next((w for w in self.query(selector) if w.focusable), None) if selector else None
            if _takes_text(field):
                self.set_focus(field)
        if _takes_text(field):
            event.stop()
            event.prevent_default()
            handed = Key(event.key, event.character)
            _HANDED.add(handed)
            field.post_message(handed)

    def action_toggle_field(self) -> None:
        from textual.actions import SkipAction
        from textual.widgets import RadioSet, SelectionList
        from textual.widgets._toggle_button import ToggleButton

        field = self.app.focused
        if isinstance(field, SelectionList):
            field.call_later(field.action_select)
        elif isinstance(field, (ToggleButton, RadioSet)):
            field.call_later(field.action_toggle_button)
        else:
            raise SkipAction()  # typed text, or the widget's own space

    def action_clear_to_start(self) -> None:
        from textual.actions import SkipAction
        from textual.widgets import Input

        field = self.app.focused
        if not isinstance(field, Input):
            raise SkipAction()  # other widgets keep their own ctrl+u
        field.call_later(field.action_delete_left_all)

    @property
    def app(self) -> DpoApp:  # type: ignore[override]
        return cast("DpoApp", super().app)

    def show_error(self, error: BaseException) -> None:
        self.show_problem(error_text(error))
        field = getattr(error, "field", None)
        if field:
            self.focus_field(field)
        if not isinstance(error, DomainError):
            self.app.notify_error(error)

    def show_problem(self, message: str) -> None:
        """Write `message` on the dialog's message line (an empty message clears it)."""
        from textual.widgets import Static

        from dpo_tui.tui.text import literal

        try:
            self.query_one("#error", Static).update(literal(message))
        except NoMatches:
            if message:
                self.app.notify_error(message)

    def field_selector(self, field: str) -> str | None:
        return self.FIELD_WIDGETS.get(field)

    def focus_field(self, field: str) -> None:
        selector = self.field_selector(field)
        if selector:
            for widget in self.query(selector):
                widget.focus()
                break


class SavingDialog(DpoModal[Any]):
    """A dialog that saves itself: `save(casework, answer)` runs in a thread worker and the dialog closes with what
    it returns. A refusal (the service's rule, a conflict) is shown on the dialog's message line, the field at fault
    focused, and what the DPO typed stays. `SAVE_GROUP` names the worker group (one save at a time per kind)."""

    SAVE_GROUP: ClassVar[str] = "dialog-save"

    def __init__(self, save: Callable[[Casework, Any], Any]) -> None:
        super().__init__()
        self._save = save

    def submit(self, answer: Any) -> None:
        self.show_problem("")
        save = self._save
        self.call_in_thread(lambda casework: save(casework, answer), self.dismiss, group=self.SAVE_GROUP, exclusive=True)
