"""Letters: each kind renders for the cases it applies to, is refused with the reason elsewhere, saves as
correspondence with an audit event, writes 0600 files, and keeps hostile requester text inert."""

from __future__ import annotations

import stat
from datetime import date

import pytest

from dpo_tui.domain.decisions import breakdown_from_settings
from dpo_tui.domain.errors import InvalidInput
from dpo_tui.domain.rights import Right
from dpo_tui.letters import KINDS, LetterRefused
from dpo_tui.services import checklist_work as cw
from dpo_tui.services import decisions as dec
from dpo_tui.services import identity as idv
from dpo_tui.services.letters import available_letters, letter_choices, render_letter, save_letter, write_letter
from dpo_tui.store import audit
from tests.conftest import TODAY, new_request

HOSTILE_NAME = "Eve <script>alert(1)</script> *x*|[a](javascript:alert(1)) [bold red]x[/] \x1b[31mred\x1b[0m"
HOSTILE_EMAIL = "=HYPERLINK(\"http://evil\")@example.org"
REPEAT = {"repetition": "Same request as DSAR-2026-0001 three weeks ago; nothing has changed since."}


def _kinds(work, ref):
    return {k.key for k in available_letters(work, ref)}


def test_new_access_case_gets_only_the_letters_that_apply(work):
    ref = work.log_request(new_request()).ref
    assert _kinds(work, ref) == {"acknowledgement", "identity_request"}
    reasons = {c.kind: c.reason for c in letter_choices(work, ref)}
    assert "no fee was requested" in reasons["fee_request"]
    assert "not been extended" in reasons["extension_notice"]
    assert "not been refused" in reasons["refusal_notice"]
    assert "does not invoke the erasure right" in reasons["erasure_confirmation"]
    assert "does not invoke the objection right" in reasons["objection_confirmation"]
    assert "never requested" in reasons["could_not_verify"]
    with pytest.raises(LetterRefused, match="Fee request does not apply to DSAR-2026-0001: no fee was requested"):
        render_letter(work, ref, "fee_request")


def test_unknown_kind_is_refused(work):
    ref = work.log_request(new_request()).ref
    with pytest.raises(LetterRefused, match="unknown letter kind 'poem'"):
        render_letter(work, ref, "poem")


def test_acknowledgement_is_filled_from_case_and_organisation(work):
    ref = work.log_request(new_request()).ref
    draft = render_letter(work, ref, "acknowledgement")
    assert draft.subject == f"Your request {ref}: we have received it"
    assert "Dear Ada Lovelace," in draft.body
    assert "Mon 2 Nov 2026" in draft.body and "Wed 2 Dec 2026" in draft.body
    assert "right of access (Art 15)" in draft.body
    assert "dpo@altostack.io" in draft.body and "Jordan Ellis" in draft.body


def test_response_cover_for_access_carries_art15_information(work):
    ref = work.log_request(new_request()).ref
    work.change_status(ref, "in_progress", version=work.version_of(ref))
    body = render_letter(work, ref, "response_cover").body
    for heading in ("Why we use your data", "kinds of personal data", "Who we share it with", "How long we keep it",
                    "Where we got it", "Transfers outside the UK and EEA", "right to complain", "Automated decision"):
        assert heading in body
    assert "HubSpot" in body and "Information Commissioner" in body


def test_erasure_and_objection_confirmations_apply_only_to_their_rights(work):
    ref = work.log_request(new_request(rights=(Right.ERASURE, Right.OBJECTION), description="Stop the marketing emails and delete me")).ref
    assert "objection_confirmation" not in _kinds(work, ref)  # issue 15: the DPO records whether it is marketing
    reason = {c.kind: c.reason for c in letter_choices(work, ref)}["objection_confirmation"]
    assert "suggested: direct marketing - the request says 'marketing'" in reason
    cw.tick(work, ref, "objection.direct_marketing", version=work.version_of(ref))
    kinds = _kinds(work, ref)
    assert {"erasure_confirmation", "objection_confirmation"} <= kinds
    body = render_letter(work, ref, "objection_confirmation").body
    assert "suppression" in body and "unsubscribe" in body
    assert "erased your personal data" in render_letter(work, ref, "erasure_confirmation").body


def test_fee_request_applies_once_a_fee_is_requested(work):
    ref = work.log_request(new_request()).ref
    dec.assess(work, ref, REPEAT, "fee", version=work.version_of(ref))
    fee = breakdown_from_settings(work.settings.fees, hours="2", copy_pages=10, postal_items=1)
    dec.request_fee(work, ref, fee, date(2026, 11, 3), version=work.version_of(ref))
    assert "fee_request" in _kinds(work, ref)
    body = render_letter(work, ref, "fee_request").body
    assert f"£{fee.total:.2f}" in body
    assert "withdraw" in body


