"""The identity verification walkthrough (issue 5): a modal that asks the questions in order and records the answers.

Steps: 1 needed at all? → 2 who is asking → 3 what to ask for → 4 request sent (awaiting ID, letter) →
5 what arrived → 6 outcome. It opens at the step the case has reached: a case awaiting ID opens at step 5, one whose
information arrived at step 6, a verified one at step 2 ("more information requested"). A closed case is refused in
the form. Each step shows in one line what the law requires, validates before anything is saved (the error appears
in the form, nothing is written), and records through `dpo_tui.services.identity`.

Keyboard: tab / shift+tab move between fields, enter in a field (or on the button) does the step's action,
escape goes back a step (before anything is saved) or closes. Dismisses with the last CaseDetail (or None).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from dpo_tui.domain import identity as rules
from dpo_tui.domain.dates import fmt, parse_date, relative_days
from dpo_tui.domain.errors import DomainError, InvalidInput
from dpo_tui.domain.clock import ClockState
from dpo_tui.domain.identity import IdStatus, Method, Outcome, RequesterKind
from dpo_tui.domain.records import IdentityRecord
from dpo_tui.tui.base import DpoModal
from dpo_tui.tui.formatting import requester_line, status_words
from dpo_tui.tui.text import literal

if TYPE_CHECKING:
    from dpo_tui.services.casework import Casework
    from dpo_tui.services.letters import Draft
    from dpo_tui.services.views import CaseDetail

STEPS = {
    1: "Is verification needed at all?",
    2: "Who is asking?",
    3: "What to ask for",
    4: "Request sent",
    5: "What arrived",
    6: "Outcome",
}
CONTACT_OPTIONS = [("not a recognised contact", "none"), *[(label, key) for key, label in rules.RECOGNISED_CONTACTS.items()]]
KIND_OPTIONS = [(k.label, k.value) for k in RequesterKind]
METHOD_OPTIONS = [(m.label, m.value) for m in Method]
COMPETENT_OPTIONS = [("not assessed yet", "unknown"), ("competent", "yes"), ("not competent", "no")]
OUTCOME_OPTIONS = [(o.value.replace("_", " "), o.value) for o in Outcome]


def start_step(detail: CaseDetail) -> int:
    state = rules.current(detail.identity)
    if state is IdStatus.AWAITING:
        return 5
    if state is IdStatus.RECEIVED:
        return 6
    if state in (IdStatus.VERIFIED, IdStatus.NOT_NEEDED):
        return 2
    return 1


class IdentityWalkthrough(DpoModal["CaseDetail | None"]):
    BINDINGS = [Binding("escape", "back", "Back / close", id="identity.back")]

    def __init__(self, detail: CaseDetail) -> None:
        super().__init__()
        self.detail = detail
        self.step = 1
        self.history: list[int] = []
        self.letter_kind: str | None = None
        self.letter_subject = ""
        self._need_touched = False
        self._changed = False  # something was saved: the case screen reloads

    # ---- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        d = self.detail
        agent_kind = str(d.agent.get("kind") or "")
        kind = agent_kind if agent_kind in {k.value for k in RequesterKind} else RequesterKind.SELF.value
        today = self._today().isoformat()
        with Vertical(classes="modal-frame"):
            yield Static("", id="id-title")
            yield Static("", id="id-law")
            who = Text("Requester: ")
            who.append_text(requester_line(d.requester, d.agent))
            yield Static(who, id="id-requester")
            yield Static("", id="id-error")
            with VerticalScroll(can_focus=False):  # no tab stop where enter does nothing (as in walk.py)
                with Vertical(id="step-1", classes="step"):
                    yield Label("Recognised contact?")
                    yield Select(CONTACT_OPTIONS, allow_blank=False, value="none", id="need-contact")
                    yield Checkbox("The data likely to be disclosed is sensitive", id="need-sensitive")
                    yield Checkbox("The contact details do not match our records", id="need-mismatch")
                    yield Static("", id="need-suggestion", classes="suggestion")
                    yield Label("Decision")
                    yield Select([("verification needed", "needed"), ("not needed", "not_needed")], allow_blank=False,
                                 value="needed", id="need-decision")
                    yield Label("Reason (recorded)")
                    yield Input(id="need-reason")
                    with Horizontal(classes="buttons"):
                        yield Button("Next", id="need-next", variant="primary")
                with Vertical(id="step-2", classes="step"):
                    yield Label("Who is asking?")
                    yield Select(KIND_OPTIONS, allow_blank=False, value=kind, id="who-kind")
                    yield Checkbox("Confirm the person's own identity", value=True, id="who-id")
                    yield Checkbox("Ask for evidence of authority to act", value=kind != "self", id="who-authority")
                    with Vertical(id="who-child", classes="step"):
                        yield Label("Child's age")
                        yield Input(id="child-age", restrict=r"\d*", max_length=2)
                        yield Checkbox("The child lives in Scotland", value=d.subdivision == "SCT", id="child-scotland")
                        yield Label("Competence (understands their rights)")
                        yield Select(COMPETENT_OPTIONS, allow_blank=False, value="unknown", id="child-competent")
                        yield Label("Reason for the competence assessment")
                        yield Input(id="child-reason")
                        yield Checkbox("The child has authorised the parent to act", id="child-authorised")
                        yield Checkbox("Not competent: acting is in the child's best interests", id="child-best")
                        yield Static("", id="child-hint", classes="hint")
                    with Horizontal(classes="buttons"):
                        yield Button("Next", id="who-next", variant="primary")
                with Vertical(id="step-3", classes="step"):
                    yield Static("", id="what-suggestion", classes="suggestion")
                    yield Label("Method")
                    yield Select(METHOD_OPTIONS, allow_blank=False, value=Method.CONFIRM_DETAILS.value, id="what-method")
                    yield Label("What the person is asked for (one item a line)")
                    yield TextArea(id="what-text")
                    yield Label("Date the request is sent (YYYY-MM-DD)")
                    yield Input(today, id="what-on")
                    # Issue 15 (rights-requests.md 2.1 rule 9): asked only when the due date has already passed.
                    with Vertical(id="what-late-box", classes="step"):
                        yield Static("", id="what-late-why", classes="hint")
                        yield Label("Why ask for ID now (reasonable doubt, Art 12(6)); the lapse stays on the record")
                        yield Input(id="what-late")
                    with Horizontal(classes="buttons"):
                        yield Button("Send request", id="what-send", variant="primary")
                with Vertical(id="step-5", classes="step"):
                    yield Static("", id="got-waiting", classes="hint")
                    yield Label("Date it arrived (YYYY-MM-DD): the clock starts here (UK)")
                    yield Input(today, id="got-on")
                    yield Label("What was seen (document type, e.g. 'passport sighted') — never the document or its number")
                    yield Input(id="got-seen")
                    yield Label("Which details matched")
                    yield Input(id="got-matched")
                    yield Label("Checked by")
                    yield Input(self._user(), id="got-by")
                    yield Checkbox("A copy of a document was received", id="got-copy")
                    yield Checkbox("Any copy has been deleted (dpo-tui never keeps ID documents)", id="got-deleted")
                    with Vertical(id="got-authority-box", classes="step"):
                        yield Label("Evidence of authority that arrived")
                        yield Input(id="got-authority")
                        yield Label("Date the authority arrived (blank: same day)")
                        yield Input(id="got-authority-on")
                    with Horizontal(classes="buttons"):
                        yield Button("Record", id="got-save", variant="primary")
                        yield Button("Withdrawn / cannot verify…", id="got-outcome")
                        yield Button("Close: no response", id="got-noresponse", variant="warning")
                with Vertical(id="step-6", classes="step"):
                    yield Static("", id="out-deadline", classes="suggestion")
                    yield Label("Outcome")
                    yield Select(OUTCOME_OPTIONS, allow_blank=False, value=Outcome.VERIFIED.value, id="out-kind")
                    yield Label("Reason (required for could not verify and withdrawn; the letter quotes it)")
                    yield Input(id="out-reason")
                    yield Label("Date (YYYY-MM-DD)")
                    yield Input(today, id="out-on")
                    with Horizontal(classes="buttons"):
                        yield Button("Record outcome", id="out-save", variant="primary")
                with Vertical(id="step-done", classes="step"):
                    yield Static("", id="done-summary")
                    yield Static("", id="letter-title", classes="hint")
                    yield TextArea(id="letter-text", read_only=True)
                    with Horizontal(classes="buttons"):
                        yield Button("Keep letter as sent", id="letter-save", variant="primary")
                        yield Button("Edit in letters…", id="letter-open")
                        yield Button("Close", id="done-close")
            yield Label("tab moves · enter continues · escape goes back or closes", classes="hint")

    def on_mount(self) -> None:
        for button in self.query(Button):
            # Enter on a button is ignored for 0.2 s after a press (the "active" effect): a DPO who fixes the field
            # an error named and presses enter again at once must not have the key silently dropped.
            button.active_effect_duration = 0
        d = self.detail
        if not d.is_open:
            self._hide_all()
            self.query_one("#step-done").display = True
            self.query_one("#letter-text").display = False
            self.query_one("#letter-save").display = False
            self.query_one("#letter-title").display = False
            self._title(f"Verify identity — {d.ref}")
            self._error(
                f"{d.ref} is closed ({status_words(d.status)}): identity cannot be verified on a closed case. "
                "Reopen it first if the person has come back."
            )
            self.query_one("#done-close").focus()
            return
        self._update_need_suggestion()
        self._update_kind()
        self._show(start_step(d), remember=False)

    # ---- helpers ---------------------------------------------------------------------------

    def _today(self) -> date:

        return self.app.today()

    def _user(self) -> str:
        return self.app.settings.user_name

    def _hide_all(self) -> None:
        for step in ("step-1", "step-2", "step-3", "step-5", "step-6", "step-done"):
            self.query_one(f"#{step}").display = False

    def _title(self, text: str) -> None:
        self.query_one("#id-title", Static).update(Text(text))

    def _show(self, step: int, *, remember: bool = True) -> None:
        if remember:
            self.history.append(self.step)
        self.step = step
        self._hide_all()
        self._error("")
        name = "done" if step == 4 else str(step)
        self.query_one(f"#step-{name}").display = True
        self._title(f"Verify identity — {self.detail.ref} · step {step} of 6: {STEPS[step]}")
        self.query_one("#id-law", Static).update(Text(rules.LAW[step]))
        if step == 3:
            self._fill_suggestion()
            self._update_late()
        if step == 5:
            self._prepare_arrival()
        if step == 6:
            self._prepare_outcome()
        first = {1: "#need-contact", 2: "#who-kind", 3: "#what-method", 4: "#done-close", 5: "#got-on", 6: "#out-kind"}
        self.query_one(first[step]).focus()

    def _error(self, message: str) -> None:
        self.query_one("#id-error", Static).update(literal(message) if message else "")

    # The one error path (tui/base.py): the message in the form, the field the error names focused, nothing lost.

    def show_problem(self, message: str) -> None:
        self._error(message)

    def field_selector(self, field: str) -> str | None:
        return _FIELD_WIDGETS.get(field, {}).get(self.step)

    def _record(self, fn: Callable[[Casework], CaseDetail], then: Callable[[CaseDetail], None]) -> None:
        """Run a service verb in a thread worker; `then(detail)` after it is saved (errors: show_error)."""

        def saved(detail: CaseDetail) -> None:
            self._saved(detail)
            then(detail)

        self._error("")
        self.call_in_thread(fn, saved, group="identity-save", exclusive=True)

    def _saved(self, detail: CaseDetail) -> None:
        self.detail = detail
        self.history.clear()  # a saved step cannot be taken back with escape
        self._changed = True

    def _val(self, selector: str) -> Any:
        widget = self.query_one(selector)
        return widget.value

    # ---- step 1 ----------------------------------------------------------------------------

    def _facts(self) -> dict[str, Any]:
        contact = self._val("#need-contact")
        return {
            "recognised_contact": None if contact == "none" else contact,
            "sensitive": bool(self._val("#need-sensitive")),
            "mismatch": bool(self._val("#need-mismatch")),
        }

    def _update_need_suggestion(self) -> None:
        need = rules.assess_need(**self._facts())
        words = "Suggestion: verification needed — " if need.needed else "Suggestion: not needed — "
        self.query_one("#need-suggestion", Static).update(Text(words + need.reason))
        if not self._need_touched:
            self.query_one("#need-decision", Select).value = "needed" if need.needed else "not_needed"
            self.query_one("#need-reason", Input).value = need.reason

    @on(Select.Changed, "#need-contact")
    @on(Checkbox.Changed, "#need-sensitive, #need-mismatch")
    def _need_facts_changed(self) -> None:
        self._update_need_suggestion()

    @on(Input.Changed, "#need-reason")
    def _need_reason_typed(self, event: Input.Changed) -> None:
        if self.query_one("#need-reason", Input).has_focus:
            self._need_touched = True

    @on(Button.Pressed, "#need-next")
    def _need_next(self) -> None:
        from dpo_tui.services import identity as idv

        reason = self._val("#need-reason")
        if self._val("#need-decision") == "not_needed":
            ref, version, facts = self.detail.ref, self.detail.version, self._facts()
            self._record(
                lambda w: idv.record_not_needed(w, ref, reason, version=version, **facts),
                lambda d: self._finish("Recorded: identity verification not needed. " + (IdentityRecord.from_json(d.identity).reason or ""), None),
            )
            return
        if not " ".join(str(reason).split()):
            self.show_error(InvalidInput("reason", "say why verification is needed"))
            return
        self._show(2)

    # ---- step 2 ----------------------------------------------------------------------------

    def _kind(self) -> RequesterKind:
        return RequesterKind(self._val("#who-kind"))

    def _update_kind(self) -> None:
        kind = self._kind()
        self.query_one("#who-child").display = kind is RequesterKind.PARENT
        auth = self.query_one("#who-authority", Checkbox)
        auth.disabled = not kind.third_party
        if not kind.third_party:
            auth.value = False
        self._update_child_hint()

    @on(Select.Changed, "#who-kind")
    def _kind_changed(self) -> None:
        kind = self._kind()
        self.query_one("#who-authority", Checkbox).value = kind.third_party
        self._update_kind()

    @on(Input.Changed, "#child-age")
    @on(Checkbox.Changed, "#child-scotland")
    def _update_child_hint(self) -> None:
        hint = self.query_one("#child-hint", Static)
        text = self._val("#child-age")
        if not text:
            hint.update("Scotland: a child aged 12 or over is presumed competent; elsewhere assess case by case.")
            return
        age = int(text)
        if self._val("#child-scotland") and age >= rules.SCOTLAND_COMPETENCE_AGE:
            hint.update(f"Aged {age} in Scotland: presumed competent — the parent needs the child's authorisation.")
        else:
            hint.update(f"Aged {age}: assess competence case by case and record the reason.")

    def _child_args(self) -> dict[str, Any]:
        if self._kind() is not RequesterKind.PARENT:
            return {}
        age_text = self._val("#child-age")
        competent = {"yes": True, "no": False}.get(self._val("#child-competent"))
        return {
            "child_age": int(age_text) if age_text else None,
            "child_in_scotland": bool(self._val("#child-scotland")),
            "child_competent": competent,
            "child_reason": self._val("#child-reason"),
            "child_authorised": bool(self._val("#child-authorised")),
            "child_best_interests": bool(self._val("#child-best")),
        }

    @on(Button.Pressed, "#who-next")
    def _who_next(self) -> None:
        try:
            args = self._child_args()
            if args:
                assessed = rules.assess_child(
                    age=args["child_age"], in_scotland=args["child_in_scotland"], competent=args["child_competent"],
                    reason=args["child_reason"], child_authorised=args["child_authorised"],
                    best_interests=args["child_best_interests"],
                )  # fmt: skip
                problem = rules.parent_problem(assessed)
                if problem:
                    raise problem
            if not self._val("#who-id") and not self._val("#who-authority"):
                raise InvalidInput("what", "nothing to ask for: tick identity, authority or both (or go back: not needed)")
        except DomainError as exc:
            self.show_error(exc)
            return
        self._show(3)

    # ---- step 3 ----------------------------------------------------------------------------

    def _fill_suggestion(self) -> None:
        d = self.detail
        facts = self._facts()
        holds = bool(d.requester.get("address") or d.requester.get("phone") or d.requester.get("account"))
        s = rules.suggest_request(
            kind=self._kind(), id_needed=bool(self._val("#who-id")), sensitive=facts["sensitive"],
            mismatch=facts["mismatch"], holds_details=holds, has_account=bool(d.requester.get("account")),
        )  # fmt: skip
        if not self._val("#who-authority") and s.authority_needed:
            s = rules.Suggestion(s.method, s.asked_for.split("; and ")[0], s.why, s.id_needed, False)
        self.query_one("#what-suggestion", Static).update(Text(f"Suggested: {s.method.label} — {s.why}"))
        self.query_one("#what-method", Select).value = s.method.value
        self.query_one("#what-text", TextArea).text = "\n".join(part for part in s.asked_for.split("; and "))

    def _lapsed_due(self) -> date | None:
        """The due date in force, when the clock is running (an ID request after it is late)."""
        dl = self.detail.deadline
        return dl.effective_due if dl.clock_start is not None else None

    def _update_late(self) -> None:
        """Show the late-ID reason only when the request date is after the due date in force."""
        due = self._lapsed_due()
        try:
            on_ = date.fromisoformat(str(self._val("#what-on")).strip())
        except ValueError:
            on_ = None
        late = due is not None and on_ is not None and on_ > due
        self.query_one("#what-late-box").display = late
        if late:
            self.query_one("#what-late-why", Static).update(Text(
                f"The due date {fmt(due)} passed before {fmt(on_)}: asking for ID now still restarts the clock, but "
                "only where there is reasonable doubt, and the ICO expects ID to be asked for promptly. Say why.",
                style="bold"))  # fmt: skip

    @on(Input.Changed, "#what-on")
    def _what_on_changed(self) -> None:
        self._update_late()

    @on(Button.Pressed, "#what-send")
    def _what_send(self) -> None:
        from dpo_tui.services import identity as idv

        try:
            on_ = parse_date(self._val("#what-on"), "on")
        except DomainError as exc:
            self.show_error(exc)
            return
        due = self._lapsed_due()
        if due is not None and on_ > due and not str(self._val("#what-late")).strip():
            # Asked here, not inferred from the step 1 reason: why verification is needed is not why it is late.
            self._update_late()
            self.show_error(InvalidInput("late_reason", f"the due date {fmt(due)} passed before {fmt(on_)}: record why "
                                         "ID is asked for so late (reasonable doubt, Art 12(6)); the lapse stays on the record"))  # fmt: skip
            return
        what = "\n".join(
            " ".join(line.split()) for line in self.query_one("#what-text", TextArea).text.splitlines() if line.strip()
        )
        ref = self.detail.ref
        args = dict(
            requester_kind=self._kind().value, what=what, on=on_, method=self._val("#what-method"),
            id_needed=bool(self._val("#who-id")), authority_needed=bool(self._val("#who-authority")),
            reason=self._val("#need-reason") or None, version=self.detail.version, **self._facts(), **self._child_args(),
            late_reason=self._val("#what-late") or None,
        )  # fmt: skip
        self._record(lambda w: idv.request_identity(w, ref, **args), lambda d: self._sent(d, on_))

    def _sent(self, detail: CaseDetail, on_: date) -> None:
        dl = detail.deadline
        clock = (
            "clock not started until the information arrives"
            if dl.state is ClockState.NOT_STARTED
            else f"clock running: due {fmt(dl.effective_due)}" if dl.effective_due else f"clock {dl.state.value}"
        )
        self._finish(
            f"Request sent {fmt(on_)}: the case is awaiting ID since {fmt(on_)}; {clock}. "
            "When the answer arrives press v again to record it.",
            "identity_request",
        )

    # ---- step 5 ----------------------------------------------------------------------------

    def _awaiting_since(self) -> date | None:
        return IdentityRecord.from_json(self.detail.identity).requested_on

    def _prepare_arrival(self) -> None:
        ident = IdentityRecord.from_json(self.detail.identity)
        since = self._awaiting_since()
        limit = self._policy_days()
        waited = (self._today() - since).days if since else 0
        lines = [f"Awaiting ID since {fmt(since)} ({waited} day{'s' * (waited != 1)})" if since else "Awaiting ID"]
        if ident.asked_for:
            lines.append("Asked for: " + ident.asked_for.replace("\n", "; "))
        overdue = since is not None and waited > limit
        if overdue:
            lines.append(f"⚑ No reply for more than {limit} days (policy): you may close the case as no response.")
        self.query_one("#got-waiting", Static).update(literal("\n".join(lines)))
        self.query_one("#got-noresponse").display = overdue
        self.query_one("#got-authority-box").display = ident.authority.needed

    def _policy_days(self) -> int:
        return self.app.settings.policy.id_no_response_days

    @on(Button.Pressed, "#got-save")
    def _got_save(self) -> None:
        from dpo_tui.services import identity as idv

        try:
            on_ = parse_date(self._val("#got-on"), "on")
            auth_text = self._val("#got-authority-on")
            auth_on = parse_date(auth_text, "authority_on") if auth_text.strip() else None
        except DomainError as exc:
            self.show_error(exc)
            return
        ref = self.detail.ref
        args = dict(
            on=on_, seen=self._val("#got-seen"), matched=self._val("#got-matched"), checked_by=self._val("#got-by"),
            copy_received=bool(self._val("#got-copy")), copy_deleted=bool(self._val("#got-deleted")),
            authority_evidence=self._val("#got-authority") or None, authority_on=auth_on, version=self.detail.version,
        )  # fmt: skip
        self._record(lambda w: idv.record_received(w, ref, **args), lambda d: self._show(6, remember=False))

    @on(Button.Pressed, "#got-outcome")
    def _got_outcome(self) -> None:
        self._show(6)
        self.query_one("#out-kind", Select).value = "withdrawn"

    @on(Button.Pressed, "#got-noresponse")
    def _got_noresponse(self) -> None:
        from dpo_tui.services import identity as idv

        ref, version = self.detail.ref, self.detail.version
        self._record(
            lambda w: idv.close_no_response(w, ref, version=version),
            lambda d: self._finish(
                f"Closed as no response: {IdentityRecord.from_json(d.identity).outcome_reason or ''}. The audit trail records it.", None
            ),
        )

    # ---- step 6 ----------------------------------------------------------------------------

    def _prepare_outcome(self) -> None:
        d = self.detail
        dl = d.deadline
        if dl.effective_due:
            left = d.days_left
            t = f"Due {fmt(dl.effective_due)}" + (f" ({relative_days(left)})" if left is not None else "")
            if dl.clock_start:
                t += f"; clock start {fmt(dl.clock_start)}"
            steps = [line for line in dl.explanation if "→" in line]
            if steps:
                t += "\n" + steps[0]
        else:
            t = "No due date yet: the clock has not started."
        self.query_one("#out-deadline", Static).update(literal(t))

    @on(Button.Pressed, "#out-save")
    def _out_save(self) -> None:
        from dpo_tui.services import identity as idv

        kind = self._val("#out-kind")
        try:
            on_ = parse_date(self._val("#out-on"), "on")
        except DomainError as exc:
            self.show_error(exc)
            return
        ref, version, reason = self.detail.ref, self.detail.version, self._val("#out-reason") or None
        self._record(
            lambda w: idv.record_outcome(w, ref, kind, on=on_, reason=reason, version=version),
            lambda d: self._outcome_recorded(kind),
        )

    def _outcome_recorded(self, kind: str) -> None:
        if kind == Outcome.VERIFIED:
            self._finish("Identity verified. The case carries on; the record is in the Identity tab and the timeline.", None)
        elif kind == Outcome.COULD_NOT_VERIFY:
            self._finish("Could not verify: the case is refused (outcome: could not verify). Send the letter below.",
                         "could_not_verify")
        else:
            self._finish("Recorded: the request was withdrawn.", None)

    # ---- the end: summary and letter -------------------------------------------------------

    def _finish(self, summary: str, letter: str | None) -> None:
        self._show(4, remember=False)
        self._title(f"Verify identity — {self.detail.ref} · done")
        law = {"identity_request": rules.LAW[4], "could_not_verify": rules.LAW[6]}.get(letter or "", "")
        self.query_one("#id-law", Static).update(Text(law))
        self.query_one("#done-summary", Static).update(literal(summary))
        self.letter_kind = letter
        area = self.query_one("#letter-text", TextArea)
        title = self.query_one("#letter-title", Static)
        save = self.query_one("#letter-save", Button)
        edit = self.query_one("#letter-open", Button)
        for w in (area, title, save, edit):
            w.display = letter is not None
        if letter is None:
            return
        from dpo_tui.services.letters import render_letter

        title.update(Text("Letter: preparing the draft…"))
        save.display = edit.display = False
        ref = self.detail.ref
        self.call_in_thread(lambda w: render_letter(w, ref, letter), self._show_draft, group="identity-letter")

    def _show_draft(self, draft: Draft) -> None:
        """The letters module's draft of the step's letter (its template, or a refusal to draft shown as an error)."""
        self.letter_subject = draft.subject
        self.query_one("#letter-title", Static).update(Text(f"Letter: {draft.subject}"))
        self.query_one("#letter-text", TextArea).text = draft.as_text("txt").split("\n", 2)[-1]
        self.query_one("#letter-save").display = True
        self.query_one("#letter-open").display = True

    @on(Button.Pressed, "#letter-save")
    def _letter_save(self) -> None:
        from dpo_tui.services.letters import save_letter

        if not self.letter_kind:
            return
        ref, kind, subject, version = self.detail.ref, self.letter_kind, self.letter_subject, self.detail.version
        body = self.query_one("#letter-text", TextArea).text
        self._record(lambda w: save_letter(w, ref, kind, subject, body, version=version), lambda d: self._letter_kept())

    def _letter_kept(self) -> None:
        self.query_one("#letter-save").display = False
        self.query_one("#letter-title", Static).update(Text(f"Kept as sent: {self.letter_subject}"))
        self.query_one("#done-close").focus()

    @on(Button.Pressed, "#letter-open")
    def _letter_open(self) -> None:
        """The letters screen's preview (edit, choose channel and date, write a file), for the same kind."""
        from dpo_tui.tui.modals.letter import LetterScreen

        if not self.letter_kind:
            return
        ref = self.detail.ref

        def back(saved: bool | None) -> None:
            if saved:
                self._record(lambda w: w.get(ref), lambda d: self._letter_kept())
            else:
                self.query_one("#done-close").focus()

        self.app.push_screen(LetterScreen(ref, self.letter_kind), back)

    @on(Button.Pressed, "#done-close")
    def _close(self) -> None:
        self.dismiss(self.detail if self._changed else None)

    # ---- keyboard --------------------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        primary = {1: "#need-next", 2: "#who-next", 3: "#what-send", 5: "#got-save", 6: "#out-save"}.get(self.step)
        if primary and self.query_one(primary).display:
            self.query_one(primary, Button).press()

    def action_back(self) -> None:
        if self.history and self.step != 4:
            self.step_back()
            return
        self.dismiss(self.detail if self._changed else None)

    def step_back(self) -> None:
        previous = self.history.pop()
        self._show(previous, remember=False)


# Which widget to focus for an error naming a field, per step.
_FIELD_WIDGETS: dict[str, dict[int, str]] = {
    "reason": {1: "#need-reason", 6: "#out-reason"},
    "child_age": {2: "#child-age"},
    "child_reason": {2: "#child-reason"},
    "child_competent": {2: "#child-competent"},
    "child_authorised": {2: "#child-authorised"},
    "child_best_interests": {2: "#child-best"},
    "what": {2: "#who-id", 3: "#what-text"},
    "late_reason": {3: "#what-late"},
    "on": {3: "#what-on", 5: "#got-on", 6: "#out-on"},
    "seen": {5: "#got-seen"},
    "matched": {5: "#got-matched"},
    "checked_by": {5: "#got-by"},
    "copy_deleted": {5: "#got-deleted"},
    "authority_evidence": {5: "#got-authority"},
    "authority_on": {5: "#got-authority-on"},
    "outcome": {6: "#out-kind"},
}
