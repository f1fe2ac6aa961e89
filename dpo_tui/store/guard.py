"""A last line of defence under every service: no row is flushed holding text a database cannot store.

Services validate their own fields with `dpo_tui.domain.text.check_text` (with friendly field names); this catches
whatever one of them misses (a note, a decision's JSON, an audit payload), so a NUL never reaches PostgreSQL as a
driver error and an undecodable byte never reaches SQLite as a UnicodeEncodeError, and the transaction rolls back.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from dpo_tui.domain.text import UnstorableText, problem


def _unstorable(value: Any) -> str | None:
    if isinstance(value, str):
        return problem(value)
    if isinstance(value, dict):
        for k, v in value.items():
            found = _unstorable(k) or _unstorable(v)
            if found:
                return found
    elif isinstance(value, (list, tuple)):
        for v in value:
            found = _unstorable(v)
            if found:
                return found
    return None


def _check(session: Session, _context: Any, _instances: Any) -> None:
    for obj in list(session.new) + list(session.dirty):
        state = inspect(obj)
        for attr in state.mapper.column_attrs:
            reason = _unstorable(state.attrs[attr.key].loaded_value)
            if reason is not None:
                raise UnstorableText(f"{attr.key.replace('_', ' ')}: {reason}")


def install() -> None:
    if not event.contains(Session, "before_flush", _check):
        event.listen(Session, "before_flush", _check)