def test_extension_notice_after_extension(work):
    ref = work.log_request(new_request()).ref
    dec.extend(work, ref, "complex", date(2026, 11, 10), "Many systems to search.", version=work.version_of(ref))
    body = render_letter(work, ref, "extension_notice").body
    assert "a request is complex" in body
    assert "Wed 2 Dec 2026" in body and "Tue 2 Feb 2027" in body
    assert "Many systems to search." in body


def test_refusal_notice_has_reasons_and_every_remedy(work):
    ref = work.log_request(new_request()).ref
    dec.assess(work, ref, REPEAT, "refuse", version=work.version_of(ref))
    dec.refuse(work, ref, "whole", [], "The request repeats DSAR-2026-0001 with no change.", date(2026, 11, 20), version=work.version_of(ref))
    body = render_letter(work, ref, "refusal_notice").body
    assert "repeats DSAR-2026-0001" in body
    assert "Information Commissioner" in body
    assert "judicial remedy" in body
    assert "complain to us first" in body.lower()  # UK from 19 Jun 2026


def test_refusal_notice_refused_while_content_incomplete(work, monkeypatch):
    ref = work.log_request(new_request()).ref
    dec.assess(work, ref, REPEAT, "refuse", version=work.version_of(ref))
    dec.refuse(work, ref, "whole", [], "Repeats an earlier request.", date(2026, 11, 20), version=work.version_of(ref))
    import dpo_tui.domain.decisions as rules

    monkeypatch.setattr(rules, "refusal_content_problems", lambda d, r, on: ["the right to seek a judicial remedy is missing"])
    with pytest.raises(LetterRefused, match="refusal is incomplete: the right to seek a judicial remedy is missing"):
        render_letter(work, ref, "refusal_notice")


def test_clarification_request_carries_the_question(work):
    ref = work.log_request(new_request()).ref
    dec.ask_clarification(work, ref, "Which years of emails do you want?", "identify", date(2026, 11, 4), version=work.version_of(ref))
    body = render_letter(work, ref, "clarification_request").body
    assert "Which years of emails do you want?" in body


def test_identity_request_and_could_not_verify(work):
    ref = work.log_request(new_request()).ref
    idv.request_identity(work, ref, requester_kind="self", what="confirmation of the postal address we hold", on=date(2026, 11, 3), version=work.version_of(ref))
    assert "confirmation of the postal address we hold" in render_letter(work, ref, "identity_request").body
    assert "could_not_verify" in _kinds(work, ref)
    idv.record_outcome(work, ref, "could_not_verify", on=date(2026, 11, 20), reason="The address given does not match our records.", version=work.version_of(ref))
    kinds = _kinds(work, ref)
    assert "could_not_verify" in kinds and "identity_request" not in kinds and "response_cover" not in kinds
    assert "does not match our records" in render_letter(work, ref, "could_not_verify").body


def test_every_kind_renders_where_it_applies(work):
    """Across a spread of cases, every kind is produced at least once."""
    seen = set()
    a = work.log_request(new_request(rights=(Right.ACCESS, Right.ERASURE, Right.OBJECTION))).ref
    work.change_status(a, "in_progress", version=work.version_of(a))
    dec.extend(work, a, "complex", date(2026, 11, 10), "Many systems.", version=work.version_of(a))
    cw.tick(work, a, "objection.direct_marketing", version=work.version_of(a))
    b = work.log_request(new_request(email="b@example.org")).ref
    dec.assess(work, b, REPEAT, "fee", version=work.version_of(b))
    dec.request_fee(work, b, breakdown_from_settings(work.settings.fees, hours="1"), date(2026, 11, 3), version=work.version_of(b))
    c = work.log_request(new_request(email="c@example.org")).ref
    dec.assess(work, c, REPEAT, "refuse", version=work.version_of(c))
    dec.refuse(work, c, "whole", [], "Repeats.", date(2026, 11, 20), version=work.version_of(c))
    d = work.log_request(new_request(email="d@example.org")).ref
    dec.ask_clarification(work, d, "Which account?", "identify", date(2026, 11, 4), version=work.version_of(d))
    e = work.log_request(new_request(email="e@example.org")).ref
    idv.request_identity(work, e, requester_kind="self", what="your account number", on=date(2026, 11, 3), version=work.version_of(e))
    f = work.log_request(new_request(email="f@example.org", rights=(Right.RESTRICTION,))).ref
    from dpo_tui.services.complaints import acknowledge_complaint, log_complaint, record_complaint_outcome

    g = log_complaint(work, f, grounds="No reply.", received=date(2026, 11, 20)).ref
    h = log_complaint(work, f, grounds="Incomplete.", received=date(2026, 11, 20)).ref
    acknowledge_complaint(work, h, on=date(2026, 11, 21), version=work.version_of(h))
    record_complaint_outcome(work, h, outcome="not_upheld", findings="Complete.", on=date(2026, 11, 22), version=work.version_of(h))
    for ref in (a, b, c, d, e, f, g, h):
        for kind in _kinds(work, ref):
            draft = render_letter(work, ref, kind)
            assert draft.body.strip() and draft.subject
            assert "{{" not in draft.body and "{%" not in draft.body
            seen.add(kind)
    assert seen == set(KINDS)


