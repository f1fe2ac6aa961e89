"""Issue 15, deadlines through the services: per-right dates cached and shown, questions after the deadline, late
ID with its reason and lapse, CCPA repeat requests to know, EU member state required. Both databases."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import make_work, new_request
from dpo_tui.domain.errors import DomainError, InvalidInput
from dpo_tui.domain.lifecycle import Status
from dpo_tui.domain.rights import Right
from dpo_tui.exports.register import register_rows
from dpo_tui.services import decisions as dec
from dpo_tui.services import identity as idv
from dpo_tui.services.case_json import case_to_json, case_to_text
from dpo_tui.settings import Policy


def test_access_and_erasure_keep_their_own_dates(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request(rights=(Right.ACCESS, Right.ERASURE), received=date(2026, 10, 1)))
    case = dec.ask_clarification(work, case.ref, "Which account?", "identify", date(2026, 10, 5), version=case.version)
    q = case.decision["clarification"]["rounds"][-1]
    assert q["stops_clock"] and q["stops_for"] == ["access"] and not q["period_ended"]
    case = dec.record_clarification_answer(work, case.ref, "The shop account", date(2026, 10, 9), version=case.version)
    dl = case.deadline
    assert dl.for_right("erasure").due == date(2026, 11, 2)  # 1 Nov is a Sunday
    assert dl.for_right("access").due == date(2026, 11, 6) and dl.for_right("access").paused_days == 5
    assert dl.effective_due == date(2026, 11, 2)
    row = next(c for c in work.list_cases() if c.ref == case.ref)
    assert row.due == date(2026, 11, 2)  # the queue's cache: the earliest
    js = case_to_json(case)["deadline"]
    assert {r["right"]: r["effective_due"] for r in js["per_right"]} == {"access": "2026-11-06", "erasure": "2026-11-02"}
    text = case_to_text(case, today=date(2026, 10, 20))
    assert "  access: Fri 6 Nov 2026 (5 paused days)" in text and "  erasure: Mon 2 Nov 2026" in text


def test_question_after_the_deadline_does_not_stop_the_clock(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request(received=date(2026, 9, 1)))  # due Thu 1 Oct 2026
    case = dec.ask_clarification(work, case.ref, "Which account?", "identify", date(2026, 10, 20), version=case.version)
    q = case.decision["clarification"]["rounds"][-1]
    assert q["period_ended"] and not q["stops_clock"]
    assert case.deadline.effective_due == date(2026, 10, 1) and case.days_left is not None and case.days_left < 0
    case = dec.record_clarification_answer(work, case.ref, "The shop", date(2026, 10, 30), version=case.version)
    assert case.deadline.effective_due == date(2026, 10, 1) and case.deadline.paused_days == 0
    assert case.ref in [c.ref for c in work.list_cases(overdue=True)]


def test_late_id_needs_a_reason_and_keeps_the_lapse(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request(received=date(2026, 9, 1)))  # due Thu 1 Oct 2026
    args = dict(requester_kind="self", what="confirmation of the postal address we hold", on=date(2026, 10, 12))
    with pytest.raises(idv.LateIdentityRequest, match="due date Thu 1 Oct 2026 passed"):
        idv.request_identity(work, case.ref, version=case.version, **args)  # type: ignore[arg-type]
    assert work.get(case.ref).identity == {}
    case = idv.request_identity(
        work, case.ref, version=case.version, late_reason="address on the request differs from the account, found on review",
        **args,  # type: ignore[arg-type]
    )
    assert case.identity["late"]["lapsed_due"] == "2026-10-01"
    assert case.decision["lapses"][0]["reason"].startswith("address on the request differs")
    case = idv.record_received(work, case.ref, on=date(2026, 10, 15), seen="utility bill sighted", matched="name and address",
                               checked_by="Jordan Ellis", version=case.version)
    assert case.deadline.due == date(2026, 11, 16) and case.deadline.lapsed_due == date(2026, 10, 1)  # 15 Nov: Sunday
    assert any("lapsed on Thu 1 Oct 2026" in line for line in case.deadline.explanation)
    row = next(r for r in register_rows(work.db, today=date(2026, 11, 25)) if r["reference"] == case.ref)
    assert "due date 2026-10-01 lapsed before ID was asked for on 2026-10-12" in row["reason"]


def test_ccpa_third_request_to_know_in_12_months_is_offered(work) -> None:  # type: ignore[no-untyped-def]
    refs = []
    for received in (date(2026, 1, 5), date(2026, 5, 5), date(2026, 11, 2)):
        case = work.log_request(new_request(regime="ccpa", received=received))
        refs.append(case.ref)
    assert dec.related_cases(work, refs[1]).ccpa_repeat == ()
    facts = dec.related_cases(work, refs[2])
    assert facts.ccpa_repeat == (refs[0], refs[1]) and "1798.130(b)" in facts.summary()
    with pytest.raises(DomainError, match="not a third request"):
        dec.decide_repeat_request(work, refs[1], decline=True, note="third", on=date(2026, 11, 3),
                                  version=work.get(refs[1]).version)
    case = work.get(refs[2])
    case = dec.decide_repeat_request(
        work, refs[2], decline=True, note="Third request to know this year; the last answer was sent in May.",
        on=date(2026, 11, 3), version=case.version,
    )
    assert case.status == Status.REFUSED.value
    assert case.decision["ccpa_repeat"]["decision"] == "decline"
    assert "1798.130(b)" in case.decision["refusal"]["items"][0]["ground"]


def test_ccpa_repeat_not_offered_for_uk_or_withdrawn(work) -> None:  # type: ignore[no-untyped-def]
    a = work.log_request(new_request(regime="ccpa", received=date(2026, 1, 5)))
    work.change_status(a.ref, "withdrawn", version=a.version)
    work.log_request(new_request(regime="ccpa", received=date(2026, 5, 5)))
    c = work.log_request(new_request(regime="ccpa", received=date(2026, 11, 2)))
    assert dec.related_cases(work, c.ref).ccpa_repeat == ()
    for received in (date(2026, 1, 5), date(2026, 5, 5)):
        work.log_request(new_request(email="uk@example.org", received=received))
    uk = work.log_request(new_request(email="uk@example.org", received=date(2026, 11, 2)))
    assert dec.related_cases(work, uk.ref).ccpa_repeat == ()


def test_eu_case_requires_its_member_state(db_url, settings) -> None:  # type: ignore[no-untyped-def]
    work = make_work(db_url, settings)
    try:
        with pytest.raises(InvalidInput, match="needs the EU/EEA member state concerned"):
            work.log_request(new_request(regime="eu-gdpr", member_state=None))
        with pytest.raises(InvalidInput, match="not an EU/EEA state"):
            work.log_request(new_request(regime="eu-gdpr", member_state="GB"))
        de = work.log_request(new_request(regime="eu-gdpr", member_state="DE-BY"))
        assert (de.country, de.subdivision) == ("DE", "BY")
        assert "holiday calendar: public holidays of" in de.deadline.explanation[1] and "(DE-BY)" in de.deadline.explanation[1]
    finally:
        work.db.dispose()
    policy = settings.policy._replace(eu_member_state="FR")
    work = make_work(db_url, settings._replace(policy=policy))
    try:
        fr = work.log_request(new_request(regime="eu-gdpr", member_state=None))
        assert fr.country == "FR"
    finally:
        work.db.dispose()


def test_policy_default_has_no_member_state() -> None:
    assert Policy().eu_member_state == ""


# --- CCPA rights: their own words, opt-out and limit in 15 business days ---------------------------------------------


def test_ccpa_opt_out_has_its_own_15_business_day_date(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request(regime="ccpa", rights=(Right.ACCESS, Right.OBJECTION)))  # received Mon 2 Nov
    dl = case.deadline
    assert dl.for_right("access").due == date(2026, 12, 17)
    assert dl.for_right("objection").due == date(2026, 11, 24)  # 15 business days; Veterans Day 11 Nov skipped
    assert dl.effective_due == date(2026, 11, 24) and not dl.for_right("objection").extendable
    assert any("11 CCR 7026(f)" in line for line in dl.explanation)
    # the request to know may still be extended although the opt-out may not
    case = work.change_status(case.ref, "in_progress", version=case.version)
    case = dec.extend(work, case.ref, "complex", date(2026, 11, 20), "Several systems.", version=case.version)
    assert case.deadline.for_right("access").extended and case.deadline.for_right("access").effective_due == date(2027, 1, 31)


def test_ccpa_case_refuses_gdpr_only_rights(work) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput, match="not a CCPA right"):
        work.log_request(new_request(regime="ccpa", rights=(Right.WITHDRAW_CONSENT,)))


def test_ccpa_rights_words() -> None:
    from dpo_tui.domain.ccpa import ccpa_rights

    assert ccpa_rights("know, delete, opt-out, limit, correct") == ("access", "erasure", "objection", "restriction", "rectification")
    with pytest.raises(InvalidInput, match="not a CCPA right"):
        ccpa_rights("withdraw_consent")


def test_cli_new_ccpa_case_with_ccpa_rights_and_eu_member_state(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from click.testing import CliRunner

    from dpo_tui.cli import cli

    db = ["--db", f"sqlite:///{tmp_path / 'c.db'}"]
    runner = CliRunner()
    base = ["new", "--name", "Mateo", "--email", "m@example.com", "--received", "2026-11-02", "--json"]
    res = runner.invoke(cli, [*db, *base, "--regime", "ccpa", "--rights", "know,opt-out"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["rights"] == ["access", "objection"]
    assert {r["right"]: r["due"] for r in data["deadline"]["per_right"]} == {"access": "2026-12-17", "objection": "2026-11-24"}
    res = runner.invoke(cli, [*db, *base, "--regime", "eu-gdpr", "--rights", "access"])
    assert res.exit_code != 0 and "member state" in res.stderr
    res = runner.invoke(cli, [*db, *base, "--regime", "eu-gdpr", "--member-state", "NL", "--rights", "access"])
    assert res.exit_code == 0 and json.loads(res.stdout)["calendar"]["country"] == "NL"
