"""Fee steps: ask for a fee (or a further-copy fee) with the calculator, and record the fee paid."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import (
    Input,
    Label,
    RadioButton,
    RadioSet,
    Static,
)

from dpo_tui.domain.dates import fmt
from dpo_tui.domain.lifecycle import Status
from dpo_tui.domain.records import DecisionRecord
from dpo_tui.domain.decisions import (
    breakdown_from_settings,
    format_money,
)
from dpo_tui.tui.modals.decisions.walk import (
    LETTER_FOR,
    Outcome,
    Walk,
    message_date,
    parse_day,
)
from dpo_tui.tui.text import literal

if TYPE_CHECKING:
    from dpo_tui.services.casework import Casework
    from dpo_tui.services.mail_answers import StepOffer


class FeeScreen(Walk):
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
            if self.detail.status == Status.AWAITING_FEE:
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


class FeePaidScreen(Walk):
    TITLE_TEXT = "Fee paid on {ref}"
    LAW = "Under UK GDPR the month runs from the day the fee arrives; record the date it actually arrived."

    def __init__(self, ref: str, *, message: StepOffer | None = None) -> None:
        super().__init__(ref)
        # A message that says the fee was paid (services/mail_answers.py): the date is its day of receipt and the
        # audit event names it.
        self.message = message

    def body(self) -> ComposeResult:
        fee = DecisionRecord.from_json(self.detail.decision).fee
        total = (fee.total if fee else None) or ""
        asked = f"{format_money(total, fee.currency)} asked for on {fee.requested_on.isoformat() if fee.requested_on else None}" if fee else "no fee asked for"
        yield Static(Text(f"Fee: {asked}"), id="fee-due")
        with Horizontal(classes="row"):
            yield Label("Amount received", classes="field")
            yield Input(str(total), id="amount", restrict=r"[0-9.]*")
        if self.message is None:
            yield from self.date_input("on", "Received on")
            return
        yield from message_date(self.message, "Received on")

    def problem(self) -> str | None:
        fee = DecisionRecord.from_json(self.detail.decision).fee
        if self.detail.status != Status.AWAITING_FEE or fee is None or not fee.outstanding or fee.requested_on is None:
            return f"{self.ref} is not awaiting a fee: nothing to record a payment against"
        from dpo_tui.domain.decisions import money

        if money(self.value("#amount")) < money(fee.total):
            return f"the amount is less than the fee of {format_money(fee.total, fee.currency)}; the clock starts only when it is paid"
        on_ = parse_day(self.value("#on"), "received on")
        if on_ > self.today():
            return f"received on: {fmt(on_)} is in the future"
        asked = fee.requested_on
        if on_ < asked:
            return f"received on: {fmt(on_)} is before the fee was asked for ({fmt(asked)})"
        return None

    def ready_text(self) -> str:
        return f"Ready: the case goes back into work; {'the clock starts on that day' if self.detail.regime == 'uk-gdpr' else 'the clock is unchanged'}."

    def save(self) -> Callable[[Casework], Outcome]:
        from dpo_tui.services import decisions as dec

        ref, amount, on_ = self.ref, self.value("#amount"), parse_day(self.value("#on"), "received on")
        version = self.detail.version
        if self.message is not None:
            from dpo_tui.services.mail_answers import record_from_message

            file_id = self.message.file_id
            return lambda w: Outcome(record_from_message(w, ref, file_id, amount=amount, version=version))
        return lambda w: Outcome(dec.record_fee_paid(w, ref, amount, on_, version=version))


# ---------------------------------------------------------------------------------------------------------------
# Refusal
# ---------------------------------------------------------------------------------------------------------------
