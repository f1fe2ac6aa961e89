"""Issue 15: the per-case exemption log, per regime: service, letters, register, export JSON and CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from dpo_tui.cli import cli
from dpo_tui.domain.errors import InvalidInput
from dpo_tui.domain.exemptions import EXEMPTIONS
from dpo_tui.exports.register import register_rows
from dpo_tui.services import decisions as dec
from dpo_tui.services.case_json import case_to_json
from dpo_tui.services.letters import render_letter
from tests.conftest import new_request

ON = date(2026, 11, 20)


def test_every_shipped_exemption_cites_its_source() -> None:
    assert set(EXEMPTIONS) == {"uk-gdpr", "eu-gdpr", "ccpa"}
    for regime, entries in EXEMPTIONS.items():
        for e in entries:
            assert any(w in e.citation for w in ("DPA 2018", "GDPR Art", "Civ. Code", "CCR")), (regime, e)


def test_uk_log_feeds_the_letters_register_and_export(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request())
    case = work.change_status(case.ref, "in_progress", version=work.version_of(case.ref))
    case = dec.add_exemption(work, case.ref, item="emails between two colleagues about the complaint", action="redacted",
                             exemption="third_party", reasoning="They identify the colleagues, who did not consent.",
                             on=ON, version=case.version)  # fmt: skip
    case = dec.add_exemption(work, case.ref, item="records shared with the police", action="withheld",
                             exemption="crime_taxation", reasoning="Disclosure would prejudice an investigation.",
                             on=ON, ncnd=True, version=case.version)  # fmt: skip
    log = case.decision["exemptions"]
    assert [e["citation"] for e in log] == ["DPA 2018 Sch 2 para 16", "DPA 2018 Sch 2 para 2"]
    assert log[0]["by"] and log[0]["on"] == "2026-11-20"
    from dpo_tui.text import md_unescape

    body = md_unescape(render_letter(work, case.ref, "response_cover").body)
    assert "(redacted): DPA 2018 Sch 2 para 16" in body
    assert "police" not in body and "para 2" not in body.replace("para 16", "")  # neither confirm nor deny
    assert case_to_json(case)["decision"]["exemptions"] == log
    row = next(r for r in register_rows(work.db, today=ON) if r["reference"] == case.ref)
    assert "exemptions (2 items)" in row["reason"]
    case = dec.remove_exemption(work, case.ref, entry_id=1, reason="The colleagues consented.", version=case.version)
    assert [e["id"] for e in case.decision["exemptions"]] == [2]


def test_bad_entries_are_refused(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request())
    base = dict(item="x", action="withheld", exemption="third_party", reasoning="r", on=ON, version=case.version)
    with pytest.raises(InvalidInput, match="not an exemption under uk-gdpr"):
        dec.add_exemption(work, case.ref, **{**base, "exemption": "member_state_law"})  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="does not allow neither confirming"):
        dec.add_exemption(work, case.ref, **{**base, "ncnd": True})  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="reasoning"):
        dec.add_exemption(work, case.ref, **{**base, "reasoning": " "})  # type: ignore[arg-type]
    eu = work.log_request(new_request(email="eu@example.org", regime="eu-gdpr", member_state="DE"))
    with pytest.raises(InvalidInput, match="needs the law and provision"):
        dec.add_exemption(work, eu.ref, **{**base, "exemption": "member_state_law", "version": eu.version})  # type: ignore[arg-type]
    eu = dec.add_exemption(work, eu.ref, **{**base, "exemption": "member_state_law", "law": "BDSG s.34(1)", "version": eu.version})  # type: ignore[arg-type]
    assert eu.decision["exemptions"][0]["citation"] == "GDPR Art 23: BDSG s.34(1)"


def test_refusal_letter_lists_the_ccpa_exemption(work) -> None:  # type: ignore[no-untyped-def]
    case = work.log_request(new_request(regime="ccpa"))
    case = dec.add_exemption(work, case.ref, item="your account password", action="withheld", exemption="sensitive_identifier",
                             reasoning="Never disclosed; we confirm we hold one.", on=ON, version=case.version)  # fmt: skip
    dec.refuse(work, case.ref, "partial", [("account password", "11 CCR 7024(d)")], "Sensitive identifiers are described.", ON,
               version=case.version)  # fmt: skip
    from dpo_tui.text import md_unescape

    body = md_unescape(render_letter(work, case.ref, "refusal_notice").body)
    assert "your account password (withheld): 11 CCR 7024(d)" in body and "Information Commissioner" not in body


def test_cli_add_and_list(tmp_path: Path) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'c.db'}"]
    runner = CliRunner()
    out = runner.invoke(cli, [*db, "new", "--name", "Ada", "--email", "ada@example.org", "--rights", "access", "--received", "2026-11-02"])
    ref = out.stdout.strip()
    res = runner.invoke(cli, [*db, "exemption", "add", ref, "--item", "HR notes", "--exemption", "legal_privilege",
                              "--reasoning", "Advice from our solicitors.", "--on", "2026-11-05"])  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(runner.invoke(cli, [*db, "exemption", "list", ref, "--json"]).stdout)
    assert data["log"][0]["citation"] == "DPA 2018 Sch 2 para 19"
    assert any(e["key"] == "third_party" for e in data["available"])
    bad = runner.invoke(cli, [*db, "exemption", "add", ref, "--item", "x", "--exemption", "nope", "--reasoning", "r"])
    assert bad.exit_code != 0 and "not an exemption under uk-gdpr" in bad.stderr


# --- erasure: Art 17(1) ground, Art 17(3) exceptions per system, Art 17(2) ------------------------------------------


def test_partial_erasure_letter_says_what_was_kept_and_why(work) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.text import md_unescape
    from dpo_tui.domain.rights import Right
    from dpo_tui.services.letters import letter_choices

    case = work.log_request(new_request(rights=(Right.ERASURE,)))
    case = dec.add_erasure_exception(work, case.ref, system="crm", exception="legal_claims",
                                     detail="invoices disputed in a pending claim", on=ON, version=case.version)  # fmt: skip
    reason = {c.kind: c.reason for c in letter_choices(work, case.ref)}["erasure_confirmation"]
    assert "no Art 17(1) ground is recorded" in reason
    with pytest.raises(InvalidInput, match="Art 17\\(2\\)"):
        dec.record_erasure_ground(work, case.ref, ground="consent_withdrawn", on=ON, made_public=True, version=case.version)
    with pytest.raises(InvalidInput, match="not an erasure ground"):
        dec.record_erasure_ground(work, case.ref, ground="bored", on=ON, version=case.version)
    case = dec.record_erasure_ground(work, case.ref, ground="consent_withdrawn", on=ON, made_public=True,
                                     controllers_informed="EventCo (event partner), by email on 20 Nov 2026",
                                     version=case.version)  # fmt: skip
    body = " ".join(md_unescape(render_letter(work, case.ref, "erasure_confirmation").body).split())
    assert "except as follows" in body and "invoices disputed in a pending claim" in body
    assert "Art 17(3)(e)" in body and "Art 17(2)" in body and "EventCo" in body
    assert any("Art 17(1)(b)" in line for line in dec.describe(case.decision))
    ccpa = work.log_request(new_request(email="c@example.org", regime="ccpa", rights=(Right.ERASURE,)))
    with pytest.raises(InvalidInput, match="not an erasure exception under ccpa"):
        dec.add_erasure_exception(work, ccpa.ref, system="crm", exception="legal_claims", detail="x", on=ON, version=ccpa.version)
