"""Mail that answers a pending step (issue 17): an ID document, a fee payment, a clarification answer that joined a
case is offered as that step; recorded only on the DPO's confirmation, dated by the message's day of receipt, through
the same verb as a manual entry (so the clock moves exactly as it would), with an audit event naming the message.
And an ID document's image is never stored with the message."""

from __future__ import annotations

import json
from datetime import date
from email.message import EmailMessage

import pytest

from dpo_tui.domain.decisions import breakdown_from_settings
from dpo_tui.intake.config import IntakeSettings
from dpo_tui.intake.mail import parse_email
from dpo_tui.services import decisions as dec
from dpo_tui.services import identity as idv
from dpo_tui.services.intake import Intake
from dpo_tui.services.mail_answers import NotAnAnswer, offers, record_from_message
from dpo_tui.store.intake_models import StoredFile
from tests.conftest import new_request

CFG = IntakeSettings(timezone="Europe/London")
JPEG = b"\xff\xd8\xff\xe0" + b"PASSPORT-IMAGE-BYTES" * 50


def reply(ref: str, body: str, *, mid: str, received: str, image: bool = False, subject: str | None = None) -> bytes:
    m = EmailMessage()
    m["Received"] = f"from mx.example.org by mail.altostack.io; {received}"
    m["From"] = "Ada Lovelace <ada@example.org>"
    m["Subject"] = subject if subject is not None else f"Re: your request {ref}"
    m["Date"] = received
    m["Message-ID"] = f"<{mid}>"
    m.set_content(body)
    if image:
        m.add_attachment(JPEG, maintype="image", subtype="jpeg", filename="passport.jpg")
    return m.as_bytes()


def take(work, raw: bytes) -> str:  # type: ignore[no-untyped-def]
    summary = Intake(work).run([parse_email(raw, "reply.eml", CFG)])
    assert summary.applied, summary.results
    return summary.results[0].outcome


