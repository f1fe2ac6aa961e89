"""Quick commands and the domain layer must not pay for Textual or the ORM (each costs ~0.3-0.4 s)."""

import subprocess
import sys
from pathlib import Path

HEAVY = ("textual", "sqlalchemy", "sqlmodel")
# The queue reads the settings before its first paint: a DPO's file, every section filled in (what it imports to
# check them counts too).
EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "settings.example.toml"
READ_SETTINGS = f"from pathlib import Path\nfrom dpo_tui.settings import load_settings\nload_settings(Path({str(EXAMPLE)!r}))\n"


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint('LOADED:' + ' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(out.stdout.rsplit("LOADED:", 1)[1].split())


def test_domain_layer_is_pure() -> None:
    code = "\n".join(
        f"import dpo_tui.domain.{m}"
        for m in ("clock", "regimes", "workdays", "dates", "lifecycle", "rights", "organisation", "checklist")
    )
    assert _loaded_after(code) == set()


def test_help_and_deadline_stay_light() -> None:
    code = (
        "import sys\nfrom dpo_tui.cli import main\n"
        "for argv in (['--help'], ['deadline', '2026-01-31']):\n"
        "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
    )
    assert _loaded_after(code) == set()


def test_queue_read_path_stays_off_the_orm() -> None:
    assert _loaded_after("import dpo_tui.store.queue, dpo_tui.settings") == set()


def test_queue_first_paint_leaves_the_deadline_engine_and_dialogs_for_later() -> None:
    # Each import before the first paint is paid on every start of the queue (~2-5 ms each, of ~180 ms).
    later = ("dpo_tui.domain.clock", "dpo_tui.domain.regimes", "dateutil", "dpo_tui.tui.modals.prompts", "dpo_tui.tui.palette",
             "sqlalchemy", "zoneinfo")  # fmt: skip
    probe = (
        f"import sys\nimport dpo_tui.tui.app, dpo_tui.tui.screens.queue\n{READ_SETTINGS}"
        f"print('LOADED:' + ' '.join(m for m in {later!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.rsplit("LOADED:", 1)[1].split() == []


def test_queue_first_paint_defines_no_dataclass_of_ours() -> None:
    # A frozen dataclass compiles six generated methods when its module loads (~1 ms each class on Python 3.11,
    # against ~0.2 ms for a NamedTuple); 18 of them were ~16 ms of the first paint.
    probe = (
        "import dataclasses, sys\n"
        "made = []\n"
        "real = dataclasses._process_class\n"
        "def spy(cls, *a, **k):\n"
        "    made.append(f'{cls.__module__}.{cls.__qualname__}')\n"
        "    return real(cls, *a, **k)\n"
        "dataclasses._process_class = spy\n"
        "import dpo_tui.launch, dpo_tui.settings, dpo_tui.store.early_page, dpo_tui.tui.app, dpo_tui.tui.screens.queue\n"
        f"{READ_SETTINGS}"
        "print('MADE:' + ' '.join(m for m in made if m.startswith('dpo_tui')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.rsplit("MADE:", 1)[1].split() == []
