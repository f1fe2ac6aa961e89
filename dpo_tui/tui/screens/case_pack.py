"""The case screen's response-pack keys (mixed into CaseScreen as PackActions, bound in CaseScreen.BINDINGS):

  A   attach a file (file picker) to the checklist item under the cursor (on the Checklist tab), else to the case.
  X   redact the attachment under the cursor (Attachments tab): tick the suggested values, get the redacted copy.
  p   build the pack into a folder; the passphrase is shown once.
  D   mark the pack delivered: channel, day, and a reason when the day is earlier than today.

Services are imported inside the actions so that opening the app never pays for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from dpo_tui.domain.dates import fmt
from dpo_tui.tui.text import literal

if TYPE_CHECKING:
    from dpo_tui.services.casework import Casework
    from dpo_tui.services.views import CaseDetail
    from dpo_tui.tui.app import DpoApp


BINDINGS: list[Binding] = [
    Binding("A", "attach", "Attach file", id="case.attach"),
    Binding("X", "redact", "Redact", id="case.redact"),
    Binding("p", "pack", "Build pack", id="case.pack"),
    Binding("D", "deliver", "Mark delivered", id="case.deliver"),
]


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


def render_attachments(screen: Any, d: CaseDetail) -> None:
    ol = screen.query_one("#attachments-list", OptionList)
    keep = ol.highlighted_option.id if ol.highlighted_option is not None else None
    ol.clear_options()
    ol.add_options([Option(attachment_line(a), id=str(a.id)) for a in d.attachments])
    ids = [str(a.id) for a in d.attachments]
    if ids:
        ol.highlighted = ids.index(keep) if keep in ids else 0
    sent = sum(1 for a in d.attachments if a.sent)
    head = f"{len(d.attachments)} attachment(s), {sent} to send" if d.attachments else "Nothing attached yet. A attaches a file."
    screen.query_one("#attachments-progress", Static).update(Text(head, style="bold"))
    render_attachment_detail(screen, d)


def render_attachment_detail(screen: Any, d: CaseDetail | None) -> None:
    t = Text()
    a = selected_attachment(screen, d)
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
    screen.query_one("#attachments-detail", Static).update(t)


def selected_attachment(screen: Any, d: CaseDetail | None) -> Any:
    if d is None:
        return None
    lists = screen.query("#attachments-list").results(OptionList)
    ol = next(lists, None)
    option = ol.highlighted_option if ol is not None else None
    return next((a for a in d.attachments if str(a.id) == option.id), None) if option is not None else None


class PackActions:
    """Mixed into CaseScreen: the response pack's key actions."""

    detail: CaseDetail | None
    selected_item_key: str | None
    app: DpoApp

    def _ready(self, *, open_only: bool = True) -> CaseDetail | None:
        d = self.detail
        if d is None:
            self.app.notify("The case is still loading.", markup=False)
            return None
        if open_only and not d.is_open:
            self.app.notify(f"{d.ref} is closed; reopen it to change its attachments.", severity="warning", markup=False)
            return None
        return d

    def action_attach(self) -> None:
        from dpo_tui.tui.modals.pack import AttachScreen

        me: Any = self
        d = self._ready()
        if d is None:
            return
        key = self.selected_item_key if me.active_tab == "checklist" else None
        item = next((i for i in d.checklist if i.key == key), None)
        ref, version = d.ref, d.version
        title = Text(f"Attach a file to {ref}", style="bold")
        if item is not None:
            title.append(" · item: ")
            title.append_text(literal(item.label))

        def save(w: Casework, path: Path) -> Any:
            from dpo_tui.services.attachments import attach

            return attach(w, ref, [path], item=item.key if item else None, version=version)

        def done(added: Any) -> None:
            if added:
                me.refresh_case()
                self.app.notify(f"Attached {added[0].name} (sha256 {added[0].sha256[:12]}…).", markup=False)

        self.app.push_screen(AttachScreen(title, save), done)

    def action_redact(self) -> None:
        from dpo_tui.services import attachments as att
        from dpo_tui.tui.modals.pack import RedactScreen

        me: Any = self
        d = self._ready()
        if d is None:
            return
        if me.active_tab != "attachments":
            me.action_show_tab("attachments")
            me.query_one("#attachments-list", OptionList).focus()
            self.app.notify("Pick an attachment, then press X again.", markup=False)
            return
        a = selected_attachment(me, d)
        if a is None:
            self.app.notify("No attachment selected.", markup=False)
            return
        ref, version, file_id = d.ref, d.version, a.id

        def save(w: Casework, chosen: Any) -> Any:
            return att.redact(w, ref, file_id, chosen, version=version)

        def done(copy: Any) -> None:
            if copy is not None:
                me.refresh_case()
                self.app.notify(f"Redacted copy {copy.name} made; the original will not be sent.", markup=False)

        def show(found: Any) -> None:
            self.app.push_screen(RedactScreen(a.name, found, save), done)

        me.call_in_thread(lambda w: att.suggestions(w, ref, file_id), show, group="case-service")

    def action_pack(self) -> None:
        from dpo_tui.tui.modals.pack import PassphraseScreen
        from dpo_tui.tui.modals.prompts import AskScreen

        me: Any = self
        d = self._ready(open_only=False)
        if d is None:
            return
        ref, version = d.ref, d.version

        def build(folder: str | None) -> None:
            if not folder or not folder.strip():
                return
            from dpo_tui.services.pack import build_pack

            def shown(result: Any) -> None:
                me.refresh_case()
                self.app.push_screen(PassphraseScreen(result.path, result.passphrase, result.manifest_sha256, result.files))

            me.call_in_thread(lambda w: build_pack(w, ref, Path(folder.strip()).expanduser(), version=version), shown,
                              group="case-service")  # fmt: skip

        self.app.push_screen(
            AskScreen(f"Build the response pack of {ref} into folder:", value=str(Path.cwd()),
                      hint=f"writes {ref}-response.zip (AES-256); the passphrase is shown once"),  # fmt: skip
            build,
        )

    def action_deliver(self) -> None:
        from dpo_tui.tui.modals.pack import DeliverScreen

        me: Any = self
        d = self._ready(open_only=False)
        if d is None:
            return
        if not d.packs:
            self.app.notify(f"{d.ref} has no pack yet: p builds it.", severity="warning", markup=False)
            return
        ref, version = d.ref, d.version

        def save(w: Casework, answer: dict[str, Any]) -> Any:
            from dpo_tui.services.pack import record_delivery

            return record_delivery(w, ref, channel=answer["channel"], on=answer["on"], reason=answer["reason"], version=version)

        def done(delivery: Any) -> None:
            if delivery is not None:
                me.refresh_case()
                self.app.notify(f"Delivered {delivery.delivered_on.isoformat()} by {delivery.channel}: the response date.", markup=False)

        title = Text(f"Mark the pack of {ref} delivered", style="bold")
        self.app.push_screen(DeliverScreen(title, self.app.today(), save), done)

