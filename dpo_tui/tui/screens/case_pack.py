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
from textual.widgets import OptionList

from dpo_tui.tui.text import literal
from dpo_tui.tui.widgets.case_tabs.attachments import AttachmentsTab

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


class PackActions:
    """Mixed into CaseScreen: the response pack's key actions."""

    detail: CaseDetail | None
    if TYPE_CHECKING:

        def loaded_detail(self) -> CaseDetail | None: ...  # CaseScreen's: None after saying the case is loading
    selected_item_key: str | None
    app: DpoApp

    def _ready(self, *, open_only: bool = True) -> CaseDetail | None:
        d = self.loaded_detail()
        if d is None:
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
                me.load()
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
        a = me.query_one(AttachmentsTab).selected
        if a is None:
            self.app.notify("No attachment selected.", markup=False)
            return
        ref, version, file_id = d.ref, d.version, a.id

        def save(w: Casework, chosen: Any) -> Any:
            return att.redact(w, ref, file_id, chosen, version=version)

        def done(copy: Any) -> None:
            if copy is not None:
                me.load()
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
                me.load()
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
                me.load()
                self.app.notify(f"Delivered {delivery.delivered_on.isoformat()} by {delivery.channel}: the response date.", markup=False)

        title = Text(f"Mark the pack of {ref} delivered", style="bold")
        self.app.push_screen(DeliverScreen(title, self.app.today(), save), done)

