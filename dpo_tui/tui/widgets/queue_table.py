"""The queue's virtual list: paints only the rows in view, fetched a page at a time from the QueueReader.

Textual's DataTable measures every cell of every row (20 s to first paint 100k rows); this widget's cost does
not grow with the number of cases. It keeps its own first visible row (`top`); `render_line(y)` asks a small page
cache for row `top + y`; a missing page is read by keyset from a neighbouring cached page (or by OFFSET when the
cursor jumps), which on an indexed sort is well under a millisecond on SQLite.

It is a plain Widget, not a ScrollView: scrolling a ScrollView repainted every widget on the screen (summary, views,
headings, position line, key bar: 7 renders per page-down, measured); moving `top` repaints the table alone.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, ClassVar, NamedTuple, cast

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import work
from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.events import MouseScrollDown, MouseScrollUp
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.worker import get_current_worker

from dpo_tui.domain.clock_state import ClockState
from dpo_tui.domain.dates import relative_days
from dpo_tui.domain.lifecycle import Status, waited_too_long
from dpo_tui.domain.rights import Right
from dpo_tui.store.queue import PAGE, QueueQuery, QueueRow
from dpo_tui.tui.base import error_text
from dpo_tui.tui.text import clean

if TYPE_CHECKING:
    from textual.timer import Timer

    from dpo_tui.store.queue import QueueReader
    from dpo_tui.tui.app import DpoApp

CACHE_PAGES = 12
AFTER_FRAME_S = 0.003  # the read ahead waits this long for the frame before it to be written (see _read_ahead)
RETRY_S = 2.0  # a page that could not be read is tried again after this (the auto-refresh's period)
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_date(d: date | None, today: date) -> str:
    """`Mon 2 Nov` within the current year, `12 Nov '25` otherwise: at most 10 cells, the due column's width, so
    the year of an earlier (or later) year's date is never cut off (the full form is on the case screen)."""
    if d is None:
        return "—"
    if d.year == today.year:
        return f"{_WEEKDAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]}"
    return f"{d.day} {_MONTHS[d.month - 1]} '{d.year % 100:02d}"


def received_date(d: date, today: date) -> str:
    """`27 Sep` within the current year, `Sep 2025` before (the exact date is on the case screen)."""
    if d.year == today.year:
        return f"{d.day} {_MONTHS[d.month - 1]}"
    return f"{_MONTHS[d.month - 1]} {d.year}"


def rights_tags(rights: tuple[str, ...]) -> str:
    tags = []
    for r in rights:
        try:
            tags.append(Right(r).short)
        except ValueError:
            tags.append(r[:3].upper())
    return " ".join(tags)


def flag_days(policy: object | None) -> dict[Status, int]:
    """How long each kind of wait on the requester may last before the queue flags it (the settings' policy):
    no response to an ID request, a fee still unpaid, a clarification question unanswered."""
    if policy is None:
        return {}
    return {
        Status.AWAITING_ID: getattr(policy, "id_no_response_days"),
        Status.AWAITING_FEE: getattr(policy, "fee_unpaid_days"),
        Status.AWAITING_CLARIFICATION: getattr(policy, "clarification_no_response_days"),
    }


def status_text(row: QueueRow, today: date, flags: Mapping[Status, int] | None = None) -> str:
    """`awaiting ID since Mon 2 Nov`; flagged `⚑ awaiting ID since 2 Oct` once it has waited longer than the
    policy allows for that wait (`flags`): the DPO may then close it as no response."""
    try:
        st = Status(row.status)
        label = st.label
    except ValueError:
        return row.status
    if st.awaits_requester:
        since = row.status_since.date()
        limit = (flags or {}).get(st)
        if limit is not None and waited_too_long(since, today, limit):
            year = f" {since.year}" if since.year != today.year else ""
            return f"⚑ {label} since {since.day} {_MONTHS[since.month - 1]}{year}"
        return f"{label} since {short_date(since, today)}"
    if row.extended and st.is_open:
        return f"{label} (extended)"
    return label


