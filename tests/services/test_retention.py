"""Issue 20: retention of the case database (purge or anonymise, one transaction per case, the audit trail still
verifying), legal holds, and the tool's own subject access. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select as core_select
from sqlmodel import SQLModel, select

from dpo_tui.demo import generate
from dpo_tui.domain.errors import DomainError, InvalidInput
from dpo_tui.exports.register import build_report
from dpo_tui.services import person, retention
from dpo_tui.services.letters import render_letter, save_letter
from dpo_tui.store import audit
from dpo_tui.store.intake_models import IntakeMessage, PendingIntake, StoredFile
from dpo_tui.store.models import AuditEvent, Case, ChecklistItem, FollowUp, Letter, Note
from tests.conftest import TODAY, make_work, new_request

LATER = date(2029, 12, 1)  # the clock moved forward: every case closed before 1 Dec 2027 is past 2 years


def _with_policy(settings, **policy):  # type: ignore[no-untyped-def]
    return settings._replace(policy=settings.policy._replace(**policy))


def _closed_case(work, **kw):  # type: ignore[no-untyped-def]
    """A completed case with a note, a saved letter, a ticked search (the email as search term) and two files."""
    ref = work.log_request(new_request(**kw)).ref
    d = work.add_note(ref, f"Phoned {kw.get('name', 'Ada Lovelace')} about it", version=work.version_of(ref))
    draft = render_letter(work, ref, "acknowledgement")
    d = save_letter(work, ref, draft.kind, draft.subject, draft.body, "email", date(2026, 11, 3), version=d.version)
    with work.write() as s:
        case = s.exec(select(Case).where(Case.ref == ref)).one()
        f1 = StoredFile(case_id=case.id, name="passport-scan.txt", media_type="text/plain", size=5, sha256="x" * 64,
                        content=b"hello", kind="attachment", created_by="t")  # fmt: skip
        f2 = StoredFile(case_id=None, name="original.eml", media_type="message/rfc822", size=5, sha256="y" * 64,
                        content=b"From: someone", kind="received_message", created_by="t")  # fmt: skip
        s.add(f1)
        s.add(f2)
        s.flush()
        pending = PendingIntake(source="inbox", from_email=kw.get("email", "ada@example.org"), received=TODAY, received_basis="header",
                                body="please", file_id=f2.id, case_id=case.id, status="attached", created_by="t")  # fmt: skip
        s.add(pending)
        s.flush()
        s.add(IntakeMessage(key=f"mid:{ref}", case_id=case.id, file_id=f2.id, pending_id=pending.id, received=TODAY))
    d = work.change_status(ref, "in_progress", version=work.version_of(ref))
    d = work.change_status(ref, "completed", reason="searched outside the checklist", version=d.version)
    return ref


def test_every_table_pointing_at_cases_is_handled_by_retention() -> None:
    """A table added later (case attachments...) must say what a purge does to it, or this fails."""
    import dpo_tui.store.intake_models  # noqa: F401  (registers its tables)

    pointing = {t.name for t in SQLModel.metadata.sorted_tables for fk in t.foreign_keys if fk.column.table.name == "cases"}
    assert pointing - {"cases"} <= set(retention.HANDLED_TABLES), pointing - set(retention.HANDLED_TABLES)


@pytest.mark.parametrize("action", ["anonymise", "purge"])
def test_a_case_past_retention_loses_its_personal_data_and_keeps_its_register_row(db_url, settings, action) -> None:  # type: ignore[no-untyped-def]
    work = make_work(db_url, _with_policy(settings, retention_action=action))
    ref = _closed_case(work)
    other = work.log_request(new_request(email="grace@example.org", name="Grace Hopper")).ref  # open: never touched
    assert retention.plan(work).due == ()  # closed today: kept two years
    later = make_work(db_url, _with_policy(settings, retention_action=action), today=LATER)
    before = build_report(later.db, today=LATER, year=None)
    plan = retention.plan(later)
    assert [i.ref for i in plan.due] == [ref] and plan.due[0].retention.until == date(2028, 11, 25)
    (result,) = retention.apply(later)
    assert result.skipped is None and result.files == 2 and result.events_purged >= 5

    detail = later.get(ref)
    assert detail.requester == {"name": "", "email": "", "address": None, "phone": None, "account": None}
    assert detail.description == "" and detail.notes == () and detail.status == "completed"
    assert all(e.payload == {"purged": "details removed by a retention purge"} for e in detail.events[:-1])
    assert detail.events[-1].kind == "audit.purged" and detail.events[-1].payload["action"] == action
    with later.db.reader() as s:
        case = s.exec(select(Case).where(Case.ref == ref)).one()
        assert case.purged_at is not None and case.purge_action == action and case.search_text == ref.lower()
        assert s.exec(select(StoredFile)).all() == []
        assert s.exec(select(Note).where(Note.case_id == case.id)).all() == []
        letters = s.exec(select(Letter).where(Letter.case_id == case.id)).all()
        items = s.exec(select(ChecklistItem).where(ChecklistItem.case_id == case.id)).all()
        if action == "purge":
            assert letters == [] and items == []
        else:
            assert [(l.kind, l.body, l.subject) for l in letters] == [("acknowledgement", "", "")] and items
        (pending,) = s.exec(select(PendingIntake)).all()
        assert (pending.from_email, pending.body, pending.file_id) == ("", "", None)
        assert s.exec(select(IntakeMessage.file_id)).all() == [None]
        text = json.dumps([r.payload for r in s.exec(select(AuditEvent).where(AuditEvent.case_id == case.id))])
        assert "ada@example.org" not in text
        result_v = audit.verify(s)
    assert result_v.ok and result_v.purges == 1 and result_v.purged_events == result.events_purged
    assert f"{result.events_purged} events purged for retention by 1 purge" in result_v.describe()
    after = build_report(later.db, today=LATER, year=None)
    assert (after.total, after.by_right, after.on_time) == (before.total, before.by_right, before.on_time)
    assert later.get(other).requester["email"] == "grace@example.org"
    assert retention.plan(later).due == () and retention.apply(later) == []  # done once
    work.db.dispose()
    later.db.dispose()


def test_per_right_override_keeps_the_longest(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.domain.rights import Right

    s2 = _with_policy(settings, retention_by_right={"erasure": 6})
    work = make_work(sqlite_url, s2)
    ref = work.log_request(new_request(rights=(Right.ACCESS, Right.ERASURE))).ref
    work.change_status(ref, "withdrawn", version=work.version_of(ref))
    later = make_work(sqlite_url, s2, today=LATER)
    assert retention.plan(later).due == ()
    (item,) = retention.plan(later, today=date(2032, 11, 25)).due
    assert item.retention.years == 6 and "6 years (policy for erasure)" in item.retention.explanation


def test_holds_block_retention_until_released_and_are_audited(db_url, settings) -> None:  # type: ignore[no-untyped-def]
    work = make_work(db_url, settings)
    held = _closed_case(work)
    by_requester = _closed_case(work, email="Grace@Example.org", name="Grace Hopper")
    free = _closed_case(work, email="alan@example.org", name="Alan Turing")
    with pytest.raises(InvalidInput, match="reason"):
        retention.place_hold(work, ref=held, reason=" ", review_on=date(2027, 6, 1), version=work.version_of(held))
    with pytest.raises(InvalidInput, match="review date"):
        retention.place_hold(work, ref=held, reason="claim", review_on=TODAY, version=work.version_of(held))
    h1 = retention.place_hold(work, ref=held, reason="claim in the county court", review_on=date(2027, 6, 1), version=work.version_of(held))
    h2 = retention.place_hold(work, email="grace@example.org", reason="complaint to the ICO", review_on=date(2027, 6, 1))
    assert work.get(held).events[-1].kind == "hold.placed" and h2.covers == (by_requester,)
    assert [h.id for h in retention.holds_for_case(work, by_requester)] == [h2.id]

    later = make_work(db_url, settings, today=LATER)
    plan = retention.plan(later)
    assert [i.ref for i in plan.due] == [free]
    assert {i.ref: i.holds for i in plan.blocked} == {held: (h1.id,), by_requester: (h2.id,)}
    assert {h.id: h.blocking for h in plan.holds} == {h1.id: (held,), h2.id: (by_requester,)}
    assert "(review is due)" in plan.holds[0].describe(LATER)
    assert [r.ref for r in retention.apply(later)] == [free]
    assert later.get(held).requester["email"] == "ada@example.org"
    # Asked for directly, a held case is still refused, under its lock.
    assert retention.purge_case(later, held).skipped == f"on legal hold #{h1.id}"

    released = retention.release_hold(later, h1.id, "claim settled")
    assert not released.active and later.get(held).events[-1].kind == "hold.released"
    with pytest.raises(DomainError, match="already released"):
        retention.release_hold(later, h1.id, "again")
    assert [r.ref for r in retention.apply(later)] == [held]
    with later.db.reader() as s:
        kinds = [e.kind for e in s.exec(select(AuditEvent).where(AuditEvent.case_id.is_(None)))]  # type: ignore[union-attr]
        assert kinds == ["hold.placed"]  # the requester hold: one event of no case, without the address
        assert "grace" not in (s.exec(select(AuditEvent.payload).where(AuditEvent.case_id.is_(None))).one() or "")  # type: ignore[union-attr]
        assert audit.verify(s).ok
    work.db.dispose()
    later.db.dispose()


def test_person_finds_every_mention_and_erases_what_retention_allows(db_url, settings) -> None:  # type: ignore[no-untyped-def]
    work = make_work(db_url, settings)
    own = _closed_case(work)
    openc = work.log_request(new_request(description="another request")).ref  # same requester, still open
    third = work.log_request(new_request(email="bob@example.org", name="Bob Smith",
                                         description="About my neighbour Ada Lovelace")).ref  # fmt: skip
    work.add_note(third, "Ada Lovelace may be a witness", version=work.version_of(third))
    report = person.find_person(work, "Ada Lovelace")
    roles = {c.ref: c.roles for c in report.cases}
    assert "requester" in roles[own] and "requester" in roles[openc]
    assert roles[third] == ("named in a note", "named in the request text")
    assert {m.ref for m in report.of("note")} == {own, third}
    assert report.of("letter") and report.of("event")
    by_email = person.find_person(work, "ADA@example.org")
    assert {c.ref for c in by_email.cases} == {own, openc} and by_email.of("triage")
    with pytest.raises(InvalidInput):
        person.find_person(work, "a")

    assert {o.ref: o.done for o in person.erase(work, "ada@example.org")} == {own: False, openc: False}  # kept
    later = make_work(db_url, settings, today=LATER)
    outcomes = {o.ref: o for o in person.erase(later, "ada@example.org")}
    assert outcomes[own].done and not outcomes[openc].done and "open" in outcomes[openc].what
    assert third not in outcomes  # someone else's case: listed, not altered
    assert later.get(third).notes[0].body == "Ada Lovelace may be a witness"
    with later.db.reader() as s:
        assert audit.verify(s).ok
    work.db.dispose()
    later.db.dispose()


def test_done_when_on_the_demo_data(tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    """Issue 20's done-when: a retention run on the demo data with its clock moved forward purges what policy says
    and nothing on hold, `audit verify` passes after it, the register keeps its counts, and `person` finds every
    mention of a demo requester."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    generate(url, 120, 5, None, today=TODAY, settings=settings)
    work = make_work(url, settings)
    with work.db.reader() as s:
        closed = s.exec(select(Case.ref, Case.requester_email, Case.closed_at).where(Case.is_open == False).order_by(Case.id)).all()  # noqa: E712
        email = s.exec(select(Case.requester_email).where(Case.is_open == True).order_by(Case.id)).first()  # noqa: E712
    assert len(closed) > 10
    held_ref = closed[0][0]
    held_requester = closed[1][1]
    retention.place_hold(work, ref=held_ref, reason="litigation", review_on=date(2027, 1, 1), version=work.version_of(held_ref))
    retention.place_hold(work, email=held_requester, reason="regulator complaint", review_on=date(2027, 1, 1))
    held = {held_ref} | {r for r, e, _ in closed if e.lower() == held_requester.lower()}

    later = make_work(url, settings, today=date(2031, 1, 1))
    expected = {r for r, _, _ in closed} - held  # every closed case is past 2 years by 2031
    before = build_report(later.db, today=date(2031, 1, 1), year=None)
    results = retention.apply(later)
    assert {r.ref for r in results if r.skipped is None} == expected
    with later.db.reader() as s:
        v = audit.verify(s)
        assert v.ok and v.purges == len(expected) and v.purged_events >= len(expected)
        kept = s.exec(select(Case.ref).where(Case.purged_at.is_(None), Case.is_open == False)).all()  # type: ignore[union-attr]  # noqa: E712
    assert set(kept) == held
    after = build_report(later.db, today=date(2031, 1, 1), year=None)
    assert (after.total, after.by_right, after.by_month, after.refusals, after.extensions) == (
        before.total, before.by_right, before.by_month, before.refusals, before.extensions,
    )  # fmt: skip

    # Undo works on a demo case and refuses where it must (a purged case; a demo case's generated history).
    from dpo_tui.services import undo

    purged = sorted(expected)[0]
    assert "a retention purge cannot be undone" in (undo.preview(later, purged).refusal or "")
    with later.db.reader() as s:
        open_ref = s.exec(select(Case.ref).where(Case.is_open == True).order_by(Case.id)).first()  # noqa: E712
    later.assign("Kim", versions={open_ref: later.version_of(open_ref)})
    plan = undo.preview(later, open_ref)
    assert plan.possible and plan.will.startswith("assignee back to")
    undo.undo(later, open_ref, version=plan.version, seq=plan.seq)  # type: ignore[arg-type]
    assert "an undo cannot itself be undone" in (undo.preview(later, open_ref).refusal or "")

    # `person` finds every mention of a (still present) demo requester: every row holding the address.
    report = person.find_person(later, email)
    needle = email.lower()
    with later.db.reader() as s:
        cases = {r for r, e, d in s.exec(select(Case.ref, Case.requester_email, Case.description)) if needle in (e + d).lower()}
        events = {seq for seq, p in s.exec(core_select(AuditEvent.seq, AuditEvent.payload)) if needle in (p or "").lower()}
        letters = {i for i, b, sub in s.exec(core_select(Letter.id, Letter.body, Letter.subject)) if needle in (b + sub).lower()}
        notes = {i for i, b in s.exec(core_select(Note.id, Note.body)) if needle in b.lower()}
        items = {i for i, t, n in s.exec(core_select(ChecklistItem.id, ChecklistItem.search_terms, ChecklistItem.note)) if needle in f"{t}{n}".lower()}
        follow = {i for i, n in s.exec(core_select(FollowUp.id, FollowUp.note)) if needle in n.lower()}
    assert cases and cases <= {c.ref for c in report.cases}
    assert events <= {m.id for m in report.of("event")}
    assert letters == {m.id for m in report.of("letter")}
    assert notes == {m.id for m in report.of("note")}
    assert items == {m.id for m in report.of("checklist")}
    assert follow == {m.id for m in report.of("follow_up")}
    work.db.dispose()
    later.db.dispose()


def test_settings_retention_policy(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.settings import SettingsError, load_settings

    cfg = tmp_path / "settings.toml"
    cfg.write_text('[policy]\nretention_action = "purge"\n\n[policy.retention_by_right]\nerasure = 6\n')
    p = load_settings(cfg).policy
    assert (p.retention_action, p.retention_by_right, p.retention_years) == ("purge", {"erasure": 6}, 2)
    cfg.write_text('[policy]\nretention_action = "shred"\n')
    with pytest.raises(SettingsError, match="retention_action"):
        load_settings(cfg)
    cfg.write_text("[policy.retention_by_right]\nhappiness = 3\n")
    with pytest.raises(SettingsError, match="unknown right"):
        load_settings(cfg)
