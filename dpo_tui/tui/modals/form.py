"""One form dialog for the small records of issue 15 (exemption entries, erasure grounds, the balancing test,
complaints, the CCPA repeat decision): labelled fields, ctrl+s saves through a service verb in a thread worker,
escape cancels.

A refused save keeps everything typed, writes the rule's sentence on the dialog's line and focuses the field it
names (an `InvalidInput` field, or the `field: message` prefix of a one-argument one). On success the dialog
dismisses with the `CaseDetail` the verb returned.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from dpo_tui.domain.errors import DomainError, InvalidInput
from dpo_tui.tui.base import DpoModal, error_text
from dpo_tui.tui.text import literal

if TYPE_CHECKING:
    from dpo_tui.services.casework import Casework
    from dpo_tui.services.views import CaseDetail


@dataclass(frozen=True)
class Field:
    name: str  # the service's field name (errors naming it focus this widget)
    label: str
    kind: str = "input"  # input | text | select | check | date
    value: Any = ""
    options: Sequence[tuple[str, str]] = ()  # select: (label, value)
    hint: str = ""
    aliases: tuple[str, ...] = field(default=())  # other field names a service uses for it


Submit = Callable[[dict[str, Any]], Callable[["Casework"], "CaseDetail"]]


def parse_day(name: str, text: str) -> date:
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise InvalidInput(name, f"'{text}' is not a date (YYYY-MM-DD)") from None


class FormScreen(DpoModal["CaseDetail | None"]):
    """A titled form; `submit(values)` returns the service call to run (it may raise InvalidInput first)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="form.save"),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(self, title: str, fields: Sequence[Field], submit: Submit, *, intro: Text | str = "", save_label: str = "Save") -> None:
        super().__init__()
        self.title_text = title
        self.fields = list(fields)
        self.submit = submit
        self.intro = intro
        self.save_label = save_label
        self._saving = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-frame form-dialog"):
            yield Label(Text(self.title_text), classes="title")
            if self.intro:
                yield Static(self.intro if isinstance(self.intro, Text) else Text(self.intro), classes="hint form-intro")
            with VerticalScroll(classes="form-fields"):
                for f in self.fields:
                    wid = f"f-{f.name}"
                    if f.kind == "check":
                        yield Checkbox(f.label, value=bool(f.value), id=wid)
                    else:
                        yield Label(Text(f.label), classes="form-label")
                        if f.kind == "text":
                            yield TextArea(str(f.value or ""), id=wid, classes="form-text")
                        elif f.kind == "select":
                            yield Select(list(f.options), allow_blank=False, value=f.value, id=wid)
                        else:
                            yield Input(str(f.value or ""), id=wid)
                    if f.hint:
                        yield Label(Text(f.hint), classes="hint")
            yield Static("", id="error", classes="error")
            with Horizontal(classes="form-buttons"):
                yield Button(self.save_label, id="form-save", variant="primary")
                yield Button("Cancel", id="form-cancel")
            yield Label("tab moves · ctrl+s saves · escape cancels", classes="hint")

    def on_mount(self) -> None:
        if self.fields:
            self.query_one(f"#f-{self.fields[0].name}").focus()

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self.fields:
            w = self.query_one(f"#f-{f.name}")
            if isinstance(w, TextArea):
                out[f.name] = w.text
            elif isinstance(w, (Checkbox, Select, Input)):
                out[f.name] = w.value
        return out

    def field_selector(self, name: str) -> str | None:
        for f in self.fields:
            if name == f.name or name in f.aliases:
                return f"#f-{f.name}"
        return None

    def show_error(self, error: BaseException) -> None:
        self._saving = False
        text = error_text(error)
        self.show_problem(text)
        name = getattr(error, "field", None) or (text.split(":", 1)[0].strip() if ":" in text else None)
        if name and self.field_selector(name):
            self.focus_field(name)
        if not isinstance(error, DomainError):  # not a casework rule (a lost database, a bug): said with its type
            self.app.notify_error(error)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#form-save")
    def action_save(self) -> None:
        if self._saving:
            return
        self.show_problem("")
        try:
            call = self.submit(self.values())
        except InvalidInput as exc:
            self.show_error(exc)
            return
        self._saving = True
        self.call_in_thread(call, self.dismiss, group="form-save", exclusive=True)

    @on(Button.Pressed, "#form-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ListScreen(DpoModal["CaseDetail | None"]):
    """A record list with its own keys (the exemption log, the erasure record): a body, key hints, and an
    `OptionList` of entries. Subclasses fill `render_body` and their actions; `self.detail` is the case shown."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close", id="list.close")]

    def __init__(self, detail: CaseDetail) -> None:
        super().__init__()
        self.detail = detail
        self.changed = False

    def compose(self) -> ComposeResult:
        from textual.widgets import OptionList

        with Vertical(classes="modal-frame form-dialog"):
            yield Label("", id="list-title", classes="title")
            yield Static("", id="list-body")
            yield OptionList(id="list-entries")
            yield Static("", id="error", classes="error")
            yield Label("", id="list-keys", classes="hint")

    def on_mount(self) -> None:
        self.show(self.detail)

    def show(self, detail: CaseDetail) -> None:
        self.detail = detail
        self.render_body()

    def render_body(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def selected_id(self) -> str | None:
        from textual.widgets import OptionList

        ol = self.query_one("#list-entries", OptionList)
        opt = ol.highlighted_option if ol.option_count else None
        return opt.id if opt is not None else None

    def after(self, detail: CaseDetail | None, done: str = "") -> None:
        """What a sub-form or service call returned: re-shown here, the case screen reloads on close."""
        if detail is None:
            return
        self.changed = True
        self.show(detail)
        self.show_problem("")
        if done:
            self.app.notify(done, markup=False)

    def run(self, call: Callable[[Casework], CaseDetail], done: str) -> None:
        self.call_in_thread(call, lambda d: self.after(d, done), group="list-save", exclusive=True)

    def action_close(self) -> None:
        self.dismiss(self.detail if self.changed else None)


def lines(rows: Sequence[tuple[str, Any]]) -> Text:
    """`label: value` lines, values shown literally."""
    t = Text()
    for label, value in rows:
        t.append(f"{label}: ", style="bold")
        t.append_text(literal(str(value)))
        t.append("\n")
    return t
