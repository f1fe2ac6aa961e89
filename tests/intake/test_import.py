"""Import as casework, on SQLite and PostgreSQL: all or nothing, deduplicated, replies join their case."""

from __future__ import annotations

import hashlib
import json
import mailbox
import os
import stat
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from dpo_tui.domain.rights import Right
from dpo_tui.intake.config import IntakeSettings
from dpo_tui.intake.sources import iter_items
from dpo_tui.services.intake import Intake, StalePending
from dpo_tui.store import audit
from dpo_tui.store.intake_models import IntakeMessage, PendingIntake, StoredFile
from dpo_tui.store.models import Case, Letter
from tests.conftest import new_request

CFG = IntakeSettings()


def mail(body: str, *, mid: str, sender: str = "Ada Lovelace <ada@example.org>", subject: str = "Request",
         day: str = "Mon, 2 Nov 2026 09:00:00 +0000", **extra: str) -> bytes:
    headers = {"From": sender, "Subject": subject, "Date": day, "Message-ID": f"<{mid}>", **extra}
    return ("".join(f"{k}: {v}\n" for k, v in headers.items()) + "\n" + body + "\n").encode()


def write_mbox(path: Path, *messages: bytes) -> Path:
    box = mailbox.mbox(path)
    for m in messages:
        box.add(m)
    box.close()
    return path


ACCESS = "Please send me a copy of all the personal data you hold about me."


def run(work, paths, **kw):  # type: ignore[no-untyped-def]
    return Intake(work).run(iter_items(list(paths), CFG), **kw)


def counts(work) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    with work.db.reader() as s:
        return (
            len(s.exec(select(Case.id)).all()),
            len(s.exec(select(PendingIntake.id)).all()),
            len(s.exec(select(StoredFile.id)).all()),
            len(s.exec(select(IntakeMessage.id)).all()),
        )


