"""Issue 16: the response cover letter never contradicts the record, and a partial refusal follows the right.

Drafted through the real command line (`dpo-tui letter REF KIND`), on cases worked through the real services."""

from __future__ import annotations

from datetime import date

from click.testing import CliRunner

from dpo_tui.cli import cli
from dpo_tui.domain.rights import Right
from dpo_tui.services import checklist_work as cw
from tests.conftest import make_work, new_request


def _letter(url: str, ref: str, kind: str) -> str:
    out = CliRunner().invoke(cli, ["--db", url, "letter", ref, kind], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    return out.output


def test_response_cover_follows_the_checklist_record(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]
    work = make_work(sqlite_url, settings)
    ref = work.log_request(new_request(received=date(2026, 11, 2), rights=(Right.ACCESS,))).ref
    work.change_status(ref, "in_progress", version=work.version_of(ref))
    keys = {i.key: i for i in work.get(ref).checklist}
    # The events partner received nothing about this person; the group companies item does not apply.
    cw.tick(work, ref, "access.disclosed.event-partners", search_terms="ada@example.org", found="nothing_found",
            version=work.version_of(ref))  # fmt: skip
    cw.mark_not_applicable(work, ref, "access.disclosed.group", "never shared with the group", version=work.version_of(ref))
    cw.tick(work, ref, "access.search.hubspot", search_terms="ada@example.org", found="found", version=work.version_of(ref))
    cw.add_item(work, ref, "Search telephony platform", version=work.version_of(ref))
    adhoc = next(i.key for i in work.get(ref).checklist if i.adhoc)
    cw.tick(work, ref, adhoc, search_terms="+44 7700 900123", found="found", version=work.version_of(ref))
    assert "access.disclosed.event-partners" in keys
    work.db.dispose()
    body = _letter(sqlite_url, ref, "response_cover")
    searched = body.split("We searched:")[1].split("The law also")[0]
    assert "telephony platform" in searched and "HubSpot" in searched
    sharing = body.split("## Who we share it with")[1].split("##")[0]
    assert "HubSpot" in sharing  # found: named
    names = {s.key: s.name for s in settings.organisation.systems}
    assert names["event-partners"] not in sharing and names["group"] not in sharing, sharing


def test_adhoc_search_that_found_data_is_not_a_holds_nothing_letter(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]
    work = make_work(sqlite_url, settings)
    ref = work.log_request(new_request(received=date(2026, 11, 2), rights=(Right.ACCESS,))).ref
    work.change_status(ref, "in_progress", version=work.version_of(ref))
    for item in work.get(ref).checklist:
        if item.requires_search_record:
            cw.tick(work, ref, item.key, search_terms="ada", found="nothing_found", version=work.version_of(ref))
    cw.add_item(work, ref, "Search telephony platform", version=work.version_of(ref))
    adhoc = next(i.key for i in work.get(ref).checklist if i.adhoc)
    cw.tick(work, ref, adhoc, search_terms="+44 7700 900123", found="found", version=work.version_of(ref))
    work.db.dispose()
    body = _letter(sqlite_url, ref, "response_cover")
    assert "we do not hold any personal data about you" not in body
    assert "telephony platform" in body
