"""The organisation profile: who the controller is, which systems hold personal data, and why.

Checklists expand against the systems; access responses (Art 15) are pre-filled from the rest. The profile is
written by the DPO in TOML under `[organisation]`, so every problem is reported with the key path that holds it,
and, where the file text is known, the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, NamedTuple

from dpo_tui.domain.errors import InvalidInput

# ---------------------------------------------------------------------------------------------------------------
# Reporting problems in TOML data files
# ---------------------------------------------------------------------------------------------------------------


class DataFileError(InvalidInput):
    """A problem in a settings or template file, shown as `file:line: key.path: problem`."""

    def __init__(self, source: str, key_path: str, problem: str, line: int | None = None) -> None:
        self.source = source
        self.key_path = key_path
        self.problem = problem
        self.line = line
        where = f"{source}:{line}" if line is not None else source
        parts = [p for p in (where, key_path, problem) if p]
        super().__init__(None, ": ".join(parts))

    def located(self, text: str) -> DataFileError:
        """The same problem with the line of its key, found in the file text it was parsed from."""
        return DataFileError(self.source, self.key_path, self.problem, locate_key(text, self.key_path))


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)")


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """tomllib.loads, with a syntax error reported as `file:line: problem` instead of a traceback."""
    # Imported here: the queue's process gets its settings already parsed (store.early_page) and only needs this
    # module's types, before its first paint; tomllib is ~1.5 ms of imports.
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        position = _TOML_POSITION.search(message)
        line = int(position.group(1)) if position else None
        raise DataFileError(source, "", _TOML_POSITION.sub("", message), line) from None


_HEADER = re.compile(r"^\s*(\[\[?)([^\[\]]+)\]\]?\s*(?:#.*)?$")
_ASSIGNMENT = re.compile(r"""^\s*([A-Za-z0-9_\-."' ]+?)\s*=""")
_TRIPLE_QUOTE = re.compile(r'"""|\'\'\'')


def _dotted(name: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in name.split("."))


def locate_key(text: str, key_path: str) -> int | None:
    """Line (1-based) that defines `key_path` (e.g. "organisation.systems[2].role") in TOML `text`.

    tomllib reports no positions for values it parsed fine, so semantic errors would otherwise point nowhere.
    A key that is missing falls back to the line of the closest enclosing table, which is where it belongs.
    """
    array_counts: dict[str, int] = {}
    table = ""
    best_len, best_line = -1, None
    in_multiline = False

    def consider(path: str, lineno: int) -> None:
        nonlocal best_len, best_line
        covers = key_path == path or key_path.startswith((path + ".", path + "["))
        if covers and len(path) > best_len:
            best_len, best_line = len(path), lineno

    for lineno, line in enumerate(text.splitlines(), start=1):
        quotes = len(_TRIPLE_QUOTE.findall(line))
        if in_multiline:
            in_multiline = quotes % 2 == 0
            continue
        if header := _HEADER.match(line):
            table = _resolve_table(_dotted(header.group(2)).split("."), header.group(1) == "[[", array_counts)
            consider(table, lineno)
        elif assignment := _ASSIGNMENT.match(line):
            key = _dotted(assignment.group(1))
            consider(f"{table}.{key}" if table else key, lineno)
        in_multiline = quotes % 2 == 1
    return best_line


def _resolve_table(segments: list[str], is_array: bool, array_counts: dict[str, int]) -> str:
    # A header naming an array of tables refers to that array's latest element, as TOML itself resolves it.
    path = ""
    for i, segment in enumerate(segments):
        path = f"{path}.{segment}" if path else segment
        if is_array and i == len(segments) - 1:
            array_counts[path] = array_counts.get(path, 0) + 1
        if path in array_counts:
            path = f"{path}[{array_counts[path] - 1}]"
    return path


_REQUIRED: Any = object()


class TableReader:
    """Typed, path-aware access to one TOML table, so each error names the key that caused it."""

    def __init__(self, data: Mapping[str, Any], path: str, source: str) -> None:
        self.data = data
        self.path = path
        self.source = source

    def key_path(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def error(self, key: str, problem: str) -> DataFileError:
        return DataFileError(self.source, self.key_path(key) if key else self.path, problem)

    def check_keys(self, allowed: Iterable[str]) -> None:
        """Reject unknown keys: a misspelt optional key would otherwise be silently ignored."""
        allowed = tuple(allowed)
        for key in self.data:
            if key not in allowed:
                raise self.error(key, f"unknown key (valid: {', '.join(allowed)})")

    def text(self, key: str, default: Any = _REQUIRED) -> str:
        value = self.data.get(key)
        if value is None:
            if default is _REQUIRED:
                raise self.error(key, "required")
            return default
        if not isinstance(value, str):
            raise self.error(key, f"must be text, not {_type_name(value)}")
        if not value.strip():
            raise self.error(key, "must not be empty")
        return value.strip()

    def optional_text(self, key: str) -> str | None:
        result: str | None = self.text(key, None)
        return result

    def one_line(self, key: str, default: Any = _REQUIRED) -> str:
        value = self.text(key, default)
        if value is not None and "\n" in value:
            raise self.error(key, "must be a single line")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.error(key, f"must be true or false, not {_type_name(value)}")
        return value

    def choice(self, key: str, choices: Iterable[str], default: Any = _REQUIRED) -> str:
        value = self.text(key, default)
        choices = tuple(choices)
        if value not in choices:
            raise self.error(key, f"must be one of {', '.join(choices)}")
        return value

    def texts(self, key: str, *, required: bool = False) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.error(key, "required")
            return ()
        if not isinstance(value, list):
            raise self.error(key, f"must be a list of text, not {_type_name(value)}")
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.error(f"{key}[{i}]", "must be non-empty text")
        if required and not value:
            raise self.error(key, "must not be empty")
        return tuple(item.strip() for item in value)

    def keys_from(self, key: str, known: Iterable[str], what: str, *, required: bool = False) -> tuple[str, ...]:
        """A list of references to keys defined elsewhere in the profile (e.g. category keys)."""
        values = self.texts(key, required=required)
        known = tuple(known)
        for i, value in enumerate(values):
            if value not in known:
                raise self.error(f"{key}[{i}]", f"unknown {what} {value!r} (defined: {', '.join(known) or 'none'})")
        return values

    def table(self, key: str) -> TableReader:
        value = self.data.get(key)
        if value is None:
            raise self.error(key, "required")
        if not isinstance(value, Mapping):
            raise self.error(key, f"must be a table, not {_type_name(value)}")
        return TableReader(value, self.key_path(key), self.source)

    def tables(self, key: str, *, required: bool = False) -> list[TableReader]:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.error(key, f"required: add at least one [[{self.key_path(key)}]] table")
            return []
        if not isinstance(value, list):
            raise self.error(key, f"must be a list of tables ([[{self.key_path(key)}]]), not {_type_name(value)}")
        readers = []
        for i, item in enumerate(value):
            if not isinstance(item, Mapping):
                raise self.error(f"{key}[{i}]", f"must be a table, not {_type_name(item)}")
            readers.append(TableReader(item, f"{self.key_path(key)}[{i}]", self.source))
        if required and not readers:
            raise self.error(key, f"required: add at least one [[{self.key_path(key)}]] table")
        return readers

    def unique(self, readers: list[TableReader], key: str = "key") -> None:
        seen: set[str] = set()
        for reader in readers:
            value = reader.data.get(key)
            if value in seen:
                raise reader.error(key, f"duplicate {key} {value!r}")
            seen.add(value)


def _type_name(value: object) -> str:
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


# ---------------------------------------------------------------------------------------------------------------
# The profile
# ---------------------------------------------------------------------------------------------------------------


class SystemRole(StrEnum):
    """How a system relates to the controller, which decides what a right requires there."""

    OWN = "own"  # run by the organisation itself: search and act directly
    PROCESSOR = "processor"  # run for it under contract (Art 28): act through the processor
    RECIPIENT = "recipient"  # a separate party data was disclosed to: notify (Art 19), name in Art 15 replies


LAWFUL_BASES: dict[str, str] = {
    "consent": "consent (Art 6(1)(a))",
    "contract": "performance of a contract (Art 6(1)(b))",
    "legal_obligation": "compliance with a legal obligation (Art 6(1)(c))",
    "vital_interests": "protection of vital interests (Art 6(1)(d))",
    "public_task": "performance of a public task (Art 6(1)(e))",
    "legitimate_interests": "legitimate interests (Art 6(1)(f))",
}

_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


# The profile and its records are NamedTuples, cheap to define when settings load before the queue's first paint
# (see store.queue.QueueRow).
class Authority(NamedTuple):
    name: str
    website: str
    phone: str
    address: str


class DataCategory(NamedTuple):
    key: str
    name: str
    description: str


class Purpose(NamedTuple):
    name: str
    lawful_basis: str  # a key of LAWFUL_BASES
    categories: tuple[str, ...]  # DataCategory keys

    @property
    def lawful_basis_label(self) -> str:
        return LAWFUL_BASES[self.lawful_basis]


class System(NamedTuple):
    key: str  # stable: checklist item keys and case records refer to it
    name: str
    description: str
    categories: tuple[str, ...]  # DataCategory keys
    role: SystemRole
    contact: str
    outside_uk_eea: bool
    safeguard: str | None  # required when outside_uk_eea: Art 15(2) makes it part of every access reply


class Organisation(NamedTuple):
    name: str
    dpo_name: str
    dpo_email: str
    address: str
    regime: str
    country: str
    subdivision: str | None
    supervisory_authority: Authority
    systems: tuple[System, ...]
    categories: tuple[DataCategory, ...]
    purposes: tuple[Purpose, ...]
    sources: tuple[str, ...]
    recipients: tuple[str, ...]
    retention: str
    transfers: str | None
    automated_decision_making: str | None  # None: no solely automated decisions with significant effects

    def system(self, key: str) -> System:
        for system in self.systems:
            if system.key == key:
                return system
        raise InvalidInput(None, f"unknown system {key!r} (defined: {', '.join(s.key for s in self.systems)})")

    def category_names(self, keys: Iterable[str]) -> tuple[str, ...]:
        names = {c.key: c.name for c in self.categories}
        return tuple(names[k] for k in keys)

    def systems_with_role(self, *roles: SystemRole) -> tuple[System, ...]:
        return tuple(s for s in self.systems if s.role in roles)


_ORGANISATION_KEYS = (
    "name", "dpo_name", "dpo_email", "address", "regime", "country", "subdivision", "supervisory_authority",
    "systems", "categories", "purposes", "sources", "recipients", "retention", "transfers",
    "automated_decision_making",
)  # fmt: skip


def parse_organisation(data: Mapping[str, Any], *, source: str) -> Organisation:
    """Build the profile from the contents of the `[organisation]` table of a TOML file.

    `source` names the file in messages. Errors carry no line (the mapping has none): a caller holding the file
    text adds it with `DataFileError.located(text)`.
    """
    if data is None:
        raise DataFileError(source, "organisation", "required: add an [organisation] table")
    if not isinstance(data, Mapping):
        raise DataFileError(source, "organisation", f"must be a table, not {_type_name(data)}")
    org = TableReader(data, "organisation", source)
    org.check_keys(_ORGANISATION_KEYS)

    dpo_email = org.one_line("dpo_email")
    if "@" not in dpo_email:
        raise org.error("dpo_email", "must be an email address")
    country = org.one_line("country")
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise org.error("country", "must be a two-letter ISO country code in capitals, e.g. GB")
    regime = org.one_line("regime")
    if not _KEY.match(regime):
        raise org.error("regime", "must be a regime key such as uk-gdpr, eu-gdpr or ccpa")

    categories = _parse_categories(org)
    category_keys = [c.key for c in categories]
    return Organisation(
        name=org.one_line("name"),
        dpo_name=org.one_line("dpo_name"),
        dpo_email=dpo_email,
        address=org.text("address"),
        regime=regime,
        country=country,
        subdivision=org.one_line("subdivision", None),
        supervisory_authority=_parse_authority(org.table("supervisory_authority")),
        systems=_parse_systems(org, category_keys),
        categories=categories,
        purposes=_parse_purposes(org, category_keys),
        sources=org.texts("sources", required=True),
        recipients=org.texts("recipients"),
        retention=org.text("retention"),
        transfers=org.optional_text("transfers"),
        automated_decision_making=org.optional_text("automated_decision_making"),
    )


def _parse_authority(table: TableReader) -> Authority:
    table.check_keys(("name", "website", "phone", "address"))
    return Authority(
        name=table.one_line("name"),
        website=table.one_line("website"),
        phone=table.one_line("phone"),
        address=table.text("address"),
    )


def _parse_key(table: TableReader) -> str:
    key = table.one_line("key")
    if not _KEY.match(key):
        raise table.error("key", "must be lower-case letters, digits, '-' or '_' (it is used in item keys)")
    return key


def _parse_categories(org: TableReader) -> tuple[DataCategory, ...]:
    tables = org.tables("categories", required=True)
    categories = []
    for table in tables:
        table.check_keys(("key", "name", "description"))
        categories.append(DataCategory(_parse_key(table), table.one_line("name"), table.text("description")))
    org.unique(tables)
    return tuple(categories)


def _parse_purposes(org: TableReader, category_keys: list[str]) -> tuple[Purpose, ...]:
    purposes = []
    for table in org.tables("purposes", required=True):
        table.check_keys(("name", "lawful_basis", "categories"))
        purposes.append(
            Purpose(
                name=table.one_line("name"),
                lawful_basis=table.choice("lawful_basis", LAWFUL_BASES),
                categories=table.keys_from("categories", category_keys, "category", required=True),
            )
        )
    return tuple(purposes)


def _parse_systems(org: TableReader, category_keys: list[str]) -> tuple[System, ...]:
    tables = org.tables("systems", required=True)
    systems = []
    for table in tables:
        table.check_keys(
            ("key", "name", "description", "categories", "role", "contact", "outside_uk_eea", "safeguard")
        )
        outside = table.flag("outside_uk_eea", False)
        safeguard = table.optional_text("safeguard")
        if outside and safeguard is None:
            raise table.error("safeguard", "required when outside_uk_eea is true (Art 15(2) access replies name it)")
        systems.append(
            System(
                key=_parse_key(table),
                name=table.one_line("name"),
                description=table.text("description"),
                categories=table.keys_from("categories", category_keys, "category", required=True),
                role=SystemRole(table.choice("role", [r.value for r in SystemRole])),
                contact=table.one_line("contact"),
                outside_uk_eea=outside,
                safeguard=safeguard,
            )
        )
    org.unique(tables)
    return tuple(systems)
