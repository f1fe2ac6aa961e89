"""The queue: the home screen a DPO lives in. Quick views, incremental search, sort, marks and bulk actions."""

from __future__ import annotations

import gc
import time
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from dpo_tui.domain.lifecycle import Status
from dpo_tui.store.queue import (
    BadFilter,
    CountInterrupted,
    QueueQuery,
    QueueRow,
    Sort,
    Summary,
    View,
)
from dpo_tui.tui.base import DpoScreen
from dpo_tui.tui.text import literal
from dpo_tui.tui.widgets.queue_summary import QueueSummary
from dpo_tui.tui.widgets.queue_table import PAGE, QueueTable
from dpo_tui.tui.widgets.key_bar import KeyBar

COUNT_DELAY_TICKS = 15  # x 10 ms: how long typing must pause before the exact match count is computed

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from textual.timer import Timer

    from dpo_tui.domain.checklist import OpenItems

VIEWS: tuple[View, ...] = (
    View.OPEN,
    View.OVERDUE,
    View.DUE_SOON,
    View.AWAITING,
    View.MINE,
    View.UNASSIGNED,
    View.CLOSED,
    View.ALL,
    View.FOLLOW_UPS,
)
SORTS: tuple[Sort, ...] = (Sort.DUE, Sort.RECEIVED, Sort.REF, Sort.UPDATED)
SEARCH_HINT = "search words and filters: right:erasure due:<2026-12-31 assignee:me channel:post — escape clears"


