"""The response pack (issue 18): the disclosure bundle, its verification, and the delivery that stops the clock.

`build_pack` writes an AES-256 encrypted zip (WinZip AES, which 7-Zip, WinZip, WinRAR, Windows 11 and `bsdtar`
open) with the cover letter, the data files grouped by system (redacted copies in place of their originals; nothing
withheld), a machine-readable copy per system for portability requests (JSON and CSV), the redaction log, and a
manifest (manifest.json and a readable index.txt) with the SHA-256 of every file. It is built in a temporary folder
inside the output folder and renamed into place; files are read from the database and written one at a time, so
memory does not grow with the size of the pack. The passphrase is generated, returned once and never stored.

`record_delivery` records what was delivered (a pack by its manifest hash, or a letter), how and on which day; a
response's delivery day is the case's response date (register, report, deadline). Backdating needs a reason; never
in the future, never before the request was received.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import os.path
import re
import secrets
import shutil
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from dpo_tui.domain.errors import DomainError, InvalidInput
from dpo_tui.services.attachments import AttachmentView, _log, _views
from dpo_tui.services.casework import CHANNELS, Casework, load_case, lock_case
from dpo_tui.store.database import retry_transient
from dpo_tui.store.intake_models import StoredFile
from dpo_tui.store.models import Case, Letter
from dpo_tui.store.pack_models import Delivery, Pack

SCHEMA = "dpo-tui/pack/1"
CHUNK = 1 << 20
ZIP_DEFLATED = 8
# Letters whose delivery is the response to the request (the day the clock stops); the others are steps on the way.
RESPONSE_KINDS = (
    "response_cover", "refusal_notice", "erasure_confirmation", "objection_confirmation", "could_not_verify",
    "restriction_lift_notice",
)  # fmt: skip
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or typed from a phone


class NothingToPack(DomainError):
    """The case has nothing to send yet."""


def new_passphrase(groups: int = 6, size: int = 5) -> str:
    """Six groups of five characters (about 148 bits), easy to read out over a separate channel."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(size)) for _ in range(groups))


@dataclass(frozen=True)
class PackResult:
    path: Path
    passphrase: str
    manifest_sha256: str
    archive_sha256: str
    files: int
    size: int
    pack_id: int


@dataclass(frozen=True)
class PackView:
    id: int
    file_name: str
    manifest_sha256: str
    archive_sha256: str
    archive_size: int
    files: int
    built_by: str
    built_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "file_name": self.file_name, "manifest_sha256": self.manifest_sha256,
            "archive_sha256": self.archive_sha256, "archive_size": self.archive_size, "files": self.files,
            "built_by": self.built_by, "built_at": self.built_at.isoformat(),
        }  # fmt: skip


@dataclass(frozen=True)
class DeliveryView:
    id: int
    what: str
    channel: str
    delivered_on: date
    reason: str | None
    manifest_sha256: str | None
    pack_id: int | None
    letter_id: int | None
    recorded_by: str
    recorded_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "what": self.what, "channel": self.channel, "delivered_on": self.delivered_on.isoformat(),
            "reason": self.reason, "manifest_sha256": self.manifest_sha256, "pack_id": self.pack_id,
            "letter_id": self.letter_id, "recorded_by": self.recorded_by, "recorded_at": self.recorded_at.isoformat(),
        }  # fmt: skip


# ---- building ------------------------------------------------------------------------------------------------------


def _safe(name: str, fallback: str) -> str:
    cleaned = re.sub(r"[^\w.() -]+", "_", name, flags=re.UNICODE).strip(" ._")
    return cleaned[:120] or fallback


class _Writer:
    """Adds files to the encrypted zip, each streamed and hashed, and keeps the manifest entries."""

    def __init__(self, zf: Any, built: datetime) -> None:
        self.zf = zf
        self.stamp = built.astimezone().timetuple()[:6]
        self.entries: list[dict[str, Any]] = []
        self.names: set[str] = set()

    def unique(self, path: str) -> str:
        if path not in self.names:
            return path
        stem, dot, ext = path.rpartition(".")
        if not dot or "/" in ext:
            stem, ext = path, ""
        n = 2
        while True:
            candidate = f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}"
            if candidate not in self.names:
                return candidate
            n += 1

    def add(self, path: str, data: bytes | Iterator[bytes], **meta: Any) -> dict[str, Any]:
        path = self.unique(path)
        self.names.add(path)
        digest = hashlib.sha256()
        size = 0
        info = _info(self.zf, path, self.stamp)
        with self.zf.open(info, "w", force_zip64=True) as out:
            for chunk in ([data] if isinstance(data, bytes) else data):
                for i in range(0, len(chunk), CHUNK):
                    piece = chunk[i : i + CHUNK]
                    digest.update(piece)
                    out.write(piece)
                    size += len(piece)
        entry = {"path": path, "size": size, "sha256": digest.hexdigest(), **meta}
        self.entries.append(entry)
        return entry


