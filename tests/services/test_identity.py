"""Identity verification verbs (issue 5): every path, the clock per regime (rights-requests.md 2.1 rule 5, 2.2, 2.3,
3), and bad input refused with nothing saved."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import TODAY, make_work, new_request
from dpo_tui.domain import identity as rules
from dpo_tui.domain.errors import DomainError, InvalidInput, InvalidTransition
from dpo_tui.services import identity as idv
from dpo_tui.services.case_json import case_to_json
from dpo_tui.settings import Policy

RECEIVED = date(2026, 11, 2)  # Monday; uk-gdpr due Wed 2 Dec 2026
ASKED = date(2026, 11, 3)
ARRIVED = date(2026, 11, 10)  # Tuesday; uk-gdpr due from here: Thu 10 Dec 2026


def ask(work, ref, **kw):  # type: ignore[no-untyped-def]
    args = dict(requester_kind="self", what="confirmation of the postal address we hold", on=ASKED, version=work.version_of(ref))
    args.update(kw)
    return idv.request_identity(work, ref, **args)


def arrive(work, ref, **kw):  # type: ignore[no-untyped-def]
    args = dict(on=ARRIVED, seen="passport sighted", matched="name and address", checked_by="Jordan Ellis",
                copy_received=True, copy_deleted=True, version=work.version_of(ref))
    args.update(kw)
    return idv.record_received(work, ref, **args)


def snapshot(work, ref):  # type: ignore[no-untyped-def]
    d = work.get(ref)
    return (d.status, d.version, d.identity, d.clock_events, len(d.events), d.deadline)


# ---- the clock, per regime ------------------------------------------------------------------------------------------


def test_uk_clock_not_started_while_awaiting_then_starts_on_arrival(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request())
    assert case.deadline.due == date(2026, 12, 2)
    case = ask(work, case.ref)
    assert case.status == "awaiting_id"
    assert case.deadline.state.value == "not_started"
    assert case.deadline.due is None and case.deadline.clock_start is None and case.days_left is None
    assert any("awaiting ID since Tue 3 Nov 2026" in line for line in case.deadline.explanation)
    assert [e.kind for e in case.clock_events] == ["received", "id_requested"]
    case = arrive(work, case.ref)
    assert case.status == "in_progress"
    assert case.deadline.state.value == "running"
    assert case.deadline.clock_start == ARRIVED
    assert case.deadline.due == date(2026, 12, 10)
    assert any("Thu 10 Dec 2026" in line and "ID received" in line for line in case.deadline.explanation)
    assert case.identity["status"] == "received" and case.identity["at"] == "2026-11-10"


def test_uk_third_party_clock_waits_for_authority_too(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request(agent_name="Smith & Co", agent_kind="solicitor"))
    case = ask(work, case.ref, requester_kind="solicitor", id_needed=False,
               what=rules.AUTHORITY_EVIDENCE[rules.RequesterKind.SOLICITOR], method="authority_only")
    assert [e.kind for e in case.clock_events] == ["received", "authority_requested"]
    assert case.deadline.state.value == "not_started"
    assert any("awaiting authority to act" in line for line in case.deadline.explanation)
    case = idv.record_received(work, case.ref, on=date(2026, 11, 12), checked_by="JE",
                               authority_evidence="letter of authority signed by the client, dated 9 Nov", version=work.version_of(case.ref))
    assert case.deadline.clock_start == date(2026, 11, 12)
    assert case.deadline.due == date(2026, 12, 14)  # 12 Dec 2026 is a Saturday
    assert case.identity["authority"]["evidence"].startswith("letter of authority")
    assert case.identity["authority"]["received_on"] == "2026-11-12"


def test_uk_id_and_authority_arriving_on_different_days_start_at_the_later(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request())
    case = ask(work, case.ref, requester_kind="relative")
    assert {e.kind for e in case.clock_events} == {"received", "id_requested", "authority_requested"}
    case = arrive(work, case.ref, authority_evidence="lasting power of attorney sighted", authority_on=date(2026, 11, 16))
    assert case.deadline.clock_start == date(2026, 11, 16)
    assert case.deadline.due == date(2026, 12, 16)


def test_eu_clock_runs_from_receipt_by_default(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request(regime="eu-gdpr"))
    due = case.deadline.due
    case = ask(work, case.ref)
    assert case.status == "awaiting_id"
    assert case.deadline.state.value == "running" and case.deadline.due == due == date(2026, 12, 2)
    case = arrive(work, case.ref)
    assert case.deadline.clock_start == RECEIVED and case.deadline.due == due
    assert any("does not restart the clock" in line for line in case.deadline.explanation)


def test_eu_policy_identity_restarts(db_url, settings) -> None:  # type: ignore[no-untyped-def]
    work = make_work(db_url, settings._replace(policy=Policy(eu_identity_restarts=True)))
    try:
        case = work.log_request(new_request(regime="eu-gdpr"))
        case = ask(work, case.ref)
        assert case.deadline.state.value == "not_started"
        case = arrive(work, case.ref)
        assert case.deadline.clock_start == ARRIVED and case.deadline.due == date(2026, 12, 10)
    finally:
        work.db.dispose()


def test_ccpa_45_days_regardless_of_verification(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request(regime="ccpa"))
    assert case.deadline.due == date(2026, 12, 17)
    case = ask(work, case.ref)
    assert case.deadline.state.value == "running" and case.deadline.due == date(2026, 12, 17)
    case = arrive(work, case.ref)
    assert case.deadline.clock_start == RECEIVED and case.deadline.due == date(2026, 12, 17)


def test_more_information_requested_restarts_again(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request())
    ask(work, case.ref)
    arrive(work, case.ref)
    case = ask(work, case.ref, what="a recent utility bill showing the address", on=date(2026, 11, 12))
    assert case.status == "awaiting_id" and case.deadline.state.value == "not_started"
    assert case.identity["rounds"] == 2 and case.identity["previous"][0]["seen"] == "passport sighted"
    case = arrive(work, case.ref, on=date(2026, 11, 20), seen="utility bill sighted", matched="address")
    assert case.deadline.clock_start == date(2026, 11, 20) and case.deadline.due == date(2026, 12, 21)  # 20 Dec = Sun


# ---- each path ------------------------------------------------------------------------------------------------------


def test_not_needed(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request())
    case = idv.record_not_needed(work, case.ref, "same email as on the customer account", recognised_contact="same_email", version=work.version_of(case.ref))
    assert case.status == "in_progress"
    assert case.identity["status"] == "not_needed" and case.identity["needed"] is False
    assert case.deadline.clock_start == RECEIVED and case.deadline.due == date(2026, 12, 2)
    assert case.events[-1].kind == "identity.not_needed"
    assert case_to_json(case)["identity"]["reason"] == "same email as on the customer account"


def test_person_verified_full_record(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request())
    ask(work, case.ref, sensitive=True, reason="health data likely")
    arrive(work, case.ref)
    case = idv.record_outcome(work, case.ref, "verified", version=work.version_of(case.ref))
    ident = case_to_json(case)["identity"]
    for key in ("status", "needed", "reason", "requester_kind", "authority", "method", "seen", "matched", "by", "at",
                "copy_deleted", "outcome"):
        assert key in ident, key
    assert ident["status"] == ident["outcome"] == "verified"
    assert ident["copy_deleted"] is True and ident["reason"] == "health data likely"
    assert case.status == "in_progress"
    kinds = [e.kind for e in case.events]
    assert kinds[-3:] == ["identity.requested", "identity.received", "identity.outcome"]


def test_could_not_verify_refuses_the_case(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request())
    ask(work, case.ref)
    arrive(work, case.ref, matched="name only", seen="utility bill sighted")
    case = idv.record_outcome(work, case.ref, "could_not_verify", reason="the address does not match our records", version=work.version_of(case.ref))
    assert case.status == "refused" and case.outcome == "could_not_verify"
    assert case.identity["outcome_reason"] == "the address does not match our records"
    assert case.deadline.state.value == "ended"


def test_withdrawn_while_awaiting(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request())
    ask(work, case.ref)
    case = idv.record_outcome(work, case.ref, "withdrawn", reason="email of 5 Nov: no longer wants the data",
                              on=date(2026, 11, 5), version=work.version_of(case.ref))
    assert case.status == "withdrawn" and case.outcome == "withdrawn" and case.identity["outcome_on"] == "2026-11-05"


def test_child_scotland_presumed_competent(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request())
    case = ask(work, case.ref, requester_kind="parent", child_age=13, child_in_scotland=True, child_authorised=True)
    child = case.identity["child"]
    assert child["competent"] and child["presumed"] and "Scotland" in child["reason"]
    assert case.identity["authority"]["needed"] is True


def test_child_elsewhere_needs_reason(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request())
    with pytest.raises(InvalidInput, match="child_reason"):
        ask(work, case.ref, requester_kind="parent", child_age=13, child_in_scotland=False, child_competent=False,
            child_best_interests=True)
    case = ask(work, case.ref, requester_kind="parent", child_age=8, child_in_scotland=False, child_competent=False,
               child_reason="aged 8, cannot yet understand the right", child_best_interests=True)
    assert case.identity["child"] == {
        "age": 8, "in_scotland": False, "competent": False, "presumed": False,
        "reason": "aged 8, cannot yet understand the right", "parent_may_act": True,
    }


def test_child_competent_but_not_authorising_parent_is_refused(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request())
    with pytest.raises(InvalidInput, match="child_authorised"):
        ask(work, case.ref, requester_kind="parent", child_age=15, child_in_scotland=True)


def test_no_response_only_after_policy_days(db_url, settings) -> None:  # type: ignore[no-untyped-def]
    work = make_work(db_url, settings)
    try:
        case = work.log_request(new_request(received=date(2026, 10, 20)))
        ask(work, case.ref, on=date(2026, 10, 28))  # 28 days before TODAY: not yet
        assert idv.awaiting_id_overdue(work) == []
        with pytest.raises(DomainError, match="after 28 days"):
            idv.close_no_response(work, case.ref, version=work.version_of(case.ref))
        late = make_work(db_url, settings, today=date(2026, 11, 26))
        assert idv.awaiting_id_overdue(late) == [(case.ref, date(2026, 10, 28))]
        closed = idv.close_no_response(late, case.ref, version=late.version_of(case.ref))
        late.db.dispose()
        assert closed.status == "withdrawn" and closed.outcome == "no_response"
        assert closed.identity["status"] == "no_response"
        assert closed.events[-1].kind == "identity.no_response"
    finally:
        work.db.dispose()


def test_awaiting_since_is_the_request_date(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request())
    case = ask(work, case.ref)
    assert case.status_since.date() == ASKED


# ---- bad input: a clear message, nothing saved ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "kwargs", "match"),
    [
        ("ask", {"on": date(2026, 11, 1)}, "before the request was received"),
        ("ask", {"on": date(2026, 11, 26)}, "in the future"),
        ("ask", {"what": "  "}, "what:"),
        ("ask", {"requester_kind": "cousin"}, "requester_kind"),
        ("ask", {"requester_kind": "parent"}, "child_age"),
        ("arrive", {"on": date(2026, 11, 26)}, "in the future"),
        ("arrive", {"on": date(2026, 11, 1)}, "before the request was received"),
        ("arrive", {"on": date(2026, 11, 2)}, "before the day the information was asked for"),
        ("arrive", {"copy_deleted": False}, "copy_deleted"),
        ("arrive", {"seen": ""}, "seen:"),
        ("arrive", {"matched": None}, "matched:"),
        ("arrive", {"seen": "passport 123456789"}, "document or account number"),
        ("outcome", {"outcome": "could_not_verify"}, "reason:"),
        ("outcome", {"outcome": "withdrawn"}, "reason:"),
        ("outcome", {"outcome": "verified"}, "record what arrived"),
        ("outcome", {"outcome": "maybe"}, "outcome:"),
        ("outcome", {"outcome": "withdrawn", "reason": "x", "on": date(2026, 12, 1)}, "in the future"),
    ],
)
def test_bad_input_saves_nothing(work, step, kwargs, match) -> None:  # type: ignore[no-untyped-def]
    kwargs = dict(kwargs)
    case = work.log_request(new_request())
    if step != "ask":
        ask(work, case.ref)
    before = snapshot(work, case.ref)
    with pytest.raises(DomainError, match=match):
        if step == "ask":
            ask(work, case.ref, **kwargs)
        elif step == "arrive":
            arrive(work, case.ref, **kwargs)
        else:
            idv.record_outcome(work, case.ref, kwargs.pop("outcome"), version=work.version_of(case.ref), **kwargs)
    assert snapshot(work, case.ref) == before


def test_authority_evidence_required_when_asked(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request())
    ask(work, case.ref, requester_kind="agent")
    before = snapshot(work, case.ref)
    with pytest.raises(InvalidInput, match="authority_evidence"):
        arrive(work, case.ref)
    assert snapshot(work, case.ref) == before


def test_closed_case_refused(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request())
    work.change_status(case.ref, "withdrawn", reason="duplicate", version=work.version_of(case.ref))
    before = snapshot(work, case.ref)
    for action in (
        lambda: idv.record_not_needed(work, case.ref, "same email", version=work.version_of(case.ref)),
        lambda: ask(work, case.ref),
        lambda: idv.record_outcome(work, case.ref, "withdrawn", reason="x", version=work.version_of(case.ref)),
        lambda: idv.close_no_response(work, case.ref, version=work.version_of(case.ref)),
    ):
        with pytest.raises(DomainError, match="closed"):
            action()
    assert snapshot(work, case.ref) == before


def test_steps_out_of_order_refused(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request())
    with pytest.raises(DomainError, match="request the information first"):
        arrive(work, case.ref)
    idv.record_not_needed(work, case.ref, "logged-in account", version=work.version_of(case.ref))
    with pytest.raises(DomainError, match="before any request"):
        idv.record_not_needed(work, case.ref, "again", version=work.version_of(case.ref))
    ask(work, case.ref, on=TODAY)
    with pytest.raises(DomainError, match="record what arrived"):
        ask(work, case.ref, on=TODAY)


def test_stale_version_refused(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request())
    idv.record_not_needed(work, case.ref, "same email", version=case.version)
    with pytest.raises(DomainError, match="changed by .*: reopen it and try again"):
        ask(work, case.ref, version=case.version)


def test_awaiting_fee_cannot_jump_to_awaiting_id(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request())
    work.change_status(case.ref, "awaiting_clarification", version=work.version_of(case.ref))
    with pytest.raises(InvalidTransition):
        ask(work, case.ref)


# ---- the pure rules -------------------------------------------------------------------------------------------------


def test_need_suggestion() -> None:
    assert not rules.assess_need(recognised_contact="same_email", sensitive=False, mismatch=False).needed
    assert rules.assess_need(recognised_contact="same_email", sensitive=True, mismatch=False).needed
    assert rules.assess_need(recognised_contact="logged_in", sensitive=False, mismatch=True).needed
    assert rules.assess_need(recognised_contact=None, sensitive=False, mismatch=False).needed


def test_least_request_suggestion() -> None:
    s = rules.suggest_request(kind=rules.RequesterKind.SELF, id_needed=True, sensitive=False, mismatch=False,
                              holds_details=True, has_account=False)
    assert s.method is rules.Method.CONFIRM_DETAILS and "document" not in s.asked_for
    s = rules.suggest_request(kind=rules.RequesterKind.SELF, id_needed=True, sensitive=True, mismatch=True,
                              holds_details=True, has_account=True)
    assert s.method is rules.Method.DOCUMENT_SIGHTING
    s = rules.suggest_request(kind=rules.RequesterKind.SOLICITOR, id_needed=False, sensitive=False, mismatch=False,
                              holds_details=True, has_account=False)
    assert s.method is rules.Method.AUTHORITY_ONLY and s.authority_needed and not s.id_needed


def test_scotland_under_12_and_rebuttal() -> None:
    with pytest.raises(InvalidInput, match="child_competent"):
        rules.assess_child(age=11, in_scotland=True, competent=None, reason=None)
    with pytest.raises(InvalidInput, match="child_reason"):
        rules.assess_child(age=14, in_scotland=True, competent=False, reason="")
    a = rules.assess_child(age=14, in_scotland=True, competent=False, reason="severe learning disability",
                           best_interests=True)
    assert not a.competent and not a.presumed and a.parent_may_act
    with pytest.raises(InvalidInput, match="child_age"):
        rules.assess_child(age=19, in_scotland=False, competent=True, reason="adult")


# ---- the demo stories -----------------------------------------------------------------------------------------------


def test_demo_stories_cover_every_path(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    import random

    from dpo_tui.demo.identity_stories import STORIES

    for story in STORIES:
        story(sqlite_work, TODAY, random.Random(1))
    cases = [sqlite_work.get(c.ref) for c in sqlite_work.list_cases()]
    ids = [c.identity for c in cases]
    statuses = {i.get("status") for i in ids}
    assert statuses == {"not_needed", "verified", "awaiting", "could_not_verify", "withdrawn", "no_response"}
    assert {i.get("requester_kind") for i in ids} >= {"self", "agent", "solicitor", "parent"}
    children = [i["child"] for i in ids if i.get("child")]
    assert any(c["in_scotland"] and c["presumed"] for c in children)
    assert any(not c["in_scotland"] and not c["competent"] for c in children)
    assert any(c.subdivision == "SCT" for c in cases)
    verified_uk = [c for c in cases if c.identity.get("status") == "verified" and c.regime == "uk-gdpr"]
    assert all(c.deadline.clock_start == date.fromisoformat(c.identity["at"]) or c.identity["authority"]["received_on"]
               for c in verified_uk)
    assert len(idv.awaiting_id_overdue(sqlite_work)) == 1
    assert any(i.get("rounds") == 2 for i in ids)


def test_show_says_once_that_the_clock_has_not_started(work) -> None:  # type: ignore[no-untyped-def]
    """`dpo-tui show` on a case awaiting ID printed "Due: clock not started  clock not started" (issue 16)."""
    from dpo_tui.services.case_json import case_to_text

    case = ask(work, work.log_request(new_request()).ref)
    text = case_to_text(work.get(case.ref), today=TODAY)
    (due_line,) = [line for line in text.splitlines() if line.startswith("Due:")]
    assert due_line == "Due:       none yet: clock not started"
    assert "awaiting ID since Tue 3 Nov 2026" in text
    running = case_to_text(work.get(work.log_request(new_request(email="b@example.org")).ref), today=TODAY)
    assert "Due:       Wed 2 Dec 2026 (in 7 days)  clock running" in running.splitlines()


def test_an_identity_record_as_the_first_release_stored_it_is_worked_on(work) -> None:  # type: ignore[no-untyped-def]
    """A record without `schema`, `id_requested` or `authority`, with the first letters code's `requested` key:
    what arrived is recorded against it, the letters and the Identity tab read it."""
    from sqlalchemy import update

    from dpo_tui.services.letters import available_letters
    from dpo_tui.store.models import Case

    ref = work.log_request(new_request()).ref
    ask(work, ref)
    legacy = {"status": "awaiting", "needed": True, "reason": "not a recognised contact", "requested": "photo ID",
              "requested_on": ASKED.isoformat(), "rounds": 1}  # fmt: skip
    with work.db.write() as s:
        s.exec(update(Case).where(Case.ref == ref).values(identity=legacy))  # type: ignore[call-overload]
    detail = arrive(work, ref, version=work.version_of(ref))
    assert detail.identity["status"] == "received" and detail.identity["requested"] == "photo ID"
    assert rules.describe(detail.identity)[:2] == ["Identity: information received, outcome pending", "Why checked: not a recognised contact"]
    detail = idv.record_outcome(work, ref, "verified", on=ARRIVED, version=work.version_of(ref))
    assert rules.current(detail.identity) is rules.IdStatus.VERIFIED
    assert "identity_request" not in {k.key for k in available_letters(work, ref)}  # settled: no request letter offered