def days_text(row: QueueRow, today: date) -> str:
    n = row.days_left(today)
    if n is None:
        if row.is_open and row.clock_state.paused:
            return "clock stopped" if row.clock_state is ClockState.STOPPED else "not started"
        return ""
    if row.clock_state == "stopped":  # frozen while it waits: what the case header says, not a countdown
        return f"{n} day{'s' * (abs(n) != 1)}, stopped"
    return relative_days(n)


_Key = tuple[object, int] | None  # a keyset anchor: the sort key and id of the row before or after a page


def collect_between_keys() -> None:
    """Run the garbage collection that is due, now that a frame is written, rather than inside the next key.
    Every line Textual paints across the full width ends in a reference cycle (its compositor caches a strip in
    its own cache), so a page-down leaves ~700 objects for the collector: left to itself, it collected them in
    1.5-2 ms pauses inside every fifth key (traced in a pseudo-terminal), and by its thresholds a full collection
    (2-4 ms) inside about every fiftieth. This collects a generation only when a collection of it is near (the
    margin: a key's one or two young collections)."""
    counts, limits = gc.get_count(), gc.get_threshold()
    if counts[1] + 3 >= limits[1]:
        gc.collect(2 if counts[2] + 1 >= limits[2] else 1)


class Column(NamedTuple):  # a NamedTuple, cheap to define before the first paint (see store.queue.QueueRow)
    key: str
    header: str
    width: int
    priority: int  # lower = kept longer when the terminal is narrow
    flex: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("ref", "Reference", 14, 0),
    Column("name", "Requester", 12, 0, flex=True),
    Column("rights", "Rights", 7, 4),
    Column("received", "Received", 8, 6),
    Column("due", "Due", 10, 1),  # "Tue 22 Dec", "12 Nov '25"
    Column("days", "Days left", 16, 1),  # "285 days overdue"
    Column("status", "Status", 20, 2),
    Column("regime", "Regime", 6, 7),  # "UK", "EU", "CCPA": the law the case is answered under (from 128 cells)
    Column("assignee", "Assignee", 8, 5),
    Column("checklist", "Tasks", 5, 3),
)
HEADINGS = {c.key: c.header for c in COLUMNS}
MARK_WIDTH = 2
GAP = 1
HEADER_LINES = 1  # the table's first line: the column headings
STATUS_EXTRA = 8  # the status column's 20 cells plus this fit "awaiting ID since Mon 2 Nov"


REF_WIDTH = 14  # "DSAR-2026-0001"; wider once a year passes 9,999 cases (QueueTable.ref_width)


def layout(width: int, ref_width: int = REF_WIDTH) -> list[tuple[Column, int]]:
    """The columns that fit `width`, in display order, with their widths (the requester takes what is left).
    `ref_width`: the widest reference to show, so none is cut."""
    chosen = set()
    used = MARK_WIDTH
    widths = {col.key: ref_width if col.key == "ref" else col.width for col in COLUMNS}
    for col in sorted(COLUMNS, key=lambda c: c.priority):
        need = widths[col.key] + GAP
        # The optional columns (priority 4 on) come after the status's room for "awaiting ID since Mon 2 Nov".
        reserve = STATUS_EXTRA if col.priority >= 4 else 0
        if used + need + reserve <= width:
            chosen.add(col.key)
            used += need
    spare = max(0, width - used)
    name_extra = min(spare, 1)  # 13 cells for a first and last name of usual length ("Olive Overdue") first
    spare -= name_extra
    status_extra = min(spare, STATUS_EXTRA) if "status" in chosen else 0  # room for "awaiting ID since Mon 2 Nov"
    spare -= status_extra
    out = []
    for col in COLUMNS:
        if col.key in chosen:
            w = widths[col.key]
            if col.flex:
                w += name_extra + spare
            elif col.key == "status":
                w += status_extra
            out.append((col, w))
    return out