def _info(zf: Any, path: str, stamp: tuple[int, ...]) -> Any:
    """The entry's header: dated when the pack was built (not 1980), deflated, encrypted as the archive is."""
    info = zf.zipinfo_cls(path, date_time=stamp)
    info.compress_type = ZIP_DEFLATED
    return info


def _system_names(work: Casework) -> dict[str, str]:
    return {s.key: s.name for s in work.settings.organisation.systems}


def _folder(a: AttachmentView, systems: dict[str, str]) -> tuple[str, str]:
    """(system key, folder name) a data file goes in: the system of the checklist item that found it."""
    if a.system_key:
        return a.system_key, _safe(systems.get(a.system_key, a.system_key), a.system_key)
    return "general", "General"


def _content(work: Casework, file_id: int) -> bytes:
    with work.db.reader() as s:
        row = s.exec(select(StoredFile.content).where(StoredFile.id == file_id)).first()
        return bytes(row) if row is not None else b""


def _records(name: str, data: bytes) -> list[dict[str, Any]] | None:
    """Rows of a CSV or JSON data file, for the machine-readable copy; None for other formats."""
    lower = name.lower()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if lower.endswith(".csv"):
        return [dict(r) for r in csv.DictReader(io.StringIO(text))]
    if lower.endswith(".json"):
        try:
            value = json.loads(text)
        except ValueError:
            return None
        if isinstance(value, list):
            return [v if isinstance(v, dict) else {"value": v} for v in value]
        if isinstance(value, dict):
            return [value]
        return [{"value": value}]
    return None


