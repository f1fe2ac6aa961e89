"""Loading the files the domain's rules are read from: regime profiles, checklist templates, the demo organisation.

The domain parses text it is given (`parse_regime`, `parse_template`, `parse_organisation`) and never opens a file
(tests/test_layers.py holds it to that); this module, beside `settings`, finds the shipped files in the package and
the DPO's own folders and hands their text to those parsers.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from dpo_tui.domain.errors import InvalidInput
from dpo_tui.domain.organisation import DataFileError, Organisation, parse_organisation, parse_toml
from dpo_tui.domain.rights import Right

if TYPE_CHECKING:  # the parsers of templates and regimes are loaded where they are: not on the way to the queue
    from dpo_tui.domain.checklist import Template
    from dpo_tui.domain.regimes import Regime

# The installed package's own folder. Its data files are plain files beside the modules (the migrations must be,
# for Alembic); `importlib.resources` would cost ~2.7 ms of the queue's first paint to import and resolve the same.
PACKAGE = Path(__file__).parent
SHIPPED_DIR = "defaults/checklists"

# ---- regimes ---------------------------------------------------------------------------------------------------


def user_regimes_dir() -> Path:
    """Where a DPO puts their own profiles: `regimes/` next to the settings file."""
    from dpo_tui.paths import settings_path

    return settings_path().parent / "regimes"


def load_regimes(user_dir: Path | None = None) -> dict[str, Regime]:
    """Shipped profiles, then the `*.toml` files in `user_dir` (if given and present) overriding by key.

    Pass `user_regimes_dir()` for the DPO's own folder; None loads only the shipped profiles.
    Raises InvalidInput naming the file and the TOML key when a profile is malformed.
    """
    from dpo_tui.domain.regimes import parse_regime

    out: dict[str, Regime] = {}
    shipped = PACKAGE / "domain" / "regimes"
    for entry in sorted(shipped.iterdir(), key=lambda t: t.name):
        if entry.name.endswith(".toml"):
            regime = parse_regime(entry.read_text(encoding="utf-8"), f"dpo_tui/domain/regimes/{entry.name}")
            out[regime.key] = regime
    if user_dir is not None and user_dir.is_dir():
        for path in sorted(user_dir.glob("*.toml")):
            regime = parse_regime(_read(path), str(path))
            out[regime.key] = regime
    return out


def check_regimes(user_dir: Path | None) -> list[str]:
    """Every problem in the user's regime profiles (each file on its own), for `dpo-tui config check`."""
    from dpo_tui.domain.regimes import parse_regime

    problems: list[str] = []
    if user_dir is None or not user_dir.is_dir():
        return problems
    for path in sorted(user_dir.glob("*.toml")):
        try:
            parse_regime(_read(path), str(path))
        except InvalidInput as exc:
            problems.append(str(exc))
    return problems


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot be read ({(exc.strerror or type(exc).__name__).lower()})") from None


def get_regime(key: str, user_dir: Path | None = None) -> Regime:
    regimes = load_regimes(user_dir)
    try:
        return regimes[key]
    except KeyError:
        raise InvalidInput(f"unknown regime {key!r}; known: {', '.join(sorted(regimes))}") from None


# ---- checklist templates -----------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------------------------


def load_templates(user_dir: Path | None) -> dict[Right, Template]:
    """The shipped template for every right, replaced by the user's `<right>.toml` where they wrote one.

    Raises InvalidInput listing every problem as `file:line: key: problem`; callers keep their last good templates.
    """
    templates, problems = _load_all(user_dir)
    if problems:
        raise InvalidInput(None, "\n".join(str(p) for p in problems))
    return templates


def check_templates(user_dir: Path | None) -> list[str]:
    """Every problem in the shipped and user templates, for `dpo-tui config check`; empty when all is well."""
    return [str(p) for p in _load_all(user_dir)[1]]


def _load_all(user_dir: Path | None) -> tuple[dict[Right, Template], list[DataFileError]]:
    sources: dict[Right, tuple[str, str]] = {}
    problems: list[DataFileError] = []
    shipped = PACKAGE / SHIPPED_DIR
    for right in Right:
        resource = shipped.joinpath(f"{right.value}.toml")
        sources[right] = (str(resource), resource.read_text(encoding="utf-8"))

    if user_dir is not None:
        if not user_dir.is_dir():
            problems.append(DataFileError(str(user_dir), "", "checklist template folder not found"))
        else:
            for path in sorted(user_dir.glob("*.toml")):
                try:
                    right = Right(path.stem)
                except ValueError:
                    valid = ", ".join(f"{r.value}.toml" for r in Right)
                    problems.append(DataFileError(str(path), "", f"not named after a right (valid: {valid})"))
                    continue
                try:
                    sources[right] = (str(path), path.read_text(encoding="utf-8"))
                except (OSError, UnicodeDecodeError) as error:
                    problems.append(DataFileError(str(path), "", f"cannot be read: {error}"))

    from dpo_tui.domain.checklist import parse_template

    templates: dict[Right, Template] = {}
    for right, (source, text) in sources.items():
        try:
            templates[right] = parse_template(right, text, source)
        except DataFileError as error:
            problems.append(error)
    return templates, problems


# ---- the demo organisation ---------------------------------------------------------------------------------------


DEMO_RESOURCE = "defaults/demo_organisation.toml"


def demo_organisation() -> Organisation:
    """The shipped demo profile (AltoStack Ltd), the default until the DPO describes their own organisation."""
    resource = PACKAGE / DEMO_RESOURCE
    text = resource.read_text(encoding="utf-8")
    source = str(resource)
    try:
        return parse_organisation(parse_toml(text, source).get("organisation"), source=source)
    except DataFileError as error:
        raise error.located(text) from None
