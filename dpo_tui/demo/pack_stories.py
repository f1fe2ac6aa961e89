"""A delivered access case with its response pack (issue 18): data gathered from the CRM and the mailbox attached to
the checklist items that found them, a colleague's email address and name redacted from a message, the pack built
(AES-256 zip; the demo keeps its manifest, not the archive or its passphrase), delivered by email and completed.
Everything goes through the real services."""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from dpo_tui.demo.letter_stories import _ack, _work_through
from dpo_tui.demo.story import log_story
from dpo_tui.domain.rights import Right
from dpo_tui.services import attachments as att
from dpo_tui.services import checklist_work as cw
from dpo_tui.services.casework import Casework
from dpo_tui.services.pack import build_pack, record_delivery

Story = Callable[[Casework, date, random.Random], None]

CRM_EXPORT = (
    "contact_id,name,email,company,job_title,last_contact\n"
    "10442,Amara Okafor,amara.okafor@example.org,Brightline Ltd,Operations Manager,2026-09-14\n"
)
MAILBOX = (
    "From: Sam Patel <sam.patel@altostack.io>\n"
    "To: Amara Okafor <amara.okafor@example.org>\n"
    "Cc: Lena Fischer <lena.fischer@altostack.io>\n"
    "Subject: Your demo booking\n"
    "Date: Mon, 14 Sep 2026 10:12:00 +0100\n"
    "\n"
    "Hello Amara,\n\nthanks for booking a demo. Lena Fischer (lena.fischer@altostack.io) will join us.\n\nSam\n"
)


def delivered_access_with_pack(work: Casework, today: date, rng: random.Random) -> None:
    d = log_story(work, today, "Amara Okafor", "amara.okafor@example.org", (Right.ACCESS,), 18,
                  "Please send me a copy of all the personal data you hold about me.")  # fmt: skip
    _ack(work, d, rng)
    d = work.change_status(d.ref, "in_progress", version=work.version_of(d.ref))
    keys = [i.key for i in d.checklist]
    crm_item = next((n for n, k in enumerate(keys, 1) if "crm" in k), None)
    mail_item = next((n for n, k in enumerate(keys, 1) if "email" in k or "office" in k), None)
    with tempfile.TemporaryDirectory(prefix="dpo-tui-demo-") as tmp:
        folder = Path(tmp)
        crm = folder / "crm-contact-10442.csv"
        crm.write_text(CRM_EXPORT, encoding="utf-8")
        mail = folder / "demo-booking.eml"
        mail.write_text(MAILBOX, encoding="utf-8")
        att.attach(work, d.ref, [crm], item=crm_item, version=work.version_of(d.ref))
        (message,) = att.attach(work, d.ref, [mail], item=mail_item, version=work.version_of(d.ref))
        others = [s for s in att.suggestions(work, d.ref, message.id) if "sam" not in s.value.lower()]
        att.redact(work, d.ref, message.id, others, version=work.version_of(d.ref))
        d = _work_through(work, work.get(d.ref))
        build_pack(work, d.ref, folder / "out", version=work.version_of(d.ref))
    record_delivery(work, d.ref, channel="email", on=today, version=work.version_of(d.ref))
    cw.complete_case(work, d.ref, version=work.version_of(d.ref))


STORIES: list[Story] = [delivered_access_with_pack]
