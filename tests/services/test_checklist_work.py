"""Working a checklist: the record of each item (who, when, search record, reason), counts kept in step for the queue,
the completion gate and its override, and the direct-marketing rule. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import select

from dpo_tui.domain.errors import DomainError, InvalidInput
from dpo_tui.domain.rights import Right
from dpo_tui.services import checklist_work as cw
from dpo_tui.services.casework import StaleCase
from dpo_tui.store.models import Case

from tests.conftest import new_request

SEARCH = "access.search.hubspot"
GATHER = "access.gather"


def _item(detail, key):  # type: ignore[no-untyped-def]
    return next(i for i in detail.checklist if i.key == key)


def _counts(work, ref):  # type: ignore[no-untyped-def]
    with work.db.reader() as s:
        case = s.exec(select(Case).where(Case.ref == ref)).one()
        return case.checklist_done, case.checklist_total


def _kinds(detail):  # type: ignore[no-untyped-def]
    return [e.kind for e in detail.events]


def _finish_all(work, ref):  # type: ignore[no-untyped-def]
    detail = work.get(ref)
    for item in detail.open_items:
        if item.requires_search_record:
            detail = cw.tick(work, ref, item.key, search_terms="ada@example.org", found="nothing_found", version=work.version_of(ref))
        else:
            detail = cw.tick(work, ref, item.key, version=work.version_of(ref))
    return detail


def test_tick_requires_a_search_record_where_the_template_asks(work) -> None:  # type: ignore[no-untyped-def]
    ref = work.log_request(new_request()).ref
    with pytest.raises(InvalidInput, match="search terms"):
        cw.tick(work, ref, SEARCH, version=work.version_of(ref))
    with pytest.raises(InvalidInput, match="found"):
        cw.tick(work, ref, SEARCH, search_terms="ada@example.org", version=work.version_of(ref))
    with pytest.raises(InvalidInput, match="not a search result"):
        cw.tick(work, ref, SEARCH, search_terms="ada@example.org", found="maybe", version=work.version_of(ref))
    assert _item(work.get(ref), SEARCH).state == "open"

    detail = cw.tick(work, ref, SEARCH, search_terms="  ada@example.org,  Ada Lovelace ", found="nothing found", version=work.version_of(ref))
    item = _item(detail, SEARCH)
    assert item.state == "done"
    assert item.search_terms == "ada@example.org, Ada Lovelace"
    assert item.found == "nothing_found"
    assert item.done_by == work.actor and item.done_at is not None
    event = detail.events[-1]
    assert event.kind == "checklist.ticked"
    assert event.payload == {
        "key": SEARCH, "system": "hubspot", "search_terms": "ada@example.org, Ada Lovelace", "found": "nothing_found", "was": "open",
    }  # fmt: skip


def test_tick_without_search_record_and_with_note(work) -> None:  # type: ignore[no-untyped-def]
    ref = work.log_request(new_request()).ref
    detail = cw.tick(work, ref, GATHER, note="Exported from CRM as PDF", version=work.version_of(ref))
    item = _item(detail, GATHER)
    assert (item.state, item.note, item.search_terms, item.found) == ("done", "Exported from CRM as PDF", None, None)
    with pytest.raises(DomainError, match="already done"):
        cw.tick(work, ref, GATHER, version=work.version_of(ref))
    with pytest.raises(InvalidInput, match="search terms"):
        cw.tick(work, ref, "access.redact", found="found", version=work.version_of(ref))
    with pytest.raises(InvalidInput, match="no checklist item"):
        cw.tick(work, ref, "access.nonsense", version=work.version_of(ref))


def test_untick_reopens_and_keeps_history(work) -> None:  # type: ignore[no-untyped-def]
    ref = work.log_request(new_request()).ref
    cw.tick(work, ref, SEARCH, search_terms="ada", found="found", version=work.version_of(ref))
    detail = cw.untick(work, ref, SEARCH, version=work.version_of(ref))
    item = _item(detail, SEARCH)
    assert (item.state, item.search_terms, item.found, item.done_by) == ("open", None, None, None)
    assert _kinds(detail)[-2:] == ["checklist.ticked", "checklist.unticked"]
    assert detail.events[-2].payload["search_terms"] == "ada"
    with pytest.raises(DomainError, match="not ticked"):
        cw.untick(work, ref, SEARCH, version=work.version_of(ref))


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_not_applicable_needs_a_reason(work, reason) -> None:  # type: ignore[no-untyped-def]
    ref = work.log_request(new_request()).ref
    with pytest.raises(InvalidInput, match="reason"):
        cw.mark_not_applicable(work, ref, "access.exemptions", reason, version=work.version_of(ref))
    assert _item(work.get(ref), "access.exemptions").state == "open"


def test_not_applicable_with_reason(work) -> None:  # type: ignore[no-untyped-def]
    ref = work.log_request(new_request()).ref
    detail = cw.mark_not_applicable(work, ref, "access.exemptions", "  No exemption  applies ", version=work.version_of(ref))
    item = _item(detail, "access.exemptions")
    assert (item.state, item.reason, item.done_by) == ("na", "No exemption applies", work.actor)
    assert detail.events[-1].kind == "checklist.not_applicable"
    assert detail.events[-1].payload["reason"] == "No exemption applies"
    # then ticked instead: the reason goes
    item = _item(cw.tick(work, ref, "access.exemptions", version=work.version_of(ref)), "access.exemptions")
    assert (item.state, item.reason) == ("done", None)


def test_notes_and_adhoc_items(work) -> None:  # type: ignore[no-untyped-def]
    ref = work.log_request(new_request()).ref
    before = _counts(work, ref)
    detail = cw.add_note(work, ref, SEARCH, "HubSpot admin is on leave until Friday", version=work.version_of(ref))
    assert _item(detail, SEARCH).note == "HubSpot admin is on leave until Friday"
    assert detail.events[-1].kind == "checklist.noted"
    assert _item(cw.add_note(work, ref, SEARCH, "  ", version=work.version_of(ref)), SEARCH).note is None

    with pytest.raises(InvalidInput, match="label"):
        cw.add_item(work, ref, "   ", version=work.version_of(ref))
    detail = cw.add_item(work, ref, "Check the [bold]paper[/] files in the  archive", version=work.version_of(ref))
    detail = cw.add_item(work, ref, "Ask HR", version=work.version_of(ref))
    added = [i for i in detail.checklist if i.adhoc]
    assert [(i.key, i.label) for i in added] == [
        ("adhoc.1", "Check the [bold]paper[/] files in the archive"),
        ("adhoc.2", "Ask HR"),
    ]
    assert detail.checklist[-1].key == "adhoc.2"
    assert detail.events[-1].kind == "checklist.item_added"
    assert _counts(work, ref) == (before[0], before[1] + 2)


def test_counts_stay_in_step(work) -> None:  # type: ignore[no-untyped-def]
    detail = work.log_request(new_request())
    ref, total = detail.ref, len(detail.checklist)
    assert _counts(work, ref) == (0, total)
    cw.tick(work, ref, SEARCH, search_terms="ada", found="found", version=work.version_of(ref))
    cw.mark_not_applicable(work, ref, "access.exemptions", "none apply", version=work.version_of(ref))
    assert _counts(work, ref) == (2, total)
    cw.untick(work, ref, SEARCH, version=work.version_of(ref))
    assert _counts(work, ref) == (1, total)
    cw.add_item(work, ref, "Extra", version=work.version_of(ref))
    assert _counts(work, ref) == (1, total + 1)


def test_completion_is_refused_with_the_open_items(work) -> None:  # type: ignore[no-untyped-def]
    ref = work.log_request(new_request()).ref
    cw.tick(work, ref, SEARCH, search_terms="ada", found="found", version=work.version_of(ref))
    with pytest.raises(cw.OpenItems) as refused:
        cw.complete_case(work, ref, version=work.version_of(ref))
    keys = [k for k, _ in refused.value.items]
    assert SEARCH not in keys and GATHER in keys and "shared.respond" in keys
    assert "Gather the copy of the personal data" in str(refused.value)
    assert work.get(ref).status == "new"


def test_completion_when_everything_is_done(work) -> None:  # type: ignore[no-untyped-def]
    ref = work.log_request(new_request()).ref
    work.change_status(ref, "in_progress", version=work.version_of(ref))
    _finish_all(work, ref)
    detail = cw.complete_case(work, ref, version=work.version_of(ref))
    assert (detail.status, detail.outcome) == ("completed", "completed")
    assert detail.events[-1].kind == "case.status"
    assert detail.events[-1].payload["to"] == "completed"
    assert "checklist.override" not in _kinds(detail)
    with pytest.raises(DomainError, match="reopen"):
        cw.tick(work, ref, GATHER, version=work.version_of(ref))


def test_completion_override_is_recorded(work) -> None:  # type: ignore[no-untyped-def]
    detail = work.log_request(new_request())
    ref, version = detail.ref, detail.version
    with pytest.raises(StaleCase):
        cw.complete_case(work, ref, override_reason="x", version=version - 1)
    detail = cw.complete_case(work, ref, override_reason="Requester confirmed by phone they only wanted HubSpot data", version=version)
    assert detail.status == "completed"
    override = next(e for e in detail.events if e.kind == "checklist.override")
    assert override.payload["reason"] == "Requester confirmed by phone they only wanted HubSpot data"
    assert len(override.payload["open_items"]) == len(detail.checklist)
    assert {"key": GATHER, "label": "Gather the copy of the personal data"} in override.payload["open_items"]
    assert detail.events[-1].payload["reason"] == override.payload["reason"]


def test_blank_override_reason_is_no_override(work) -> None:  # type: ignore[no-untyped-def]
    ref = work.log_request(new_request()).ref
    with pytest.raises(cw.OpenItems):
        cw.complete_case(work, ref, override_reason="   ", version=work.version_of(ref))


def test_checklist_in_case_json(work) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.services.case_json import case_to_json

    ref = work.log_request(new_request()).ref
    detail = cw.tick(work, ref, SEARCH, search_terms="ada", found="found", version=work.version_of(ref))
    row = next(i for i in case_to_json(detail)["checklist"] if i["key"] == SEARCH)
    assert (row["system"], row["search_terms"], row["found"], row["by"]) == ("hubspot", "ada", "found", work.actor)


# ---- objection to direct marketing can never be refused --------------------------------------------------------


def _objection(work):  # type: ignore[no-untyped-def]
    return work.log_request(new_request(rights=(Right.OBJECTION,), description="Stop emailing me offers."))


def test_marketing_objection_items_cannot_be_skipped(work) -> None:  # type: ignore[no-untyped-def]
    detail = _objection(work)
    ref = detail.ref
    keys = [i.key for i in detail.checklist]
    assert "shared.suppress" in keys and any(k.startswith("objection.stop.") for k in keys)
    with pytest.raises(cw.MarketingObjection):
        cw.mark_not_applicable(work, ref, "shared.suppress", "we never market", version=work.version_of(ref))
    with pytest.raises(cw.MarketingObjection):
        cw.mark_not_applicable(work, ref, "objection.stop.hubspot", "n/a", version=work.version_of(ref))
    assert cw.refusal_forbidden(work.get(ref)) is not None
    # an override may not leave them open either
    for key in keys:
        if key != "shared.suppress" and not key.startswith("objection.stop."):
            cw.tick(work, ref, key, version=work.version_of(ref))
    with pytest.raises(cw.MarketingObjection, match="suppression"):
        cw.complete_case(work, ref, override_reason="too busy", version=work.version_of(ref))
    assert work.get(ref).is_open


def test_objection_to_other_processing_may_skip_the_marketing_items(work) -> None:  # type: ignore[no-untyped-def]
    ref = _objection(work).ref
    cw.mark_not_applicable(work, ref, "objection.direct_marketing", "Objection is to analytics profiling, not marketing", version=work.version_of(ref))
    detail = cw.mark_not_applicable(work, ref, "shared.suppress", "not a marketing objection", version=work.version_of(ref))
    assert _item(detail, "shared.suppress").state == "na"
    assert cw.refusal_forbidden(detail) is None


def test_erasure_suppression_item_may_be_not_applicable(work) -> None:  # type: ignore[no-untyped-def]
    detail = work.log_request(new_request(rights=(Right.ERASURE,)))
    assert "shared.suppress" in [i.key for i in detail.checklist]
    detail = cw.mark_not_applicable(work, detail.ref, "shared.suppress", "Never received marketing", version=work.version_of(detail.ref))
    assert _item(detail, "shared.suppress").state == "na"


@pytest.mark.parametrize("right", list(Right))
def test_every_right_can_be_worked_to_completion(work, right) -> None:  # type: ignore[no-untyped-def]
    ref = work.log_request(new_request(rights=(right,))).ref
    work.change_status(ref, "in_progress", version=work.version_of(ref))
    _finish_all(work, ref)
    detail = cw.complete_case(work, ref, version=work.version_of(ref))
    assert detail.status == "completed"
    assert _counts(work, ref) == (len(detail.checklist), len(detail.checklist))
    searched = [i for i in detail.checklist if i.requires_search_record]
    assert all(i.search_terms and i.found and i.done_by and i.done_at for i in searched)


# ---- demo stories ------------------------------------------------------------------------------------------------


def test_demo_stories_cover_every_right_and_stage(work) -> None:  # type: ignore[no-untyped-def]
    import random

    from dpo_tui.demo.checklist_stories import STORIES
    from tests.conftest import TODAY

    rng = random.Random(7)
    for story in STORIES:
        story(work, TODAY, rng)
    details = [work.get(c.ref) for c in work.list_cases()]
    assert {r for d in details for r in d.rights} == {r.value for r in Right}
    states = {i.state for d in details for i in d.checklist}
    assert states == {"open", "done", "na"}
    assert any(all(i.state == "open" for i in d.checklist) for d in details), "an untouched checklist"
    assert any(d.is_open and 0 < len(d.open_items) < len(d.checklist) for d in details), "a partly done one"
    assert any(i.search_terms and i.found == "nothing_found" for d in details for i in d.checklist)
    assert any(i.adhoc for d in details for i in d.checklist)
    completed = [d for d in details if d.status == "completed"]
    assert any(not d.open_items for d in completed)
    assert any(d.open_items and "checklist.override" in _kinds(d) for d in completed)
    for d in details:
        assert _counts(work, d.ref) == (sum(1 for i in d.checklist if i.state != "open"), len(d.checklist))


def test_refusal_guard_inside_a_transaction(work) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.services.casework import load_case

    ref = _objection(work).ref
    access_ref = work.log_request(new_request()).ref
    with work.db.write() as s:
        assert "direct marketing" in (cw.refusal_forbidden_for_case(s, load_case(s, ref)) or "")
        assert cw.refusal_forbidden_for_case(s, load_case(s, access_ref)) is None


# ---- templates from the settings: the user's override, a broken file, `config check` -----------------------------


def test_broken_user_template_keeps_the_last_good_ones_and_config_check_names_it(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from dpo_tui.cli import cli

    folder = sqlite_work.settings.config_dir / "checklists"
    result = CliRunner().invoke(cli, ["config", "check"])
    assert result.exit_code == 0, result.output  # no folder of one's own: the shipped templates apply

    folder.mkdir(parents=True)
    (folder / "access.toml").write_text(
        '[[items]]\nkey = "ask"\nlabel = "Ask the person what they want"\nguidance = "Clarify the scope."\n'
        '[[items]]\nkey = "respond"\nshared = true\nstage = "close"\nlabel = "Reply"\nguidance = "Send it."\n',
        encoding="utf-8",
    )
    good = sqlite_work.log_request(new_request())
    assert [i.key for i in good.checklist] == ["access.ask", "shared.respond"]

    (folder / "access.toml").write_text('[[items]]\nkey = "ask"\nlabel = 3\nguidance = "g"\n', encoding="utf-8")
    kept = sqlite_work.log_request(new_request(email="other@example.org"))
    assert [i.key for i in kept.checklist] == ["access.ask", "shared.respond"], "the last good template stays in use"

    result = CliRunner().invoke(cli, ["config", "check"])
    assert result.exit_code == 1
    assert f"{folder / 'access.toml'}:3: items[0].label" in result.output
    assert "Traceback" not in result.output
