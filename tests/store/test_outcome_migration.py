"""Migration 0017: `cases.outcome` holds one vocabulary (`Outcome`), the words older code wrote are mapped onto it
when a populated database is upgraded (every row kept), and the database refuses any other word."""

from __future__ import annotations

import importlib

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from dpo_tui.domain.states import Outcome
from dpo_tui.store.schema import MigrationRefused
from tests.conftest import make_work, new_request
from tests.store.test_migrations import _migrate, _row_counts

_0017 = importlib.import_module("dpo_tui.store.migrations.versions.0017_outcome_check")

# Every word a writer stored in cases.outcome before 0017 (grep of services/, demo/, and their history), and the
# vocabulary word it becomes.
OLDER = {
    "completed": Outcome.COMPLETED,  # casework.move on completion, demo stories
    "refused_in_part": Outcome.REFUSED_IN_PART,  # completing a partly refused case (Outcome.closing)
    "refused": Outcome.REFUSED,  # decisions.refuse, and casework.move's default for a refused case
    "withdrawn": Outcome.WITHDRAWN,  # identity.record_outcome, and the default for a withdrawn case
    "could_not_verify": Outcome.COULD_NOT_VERIFY,  # identity.record_outcome
    "no_response": Outcome.NO_RESPONSE,  # identity.close_no_response, decisions.close_no_response
    "fee_unpaid": Outcome.FEE_UNPAID,  # decisions.close_no_response
    "complaint upheld": Outcome.COMPLAINT_UPHELD,  # complaints.record_complaint_outcome (with spaces)
    "complaint partly upheld": Outcome.COMPLAINT_PARTLY_UPHELD,
    "complaint not upheld": Outcome.COMPLAINT_NOT_UPHELD,
}


def _populated_at_0009(db_url: str, settings):  # type: ignore[no-untyped-def]
    """A database taken down to 0009 whose cases hold every older word (and one open case, NULL)."""
    work = make_work(db_url, settings)
    refs = [work.log_request(new_request(email=f"o{i}@example.org")).ref for i in range(len(OLDER) + 1)]
    work.add_note(refs[0], "kept across the upgrade", version=work.version_of(refs[0]))
    engine = work.db.engine
    _migrate(engine, "downgrade", "0009")
    with engine.begin() as conn:
        for ref, word in zip(refs, OLDER, strict=False):
            conn.execute(text("UPDATE cases SET outcome = :w WHERE ref = :r"), {"w": word, "r": ref})
    return work, refs


def _outcomes(engine) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT ref, outcome FROM cases")).all())  # type: ignore[arg-type]


def test_the_vocabulary_is_the_enum() -> None:
    assert _0017.OUTCOMES == tuple(m.value for m in Outcome)
    assert set(_0017.OLDER_WORDS.values()) <= set(_0017.OUTCOMES)


def test_upgrading_a_populated_database_maps_every_older_word_and_keeps_every_row(db_url, settings) -> None:  # type: ignore[no-untyped-def]
    work, refs = _populated_at_0009(db_url, settings)
    engine = work.db.engine
    before = _row_counts(engine)
    _migrate(engine, "upgrade", "head")
    assert _row_counts(engine) == before
    after = _outcomes(engine)
    assert {ref: after[ref] for ref in refs[: len(OLDER)]} == dict(zip(refs, OLDER.values(), strict=False))
    assert after[refs[-1]] is None  # an open case keeps no outcome
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("UPDATE cases SET outcome = 'complaint upheld' WHERE ref = :r"), {"r": refs[0]})
    # The app reads the cases, with the outcome as a member of the vocabulary, and its notes are still there.
    detail = work.get(refs[7])
    assert detail.outcome == Outcome.COMPLAINT_UPHELD and Outcome(detail.outcome).label == "complaint upheld"
    assert len(work.get(refs[0]).notes) == 1
    work.db.dispose()


def test_downgrade_gives_older_code_its_own_words_back(db_url, settings) -> None:  # type: ignore[no-untyped-def]
    work, refs = _populated_at_0009(db_url, settings)
    engine = work.db.engine
    at_0009 = _outcomes(engine)
    _migrate(engine, "upgrade", "head")
    _migrate(engine, "downgrade", "0009")
    assert _outcomes(engine) == at_0009
    with engine.begin() as conn:  # the constraint is gone with the revision
        conn.execute(text("UPDATE cases SET outcome = 'answered' WHERE ref = :r"), {"r": refs[0]})
    work.db.dispose()


def test_an_unknown_word_stops_the_upgrade_and_changes_nothing(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.store.database import Database

    work, refs = _populated_at_0009(sqlite_url, settings)
    engine = work.db.engine
    with engine.begin() as conn:
        conn.execute(text("UPDATE cases SET outcome = 'answered' WHERE ref = :r"), {"r": refs[0]})
    with pytest.raises(MigrationRefused) as raised:
        Database.open(work.db.url)
    message = str(raised.value)
    assert "\n" not in message and "nothing was changed" in message and "'answered' (1 row)" in message
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0009"
    assert _outcomes(engine)[refs[7]] == "complaint upheld"  # the mapping was rolled back with the rest
    work.db.dispose()


def test_older_words_read_as_the_vocabulary() -> None:
    """Audit payloads written before 0017 (an undo restores an outcome from one) name the older words."""
    assert all(Outcome.of(word) is member for word, member in OLDER.items())
    assert Outcome.of(None) is None
    from dpo_tui.domain.errors import InvalidInput

    with pytest.raises(InvalidInput):
        Outcome.of("answered")
