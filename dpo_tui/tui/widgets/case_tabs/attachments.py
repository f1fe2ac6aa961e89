"""The Attachments tab ("7 Files"): the files on the case, and for the one under the cursor its hash and origin;
then the redaction log, the packs built and their deliveries (issue 18; its keys are in screens/case_pack.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from dpo_tui.domain.dates import fmt
from dpo_tui.tui.text import literal
from dpo_tui.tui.widgets.case_tabs import CaseTab, LoadedCase

if TYPE_CHECKING:
    from dpo_tui.services.views import CaseDetail


def _size(n: int) -> str:
    return f"{n} B" if n < 1024 else f"{n / 1024:.1f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def attachment_line(a: Any) -> Text:
    t = Text(f"#{a.id} ", style="dim")
    t.append_text(literal(a.name))
    t.append(f"  {_size(a.size)}", style="dim")
    if a.kind == "received_message":
        t.append("  received", style="dim")
    elif a.withheld:
        t.append("  withheld", style="bold red")
    elif a.kind == "redacted":
        t.append(f"  redacted copy of #{a.original_id}", style="green")
    elif a.copy_id:
        t.append("  original (not sent)", style="yellow")
    return t


class AttachmentsTab(CaseTab):
    _detail: CaseDetail | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="attachments-progress")
        yield OptionList(id="attachments-list")
        with VerticalScroll(id="attachments-scroll"):
            yield Static("", id="attachments-detail")

    @property
    def selected(self) -> Any:
        """The attachment under the cursor (services.views' attachment view), or None."""
        option = self.query_one("#attachments-list", OptionList).highlighted_option
        d = self._detail
        if d is None or option is None:
            return None
        return next((a for a in d.attachments if str(a.id) == option.id), None)

    def show(self, case: LoadedCase) -> None:
        d = self._detail = case.detail
        ol = self.query_one("#attachments-list", OptionList)
        keep = ol.highlighted_option.id if ol.highlighted_option is not None else None
        ol.clear_options()
        ol.add_options([Option(attachment_line(a), id=str(a.id)) for a in d.attachments])
        ids = [str(a.id) for a in d.attachments]
        if ids:
            ol.highlighted = ids.index(keep) if keep in ids else 0
        sent = sum(1 for a in d.attachments if a.sent)
        head = f"{len(d.attachments)} attachment(s), {sent} to send" if d.attachments else "Nothing attached yet. A attaches a file."
        self.query_one("#attachments-progress", Static).update(Text(head, style="bold"))
        self._show_selected()

    @on(OptionList.OptionHighlighted, "#attachments-list")
    def _show_selected(self) -> None:
        d = self._detail
        t = Text()
        a = self.selected
        if a is not None:
            t.append("SHA-256 ", style="bold")
            t.append(a.sha256)
            if a.item_label:
                t.append("\nFound by ", style="bold")
                t.append_text(literal(a.item_label))
            t.append(f"\nAdded {fmt(a.created_at.date())} by ")
            t.append_text(literal(a.created_by))
            t.append("\n")
        if d is not None and d.redactions:
            t.append("\nRedaction log\n", style="bold underline")
            for r in d.redactions:
                t.append_text(literal(f"{r.file_name}: {r.action}: {r.what}; {r.reason_text}; {r.by}, {r.at.date().isoformat()}"))
                t.append("\n")
        if d is not None and d.packs:
            t.append("\nPacks\n", style="bold underline")
            for p in d.packs:
                t.append_text(literal(f"#{p.id} {p.file_name}: {p.files} files, built {fmt(p.built_at.date())}; manifest {p.manifest_sha256[:16]}…"))
                t.append("\n")
        if d is not None and d.deliveries:
            t.append("\nDelivered\n", style="bold underline")
            for dv in d.deliveries:
                t.append_text(literal(f"{fmt(dv.delivered_on)} by {dv.channel}: {dv.what}" + (f" ({dv.reason})" if dv.reason else "")))
                t.append("\n")
        self.query_one("#attachments-detail", Static).update(t)