def audit_of(work, ref: str, kind: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    return [e for e in work.get(ref).events if e.kind == kind][-1].payload


def asked_for_id(work):  # type: ignore[no-untyped-def]
    case = work.log_request(new_request())
    idv.request_identity(work, case.ref, requester_kind="self", what="a copy of a photo ID", on=date(2026, 11, 3),
                         version=work.version_of(case.ref))  # fmt: skip
    return case.ref


def test_an_id_document_by_mail_is_offered_recorded_on_confirmation_and_its_image_never_stored(work) -> None:  # type: ignore[no-untyped-def]
    ref = asked_for_id(work)
    twin = asked_for_id(work)  # the same case, recorded by hand on the same day: the clock must agree
    # 23:30 in Los Angeles on 9 Nov is 07:30 on 10 Nov in London: the day of receipt is the organisation's.
    raw = reply(ref, "Here you go.", mid="id1@x", received="Mon, 9 Nov 2026 23:30:00 -0800", image=True)
    assert take(work, raw) == "attached"
    with work.db.reader() as s:
        stored = s.exec(StoredFile.__table__.select().where(StoredFile.kind == "received_message")).all()[-1]  # type: ignore[attr-defined]
    assert b"PASSPORT-IMAGE-BYTES" not in stored.content and b"passport.jpg" in stored.content
    assert b"identity document is never kept" in stored.content
    attached = audit_of(work, ref, "intake.attached")
    assert attached["not_stored"][0]["media_type"] == "image/jpeg" and attached["not_stored"][0]["size"] == len(JPEG)
    assert "passport" not in json.dumps(attached)  # the name stays in the stored message, not in the audit trail

    found = offers(work, ref)
    assert [(o.step, o.received, o.unread) for o in found] == [("identity", date(2026, 11, 10), True)]
    assert offers(work, ref, unread_only=True) == found
    before = work.get(ref)
    assert before.status == "awaiting_id"  # offered, nothing applied

    done = record_from_message(work, ref, found[0].file_id, seen="passport sighted", matched="name and photo",
                               copy_deleted=True, version=before.version)  # fmt: skip
    manual = idv.record_received(work, twin, on=date(2026, 11, 10), seen="passport sighted", matched="name and photo",
                                 copy_received=True, copy_deleted=True, version=work.version_of(twin))  # fmt: skip
    assert done.status == manual.status == "in_progress"
    assert done.deadline == manual.deadline
    assert [(c.kind, c.on) for c in done.clock_events] == [(c.kind, c.on) for c in manual.clock_events]
    event = audit_of(work, ref, "identity.received")
    assert event["message"] == {"file_id": found[0].file_id, "sha256": found[0].sha256}
    assert event["on"] == "2026-11-10" and event["copy_received"] is True
    assert offers(work, ref) == []  # recorded: the case awaits nothing now
    with pytest.raises(NotAnAnswer):
        record_from_message(work, ref, found[0].file_id, seen="x", matched="y", version=done.version)


def test_a_fee_payment_by_mail_is_recorded_as_the_fee_paid_on_its_day_of_receipt(work) -> None:  # type: ignore[no-untyped-def]
    refs = []
    for _ in range(2):
        case = work.log_request(new_request())
        dec.assess(work, case.ref, {"repetition": "The same request as last month, nothing changed."}, "fee",
                   version=work.version_of(case.ref))  # fmt: skip
        fee = breakdown_from_settings(work.settings.fees, hours="2")
        dec.request_fee(work, case.ref, fee, date(2026, 11, 3), version=work.version_of(case.ref))
        refs.append(case.ref)
    ref, twin = refs
    take(work, reply(ref, "Do I really have to pay?", mid="q@x", received="Wed, 4 Nov 2026 10:00:00 +0000"))
    take(work, reply(ref, "I have paid the fee by bank transfer today.", mid="p@x", received="Thu, 12 Nov 2026 10:00:00 +0000"))
    found = offers(work, ref)
    assert [(o.step, o.received) for o in found] == [("fee", date(2026, 11, 12))]  # the question is not a payment
    done = record_from_message(work, ref, found[0].file_id, version=work.version_of(ref))
    total = work.get(twin).decision["fee"]["total"]
    manual = dec.record_fee_paid(work, twin, total, date(2026, 11, 12), version=work.version_of(twin))
    assert done.status == manual.status == "in_progress" and done.deadline == manual.deadline
    event = audit_of(work, ref, "decision.fee_paid")
    assert event["message"]["file_id"] == found[0].file_id and event["amount"] == str(total)


def test_any_reply_answers_an_outstanding_clarification_question(work) -> None:  # type: ignore[no-untyped-def]
    refs = []
    for _ in range(2):
        case = work.log_request(new_request())
        dec.ask_clarification(work, case.ref, "Which accounts do you mean?", "identify", date(2026, 11, 5),
                              version=work.version_of(case.ref))  # fmt: skip
        refs.append(case.ref)
    ref, twin = refs
    take(work, reply(ref, "The old one, closed in 2019.", mid="a@x", received="Mon, 9 Nov 2026 10:00:00 +0000"))
    [offer] = offers(work, ref)
    assert offer.step == "clarification" and offer.text == "The old one, closed in 2019."
    done = record_from_message(work, ref, offer.file_id, answer="The account closed in 2019", version=work.version_of(ref))
    manual = dec.record_clarification_answer(work, twin, "The account closed in 2019", date(2026, 11, 9), version=work.version_of(twin))
    assert done.deadline == manual.deadline and done.deadline.paused_days == manual.deadline.paused_days > 0
    assert done.decision["clarification"]["rounds"][-1]["answered_on"] == "2026-11-09"
    assert audit_of(work, ref, "decision.clarification_answered")["message"]["file_id"] == offer.file_id


def test_what_is_not_offered(work) -> None:  # type: ignore[no-untyped-def]
    ref = asked_for_id(work)
    # before the request for ID; a reply that neither encloses nor attaches ID
    take(work, reply(ref, "Please find attached my passport.", mid="early@x", received="Mon, 2 Nov 2026 18:00:00 +0000"))
    take(work, reply(ref, "When will I hear from you?", mid="later@x", received="Tue, 10 Nov 2026 10:00:00 +0000"))
    assert offers(work, ref) == []
    other = work.log_request(new_request(email="bob@example.org", name="Bob"))  # awaits nothing
    take(work, reply(other.ref, "Anbei mein Personalausweis.", mid="bob@x", received="Tue, 10 Nov 2026 10:00:00 +0000"))
    assert offers(work, other.ref) == []
    with pytest.raises(NotAnAnswer):
        record_from_message(work, other.ref, 1, version=work.version_of(other.ref))


def test_an_id_document_attached_from_triage_loses_its_image_bytes(work) -> None:  # type: ignore[no-untyped-def]
    ref = asked_for_id(work)
    # no reference, no thread: it waits in triage (with its bytes) until the DPO attaches it to the case
    raw = reply(ref, "My ID, as asked.", mid="t@x", received="Tue, 10 Nov 2026 10:00:00 +0000", image=True,
                subject="documents")  # fmt: skip
    take(work, raw)
    [item] = Intake(work).triage_items()
    Intake(work).attach_pending(item.id, ref, version=item.version, case_version=work.version_of(ref))
    with work.db.reader() as s:
        stored = s.exec(StoredFile.__table__.select().where(StoredFile.kind == "received_message")).all()[-1]  # type: ignore[attr-defined]
    assert b"PASSPORT-IMAGE-BYTES" not in stored.content
    assert audit_of(work, ref, "intake.attached")["not_stored"][0]["size"] == len(JPEG)
    [offer] = offers(work, ref)
    assert offer.step == "identity" and offer.received == date(2026, 11, 10)


def test_the_cli_lists_the_offer_and_records_it_only_with_record(sqlite_work, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from dpo_tui.cli import cli

    case = sqlite_work.log_request(new_request())
    dec.ask_clarification(sqlite_work, case.ref, "Which accounts do you mean?", "identify", date(2026, 11, 5),
                          version=sqlite_work.version_of(case.ref))  # fmt: skip
    take(sqlite_work, reply(case.ref, "The old one.", mid="cli@x", received="Mon, 9 Nov 2026 10:00:00 +0000"))
    db = str(tmp_path / "cases.db")

    def run(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(cli, ["--db", db, "mail-answers", *args], catch_exceptions=False)

    out = run(case.ref, "--json")
    [offer] = json.loads(out.stdout)["offers"]
    assert offer["step"] == "clarification" and offer["received"] == "2026-11-09" and offer["unread"] is True
    listed = run(case.ref)
    assert f"#{offer['file_id']:<6} 2026-11-09  record as clarification answered  (unread)" in listed.output
    assert sqlite_work.get(case.ref).status == "awaiting_clarification"  # listing applies nothing
    done = run(case.ref, "--record", str(offer["file_id"]))
    assert done.exit_code == 0 and "now in progress" in done.output, done.output
    answered = sqlite_work.get(case.ref)
    assert answered.decision["clarification"]["rounds"][-1]["answer"].startswith("Answered by the message received on 2026-11-09")
    again = CliRunner().invoke(cli, ["--db", db, "mail-answers", case.ref, "--record", str(offer["file_id"])])
    assert again.exit_code == 1 and "is not an answer" in again.output and "Traceback" not in again.output


def test_a_case_put_in_awaiting_id_without_a_request_for_id_is_not_offered_an_answer(work) -> None:  # type: ignore[no-untyped-def]
    """`dpo-tui status REF awaiting_id` sets the status without a request for ID (step 3): recording what arrived
    is refused then, so the message is not offered as the answer (found by running the wheel: the offer was made,
    then `mail-answers --record` refused it). Its ID image is still not stored: that follows the status."""
    case = work.log_request(new_request())
    work.change_status(case.ref, "awaiting_id", reason="asked by phone", version=case.version)
    take(work, reply(case.ref, "Here is my passport.", mid="noreq@x", received="Tue, 10 Nov 2026 10:00:00 +0000", image=True))
    assert offers(work, case.ref) == []
    assert audit_of(work, case.ref, "intake.attached")["offers_step"] is None
    assert audit_of(work, case.ref, "intake.attached")["not_stored"][0]["media_type"] == "image/jpeg"
    with pytest.raises(NotAnAnswer):
        record_from_message(work, case.ref, 1, version=work.version_of(case.ref))
