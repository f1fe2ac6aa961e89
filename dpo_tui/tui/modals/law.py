"""The case screen's records of issue 15, one dialog each, every one keyboard-driven:

- `E` the exemption log (`a` add, `d` withdraw the entry under the cursor): dpo_tui.services.decisions.add_exemption
- `g` erasure: the Art 17(1) ground (`g`) and Art 17(3) exceptions per system (`a`)
- `b` the Art 21(1) balancing test of an objection (restriction while pending, Art 18(1)(d))
- `K` complaints to the organisation (DPA 2018 s.164A): log one about a request; acknowledge or record the outcome
  of a complaint
- `R` the CCPA repeat request to know (Civ. Code 1798.130(b)): decline or answer

What the person wrote and what the DPO typed is shown with `literal()`; nothing is saved until ctrl+s, and a refused
save keeps the form as typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from dpo_tui.domain.dates import fmt
from dpo_tui.domain.records import DecisionRecord
from dpo_tui.tui.modals.form import Field, FormScreen, ListScreen, lines, parse_day
from dpo_tui.tui.text import literal

if TYPE_CHECKING:
    from dpo_tui.services.views import CaseDetail


def _today(screen: Any) -> str:
    return screen.app.today().isoformat()


# ---- exemption log -------------------------------------------------------------------------------------------------


def exemption_form(detail: CaseDetail, today: str) -> FormScreen:
    from dpo_tui.domain.exemptions import exemptions_for
    from dpo_tui.services.decisions import add_exemption

    offered = exemptions_for(detail.regime)
    ref, version = detail.ref, detail.version

    def submit(v: dict[str, Any]) -> Any:
        on = parse_day("on", v["on"])
        return lambda w: add_exemption(w, ref, item=v["item"], action=v["action"], exemption=v["exemption"],
                                       reasoning=v["reasoning"], law=v["law"], ncnd=bool(v["ncnd"]), on=on,
                                       version=version)  # fmt: skip

    fields = [
        Field("exemption", "Exemption relied on", "select", offered[0].key if offered else "",
              [(f"{e.citation}: {e.label}", e.key) for e in offered]),  # fmt: skip
        Field("item", "What is withheld or redacted"),
        Field("action", "Action", "select", "withheld", [("withheld", "withheld"), ("redacted", "redacted")]),
        Field("reasoning", "Why the exemption applies to this item", "text"),
        Field("law", "Law and provision relied on (EU Art 23, CCPA other law; else blank)"),
        Field("ncnd", "Neither confirm nor deny that such data is held (where the exemption allows it)", "check", False),
        Field("on", "Decided on (YYYY-MM-DD)", value=today, aliases=("decided on",)),
    ]
    return FormScreen(f"{detail.ref}: log an exemption ({detail.regime})", fields, submit)


class ExemptionLogScreen(ListScreen):
    """The case's exemption log: entries with their citation, reasoning, who and when."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add entry", id="exemptions.add"),
        Binding("d", "withdraw", "Withdraw entry", id="exemptions.withdraw"),
        Binding("escape", "close", "Close", id="exemptions.close"),
    ]

    def render_body(self) -> None:
        d = self.detail
        log = DecisionRecord.from_json(d.decision).exemptions
        self.query_one("#list-title", Label).update(Text(f"{d.ref}: exemption log ({d.regime}), {len(log)} entr{'y' if len(log) == 1 else 'ies'}"))
        self.query_one("#list-body", Static).update(
            Text("Letters list these entries (except neither-confirm-nor-deny ones); the export carries them all.", style="dim")
        )
        ol = self.query_one("#list-entries", OptionList)
        ol.clear_options()
        for e in log:
            t = Text(f"{e.id}. ", style="bold")
            t.append_text(literal(e.item))
            t.append(f" ({e.action}) under {e.citation}" + (", neither confirm nor deny" if e.ncnd else ""))
            t.append("\n   ")
            t.append_text(literal(e.reasoning, "italic"))
            t.append(f"  ({e.by}, {e.on.isoformat() if e.on else None})", style="dim")
            ol.add_option(Option(t, id=str(e.id)))
        keys = "a add · d withdraw the entry under the cursor · escape closes"
        self.query_one("#list-keys", Label).update(Text(keys if log else "No entries. a adds one · escape closes"))
        if log:
            ol.highlighted = 0
            ol.focus()

    def action_add(self) -> None:
        self.app.push_screen(exemption_form(self.detail, _today(self)), lambda d: self.after(d, "Exemption logged."))

    def action_withdraw(self) -> None:
        from dpo_tui.services.decisions import remove_exemption

        entry = self.selected_id()
        if entry is None:
            self.show_problem("No entry under the cursor.")
            return
        ref, version = self.detail.ref, self.detail.version

        def submit(v: dict[str, Any]) -> Any:
            return lambda w: remove_exemption(w, ref, entry_id=int(entry), reason=v["reason"], version=version)

        form = FormScreen(f"{ref}: withdraw exemption entry {entry}", [Field("reason", "Why the exemption no longer applies")],
                          submit, save_label="Withdraw")  # fmt: skip
        self.app.push_screen(form, lambda d: self.after(d, f"Exemption entry {entry} withdrawn (the audit trail keeps it)."))


