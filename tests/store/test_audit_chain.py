"""The chain covers every column a reader relies on (case id, kind, actor, time, payload, purge state), old chains
keep verifying by the formula they were written with, and an anchor filed elsewhere exposes a lost tail or a
rewrite that the chain alone cannot see."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings as hsettings, strategies as st
from sqlalchemy import text

from dpo_tui.domain.errors import InvalidInput
from dpo_tui.store import audit
from tests.conftest import new_request


def _log(work, n: int = 3) -> list[str]:  # type: ignore[no-untyped-def]
    return [work.log_request(new_request(email=f"p{i}@example.org")).ref for i in range(n)]


def _verify(work, anchor: audit.Anchor | None = None) -> audit.VerifyResult:  # type: ignore[no-untyped-def]
    with work.db.reader() as s:
        return audit.verify(s, anchor=anchor)


def _sql(work, statement: str, **params: object) -> None:  # type: ignore[no-untyped-def]
    with work.db.engine.begin() as conn:
        conn.execute(text(statement), params)


def test_new_events_use_the_covering_formula(work) -> None:  # type: ignore[no-untyped-def]
    _log(work, 1)
    with work.db.engine.connect() as conn:
        version, psha = conn.execute(text("SELECT hash_version, payload_digest FROM audit_events")).one()
    assert version == audit.CURRENT_VERSION and psha


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET purged = :t, payload = 'forged' WHERE seq = 2",
        "UPDATE audit_events SET purged = :t, payload = NULL WHERE seq = 2",
        "UPDATE audit_events SET case_id = 7 WHERE seq = 2",
        "UPDATE audit_events SET case_id = NULL WHERE seq = 2",
        "UPDATE audit_events SET kind = 'case.closed' WHERE seq = 2",
        "UPDATE audit_events SET actor_name = 'Someone Else' WHERE seq = 2",
        "UPDATE audit_events SET case_ref = 'DSAR-2026-0009' WHERE seq = 2",
        "UPDATE audit_events SET payload = '{}' WHERE seq = 2",
        "UPDATE audit_events SET payload_digest = 'x' WHERE seq = 2",
        "UPDATE audit_events SET hash_version = 1 WHERE seq = 2",
        "UPDATE audit_events SET kind = kind WHERE seq = -1",  # control: nothing matches, still intact
    ],
)
def test_every_column_a_reader_relies_on_is_covered(work, statement: str) -> None:  # type: ignore[no-untyped-def]
    _log(work)
    _sql(work, statement, t=True)
    result = _verify(work)
    if "seq = -1" in statement:
        assert result.ok
        return
    assert not result.ok and result.problem and "#2" in result.problem, result


@pytest.mark.parametrize("micro", [0, 1, 999_999])
def test_times_with_any_fraction_verify(work, monkeypatch: pytest.MonkeyPatch, micro: int) -> None:  # type: ignore[no-untyped-def]
    """isoformat() leaves out a zero fraction: the verifier's fast time formatting must agree with it."""
    monkeypatch.setattr(audit, "utcnow", lambda: datetime(2026, 11, 29, 16, 5, 7, micro, tzinfo=timezone.utc))
    _log(work, 2)
    assert _verify(work).ok


def test_changed_time_is_detected(work) -> None:  # type: ignore[no-untyped-def]
    _log(work)
    _sql(work, "UPDATE audit_events SET at = :at WHERE seq = 2", at=datetime(2020, 1, 1, tzinfo=timezone.utc))
    assert "#2" in (_verify(work).problem or "")


def test_a_purge_record_cannot_itself_be_purged(work) -> None:  # type: ignore[no-untyped-def]
    refs = _log(work)
    with work.db.write() as s:
        case_id = s.execute(text("SELECT id FROM cases WHERE ref = :r"), {"r": refs[0]}).scalar_one()
        audit.purge_case_payloads(s, case_id=case_id, case_ref=refs[0], actor="DPO", reason="retention")
    assert _verify(work).ok
    _sql(work, "UPDATE audit_events SET purged = :t, payload = NULL WHERE kind = :k", t=True, k=audit.PURGE_KIND)
    assert "#4" in (_verify(work).problem or "")


def test_unpurging_an_event_is_detected(work) -> None:  # type: ignore[no-untyped-def]
    refs = _log(work)
    with work.db.write() as s:
        case_id = s.execute(text("SELECT id FROM cases WHERE ref = :r"), {"r": refs[0]}).scalar_one()
        audit.purge_case_payloads(s, case_id=case_id, case_ref=refs[0], actor="DPO", reason="retention")
    _sql(work, "UPDATE audit_events SET purged = :f WHERE seq = 1", f=False)
    assert "#1" in (_verify(work).problem or "")