def test_save_letter_is_correspondence_with_an_audit_event(work):
    ref = work.log_request(new_request()).ref
    draft = render_letter(work, ref, "acknowledgement")
    detail = save_letter(work, ref, draft.kind, draft.subject, draft.body + "\nEdited by hand.", "post", date(2026, 11, 3), version=work.version_of(ref))
    (letter,) = detail.letters
    assert (letter.kind, letter.channel, letter.sent_on, letter.direction) == ("acknowledgement", "post", date(2026, 11, 3), "out")
    assert letter.body.endswith("Edited by hand.")
    ev = detail.events[-1]
    assert ev.kind == "letter.saved" and ev.payload["kind"] == "acknowledgement" and ev.payload["channel"] == "post"
    with work.db.reader() as s:
        assert audit.verify(s).ok


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(channel="pigeon"), "unknown channel 'pigeon'"),
        (dict(sent_on=date(2026, 11, 1)), "before the request was received"),
        (dict(sent_on=date(2026, 12, 1)), "in the future"),
    ],
)
def test_save_letter_rejects_bad_input_and_saves_nothing(work, kwargs, message):
    ref = work.log_request(new_request()).ref
    args = dict(channel="email", sent_on=TODAY, version=work.version_of(ref))
    args.update(kwargs)
    with pytest.raises(InvalidInput, match=message):
        save_letter(work, ref, "acknowledgement", "Subject", "Body", **args)
    assert work.get(ref).letters == ()


def test_write_letter_md_and_txt_are_owner_only(work, tmp_path):
    ref = work.log_request(new_request(name=HOSTILE_NAME)).ref
    draft = render_letter(work, ref, "acknowledgement")
    for fmt in ("md", "txt"):
        path = write_letter(draft, tmp_path / f"ack.{fmt}", fmt)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    md = (tmp_path / "ack.md").read_text()
    txt = (tmp_path / "ack.txt").read_text()
    assert md.startswith("# Your request")
    assert txt.startswith("Subject: Your request")
    assert "\x1b" not in md and "\x1b" not in txt


def test_hostile_requester_text_is_inert_in_letters(work):
    ref = work.log_request(new_request(name=HOSTILE_NAME, email="eve@example.org")).ref
    draft = render_letter(work, ref, "acknowledgement")
    body = draft.body
    assert "\x1b" not in body
    assert "<script>" not in body and "\\<script\\>" in body
    assert "*x*" not in body and "\\*x\\*" in body
    assert "](javascript" not in body and "\\[a\\]\\(javascript" in body
    assert "[bold red]" not in body
    # The plain-text form shows the name as typed (escape sequences made visible).
    assert "Eve <script>alert(1)</script> *x*|[a](javascript:alert(1)) [bold red]x[/] \\x1b[31mred" in draft.as_text("txt")
    assert "\x1b" not in draft.as_text("txt")


def test_user_template_overrides_the_shipped_one(work):
    ref = work.log_request(new_request()).ref
    folder = work.settings.config_dir / "letters"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "acknowledgement.md.j2").write_text("Subject: Got it {{ case.ref }}\n\nHello {{ requester.name }}.\n")
    draft = render_letter(work, ref, "acknowledgement")
    assert draft.subject == f"Got it {ref}"
    assert draft.body == "Hello Ada Lovelace.\n"


def test_broken_user_template_is_one_clear_error(work):
    ref = work.log_request(new_request()).ref
    folder = work.settings.config_dir / "letters"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "acknowledgement.md.j2").write_text("Subject: x\n\n{% if %}\n")
    with pytest.raises(InvalidInput, match=r"letter template .*letters/acknowledgement\.md\.j2:3: Expected an expression"):
        render_letter(work, ref, "acknowledgement")


def test_demo_letter_stories_leave_correspondence(sqlite_work):
    import random

    from dpo_tui.demo.letter_stories import STORIES

    rng = random.Random(7)
    for story in STORIES:
        story(sqlite_work, TODAY, rng)
    kinds = {l.kind for c in sqlite_work.list_cases() for l in sqlite_work.get(c.ref).letters}
    assert kinds == set(KINDS) - {"clarification_request", "could_not_verify"}
    with sqlite_work.db.reader() as s:
        assert audit.verify(s).ok