def cells(row: QueueRow, today: date, flags: Mapping[Status, int] | None = None) -> dict[str, str]:
    return {
        "ref": row.ref,
        "name": clean(row.name).replace("\n", " ").replace("\t", " "),
        "rights": "CMPLNT" if row.kind == "complaint" else rights_tags(row.rights),  # a complaint to us (s.164A)
        "received": received_date(row.received, today),
        "due": short_date(row.due, today) if row.is_open or row.due else "—",
        "days": days_text(row, today),
        "status": status_text(row, today, flags),
        "assignee": clean(row.assignee or "—").replace("\n", " "),
        "checklist": f"{row.checklist_done}/{row.checklist_total}" if row.checklist_total else "",
        "regime": regime_tag(row.regime),
    }


def regime_tag(key: str) -> str:
    """`uk-gdpr` -> `UK`, `eu-gdpr` -> `EU`, `ccpa` -> `CCPA`; an organisation's own regime key as written."""
    return key.removesuffix("-gdpr").upper()


def row_kind(row: QueueRow, today: date) -> str:
    """overdue | soon | dim | normal | closed: the colour class of a row."""
    if not row.is_open:
        return "closed"
    if row.clock_state.paused:
        return "dim"
    n = row.days_left(today)
    if n is not None and n < 0:
        return "overdue"
    if n is not None and n <= 7:
        return "soon"
    return "normal"


# The mark column: "●" when marked, then one signal. A chaser outranks unread mail, which outranks a follow-up.
SIGNAL_CHASER = "!"  # an unread message chases a case that is overdue
SIGNAL_UNREAD = "✉"  # messages joined the case through intake and are not read yet
SIGNAL_FOLLOW_UP = "↻"  # a follow-up the DPO set has come due


def row_signal(row: QueueRow, today: date) -> str:
    if row.chaser:
        return SIGNAL_CHASER
    if row.unread:
        return SIGNAL_UNREAD
    if row.follow_up_due(today):
        return SIGNAL_FOLLOW_UP
    return ""


def row_mark(row: QueueRow, today: date, marked: bool) -> str:
    signal = row_signal(row, today)
    return ("●" if marked else " ") + signal if signal else ("●" if marked else "")


def _fit(value: str, width: int, words: bool = False) -> str:
    """`value` in exactly `width` terminal cells (wide characters counted), with an ellipsis when cut; `words`: cut
    at a word when one ends in the second half ("Jordan…", not "Jordan E…": no half-names). Printable ASCII (nearly
    every cell) is one cell a character: plain slicing, which Rich's measuring costs 10x."""
    if value.isascii() and value.isprintable():
        if width <= 0:
            return ""
        if len(value) <= width:
            return value.ljust(width)
        if not words:
            return value[: width - 1] + "…"
    return _fit_cells(value, width, words)


