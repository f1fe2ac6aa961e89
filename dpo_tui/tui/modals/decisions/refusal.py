"""Refusal step: refuse the whole request or part of it, each item with its ground, and the statements the letter needs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import (
    Input,
    Label,
    RadioButton,
    RadioSet,
    Static,
    TextArea,
)

from dpo_tui.domain.dates import fmt
from dpo_tui.domain.decisions import (
    ITEM_GROUNDS,
    clean_items,
    refusal_content_problems,
    refusal_deadline,
    refusal_notice_block,
)
from dpo_tui.domain.records import DecisionRecord
from dpo_tui.domain.states import RefusalScope
from dpo_tui.tui.formatting import status_words
from dpo_tui.tui.modals.decisions.walk import (
    LETTER_FOR,
    Outcome,
    Walk,
    parse_day,
)
from dpo_tui.tui.text import literal

if TYPE_CHECKING:
    from dpo_tui.services.casework import Casework


class RefusalScreen(Walk):
    TITLE_TEXT = "Refuse {ref}"
    LAW = (
        "The notice gives the reasons, the right to complain to the supervisory authority, the right to a judicial "
        "remedy and (UK, from 19 Jun 2026) the right to complain to the organisation first."
    )
    BINDINGS = [Binding("ctrl+n", "add_item", "Add item", id="refuse.add_item")]

    def __init__(self, ref: str, scope: str = RefusalScope.WHOLE) -> None:
        super().__init__(ref)
        self.scope = scope
        self.rows = 3

    def body(self) -> ComposeResult:
        due, why = refusal_deadline(self.detail.regime, self.detail.deadline)
        yield Static(Text(f"Deadline: {why}", style="bold"), id="refusal-deadline")
        with RadioSet(id="scope"):
            yield RadioButton("Refuse the whole request (the case closes as refused)", self.scope == RefusalScope.WHOLE, id="s-whole")
            yield RadioButton("Refuse in part (per item with its ground; the case stays in work)", self.scope == RefusalScope.PARTIAL, id="s-partial")
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
        scope = self.radio("#scope") or RefusalScope.WHOLE
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
        draft = DecisionRecord.from_json(d)
        scope = draft.refusal.scope if draft.refusal else None
        finding = draft.assessment.finding if draft.assessment else None
        if scope is RefusalScope.PARTIAL and not d["refusal"]["items"]:
            return "a partial refusal lists each item withheld with its ground"
        if scope is RefusalScope.WHOLE and finding in (None, "none") and not d["refusal"]["items"]:
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
