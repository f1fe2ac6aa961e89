"""The daily digest: the `due` report as a readable email (plain text and HTML), one per assignee in team mode.

Who gets what:
- `--to ADDRESS`: one digest to that address (of everything, or of `--assignee NAME`'s cases);
- team mode (`[smtp.team]` maps assignee names to addresses): one digest per assignee with something due, and one
  with the rest (unassigned cases, assignees without an address) to `digest_to` (else the sending mailbox);
- otherwise one digest of everything to `digest_to` (else the sending mailbox).
A digest with nothing in it is not sent (cron mail that always arrives teaches people to ignore it), unless it
carries the management report (`--attach-report`, e.g. monthly from cron).
Nothing here touches the database beyond reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import jinja2

from dpo_tui.domain.dates import fmt
from dpo_tui.mail.config import SmtpSettings
from dpo_tui.mail.send import build_message, check_address
from dpo_tui.services.due import DueReport, Urgency, to_text

_HTML = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(
    """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body style="font: 11pt/1.45 system-ui, sans-serif; color: #111; max-width: 50em">
<h1 style="font-size: 1.3em">{{ title }}</h1>
<p>{{ intro }}</p>
{% for head, items, colour in groups %}
<h2 style="font-size: 1.1em; color: {{ colour }}">{{ head }} ({{ items|length }})</h2>
<table style="border-collapse: collapse; width: 100%">
{% for i in items %}
<tr><td style="border-top: 1px solid #ccc; padding: .3em .4em; white-space: nowrap; vertical-align: top"><b>{{ i.ref }}</b></td>
<td style="border-top: 1px solid #ccc; padding: .3em .4em">{{ i.summary[i.ref|length + 2:] }}{% if i.assignee %} <span style="color: #666">[{{ i.assignee }}]</span>{% endif %}
{% if i.explanation %}<br><span style="color: #555; font-size: .92em">{{ i.explanation[-1] }}</span>{% endif %}</td></tr>
{% endfor %}
</table>
{% endfor %}
<p style="color: #666; font-size: .9em">Sent by dpo-tui for {{ org }}. Dates are computed by the deadline engine; run
<code>dpo-tui show REF</code> for every step.</p>
</body></html>
"""
)


@dataclass(frozen=True)
class Digest:
    to: str
    assignee: str | None  # None: everything / the rest
    report: DueReport
    message: EmailMessage


def _title(report: DueReport, org: str, who: str | None) -> str:
    n = len(report.items)
    overdue = sum(1 for i in report.items if i.urgency is Urgency.OVERDUE)
    head = f"{org}: {n} rights request item{'s' * (n != 1)} need action"
    if overdue:
        head += f", {overdue} overdue"
    return head + (f" ({who})" if who else "") + f", {fmt(report.today)}"


def _html(report: DueReport, title: str, org: str) -> str:
    from dpo_tui.text import clean

    groups = []
    for urgency, head, colour in ((Urgency.OVERDUE, "Overdue", "#a00"), (Urgency.SOON, f"Needs action within {report.within} days", "#8a5a00")):
        items = [i for i in report.items if i.urgency is urgency]
        if items:
            groups.append((head, items, colour))
    intro = f"As of {fmt(report.today)}; looking {report.within} days ahead."
    # `clean` first: control characters are not allowed in HTML text and could confuse a mail client's renderer.
    return clean(_HTML.render(title=title, intro=intro, groups=groups, org=org))


def build_digests(
    work: Any, report: DueReport, smtp: SmtpSettings, *, to: str | None = None, assignee: str | None = None,
    files: tuple[tuple[str, bytes, str], ...] = (),
) -> list[Digest]:
    """The digests to send for `report` (already computed for the whole database)."""
    from dpo_tui.text import clean

    org = work.settings.organisation.name
    fallback = smtp.digest_to or smtp.from_address
    plan: list[tuple[str, str | None, DueReport]] = []
    if assignee is not None:
        plan.append((to or smtp.team.get(assignee.strip()) or fallback, assignee.strip(), report.for_assignee(assignee.strip())))
    elif to is not None or not smtp.team:
        plan.append((to or fallback, None, report))
    else:
        rest = []
        for who in report.assignees():
            if who is not None and who in smtp.team:
                plan.append((smtp.team[who], who, report.for_assignee(who)))
            else:
                rest += [i for i in report.items if i.assignee == who]
        if rest:
            plan.append((fallback, None, DueReport(report.today, report.within, tuple(rest))))
    out = []
    for address, who, part in plan:
        if not part.items and not files:  # with the monthly report attached, send even on a quiet day
            continue
        title = _title(part, org, who) if part.items else f"{org}: nothing needs action, {fmt(part.today)}"
        text = clean(to_text(part))
        msg = build_message(
            smtp, to=check_address(address), subject=title, text=text, html=_html(part, title, org), files=files,
            automatic=True,
        )
        out.append(Digest(str(msg["To"]), who, part, msg))
    return out
