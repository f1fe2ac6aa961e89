"""Which database a command means. Kept free of SQLAlchemy so the queue can start without importing it."""

from __future__ import annotations

from pathlib import Path

from dpo_tui.paths import default_db_path


class DatabaseError(Exception):
    """The database cannot be used; the message is one line a user can act on."""


def resolve_url(target: str | None) -> str:
    """`None` → the default SQLite file; a path → SQLite; anything with `://` → that URL."""
    if target and ("\x00" in target or not _encodable(target)):
        from dpo_tui.text import clean_line

        raise DatabaseError(f"not a database path or URL: '{clean_line(target)}' (NUL or bytes that are not UTF-8)")
    if not target:
        return f"sqlite:///{default_db_path()}"
    if "://" in target:
        if target.startswith("postgresql://"):
            return target.replace("postgresql://", "postgresql+psycopg://", 1)
        return target
    try:
        return f"sqlite:///{Path(target).expanduser().resolve()}"
    except (OSError, RuntimeError) as exc:  # ENAMETOOLONG, a symlink loop
        from dpo_tui.text import clean_line

        raise DatabaseError(f"not a usable database path: '{clean_line(target)}' ({exc.__class__.__name__})") from None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
