"""The case screen: a fixed header with the deadline badge, and tabs for everything recorded on the case.

How to extend it (walkthroughs, checklist, letters, export): add a `Binding(key, action, description, id="case.…")`
to `CaseScreen.BINDINGS` and an `action_…` method. Inside it, `self.detail` is the current `CaseDetail` (None until
loaded), `self.ref` the reference, `self.selected_item_key` the checklist item under the cursor. To change the case,
call `self.call_service(lambda casework: casework.some_verb(self.ref, ..., version=self.detail.version), done="…")`: it runs
in a thread, shows the `CaseDetail` the verb returns (or reloads), and reports errors. `load()` reloads from
the database; `show_detail(detail)` re-renders from a detail you already have.

Everything a requester wrote is rendered with `literal()`: never as markup, never as escape sequences.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, TabbedContent
from textual.worker import Worker

from dpo_tui.domain.errors import DomainError
from dpo_tui.tui.base import DpoScreen
from dpo_tui.tui.formatting import status_words, when
from dpo_tui.tui.modals.explain import ExplainScreen
from dpo_tui.tui.modals.note import NoteScreen
from dpo_tui.tui.screens.case_checklist import BINDINGS as CHECKLIST_BINDINGS
from dpo_tui.tui.screens.case_checklist import ChecklistActions
from dpo_tui.tui.screens.case_pack import BINDINGS as PACK_BINDINGS
from dpo_tui.tui.screens.case_pack import PackActions
from dpo_tui.tui.text import literal
from dpo_tui.tui.widgets.case_header import CaseHeader
from dpo_tui.tui.widgets.case_tabs import CaseTab, LoadedCase
from dpo_tui.tui.widgets.case_tabs.attachments import AttachmentsTab
from dpo_tui.tui.widgets.case_tabs.checklist import ChecklistTab
from dpo_tui.tui.widgets.case_tabs.decision import DecisionTab
from dpo_tui.tui.widgets.case_tabs.identity import IdentityTab
from dpo_tui.tui.widgets.case_tabs.letters import LettersTab
from dpo_tui.tui.widgets.case_tabs.overview import OverviewTab
from dpo_tui.tui.widgets.case_tabs.timeline import TimelineTab
from dpo_tui.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from dpo_tui.services.casework import Casework
    from dpo_tui.services.views import CaseDetail

TABS: tuple[tuple[str, str], ...] = (
    ("overview", "Overview"),
    ("identity", "Identity"),
    ("decision", "Decision"),
    ("checklist", "Checklist"),
    ("letters", "Letters"),
    ("timeline", "Timeline"),
    ("attachments", "Attachments"),
)
TAB_IDS = tuple(t for t, _ in TABS)


class CaseScreen(ChecklistActions, PackActions, DpoScreen[None]):
    """One case: header + deadline badge that never scroll away, and seven tabs."""


    BINDINGS: list[Binding] = [
        Binding("escape", "back", "Back", id="case.back"),
        Binding("w", "explain", "Why this date", id="case.explain"),
        Binding("m", "note", "Note", id="case.note"),
        Binding("v", "verify", "Verify identity", id="case.verify"),
        Binding("r", "reload", "Reload", id="case.reload"),
        Binding("a", "assess", "Assess (fee/refuse)", id="case.assess"),
        Binding("x", "extend", "Extend", id="case.extend"),
        Binding("c", "clarify", "Clarification", id="case.clarify"),
        Binding("l", "letters", "Letters", id="case.letters"),
        Binding("e", "export", "Export", id="case.export"),
        Binding("u", "undo", "Undo last action", id="case.undo"),
        Binding("H", "hold", "Legal hold", id="case.hold"),
        Binding("f", "follow_up", "Follow-ups", id="case.follow_up"),
        Binding("O", "originals", "Messages as received", id="case.originals"),
        Binding("R", "reopen", "Reopen (closed case)", show=False, id="case.reopen"),
        *CHECKLIST_BINDINGS,  # t tick, N not applicable, o item note, + add item, C complete (screens/case_checklist.py)
        # Issue 15 (tui/modals/law.py): shown in help (?), kept out of the footer.
        Binding("E", "exemptions", "Exemption log", show=False, id="case.exemptions"),
        Binding("g", "erasure", "Erasure ground / exceptions", show=False, id="case.erasure"),
        Binding("b", "balancing", "Objection: balancing test", show=False, id="case.balancing"),
        Binding("K", "complaint", "Complaint (log / acknowledge / outcome)", show=False, id="case.complaint"),
        Binding("Y", "repeat", "CCPA repeat request decision", show=False, id="case.repeat"),
        *PACK_BINDINGS,  # A attach, X redact, p pack, D delivered (screens/case_pack.py)
        Binding("1", "show_tab('overview')", "Overview", show=False, id="case.tab.overview"),
        Binding("2", "show_tab('identity')", "Identity", show=False, id="case.tab.identity"),
        Binding("3", "show_tab('decision')", "Decision", show=False, id="case.tab.decision"),
        Binding("4", "show_tab('checklist')", "Checklist", show=False, id="case.tab.checklist"),
        Binding("5", "show_tab('letters')", "Letters", show=False, id="case.tab.letters"),
        Binding("6", "show_tab('timeline')", "Timeline", show=False, id="case.tab.timeline"),
        Binding("7", "show_tab('attachments')", "Attachments", show=False, id="case.tab.attachments"),
        Binding("left", "cycle_tab(-1)", "Previous tab", show=False, priority=True, id="case.tab.previous"),
        Binding("right", "cycle_tab(1)", "Next tab", show=False, priority=True, id="case.tab.next"),
    ]

    def __init__(self, ref: str, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.ref = ref.strip().upper()
        self._detail: CaseDetail | None = None
        self._regime_name: str | None = None
        self._load_seq = 0  # loads started
        self._shown_seq = 0  # the newest load shown
        self._holds: tuple[Any, ...] = ()  # the active legal holds that keep this case (services.retention.HoldView)
        self._purged: tuple[Any, str | None] | None = None  # (when, how) its personal data was removed for retention

    # ---- public API for other screens and for extensions -----------------------------------

    @property
    def detail(self) -> CaseDetail | None:
        """The CaseDetail on screen (None until the first load finishes)."""
        return self._detail

    @property
    def selected_item_key(self) -> str | None:
        """The key of the checklist item under the cursor in the Checklist tab (None if there is none)."""
        return self.query_one(ChecklistTab).selected_item_key

    @property
    def active_tab(self) -> str:
        return self.query_one(TabbedContent).active

    def load(self) -> Worker[None]:
        """Reload the case from the database (in a thread) and re-render every part of the screen."""
        self._load_seq += 1
        return self._read(self._load_seq)

    def show_detail(self, detail: CaseDetail) -> None:
        """Re-render from a CaseDetail you already have (e.g. the one a service verb returned)."""
        if not self.is_attached or self._older_than_shown(detail):
            return
        self._detail = detail
        case = LoadedCase(detail, self._regime_name, self._holds, self._purged, self.app.today())
        self.query_one(CaseHeader).show(case)
        for tab in self.query(CaseTab):
            tab.show(case)

    def call_service(
        self, fn: Callable[[Any], CaseDetail | None], *, done: str | None = None
    ) -> Worker[None]:
        """Run `fn(app.casework)` in a thread. A returned CaseDetail is shown, otherwise the case is reloaded;
        `done` is then notified. Errors are reported (their text shown literally) and the case reloaded."""
        return self._call_service(fn, done)

    # ---- loading and service calls (thread workers; failures reach worker_failed) --------------

    def _read(self, seq: int) -> Worker[None]:
        # Not exclusive: an older answer arriving late is dropped in _loaded.
        known = self._regime_name

        def read(casework: Casework) -> tuple[CaseDetail, str, tuple[Any, ...]]:
            from dpo_tui.services.retention import case_retention

            detail = casework.get(self.ref)
            holds = case_retention(casework, self.ref)
            if known is not None:
                return detail, known, holds
            try:
                return detail, casework.regime(detail.regime).name, holds
            except DomainError:  # a regime no longer configured: its key is shown instead
                return detail, detail.regime, holds

        return self.call_in_thread(read, lambda loaded: self._loaded(*loaded, seq), group="case-load")

    def _older_than_shown(self, detail: CaseDetail) -> bool:
        # A reload started before a save (the change poll, a teammate's write) can arrive after the save's own
        # CaseDetail was shown: the case row's version orders them, so the older state never replaces the newer.
        return self._detail is not None and detail.version < self._detail.version

    def _loaded(self, detail: CaseDetail, regime_name: str, kept: Any, seq: int) -> None:
        if seq < self._shown_seq or self._older_than_shown(detail):
            return
        self._shown_seq = seq
        self._regime_name = regime_name
        self._holds = kept.holds
        self._purged = (kept.purged_at, kept.purge_action) if kept.purged_at else None
        self.show_detail(detail)
        from dpo_tui.tui.modals.mail_step import offer_unread

        offer_unread(self, detail)  # an unread message that may answer what the case awaits: "Record as …?" once

    @property
    def holds(self) -> tuple[Any, ...]:
        """The active legal holds on this case or its requester, as last loaded."""
        return self._holds

    def _call_service(self, fn: Callable[[Casework], CaseDetail | None], done: str | None) -> Worker[None]:
        def shown(result: CaseDetail | None) -> None:
            if result is not None and hasattr(result, "deadline"):
                self.show_detail(result)
            else:
                self.load()
            if done:
                self.app.notify(done, markup=False)

        return self.call_in_thread(fn, shown, group="case-service")

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        if not self.is_attached:
            return
        if worker.group == "case-load":
            if self._detail is None:
                self.query_one(CaseHeader).show_failure(error)
            self.show_error(error)
            return
        self.show_error(error)
        if worker.group == "case-service":
            self.load()  # show the case as it now is

    def action_letters(self) -> None:
        from dpo_tui.tui.modals.letter import LetterScreen

        version = self._detail.version if self._detail else None
        self.app.push_screen(LetterScreen(self.ref, version=version), lambda saved: self.load() if saved else None)

    def action_undo(self) -> None:
        """Undo the last action on the case, after a confirmation that says what will be undone (or why not)."""
        if self.loaded_detail() is None:
            return
        from dpo_tui.services import undo as undoing

        ref = self.ref
        self.call_in_thread(lambda w: undoing.preview(w, ref), self._confirm_undo, group="case-service")

    def _confirm_undo(self, plan: Any) -> None:
        from dpo_tui.services import undo as undoing
        from dpo_tui.tui.modals.prompts import ConfirmScreen

        if not plan.possible:
            self.app.notify(plan.describe(), title="Cannot undo", severity="warning", markup=False)
            return
        question = Text("Undo the last action on this case?\n\n", style="bold")
        question.append_text(literal(f"#{plan.seq} {plan.kind} by {plan.actor} at {when(plan.at)}"))
        question.append("\nwill be reversed by a new, audited action: ")
        question.append(plan.will or "", style="bold")

        def answered(yes: bool | None) -> None:
            if yes:
                self.call_service(
                    lambda w: undoing.undo(w, plan.ref, version=plan.version, seq=plan.seq), done=f"{plan.ref}: {plan.describe()}"
                )

        self.app.push_screen(ConfirmScreen(question, "enter or y: undo · escape or n: keep it"), answered)

    def action_hold(self) -> None:
        """Place a legal hold (reason, review date; this case or all the requester's), or release one."""
        d = self.loaded_detail()
        if d is None:
            return
        if not self._holds:
            self._place_hold()
            return
        from dpo_tui.tui.modals.prompts import ChooseScreen

        options = [(f"release:{h.id}", f"Release hold #{h.id} on {h.target}: {h.reason}") for h in self._holds]
        options.append(("place", "Place another hold"))

        def chosen(key: str | None) -> None:
            if key == "place":
                self._place_hold()
            elif key and key.startswith("release:"):
                self._release_hold(int(key.split(":", 1)[1]))

        self.app.push_screen(ChooseScreen(f"Legal holds on {d.ref}", options), chosen)

    def _place_hold(self) -> None:
        from dpo_tui.tui.modals.hold import HoldScreen

        d = self._detail
        assert d is not None

        def placed(view: Any) -> None:
            if view is not None:
                self.app.notify(f"Hold #{view.id} placed on {view.target}.", markup=False)
                self.load()

        self.app.push_screen(HoldScreen(d.ref, d.version, str(d.requester.get("email") or "")), placed)

    def _release_hold(self, hold_id: int) -> None:
        from dpo_tui.services.retention import release_hold
        from dpo_tui.tui.modals.prompts import AskScreen

        version = self._detail.version if self._detail else None
        own = any(h.id == hold_id and h.scope == "case" for h in self._holds)

        def answered(reason: str | None) -> None:
            if reason is None:
                return
            self.call_service(
                lambda w: release_hold(w, hold_id, reason, version=version if own else None) and None,
                done=f"Hold #{hold_id} released.",
            )

        self.app.push_screen(AskScreen(f"Why does hold #{hold_id} end?", placeholder="the claim settled, ..."), answered)
    def action_follow_up(self) -> None:
        d = self.loaded_detail()
        if d is None:
            return
        from dpo_tui.tui.modals.follow_up import FollowUpScreen

        self.app.push_screen(FollowUpScreen(self.ref, d.version), lambda changed: self.load() if changed else None)

    def action_originals(self) -> None:
        """The messages kept with the case as received: headers and text literally; reading them clears the
        queue's unread / chaser marker."""
        d = self.loaded_detail()
        if d is None:
            return
        from dpo_tui.tui.modals.original import OriginalsScreen

        self.app.push_screen(OriginalsScreen(self.ref, d.version), lambda changed: self.load() if changed else None)

    def action_export(self) -> None:
        from dpo_tui.tui.modals.export import ExportScreen

        self.app.push_screen(ExportScreen([self.ref]))

    def action_assess(self) -> None:
        from dpo_tui.tui.modals.decisions.flow import open_walkthrough

        if self._request_only():
            return
        open_walkthrough(self, "menu")

    def action_extend(self) -> None:
        from dpo_tui.tui.modals.decisions.flow import open_walkthrough

        if self._request_only():
            return
        open_walkthrough(self, "extend")

    def action_clarify(self) -> None:
        from dpo_tui.tui.modals.decisions.flow import open_walkthrough

        if self._request_only():
            return
        open_walkthrough(self, "clarify")

    # ---- issue 15: exemption log, erasure, balancing test, complaints, CCPA repeat (tui/modals/law.py) ----------

    def loaded_detail(self) -> CaseDetail | None:
        """The case on screen, or None after telling the DPO it is still loading (what every key checks first)."""
        if self._detail is None:
            self.app.notify("The case is still loading.", markup=False)
        return self._detail

    def _after_form(self, done: str) -> Callable[[CaseDetail | None], None]:
        def shown(detail: CaseDetail | None) -> None:
            if detail is not None:
                self.show_detail(detail)
                if done:
                    self.app.notify(done, markup=False)

        return shown

    def _request_only(self) -> bool:
        """A complaint case has its own verbs (K and its letters): a request's walkthroughs refuse at once."""
        d = self._detail
        if d is not None and d.kind == "complaint":
            self._refuse(f"{d.ref} is a complaint about {d.about_ref}: K acknowledges it or records its outcome; "
                         "identity, fees, refusals, extensions and clarifications belong to the request.")  # fmt: skip
            return True
        return False

    def _refuse(self, message: str) -> None:
        self.app.notify(message, severity="warning", markup=False)

    def action_exemptions(self) -> None:
        from dpo_tui.tui.modals.law import ExemptionLogScreen

        d = self.loaded_detail()
        if d is None:
            return
        if d.kind == "complaint":
            self._refuse(f"{d.ref} is a complaint: exemptions are logged on the request {d.about_ref}.")
            return
        self.app.push_screen(ExemptionLogScreen(d), self._after_form(""))

    def action_erasure(self) -> None:
        from dpo_tui.tui.modals.law import ErasureScreen

        d = self.loaded_detail()
        if d is None:
            return
        if "erasure" not in d.rights or d.kind == "complaint":
            self._refuse(f"{d.ref} does not invoke the right to erasure.")
            return
        self.app.push_screen(ErasureScreen(d), self._after_form(""))

    def action_balancing(self) -> None:
        from dpo_tui.domain.objection import balancing_refusal, recorded_direct_marketing
        from dpo_tui.tui.modals.law import balancing_form

        d = self.loaded_detail()
        if d is None:
            return
        if "objection" not in d.rights or d.kind == "complaint":
            self._refuse(f"{d.ref} does not invoke the right to object.")
            return
        if d.regime == "ccpa":
            self._refuse("A CCPA opt-out of sale or sharing is never balanced (Cal. Civ. Code 1798.120).")
            return
        problem = balancing_refusal(recorded_direct_marketing({i.key: i.state for i in d.checklist}))
        if problem:
            self._refuse(problem[0].upper() + problem[1:] + ".")
            return
        self.app.push_screen(balancing_form(d, self.app.today().isoformat()), self._after_form("Balancing test recorded."))

    def action_complaint(self) -> None:
        """On a request: log a complaint about it (then open the complaint). On a complaint: acknowledge it, or
        record its outcome once acknowledged."""
        from dpo_tui.tui.modals import law

        d = self.loaded_detail()
        if d is None:
            return
        today = self.app.today().isoformat()
        if d.kind != "complaint":

            def logged(c: CaseDetail | None) -> None:
                if c is not None:
                    self.load()
                    self.app.notify(f"Complaint {c.ref} logged about {d.ref}.", markup=False)
                    self.app.open_case(c.ref)

            self.app.push_screen(law.complaint_new_form(d, today), logged)
            return
        c = (d.decision or {}).get("complaint") or {}
        if not d.is_open:
            self._refuse(f"{d.ref} is closed: the complaint was {c.get('outcome_label') or d.status}.")
        elif not c.get("acknowledged_on"):
            self.app.push_screen(law.complaint_ack_form(d, today), self._after_form("Complaint acknowledged."))
        else:
            self.app.push_screen(law.complaint_outcome_form(d, today), self._after_form("Complaint outcome recorded; send the outcome letter (l)."))

    def action_repeat(self) -> None:
        from dpo_tui.services.decisions import related_cases
        from dpo_tui.tui.modals.law import repeat_form

        d = self.loaded_detail()
        if d is None:
            return
        if d.regime != "ccpa":
            self._refuse("The repeat request rule is the CCPA's (Cal. Civ. Code 1798.130(b)); this is not a CCPA case.")
            return
        ref = d.ref

        def offer(facts: Any) -> None:
            if not facts.ccpa_repeat:
                self._refuse(f"{ref} is not a third request to know from this person in 12 months.")
                return
            current = self._detail or d
            self.app.push_screen(repeat_form(current, tuple(facts.ccpa_repeat), self.app.today().isoformat()),
                                 self._after_form("Repeat request decision recorded."))  # fmt: skip

        self.call_in_thread(lambda w: related_cases(w, ref), offer, group="case-service")
    def action_reopen(self) -> None:
        """Reopen a closed case into work, with a reason (audited: `case.reopened`)."""
        from dpo_tui.tui.modals.checklist import TextPrompt

        detail = self.loaded_detail()
        if detail is None:
            return
        if detail.is_open:
            self.app.notify(f"{detail.ref} is open ({status_words(detail.status)}): nothing to reopen.", markup=False)
            return
        ref, version = detail.ref, detail.version

        def reopen(w: Casework, reason: str) -> CaseDetail:
            return w.reopen(ref, reason, version=version)

        self.app.push_screen(
            TextPrompt(
                Text(f"Reopen {ref} ({status_words(detail.status)})", style="bold"),
                prompt="Why is it reopened? (recorded in the audit trail)",
                save=reopen,
                placeholder="e.g. complaint: the response left out the call recordings",
            ),
            self._after(f"{ref} reopened: in progress."),
        )

    # ---- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield CaseHeader(self.ref, id="case-header")
        with TabbedContent(id="case-tabs"):
            yield OverviewTab("1 Overview", id="overview")
            yield IdentityTab("2 Identity", id="identity")
            yield DecisionTab("3 Decision", id="decision")
            yield ChecklistTab("4 Checklist", id="checklist")
            yield LettersTab("5 Letters", id="letters")
            yield TimelineTab("6 Timeline", id="timeline")
            yield AttachmentsTab("7 Files", id="attachments")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load()

    # ---- actions ---------------------------------------------------------------------------

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    @on(TabbedContent.TabActivated, "#case-tabs")
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        # The checklist's keys act on its cursor: it takes the focus, or arrows moved the tab strip and `t`
        # ticked item 1 whatever the user looked at (issue 16).
        if event.pane.id == "checklist":
            self.query_one("#checklist-list", OptionList).focus()

    def action_cycle_tab(self, step: int) -> None:
        tabs = self.query_one(TabbedContent)
        i = TAB_IDS.index(tabs.active) if tabs.active in TAB_IDS else 0
        tabs.active = TAB_IDS[(i + step) % len(TAB_IDS)]

    def action_explain(self) -> None:
        d = self.loaded_detail()
        if d is None:
            return
        self.app.push_screen(ExplainScreen(d.ref, d.deadline))

    def action_verify(self) -> None:
        """The identity verification walkthrough (issue 5); the case is re-shown from what it returns."""
        d = self.loaded_detail()
        if d is None:
            return
        from dpo_tui.tui.modals.identity import IdentityWalkthrough

        if self._request_only():
            return

        def done(detail: CaseDetail | None) -> None:
            if detail is not None:
                self.show_detail(detail)
            else:
                self.load()

        self.app.push_screen(IdentityWalkthrough(d), done)

    def action_note(self) -> None:
        d = self.loaded_detail()
        if d is None:
            return
        ref, version = d.ref, d.version

        def saved(text: str | None) -> None:
            if text:
                self.call_service(lambda w: w.add_note(ref, text, version=version), done=f"Note added to {ref}.")

        self.app.push_screen(NoteScreen(ref), saved)
