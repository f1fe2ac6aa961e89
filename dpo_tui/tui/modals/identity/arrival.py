"""Step 5: what arrived. Records what was seen and matched (never the document or its number), when, and by whom;
the clock starts on the arrival date (UK). Also the ways out: the person withdrew or cannot be verified (step 6),
or no reply within the policy's days (close the case as no response)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Static

from dpo_tui.domain.dates import fmt, parse_date
from dpo_tui.domain.errors import DomainError
from dpo_tui.domain.records import IdentityRecord
from dpo_tui.intake.answers import is_id_file
from dpo_tui.tui.modals.identity.step import Step
from dpo_tui.tui.text import literal


class ArrivalStep(Step):
    NUMBER = 5
    TITLE = "What arrived"
    DOM_ID = "step-5"
    FIRST = "#got-on"
    PRIMARY = "#got-save"
    FIELDS = {
        "on": "#got-on",
        "seen": "#got-seen",
        "matched": "#got-matched",
        "checked_by": "#got-by",
        "copy_deleted": "#got-deleted",
        "authority_evidence": "#got-authority",
        "authority_on": "#got-authority-on",
    }

    def compose(self) -> ComposeResult:
        yield Static("", id="got-waiting", classes="hint")
        message = self.walk.message
        yield Label("Date it arrived (YYYY-MM-DD): the clock starts here (UK)")
        # From a message: its day of receipt, not to be changed here (a different day is a manual entry).
        yield Input((message.received if message else self.walk.today()).isoformat(), id="got-on", disabled=message is not None)
        yield Label("What was seen (document type, e.g. 'passport sighted') — never the document or its number")
        yield Input(id="got-seen")
        yield Label("Which details matched")
        yield Input(id="got-matched")
        yield Label("Checked by")
        yield Input(self.walk.app.settings.user_name, id="got-by")
        copied = message is not None and any(is_id_file(n, t) for n, t, _ in message.attachments)
        yield Checkbox("A copy of a document was received", copied, id="got-copy")
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

    def prepare(self) -> None:
        """What was asked for and how long ago; the no-response button once the policy's days have passed."""
        ident = IdentityRecord.from_json(self.walk.detail.identity)
        since = ident.requested_on
        limit = self.walk.app.settings.policy.id_no_response_days
        waited = (self.walk.today() - since).days if since else 0
        lines = [f"Awaiting ID since {fmt(since)} ({waited} day{'s' * (waited != 1)})" if since else "Awaiting ID"]
        if ident.asked_for:
            lines.append("Asked for: " + ident.asked_for.replace("\n", "; "))
        overdue = since is not None and waited > limit
        if overdue:
            lines.append(f"⚑ No reply for more than {limit} days (policy): you may close the case as no response.")
        message = self.walk.message
        if message is not None:
            lines.append(
                f"Recording from the message of {fmt(message.received)} (#{message.file_id}): it arrived on its day of "
                "receipt."
            )
        self.query_one("#got-waiting", Static).update(literal("\n".join(lines)))
        self.query_one("#got-noresponse").display = overdue
        self.query_one("#got-authority-box").display = ident.authority.needed

    @on(Button.Pressed, "#got-save")
    def _save(self) -> None:
        from dpo_tui.services import identity as idv

        walk = self.walk
        try:
            on_ = parse_date(self.val("#got-on"), "on")
            auth_text = self.val("#got-authority-on")
            auth_on = parse_date(auth_text, "authority_on") if auth_text.strip() else None
        except DomainError as exc:
            walk.show_error(exc)
            return
        ref = walk.detail.ref
        args = dict(
            seen=self.val("#got-seen"), matched=self.val("#got-matched"), checked_by=self.val("#got-by"),
            copy_received=bool(self.val("#got-copy")), copy_deleted=bool(self.val("#got-deleted")),
            authority_evidence=self.val("#got-authority") or None, authority_on=auth_on, version=walk.detail.version,
        )  # fmt: skip
        message = walk.message
        if message is not None:
            from dpo_tui.services.mail_answers import record_from_message

            file_id = message.file_id
            walk.record(lambda w: record_from_message(w, ref, file_id, **args), lambda d: walk.show_step(6, remember=False))
            return
        walk.record(lambda w: idv.record_received(w, ref, on=on_, **args), lambda d: walk.show_step(6, remember=False))

    @on(Button.Pressed, "#got-outcome")
    def _other_outcome(self) -> None:
        self.walk.show_step(6)
        self.walk.outcome.choose("withdrawn")

    @on(Button.Pressed, "#got-noresponse")
    def _no_response(self) -> None:
        from dpo_tui.services import identity as idv

        walk = self.walk
        ref, version = walk.detail.ref, walk.detail.version
        walk.record(
            lambda w: idv.close_no_response(w, ref, version=version),
            lambda d: walk.finish(
                f"Closed as no response: {IdentityRecord.from_json(d.identity).outcome_reason or ''}. The audit trail records it.", None
            ),
        )