def _csv_cell(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    # A cell that a spreadsheet would run as a formula is kept as text (CSV neutralisation, as in the register).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _portability_csv(rows: list[dict[str, Any]]) -> bytes:
    columns: dict[str, None] = {}
    for r in rows:
        for k in r:
            columns[str(k)] = None
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([_csv_cell(c) for c in columns])
    for r in rows:
        w.writerow([_csv_cell(r.get(c, "")) if r.get(c) is not None else "" for c in columns])
    return buf.getvalue().encode("utf-8")


def _redaction_text(case: Case, log: list[Any], today: date) -> str:
    lines = [f"Redaction log: {case.ref}", "", "What was redacted or withheld from this response, and why.", ""]
    shown = [r for r in log if not r.ncnd]
    if not shown:
        lines.append("Nothing was redacted or withheld.")
    for r in shown:
        lines.append(f"- {r.file_name}: {r.action}: {r.what}. Reason: {r.reason_text}. On {r.at.date().isoformat()}.")
    return "\n".join(lines) + "\n"


def _index_text(case: Case, org_name: str, built: datetime, entries: list[dict[str, Any]]) -> str:
    lines = [
        f"Response to your request {case.ref}",
        f"From {org_name}, prepared {built.date().isoformat()}.",
        "",
        "This folder holds our response. manifest.json lists the same files with their SHA-256 checksums, so you",
        "can check that nothing was changed (for example with `sha256sum FILE` or `certutil -hashfile FILE SHA256`).",
        "",
        f"{'File':<60} {'Bytes':>12}  SHA-256",
    ]
    for e in entries:
        lines.append(f"{e['path']:<60} {e['size']:>12}  {e['sha256']}")
    return "\n".join(lines) + "\n"


def pack_file_name(ref: str) -> str:
    return f"{ref}-response.zip"


def check_pack_target(out_dir: Path | str, ref: str, *, force: bool = False) -> Path:
    """Where the pack will go; refused before any work when the folder is unusable or the file exists."""
    from dpo_tui.paths import OutputError, OutputExists, shown

    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{shown(folder)}: not a folder")
    if folder.is_symlink():
        raise OutputError(f"{shown(folder)}: a symbolic link; name the folder itself")
    target = folder / pack_file_name(ref.strip().upper())
    if os.path.lexists(target) and not force:
        raise OutputExists(f"{shown(target)} already exists; use --force to overwrite it")
    if os.path.lexists(target) and (target.is_symlink() or target.is_dir()):
        raise OutputError(f"{shown(target)}: not a regular file; choose another folder")
    return target


@retry_transient
def build_pack(
    work: Casework, ref: str, out_dir: Path | str, *, version: int, force: bool = False,
    on_file: Callable[[str], None] | None = None, passphrase: str | None = None,
) -> PackResult:
    """Build the encrypted disclosure bundle for a case into `out_dir` and record it (manifest hash) on the case."""
    import pyzipper

    from dpo_tui.services.letters import letter_pdf, render_letter

    target = check_pack_target(out_dir, ref, force=force)
    with work.db.reader() as s:
        case = load_case(s, ref)
        files = [a for a in _views(s, case) if a.sent]
        log = _log(s, case)
        s.expunge(case)
    if not files:
        raise NothingToPack(f"{case.ref}: nothing attached to send; attach the data found (`dpo-tui attach`) first")
    draft = render_letter(work, case.ref, "response_cover")
    secret = passphrase or new_passphrase()
    built = work.now()
    systems = _system_names(work)
    folder = target.parent
    made_folder = False
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True)
        made_folder = True
    tmp_dir = Path(tempfile.mkdtemp(dir=folder, prefix=f".{case.ref}-pack-"))
    published = False
    try:
        tmp_zip = tmp_dir / target.name
        fd = os.open(tmp_zip, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        with pyzipper.AESZipFile(tmp_zip, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES) as zf:
            zf.setpassword(secret.encode())
            zf.setencryption(pyzipper.WZ_AES, nbits=256)
            w = _Writer(zf, built)
            w.add("cover-letter.txt", draft.as_text("txt").encode("utf-8"), kind="cover_letter")
            w.add("cover-letter.pdf", letter_pdf(work, draft), kind="cover_letter")
            portable: dict[str, list[dict[str, Any]]] = {}
            not_portable: list[str] = []
            want_portable = "portability" in case.rights.split(",")
            for a in files:
                key, name = _folder(a, systems)
                data = _content(work, a.id)
                w.add(f"data/{name}/{_safe(a.name, f'file-{a.id}')}", data, kind="data", system=key,
                      file_id=a.id, redacted=a.kind == "redacted")  # fmt: skip
                if want_portable:
                    rows = _records(a.name, data)
                    if rows is None:
                        not_portable.append(a.name)
                    else:
                        portable.setdefault(name, []).extend({"_source": a.name, **r} for r in rows)
                del data
                if on_file:
                    on_file(a.name)
            for name, rows in portable.items():
                w.add(f"portability/{name}.json", json.dumps({"system": name, "records": rows}, ensure_ascii=False, indent=2).encode("utf-8"), kind="portability")
                w.add(f"portability/{name}.csv", _portability_csv(rows), kind="portability")
            w.add("redaction-log.txt", _redaction_text(case, log, built.date()).encode("utf-8"), kind="redaction_log")
            org = work.settings.organisation.name
            w.add("index.txt", _index_text(case, org, built, w.entries).encode("utf-8"), kind="index")
            manifest = {
                "schema": SCHEMA, "reference": case.ref, "organisation": org, "built_at": built.isoformat(),
                "files": w.entries, "not_machine_readable": not_portable if want_portable else [],
            }  # fmt: skip
            manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
            info = _info(zf, "manifest.json", w.stamp)
            with zf.open(info, "w") as out:
                out.write(manifest_bytes)
        manifest_sha = hashlib.sha256(manifest_bytes).hexdigest()
        archive_sha, size = _hash_file(tmp_zip)
        _publish(tmp_zip, target, force=force)
        published = True
        with work.write() as s:
            row_case = lock_case(s, case.ref, version=version)
            row = Pack(case_id=row_case.id, file_name=target.name, manifest_sha256=manifest_sha, archive_sha256=archive_sha,
                       archive_size=size, files=len(w.entries), manifest=manifest, built_by=work.actor, built_at=built)  # fmt: skip
            s.add(row)
            s.flush()
            work.record(s, row_case, "pack.built", {
                "pack_id": row.id, "file": target.name, "manifest_sha256": manifest_sha, "archive_sha256": archive_sha,
                "files": len(w.entries), "size": size,
            })  # fmt: skip
            pack_id = row.id or 0
    except BaseException:
        if published:
            try:
                os.unlink(target)
            except OSError:
                pass
        shutil.rmtree(tmp_dir, ignore_errors=True)
        if made_folder:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    shutil.rmtree(tmp_dir, ignore_errors=True)
    return PackResult(target, secret, manifest_sha, archive_sha, len(w.entries), size, pack_id)


def _hash_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _publish(tmp: Path, target: Path, *, force: bool) -> None:
    from dpo_tui.paths import OutputExists, shown

    os.chmod(tmp, 0o600)
    if force:
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)  # never over an existing name, even one made meanwhile
    except FileExistsError:
        raise OutputExists(f"{shown(target)} already exists; use --force to overwrite it") from None
    os.unlink(tmp)


