"""The queue's filter syntax, typed in its search box beside the search words (issue 16):

    right:erasure regime:eu-gdpr due:<2026-12-31 assignee:jordan channel:post ada

- `right:` a right (`access`, `erasure`, ... or the start of one: `right:era`); `regime:` `uk-gdpr`, `eu-gdpr`,
  `ccpa` (or `uk`, `eu`); `channel:` `email`, `web`, `post`, `phone`, `in_person`, `social`;
  `assignee:` the start of a name (`jordan` finds "Jordan Elis"), `none` for unassigned, `me` for the user's own;
- `received:` and `due:` a date range: `<2026-12-31`, `<=`, `>`, `>=`, `2026-11-01..2026-11-30` or one day;
- a value may list alternatives with commas (`channel:post,phone`); filters and words all have to match.

Anything else is a search word. A word shaped like a filter with an unknown name or a bad value is an error
(`BadFilter`) whose message says what is wrong and how to write it: a filter never silently matches nothing.
Each filter becomes an SQL condition on an indexed or small column; the queue's keyset paging is unchanged.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple

from dpo_tui.domain.rights import Right

NO_DUE = date(9999, 12, 31)  # models.NO_DUE: cases with no running clock sort after every date
CHANNEL_KEYS = ("email", "web", "post", "phone", "in_person", "social")  # services.casework.CHANNELS
REGIME_SHORT = {"uk": "uk-gdpr", "eu": "eu-gdpr", "ccpa": "ccpa", "uk-gdpr": "uk-gdpr", "eu-gdpr": "eu-gdpr"}
KEYS = ("right", "regime", "channel", "assignee", "received", "due")
_FILTER = re.compile(r"^([a-z_]+):(.*)$")
_RANGE = re.compile(r"^(<=|>=|<|>)?(\d{4}-\d{2}-\d{2})$")


class BadFilter(ValueError):
    """A filter the queue cannot apply; the message is shown to the user as it is."""


class Filters(NamedTuple):  # a NamedTuple, defined on the way to the first paint (see store.queue.QueueRow)
    """Parsed filters: each tuple holds one filter word's alternatives (a word matches if any matches)."""

    rights: tuple[tuple[str, ...], ...] = ()
    regimes: tuple[tuple[str, ...], ...] = ()
    channels: tuple[tuple[str, ...], ...] = ()
    assignees: tuple[tuple[str, ...], ...] = ()  # lower-cased name starts; "" = unassigned
    received: tuple[tuple[str, date], ...] = ()  # (operator, date)
    due: tuple[tuple[str, date], ...] = ()
    words: tuple[str, ...] = ()  # the filter words as typed, for showing

    def __bool__(self) -> bool:
        return bool(self.words)

    def conditions(self) -> tuple[list[str], list[Any]]:
        conds: list[str] = []
        params: list[Any] = []

        def any_of(template: str, values: tuple[Any, ...]) -> None:
            conds.append("(" + " OR ".join(template for _ in values) + ")" if len(values) > 1 else template)
            for v in values:
                params.extend([v] * template.count("?"))

        for alts in self.rights:
            any_of("(',' || rights || ',') LIKE ?", tuple(f"%,{r},%" for r in alts))
        for alts in self.regimes:
            any_of("regime = ?", alts)
        for alts in self.channels:
            any_of("channel = ?", alts)
        for alts in self.assignees:
            named = tuple(a for a in alts if a)
            parts = ["assignee IS NULL"] if "" in alts else []
            parts += ["LOWER(assignee) LIKE ? ESCAPE '\\'" for _ in named]
            conds.append("(" + " OR ".join(parts) + ")")
            params.extend(f"{_escape_like(a)}%" for a in named)
        for op, day in self.received:
            conds.append(f"received {op} ?")
            params.append(day)
        for op, day in self.due:
            conds.append(f"due_sort {op} ?")
            params.append(day)
            if op in (">", ">=", "="):  # a case with no due date yet is not due after anything
                conds.append("due_sort < ?")
                params.append(NO_DUE)
        return conds, params


@lru_cache(maxsize=64)  # every page read of a query parses its search again: keep that free
def parse_search(text: str, *, me: str = "") -> tuple[tuple[str, ...], Filters]:
    """The search words (lower-cased) and the filters of what was typed in the queue's search box."""
    words: list[str] = []
    found: dict[str, list[Any]] = {k: [] for k in KEYS}
    shown: list[str] = []
    for token in text.split():
        m = _FILTER.match(token.lower())
        if m is None:
            words.append(token.lower())
            continue
        key, value = m.group(1), m.group(2)
        if key not in KEYS:
            raise BadFilter(f"unknown filter '{key}:': the filters are {', '.join(k + ':' for k in KEYS)}")
        if not value:
            raise BadFilter(f"'{key}:' needs a value, e.g. {_EXAMPLE[key]}")
        if key in ("received", "due"):
            found[key].extend(_range(key, value))
        else:
            found[key].append(tuple(_one(key, v, me) for v in value.split(",") if v) or _bad(key, value))
        shown.append(token)
    filters = Filters(
        rights=tuple(found["right"]),
        regimes=tuple(found["regime"]),
        channels=tuple(found["channel"]),
        assignees=tuple(found["assignee"]),
        received=tuple(found["received"]),
        due=tuple(found["due"]),
        words=tuple(shown),
    )
    return tuple(words), filters


_EXAMPLE = {
    "right": "right:erasure",
    "regime": "regime:eu-gdpr",
    "channel": "channel:post",
    "assignee": "assignee:jordan",
    "received": "received:>=2026-11-01",
    "due": "due:<2026-12-31",
}


def _bad(key: str, value: str) -> Any:
    raise BadFilter(f"'{key}:{value}' has no value, e.g. {_EXAMPLE[key]}")


def _one(key: str, value: str, me: str) -> str:
    if key == "right":
        keys = [r.value for r in Right]
        if value in keys:
            return value
        hits = [k for k in keys if k.startswith(value)]
        if len(hits) == 1:
            return hits[0]
        raise BadFilter(f"'right:{value}' is not a right: {', '.join(keys)}")
    if key == "regime":
        return REGIME_SHORT.get(value, value)  # an organisation's own regime key is taken as written
    if key == "channel":
        value = value.replace("-", "_")
        if value not in CHANNEL_KEYS:
            raise BadFilter(f"'channel:{value}' is not a channel: {', '.join(CHANNEL_KEYS)}")
        return value
    # assignee
    if value == "none":
        return ""
    if value == "me":
        return me.lower()
    return value


def _range(key: str, value: str) -> list[tuple[str, date]]:
    if ".." in value:
        start, _, end = value.partition("..")
        return [(">=", _day(key, start, value)), ("<=", _day(key, end, value))]
    m = _RANGE.match(value)
    if m is None:
        raise BadFilter(f"'{key}:{value}' is not a date range: write {_EXAMPLE[key]}, {key}:2026-11-01..2026-11-30 or {key}:2026-11-02")
    op = m.group(1) or "="
    return [(op, _day(key, m.group(2), value))]


def _day(key: str, text: str, value: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadFilter(f"'{key}:{value}': '{text}' is not a date (YYYY-MM-DD)") from None


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