class QueueScreen(DpoScreen[None]):
    CSS_PATH = None  # its rules are in app.tcss, read before the first paint; the other rooms' are read when shown
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", id="queue.search", priority=True),  # see action_search
        Binding("n", "new_request", "New request", id="queue.new", priority=True),  # see action_new_request
        Binding("s", "cycle_sort", "Sort", id="queue.sort"),
        Binding("a", "assign", "Assign", id="queue.assign"),
        Binding("S", "set_status", "Set status", id="queue.status"),
        Binding("e", "export", "Export", id="queue.export"),
        Binding("d", "dashboard", "Dashboard", id="queue.dashboard"),
        Binding("R", "retention", "Retention", id="queue.retention"),
        Binding("i", "triage", "Intake triage", show=False, id="queue.triage"),  # the summary line shows "N to triage (i)"
        Binding("I", "fetch_mail", "Fetch mail (IMAP)", show=False, id="queue.fetch"),
        Binding("escape", "clear", "Clear search/marks", show=False, id="queue.clear"),
        Binding("ctrl+r", "reload", "Reload", show=False, id="queue.reload"),
        *(
            Binding(str(i), f"view('{v.value}')", v.label, show=False, id=f"queue.view.{v.value}")
            for i, v in enumerate(VIEWS, start=1)
        ),
    ]


    def __init__(self) -> None:
        super().__init__(id="queue")
        self.query_ = QueueQuery()
        self.summary: Summary | None = None
        self.any_cases: bool | None = None  # None: not read yet
        self.count_exact = True
        self._shown_empty = False
        self._shown_empty_text: Text | None = None
        self._shown_position: Text | None = None
        self._shown_views: Text | None = None
        self.filter_error = ""  # what is wrong with a filter typed in the search box ("" when nothing is)
        self._search: Input | None = None  # the search box, once `/` has shown it
        self._empty_box: Static | None = None  # the empty-result message, once a result was empty
        self._shown = False  # resumed once (first shown)
        self._held: AbstractContextManager[None] | None = None  # the screen update held for a query's rows
        self._hold_timer: Timer | None = None

    # ---- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        app = self.app
        self.query_ = QueueQuery(me=app.settings.me, today=app.today())  # the team directory's name for this login
        # Each widget here costs ~2 ms of the first paint (measured): the counts and the views are one widget, the
        # column headings are the table's first line, and the search box (#search, by the first `/`) and the
        # empty-result message (#empty, by the first empty result) are mounted when first needed.
        yield QueueSummary(id="summary")
        yield QueueTable(app.reader, app.today(), id="table", on_moved=self._moved)
        yield Static("", id="position")
        yield KeyBar()

    @property
    def table(self) -> QueueTable:
        return self.query_one(QueueTable)

    def on_mount(self) -> None:
        # The first page is read right here, before the first paint: 64 rows off the sort index. Counting every
        # row of the view comes after the paint (a COUNT over 100,000s of index entries at 1M cases).
        q = self.query_
        self.app.note_version()
        first = self.app.reader.page_at(q, 0, PAGE)
        self.count_exact = len(first) < PAGE
        self.table.load(q, len(first), first)
        self._show_views()
        self.table.focus()
        if not self.count_exact:
            self.call_after_refresh(self._count_later, q)
        self.call_after_refresh(self._load_summary)  # its own connection: never holds up a page
        self._freeze_checks = 0
        if not self.app.is_headless:  # tests: their processes run many apps; freezing would keep their garbage
            self._freeze_timer = self.set_interval(0.5, self._freeze_import_heap, name="gc-freeze")

    def _freeze_import_heap(self) -> None:
        """Move the objects of the imports (Textual and the queue's) out of the garbage collector's reach once the
        first page, the count and the summary are in. A full collection otherwise walks all of them every so many
        allocations: 300-400 ms pauses during typing and paging on the 2-core machine (p95 of keys 3-7x the bare
        app's). The ORM, imported on first need, is frozen the same way when it is built (`DpoApp.casework`)."""
        self._freeze_checks += 1
        busy = any(w.is_running for w in self.workers)
        if not busy or self._freeze_checks >= 40:
            gc.freeze()
            self._freeze_timer.stop()

    # ---- loading ---------------------------------------------------------------------------

    def reload(self, *, keep_cursor: bool = True) -> None:
        """Re-read the current query (after a change here, or in another window)."""
        current = self.table.current if keep_cursor else None
        self._fetch(self.query_, current.key if current else None)
        self._load_summary()

    def set_query(self, query: QueueQuery, *, keep_cursor: bool = False) -> None:
        current = self.table.current if keep_cursor else None
        if query != self.query_:
            self.app.reader.interrupt_counts()
        self._hold_update()
        self.query_ = query
        self._show_views()
        self._fetch(query, current.key if current else None)

    @work(thread=True, exclusive=True, group="queue-load", exit_on_error=False)
    def _fetch(self, query: QueueQuery, key: tuple | None) -> None:  # type: ignore[type-arg]
        worker = get_current_worker()
        # An interrupt meant for the previous keystroke's statement can land on this one (a PostgreSQL cancel
        # travels on a connection of its own): while this query is still the one shown, read it again.
        for _ in range(3):
            try:
                self._read(query, key)
                return
            except CountInterrupted:
                if worker.is_cancelled or query != self.query_:
                    return

    def _read(self, query: QueueQuery, key: tuple | None) -> None:  # type: ignore[type-arg]
        reader = self.app.reader
        worker = get_current_worker()
        if key is None:
            # Rows first: the first page walks the sort index and stops after 64 matches, which is fast for
            # anything common; counting every match (a full scan while searching) comes second. Both run on the
            # interruptible lane: the next keystroke stops them (set_query -> interrupt_counts).
            first, complete = reader.first_page(query, PAGE)
            if not complete and not worker.is_cancelled:
                # A one- or two-letter term: show the rows found in the scan's budget, then finish the page.
                self.app.call_from_thread(self._apply, query, len(first), first, 0, None, False, partial=True)
                first, complete = reader.first_page(query, PAGE, quick=False)
            if len(first) < PAGE:
                any_cases = reader.any_cases() if not first else None
                if not worker.is_cancelled:
                    self.app.call_from_thread(self._apply, query, len(first), first, 0, any_cases, True)
                return
            if worker.is_cancelled:
                return
            self.app.call_from_thread(self._apply, query, PAGE, first, 0, None, False)
            # The exact count is a scan: wait until typing pauses, so each keystroke does not start one.
            for _ in range(COUNT_DELAY_TICKS):
                if worker.is_cancelled:
                    return
                time.sleep(0.01)
            self._count(query)
            return
        count = reader.count(query)
        cursor = min(reader.index_of(query, key), count - 1) if count else 0
        first = reader.page_at(query, 0, PAGE) if cursor < PAGE else None
        any_cases = reader.any_cases() if count == 0 else None
        if not worker.is_cancelled:
            self.app.call_from_thread(self._apply, query, count, first, cursor, any_cases, True)

    def _count(self, query: QueueQuery) -> None:
        count = self.app.reader.count(query)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._set_count, query, count)

    @work(thread=True, exclusive=True, group="queue-load", exit_on_error=False)
    def _count_later(self, query: QueueQuery) -> None:
        """The first paint's exact count, after the paint (same group as _fetch: a new query cancels it)."""
        try:
            self._count(query)
        except CountInterrupted:
            return

    def _apply(
        self,
        query: QueueQuery,
        count: int,
        first: list[QueueRow] | None,
        cursor: int,
        any_cases: bool | None,
        exact: bool,
        *,
        partial: bool = False,  # more rows of this page follow at once: keep the update held for them
    ) -> None:
        if query != self.query_:
            return
        if any_cases is not None:
            self.any_cases = any_cases
        self.count_exact = exact
        self.table.load(query, count, first, cursor)
        if not partial:
            self._release_update()

    # A keystroke that changes the query (a letter typed, a view, a sort) would otherwise paint twice: the echo at
    # once, then the rows a few milliseconds later, at the screen's next update tick (Textual paints at most every
    # 1/60 s: up to 17 ms more). Holding the screen update until the rows arrive paints both in one frame as soon
    # as they do; the hold never lasts longer than one tick, so a slow query delays the echo by that at most.
    HOLD_S = 1 / 60

    def _hold_update(self) -> None:
        if self._held is not None or not self.is_current:
            return
        self._held = self.app.batch_update()
        self._held.__enter__()
        self._hold_timer = self.set_timer(self.HOLD_S, self._release_update, name="hold-update")

    def _release_update(self) -> None:
        held, self._held = self._held, None
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
        if held is not None:
            held.__exit__(None, None, None)

    def on_unmount(self) -> None:
        self._release_update()

    def _set_count(self, query: QueueQuery, count: int) -> None:
        if query != self.query_:
            return
        self.count_exact = True
        self.table.set_count(count)

    @work(thread=True, exclusive=True, group="queue-summary", exit_on_error=False)
    def _load_summary(self) -> None:
        summary = self.app.reader.summary(self.app.today())
        self.app.call_from_thread(self._show_summary, summary)

    def _show_summary(self, summary: Summary) -> None:
        self.summary = summary
        s = summary
        text = Text.assemble(
            # No settings file (or no [organisation]): say so before anything else, every time the queue is seen.
            *((" DEMO SETTINGS ", "bold black on yellow"), "  ") if self.app.settings.is_demo else (),
            (f"{s.open:,} open", "bold"),
            "  ·  ",
            (f"{s.overdue:,} overdue", "bold red" if s.overdue else ""),
            "  ·  ",
            (f"{s.due_this_week:,} due this week", "bold yellow" if s.due_this_week else ""),
            "  ·  ",
            f"{s.awaiting_requester:,} awaiting requester",
            *(("  ·  ", ("dpo-tui config init" if not self.app.settings.exists else "fill in [organisation]", "yellow"))
              if self.app.settings.is_demo else ()),
        )  # fmt: skip
        if s.to_triage:
            text.append("  ·  ")
            text.append(f"{s.to_triage:,} to triage (i)", style="bold magenta")
        self.query_one(QueueSummary).show(counts=text)

    def _show_views(self) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, v in enumerate(VIEWS, start=1):
            if i > 1:
                text.append("  ")
            label = "Awaiting" if v is View.AWAITING else "Follow-ups" if v is View.FOLLOW_UPS else v.label
            text.append(f"{i} {label}", style="reverse bold" if v is self.query_.view else "")
        if text != self._shown_views:
            self._shown_views = text
            self.query_one(QueueSummary).show(views=text)

    def _moved(self) -> None:
        """Update the position line (and the empty-result message). Called for every cursor move, so it changes
        only what differs: toggling classes or updating a Static with a layout pass repaints the whole screen."""
        table = self.table
        empty_now = table.count == 0
        if empty_now != self._shown_empty:
            self._shown_empty = empty_now
            self._empty().set_class(not empty_now, "hidden")
            table.set_class(empty_now, "hidden")
            # A hidden table loses the focus and nothing takes it back when rows return: j, arrows and space
            # would do nothing until Tab (issue 16). The search box keeps the focus while the user types in it.
            searching = self._search is not None and self._search.has_focus
            if not empty_now and not searching:
                table.focus()
            elif empty_now and not searching:
                self.set_focus(None)  # nothing else may take it (a focused hidden box would swallow `n`)
        if empty_now:
            text = self._empty_text()
            if text != self._shown_empty_text:
                self._shown_empty_text = text
                self._empty().update(text)
        pos = Text(no_wrap=True, overflow="ellipsis")
        if self.filter_error:
            pos.append("Filter not applied: ", style="bold red")
            pos.append_text(literal(self.filter_error, "red"))
            if pos != self._shown_position:
                self._shown_position = pos
                self.query_one("#position", Static).update(pos, layout=False)
            return
        if table.count:
            pos.append(f"{table.cursor + 1:,} of {table.count:,}{'' if self.count_exact else '+'}")
        elif not self.count_exact:
            pos.append("searching")
        else:
            pos.append("no cases")
        pos.append(f" in {self.query_.view.label}, by {self.query_.sort.label}")
        if self.query_.search:
            pos.append(" matching ")
            pos.append_text(literal(self.query_.search, "bold"))
        if table.marked:
            pos.append(f"  ·  {len(table.marked)} marked (a assign, S set status, escape unmarks)", style="bold")
        if pos != self._shown_position:
            self._shown_position = pos
            self.query_one("#position", Static).update(pos, layout=False)  # one line high: no relayout

    def _empty(self) -> Static:
        """The empty-result message, in the table's place (mounted by the first empty result)."""
        if self._empty_box is None:
            self._empty_box = Static("", id="empty", classes="hidden")
            self.mount(self._empty_box, after=self.table)
        return self._empty_box

    def _empty_text(self) -> Text:
        key_new = self._key_for("queue.new", "n")
        if self.query_.search and not self.count_exact:
            return Text.assemble("Searching for ", literal(self.query_.search, "bold"), "…")
        if self.query_.search:
            return Text.assemble("No case matches ", literal(self.query_.search, "bold"), ". Press escape to clear the search.")
        if self.any_cases is False or (self.any_cases is None and not self.app.reader.any_cases()):
            return Text.assemble(
                ("No cases yet.\n\n", "bold"),
                f"Press {key_new} to log a request, or run `dpo-tui demo` for sample cases.",
            )
        return Text(f"No cases in {self.query_.view.label}. Press 8 for all cases, or 1 for open ones.")

    def _key_for(self, binding_id: str, default: str) -> str:
        key = self.app.settings.keymap.get(binding_id, default)
        return self.app.get_key_display(Binding(key.split(",")[0], ""))

    # ---- actions ---------------------------------------------------------------------------

    def action_view(self, name: str) -> None:
        self.set_query(self.query_._replace(view=View(name), today=self.app.today()))

    def action_cycle_sort(self) -> None:
        nxt = SORTS[(SORTS.index(self.query_.sort) + 1) % len(SORTS)]
        # A new order starts at its top (newest first shows the newest case, not the row the cursor was on).
        self.set_query(self.query_._replace(sort=nxt))
        self.notify(f"Sorted by {nxt.label}", timeout=1.5)

    async def action_search(self) -> None:
        """Show the search box and focus it before any key typed after `/` is handled. The binding has priority:
        it runs in the app's own message loop, before the app hands the keys queued behind it (a fast typist's
        `/quinn` arrives in one read) to the focused widget; non-priority, it ran after they had all gone to the
        table, where `q` quit the app and other letters were lost."""
        if self._typing_in_search():
            raise SkipAction  # a "/" typed in the search box is part of the search
        box = self._search
        if box is None:
            box = self._search = Input(placeholder=SEARCH_HINT, id="search")
            await self.mount(box, before=self.table)
        box.remove_class("hidden")
        self.set_focus(box)  # at once: `box.focus()` would focus it only after the queued keys were handed out

    def _typing_in_search(self) -> bool:
        """The search box has the focus (asked of the screen: `has_focus` follows a message later)."""
        return self._search is not None and self.focused is self._search

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        query = self.query_._replace(search=event.value.strip())
        try:
            query.parsed  # noqa: B018 - a filter the queue cannot apply is said, not run (store/queue_filter.py)
        except BadFilter as exc:
            self.filter_error = str(exc)
            self._moved()
            return
        self.filter_error = ""
        self.set_query(query)

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            event.input.add_class("hidden")
        self.table.focus()

    def action_clear(self) -> None:
        box = self._search
        if box is not None and (box.has_focus or box.value):
            box.value = ""
            self.filter_error = ""
            box.add_class("hidden")
            self.table.focus()
            if self.query_.search:
                self.set_query(self.query_._replace(search=""))
        elif self.table.marked:
            self.table.clear_marks()

    def action_reload(self) -> None:
        self.reload()

    def action_new_request(self) -> None:
        """Priority, like `/`: the dialog opens before the keys typed right after `n` are handed out, so a name typed
        at once goes into it (DpoModal.on_key). It reads no row, so keys still queued for the table cannot change
        what it does. In the search box `n` is text."""
        if self._typing_in_search():
            raise SkipAction
        self.app.new_request()

    @on(QueueTable.Selected)
    def _open(self, event: QueueTable.Selected) -> None:
        self.app.open_case(event.row.ref)

    def on_screen_resume(self) -> None:
        """Back from a case or a dialog: show what changed meanwhile. (Not when first shown: `on_mount` noted
        the version its rows were read at.)"""
        if self._shown:
            self.app.check_for_changes()
        self._shown = True

    def _targets(self) -> list[QueueRow]:
        table = self.table
        if table.marked:
            return list(table.marked.values())
        row = table.current
        return [row] if row else []

    def action_export(self) -> None:
        """Export the marked cases (or the one under the cursor) as summaries."""
        from dpo_tui.tui.modals.export import ExportScreen

        rows = self._targets()
        if not rows:
            self.notify("No case to export: the queue is empty", severity="warning")
            return
        self.app.push_screen(ExportScreen([r.ref for r in rows]))

    def action_retention(self) -> None:
        from dpo_tui.tui.screens.retention import RetentionScreen

        self.app.push_screen(RetentionScreen())
    def action_triage(self) -> None:
        from dpo_tui.tui.screens.triage import TriageScreen

        self.app.push_screen(TriageScreen())

    def action_fetch_mail(self) -> None:
        """Open triage and fetch from the IMAP mailbox there (its progress and result show on that screen)."""
        from dpo_tui.tui.screens.triage import TriageScreen

        self.app.push_screen(TriageScreen(fetch=True))

    def action_dashboard(self) -> None:
        from dpo_tui.tui.screens.dashboard import DashboardScreen

        self.app.push_screen(DashboardScreen())

    def action_assign(self) -> None:
        rows = self._targets()
        if not rows:
            self.notify("No case to assign: the queue is empty", severity="warning")
            return
        what = f"{len(rows)} marked cases" if self.table.marked else rows[0].ref
        current = rows[0].assignee or "" if len(rows) == 1 else ""

        from dpo_tui.tui.modals.prompts import AskScreen, ConfirmScreen  # not before the first paint

        versions = {r.ref: r.version for r in rows}
        settings = self.app.settings
        names = [m.name for m in settings.team]

        def done(answer: str | None) -> None:
            if answer is None:
                return
            typed = " ".join(answer.split())
            member = settings.team_member(typed) if typed else None
            if member is not None or not typed or not names:
                self._assign(versions, member.name if member is not None else typed)
                return
            # Not in the team directory (a typo such as "Jordan Elis" would start a second, empty queue): ask.
            question = Text.assemble(
                (f"{typed!r}", "bold"), " is not in the team directory (", ", ".join(names[:4]),
                " ..." if len(names) > 4 else "", "). Assign anyway?",
            )
            self.app.push_screen(
                ConfirmScreen(question, "enter or y assigns as typed, escape or n cancels"),
                lambda yes: self._assign(versions, typed) if yes else self.notify("Not assigned.", markup=False),
            )

        self.app.push_screen(
            AskScreen(
                f"Assign {what} to", placeholder=settings.me, value=current, suggestions=names,
                hint="Names complete from the team directory (right arrow or enter takes the suggestion); "
                "an empty name unassigns; escape cancels",
            ),
            done,
        )

    @work(thread=True, group="queue-write")
    def _assign(self, versions: dict[str, int], who: str) -> None:
        try:
            n = self.app.casework.assign(who or None, versions=versions)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a traceback
            self.app.call_from_thread(self.app.notify_error, exc)
            return
        msg = f"Assigned {n} case{'s' if n != 1 else ''} to {who}" if who else f"Unassigned {n} case{'s' if n != 1 else ''}"
        self.app.call_from_thread(self._written, msg)

    def action_set_status(self) -> None:
        rows = self._targets()
        if not rows:
            self.notify("No case to change: the queue is empty", severity="warning")
            return
        from dpo_tui.tui.modals.prompts import ChooseScreen  # not before the first paint

        what = f"{len(rows)} marked cases" if self.table.marked else rows[0].ref
        options = [(s.value, s.label) for s in Status]

        def done(choice: str | None) -> None:
            if choice:
                self._set_status({r.ref: r.version for r in rows}, choice)

        self.app.push_screen(
            ChooseScreen(f"Move {what} to", options, hint="All or nothing: if one case cannot make the move, none is changed."),
            done,
        )

    @work(thread=True, group="queue-write")
    def _set_status(self, versions: dict[str, int], status: str, reason: str | None = None) -> None:
        from dpo_tui.domain.checklist import OpenItems  # not before the first paint

        try:
            n = self.app.casework.bulk_status(status, versions=versions, reason=reason)
        except OpenItems as exc:  # the same rule as the case screen's C: an override needs a reason
            self.app.call_from_thread(self._ask_override, versions, status, exc)
            return
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self.app.notify_error, exc)
            return
        self.app.call_from_thread(self._written, f"Moved {n} case{'s' if n != 1 else ''} to {Status(status).label}")

    def _ask_override(self, versions: dict[str, int], status: str, exc: OpenItems) -> None:
        from dpo_tui.tui.modals.prompts import AskScreen

        shown = ", ".join(label for _, label in exc.items[:3]) + (" ..." if len(exc.items) > 3 else "")
        title = f"{exc.ref} has {len(exc.items)} open checklist item(s) ({shown}). Override reason"

        def done(answer: str | None) -> None:
            if answer and answer.strip():
                self._set_status(versions, status, answer.strip())
            elif answer is not None:
                self.notify("Not moved: completing with open items needs a reason.", severity="warning", markup=False)

        self.app.push_screen(
            AskScreen(title, hint="Enter completes, recording the reason and the open items in the audit trail; escape cancels."),
            done,
        )

    def _written(self, message: str) -> None:
        self.notify(message, markup=False)
        self.table.marked.clear()
        self.app.check_for_changes(force=True)
