"""Decision walkthroughs (modal): assessment with fee or refusal (`a`), extension (`x`), clarification (`c`).

Each screen validates as you go, says in one line what the law requires at that step, refuses (with the reason
shown) what the law does not allow, and ends by offering the letter the step needs. Keyboard only: tab moves,
space ticks, arrows choose in a radio set, ctrl+s saves, escape cancels.

The screens need `app.work` (Casework) and `app.today()`; they call the services in dpo_tui.services.decisions
directly (each a short transaction) and dismiss with the CaseDetail the verb returned, or None when cancelled.
`open_walkthrough(case_screen, which)` is the entry point the case screen uses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Checkbox, Input, Label, OptionList, RadioButton, RadioSet, Static, TextArea
from textual.widgets.option_list import Option

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
from dpo_tui.domain.errors import DomainError
from dpo_tui.tui.text import literal

if TYPE_CHECKING:
    from dpo_tui.services.views import CaseDetail

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
            raise DomainError(f"{what}: the date is required (YYYY-MM-DD)") from None
        raise DomainError(f"{what}: '{value}' is not a date: write it as YYYY-MM-DD, e.g. 2026-11-02") from None


class _Walk(ModalScreen[Outcome | None]):
    """Shared frame: title, the law in one line, a body, a status line (problems or 'ready'), the keys."""

    DEFAULT_CSS = """
    _Walk { align: center middle; }
    _Walk > Vertical {
        width: 94%; max-width: 130; height: 94%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    _Walk .title { text-style: bold; }
    _Walk .law { color: $text-muted; margin-bottom: 1; }
    _Walk VerticalScroll { height: 1fr; }
    _Walk .category { text-style: bold; margin-top: 1; }
    _Walk .row { height: auto; }
    _Walk .row Checkbox { width: 50; }
    _Walk .row Input { width: 1fr; }
    _Walk .field { width: 24; padding-top: 1; }
    _Walk .reminder { color: $warning; margin: 1 0; }
    _Walk RadioSet { width: 1fr; }
    _Walk TextArea { height: 5; }
    _Walk #status { height: auto; min-height: 1; padding: 0 1; }
    _Walk #status.refused { background: $error 30%; }
    _Walk #status.ready { background: $success 15%; }
    _Walk .hint { color: $text-muted; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="walk.save"),
        Binding("escape", "cancel", "Cancel", id="walk.cancel"),
    ]
    TITLE_TEXT = ""
    LAW = ""

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref
        self.detail: CaseDetail = None  # type: ignore[assignment]  # loaded in compose (the app is known there)

    def load(self) -> None:
        """Read what the screen shows (called from compose, inside the app)."""
        self.detail = self.work.get(self.ref)

    @property
    def work(self) -> Any:
        return self.app.work

    def today(self) -> date:
        return self.app.today()

    def compose(self) -> ComposeResult:
        self.load()
        with Vertical():
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

    def save(self) -> Outcome:  # pragma: no cover - overridden
        raise NotImplementedError

    def action_save(self) -> None:
        if self.check() is not None:
            self.app.bell()
            return
        try:
            outcome = self.save()
        except DomainError as exc:
            self.show_status(str(exc))
            return
        self.dismiss(outcome)

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
            literal(c.ref), fmt(c.received), literal(", ".join(c.rights)), literal(c.status.replace("_", " ")),
            " + ".join(c.matched_by), literal(overlap),
        )  # fmt: skip
    return t


class AssessScreen(_Walk):
    TITLE_TEXT = "Assess {ref}: manifestly unfounded or excessive?"
    LAW = (
        "The first response is free. A fee or a refusal needs the request to be manifestly unfounded or excessive, "
        "shown by evidence for each ground; decide this request on its own facts."
    )

    def load(self) -> None:
        from dpo_tui.services.decisions import related_cases

        super().load()
        self.facts = related_cases(self.work, self.ref)

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

    def save(self) -> Outcome:
        from dpo_tui.services import decisions as dec

        kind = self.radio("#decision") or "comply"
        detail = dec.assess(self.work, self.ref, self.chosen(), kind, note=self.value("#note"), on=self.today(), version=self.detail.version)
        nxt = {"fee": "fee", "refuse": "refuse", "refuse_in_part": "refuse_partial"}.get(kind)
        return Outcome(detail, None, nxt)


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
        fees = self.work.settings.fees
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
            self.work.settings.fees,
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

    def save(self) -> Outcome:
        from dpo_tui.services import decisions as dec

        on_ = parse_day(self.value("#on"), "asked for on")
        if (self.radio("#mode") or "fee") == "fee":
            return Outcome(dec.request_fee(self.work, self.ref, self.breakdown(), on_, version=self.detail.version), LETTER_FOR["fee"])
        paid = self.value("#paid-on").strip()
        detail = dec.record_further_copy_fee(
            self.work, self.ref, self.breakdown(), on_, paid_on=parse_day(paid, "paid on") if paid else None,
            version=self.detail.version,
        )
        return Outcome(detail, None)


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

    def save(self) -> Outcome:
        from dpo_tui.services import decisions as dec

        return Outcome(dec.record_fee_paid(self.work, self.ref, self.value("#amount"), parse_day(self.value("#on"), "received on"), version=self.detail.version))


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
        for i in range(self.rows):
            try:
                out.append((self.value(f"#item-{i}"), self.value(f"#ground-{i}")))
            except Exception:  # noqa: BLE001 - a row being mounted
                continue
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
            **refusal_notice_block(self.work.settings.organisation.supervisory_authority, self.detail.regime, on_),
        }
        return d

    def problem(self) -> str | None:
        if not self.detail.is_open:
            return f"{self.ref} is {self.detail.status.replace('_', ' ')}: reopen it before you refuse it"
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

    def save(self) -> Outcome:
        from dpo_tui.services import decisions as dec

        d = self.preview()
        r = d["refusal"]
        detail = dec.refuse(self.work, self.ref, r["scope"], r["items"], r["reasons"], date.fromisoformat(r["on"]), version=self.detail.version)
        return Outcome(detail, LETTER_FOR["refuse"])


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

    def save(self) -> Outcome:
        from dpo_tui.services import decisions as dec

        told = parse_day(self.value("#told"), "told on")
        detail = dec.extend(self.work, self.ref, self.radio("#reason") or "complex", told, self.value("#note"), version=self.detail.version)
        return Outcome(detail, LETTER_FOR["extend"])