# ---- verifying -----------------------------------------------------------------------------------------------------


@dataclass
class VerifyReport:
    archive: Path
    ok: bool = False
    reference: str | None = None
    manifest_sha256: str | None = None
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "archive": str(self.archive), "ok": self.ok, "reference": self.reference,
            "manifest_sha256": self.manifest_sha256, "checked": self.checked, "problems": self.problems,
        }  # fmt: skip


def verify_archive(path: Path | str, passphrase: str) -> VerifyReport:
    """Check every file of a pack against its manifest: a clear report, never an exception, for a corrupted,
    tampered or wrongly-unlocked archive."""
    import pyzipper

    p = Path(path)
    report = VerifyReport(p)
    if not p.is_file():
        report.problems.append(f"{p}: no such file" if not p.exists() else f"{p}: not a file")
        return report
    try:
        zf = pyzipper.AESZipFile(p)
    except (pyzipper.BadZipFile, OSError, ValueError, EOFError) as exc:
        report.problems.append(f"not a readable zip archive ({exc})")
        return report
    with zf:
        zf.setpassword(passphrase.encode())
        names = set(zf.namelist())
        if "manifest.json" not in names:
            report.problems.append("no manifest.json in the archive: not a dpo-tui pack")
            return report
        try:
            raw = zf.read("manifest.json")
        except RuntimeError as exc:
            report.problems.append("wrong passphrase" if "password" in str(exc).lower() else f"manifest.json: {exc}")
            return report
        except (pyzipper.BadZipFile, zlib.error, OSError, ValueError, EOFError) as exc:
            report.problems.append(f"manifest.json: corrupted ({exc})")
            return report
        try:
            manifest = json.loads(raw.decode("utf-8"))
            entries = manifest["files"]
            report.reference = manifest.get("reference")
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            report.problems.append("manifest.json: not a pack manifest")
            return report
        report.manifest_sha256 = hashlib.sha256(raw).hexdigest()
        listed = set()
        for e in entries:
            name = str(e.get("path"))
            listed.add(name)
            if name not in names:
                report.problems.append(f"{name}: listed in the manifest but missing from the archive")
                continue
            digest = hashlib.sha256()
            size = 0
            try:
                with zf.open(name) as fh:
                    while chunk := fh.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
            except RuntimeError as exc:
                report.problems.append(f"{name}: cannot be opened ({exc})")
                continue
            except (pyzipper.BadZipFile, zlib.error, OSError, ValueError, EOFError) as exc:
                report.problems.append(f"{name}: corrupted ({exc})")
                continue
            report.checked += 1
            if digest.hexdigest() != e.get("sha256") or size != e.get("size"):
                report.problems.append(f"{name}: SHA-256 does not match the manifest (changed after the pack was built)")
        for extra in sorted(names - listed - {"manifest.json"}):
            report.problems.append(f"{extra}: in the archive but not in the manifest (added after the pack was built)")
    report.ok = not report.problems
    return report


def find_pack(work: Casework, manifest_sha256: str) -> tuple[str, PackView, list[DeliveryView]] | None:
    """The case, pack and deliveries recorded for a manifest hash (what `pack verify` proves was delivered)."""
    with work.db.reader() as s:
        row = s.exec(select(Pack).where(Pack.manifest_sha256 == manifest_sha256).order_by(Pack.id.desc())).first()  # type: ignore[union-attr]
        if row is None:
            return None
        case = s.get(Case, row.case_id)
        dels = s.exec(select(Delivery).where(Delivery.pack_id == row.id).order_by(Delivery.id))
        return (case.ref if case else "?"), _pack_view(row), [_delivery_view(d) for d in dels]


# ---- delivery ------------------------------------------------------------------------------------------------------


def _pack_view(p: Pack) -> PackView:
    return PackView(p.id or 0, p.file_name, p.manifest_sha256, p.archive_sha256, p.archive_size, p.files, p.built_by, p.built_at)


def _delivery_view(d: Delivery) -> DeliveryView:
    return DeliveryView(d.id or 0, d.what, d.channel, d.delivered_on, d.reason, d.manifest_sha256, d.pack_id, d.letter_id,
                        d.recorded_by, d.recorded_at)  # fmt: skip


