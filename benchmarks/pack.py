"""Response pack benchmark (issue 18): `python benchmarks/pack.py [--files 1000] [--mb 500]`.

Generates N files totalling M MB (incompressible random bytes, the worst case for the zip) in a temporary folder,
attaches them all to one case of a fresh SQLite database with `dpo-tui attach` (one transaction), then builds the
case's encrypted pack with `dpo-tui pack` and verifies it with `dpo-tui pack verify`. Each step runs in its own
child process; the script prints its seconds and the child's peak memory (max RSS). A run at a tenth of the size is
printed first: peak memory should not grow with the total size (files are read, stored, packed and hashed one at a
time, in chunks). Everything is written under a temporary folder that is removed at the end. It asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

REF = "DSAR-2026-0001"
SETUP = """
import sys
from datetime import date
from dpo_tui.domain.rights import Right
from dpo_tui.services.casework import Casework, NewRequest
from dpo_tui.settings import load_settings
from dpo_tui.store.database import Database
work = Casework(Database.open(sys.argv[1]), load_settings(), today=lambda: date(2026, 11, 25))
d = work.log_request(NewRequest(name="Bench Mark", email="bench@example.org", rights=(Right.ACCESS, Right.PORTABILITY),
                                received=date(2026, 11, 2)))
work.change_status(d.ref, "in_progress", version=d.version)
"""


def _child(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds, this child's own peak RSS in MB, stdout): os.wait4 gives the rusage of that one process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(args[:5])}...: exit {proc.returncode}: {err.read().decode()[-500:]}")
        return wall, usage.ru_maxrss / 1024, out.read().decode()


def run(n_files: int, total_mb: int, root: Path) -> dict[str, float]:
    files = root / "files"
    files.mkdir()
    size = total_mb * 1024 * 1024 // n_files
    paths = []
    for i in range(n_files):
        p = files / f"export-{i:05d}.bin"
        with open(p, "wb") as fh:
            fh.write(os.urandom(size))
        paths.append(str(p))
    db = root / "cases.db"
    env = {**os.environ, "DPO_TUI_CONFIG": str(root / "settings.toml"), "XDG_DATA_HOME": str(root / "data")}
    (root / "settings.toml").write_text(f"[pack]\nmax_file_mb = {max(1, size // (1024 * 1024) + 1)}\n")
    cli = [sys.executable, "-m", "dpo_tui", "--db", str(db)]
    _child([sys.executable, "-c", SETUP, f"sqlite:///{db}"], env)
    attach_s, attach_mb, _ = _child([*cli, "attach", REF, *paths], env)
    shutil.rmtree(files)  # the pack is built from the database
    pack_s, pack_mb, out = _child([*cli, "pack", REF, "-o", str(root / "out"), "--json"], env)
    result = json.loads(out)
    verify_env = {**env, "DPO_TUI_PACK_PASSPHRASE": result["passphrase"]}
    verify_s, verify_mb, _ = _child([*cli, "pack", "verify", result["path"]], verify_env)
    return {
        "files": n_files, "total_mb": total_mb, "attach_s": attach_s, "attach_peak_mb": attach_mb, "pack_s": pack_s,
        "pack_peak_mb": pack_mb, "verify_s": verify_s, "verify_peak_mb": verify_mb,
        "archive_mb": result["size"] / 1024 / 1024,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--mb", type=int, default=500)
    args = parser.parse_args()
    print(f"{'files':>6} {'MB':>5} {'attach s':>9} {'pack s':>7} {'verify s':>9} {'archive MB':>11}  peak MB (attach / pack / verify)")
    for n, mb in ((max(1, args.files // 10), max(1, args.mb // 10)), (args.files, args.mb)):
        with tempfile.TemporaryDirectory(prefix="dpo-tui-pack-bench-") as tmp:
            r = run(n, mb, Path(tmp))
        print(f"{r['files']:>6} {r['total_mb']:>5} {r['attach_s']:>9.1f} {r['pack_s']:>7.1f} {r['verify_s']:>9.1f} "
              f"{r['archive_mb']:>11.1f}  {r['attach_peak_mb']:.0f} / {r['pack_peak_mb']:.0f} / {r['verify_peak_mb']:.0f}",
              flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
