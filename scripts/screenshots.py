"""Regenerate screenshots/*.svg (shown in the README) from a deterministic demo database.

    python scripts/screenshots.py

Same demo seed, a fixed "today" and a throwaway settings file: the SVGs only change when the screens do.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "screenshots"
TODAY = date(2026, 11, 25)
SIZE = (120, 40)


async def settle(app, pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def shoot(url: str, settings, name: str, keys: list[str]) -> Path:  # type: ignore[no-untyped-def]
    from dpo_tui.tui.app import DpoApp

    app = DpoApp(url, settings, today=lambda: TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for key in keys:
            await pilot.press(key)
            await settle(app, pilot)
        if name == "palette":
            for _ in range(100):  # the palette searches in the background
                await pilot.pause()
                if app.screen.query("CommandList") and app.screen.query_one("CommandList").option_count:
                    break
        path = OUT / f"{name}.svg"
        path.write_text(app.export_screenshot(title=f"dpo-tui — {name}"), encoding="utf-8")
        return path


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="dpo-shots-"))
    os.environ["DPO_TUI_CONFIG"] = str(tmp / "settings.toml")
    os.environ["XDG_DATA_HOME"] = str(tmp / "data")
    os.environ.pop("DPO_TUI_DB", None)
    from dpo_tui.demo import generate
    from dpo_tui.settings import load_settings

    settings = load_settings()
    url = f"sqlite:///{tmp / 'demo.db'}"
    generate(url, 300, 7, None, today=TODAY, settings=settings)
    OUT.mkdir(exist_ok=True)
    shots = {
        "queue": [],
        "queue-overdue": ["2"],
        "case": ["enter"],
        "case-deadline": ["enter", "w"],
        "case-checklist": ["enter", "4"],
        "identity": ["enter", "v"],
        "new-request": ["n"],
        "dashboard": ["d"],
        "help": ["question_mark"],
        "palette": ["ctrl+p", *"fisch"],
    }
    for name, keys in shots.items():
        path = asyncio.run(shoot(url, settings, name, keys))
        print(path.relative_to(ROOT), file=sys.stderr)


if __name__ == "__main__":
    main()
