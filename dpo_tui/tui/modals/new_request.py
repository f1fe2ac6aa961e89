"""The new-request form: validation as you type, a duplicate-requester warning, the due date before saving.

Dismisses with the new case's reference (or None when cancelled). The field rules are the service's
(`Casework.validate_new`), probed one field at a time so each field shows its own error under it. Database work
(duplicate look-up, regime list, deadline preview, saving) runs in thread workers.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
    TextArea,
)
from textual.widget import Widget
from textual.worker import Worker

from dpo_tui.domain.dates import fmt, parse_date, relative_days
from dpo_tui.domain.errors import DomainError, InvalidInput
from dpo_tui.domain.rights import Right
from dpo_tui.domain.states import Channel
from dpo_tui.tui.base import DpoModal
from dpo_tui.tui.formatting import status_words
from dpo_tui.tui.text import literal

if TYPE_CHECKING:
    from dpo_tui.services.casework import Casework, NewRequest

FIELDS = (
    "name", "email", "address", "phone", "rights", "received", "channel", "regime", "member_state", "agent_kind", "agent_name",
    "agent_contact", "description",
)  # fmt: skip
# Who made the request: the person themselves, or someone for them (then the name above is whose data it is).
MADE_BY = (
    ("self", "the person themselves"),
    ("solicitor", "a solicitor for them"),
    ("relative", "a relative for them"),
    ("parent", "a parent or guardian for them"),
    ("agent", "an agent for them (e.g. a claims company)"),
    ("portal", "a request portal for them"),
)
# The service's InvalidInput field names -> the form's field ids.
SERVICE_FIELDS = {"agent": "agent_name", "agent kind": "agent_kind", "agent contact": "agent_contact",
                  "postal address": "address"}  # fmt: skip


def parse_received(text: str) -> date:
    """`2026-11-02` → date; InvalidInput("received", ...) otherwise (the domain's one date parser)."""
    return parse_date(text, "received", missing="the date the request arrived is required (YYYY-MM-DD)")


def duplicate_warning(email: str, others: list[tuple[str, str, date]]) -> Text:
    """"ada@example.org already has DSAR-2026-0003 (in progress)" (the email shown literally)."""
    t = Text("⚠ ")
    t.append_text(literal(email.strip()))
    t.append(" already has ")
    t.append(
        ", ".join(f"{ref} ({status_words(status)})" for ref, status, _ in others)
    )
    t.append(": check it is not the same request before logging a new one.")
    return t


def due_line(explanation: tuple[str, ...], due: date) -> str:
    """The explanation step that produced the due date (the last step if none names it)."""
    target = fmt(due)
    for line in explanation:
        if "→" in line and line.rstrip().endswith(target) and not line.startswith(("if extended", "extended due")):
            return line
    return explanation[-1] if explanation else ""



def _field(label: str, field: Widget, *, row: str = "row", row_id: str | None = None, error: bool = True) -> ComposeResult:
    """One row of the form: its label and field side by side, then the line its error is written on
    (`#<field id>-error`, where `show_problem` and the field checks write)."""
    yield Horizontal(Label(label), field, classes=row, id=row_id)
    if error:
        yield Static("", id=f"{field.id}-error", classes="under error")

class NewRequestScreen(DpoModal[str | None]):
    """Log a new request. ctrl+s (or Save) saves and dismisses with the new reference; escape cancels."""


    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="new_request.save"),
        Binding("escape", "cancel", "Cancel", id="new_request.cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._touched: set[str] = set()
        self._errors: dict[str, str] = {}
        self._saving = False
        self._ready = False  # the casework service is built (it imports the ORM: done in a worker)
        self._duplicates: list[tuple[str, str, date]] = []

    # ---- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        app = self.app
        today = self._today()
        org_regime = app.settings.organisation.regime
        with Vertical(id="form", classes="modal-frame"):
            yield Label("New request  (ctrl+s saves, escape cancels)", id="form-title")
            with VerticalScroll(id="form-fields"):
                yield from _field("Name", Input(placeholder="the requester's name, as they gave it", id="name", compact=True))
                yield from _field("Email", Input(placeholder="name@example.org (or give an address or phone below)",
                                                 id="email", compact=True))  # fmt: skip
                yield Static("", id="email-duplicate", classes="under")
                yield from _field("Postal address", Input(placeholder="for a request by post: street, town, postcode",
                                                          id="address", compact=True))  # fmt: skip
                yield from _field("Phone", Input(placeholder="for a request by phone: +44 20 7946 0000", id="phone", compact=True))
                yield from _field("Rights", SelectionList[Right](*((r.label, r) for r in Right), id="rights", compact=True))
                yield from _field("Received", Input(value=today.isoformat(), placeholder="YYYY-MM-DD", id="received", compact=True))
                yield from _field("Channel", Select([(c.label, c.value) for c in Channel], value=Channel.EMAIL.value,
                                                    allow_blank=False, id="channel", compact=True))  # fmt: skip
                yield from _field("Regime", Select([(f"{org_regime} (organisation default)", org_regime)], value=org_regime,
                                                   allow_blank=False, id="regime", compact=True))  # fmt: skip
                # Issue 15: an EU case names its member state (its holidays end the period, its authority hears
                # complaints); shown only for eu-gdpr.
                yield from _field("Member state", Input(placeholder="EU/EEA state: DE, or DE-BY for a region's holidays",
                                                        id="member_state", compact=True),
                                  row="row hidden", row_id="member-state-row")  # fmt: skip
                yield Static("", id="member_state-hint", classes="under")
                yield from _field("Made by", Select([(label, key) for key, label in MADE_BY], value="self", allow_blank=False,
                                                    id="agent_kind", compact=True), error=False)  # fmt: skip
                yield from _field("Agent", Input(placeholder="who asked for them: Bell & Co Solicitors", id="agent_name",
                                                 compact=True), row="row agent-row hidden")  # fmt: skip
                yield from _field("Agent contact", Input(placeholder="the agent's email, phone or address",
                                                         id="agent_contact", compact=True), row="row agent-row hidden")  # fmt: skip
                yield from _field("Request text", TextArea(id="description", compact=True))
            yield Static(Text("Due date: fill in the received date and rights", style="dim"), id="preview")
            yield Static("", id="form-status")
            with Horizontal(id="buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()
        self._prepare()

    # ---- helpers ---------------------------------------------------------------------------

    def _today(self) -> date:

        return self.app.today()

    @property
    def work_service(self) -> Casework:
        return self.app.casework

    def _values(self) -> dict[str, Any]:
        rights = tuple(r for r in Right if r in self.query_one("#rights", SelectionList).selected)
        kind = self.query_one("#agent_kind", Select).value
        by_agent = isinstance(kind, str) and kind != "self"
        return {
            "name": self.query_one("#name", Input).value,
            "email": self.query_one("#email", Input).value,
            "address": self.query_one("#address", Input).value,
            "phone": self.query_one("#phone", Input).value,
            "agent_kind": kind if by_agent else None,
            "agent_name": self.query_one("#agent_name", Input).value if by_agent else "",
            "agent_contact": self.query_one("#agent_contact", Input).value if by_agent else "",
            "rights": rights,
            "received": self.query_one("#received", Input).value,
            "channel": self.query_one("#channel", Select).value,
            "regime": self.query_one("#regime", Select).value,
            "member_state": self.query_one("#member_state", Input).value.strip(),
            "description": self.query_one("#description", TextArea).text,
        }

    def field_errors(self) -> dict[str, str]:
        """Every field's problem now (empty when the form can be saved), by the service's own rules."""
        from dpo_tui.services.casework import NewRequest

        v = self._values()
        errors: dict[str, str] = {}
        try:
            received = parse_received(v["received"])
        except InvalidInput as exc:
            errors["received"] = exc.message
            received = None
        good = NewRequest(name="x", email="x@example.org", rights=(Right.ACCESS,), received=self._today(),
                          channel=Channel.EMAIL)  # fmt: skip
        contact = {"email": v["email"], "address": v["address"], "phone": v["phone"]}
        probes: dict[str, dict[str, Any]] = {
            "name": {"name": v["name"]},
            "email": contact,  # one of the three is enough: the email line says when none is given
            "phone": {"email": "x@example.org", "phone": v["phone"]},
            "address": {"address": v["address"]},
            "agent_name": {"agent_name": v["agent_name"], "agent_kind": v["agent_kind"], "agent_contact": v["agent_contact"]},
            "rights": {"rights": v["rights"]},
            "channel": {"channel": v["channel"] if isinstance(v["channel"], str) else ""},
        }
        if received is not None:
            probes["received"] = {"received": received}
        from dataclasses import replace

        problem = self._member_state_problem(v)
        if problem:
            errors["member_state"] = problem
        for name, change in probes.items():
            try:
                self.work_service.validate_new(replace(good, **change))
            except InvalidInput as exc:
                field = SERVICE_FIELDS.get(exc.field or "", exc.field)
                if field in FIELDS and field != name and field in probes:
                    continue  # another field's problem (a bad phone while probing the contacts): its own line says it
                errors[name] = exc.message if field == name else str(exc)
        return errors

    def _member_state_problem(self, v: dict[str, Any]) -> str | None:
        """eu-gdpr: the member state is required (from the form, else the settings, else the organisation's own EU
        country; never Ireland by default) and must be an EU/EEA state. The hint says which calendar applies."""
        from dpo_tui.domain.jurisdiction import member_state_name, require_member_state

        eu = v["regime"] == "eu-gdpr"
        self.query_one("#member-state-row").set_class(not eu, "hidden")
        hint = self.query_one("#member_state-hint", Static)
        hint.set_class(eu, "-shown")
        if not eu:
            return None
        settings = self.app.settings
        try:
            country, region, source = require_member_state(v["member_state"], settings.policy.eu_member_state,
                                                           settings.organisation.country)  # fmt: skip
        except InvalidInput as exc:
            hint.update("")
            return str(exc).removeprefix("member state: ")
        where = member_state_name(country) + (f" ({country}-{region})" if region else f" ({country})")
        hint.update(Text(f"{where}: its public holidays and its supervisory authority apply (from {source})", style="dim"))
        return None

    def build_request(self) -> NewRequest:
        from dpo_tui.services.casework import NewRequest

        v = self._values()
        org_regime = self.app.settings.organisation.regime
        regime = v["regime"] if isinstance(v["regime"], str) else None
        return NewRequest(
            name=v["name"],
            email=v["email"],
            address=v["address"].strip() or None,
            phone=v["phone"].strip() or None,
            agent_name=v["agent_name"].strip() or None,
            agent_kind=v["agent_kind"],
            agent_contact=v["agent_contact"].strip() or None,
            rights=v["rights"],
            received=parse_received(v["received"]),
            channel=v["channel"],
            description=v["description"].strip(),
            regime=None if regime == org_regime else regime,
            member_state=(v["member_state"] or None) if regime == "eu-gdpr" else None,
        )

    def _validate(self) -> None:
        if not self._ready:
            return
        self._errors = self.field_errors()
        for name in FIELDS:
            message = self._errors.get(name, "") if name in self._touched else ""
            for box in self.query(f"#{name}-error").results(Static):  # not every field has an error line
                box.update(Text(message))
                box.set_class(bool(message), "-shown")
        if not self._errors:
            self.query_one("#form-status", Static).update("")

    # ---- background work -------------------------------------------------------------------

    def _prepare(self) -> None:
        """Build the casework service (ORM import) and list the regimes off the UI thread."""
        self.call_in_thread(lambda w: sorted((r.name, key) for key, r in w.regimes.items()), self._prepared,
                            group="new-request-prepare")  # fmt: skip

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        if worker.group == "new-request-prepare":
            self.app.notify_error(error)
            self._prepared([])  # the form stays usable with the organisation's regime
            return
        if worker.group == "new-request-save":
            self._saving = False
            field = SERVICE_FIELDS.get(error.field or "", error.field) if isinstance(error, InvalidInput) else None
            if field in FIELDS and self.query(f"#{field}-error"):
                self._touched.add(field)
                box = self.query_one(f"#{field}-error", Static)
                box.update(Text(error.message))
                box.add_class("-shown")
        super().worker_failed(worker, error)

    def show_problem(self, message: str) -> None:
        self.query_one("#form-status", Static).update(literal(f"Not saved: {message}" if message else ""))

    def field_selector(self, field: str) -> str | None:
        field = SERVICE_FIELDS.get(field, field)
        return f"#{field}" if field in FIELDS else None

    def _prepared(self, regimes: list[tuple[str, str]]) -> None:
        self._ready = True
        if regimes:
            org = self.app.settings.organisation.regime
            select = self.query_one("#regime", Select)
            current = select.value
            select.set_options(
                [(f"{name} (organisation default)" if key == org else name, key) for name, key in regimes]
            )
            keys = [k for _, k in regimes]
            select.value = current if current in keys else (org if org in keys else keys[0])
        self._validate()
        self._update_preview()
        self._check_duplicates()

    def _check_duplicates(self) -> None:
        if not self._ready:
            return
        email = self.query_one("#email", Input).value.strip()
        if "email" in self._errors or not email:
            self._duplicates = []
            self.query_one("#email-duplicate", Static).update("")
            self.query_one("#email-duplicate", Static).remove_class("-shown")
            return
        self._find_duplicates(email)

    def _find_duplicates(self, email: str) -> None:
        # Not exclusive: stale answers are dropped on arrival.
        self.call_in_thread(lambda w: w.find_by_email(email), lambda others: self._show_duplicates(email, others),
                            group="new-request-duplicates")  # fmt: skip

    def _show_duplicates(self, email: str, others: list[tuple[str, str, date]]) -> None:
        if not self.is_attached or email != self.query_one("#email", Input).value.strip():
            return  # the email changed meanwhile: a newer look-up is on its way
        self._duplicates = others
        box = self.query_one("#email-duplicate", Static)
        box.update(duplicate_warning(email, others) if others else "")
        box.set_class(bool(others), "-shown")

    def _update_preview(self) -> None:
        if not self._ready:
            return
        v = self._values()
        if "received" in self._errors or not isinstance(v["regime"], str):
            self._set_preview(Text("Due date: needs a valid received date", style="dim"))
            return
        rights = tuple(r.value for r in v["rights"]) or ("access",)
        self._compute_preview(v["regime"], parse_received(v["received"]), rights, v["member_state"] or None)

    def _compute_preview(self, regime_key: str, received: date, rights: tuple[str, ...], member_state: str | None = None) -> None:
        # Not exclusive: stale answers are dropped on arrival.
        today = self._today()

        def preview(w: Casework) -> Text:
            try:
                return preview_text(w, regime_key, received, rights, today, member_state)
            except DomainError as exc:  # the preview is advisory: a rule's refusal is shown in its place
                return Text(f"Due date: cannot compute yet ({exc})", style="dim")

        self.call_in_thread(preview, lambda text: self._set_preview(text, (regime_key, received, rights)),
                            group="new-request-preview")  # fmt: skip

    def _set_preview(self, text: Text, key: tuple[Any, ...] | None = None) -> None:
        if not self.is_attached:
            return
        if key is not None:
            v = self._values()
            try:
                now = (v["regime"], parse_received(v["received"]), tuple(r.value for r in v["rights"]) or ("access",))
            except InvalidInput:
                return
            if now != key:
                return  # stale: a newer preview is on its way
        self.query_one("#preview", Static).update(text)

    # ---- events ----------------------------------------------------------------------------

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        if event.input.id:
            self._touched.add(event.input.id)
        self._validate()
        if event.input.id == "email":
            self._check_duplicates()
        elif event.input.id in ("received", "member_state"):
            self._update_preview()

    @on(Input.Submitted)
    def _input_submitted(self) -> None:
        self.focus_next()

    @on(SelectionList.SelectedChanged, "#rights")
    def _rights_changed(self) -> None:
        self._touched.add("rights")
        self._validate()
        self._update_preview()

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        if event.select.id:
            self._touched.add(event.select.id)
        if event.select.id == "agent_kind":
            for row in self.query(".agent-row"):
                row.set_class(event.value == "self", "hidden")
        self._validate()
        self._update_preview()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    # ---- actions ---------------------------------------------------------------------------

    def action_cancel(self) -> None:
        """Escape: straight out of an untouched form; with anything typed, ask first (issue 16)."""
        if not self.typed():
            self.dismiss(None)
            return
        from dpo_tui.tui.modals.prompts import ConfirmScreen

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(
                Text("Discard this request? What you typed is not saved.", style="bold"),
                "enter or y discards it, escape or n goes back to the form.",
            ),
            answered,
        )

    def typed(self) -> bool:
        """Whether the DPO has entered anything (the received date and the selects start with a value)."""
        v = self._values()
        texts = (v["name"], v["email"], v["address"], v["phone"], v["agent_name"], v["agent_contact"], v["description"])
        return any(t.strip() for t in texts) or bool(v["rights"]) or v["received"].strip() != self._today().isoformat()

    def action_save(self) -> None:
        if self._saving:
            return
        if not self._ready:
            self.query_one("#form-status", Static).update("Still opening the database: try again in a moment.")
            return
        self._touched.update(FIELDS)
        self._validate()
        if self._errors:
            first = next(f for f in FIELDS if f in self._errors)
            self.query_one("#form-status", Static).update(
                Text(f"Not saved: {len(self._errors)} field{'s' if len(self._errors) > 1 else ''} to fix "
                     "(shown in red under each field).")  # fmt: skip
            )
            self.query_one(f"#{first}").focus()
            return
        self._saving = True
        self.query_one("#form-status", Static).update(Text("Saving…", style="dim"))
        self._save(self.build_request())

    def _save(self, request: NewRequest) -> None:
        self.call_in_thread(lambda w: w.log_request(request).ref, self.dismiss, group="new-request-save", exclusive=True)


def preview_text(
    work: Casework, regime_key: str, received: date, rights: tuple[str, ...], today: date, member_state: str | None = None
) -> Text:
    """"Due Wed 2 Dec 2026 (in 7 days)" and the step that produced it, as the case would get on saving."""
    dl = work.preview_deadline(regime_key, received, rights, member_state)
    due = dl.effective_due
    t = Text()
    if due is None:
        t.append("No due date yet", style="bold")
        t.append(f"\n{dl.explanation[-1] if dl.explanation else ''}", style="dim")
        return t
    days = (due - today).days
    style = "bold red" if days < 0 else "bold dark_orange" if days <= 7 else "bold"
    t.append(f"Due {fmt(due)} ", style="bold")
    t.append(f"({relative_days(days)})", style=style)
    t.append(f"\n{due_line(dl.explanation, due)}", style="dim")
    return t


class TriageLogScreen(NewRequestScreen):
    """The new-request form filled in from an intake item (triage, `enter`). Name, email, rights and regime may be
    corrected; the day of receipt, the channel and the text are the message's own (evidence of what arrived when)
    and are shown, not edited. Saving logs the item through the intake service; dismisses with the reference."""

    def __init__(self, item: Any) -> None:
        super().__init__()
        self.item = item

    def on_mount(self) -> None:
        item = self.item
        self.query_one("#form-title", Label).update(
            Text(f"Log the message of {item.received.isoformat()} as a case  (ctrl+s saves, escape cancels)")
        )
        self.query_one("#name", Input).value = item.requester_name
        self.query_one("#email", Input).value = item.requester_email
        rights = self.query_one("#rights", SelectionList)
        for r in item.rights:
            try:
                rights.select(Right(r))
            except ValueError:
                pass  # a key this version does not know: the DPO picks the rights
        received = self.query_one("#received", Input)
        received.value = item.received.isoformat()
        received.disabled = True
        channel = self.query_one("#channel", Select)
        if item.channel in tuple(Channel):
            channel.value = Channel(item.channel).value
        channel.disabled = True
        text = self.query_one("#description", TextArea)
        text.load_text(item.body)
        text.read_only = True
        self._touched.update({"name", "email", "rights"})
        super().on_mount()

    def _prepared(self, regimes: list[tuple[str, str]]) -> None:
        super()._prepared(regimes)
        if self.item.regime and self.item.regime in {k for _, k in regimes}:
            self.query_one("#regime", Select).value = self.item.regime

    def _save(self, request: NewRequest) -> None:
        from dpo_tui.services.intake import Intake

        item = self.item
        org = self.app.settings.organisation.regime
        regime = request.regime or org
        self.call_in_thread(
            lambda w: Intake(w).log_pending(
                item.id, version=item.version, rights=tuple(request.rights), name=request.name, email=request.email,
                regime=regime,
            ),
            self.dismiss,
            group="new-request-save",
            exclusive=True,
        )  # fmt: skip
