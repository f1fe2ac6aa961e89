"""Which database a command means. Kept free of SQLAlchemy so the queue can start without importing it."""

from __future__ import annotations

from pathlib import Path

from dpo_tui.paths import default_db_path


def resolve_url(target: str | None) -> str:
    """`None` → the default SQLite file; a path → SQLite; anything with `://` → that URL."""
    if not target:
        return f"sqlite:///{default_db_path()}"
    if "://" in target:
        if target.startswith("postgresql://"):
            return target.replace("postgresql://", "postgresql+psycopg://", 1)
        return target
    return f"sqlite:///{Path(target).expanduser().resolve()}"
