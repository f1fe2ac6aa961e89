"""The Overview tab: the request (or complaint) text, status, requester and agent, regime, and the notes."""

from __future__ import annotations

from datetime import date

from rich.console import RenderableType
from rich.text import Text

from dpo_tui.domain.dates import fmt
from dpo_tui.domain.states import Outcome
from dpo_tui.tui.formatting import rows_text, status_words, when
from dpo_tui.tui.text import literal
from dpo_tui.tui.widgets.case_tabs import LoadedCase, TextTab


class OverviewTab(TextTab):
    def body(self, case: LoadedCase) -> RenderableType:
        d = case.detail
        t = Text()
        if d.kind == "complaint":
            c = (d.decision or {}).get("complaint") or {}
            t.append(f"Complaint about {d.about_ref}", style="bold underline")
            t.append(" (DPA 2018 s.164A)\n" if c.get("statutory") else " (no statutory period: the organisation's target)\n")
            t.append_text(literal(d.description or ""))
            t.append("\n")
            if c.get("acknowledged_on"):
                t.append(f"Acknowledged {fmt(date.fromisoformat(c['acknowledged_on']))}. ")
            elif d.deadline.acknowledge_by:
                t.append(f"Acknowledge by {fmt(d.deadline.acknowledge_by)}. ", style="bold")
            if c.get("outcome"):
                t.append(f"Outcome: {c.get('outcome_label')}.")
            t.append("  K: acknowledge / record the outcome\n\n", style="dim")
        else:
            t.append("Request\n", style="bold underline")
            t.append_text(literal(d.description or "(no request text recorded)"))
            t.append("\n\n")
            if d.complaints:
                t.append(f"Complaints about this request: {', '.join(d.complaints)}\n\n", style="bold")
        rows: list[tuple[str, Text]] = [
            ("Received", Text(fmt(d.received))),
            ("Channel", Text(d.channel.replace("_", " "))),
            ("Status", Text(status_words(d.status) + (f" since {fmt(d.status_since.date())}" if d.status_since else ""))),
        ]
        if d.outcome and not d.is_open:
            rows.append(("Outcome", Text(Outcome(d.outcome).label)))
        if d.final_response_on:
            rows.append(("Final response", Text(fmt(d.final_response_on))))
        t.append_text(rows_text(rows))
        # With an agent, the requester fields are the person whose data is asked for (issue 16).
        t.append("\nWhose data (the data subject)\n" if d.agent.get("name") else "\nRequester\n", style="bold underline")
        contact = [("Name", literal(d.requester.get("name")))]
        for key, label in (("email", "Email"), ("address", "Address"), ("phone", "Phone"), ("account", "Account")):
            if d.requester.get(key):
                contact.append((label, literal(d.requester.get(key))))
        t.append_text(rows_text(contact))
        if d.agent.get("name"):
            t.append("\nRequest made by\n", style="bold underline")
            agent = [("Agent", literal(d.agent.get("name")))]
            if d.agent.get("kind"):
                agent.append(("As", literal(str(d.agent.get("kind")).replace("_", " "))))
            if d.agent.get("contact"):
                agent.append(("Contact", literal(d.agent.get("contact"))))
            t.append_text(rows_text(agent))
        t.append("\nRegime\n", style="bold underline")
        calendar = next(
            (line.removeprefix("holiday calendar: ") for line in d.deadline.explanation if line.startswith("holiday calendar: ")),
            d.country + (f"-{d.subdivision}" if d.subdivision else ""),
        )
        t.append_text(rows_text([("Regime", literal(case.regime_name or d.regime)), ("Calendar", literal(calendar))]))
        t.append(f"\nNotes ({len(d.notes)})\n", style="bold underline")
        if not d.notes:
            t.append("No notes yet. Press m to add one.\n", style="dim")
        for n in d.notes:
            t.append(f"{when(n.at)}  ", style="bold")
            t.append_text(literal(n.by, "italic"))
            t.append("\n")
            t.append_text(literal(n.body))
            t.append("\n\n")
        return t
