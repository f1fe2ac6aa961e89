"""Migration 0006 adds the outbound-mail columns to `letters` on a database that already has letters, dropping nothing."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, text

from dpo_tui.store.database import Database
from dpo_tui.store.migrate import _config


def test_upgrade_keeps_existing_letters(db_url: str) -> None:
    engine = create_engine(db_url)
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO cases (id, ref, regime, country, channel, received, status, is_open, rights, requester_name, "
            "requester_email, email_norm, description, clock_state, due_sort, extended, paused_days, status_since, "
            "identity, decision, checklist_done, checklist_total, search_text, created_at, updated_at, version) VALUES "
            "(1, 'DSAR-2026-0001', 'uk-gdpr', 'GB', 'email', '2026-11-02', 'new', true, 'access', 'A', 'a@example.org', "
            "'a@example.org', '', 'running', '2026-12-02', false, 0, '2026-11-02 10:00:00+00', '{}', '{}', 0, 0, '', "
            "'2026-11-02 10:00:00+00', '2026-11-02 10:00:00+00', 1)"
        ))
        conn.execute(text(
            "INSERT INTO letters (case_id, kind, channel, direction, sent_on, subject, body, created_by, created_at) "
            "VALUES (1, 'acknowledgement', 'post', 'out', '2026-11-03', 'S', 'B', 'dpo', '2026-11-03 10:00:00+00')"
        ))
    engine.dispose()
    db = Database.open(db_url)  # upgrades to head
    try:
        with db.engine.connect() as conn:
            cols = {c["name"] for c in inspect(conn).get_columns("letters")}
            assert {"message_id", "in_reply_to", "sent_to", "sent_at", "subject", "body"} <= cols
            assert "ix_letters_message_id" in {i["name"] for i in inspect(conn).get_indexes("letters")}
            rows = conn.execute(text("SELECT kind, subject, body, message_id FROM letters")).all()
        assert [tuple(r) for r in rows] == [("acknowledgement", "S", "B", None)]
    finally:
        db.dispose()
