"""eu-gdpr, ccpa and user profiles (PIPEDA), and loading regime TOML."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dpo_tui.domain.clock import ClockEvent, ClockEventKind as K, ClockState, compute_deadline
from dpo_tui.domain.errors import InvalidInput
from dpo_tui.domain.regimes import parse_regime
from dpo_tui.loaders import get_regime, load_regimes
from dpo_tui.domain.workdays import WorkCalendar

REGIMES = load_regimes()
EU, CCPA, UK = REGIMES["eu-gdpr"], REGIMES["ccpa"], REGIMES["uk-gdpr"]
REPO = Path(__file__).resolve().parents[2]


def received(on: date) -> list[ClockEvent]:
    return [ClockEvent(K.RECEIVED, on)]


# --- eu-gdpr ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "sub", "on", "due"),
    [
        ("IE", None, date(2026, 2, 17), date(2026, 3, 18)),  # St Patrick's Day, Tue 17 Mar 2026
        ("DE", "BY", date(2026, 5, 4), date(2026, 6, 5)),  # Corpus Christi, Thu 4 Jun 2026, in Bavaria ...
        ("DE", "BE", date(2026, 5, 4), date(2026, 6, 4)),  # ... but not in Berlin
        ("DE", "BY", date(2026, 12, 6), date(2027, 1, 7)),  # Epiphany, Wed 6 Jan 2027, in Bavaria
        ("IE", None, date(2026, 1, 31), date(2026, 3, 2)),
    ],
)
def test_eu_member_state_holidays(country: str, sub: str | None, on: date, due: date) -> None:
    d = compute_deadline(EU, WorkCalendar(country, sub), received(on))
    assert d.due == due


def test_eu_explained_in_regulation_1182_71_words_and_equal_to_uk() -> None:
    d = compute_deadline(EU, WorkCalendar("IE"), received(date(2026, 1, 31)))
    assert "the day of receipt is not counted" in d.explanation[0]
    assert "ends at the end of the next working day" in d.explanation[0]
    assert any(line.startswith("received Sat 31 Jan 2026 (not counted) → one month") for line in d.explanation)
    uk = compute_deadline(UK, WorkCalendar("IE"), received(date(2026, 1, 31)))
    assert (d.due, d.extended_due) == (uk.due, uk.extended_due)


def test_eu_identity_does_not_restart_by_default_but_policy_can() -> None:
    events = [*received(date(2026, 3, 2)), ClockEvent(K.ID_REQUESTED, date(2026, 3, 3))]
    d = compute_deadline(EU, WorkCalendar("IE"), events)
    assert d.state is ClockState.RUNNING and d.clock_start == date(2026, 3, 2)
    assert any("does not restart the clock" in line for line in d.explanation)
    strict = compute_deadline(EU.with_policy(identity_restarts=True), WorkCalendar("IE"), events)
    assert strict.state is ClockState.NOT_STARTED


def test_eu_stop_the_clock_is_policy_off_by_default() -> None:
    events = [
        *received(date(2026, 3, 2)),
        ClockEvent(K.CLARIFICATION_ASKED, date(2026, 3, 10)),
        ClockEvent(K.CLARIFICATION_ANSWERED, date(2026, 3, 14)),
    ]
    assert compute_deadline(EU, WorkCalendar("IE"), events).paused_days == 0
    assert compute_deadline(EU.with_policy(stop_clock=True), WorkCalendar("IE"), events).paused_days == 5


# --- ccpa ------------------------------------------------------------------------------------------------------------


def test_ccpa_45_days_no_roll_and_90_extended() -> None:
    d = compute_deadline(CCPA, WorkCalendar("US", "CA"), received(date(2026, 3, 2)))
    assert d.due == d.extension_notice_by == date(2026, 4, 16)
    assert d.extended_due == date(2026, 5, 31)  # a Sunday: not moved
    assert any("not moved" in line for line in d.explanation)


def test_ccpa_ignores_verification_for_the_clock() -> None:
    events = [*received(date(2026, 3, 2)), ClockEvent(K.ID_REQUESTED, date(2026, 3, 3))]
    d = compute_deadline(CCPA, WorkCalendar("US", "CA"), events)
    assert d.state is ClockState.RUNNING and d.due == date(2026, 4, 16)


def test_ccpa_acknowledgement_in_business_days_skips_california_holidays() -> None:
    d = compute_deadline(CCPA, WorkCalendar("US", "CA"), received(date(2026, 3, 2)))
    assert d.acknowledge_by == date(2026, 3, 16)
    # Cesar Chavez Day (Tue 31 Mar 2026) is a California holiday: 10 business days from Mon 23 Mar end Tue 7 Apr.
    assert compute_deadline(CCPA, WorkCalendar("US", "CA"), received(date(2026, 3, 23))).acknowledge_by == date(2026, 4, 7)
    assert any(line.startswith("acknowledge by Mon 16 Mar 2026") for line in d.explanation)
    assert compute_deadline(UK, WorkCalendar("GB", "ENG"), received(date(2026, 3, 2))).acknowledge_by is None


# --- profiles --------------------------------------------------------------------------------------------------------


def test_shipped_regimes() -> None:
    assert {"uk-gdpr", "eu-gdpr", "ccpa"} <= set(REGIMES)
    assert UK.restart_kinds == {"id", "authority", "fee"} and UK.stops_clock_for(["access"])
    assert not EU.restart_kinds and not EU.stops_clock_for(["access"])
    assert (UK.country, UK.subdivision, EU.country, CCPA.country, CCPA.subdivision) == ("GB", "ENG", "", "US", "CA")  # eu-gdpr: no default


def test_user_profile_pipeda_without_code(tmp_path: Path) -> None:
    (tmp_path / "pipeda.toml").write_text((REPO / "data" / "regimes" / "pipeda.toml").read_text())
    pipeda = get_regime("pipeda", tmp_path)
    d = compute_deadline(pipeda, WorkCalendar("CA", "ON"), received(date(2026, 6, 1)))
    assert d.due == date(2026, 7, 2)  # 1 Jul (Canada Day) → Thu 2 Jul
    assert d.extended_due == date(2026, 7, 31)


def test_user_file_overrides_shipped_key(tmp_path: Path) -> None:
    text = (REPO / "dpo_tui" / "domain" / "regimes" / "ccpa.toml").read_text().replace("length = 45\n", "length = 30\n", 1)
    (tmp_path / "my-ccpa.toml").write_text(text)
    assert load_regimes(tmp_path)["ccpa"].period == 30
    assert load_regimes(None)["ccpa"].period == 45
    assert load_regimes(tmp_path / "missing")["ccpa"].period == 45


def test_unknown_regime() -> None:
    with pytest.raises(InvalidInput, match="unknown regime 'xx'; known: ccpa, eu-gdpr, uk-gdpr"):
        get_regime("xx")


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (("unit = \"days\"", "unit = \"weeks\""), "period.unit"),
        (("length = 45\n", "length = \"45\"\n"), "period.length"),
        (("key = \"ccpa\"\n", ""), "key"),
        (("on = []                            #", "on = [\"passport\"] #"), "restart.on"),
        (("country = \"US\"", "country = 1"), "calendar.country"),
    ],
)
def test_malformed_profile_names_file_and_key(tmp_path: Path, change: tuple[str, str], key: str) -> None:
    text = (REPO / "dpo_tui" / "domain" / "regimes" / "ccpa.toml").read_text()
    assert change[0] in text
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace(change[0], change[1], 1))
    with pytest.raises(InvalidInput) as exc:
        load_regimes(tmp_path)
    assert str(bad) in str(exc.value) and f": {key}:" in str(exc.value)


def test_invalid_toml_names_file() -> None:
    with pytest.raises(InvalidInput, match="mine.toml: not valid TOML"):
        parse_regime("key = ", "mine.toml")
