"""Decision walkthroughs (modal): assessment with fee or refusal (`a`), extension (`x`), clarification (`c`).

Each screen validates as you go, says in one line what the law requires at that step, refuses (with the reason
shown) what the law does not allow, and ends by offering the letter the step needs. Keyboard only: tab moves,
space ticks, arrows choose in a radio set, ctrl+s saves, escape cancels.

A walkthrough never touches the database on the UI thread: `open_walkthrough(case_screen, which)` starts a flow (an
async worker) that reads what the step shows in a thread worker (`_Walk.read`), pushes the step and waits for it
(`push_screen_wait`, as Textual's guide does it), then chains to the next step or the letter. A step's save runs the
service in a thread worker (`call_in_thread`, tui/base.py); a refusal is shown on the step's status line, the field
it names focused, and the step stays open with what the DPO typed. A step dismisses with an `Outcome`, or None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widgets import Checkbox, Input, Label, OptionList, RadioButton, RadioSet, Static, TextArea
from textual.widgets.option_list import Option

from dpo_tui.tui.base import DpoModal
from dpo_tui.domain.clock import check_extension
from dpo_tui.domain.dates import fmt
from dpo_tui.domain.decisions import (
    CATEGORY_LABELS,
    DECISION_KINDS,
    DECISION_LABELS,
    EXCESSIVE,
    FINDING_LABELS,
    GROUNDS,
    ITEM_GROUNDS,
    MALICIOUS,
    REMINDER,
    UNFOUNDED,
    ChosenGround,
    breakdown_from_settings,
    clean_items,
    format_money,
    refusal_content_problems,
    refusal_deadline,
    refusal_notice_block,
    validate_assessment,
)
from dpo_tui.domain.errors import DomainError, InvalidInput
from dpo_tui.tui.formatting import status_words
from dpo_tui.tui.text import literal

if TYPE_CHECKING:
    from dpo_tui.services.casework import Casework
    from dpo_tui.services.views import CaseDetail
    from dpo_tui.tui.app import DpoApp
    from dpo_tui.tui.case_screen import CaseScreen

LETTER_FOR = {
    "fee": "fee_request",
    "refuse": "refusal_notice",
    "extend": "extension_notice",
    "clarify": "clarification_request",
}


@dataclass(frozen=True)
class Outcome:
    """What a walkthrough did: the case after it, and the letter the step needs (None: no letter)."""

    detail: CaseDetail
    letter: str | None = None
    next_step: str | None = None  # the assessment chains into "fee" or "refuse"/"refuse_partial"


def parse_day(text: str, what: str) -> date:
    value = text.strip()
    try:
        return date.fromisoformat(value)
    except ValueError:
        if not value:
            raise InvalidInput(what, "the date is required (YYYY-MM-DD)") from None
        raise InvalidInput(what, f"'{value}' is not a date: write it as YYYY-MM-DD, e.g. 2026-11-02") from None


class _Walk(DpoModal[Outcome | None]):
    """Shared frame: title, the law in one line, a body, a status line (problems or 'ready'), the keys."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="walk.save"),
        Binding("escape", "cancel", "Cancel", id="walk.cancel"),
    ]
    TITLE_TEXT = ""
    LAW = ""
    # The field an InvalidInput names -> the widget to focus (the services' and parse_day's field names).
    FIELD_WIDGETS: ClassVar[dict[str, str]] = {
        "date": "#on", "asked for on": "#on", "received on": "#on", "refused on": "#on", "on": "#on",
        "paid on": "#paid-on", "told on": "#told", "note": "#note", "question": "#question", "answer": "#answer",
        "answered on": "#on", "amount": "#amount", "fee": "#q-hours", "reason": "#reason", "scope": "#scope",
        "purpose": "#purpose", "decision": "#decision",
    }  # fmt: skip

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref
        self.detail: CaseDetail = None  # type: ignore[assignment]  # set by read() before the step is pushed

    def read(self, casework: Casework) -> None:
        """Read what the step shows. Runs in a thread worker (open_walkthrough) before the step is pushed."""
        self.detail = casework.get(self.ref)

    def today(self) -> date:
        return self.app.today()

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-frame"):
            yield Label(literal(self.TITLE_TEXT.format(ref=self.ref)), classes="title")
            yield Static(Text(self.LAW), classes="law")
            with VerticalScroll():
                yield from self.body()
            yield Static("", id="status")
            yield Label("ctrl+s saves · escape cancels · tab moves · space ticks · arrows choose", classes="hint")

    def body(self) -> ComposeResult:  # pragma: no cover - overridden
        yield from ()

    def on_mount(self) -> None:
        self.check()

    # ---- validation as you go --------------------------------------------------------------

    def problem(self) -> str | None:
        """The reason this cannot be saved as it stands (None: ready)."""
        return None

    def ready_text(self) -> str:
        return "Ready: ctrl+s saves."

    def check(self) -> str | None:
        try:
            why = self.problem()
        except DomainError as exc:
            why = str(exc)
        self.show_status(why)
        return why

    def show_status(self, why: str | None) -> None:
        status = self.query_one("#status", Static)
        status.set_class(why is not None, "refused")
        status.set_class(why is None, "ready")
        status.update(literal(("Not allowed: " + why) if why else self.ready_text()))

    @on(Input.Changed)
    @on(Checkbox.Changed)
    @on(RadioSet.Changed)
    @on(TextArea.Changed)
    def _changed(self) -> None:
        self.check()

    # ---- saving ----------------------------------------------------------------------------

    def save(self) -> Callable[[Casework], Outcome]:  # pragma: no cover - overridden
        """What saving does: read the form here (UI thread), return the service call to run in a thread."""
        raise NotImplementedError

    def action_save(self) -> None:
        if self.check() is not None:
            self.app.bell()
            return
        try:
            job = self.save()
        except InvalidInput as exc:
            self.show_error(exc)
            return
        self.call_in_thread(job, self.dismiss, group="walk-save", exclusive=True)

    def show_problem(self, message: str) -> None:
        self.show_status(message or None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    # ---- small helpers ---------------------------------------------------------------------

    def value(self, selector: str) -> str:
        w = self.query_one(selector)
        return w.text if isinstance(w, TextArea) else w.value  # type: ignore[union-attr]

    def radio(self, selector: str) -> str | None:
        pressed = self.query_one(selector, RadioSet).pressed_button
        return pressed.id.split("-", 1)[1] if pressed and pressed.id else None

    def date_input(self, id_: str, label: str, default: date | None = None) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label(label, classes="field")
            yield Input(value=(default or self.today()).isoformat(), placeholder="YYYY-MM-DD", id=id_)


# ---------------------------------------------------------------------------------------------------------------
# Assessment
# ---------------------------------------------------------------------------------------------------------------


def facts_table(facts: Any) -> Table:
    t = Table(box=None, pad_edge=False, expand=True, title_justify="left")
    t.add_column("Reference", no_wrap=True, style="bold")
    t.add_column("Received", no_wrap=True)
    t.add_column("Rights")
    t.add_column("Status", no_wrap=True)
    t.add_column("Same", no_wrap=True)
    t.add_column("Open, shared rights")
    seen = set()
    for c in (*facts.earlier, *facts.open_overlap):
        if c.ref in seen:
            continue
        seen.add(c.ref)
        overlap = ", ".join(c.shared_rights) if c.is_open and c.shared_rights else ("open" if c.is_open else "")
        t.add_row(
            literal(c.ref), fmt(c.received), literal(", ".join(c.rights)), literal(status_words(c.status)),
            " + ".join(c.matched_by), literal(overlap),
        )  # fmt: skip
    return t


class AssessScreen(_Walk):
    TITLE_TEXT = "Assess {ref}: manifestly unfounded or excessive?"
    LAW = (
        "The first response is free. A fee or a refusal needs the request to be manifestly unfounded or excessive, "
        "shown by evidence for each ground; decide this request on its own facts."
    )

    def read(self, casework: Casework) -> None:
        from dpo_tui.services.decisions import related_cases

        super().read(casework)
        self.facts = related_cases(casework, self.ref)

    def body(self) -> ComposeResult:
        yield Label("What the record shows", classes="category")
        yield Static(Text(self.facts.summary()), id="facts-summary")
        if self.facts.earlier or self.facts.open_overlap:
            yield Static(facts_table(self.facts), id="facts")
        held = {g["key"]: g["evidence"] for g in (self.detail.decision.get("assessment") or {}).get("grounds", [])}
        for cat in (UNFOUNDED, MALICIOUS, EXCESSIVE):
            yield Label(CATEGORY_LABELS[cat], classes="category")
            for g in GROUNDS:
                if g.category != cat:
                    continue
                with Horizontal(classes="row"):
                    yield Checkbox(g.label, g.key in held, id=f"g-{g.key}")
                    yield Input(held.get(g.key, ""), placeholder=f"evidence: {g.hint}", id=f"e-{g.key}")
        yield Static(Text("⚠ " + REMINDER), classes="reminder")
        yield Label("Decision", classes="category")
        current = self.detail.decision.get("kind") or "comply"
        with RadioSet(id="decision"):
            for k in DECISION_KINDS:
                yield RadioButton(DECISION_LABELS[k], k == current, id=f"d-{k}")
        with Horizontal(classes="row"):
            yield Label("Note (how you weighed it)", classes="field")
            yield Input(placeholder="e.g. no harm to the person shown; same data sent 3 weeks ago", id="note")

    def chosen(self) -> list[ChosenGround]:
        return [
            ChosenGround(g.key, self.value(f"#e-{g.key}"))
            for g in GROUNDS
            if self.query_one(f"#g-{g.key}", Checkbox).value
        ]

    @on(Input.Changed)
    def _tick_on_evidence(self, event: Input.Changed) -> None:
        # Writing evidence for a ground ticks it: one less key to press.
        if event.input.id and event.input.id.startswith("e-") and event.value.strip():
            box = self.query_one(f"#g-{event.input.id[2:]}", Checkbox)
            if not box.value:
                box.value = True

    def problem(self) -> str | None:
        kind = self.radio("#decision") or "comply"
        a = validate_assessment(kind, self.chosen())
        self._assessment = a
        return None

    def ready_text(self) -> str:
        a = self._assessment
        words = f"Ready: {FINDING_LABELS[a.finding]} → {DECISION_LABELS[a.kind].lower()}."
        if a.warnings:
            words += " ⚠ " + " ".join(a.warnings)
        return words

    def save(self) -> Callable[[Casework], Outcome]:
        from dpo_tui.services import decisions as dec

        ref, kind, chosen, note, on_ = self.ref, self.radio("#decision") or "comply", self.chosen(), self.value("#note"), self.today()
        version = self.detail.version
        nxt = {"fee": "fee", "refuse": "refuse", "refuse_in_part": "refuse_partial"}.get(kind)
        return lambda w: Outcome(dec.assess(w, ref, chosen, kind, note=note, on=on_, version=version), None, nxt)


# ---------------------------------------------------------------------------------------------------------------
# Fees
# ---------------------------------------------------------------------------------------------------------------


class FeeScreen(_Walk):
    """The fee calculator: a fee for a manifestly unfounded/excessive request, or for further copies."""

    TITLE_TEXT = "Fee for {ref}"
    LAW = (
        "A reasonable fee based on administrative cost, only where the request is manifestly unfounded or excessive, "
        "or for further copies. Tell the person promptly; under UK GDPR the clock starts when the fee arrives."
    )

    def __init__(self, ref: str, mode: str = "fee") -> None:
        super().__init__(ref)
        self.mode = mode

    def body(self) -> ComposeResult:
        fees = self.app.settings.fees
        with RadioSet(id="mode"):
            yield RadioButton("Fee for this request (manifestly unfounded or excessive)", self.mode == "fee", id="m-fee")
            yield RadioButton("Fee for further copies of an access response (does not touch the clock)",
                              self.mode == "further", id="m-further")  # fmt: skip
        rows = (
            ("hours", f"Staff hours × {format_money(fees.hourly_rate, fees.currency)}"),
            ("copy_pages", f"Copies, pages × {format_money(fees.per_page_copy, fees.currency)}"),
            ("print_pages", f"Printing, pages × {format_money(fees.per_page_print, fees.currency)}"),
            ("postal_items", f"Postage, items × {format_money(fees.postage, fees.currency)}"),
        )
        for key, label in rows:
            with Horizontal(classes="row"):
                yield Label(label, classes="field")
                yield Input(placeholder="0", id=f"q-{key}", restrict=r"[0-9.]*")
        with Horizontal(classes="row"):
            yield Label("Other cost: what", classes="field")
            yield Input(placeholder="e.g. encrypted USB stick", id="other-label")
        with Horizontal(classes="row"):
            yield Label("Other cost: amount", classes="field")
            yield Input(placeholder="0.00", id="other-amount", restrict=r"[0-9.]*")
        yield from self.date_input("on", "Asked for on")
        with Horizontal(classes="row"):
            yield Label("Further copies: paid on", classes="field")
            yield Input(placeholder="YYYY-MM-DD (blank: not paid yet)", id="paid-on")
        yield Static("", id="breakdown")

    def breakdown(self) -> Any:
        other = self.value("#other-amount").strip()
        return breakdown_from_settings(
            self.app.settings.fees,
            hours=self.value("#q-hours"),
            copy_pages=self.value("#q-copy_pages"),
            print_pages=self.value("#q-print_pages"),
            postal_items=self.value("#q-postal_items"),
            other=[(self.value("#other-label"), other)] if other else [],
        )

    def problem(self) -> str | None:
        from dpo_tui.services.decisions import fee_allowed

        mode = self.radio("#mode") or "fee"
        b = self.breakdown()
        t = Table(box=None, pad_edge=False)
        t.add_column("Cost")
        t.add_column("Quantity", justify="right")
        t.add_column("Each", justify="right")
        t.add_column("Amount", justify="right")
        for line in b.lines:
            t.add_row(literal(line.label), format(line.quantity.normalize(), "f"),
                      format_money(line.unit_cost, b.currency), format_money(line.amount, b.currency))  # fmt: skip
        t.add_row(Text("Total", style="bold"), "", "", Text(format_money(b.total, b.currency), style="bold"))
        self.query_one("#breakdown", Static).update(t)
        if mode == "fee":
            why = fee_allowed(self.detail.decision)
            if why:
                return why
            if self.detail.status == "awaiting_fee":
                return "a fee is already awaited on this case: record its payment instead (key a, 'Record the fee paid')"
        elif "access" not in self.detail.rights:
            return "a further-copy fee applies to further copies of an access response; this case has no access request"
        if b.total <= 0:
            return "the total is zero: enter the staff time, copies, printing, postage or other costs"
        parse_day(self.value("#on"), "asked for on")
        if mode == "further" and self.value("#paid-on").strip():
            parse_day(self.value("#paid-on"), "paid on")
        return None

    def ready_text(self) -> str:
        b = self.breakdown()
        if (self.radio("#mode") or "fee") == "fee":
            clock = "the clock does not start until it is paid" if self.detail.regime == "uk-gdpr" else "the clock keeps running"
            return f"Ready: ask for {format_money(b.total, b.currency)}; the case waits for the fee and {clock}."
        return f"Ready: record a further-copy fee of {format_money(b.total, b.currency)} (the clock is not touched)."

    def save(self) -> Callable[[Casework], Outcome]:
        from dpo_tui.services import decisions as dec

        ref, on_, breakdown = self.ref, parse_day(self.value("#on"), "asked for on"), self.breakdown()
        version = self.detail.version
        if (self.radio("#mode") or "fee") == "fee":
            return lambda w: Outcome(dec.request_fee(w, ref, breakdown, on_, version=version), LETTER_FOR["fee"])
        paid = self.value("#paid-on").strip()
        paid_on = parse_day(paid, "paid on") if paid else None
        return lambda w: Outcome(
            dec.record_further_copy_fee(w, ref, breakdown, on_, paid_on=paid_on, version=version), None
        )


class FeePaidScreen(_Walk):
    TITLE_TEXT = "Fee paid on {ref}"
    LAW = "Under UK GDPR the month runs from the day the fee arrives; record the date it actually arrived."

    def body(self) -> ComposeResult:
        fee = self.detail.decision.get("fee") or {}
        total = fee.get("total", "")
        asked = f"{format_money(total, fee['currency'])} asked for on {fee['requested_on']}" if fee else "no fee asked for"
        yield Static(Text(f"Fee: {asked}"), id="fee-due")
        with Horizontal(classes="row"):
            yield Label("Amount received", classes="field")
            yield Input(str(total), id="amount", restrict=r"[0-9.]*")
        yield from self.date_input("on", "Received on")

    def problem(self) -> str | None:
        fee = self.detail.decision.get("fee") or {}
        if self.detail.status != "awaiting_fee" or not fee or fee.get("paid"):
            return f"{self.ref} is not awaiting a fee: nothing to record a payment against"
        from dpo_tui.domain.decisions import money

        if money(self.value("#amount")) < money(fee["total"]):
            return f"the amount is less than the fee of {format_money(fee['total'], fee['currency'])}; the clock starts only when it is paid"
        on_ = parse_day(self.value("#on"), "received on")
        if on_ > self.today():
            return f"received on: {fmt(on_)} is in the future"
        asked = date.fromisoformat(fee["requested_on"])
        if on_ < asked:
            return f"received on: {fmt(on_)} is before the fee was asked for ({fmt(asked)})"
        return None

    def ready_text(self) -> str:
        return f"Ready: the case goes back into work; {'the clock starts on that day' if self.detail.regime == 'uk-gdpr' else 'the clock is unchanged'}."

    def save(self) -> Callable[[Casework], Outcome]:
        from dpo_tui.services import decisions as dec

        ref, amount, on_ = self.ref, self.value("#amount"), parse_day(self.value("#on"), "received on")
        version = self.detail.version
        return lambda w: Outcome(dec.record_fee_paid(w, ref, amount, on_, version=version))


# ---------------------------------------------------------------------------------------------------------------
# Refusal
# ---------------------------------------------------------------------------------------------------------------


class RefusalScreen(_Walk):
    TITLE_TEXT = "Refuse {ref}"
    LAW = (
        "The notice gives the reasons, the right to complain to the supervisory authority, the right to a judicial "
        "remedy and (UK, from 19 Jun 2026) the right to complain to the organisation first."
    )
    BINDINGS = [Binding("ctrl+n", "add_item", "Add item", priority=True, id="refuse.add_item")]

    def __init__(self, ref: str, scope: str = "whole") -> None:
        super().__init__(ref)
        self.scope = scope
        self.rows = 3

    def body(self) -> ComposeResult:
        due, why = refusal_deadline(self.detail.regime, self.detail.deadline)
        yield Static(Text(f"Deadline: {why}", style="bold"), id="refusal-deadline")
        with RadioSet(id="scope"):
            yield RadioButton("Refuse the whole request (the case closes as refused)", self.scope == "whole", id="s-whole")
            yield RadioButton("Refuse in part (per item with its ground; the case stays in work)", self.scope == "partial", id="s-partial")
        yield Label("Reasons, as the person will read them", classes="category")
        yield TextArea(id="reasons")
        yield Label("Items withheld and their grounds (ctrl+n adds a row)", classes="category")
        with Vertical(id="items"):
            for i in range(self.rows):
                yield self._item_row(i)
        yield from self.date_input("on", "Refused on")
        yield Static("", id="notice")

    def _item_row(self, i: int) -> Horizontal:
        return Horizontal(
            Input(placeholder="what is withheld", id=f"item-{i}"),
            Input(placeholder="ground (exemption)", id=f"ground-{i}", suggester=SuggestFromList(ITEM_GROUNDS, case_sensitive=False)),
            classes="row",
        )

    def action_add_item(self) -> None:
        row = self._item_row(self.rows)
        self.rows += 1
        self.query_one("#items", Vertical).mount(row)
        self.call_after_refresh(lambda: self.query_one(f"#item-{self.rows - 1}", Input).focus())

    def items(self) -> list[tuple[str, str]]:
        out = []
        for row in self.query_one("#items", Vertical).query(".row"):
            what, ground = row.query(Input)
            out.append((what.value, ground.value))
        return out

    def preview(self) -> dict[str, Any]:
        on_ = parse_day(self.value("#on"), "refused on")
        scope = self.radio("#scope") or "whole"
        d = dict(self.detail.decision)
        d["refusal"] = {
            "scope": scope,
            "items": clean_items(self.items()),
            "reasons": self.value("#reasons"),
            "on": on_.isoformat(),
            **refusal_notice_block(self.app.settings.organisation.supervisory_authority, self.detail.regime, on_,
                                   country=self.detail.country, org_regime=self.app.settings.organisation.regime),
        }
        return d

    def problem(self) -> str | None:
        if not self.detail.is_open:
            return f"{self.ref} is {status_words(self.detail.status)}: reopen it before you refuse it"
        d = self.preview()
        on_ = date.fromisoformat(d["refusal"]["on"])
        auth = d["refusal"]["authority"]
        notice = Text()
        notice.append("The notice will name: ", style="bold")
        notice.append_text(literal(f"{auth['name']} ({', '.join(v for k, v in auth.items() if k != 'name' and v)})".replace("\n", ", ")))
        self.query_one("#notice", Static).update(notice)
        scope = d["refusal"]["scope"]
        finding = (d.get("assessment") or {}).get("finding")
        if scope == "partial" and not d["refusal"]["items"]:
            return "a partial refusal lists each item withheld with its ground"
        if scope == "whole" and finding in (None, "none") and not d["refusal"]["items"]:
            return (
                "a whole refusal needs an assessment finding the request manifestly unfounded or excessive (assess it "
                "first) or the exemption it rests on, as an item with its ground"
            )
        problems = refusal_content_problems(d, self.detail.regime, on_)
        if problems:
            return "the refusal notice would lack: " + "; ".join(problems)
        if on_ > self.today():
            return f"refused on: {fmt(on_)} is in the future"
        return None

    def ready_text(self) -> str:
        due, _ = refusal_deadline(self.detail.regime, self.detail.deadline)
        on_ = parse_day(self.value("#on"), "refused on")
        late = f" ⚠ {(on_ - due).days} days after the deadline: it will be recorded as late." if due and on_ > due else ""
        return "Ready: the notice carries every statement the law requires." + late

    def save(self) -> Callable[[Casework], Outcome]:
        from dpo_tui.services import decisions as dec

        ref, r, version = self.ref, self.preview()["refusal"], self.detail.version
        on_ = date.fromisoformat(r["on"])
        return lambda w: Outcome(
            dec.refuse(w, ref, r["scope"], r["items"], r["reasons"], on_, version=version), LETTER_FOR["refuse"]
        )


# ---------------------------------------------------------------------------------------------------------------
# Extension
# ---------------------------------------------------------------------------------------------------------------


class ExtendScreen(_Walk):
    TITLE_TEXT = "Extend the deadline of {ref}"
    LAW = (
        "One extension only, for a complex request or several requests; the person must be told, with reasons, "
        "before the first period ends."
    )

    def body(self) -> ComposeResult:
        dl = self.detail.deadline
        lines = [f"Due now: {fmt(dl.effective_due)}" if dl.effective_due else "No due date yet: the clock has not started"]
        if dl.extension_notice_by:
            lines.append(f"Tell the person by: {fmt(dl.extension_notice_by)}")
        if dl.extended_due and not dl.extended:
            lines.append(f"Due if extended: {fmt(dl.extended_due)}")
        yield Static(Text("\n".join(lines)), id="extend-dates")
        with RadioSet(id="reason"):
            yield RadioButton("Complex request", True, id="r-complex")
            yield RadioButton("Several requests (several rights at once count)", id="r-several_requests")
        yield from self.date_input("told", "Person told on")
        with Horizontal(classes="row"):
            yield Label("Reasons given", classes="field")
            yield Input(placeholder="e.g. the data sits in twelve systems, three archived", id="note")

    def problem(self) -> str | None:
        told = parse_day(self.value("#told"), "told on")
        check_extension(self.detail.deadline, told, self.radio("#reason") or "complex")
        if told > self.today():
            return f"told on: {fmt(told)} is in the future"
        if not self.value("#note").strip():
            return "write the reasons the person was given (they go in the extension letter)"
        return None

    def ready_text(self) -> str:
        dl = self.detail.deadline
        return f"Ready: the due date moves from {fmt(dl.effective_due)} to {fmt(dl.extended_due)}."

    def save(self) -> Callable[[Casework], Outcome]:
        from dpo_tui.services import decisions as dec

        ref, told, version = self.ref, parse_day(self.value("#told"), "told on"), self.detail.version
        reason, note = self.radio("#reason") or "complex", self.value("#note")
        return lambda w: Outcome(dec.extend(w, ref, reason, told, note, version=version), LETTER_FOR["extend"])


# ---------------------------------------------------------------------------------------------------------------
# Clarification
# ---------------------------------------------------------------------------------------------------------------


class ClarifyScreen(_Walk):
    TITLE_TEXT = "Clarification on {ref}"
    LAW = (
        "UK access requests: the clock stops from the day a question needed to identify the information is sent "
        "until the answer arrives (both days count). A question about format only does not stop it."
    )

    def read(self, casework: Casework) -> None:
        from dpo_tui.services.decisions import open_question

        super().read(casework)
        self.question = open_question(self.detail.decision)
        self.stops = casework.regime(self.detail.regime).stops_clock_for(self.detail.rights)

    def body(self) -> ComposeResult:
        if self.question:
            yield Label(f"Question sent {fmt(date.fromisoformat(self.question['asked_on']))}", classes="category")
            yield Static(literal(self.question["question"]), id="question-sent")
            yield Label("Answer received", classes="category")
            yield TextArea(id="answer")
            yield from self.date_input("on", "Answer arrived on")
            return
        effect = (
            "This case's clock stops while the question is unanswered."
            if self.stops
            else "This case's clock keeps running (no stop-the-clock for this regime or right)."
        )
        yield Static(Text(effect, style="bold"), id="clock-effect")
        yield Label("Question sent", classes="category")
        yield TextArea(id="question")
        yield Label("Purpose of the question", classes="category")
        with RadioSet(id="purpose"):
            yield RadioButton("To identify the information or processing the request is about", True, id="p-identify")
            yield RadioButton("About the format of the reply only", id="p-format")
        yield from self.date_input("on", "Sent on")

    def problem(self) -> str | None:
        on_ = parse_day(self.value("#on"), "date")
        if on_ > self.today():
            return f"{fmt(on_)} is in the future"
        if self.question:
            if on_ < date.fromisoformat(self.question["asked_on"]):
                return f"the answer cannot arrive before the question was sent ({fmt(date.fromisoformat(self.question['asked_on']))})"
            if not self.value("#answer").strip():
                return "write (or summarise) the answer received"
            return None
        if self.radio("#purpose") == "format":
            return (
                "a question only about the format of the reply does not stop the clock: ask it by letter or note and "
                "carry on working the case"
            )
        if self.detail.status not in ("new", "in_progress"):
            return f"{self.ref} is {status_words(self.detail.status)}: a question can be recorded only on a case in work"
        if not self.value("#question").strip():
            return "write the question you sent"
        return None

    def ready_text(self) -> str:
        if self.question:
            return "Ready: the case goes back into work" + ("; the paused days are added to the due date." if self.stops else ".")
        return "Ready: the case waits for the answer" + ("; the clock stops." if self.stops else "; the clock keeps running.")

    def save(self) -> Callable[[Casework], Outcome]:
        from dpo_tui.services import decisions as dec

        ref, on_, version = self.ref, parse_day(self.value("#on"), "date"), self.detail.version
        if self.question:
            answer = self.value("#answer")
            return lambda w: Outcome(dec.record_clarification_answer(w, ref, answer, on_, version=version))
        question, purpose = self.value("#question"), self.radio("#purpose") or "identify"
        return lambda w: Outcome(
            dec.ask_clarification(w, ref, question, purpose, on_, version=version), LETTER_FOR["clarify"]
        )


# ---------------------------------------------------------------------------------------------------------------
# The `a` menu and the flow between screens
# ---------------------------------------------------------------------------------------------------------------

MENU = (
    ("assess", "Assess: manifestly unfounded or excessive? (then fee or refusal)"),
    ("fee", "Fee calculator: ask for a fee, or a further-copy fee"),
    ("fee_paid", "Record the fee paid"),
    ("refuse", "Refuse the whole request"),
    ("refuse_partial", "Refuse in part"),
    ("no_response", "Close: fee unpaid or question unanswered (no response)"),
)


class DecisionMenu(DpoModal[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="decision_menu.cancel")]

    def __init__(self, ref: str, status: str) -> None:
        super().__init__()
        self.ref = ref
        self.status = status

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-frame"):
            yield Label(literal(f"Decision on {self.ref}"), classes="title")
            yield OptionList(*[Option(label, id=key) for key, label in MENU], id="decision-menu")
            yield Label("enter chooses · escape cancels", classes="hint")

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        ol.focus()
        ol.highlighted = 2 if self.status == "awaiting_fee" else 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


def screen_for(which: str, ref: str) -> _Walk:
    factories: dict[str, Callable[[], _Walk]] = {
        "assess": lambda: AssessScreen(ref),
        "fee": lambda: FeeScreen(ref, "fee"),
        "further": lambda: FeeScreen(ref, "further"),
        "fee_paid": lambda: FeePaidScreen(ref),
        "refuse": lambda: RefusalScreen(ref, "whole"),
        "refuse_partial": lambda: RefusalScreen(ref, "partial"),
        "extend": lambda: ExtendScreen(ref),
        "clarify": lambda: ClarifyScreen(ref),
    }
    return factories[which]()


def open_walkthrough(host: CaseScreen, which: str, *, done: Callable[[Any], None] | None = None) -> None:
    """Start walkthrough `which` ("menu", "assess", "fee", "fee_paid", "refuse", "refuse_partial", "extend",
    "clarify") for `host.ref` as a flow on the case screen. After each saved step `done(detail)` is called (default:
    `host.show_detail`), the assessment chains into the fee or refusal step it decided, and the letter the step
    needs is offered. A failure anywhere ends the flow in the case screen's error path (tui/base.py)."""
    host.run_flow(_walkthrough(host, which, done or host.show_detail))


async def _walkthrough(host: CaseScreen, which: str, show: Callable[[Any], None]) -> None:
    from dpo_tui.services import decisions as dec

    app, ref = host.app, host.ref
    step: str | None = which
    while step:
        if step == "menu":
            shown = await host.in_thread(lambda w: w.get(ref, with_events=False))  # closing applies to this state
            step = await app.push_screen_wait(DecisionMenu(ref, shown.status))
            if step == "no_response":
                detail = await host.in_thread(lambda w: dec.close_no_response(w, ref, version=shown.version))
                show(detail)
                app.notify(f"{ref} closed: {detail.outcome.replace('_', ' ')}.", markup=False)
                return
            continue
        screen = screen_for(step, ref)
        await host.in_thread(screen.read)
        outcome = await app.push_screen_wait(screen)
        if outcome is None:
            return
        show(outcome.detail)
        step = outcome.next_step
        if step is None:
            if outcome.letter:
                offer_letter(app, ref, outcome.letter, host.refresh_case, version=outcome.detail.version)
            else:
                app.notify(f"{ref}: saved.", markup=False)


def offer_letter(
    app: DpoApp, ref: str, kind: str, on_saved: Callable[[], object] | None = None, *, version: int | None = None
) -> None:
    """End of a walkthrough: open the letters screen on `kind` (preview, edit, save to the case)."""
    from dpo_tui.tui.letter_screen import LetterScreen

    app.notify(f"Saved. Here is the {kind.replace('_', ' ')} letter to send.", markup=False)
    app.push_screen(LetterScreen(ref, kind, version=version), lambda saved: on_saved() if saved and on_saved else None)