def _fit_cells(value: str, width: int, words: bool = False) -> str:
    if cell_len(value) > width:
        cut = set_cell_size(value, max(width - 1, 0))
        space = cut.rfind(" ") if words else -1
        value = (cut[:space].rstrip() if space >= width // 2 else cut) + "…"
    return set_cell_size(value, width)


_WORDS = frozenset({"name", "assignee"})  # people's names: cut at a word


def render_cells(values: dict[str, str], cols: list[tuple[Column, int]], width: int, mark: str = "") -> str:
    """One queue line as plain text (string work, not Rich Text: it runs for every visible row on every paint)."""
    gap = " " * GAP
    line = _fit(mark, MARK_WIDTH) + "".join(_fit(values.get(col.key, ""), w, col.key in _WORDS) + gap for col, w in cols)
    cells_used = MARK_WIDTH + sum(w + GAP for _, w in cols)  # each cell was fitted to exactly its width
    if cells_used <= width:
        return line + " " * (width - cells_used)
    return _fit(line, width)


class QueueTable(Widget, can_focus=True):
    """A cursor over `count` rows of a QueueQuery; the rows themselves live in the database. Its first line is the
    column headings, laid out with the rows (one widget, not two: each widget on the queue costs ~2 ms of the
    first paint, measured)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "queue-table--header",
        "queue-table--cursor",
        "queue-table--overdue",
        "queue-table--soon",
        "queue-table--dim",
        "queue-table--closed",
        "queue-table--marked",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False, id="queue.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="queue.up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="queue.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="queue.page_up"),
        Binding("home,g", "first", "First case", show=False, id="queue.first"),
        Binding("end,G", "last", "Last case", show=False, id="queue.last"),
        Binding("enter", "select", "Open case", id="queue.open"),
        Binding("space", "toggle_mark", "Mark", id="queue.mark"),
    ]

    class Selected(Message):
        def __init__(self, row: QueueRow) -> None:
            super().__init__()
            self.row = row

    class Moved(Message):
        """The cursor moved or the rows changed (the screen updates its position line)."""

    def __init__(
        self, reader: QueueReader, today: date, *, id: str | None = None, on_moved: Callable[[], None] | None = None
    ) -> None:
        super().__init__(id=id)
        self.on_moved = on_moved
        self.reader = reader
        self.today = today
        self.query_: QueueQuery = QueueQuery(today=today)
        self.count = 0
        self.cursor = 0
        self.marked: dict[str, QueueRow] = {}
        self._pages: OrderedDict[int, list[QueueRow]] = OrderedDict()
        self.top = 0  # the first row in view
        self._generation = 0  # bumped whenever the cached pages are dropped: a read ahead from before is stale
        self._layout_width = -1
        self._unreadable: set[int] = set()  # pages whose read failed: blank until RETRY_S has passed
        self._read_error_shown = False
        self._retry_timer: Timer | None = None
        self._ref_width_read = False
        self.ref_width = REF_WIDTH  # widened by load() to the longest reference issued, and by render_line if need be
        self._cols: list[tuple[Column, int]] = []
        # Rendered text (only the style changes on moves), one segment a line: Textual is given its width and
        # measures nothing of a line as wide as the screen; a line cut in pieces wrote each piece's colours again
        # (9.1 KB a page-down instead of 7.1) and left more objects for the collector.
        # Pages read ahead are rendered when they arrive (idle time), so a page-down only styles and paints them.
        self._lines: OrderedDict[tuple[QueueRow, int, bool], str] = OrderedDict()
        self._styles: dict[tuple[str, bool, bool], Style] = {}  # per paint: (row kind, marked, cursor) -> style

    def _announce_move(self) -> None:
        """Tell the screen the cursor or the rows changed. A direct call when the screen gave one, so the position
        line is repainted in the same screen update as the rows (a message arrives a frame later: two repaints
        per key); otherwise a Moved message."""
        if self.on_moved is not None:
            self.on_moved()
        else:
            self.post_message(self.Moved())

    # ---- data ------------------------------------------------------------------------------

    def load(self, query: QueueQuery, count: int, first: list[QueueRow] | None = None, cursor: int = 0) -> None:
        """Show a new result set (read by the caller, usually in a worker thread)."""
        self.query_ = query
        if (query.today or self.today) != self.today:
            self._lines.clear()  # days left and "today"/"tomorrow" dates are rendered text: a new day renders anew
        self.today = query.today or self.today
        self.count = count
        self._pages.clear()
        self._unreadable.clear()
        self._generation += 1
        if not self._ref_width_read:
            self._ref_width_read = True
            self._widen_ref(self.reader.ref_width())
        if first is not None and cursor < PAGE:
            self._pages[0] = first
        self._set_rows(count)
        self.cursor = max(0, min(cursor, count - 1))
        self._scroll_cursor_visible(center=True)
        self.refresh()
        self._announce_move()
        self.call_after_refresh(self._prefetch)

    def set_count(self, count: int) -> None:
        """The exact number of rows arrived after the first page: grow the scroll range, keep everything else."""
        self.count = count
        self._set_rows(count)
        self.cursor = max(0, min(self.cursor, count - 1))
        self.refresh()
        self._announce_move()
        self.call_after_refresh(self._prefetch)  # pages past the first exist now: read the next page-down's

    def _set_rows(self, count: int) -> None:
        """Keep the first visible row within the new number of rows."""
        self._set_top(self.top)

    @property
    def rows_height(self) -> int:
        """The lines rows are shown on (below the headings)."""
        return max(1, self.size.height - HEADER_LINES)

    def _set_top(self, top: int) -> None:
        top = max(0, min(top, self.count - self.rows_height))
        if top != self.top:
            self.top = top
            self._refresh_rows()
            self.call_after_refresh(self._prefetch)  # after the paint has read the pages it shows

    def _refresh_rows(self) -> None:
        """Repaint the rows, not the headings above them (which a scroll leaves as they are)."""
        self.refresh(Region(0, HEADER_LINES, self.size.width, self.rows_height))

    def invalidate(self) -> None:
        self._pages.clear()
        self._unreadable.clear()
        self._generation += 1
        self.refresh()

    def _page(self, n: int) -> list[QueueRow]:
        page = self._pages.get(n)
        if page is not None:
            self._pages.move_to_end(n)
            return page
        if n in self._unreadable:
            return []
        try:
            page = self._read_page(self.query_, n, *self._neighbours(n))
        except Exception as exc:  # noqa: BLE001 - read while painting: blank rows and one message, never a crash
            self._read_failed(n, exc)
            return []
        self._read_error_shown = False
        self._keep_page(n, page)
        return page

    def _read_failed(self, n: int, exc: Exception) -> None:
        """A page read on demand (a page not read ahead, e.g. after another window's change) failed: the database
        server is down or the file went away. Its rows stay blank, the user is told once, and it is read again
        every RETRY_S until it can be."""
        self._unreadable.add(n)
        if not self._read_error_shown:
            self._read_error_shown = True
            cast("DpoApp", self.app).notify_error(f"The queue could not read its cases ({error_text(exc)}); trying again.")
        if self._retry_timer is None:
            self._retry_timer = self.set_timer(RETRY_S, self._read_again, name="queue-read-again")

    def _read_again(self) -> None:
        self._retry_timer = None
        self._unreadable.clear()
        self.refresh()

    def _neighbours(self, n: int) -> tuple[_Key, _Key]:
        """Keyset anchors for page `n` from the cached pages around it: the last key before, the first after."""
        before = self._pages.get(n - 1)
        after = self._pages.get(n + 1)
        return (before[-1].key if before and len(before) == PAGE else None), (after[0].key if after else None)

    def _read_page(
        self, q: QueueQuery, n: int, key_before: _Key, key_after: _Key
    ) -> list[QueueRow]:
        if key_before is not None:
            return self.reader.page_after(q, key_before, PAGE)
        if key_after is not None:
            return self.reader.page_before(q, key_after, PAGE)
        return self.reader.page_at(q, n * PAGE, PAGE)

    def _keep_page(self, n: int, page: list[QueueRow]) -> None:
        self._pages[n] = page
        while len(self._pages) > CACHE_PAGES:
            self._pages.popitem(last=False)

    def _prefetch(self) -> None:
        """After a frame, make the next page-down or page-up cheap: read the pages it will show off the UI thread
        (a page read is 3-5 ms at 100,000 cases: on the UI thread, half a page-down), and render the lines of those
        read but not rendered yet (the rest of the first page). Only the worker starts here (see `_read_ahead`)."""
        top, height = self.top, self.rows_height
        wanted = sorted({(top + height) // PAGE, min(self.count - 1, top + 2 * height) // PAGE, max(0, top - height) // PAGE})
        jobs = [(n, *self._neighbours(n)) for n in wanted if n not in self._pages and n * PAGE < self.count]
        unrendered = [n for n in wanted if n in self._pages and not self._rendered(self._pages[n])]
        if jobs or unrendered:
            self._read_ahead(self.query_, self._generation, jobs, unrendered)
        asyncio.get_running_loop().call_later(AFTER_FRAME_S, collect_between_keys)

    def _rendered(self, page: list[QueueRow]) -> bool:
        width = self._layout_width
        return width != self.row_width or all((row, width, row.ref in self.marked) in self._lines for row in page)

    @work(thread=True, group="queue-prefetch", exclusive=True, exit_on_error=False)
    def _read_ahead(self, query: QueueQuery, generation: int, jobs: list[tuple[int, _Key, _Key]], unrendered: list[int]) -> None:
        # The frame before this is still being written by Textual's writer thread, which needs the GIL to write it:
        # work here or on the UI thread right after a frame delayed its write by up to 1.3 ms (measured). Wait it out.
        time.sleep(AFTER_FRAME_S)
        worker = get_current_worker()
        for n in unrendered:
            if worker.is_cancelled:
                return
            self.app.call_from_thread(self._arrived, generation, n, None)
        # A failed read ahead is only a missed shortcut: the page is read again, on demand, where an error shows.
        for n, before, after in jobs:
            page = self._read_page(query, n, before, after)
            if worker.is_cancelled:
                return
            self.app.call_from_thread(self._arrived, generation, n, page)

    def _arrived(self, generation: int, n: int, page: list[QueueRow] | None) -> None:
        """Keep a page read ahead (None: one already kept) and render its lines for the next paint."""
        if generation != self._generation:
            return
        if page is not None:
            if n in self._pages:
                return
            self._keep_page(n, page)
        if self._layout_width == self.row_width > 0:
            for row in self._pages.get(n, ()):
                self._text_of(row, self._layout_width, row.ref in self.marked)

    def row_at(self, index: int) -> QueueRow | None:
        if not 0 <= index < self.count:
            return None
        page = self._page(index // PAGE)
        i = index % PAGE
        return page[i] if i < len(page) else None

    @property
    def current(self) -> QueueRow | None:
        return self.row_at(self.cursor)

    def visible_rows(self) -> list[QueueRow]:
        top = self.top
        rows = (self.row_at(i) for i in range(top, min(self.count, top + self.rows_height)))
        return [r for r in rows if r is not None]

    # ---- painting --------------------------------------------------------------------------

    @property
    def row_width(self) -> int:
        """The cells a row can use."""
        return self.content_region.width

    def render_lines(self, crop: Region) -> list[Strip]:
        self._styles.clear()  # styles are read once per paint, not per line (Textual computes them afresh each time)
        if not self._plain_box():
            return super().render_lines(crop)
        # Textual's per-line styling (padding, borders, outline, hatch, tint, opacity) has nothing to do on this
        # box, yet was almost half of painting it: a full 140x45 table 0.77 ms with it, 0.43 ms without (measured).
        # Its rows are full-width strips already; only the app's line filters (NO_COLOR's monochrome, dimming) and
        # the crop remain.
        filters = self.get_line_filters()
        background = self.background_colors[1]
        strips = []
        for y in crop.line_range:
            strip = self.render_line(y)
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, background)
            strips.append(strip)
        x1, x2 = crop.column_span
        if (x1, x2) != (0, self.size.width):
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips

    def _plain_box(self) -> bool:
        """No padding, border, outline, hatch, tint or opacity: a line is exactly what render_line paints."""
        styles = self.styles
        return (
            not styles.gutter
            and not any(edge for edge, _ in styles.outline)
            and styles.hatch in (None, "none")
            and not styles.tint.a
            and styles.text_opacity == 1.0
            and self.opacity == 1.0
        )

    def _style(self, kind: str, marked: bool, cursor: bool) -> Style:
        key = (kind, marked, cursor)
        style = self._styles.get(key)
        if style is None:
            style = self.rich_style
            if kind != "normal":
                style = style + self.get_component_rich_style(f"queue-table--{kind}")
            if marked:
                style = style + self.get_component_rich_style("queue-table--marked")
            if cursor:
                style = style + self.get_component_rich_style("queue-table--cursor")
            self._styles[key] = style
        return style

    def render_line(self, y: int) -> Strip:
        width = self.row_width
        if width != self._layout_width:
            self._cols = layout(width, self.ref_width)
            self._layout_width = width
        if y < HEADER_LINES:
            return self._header(width)
        index = self.top + y - HEADER_LINES
        row = self.row_at(index)
        if row is None:
            return Strip.blank(width, self._style("normal", False, False))
        if len(row.ref) > self.ref_width:  # a reference longer than any counted (e.g. imported): widen, repaint
            self._widen_ref(len(row.ref))
            self._cols = layout(width, self.ref_width)
        marked = row.ref in self.marked
        style = self._style(row_kind(row, self.today), marked, index == self.cursor)
        return Strip([Segment(self._text_of(row, width, marked), style)], width)

    def _header(self, width: int) -> Strip:
        """The column headings, laid out exactly like the rows below."""
        style = self.rich_style + self.get_component_rich_style("queue-table--header")
        return Strip([Segment(render_cells(HEADINGS, self._cols, width), style)], width)

    def _text_of(self, row: QueueRow, width: int, marked: bool) -> str:
        """The row's line (see `_lines`), rendered once for its width and mark."""
        key = (row, width, marked)
        text = self._lines.get(key)
        if text is not None:
            self._lines.move_to_end(key)  # least recently shown goes first: rows on screen stay rendered
        else:
            text = self._lines[key] = render_cells(
                cells(row, self.today, self._flags()), self._cols, width, row_mark(row, self.today, marked)
            )
            while len(self._lines) > CACHE_PAGES * PAGE:
                self._lines.popitem(last=False)
        return text

    def _widen_ref(self, width: int) -> None:
        if width <= self.ref_width:
            return
        self.ref_width = width
        self._layout_width = -1
        self._lines.clear()
        if self.is_attached:
            self.refresh()

    def _flags(self) -> dict[Status, int]:
        """The policy's limits on waiting for the requester (empty when the app has no settings)."""
        return flag_days(cast("DpoApp", self.app).settings.policy)

    # ---- cursor ----------------------------------------------------------------------------

    def move_to(self, index: int) -> None:
        if self.count == 0:
            return
        index = max(0, min(index, self.count - 1))
        if index == self.cursor:
            return
        old = self.cursor
        self.cursor = index
        self._refresh_index(old)
        self._refresh_index(index)
        self._scroll_cursor_visible()
        self._announce_move()

    def _refresh_index(self, index: int) -> None:
        y = index - self.top
        if 0 <= y < self.rows_height:
            self.refresh(Region(0, HEADER_LINES + y, self.size.width, 1))

    def _scroll_cursor_visible(self, center: bool = False) -> None:
        height = self.rows_height
        top = self.top
        if center and not (top <= self.cursor < top + height):
            self._set_top(self.cursor - height // 2)
        elif self.cursor < top:
            self._set_top(self.cursor)
        elif self.cursor >= top + height:
            self._set_top(self.cursor - height + 1)

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_page_down(self) -> None:
        step = max(1, self.rows_height - 1)
        self._set_top(self.top + step)
        self.move_to(self.cursor + step)
        self._refresh_rows()

    def action_page_up(self) -> None:
        step = max(1, self.rows_height - 1)
        self._set_top(self.top - step)
        self.move_to(self.cursor - step)
        self._refresh_rows()

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(self.count - 1)

    def action_select(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Selected(row))

    def action_toggle_mark(self) -> None:
        row = self.current
        if row is None:
            return
        if row.ref in self.marked:
            del self.marked[row.ref]
        else:
            self.marked[row.ref] = row
        self._refresh_index(self.cursor)
        self.move_to(self.cursor + 1)
        self._announce_move()

    def clear_marks(self) -> None:
        self.marked.clear()
        self.refresh()
        self._announce_move()

    def on_resize(self) -> None:
        self._set_top(self.top)
        self._scroll_cursor_visible()

    def on_mouse_scroll_down(self, event: MouseScrollDown) -> None:
        self._set_top(self.top + 3)  # the view moves, the cursor stays (as a scrolled list does)
        event.stop()

    def on_mouse_scroll_up(self, event: MouseScrollUp) -> None:
        self._set_top(self.top - 3)
        event.stop()

    def on_click(self, event) -> None:  # type: ignore[no-untyped-def]
        index = self.top + event.y - HEADER_LINES
        if event.y >= HEADER_LINES and 0 <= index < self.count:
            if index == self.cursor and event.chain == 2:
                self.action_select()
            else:
                self.move_to(index)
