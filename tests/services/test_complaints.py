"""Issue 15: complaints to the controller (DPA 2018 s.164A) as cases of their own, and the Art 21(1) balancing test:
services, letters per regime, register, report, export JSON and CLI."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from dpo_tui.cli import cli
from dpo_tui.domain.errors import DomainError, InvalidInput
from dpo_tui.domain.rights import Right
from dpo_tui.exports.register import build_report, register_rows
from dpo_tui.services import checklist_work as cw
from dpo_tui.services import decisions as dec
from dpo_tui.services.case_json import case_to_json
from dpo_tui.services.casework import StaleCase
from dpo_tui.services.complaints import acknowledge_complaint, log_complaint, record_complaint_outcome
from dpo_tui.services.letters import letter_choices, render_letter, save_letter
from dpo_tui.text import md_unescape
from tests.conftest import new_request

ICO = ("Information Commissioner", "ICO", "ico.org.uk")


def _letter(work, ref: str, kind: str) -> str:  # type: ignore[no-untyped-def]
    return md_unescape(render_letter(work, ref, kind).body)


@pytest.mark.parametrize(
    ("regime", "received", "statutory", "authority"),
    [
        ("uk-gdpr", date(2026, 11, 20), True, "Information Commissioner"),
        ("uk-gdpr", date(2026, 3, 20), False, "Information Commissioner"),  # before s.164A commenced
        ("eu-gdpr", date(2026, 11, 20), False, "Data Protection Commission"),  # IE
        ("ccpa", date(2026, 11, 20), False, "California Privacy Protection Agency"),
    ],
)
def test_complaint_case_end_to_end_per_regime(work, regime: str, received: date, statutory: bool, authority: str) -> None:  # type: ignore[no-untyped-def]
    original = work.log_request(new_request(regime=regime, received=date(2026, 3, 2), email="c@example.org"))
    c = log_complaint(work, original.ref, grounds="You left my CCTV footage out of the reply.", received=received)
    assert c.kind == "complaint" and c.about_ref == original.ref and c.regime == regime
    assert c.requester["email"] == "c@example.org" and not c.checklist
    # the acknowledgement date is the case's due date, explained like any other
    assert c.deadline.due == c.deadline.acknowledge_by
    assert ("s.164A(3)(a)" in " ".join(c.deadline.explanation)) == statutory
    assert work.get(original.ref).complaints == (c.ref,)
    # only the complaint letters apply to a complaint; a request never takes them
    applies = {ch.kind for ch in letter_choices(work, c.ref) if ch.applies}
    assert applies == {"complaint_acknowledgement"}
    assert not {ch.kind for ch in letter_choices(work, original.ref) if ch.applies} & {"complaint_acknowledgement", "complaint_outcome"}

    ack = _letter(work, c.ref, "complaint_acknowledgement")
    assert "CCTV footage" in ack and original.ref in ack and authority in ack
    assert ("section 164A of the Data Protection Act 2018" in ack) == statutory
    if regime != "uk-gdpr":
        assert not any(w in ack for w in ICO) and "164A" not in ack
    # saving the acknowledgement letter records the acknowledgement, in the same action
    ack_on, out_on = received + timedelta(days=1), received + timedelta(days=4)
    c = save_letter(work, c.ref, "complaint_acknowledgement", "s", ack, sent_on=ack_on, version=c.version)
    assert c.decision["complaint"]["acknowledged_on"] == ack_on.isoformat() and c.status == "in_progress"
    assert c.deadline.due is None  # the outcome is due without undue delay: no fixed date

    with pytest.raises(InvalidInput, match="actions"):
        record_complaint_outcome(work, c.ref, outcome="upheld", findings="Missed in the search.", on=out_on, version=c.version)
    c = record_complaint_outcome(work, c.ref, outcome="upheld", findings="The footage was missed in the search.",
                                 actions="We sent it on 24 Nov.", on=out_on, version=c.version)  # fmt: skip
    assert c.status == "completed" and c.final_response_on == out_on
    out = _letter(work, c.ref, "complaint_outcome")
    assert "upheld" in out and "missed in the search" in out and "We sent it on 24 Nov." in out
    assert authority in out and ("judicial remedy" in out or "court" in out)
    assert ("section 164A" in out) == statutory
    if regime != "uk-gdpr":
        assert not any(w in out for w in ICO) and "164A" not in out

    rows = {r["reference"]: r for r in register_rows(work.db, today=date(2026, 11, 25))}
    row = rows[c.ref]
    assert row["case_type"] == "complaint" and row["about"] == original.ref
    assert row["due"] == c.deadline.acknowledge_by.isoformat() and row["on_time"] == "yes"
    assert ("DPA 2018 s.164A" in row["reason"]) == statutory and "upheld" in row["reason"]
    assert f"complaints: {c.ref}" in rows[original.ref]["reason"] and rows[original.ref]["case_type"] == "request"
    doc = case_to_json(work.get(c.ref))
    assert doc["kind"] == "complaint" and doc["about"] == original.ref
    assert doc["decision"]["complaint"]["outcome"] == "upheld"
    assert case_to_json(work.get(original.ref))["complaints"] == [c.ref]
    report = build_report(work.db, today=date(2026, 11, 25))
    assert report.complaints == 1 and report.complaints_acknowledged_in_time == 1 and report.total == 1


def test_complaint_rules(work) -> None:  # type: ignore[no-untyped-def]
    original = work.log_request(new_request())
    with pytest.raises(InvalidInput, match="grounds"):
        log_complaint(work, original.ref, grounds="  ", received=date(2026, 11, 20))
    with pytest.raises(InvalidInput, match="before the request"):
        log_complaint(work, original.ref, grounds="x", received=date(2026, 10, 1))
    c = log_complaint(work, original.ref, grounds="Too slow", received=date(2026, 11, 20))
    with pytest.raises(InvalidInput, match="itself a complaint"):
        log_complaint(work, c.ref, grounds="again", received=date(2026, 11, 21))
    with pytest.raises(InvalidInput, match="acknowledge it first"):
        record_complaint_outcome(work, c.ref, outcome="not_upheld", findings="On time.", on=date(2026, 11, 22), version=c.version)
    with pytest.raises(DomainError, match="complaint about"):  # a request's verbs do not apply to a complaint
        dec.extend(work, c.ref, "complex", date(2026, 11, 22), "n", version=c.version)
    with pytest.raises(StaleCase):
        acknowledge_complaint(work, c.ref, on=date(2026, 11, 21), version=c.version + 5)
    c = acknowledge_complaint(work, c.ref, on=date(2026, 11, 21), how="phone", version=c.version)
    with pytest.raises(InvalidInput, match="already acknowledged"):
        acknowledge_complaint(work, c.ref, on=date(2026, 11, 22), version=c.version)
    assert [e.kind for e in c.events][-1] == "complaint.acknowledged"


def test_late_acknowledgement_shows_in_the_register(work) -> None:  # type: ignore[no-untyped-def]
    original = work.log_request(new_request(received=date(2026, 9, 1)))
    c = log_complaint(work, original.ref, grounds="No reply", received=date(2026, 9, 2))
    row = next(r for r in register_rows(work.db, today=date(2026, 11, 25)) if r["reference"] == c.ref)
    assert row["on_time"] == "no (overdue)" and row["due"] == "2026-10-01"
    acknowledge_complaint(work, c.ref, on=date(2026, 10, 5), version=c.version)
    row = next(r for r in register_rows(work.db, today=date(2026, 11, 25)) if r["reference"] == c.ref)
    assert row["on_time"] == "no" and "(late)" in row["reason"]


# ---- the Art 21(1) balancing test --------------------------------------------------------------------------------


@pytest.mark.parametrize("regime", ["uk-gdpr", "eu-gdpr"])
def test_balancing_test_is_recorded_and_the_objection_letter_draws_from_it(work, regime: str) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request(regime=regime, rights=(Right.OBJECTION,), description="Stop using my location data."))
    with pytest.raises(DomainError, match="record first"):
        dec.record_balancing_test(work, case.ref, situation="s", outcome="pending", on=date(2026, 11, 20), version=case.version)
    case = cw.mark_not_applicable(work, case.ref, "objection.direct_marketing", "Analytics, not marketing", version=case.version)
    case = dec.record_balancing_test(work, case.ref, situation="I am hiding from a violent ex-partner.", outcome="pending",
                                     restriction=True, on=date(2026, 11, 20), version=case.version)  # fmt: skip
    b = case.decision["objection"]["balancing"]
    assert b["outcome"] == "pending" and b["restriction"] and b["by"] and b["on"] == "2026-11-20"
    law = "UK GDPR" if regime == "uk-gdpr" else "GDPR"
    letter = _letter(work, case.ref, "objection_confirmation")
    assert "violent ex-partner" in letter and f"{law} Art 18(1)(d)" in letter and "restricted" in letter
    assert "Art 18(3)" in letter
    if regime != "uk-gdpr":
        assert not any(w in letter for w in ICO)
    case = dec.record_balancing_test(work, case.ref, situation="I am hiding from a violent ex-partner.", outcome="overridden",
                                     grounds="Location is needed to detect fraud on the account.", restriction=False,
                                     on=date(2026, 11, 24), version=case.version)  # fmt: skip
    b = case.decision["objection"]["balancing"]
    assert b["started_on"] == "2026-11-20" and b["restriction_lifted_on"] == "2026-11-24"
    letter = _letter(work, case.ref, "objection_confirmation")
    assert "detect fraud" in letter and "compelling legitimate grounds" in letter and f"{law} Art 21(1)" in letter
    assert "judicial remedy" in letter and "will be lifted" in letter
    row = next(r for r in register_rows(work.db, today=date(2026, 11, 25)) if r["reference"] == case.ref)
    assert "balancing test (Art 21(1)) 2026-11-24" in row["reason"]
    assert case_to_json(case)["decision"]["objection"]["balancing"]["grounds"].startswith("Location")


def test_no_balancing_for_direct_marketing_or_ccpa(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request(rights=(Right.OBJECTION,), description="Stop the newsletters"))
    case = cw.tick(work, case.ref, "objection.direct_marketing", version=case.version)
    with pytest.raises(DomainError, match="absolute"):
        dec.record_balancing_test(work, case.ref, situation="s", outcome="overridden", grounds="g", on=date(2026, 11, 20), version=case.version)
    ccpa = work.log_request(new_request(regime="ccpa", rights=(Right.OBJECTION,), email="k@example.org"))
    with pytest.raises(DomainError, match="CCPA"):
        dec.record_balancing_test(work, ccpa.ref, situation="s", outcome="pending", on=date(2026, 11, 20), version=ccpa.version)


def test_cli_complaint_and_balance(sqlite_url: str, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import make_work

    work = make_work(sqlite_url, settings, today=date.today())
    ref = work.log_request(new_request(rights=(Right.ACCESS, Right.OBJECTION))).ref
    run = CliRunner().invoke
    db = ["--db", sqlite_url.removeprefix("sqlite:///")]
    r = run(cli, [*db, "complaint", "new", ref, "--grounds", "No reply yet", "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["kind"] == "complaint" and doc["about"] == ref and doc["deadline"]["acknowledge_by"]
    cref = doc["ref"]
    r = run(cli, [*db, "complaint", "list", ref, "--json"])
    assert [c["ref"] for c in json.loads(r.output)["complaints"]] == [cref]
    r = run(cli, [*db, "complaint", "outcome", cref, "--outcome", "not_upheld", "--findings", "x"])
    assert r.exit_code != 0 and "acknowledge it first" in r.output and len(r.output.strip().splitlines()) == 1
    assert run(cli, [*db, "complaint", "ack", cref]).exit_code == 0
    r = run(cli, [*db, "complaint", "outcome", cref, "--outcome", "not_upheld", "--findings", "We replied on time."])
    assert r.exit_code == 0 and "not upheld" in r.output
    r = run(cli, [*db, "objection", "balance", ref, "--situation", "x"])
    assert r.exit_code != 0 and "direct marketing" in r.output
    cw.mark_not_applicable(work, ref, "objection.direct_marketing", "profiling", version=work.version_of(ref))
    r = run(cli, [*db, "objection", "balance", ref, "--situation", "I am a carer", "--restrict"])
    assert r.exit_code == 0 and "restricted meanwhile" in r.output, r.output


def test_a_complaint_closes_only_with_its_outcome(work) -> None:  # type: ignore[no-untyped-def]
    original = work.log_request(new_request())
    c = log_complaint(work, original.ref, grounds="Too slow", received=date(2026, 11, 20))
    with pytest.raises(DomainError, match="record its outcome"):
        cw.complete_case(work, c.ref, version=c.version)
    assert work.get(c.ref).status == "new"