# ---------------------------------------------------------------------------------------------------------------
# Clarification
# ---------------------------------------------------------------------------------------------------------------


class ClarifyScreen(_Walk):
    TITLE_TEXT = "Clarification on {ref}"
    LAW = (
        "UK access requests: the clock stops from the day a question needed to identify the information is sent "
        "until the answer arrives (both days count). A question about format only does not stop it."
    )

    def load(self) -> None:
        from dpo_tui.services.decisions import open_question

        super().load()
        self.question = open_question(self.detail.decision)
        self.stops = self.work.regime(self.detail.regime).stops_clock_for(self.detail.rights)

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
            return f"{self.ref} is {self.detail.status.replace('_', ' ')}: a question can be recorded only on a case in work"
        if not self.value("#question").strip():
            return "write the question you sent"
        return None

    def ready_text(self) -> str:
        if self.question:
            return "Ready: the case goes back into work" + ("; the paused days are added to the due date." if self.stops else ".")
        return "Ready: the case waits for the answer" + ("; the clock stops." if self.stops else "; the clock keeps running.")

    def save(self) -> Outcome:
        from dpo_tui.services import decisions as dec

        on_ = parse_day(self.value("#on"), "date")
        if self.question:
            return Outcome(dec.record_clarification_answer(self.work, self.ref, self.value("#answer"), on_, version=self.detail.version))
        detail = dec.ask_clarification(self.work, self.ref, self.value("#question"), self.radio("#purpose") or "identify", on_, version=self.detail.version)
        return Outcome(detail, LETTER_FOR["clarify"])


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


class DecisionMenu(ModalScreen[str | None]):
    DEFAULT_CSS = """
    DecisionMenu { align: center middle; }
    DecisionMenu > Vertical { width: 80; height: auto; border: thick $primary; background: $surface; padding: 0 1; }
    DecisionMenu OptionList { height: auto; max-height: 12; }
    DecisionMenu .hint { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="decision_menu.cancel")]

    def __init__(self, ref: str, status: str) -> None:
        super().__init__()
        self.ref = ref
        self.status = status

    def compose(self) -> ComposeResult:
        with Vertical():
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


def open_walkthrough(host: Any, which: str, *, done: Callable[[Any], None] | None = None) -> None:
    """Push walkthrough `which` ("menu", "assess", "fee", "fee_paid", "refuse", "refuse_partial", "extend",
    "clarify") for `host.ref`. `host` is the case screen (or anything with `.ref` and `.app`); after each saved step
    `done(detail)` is called (default: `host.show_detail`), the assessment chains into the fee or refusal step it
    decided, and the letter the step needs is offered."""
    app = host.app
    ref = host.ref
    show = done or getattr(host, "show_detail", None) or (lambda d: None)

    def after(outcome: Outcome | None) -> None:
        if outcome is None:
            return
        show(outcome.detail)
        if outcome.next_step:
            open_walkthrough(host, outcome.next_step, done=done)
        elif outcome.letter:
            offer_letter(app, ref, outcome.letter, getattr(host, "refresh_case", None), version=outcome.detail.version)
        else:
            app.notify(f"{ref}: saved.", markup=False)

    if which == "menu":
        def chosen(key: str | None) -> None:
            if key == "no_response":
                _close_no_response(app, ref, shown.version, show)
            elif key:
                open_walkthrough(host, key, done=done)

        try:
            shown = app.work.get(ref, with_events=False)  # the menu shows this state; closing applies to it
        except DomainError as exc:
            app.notify(str(exc), severity="error", markup=False)
            return
        app.push_screen(DecisionMenu(ref, shown.status), chosen)
        return
    try:
        screen = screen_for(which, ref)
    except DomainError as exc:
        app.notify(str(exc), severity="error", markup=False)
        return
    app.push_screen(screen, after)


def _close_no_response(app: Any, ref: str, version: int, show: Callable[[Any], None]) -> None:
    from dpo_tui.services import decisions as dec

    try:
        detail = dec.close_no_response(app.work, ref, version=version)
    except DomainError as exc:
        app.notify(str(exc), severity="error", markup=False)
        return
    show(detail)
    app.notify(f"{ref} closed: {detail.outcome.replace('_', ' ')}.", markup=False)


def offer_letter(app: Any, ref: str, kind: str, on_saved: Callable[[], None] | None = None, *, version: int | None = None) -> None:
    """End of a walkthrough: open the letters screen on `kind` (preview, edit, save to the case)."""
    try:
        from dpo_tui.tui.letter_screen import LetterScreen
    except ImportError:
        app.notify(f"Saved. Next: the {kind.replace('_', ' ')} letter (press l on the case).", markup=False)
        return
    app.notify(f"Saved. Here is the {kind.replace('_', ' ')} letter to send.", markup=False)
    app.push_screen(LetterScreen(ref, kind, version=version), lambda saved: on_saved() if saved and on_saved else None)