# ---- chains written by the first formula keep verifying -------------------------------------------------------


def _rewrite_as_version_1(work) -> None:  # type: ignore[no-untyped-def]
    """Turn the trail into what the first release wrote (no case id, display name or payload digest covered)."""
    with work.db.engine.begin() as conn:
        rows = conn.execute(text("SELECT id, seq, at, actor, kind, case_ref, payload FROM audit_events ORDER BY seq")).all()
        prev = audit.GENESIS
        for id_, seq, at, actor, kind, ref, payload in rows:
            when = at if isinstance(at, datetime) else datetime.fromisoformat(at)
            when = when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)
            digest = audit.content_digest(seq, when, actor, kind, ref, payload)
            hash_ = audit.chain_hash(prev, digest)
            conn.execute(
                text("UPDATE audit_events SET hash_version = 1, actor_name = NULL, payload_digest = NULL, "
                     "digest = :d, hash = :h, prev_hash = :p WHERE id = :i"),
                {"d": digest, "h": hash_, "p": prev, "i": id_},
            )  # fmt: skip
            prev = hash_
        conn.execute(text("UPDATE audit_head SET hash = :h"), {"h": prev})


def test_version_1_chain_still_verifies_and_new_events_follow_it(work) -> None:  # type: ignore[no-untyped-def]
    _log(work)
    _rewrite_as_version_1(work)
    result = _verify(work)
    assert result.ok and result.legacy_events == 3, result.problem
    _log(work, 1)
    result = _verify(work)
    assert result.ok and result.events == 4 and result.legacy_events == 3, result.problem


def test_version_1_event_moved_to_another_case_is_detected(work) -> None:  # type: ignore[no-untyped-def]
    _log(work)
    _rewrite_as_version_1(work)
    _sql(work, "UPDATE audit_events SET case_id = (SELECT MAX(id) FROM cases) WHERE seq = 1")
    result = _verify(work)
    assert not result.ok and "#1" in (result.problem or "") and "another case" in (result.problem or "")


def test_version_1_payload_change_is_still_detected(work) -> None:  # type: ignore[no-untyped-def]
    _log(work)
    _rewrite_as_version_1(work)
    _sql(work, "UPDATE audit_events SET purged = :t, payload = 'forged' WHERE seq = 2", t=True)
    assert "#2" in (_verify(work).problem or "")


# ---- anchors -------------------------------------------------------------------------------------------------


def test_anchor_is_the_head_and_proves_it_is_still_there(work) -> None:  # type: ignore[no-untyped-def]
    _log(work)
    result = _verify(work)
    anchor = result.anchor
    assert anchor is not None and anchor.seq == 3
    with work.db.reader() as s:
        assert audit.current_anchor(s) == anchor
    assert audit.Anchor.parse(str(anchor)) == anchor
    _log(work, 2)  # later events do not disturb an older anchor
    later = _verify(work, anchor)
    assert later.ok and later.events == 5 and "anchor #3" in later.describe()


def test_anchor_detects_a_lost_tail(work) -> None:  # type: ignore[no-untyped-def]
    """Cutting the newest events together with the head leaves a consistent chain: only the anchor shows it."""
    _log(work, 4)
    anchor = _verify(work).anchor
    assert anchor is not None
    with work.db.engine.begin() as conn:
        prev = conn.execute(text("SELECT hash FROM audit_events WHERE seq = 2")).scalar_one()
        conn.execute(text("DELETE FROM audit_events WHERE seq > 2"))
        conn.execute(text("UPDATE audit_head SET seq = 2, hash = :h"), {"h": prev})
    assert _verify(work).ok  # the chain alone cannot see it
    result = _verify(work, anchor)
    assert not result.ok and "anchor records #4" in (result.problem or "") and "lost" in (result.problem or "")


