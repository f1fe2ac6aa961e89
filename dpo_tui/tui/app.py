"""The Textual application: opens the queue, owns the database handles, the keymap and the auto-refresh.

Import discipline (measured on a 2-core box: textual.app 0.28 s, sqlalchemy 0.26 s, sqlmodel 0.43 s): before the
first rows paint, only Textual, sqlite3 and the light dpo_tui modules load. The ORM (`Casework`) is built on first
need (opening a case, a new request, a bulk change), in the worker that needs it: browsing, searching and paging
the queue never load it, which keeps the queue ~30 MB smaller (VmHWM 79 -> about 50 MB at 100,000 cases).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from datetime import date
from pathlib import PurePath
from typing import TYPE_CHECKING, ClassVar
from weakref import WeakKeyDictionary

from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from dpo_tui.tui.base import STYLES
from dpo_tui.store.queue import QueueReader, SchemaMismatch

if TYPE_CHECKING:
    from textual.command import Provider

    from dpo_tui.services.casework import Casework
    from dpo_tui.settings import Settings
    from dpo_tui.store.database import Database
    from dpo_tui.store.queue import EarlyRows

REFRESH_SECONDS = 2.0
START_DELAY = 0.3  # the auto-refresh starts once the first rows are on screen


def _palette_commands() -> type[Provider]:
    from dpo_tui.tui.palette import DpoCommands

    return DpoCommands


class DpoApp(App[None]):
    TITLE = "dpo-tui"
    # One TCSS file per room (harlequin's CSS_PATH list of .tcss files): the queue's and the shared classes here,
    # the other rooms' on the screens that show them (`tui.base.ROOM_STYLES`).
    CSS_PATH: ClassVar[list[str | PurePath]] = [STYLES / "app.tcss"]

    # A callable: the palette's module (and the help screen it reads) is imported when the palette first opens.
    COMMANDS = App.COMMANDS | {_palette_commands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Keys", id="app.help"),
    ]

    def __init__(
        self, url: str, settings: Settings, *, today: Callable[[], date] | None = None, early: EarlyRows | None = None
    ) -> None:
        super().__init__()
        self.url = url
        self.settings = settings
        self._early = early  # the first page, read by a helper process (`launch`, store.early_page)
        self._today = today or date.today
        self.reader: QueueReader = None  # type: ignore[assignment]  # opened on mount
        self._db: Database | None = None
        self._casework: Casework | None = None
        self._casework_lock = threading.Lock()
        self._version: int | None = None
        self._last_error = ""
        self._typed_on: WeakKeyDictionary[events.Key, Screen] = WeakKeyDictionary()  # see on_key
        self.set_keymap(settings.keymap)

    def today(self) -> date:
        return self._today()

    # ---- database handles ------------------------------------------------------------------

    def open_database(self) -> None:
        """Open the queue's reader (creating or migrating the database first if needed). Raises DatabaseError."""
        if self.reader is not None:
            return
        early, self._early = self._early, None
        try:
            self.reader = QueueReader.open(self.url, early=early)
        except SchemaMismatch:
            # First run, or an older schema: the full ORM open creates or migrates it, then read as usual.
            from dpo_tui.store.database import Database

            self._db = Database.open(self.url)
            self.reader = QueueReader.open(self.url)

    @property
    def casework(self) -> Casework:
        """The casework service, built on first need (it imports SQLAlchemy and SQLModel: ~30 MB and ~0.7 s cold).
        Called from the thread worker of the action that needs it, never before the first paint."""
        if self._casework is None:
            with self._casework_lock:
                if self._casework is None:
                    from dpo_tui.services.casework import Casework
                    from dpo_tui.store.database import Database

                    db = self._db or Database.open(self.url)
                    self._db = db
                    self._casework = Casework(db, self.settings, today=self._today)
                    if not self.is_headless:
                        gc.freeze()  # the ORM's import heap, out of the collector's reach (see QueueScreen)
        return self._casework

    # ---- lifecycle -------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:  # type: ignore[type-arg]
        # The queue *is* the base screen: no blank default screen is composed and painted before it.
        from dpo_tui.tui.screens.queue import QueueScreen

        self.open_database()
        return QueueScreen()

    def on_mount(self) -> None:
        self.call_after_refresh(self._first_paint_done)

    def _first_paint_done(self) -> None:
        if not gc.isenabled():
            # `launch.run_queue` held the collector off until now: what start-up allocated (~100,000 objects) is the
            # modules and the screen, all live; the first collection walked them all (20-30 ms, traced, in the
            # middle of the read ahead and of any key typed at once). Out of its reach first, then on. (Not in
            # tests: their process runs many apps, whose garbage this would keep.)
            if not self.is_headless:
                gc.freeze()
            gc.enable()
        self.set_timer(START_DELAY, self._after_first_paint)

    def _after_first_paint(self) -> None:
        self.set_interval(REFRESH_SECONDS, self.check_for_changes, name="auto-refresh")

    def on_unmount(self) -> None:
        if self.reader is not None:
            self.reader.close()
        if self._db is not None:
            self._db.dispose()

    # ---- auto-refresh ----------------------------------------------------------------------

    def note_version(self) -> None:
        """Called before the queue's first rows are read: the data version they are read at (the helper's, read
        just before its rows; else read now). The auto-refresh shows every change after it, and no poll runs
        before the first paint (a thread then took the GIL from the paint: sqlite3's import and a query)."""
        self._version = self.reader.data_version()

    def check_for_changes(self, force: bool = False) -> None:
        self._poll(force)

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def _poll(self, force: bool) -> None:
        version = self.reader.data_version()
        if force or (self._version is not None and version != self._version):
            self.call_from_thread(self._changed)
        self._version = version

    def _changed(self) -> None:
        from dpo_tui.tui.screens.case import CaseScreen
        from dpo_tui.tui.screens.queue import QueueScreen

        for screen in self.screen_stack:
            if isinstance(screen, QueueScreen):
                screen.reload()
            elif isinstance(screen, CaseScreen):
                screen.load()  # a teammate (or the CLI) changed this case: show it as it now is

    # ---- navigation used by every screen ---------------------------------------------------

    def open_case(self, ref: str) -> None:
        from dpo_tui.tui.screens.case import CaseScreen

        self.push_screen(CaseScreen(ref))

    def new_request(self) -> None:
        from dpo_tui.tui.modals.new_request import NewRequestScreen

        def done(ref: str | None) -> None:
            if ref:
                self.notify(f"Logged {ref}", markup=False)
                self.check_for_changes(force=True)
                self.open_case(ref)

        self.push_screen(NewRequestScreen(), done)

    # ---- typing ahead ----------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._typed_on[event] = self.screen  # the screen the key was typed on (see on_key)
        await super().on_event(event)

    def on_key(self, event: events.Key) -> None:
        """A printable key typed on one screen that comes back unhandled after a dialog opened on top of it was
        typed for that dialog, right after the key that opened it: `aJane` typed fast (one terminal read) handed
        "Jane" to the queue's table before the Assign dialog existed, and the letters were lost. It goes to the
        dialog, in order (a DpoModal hands it on to its text field; a key it binds acts there)."""
        typed_on = self._typed_on.pop(event, None)
        screen = self.screen
        if typed_on is None or typed_on is screen or not isinstance(screen, ModalScreen) or not event.is_printable:
            return
        event.stop()
        event.prevent_default()  # handled here: the key is the dialog's now, not one for the app's own bindings
        (self.focused or screen).post_message(events.Key(event.key, event.character))

    def _fatal_error(self) -> None:
        """Textual's exit on an unhandled exception, without the local variables of each frame in the traceback it
        prints: they hold what requesters wrote (names, addresses, search terms), and a DPO pastes a crash's
        traceback into a bug report."""
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(Segments(self.console.render(traceback, self.console.options)))
        self._close_messages_no_wait()

    def notify_error(self, exc: BaseException | str) -> None:
        """One plain line for the user (never markup: messages can quote requester text), never a traceback.
        A casework rule reads as its own sentence; any other error also names its type (tui/base.error_text)."""
        from dpo_tui.tui.base import error_text

        message = exc if isinstance(exc, str) else error_text(exc)
        self.notify(message, severity="error", markup=False, timeout=8)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The app's own workers (auto-refresh): a failure is shown once, not every two seconds."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            from dpo_tui.tui.base import error_text

            text = error_text(event.worker.error)
            if text != self._last_error:
                self._last_error = text
                self.notify_error(text)

    # ---- actions ---------------------------------------------------------------------------

    def action_help(self) -> None:
        from dpo_tui.tui.modals.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))