def test_confident_request_becomes_a_case_with_its_original(work, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    raw = mail(ACCESS, mid="r1@x")
    box = write_mbox(tmp_path / "in.mbox", raw, mail("Where is my parcel?", mid="r2@x", sender="bob@example.org"))
    summary = run(work, [box], log_confident=True)
    assert summary.applied and summary.counts == {"created": 1, "attached": 0, "needs_triage": 1, "skipped": 0, "rejected": 0}
    created = summary.results[0]
    assert created.ref == "DSAR-2026-0001" and created.rights == ("access",) and created.language == "en"
    detail = work.get("DSAR-2026-0001")
    assert detail.received == date(2026, 11, 2) and detail.rights == ("access",)
    assert [(l.kind, l.direction) for l in detail.letters] == [("received", "in")]
    logged = [e for e in detail.events if e.kind == "case.logged"][0]
    sha = hashlib.sha256(raw).hexdigest()
    assert logged.payload["intake"]["sha256"] == sha and logged.payload["intake"]["triggers"]["access"]
    files = Intake(work).stored_files("DSAR-2026-0001")
    assert [(f[4], f[5]) for f in files] == [(sha, "received_message")]
    # the stored bytes are the message as received, bit for bit
    out = Intake(work).write_out(files[0][0], tmp_path / "out")
    assert out.read_bytes() == raw and stat.S_IMODE(os.stat(out).st_mode) == 0o600
    with work.db.reader() as s:
        assert audit.verify(s).ok
    # the second import of the same mailbox does nothing
    again = run(work, [box], log_confident=True)
    assert again.counts["skipped"] == 2 and counts(work) == (1, 1, 2, 2)


def test_without_log_confident_nothing_becomes_a_case(work, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a.eml").write_bytes(mail(ACCESS, mid="r1@x"))
    summary = run(work, [tmp_path / "a.eml"])
    assert summary.counts["needs_triage"] == 1 and counts(work)[0] == 0
    (item,) = Intake(work).pending()
    assert item.rights == "access" and item.reason.startswith("confident") and item.detected["triggers"]["access"]


def test_bad_input_applies_nothing_unless_skipped(work, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a.eml").write_bytes(mail(ACCESS, mid="r1@x"))
    (tmp_path / "b.eml").write_bytes(b"From: x@example.org\nDate: the day before yesterday\n\nhello")
    paths = [tmp_path / "a.eml", tmp_path / "b.eml"]
    summary = run(work, paths, log_confident=True)
    assert not summary.applied and [r.detail for r in summary.rejected] == ["unparseable date 'the day before yesterday'"]
    assert counts(work) == (0, 0, 0, 0)
    with work.db.reader() as s:
        assert audit.verify(s).events == 0
    summary = run(work, paths, log_confident=True, skip_bad=True)
    assert summary.applied and summary.counts["created"] == 1 and summary.counts["rejected"] == 1
    assert counts(work)[0] == 1


def test_dry_run_reports_the_same_and_saves_nothing(work, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a.eml").write_bytes(mail(ACCESS, mid="r1@x"))
    dry = run(work, [tmp_path / "a.eml"], log_confident=True, dry_run=True)
    assert not dry.applied and dry.counts["created"] == 1 and counts(work) == (0, 0, 0, 0)


def test_replies_and_chasers_join_their_case(work, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run(work, [write_mbox(tmp_path / "1.mbox", mail(ACCESS, mid="r1@x", day="Tue, 1 Sep 2026 09:00:00 +0000"))], log_confident=True)
    by_ref = mail("Any news?", mid="r2@x", subject="Re: your request DSAR-2026-0001", day="Mon, 2 Nov 2026 09:00:00 +0000")
    by_thread = mail("Hello?", mid="r3@x", subject="Re: Request", **{"In-Reply-To": "<r1@x>"})
    same_sender = mail("I also want my data deleted.", mid="r4@x", subject="another thing")
    summary = run(work, [write_mbox(tmp_path / "2.mbox", by_ref, by_thread, same_sender)], log_confident=True)
    outcomes = [(r.outcome, r.ref) for r in summary.results]
    assert outcomes == [("attached", "DSAR-2026-0001"), ("attached", "DSAR-2026-0001"), ("needs_triage", "DSAR-2026-0001")]
    # received 1 Sep, due 1 Oct: the chasers arrive on an overdue case and are flagged
    assert summary.results[0].overdue_chaser and "overdue" in summary.results[0].detail
    assert "same sender has open case DSAR-2026-0001" in summary.results[2].detail
    detail = work.get("DSAR-2026-0001")
    assert [l.direction for l in detail.letters] == ["in", "in", "in"]
    attached = [e.payload for e in detail.events if e.kind == "intake.attached"]
    assert len(attached) == 2 and all(p["overdue_chaser"] for p in attached)
    with work.db.reader() as s:
        assert s.exec(select(IntakeMessage).where(IntakeMessage.overdue_chaser == True)).all()  # noqa: E712


def test_third_party_and_hostile_text_wait_for_triage(work, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    body = "I write on behalf of my client [bold]Lee[/bold] (lee@example.net): a copy of his personal data please.\x1b[31m"
    (tmp_path / "a.eml").write_bytes(mail(body, mid="r1@x", sender="Law <law@firm.example>"))
    summary = run(work, [tmp_path / "a.eml"], log_confident=True)
    (r,) = summary.results
    assert r.outcome == "needs_triage" and "authority needed" in r.detail
    (item,) = Intake(work).pending()
    assert item.third_party and item.requester_email == "lee@example.net" and "[bold]Lee[/bold]" in item.body  # stored as written


def test_triage_verbs_log_attach_dismiss_with_versions(work, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    work.log_request(new_request(email="carol@example.org", name="Carol"))
    box = write_mbox(
        tmp_path / "in.mbox",
        mail(ACCESS, mid="a@x"),
        mail("Here is my passport number.", mid="b@x", sender="carol@example.org"),
        mail("Buy cheap watches", mid="c@x", sender="spam@example.com"),
    )
    run(work, [box])
    intake = Intake(work)
    a, b, c = intake.pending()
    ref = intake.log_pending(a.id, version=a.version, rights=(Right.ACCESS, Right.ERASURE))
    assert work.get(ref).rights == ("access", "erasure") and [l.kind for l in work.get(ref).letters] == ["received"]
    with pytest.raises(StalePending):
        intake.log_pending(a.id, version=a.version)
    assert b.match_ref == "DSAR-2026-0001"
    case_version = work.get("DSAR-2026-0001").version
    assert intake.attach_pending(b.id, "DSAR-2026-0001", version=b.version, case_version=case_version) == "DSAR-2026-0001"
    intake.dismiss_pending(c.id, version=c.version, reason="spam")
    assert intake.pending() == [] and len(intake.stored_files("DSAR-2026-0001")) == 1
    # a later reply to the logged item's message finds its case through the message it answers
    summary = run(work, [write_mbox(tmp_path / "r.mbox", mail("thanks", mid="d@x", **{"In-Reply-To": "<a@x>"}))])
    assert summary.results[0].outcome == "attached" and summary.results[0].ref == ref
    with work.db.reader() as s:
        assert audit.verify(s).ok


def test_web_form_rows_use_the_forms_request_type(work, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "form.csv"
    f.write_text("name,email,submitted_at,message,request_type\nAda,ada@example.org,2026-11-02T10:00:00Z,hi,Delete\n")
    summary = run(work, [f], log_confident=True)
    assert summary.results[0].outcome == "created" and work.get("DSAR-2026-0001").rights == ("erasure",)
    assert work.get("DSAR-2026-0001").channel == "web"


def test_a_message_on_a_case_waiting_for_the_requester_is_offered_as_that_step(work, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.services import identity as idv

    work.log_request(new_request())
    idv.request_identity(work, "DSAR-2026-0001", requester_kind="self", what="a copy of a photo ID",
                         on=date(2026, 11, 2), version=work.version_of("DSAR-2026-0001"))  # fmt: skip
    reply = mail("Here is a scan of my driving licence.", mid="id@x", subject="Re: DSAR-2026-0001 identity")
    summary = run(work, [write_mbox(tmp_path / "r.mbox", reply)])
    (r,) = summary.results
    assert r.outcome == "attached" and r.offers_step == "identity" and "may be the identity document the case awaits" in r.detail
    assert "dpo-tui mail-answers (2026-11-02)" in r.detail
    # offered, never recorded: the case still waits for the DPO to confirm
    assert work.get("DSAR-2026-0001").status == "awaiting_id"


def test_a_reply_to_a_letter_sent_from_dpo_tui_joins_its_case(work, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    detail = work.log_request(new_request())
    with work.db.write() as s:
        s.add(Letter(case_id=detail.id, kind="acknowledgement", channel="email", sent_on=date(2026, 11, 3),
                     subject="Your request", body="We received it.", created_by="dpo", message_id="<Ack-1@AltoStack.io>"))
    reply = mail("Thanks, when will I hear more?", mid="r9@x", subject="Re: Your request", **{"In-Reply-To": "<Ack-1@AltoStack.io>"})
    (r,) = run(work, [write_mbox(tmp_path / "r.mbox", reply)]).results
    assert r.outcome == "attached" and r.ref == "DSAR-2026-0001" and "letter" in r.detail
    received = [l for l in work.get("DSAR-2026-0001").letters if l.direction == "in"]
    assert len(received) == 1
    with work.db.reader() as s:
        ids = s.exec(select(Letter.message_id).where(Letter.direction == "in")).all()
    assert ids == ["<r9@x>"]  # letters sent later thread onto it
