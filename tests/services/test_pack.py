"""Issue 18: attachments, redaction, the response pack, its verification and the delivery that stops the clock.
Services on SQLite and PostgreSQL (the `work` fixture)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from datetime import date
from pathlib import Path

import pytest

from dpo_tui.domain.errors import DomainError, InvalidInput
from dpo_tui.services import attachments as att
from dpo_tui.services import decisions as dec
from dpo_tui.services import pack as pk
from dpo_tui.services.case_json import case_to_json
from dpo_tui.exports.register import build_report, register_rows
from tests.conftest import TODAY, new_request

CRM = "name,email,phone,order\nAda Lovelace,ada@example.org,,A1\nBob Smith,bob@other.com,+44 20 7946 0958,A2\n"


def _files(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name, data in {"crm.csv": CRM, "orders.json": '[{"contact_name": "Carol Jones", "email": "carol@x.org", "total": 3}]',
                       "scan.pdf": "%PDF-1.4 not really"}.items():  # fmt: skip
        p = tmp_path / name
        p.write_text(data, encoding="utf-8")
        out[name] = p
    return out


def _working(work, **kw):  # type: ignore[no-untyped-def]
    case = work.log_request(new_request(**kw))
    return work.change_status(case.ref, "in_progress", version=case.version)


def _open_zip(path: Path, passphrase: str):  # type: ignore[no-untyped-def]
    import pyzipper

    zf = pyzipper.AESZipFile(path)
    zf.setpassword(passphrase.encode())
    return zf


def test_attach_stores_the_bytes_with_their_hash_in_the_audit_event(work, tmp_path) -> None:  # type: ignore[no-untyped-def]
    case = _working(work)
    f = _files(tmp_path)
    added = att.attach(work, case.ref, [f["crm.csv"], f["scan.pdf"]], item=1, version=work.version_of(case.ref))
    assert [a.name for a in added] == ["crm.csv", "scan.pdf"]
    assert added[0].sha256 == hashlib.sha256(CRM.encode()).hexdigest()
    assert added[0].item_key == work.get(case.ref).checklist[0].key
    name, data = att.read_content(work, case.ref, added[0].id)
    assert data == CRM.encode()
    events = [e for e in work.get(case.ref).events if e.kind == "attachment.added"]
    assert [e.payload["sha256"] for e in events] == [a.sha256 for a in added]
    # the case export carries names, sizes and hashes (never the bytes)
    data_json = case_to_json(work.get(case.ref))
    assert [a["sha256"] for a in data_json["attachments"]] == [a.sha256 for a in added]
    assert "content" not in data_json["attachments"][0]


def test_a_bad_file_among_good_ones_stores_nothing(work, tmp_path) -> None:  # type: ignore[no-untyped-def]
    case = _working(work)
    f = _files(tmp_path)
    (tmp_path / "dir").mkdir()
    os.symlink(f["crm.csv"], tmp_path / "link.csv")
    bad = {
        "a folder": tmp_path / "dir", "no such file": tmp_path / "missing.csv", "a symbolic link": tmp_path / "link.csv",
    }  # fmt: skip
    for why, path in bad.items():
        with pytest.raises(att.AttachmentRefused, match=why):
            att.attach(work, case.ref, [f["crm.csv"], path], version=work.version_of(case.ref))
    assert att.attachments(work, case.ref) == []
    with pytest.raises(InvalidInput, match="checklist items 1 to"):
        att.attach(work, case.ref, [f["crm.csv"]], item=999, version=work.version_of(case.ref))
    assert att.attachments(work, case.ref) == []


def test_the_size_limit_comes_from_the_settings(work, tmp_path) -> None:  # type: ignore[no-untyped-def]

    from dpo_tui.settings import PackSettings

    case = _working(work)
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    work.settings = work.settings._replace(pack=PackSettings(max_file_mb=1))
    with pytest.raises(att.AttachmentRefused, match="over the limit of 1.0 MB"):
        att.attach(work, case.ref, [big], version=work.version_of(case.ref))
    assert att.attachments(work, case.ref) == []


def test_redaction_suggests_others_data_and_the_copy_replaces_only_what_was_confirmed(work, tmp_path) -> None:  # type: ignore[no-untyped-def]
    case = _working(work)
    f = _files(tmp_path)
    crm = att.attach(work, case.ref, [f["crm.csv"]], version=work.version_of(case.ref))[0]
    found = att.suggestions(work, case.ref, crm.id)
    values = {(s.kind, s.value) for s in found}
    assert ("email", "bob@other.com") in values and ("name", "Bob Smith") in values and ("phone", "+44 20 7946 0958") in values
    assert not any("ada" in s.value.lower() or "Lovelace" in s.value for s in found)  # the requester's own data
    chosen = [s for s in found if s.kind in ("email", "name")]
    copy = att.redact(work, case.ref, crm.id, chosen, version=work.version_of(case.ref))
    assert copy.name == "crm.redacted.csv" and copy.original_id == crm.id
    _, data = att.read_content(work, case.ref, copy.id)
    text = data.decode()
    assert "bob@other.com" not in text and "Bob Smith" not in text and "+44 20 7946 0958" in text  # phone not confirmed
    assert "Ada Lovelace,ada@example.org" in text
    log = att.redaction_log(work, case.ref)
    assert {r.what for r in log} == {"third-party email address (1 occurrence)", "third-party name (1 occurrence)"}
    assert all("bob" not in r.what.lower() for r in log)  # the log never names what it redacted
    files = {a.id: a for a in att.attachments(work, case.ref)}
    assert files[crm.id].copy_id == copy.id and not files[crm.id].sent and files[copy.id].sent


def test_exemption_reason_must_name_an_entry_of_the_exemption_log(work, tmp_path) -> None:  # type: ignore[no-untyped-def]
    case = _working(work)
    f = _files(tmp_path)
    scan = att.attach(work, case.ref, [f["scan.pdf"]], version=work.version_of(case.ref))[0]
    with pytest.raises(InvalidInput, match="no exemption log entry 1"):
        att.withhold(work, case.ref, scan.id, reason="exemption", exemption_id=1, version=work.version_of(case.ref))
    with pytest.raises(InvalidInput, match="not UTF-8|not a text format"):
        att.suggestions(work, case.ref, scan.id)
    dec.add_exemption(work, case.ref, item="legal advice", action="withheld", exemption="legal_privilege",
                      reasoning="Advice from counsel.", on=TODAY, version=work.version_of(case.ref))  # fmt: skip
    att.withhold(work, case.ref, scan.id, what="counsel's memo", reason="exemption", exemption_id=1, version=work.version_of(case.ref))
    (entry,) = att.redaction_log(work, case.ref)
    assert entry.action == "withheld" and entry.citation == "DPA 2018 Sch 2 para 19"
    # a copy redacted elsewhere is linked to its original
    other = tmp_path / "scan-redacted.pdf"
    other.write_bytes(b"%PDF-1.4 blacked out")
    copy = att.link_redacted(work, case.ref, scan.id, other, what="names on page 2", version=work.version_of(case.ref))
    assert copy.original_id == scan.id and copy.kind == "redacted"


def test_pack_is_encrypted_lists_every_hash_and_never_sends_originals(work, tmp_path) -> None:  # type: ignore[no-untyped-def]
    case = _working(work, rights=(__import__("dpo_tui.domain.rights", fromlist=["Right"]).Right.ACCESS,
                                  __import__("dpo_tui.domain.rights", fromlist=["Right"]).Right.PORTABILITY))  # fmt: skip
    f = _files(tmp_path)
    crm, orders, scan = att.attach(work, case.ref, [f["crm.csv"], f["orders.json"], f["scan.pdf"]], version=work.version_of(case.ref))
    found = att.suggestions(work, case.ref, crm.id)
    att.redact(work, case.ref, crm.id, found, version=work.version_of(case.ref))
    att.withhold(work, case.ref, scan.id, what="a scan", version=work.version_of(case.ref))
    out = tmp_path / "out"
    result = pk.build_pack(work, case.ref, out, version=work.version_of(case.ref))
    assert result.path == out / f"{case.ref}-response.zip"
    assert stat.S_IMODE(result.path.stat().st_mode) == 0o600
    assert [p.name for p in out.iterdir()] == [result.path.name]  # the temporary folder is gone
    with _open_zip(result.path, result.passphrase) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
        assert {e["path"] for e in manifest["files"]} == set(names) - {"manifest.json"}
        for e in manifest["files"]:
            assert hashlib.sha256(zf.read(e["path"])).hexdigest() == e["sha256"]
        assert "data/General/crm.redacted.csv" in names and "data/General/orders.json" in names
        assert not any(n.endswith("/crm.csv") or "scan" in n for n in names)  # original and withheld file stay home
        assert {"cover-letter.pdf", "cover-letter.txt", "redaction-log.txt", "index.txt"} <= set(names)
        assert {"portability/General.json", "portability/General.csv"} <= set(names)
        rows = json.loads(zf.read("portability/General.json"))["records"]
        assert {"_source": "orders.json", "contact_name": "Carol Jones", "email": "carol@x.org", "total": 3} in rows
        assert "bob@other.com" not in zf.read("portability/General.csv").decode()
        assert "withheld: a scan" in zf.read("redaction-log.txt").decode()
    # encrypted: the bytes of the data are not in the archive, and the wrong passphrase opens nothing
    raw = result.path.read_bytes()
    assert b"Ada Lovelace" not in raw and b"redacted" not in raw.split(b"PK")[1][30:]
    assert not pk.verify_archive(result.path, "wrong").ok
    report = pk.verify_archive(result.path, result.passphrase)
    assert report.ok and report.checked == len(manifest["files"]) and report.reference == case.ref
    assert report.manifest_sha256 == result.manifest_sha256
    # recorded (the manifest and its hash), never the passphrase
    (p,) = work.get(case.ref).packs
    assert p.manifest_sha256 == result.manifest_sha256
    event = [e for e in work.get(case.ref).events if e.kind == "pack.built"][-1]
    assert event.payload["manifest_sha256"] == result.manifest_sha256
    assert result.passphrase not in json.dumps(case_to_json(work.get(case.ref)))
    assert pk.find_pack(work, result.manifest_sha256)[0] == case.ref


def test_a_pack_needs_something_attached_and_never_overwrites(work, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.paths import OutputExists

    case = _working(work)
    with pytest.raises(pk.NothingToPack, match="nothing attached"):
        pk.build_pack(work, case.ref, tmp_path / "out", version=work.version_of(case.ref))
    assert not (tmp_path / "out").exists()
    att.attach(work, case.ref, [_files(tmp_path)["scan.pdf"]], version=work.version_of(case.ref))
    first = pk.build_pack(work, case.ref, tmp_path / "out", version=work.version_of(case.ref))
    before = first.path.read_bytes()
    with pytest.raises(OutputExists):
        pk.build_pack(work, case.ref, tmp_path / "out", version=work.version_of(case.ref))
    assert first.path.read_bytes() == before and len(work.get(case.ref).packs) == 1


def test_tampered_archives_are_reported(work, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pyzipper

    case = _working(work)
    att.attach(work, case.ref, [_files(tmp_path)["crm.csv"]], version=work.version_of(case.ref))
    result = pk.build_pack(work, case.ref, tmp_path / "out", version=work.version_of(case.ref))
    # 1. bytes flipped inside the archive: the AES authentication or the hash fails
    damaged = tmp_path / "damaged.zip"
    raw = bytearray(result.path.read_bytes())
    mid = len(raw) // 3
    raw[mid : mid + 16] = bytes(b ^ 0xFF for b in raw[mid : mid + 16])
    damaged.write_bytes(bytes(raw))
    report = pk.verify_archive(damaged, result.passphrase)
    assert not report.ok and report.problems
    # 2. rebuilt with the same passphrase, one file changed, the manifest kept: the hash no longer matches
    forged = tmp_path / "forged.zip"
    with _open_zip(result.path, result.passphrase) as src, pyzipper.AESZipFile(forged, "w", encryption=pyzipper.WZ_AES) as dst:
        dst.setpassword(result.passphrase.encode())
        for name in src.namelist():
            data = src.read(name)
            if name.startswith("data/"):
                data = data.replace(b"A2", b"B9")
            dst.writestr(name, data)
        dst.writestr("data/extra.txt", b"added later")
    report = pk.verify_archive(forged, result.passphrase)
    assert not report.ok
    assert any("does not match the manifest" in p for p in report.problems)
    assert any("data/extra.txt: in the archive but not in the manifest" in p for p in report.problems)
    # 3. not a zip at all
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"hello")
    assert pk.verify_archive(junk, "x").problems[0].startswith("not a readable zip archive")


def test_delivery_is_the_response_date_for_register_report_and_deadline(work, tmp_path) -> None:  # type: ignore[no-untyped-def]
    case = _working(work)
    att.attach(work, case.ref, [_files(tmp_path)["crm.csv"]], version=work.version_of(case.ref))
    pk.build_pack(work, case.ref, tmp_path / "out", version=work.version_of(case.ref))
    v = work.version_of(case.ref)
    with pytest.raises(InvalidInput, match="in the future"):
        pk.record_delivery(work, case.ref, channel="email", on=date(2026, 11, 26), version=v)
    with pytest.raises(InvalidInput, match="say why it is recorded late"):
        pk.record_delivery(work, case.ref, channel="email", on=date(2026, 11, 24), version=v)
    with pytest.raises(InvalidInput, match="unknown channel"):
        pk.record_delivery(work, case.ref, channel="pigeon", version=v)
    d = pk.record_delivery(work, case.ref, channel="post", on=TODAY, version=v)
    assert d.manifest_sha256 == work.get(case.ref).packs[0].manifest_sha256
    detail = work.get(case.ref)
    assert detail.final_response_on == TODAY
    event = [e for e in detail.events if e.kind == "delivery.recorded"][-1]
    assert event.payload["manifest_sha256"] == d.manifest_sha256 and event.payload["channel"] == "post"
    # closing the case keeps the delivery day as the response date, and the deadline badge ends there
    closed = work.change_status(case.ref, "completed", reason="searched outside the checklist", version=detail.version)
    assert closed.final_response_on == TODAY and closed.deadline.closed_on == TODAY
    row = next(r for r in register_rows(work.db, today=TODAY) if r["reference"] == case.ref)
    assert row["final_response"] == TODAY.isoformat() and row["on_time"] == "yes"
    assert row["attachments"] == "1" and row["delivered"].startswith(f"{TODAY.isoformat()} post pack")
    assert build_report(work.db, today=TODAY).on_time == 1


def test_backdated_delivery_needs_a_reason_and_never_precedes_receipt(work, tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import make_work

    case = _working(work)
    att.attach(work, case.ref, [_files(tmp_path)["crm.csv"]], version=work.version_of(case.ref))
    pk.build_pack(work, case.ref, tmp_path / "out", version=work.version_of(case.ref))
    later = make_work(work.db.url, settings, today=date(2026, 11, 30))
    try:
        v = later.version_of(case.ref)
        with pytest.raises(InvalidInput, match="before the request was received"):
            pk.record_delivery(later, case.ref, channel="email", on=date(2026, 11, 1), reason="x", version=v)
        pk.record_delivery(later, case.ref, channel="email", on=TODAY, reason="sent Wednesday, recorded on Monday", version=v)
        detail = later.get(case.ref)
        assert detail.final_response_on == TODAY
        assert detail.deliveries[0].reason == "sent Wednesday, recorded on Monday"
    finally:
        later.db.dispose()


def test_a_stale_version_changes_nothing(work, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.services.casework import StaleCase

    case = _working(work)
    stale = work.version_of(case.ref)
    work.add_note(case.ref, "meanwhile", version=stale)
    with pytest.raises(StaleCase):
        att.attach(work, case.ref, [_files(tmp_path)["crm.csv"]], version=stale)
    assert att.attachments(work, case.ref) == []


def test_letters_as_docx_and_pdf_carry_date_address_and_unicode_names(work, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import docx

    from dpo_tui.services.letters import render_letter, write_letter

    case = _working(work, name="Zoë Łukasiewicz-Ødegård", address="12 Rue des Écoles\n75005 Paris")
    draft = render_letter(work, case.ref, "acknowledgement")
    doc_path = write_letter(draft, tmp_path / "ack.docx", "docx", work=work)
    text = "\n".join(p.text for p in docx.Document(str(doc_path)).paragraphs)
    assert "Zoë Łukasiewicz-Ødegård" in text and "75005 Paris" in text and "Wed 25 Nov 2026" in text
    assert "\\" not in text and "**" not in text and "{{" not in text
    header = docx.Document(str(doc_path)).sections[0].header.paragraphs[0].text
    assert header == work.settings.organisation.name
    pdf_path = write_letter(draft, tmp_path / "ack.pdf", "pdf", work=work)
    assert pdf_path.read_bytes().startswith(b"%PDF") and stat.S_IMODE(pdf_path.stat().st_mode) == 0o600
    from fpdf import FPDF  # noqa: F401 - the PDF embeds the Unicode font, so the names are in its text layer
    assert b"DejaVu" in pdf_path.read_bytes()


def test_received_correspondence_is_listed_as_an_attachment_but_not_sent(work) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.store.intake_models import StoredFile

    case = _working(work)
    with work.db.write() as s:  # as intake stores a message it takes in (services/intake.py)
        s.add(StoredFile(case_id=case.id, name="received.eml", media_type="message/rfc822", size=3,
                         sha256=hashlib.sha256(b"abc").hexdigest(), content=b"abc", kind="received_message",
                         created_by="intake"))  # fmt: skip
    (a,) = att.attachments(work, case.ref)
    assert a.kind == "received_message" and not a.sent
    assert case_to_json(work.get(case.ref))["attachments"][0]["name"] == "received.eml"


def test_retention_purges_a_case_with_attachments_redactions_and_a_delivery(work, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.services import retention

    case = _working(work)
    crm = att.attach(work, case.ref, [_files(tmp_path)["crm.csv"]], version=work.version_of(case.ref))[0]
    att.redact(work, case.ref, crm.id, att.suggestions(work, case.ref, crm.id), version=work.version_of(case.ref))
    pk.build_pack(work, case.ref, tmp_path / "out", version=work.version_of(case.ref))
    pk.record_delivery(work, case.ref, channel="email", version=work.version_of(case.ref))
    work.change_status(case.ref, "completed", reason="searched outside the checklist", version=work.version_of(case.ref))
    result = retention.purge_case(work, case.ref, force_period=True)
    assert result.skipped is None and result.files == 2
    assert att.attachments(work, case.ref) == [] and att.redaction_log(work, case.ref) == []
    detail = work.get(case.ref)
    assert detail.deliveries and detail.deliveries[0].manifest_sha256  # the delivery stays with the register row
    from sqlalchemy import text

    with work.db.engine.connect() as conn:
        (manifest,) = conn.execute(text("SELECT manifest FROM packs")).one()
    assert "crm" not in str(manifest) and "Ada" not in str(manifest)  # file names gone, hashes kept