# ---- erasure -------------------------------------------------------------------------------------------------------


class ErasureScreen(ListScreen):
    """Art 17(1) ground, Art 17(2) controllers informed, Art 17(3) exceptions per system (CCPA: 1798.105)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g", "ground", "Record ground", id="erasure.ground"),
        Binding("a", "exception", "Add exception", id="erasure.exception"),
        Binding("escape", "close", "Close", id="erasure.close"),
    ]

    def render_body(self) -> None:
        from dpo_tui.domain.erasure import problems

        d = self.detail
        er = dict((d.decision or {}).get("erasure") or {})
        self.query_one("#list-title", Label).update(Text(f"{d.ref}: erasure ({d.regime})"))
        rows: list[tuple[str, Any]] = [("Ground", er.get("ground_label") or "not recorded")]
        if er.get("ground_note"):
            rows.append(("Note", er["ground_note"]))
        if er.get("made_public"):
            rows.append(("Made public; controllers told (Art 17(2))", er.get("controllers_informed") or ""))
        body = lines(rows)

        record = DecisionRecord.from_json(d.decision).erasure
        for p in problems(record) if record else ["no Art 17(1) ground is recorded: record why the person is entitled to erasure"]:
            body.append(f"! {p}\n", style="bold")
        body.append(f"Kept under an exception ({len(er.get('exceptions') or [])}):", style="bold underline")
        self.query_one("#list-body", Static).update(body)
        ol = self.query_one("#list-entries", OptionList)
        ol.clear_options()
        for n, x in enumerate(er.get("exceptions") or [], start=1):
            t = Text(f"{x.get('system_name')}: ", style="bold")
            t.append(str(x.get("ground_label")))
            t.append("\n   ")
            t.append_text(literal(x.get("detail") or "", "italic"))
            ol.add_option(Option(t, id=str(n)))
        self.query_one("#list-keys", Label).update(Text("g records the ground · a adds an exception for a system · escape closes"))

    def action_ground(self) -> None:
        from dpo_tui.domain.erasure import grounds_for
        from dpo_tui.services.decisions import record_erasure_ground

        d = self.detail
        er = dict((d.decision or {}).get("erasure") or {})
        table = grounds_for(d.regime)
        ref, version = d.ref, d.version

        def submit(v: dict[str, Any]) -> Any:
            on = parse_day("on", v["on"])
            return lambda w: record_erasure_ground(w, ref, ground=v["ground"], note=v["note"], made_public=bool(v["made_public"]),
                                                  controllers_informed=v["controllers_informed"], on=on, version=version)  # fmt: skip

        fields = [
            Field("ground", "Ground the person is entitled to erasure on", "select", er.get("ground") or next(iter(table)),
                  [(label, key) for key, label in table.items()]),  # fmt: skip
            Field("note", "Note", value=er.get("ground_note") or ""),
            Field("made_public", "We made the data public (Art 17(2): tell other controllers)", "check", bool(er.get("made_public"))),
            Field("controllers_informed", "Which controllers were told, and how", value=er.get("controllers_informed") or ""),
            Field("on", "Decided on (YYYY-MM-DD)", value=_today(self), aliases=("decided on",)),
        ]
        self.app.push_screen(FormScreen(f"{ref}: erasure ground", fields, submit), lambda r: self.after(r, "Erasure ground recorded."))

    def action_exception(self) -> None:
        from dpo_tui.domain.erasure import exceptions_for
        from dpo_tui.services.decisions import add_erasure_exception

        d = self.detail
        systems = self.app.settings.organisation.systems
        table = exceptions_for(d.regime)
        ref, version = d.ref, d.version

        def submit(v: dict[str, Any]) -> Any:
            on = parse_day("on", v["on"])
            return lambda w: add_erasure_exception(w, ref, system=v["system"], exception=v["exception"], detail=v["detail"],
                                                   on=on, version=version)  # fmt: skip

        fields = [
            Field("system", "System where data is kept", "select", systems[0].key if systems else "",
                  [(s.name, s.key) for s in systems]),  # fmt: skip
            Field("exception", "Exception relied on", "select", next(iter(table)), [(label, key) for key, label in table.items()]),
            Field("detail", "What is kept, and why the exception applies", "text"),
            Field("on", "Decided on (YYYY-MM-DD)", value=_today(self), aliases=("decided on",)),
        ]
        self.app.push_screen(FormScreen(f"{ref}: data kept under an exception", fields, submit),
                             lambda r: self.after(r, "Erasure exception recorded."))  # fmt: skip


# ---- the Art 21(1) balancing test ------------------------------------------------------------------------------------


def balancing_form(detail: CaseDetail, today: str) -> FormScreen:
    from dpo_tui.domain.objection import BALANCING_OUTCOMES
    from dpo_tui.services.decisions import record_balancing_test

    b = dict(((detail.decision or {}).get("objection") or {}).get("balancing") or {})
    ref, version = detail.ref, detail.version

    def submit(v: dict[str, Any]) -> Any:
        on = parse_day("on", v["on"])
        return lambda w: record_balancing_test(w, ref, situation=v["situation"], grounds=v["grounds"], outcome=v["outcome"],
                                               restriction=bool(v["restriction"]), on=on, version=version)  # fmt: skip

    fields = [
        Field("situation", "The person's particular situation (Art 21(1)), as they put it", "text", b.get("situation") or ""),
        Field("grounds", "Our compelling legitimate grounds, or the legal claim (needed to continue processing)", "text",
              b.get("grounds") or ""),  # fmt: skip
        Field("outcome", "Outcome", "select", b.get("outcome") or "pending", [(label, key) for key, label in BALANCING_OUTCOMES.items()]),
        Field("restriction", "Processing is restricted while the test is pending (Art 18(1)(d))", "check",
              b.get("restriction", True)),  # fmt: skip
        Field("on", "Date (YYYY-MM-DD)", value=today, aliases=("decided on",)),
    ]
    law = "UK GDPR" if detail.regime == "uk-gdpr" else "GDPR"
    intro = Text(f"{law} Art 21(1): we must stop unless our compelling legitimate grounds override the person's "
                 "interests, rights and freedoms, or we need the data for legal claims. The burden is ours. The "
                 "objection letter draws from this record.")  # fmt: skip
    return FormScreen(f"{ref}: balancing test", fields, submit, intro=intro)


# ---- complaints (DPA 2018 s.164A) ------------------------------------------------------------------------------------


def complaint_new_form(detail: CaseDetail, today: str) -> FormScreen:
    from dpo_tui.services.complaints import log_complaint

    ref = detail.ref

    def submit(v: dict[str, Any]) -> Any:
        received = parse_day("received", v["received"])
        return lambda w: log_complaint(w, ref, grounds=v["grounds"], received=received, channel=v["channel"])

    from dpo_tui.services.casework import CHANNELS

    fields = [
        Field("grounds", "What the person complains about", "text"),
        Field("received", "Received (YYYY-MM-DD)", value=today),
        Field("channel", "Channel", "select", "email", [(c.replace("_", " "), c) for c in CHANNELS]),
    ]
    intro = ("A complaint is a case of its own, linked to this request. UK complaints from 19 Jun 2026: acknowledge "
             "within 30 days (DPA 2018 s.164A); elsewhere the organisation's own target applies.")  # fmt: skip
    return FormScreen(f"Complaint about {ref}", fields, submit, intro=intro, save_label="Log complaint")


def complaint_ack_form(detail: CaseDetail, today: str) -> FormScreen:
    from dpo_tui.services.casework import CHANNELS
    from dpo_tui.services.complaints import acknowledge_complaint

    ref, version = detail.ref, detail.version

    def submit(v: dict[str, Any]) -> Any:
        on = parse_day("on", v["on"])
        return lambda w: acknowledge_complaint(w, ref, on=on, how=v["how"], version=version)

    by = detail.deadline.acknowledge_by
    fields = [
        Field("on", "Acknowledged on (YYYY-MM-DD)", value=today, aliases=("date", "acknowledged")),
        Field("how", "How", "select", "email", [(c.replace("_", " "), c) for c in CHANNELS]),
    ]
    intro = f"Acknowledge by {fmt(by)}. Saving the acknowledgement letter (l) records this too." if by else ""
    return FormScreen(f"{ref}: complaint acknowledged", fields, submit, intro=intro)


def complaint_outcome_form(detail: CaseDetail, today: str) -> FormScreen:
    from dpo_tui.domain.complaints import OUTCOMES
    from dpo_tui.services.complaints import record_complaint_outcome

    ref, version = detail.ref, detail.version

    def submit(v: dict[str, Any]) -> Any:
        on = parse_day("on", v["on"])
        return lambda w: record_complaint_outcome(w, ref, outcome=v["outcome"], findings=v["findings"], actions=v["actions"],
                                                  on=on, version=version)  # fmt: skip

    fields = [
        Field("outcome", "Outcome", "select", "not_upheld", [(label, key) for key, label in OUTCOMES.items()]),
        Field("findings", "What the enquiries found", "text"),
        Field("actions", "What was done to put it right (needed when upheld in whole or part)", "text"),
        Field("on", "Date of the outcome (YYYY-MM-DD)", value=today, aliases=("date",)),
    ]
    return FormScreen(f"{ref}: complaint outcome (closes it; then send the outcome letter, l)", fields, submit)


# ---- CCPA: a third request to know in 12 months -----------------------------------------------------------------------


def repeat_form(detail: CaseDetail, earlier: tuple[str, ...], today: str) -> FormScreen:
    from dpo_tui.services.decisions import decide_repeat_request

    ref, version = detail.ref, detail.version

    def submit(v: dict[str, Any]) -> Any:
        on = parse_day("on", v["on"])
        return lambda w: decide_repeat_request(w, ref, decline=v["decision"] == "decline", note=v["note"], on=on, version=version)

    fields = [
        Field("decision", "Decision", "select", "answer",
              [("answer it anyway", "answer"), ("decline it (Cal. Civ. Code 1798.130(b)): refuses the request", "decline")]),  # fmt: skip
        Field("note", "Why (goes in the record and the letter)", "text"),
        Field("on", "Decided on (YYYY-MM-DD)", value=today, aliases=("decided on",)),
    ]
    intro = Text(f"The same person made requests to know {', '.join(earlier)} in the last 12 months. The CCPA lets a "
                 "business decline a third (Cal. Civ. Code 1798.130(b)); it never has to.")  # fmt: skip
    return FormScreen(f"{ref}: repeat request to know", fields, submit, intro=intro)
