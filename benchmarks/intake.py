"""Intake speed benchmark (issue 17): `python benchmarks/intake.py [--messages 10000] [--log-confident]`.

Generates an mbox and a Maildir of N realistic requests (six languages, some HTML, some replies, some with an
attachment), then imports each into a fresh SQLite database in a child process and prints messages per second and
the child's peak memory (max RSS). "msg/CPU s" divides by the process's CPU time instead of the wall clock: on a
shared machine it is the figure that says what one free core would do. A smaller run (N/10) is printed beside it: memory should not grow with N.
Target: over 500 messages/s on one core. It asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

BODIES = [
    "Dear Sir or Madam,\nI am writing to make a subject access request under the UK GDPR. Please send me a copy of all the personal data you hold about me.\nYours faithfully,\n{name}",
    "Sehr geehrte Damen und Herren,\nbitte löschen Sie mein Kundenkonto und alle meine Daten.\nMit freundlichen Grüßen\n{name}",
    "Madame, Monsieur,\nJe m'oppose à l'utilisation de mes données à des fins de prospection commerciale.\n{name}",
    "Estimados señores:\nSolicito la supresión de todos mis datos personales de sus sistemas.\nAtentamente,\n{name}",
    "Spettabile società,\nchiedo la portabilità dei miei dati in un formato strutturato.\n{name}",
    "Geachte heer, mevrouw,\nHierbij trek ik mijn toestemming in voor het verwerken van mijn gegevens.\n{name}",
    "Hello, where is my parcel? Order 4471.\n{name}",
]


def make_message(i: int, rng: random.Random) -> bytes:
    name = f"Person {i}"
    msg = EmailMessage()
    msg["Received"] = f"from mx.example.org by mx.altostack.io; Mon, {1 + i % 27} Sep 2026 09:{i % 60:02d}:00 +0000"
    msg["From"] = f"{name} <person{i}@example.org>"
    msg["Subject"] = "Data request" if i % 10 else "Re: Data request"
    msg["Date"] = f"Mon, {1 + i % 27} Sep 2026 08:59:00 +0000"
    msg["Message-ID"] = f"<bench-{i}@example.org>"
    if i % 10 == 0 and i:
        msg["In-Reply-To"] = f"<bench-{i - 5}@example.org>"
    body = rng.choice(BODIES).format(name=name)
    if i % 7 == 0:
        msg.set_content(body)
        msg.add_alternative("<html><body><p>" + body.replace("\n", "<br>") + "</p></body></html>", subtype="html")
    elif i % 11 == 0:
        msg.set_content("<html><body><p>" + body.replace("\n", "<br>") + "</p></body></html>", subtype="html")
    else:
        msg.set_content(body)
    if i % 13 == 0:
        msg.add_attachment(os.urandom(20_000), maintype="application", subtype="pdf", filename="letter.pdf")
    return bytes(msg)


def generate(folder: Path, n: int) -> tuple[Path, Path]:
    import mailbox

    rng = random.Random(17)
    mbox_path = folder / f"bench-{n}.mbox"
    maildir = folder / f"bench-{n}-maildir"
    with mbox_path.open("wb") as fh:
        for i in range(n):
            raw = make_message(i, rng)
            fh.write(b"From bench@example.org Mon Sep  1 09:00:00 2026\n")
            fh.write(raw.replace(b"\nFrom ", b"\n>From "))
            fh.write(b"\n\n")
    md = mailbox.Maildir(maildir, create=True)
    rng = random.Random(17)
    for i in range(n):
        # Names sort in delivery order, as real Maildir names (time first) do.
        (maildir / "new" / f"{1800000000 + i:012d}.M{i}.bench").write_bytes(make_message(i, rng))
    del md
    return mbox_path, maildir


def child(path: str, db: str, log_confident: bool) -> None:
    """Runs in its own process, so its max RSS is the import's alone."""
    from datetime import date

    from dpo_tui.intake.sources import iter_items
    from dpo_tui.services.casework import Casework
    from dpo_tui.services.intake import Intake
    from dpo_tui.settings import load_settings
    from dpo_tui.store.database import Database

    settings = load_settings()
    work = Casework(Database.open(db), settings, today=lambda: date(2026, 11, 25))
    start, cpu_start = time.perf_counter(), time.process_time()
    summary = Intake(work).run(iter_items([Path(path)], settings.intake), log_confident=log_confident, skip_bad=True)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    n = len(summary.results)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    c = summary.counts
    print(f"{n}\t{seconds:.2f}\t{n / seconds:.0f}\t{n / cpu:.0f}\t{rss:.0f}\t{c['created']}/{c['attached']}/{c['needs_triage']}/{c['rejected']}")


def run_child(path: Path, folder: Path, log_confident: bool) -> list[str]:
    db = folder / f"bench-{os.getpid()}-{time.time_ns()}.db"
    args = [sys.executable, __file__, "--child", str(path), str(db)] + (["--log-confident"] if log_confident else [])
    env = dict(os.environ, DPO_TUI_CONFIG=str(folder / "no-settings.toml"))
    out = subprocess.run(args, capture_output=True, text=True, env=env, check=True).stdout.strip().split("\t")
    for f in folder.glob(db.name + "*"):
        f.unlink()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=10_000)
    ap.add_argument("--log-confident", action="store_true", help="log confident requests as cases (default: all to triage)")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.log_confident)
        return
    folder = Path(tempfile.mkdtemp(prefix="dpo-intake-bench-"))
    try:
        print(f"{'input':<10} {'messages':>8} {'seconds':>8} {'msg/s':>7} {'msg/CPU s':>10} {'peak MB':>8}  created/attached/triage/rejected")
        for n in (max(1, args.messages // 10), args.messages):
            mbox_path, maildir = generate(folder, n)
            for label, path in (("mbox", mbox_path), ("Maildir", maildir)):
                count, seconds, rate, cpu_rate, rss, outcome = run_child(path, folder, args.log_confident)
                print(f"{label:<10} {count:>8} {seconds:>8} {rate:>7} {cpu_rate:>10} {rss:>8}  {outcome}")
            mbox_path.unlink()
            shutil.rmtree(maildir)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