def packs(work: Casework, ref: str) -> list[PackView]:
    with work.db.reader() as s:
        return _packs(s, load_case(s, ref))


def _packs(s: Session, case: Case) -> list[PackView]:
    return [_pack_view(p) for p in s.exec(select(Pack).where(Pack.case_id == case.id).order_by(Pack.id))]  # type: ignore[arg-type]


def deliveries(work: Casework, ref: str) -> list[DeliveryView]:
    with work.db.reader() as s:
        return _deliveries(s, load_case(s, ref))


def _deliveries(s: Session, case: Case) -> list[DeliveryView]:
    return [_delivery_view(d) for d in s.exec(select(Delivery).where(Delivery.case_id == case.id).order_by(Delivery.id))]  # type: ignore[arg-type]


def check_delivery_date(work: Casework, received: date, on: date, reason: str | None) -> str | None:
    """The reason as kept; refuses a future day, a day before receipt, and a backdated day without a reason."""
    why = " ".join((reason or "").split()) or None
    today = work.today()
    if on > today:
        raise InvalidInput("date", f"{on.isoformat()} is in the future")
    if on < received:
        raise InvalidInput("date", f"{on.isoformat()} is before the request was received ({received.isoformat()})")
    if on < today and why is None:
        raise InvalidInput("reason", f"delivered on {on.isoformat()}, before today: say why it is recorded late")
    return why


@retry_transient
def record_delivery(
    work: Casework, ref: str, *, version: int, channel: str, on: date | None = None, reason: str | None = None,
    pack_id: int | None = None, letter_id: int | None = None,
) -> DeliveryView:
    """Record that a pack (default: the newest) or a letter was delivered. The delivery of a response is the case's
    response date (the earliest such delivery, should it be sent again)."""
    if channel not in CHANNELS:
        raise InvalidInput("channel", f"unknown channel '{channel}' (valid: {', '.join(CHANNELS)})")
    on = on or work.today()
    with work.write() as s:
        case = lock_case(s, ref, version=version)
        why = check_delivery_date(work, case.received, on, reason)
        pack: Pack | None = None
        letter: Letter | None = None
        if letter_id is not None:
            letter = s.get(Letter, letter_id)
            if letter is None or letter.case_id != case.id or letter.direction != "out":
                raise InvalidInput("letter", f"{case.ref} has no letter #{letter_id} sent")
            if on < letter.sent_on:
                raise InvalidInput("date", f"{on.isoformat()} is before the letter was written ({letter.sent_on.isoformat()})")
            what = f"letter: {letter.kind}"
            response = letter.kind in RESPONSE_KINDS
        else:
            q = select(Pack).where(Pack.case_id == case.id)
            q = q.where(Pack.id == pack_id) if pack_id is not None else q.order_by(Pack.id.desc())  # type: ignore[union-attr]
            pack = s.exec(q).first()
            if pack is None:
                raise InvalidInput("pack", f"{case.ref} has no pack{f' #{pack_id}' if pack_id else ''}: build it first (`dpo-tui pack {case.ref}`)")
            built = pack.built_at.date()
            if on < built:
                raise InvalidInput("date", f"{on.isoformat()} is before the pack was built ({built.isoformat()})")
            what = f"pack {pack.file_name}"
            response = True
        row = Delivery(case_id=case.id, pack_id=pack.id if pack else None, letter_id=letter.id if letter else None, what=what,
                       channel=channel, delivered_on=on, reason=why, manifest_sha256=pack.manifest_sha256 if pack else None,
                       recorded_by=work.actor)  # fmt: skip
        s.add(row)
        s.flush()
        before = case.final_response_on
        if response:
            case.final_response_on = _response_date(s, case)
        work.refresh_deadline(s, case)
        work.record(s, case, "delivery.recorded", {
            "delivery_id": row.id, "what": what, "channel": channel, "on": on.isoformat(), "reason": why,
            "manifest_sha256": row.manifest_sha256, "response_date": _iso(case.final_response_on),
            "response_date_before": _iso(before),
        })  # fmt: skip
        s.flush()
        return _delivery_view(row)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _response_date(s: Session, case: Case) -> date | None:
    """The earliest delivery of a response: a pack, or a letter of a response kind."""
    days = []
    for d, kind in s.exec(
        select(Delivery.delivered_on, Letter.kind).join(Letter, Letter.id == Delivery.letter_id, isouter=True)  # type: ignore[arg-type]
        .where(Delivery.case_id == case.id)
    ):
        if kind is None or kind in RESPONSE_KINDS:
            days.append(d)
    return min(days) if days else case.final_response_on