def test_anchor_detects_a_full_rewrite(work) -> None:  # type: ignore[no-untyped-def]
    _log(work)
    anchor = _verify(work).anchor
    assert anchor is not None
    # A consistent forgery: every digest and link recomputed after changing a payload.
    with work.db.engine.begin() as conn:
        rows = conn.execute(text("SELECT id, seq, at, actor, actor_name, kind, case_id, case_ref, payload FROM audit_events ORDER BY seq")).all()
        prev = audit.GENESIS
        for id_, seq, at, actor, name, kind, case_id, ref, payload in rows:
            when = at if isinstance(at, datetime) else datetime.fromisoformat(at)
            when = when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)
            payload = json.dumps({"forged": True}) if seq == 1 else payload
            row = audit.event_row(seq=seq, prev_hash=prev, at=when, actor=actor, actor_name=name, kind=kind,
                                  payload=payload, case_id=case_id, case_ref=ref)  # fmt: skip
            conn.execute(text("UPDATE audit_events SET payload = :payload, payload_digest = :payload_digest, "
                              "digest = :digest, prev_hash = :prev_hash, hash = :hash WHERE id = :id"), {**row, "id": id_})  # fmt: skip
            prev = row["hash"]
        conn.execute(text("UPDATE audit_head SET hash = :h"), {"h": prev})
    assert _verify(work).ok  # the chain alone cannot see it
    result = _verify(work, anchor)
    assert not result.ok and "rewritten" in (result.problem or "") and "#3" in (result.problem or "")


@pytest.mark.parametrize("value", ["", "12", "x:ab", "3:" + "g" * 64, "3:" + "a" * 63, "-1:" + "a" * 64])
def test_malformed_anchor_is_refused_in_one_line(value: str) -> None:
    with pytest.raises(InvalidInput) as err:
        audit.Anchor.parse(value)
    assert "\n" not in str(err.value)


def test_progress_is_reported(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    _log(sqlite_work, 2)
    seen: list[tuple[int, int]] = []
    with sqlite_work.db.reader() as s:
        assert audit.verify(s, progress=lambda done, total: seen.append((done, total))).ok
    assert seen[-1] == (2, 2)


# ---- the fast verifier agrees with the reference formula --------------------------------------------------------

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@hsettings(max_examples=200, deadline=None)
@given(seq=st.integers(1, 10**12), actor=_text, name=st.none() | _text, kind=_text, case_id=st.none() | st.integers(0, 10**9),
       ref=st.none() | _text, payload=st.none() | _text, micro=st.integers(0, 999_999))  # fmt: skip
def test_fast_digests_equal_the_reference(seq, actor, name, kind, case_id, ref, payload, micro) -> None:  # type: ignore[no-untyped-def]
    at = datetime(2026, 11, 29, 16, 5, 7, micro, tzinfo=timezone.utc)
    assert audit._digest_v1(seq, at.isoformat(), actor, kind, ref, payload) == audit.content_digest(seq, at, actor, kind, ref, payload)
    psha = audit.payload_digest(payload)
    assert audit._digest_v2(seq, at.isoformat(), actor, name, kind, case_id, ref, psha) == audit.content_digest_v2(
        seq, at, actor, name, kind, case_id, ref, psha
    )


def test_a_database_written_before_0003_upgrades_and_keeps_verifying(db_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    """A real schema 0002 database with a chain by the first formula: migrated on open, verified unchanged, then
    extended by version 2 events."""
    from alembic import command
    from sqlalchemy import create_engine

    from dpo_tui.store.migrate import _config
    from tests.conftest import make_work

    url = db_url.replace("postgresql://", "postgresql+psycopg://", 1) if db_url.startswith("postgresql://") else db_url
    engine = create_engine(url)
    with engine.begin() as conn:
        cfg = _config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
    prev = audit.GENESIS
    with engine.begin() as conn:
        for seq in (1, 2):
            at = datetime(2026, 3, seq, 9, 30, 0, 120_000 * seq, tzinfo=timezone.utc)
            payload = audit.canonical({"note": f"event {seq}", "ü": "ß"})
            digest = audit.content_digest(seq, at, "Dana DPO", "note.added", None, payload)
            hash_ = audit.chain_hash(prev, digest)
            conn.execute(
                text("INSERT INTO audit_events (seq, case_id, case_ref, at, actor, kind, payload, digest, prev_hash, hash, purged) "
                     "VALUES (:seq, NULL, NULL, :at, 'Dana DPO', 'note.added', :payload, :digest, :prev, :hash, :f)"),
                {"seq": seq, "at": at, "payload": payload, "digest": digest, "prev": prev, "hash": hash_, "f": False},
            )  # fmt: skip
            prev = hash_
        conn.execute(text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 2, :h)"), {"h": prev})
    engine.dispose()
    work = make_work(db_url, settings)  # opens and migrates to the head
    try:
        result = _verify(work)
        assert result.ok and result.events == 2 and result.legacy_events == 2, result.problem
        work.log_request(new_request())
        result = _verify(work)
        assert result.ok and result.events == 3 and result.legacy_events == 2, result.problem
        with work.db.engine.connect() as conn:
            assert [v for (v,) in conn.execute(text("SELECT hash_version FROM audit_events ORDER BY seq"))] == [1, 1, 2]
    finally:
        work.db.dispose()
