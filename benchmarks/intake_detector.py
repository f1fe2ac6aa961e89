"""Precision and recall of the intake rights detector, per language and per right.

    python benchmarks/intake_detector.py [--misses]

The labelled letters are in data/intake-samples/ (see its README).
"""

from __future__ import annotations

import sys
from pathlib import Path

from dpo_tui.intake.evaluate import evaluate

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "intake-samples"


def main() -> None:
    ev = evaluate(SAMPLES)
    print(f"{'language':<10} {'precision':>9} {'recall':>7} {'language detected':>18}")
    for lang, s in ev.by_language.items():
        ok, n = ev.language_correct[lang]
        print(f"{lang:<10} {s.precision:>9.2f} {s.recall:>7.2f} {f'{ok}/{n}':>18}")
    print()
    print(f"{'right':<20} {'precision':>9} {'recall':>7} {'support':>8}")
    for right, s in sorted(ev.by_right.items()):
        print(f"{right:<20} {s.precision:>9.2f} {s.recall:>7.2f} {s.tp + s.fn:>8}")
    held_misses: list[str] = []
    for folder, title in (
        ("holdout", "held-out letters, set 1 (written after the first tuning; seen by the second)"),
        ("holdout2", "held-out letters, set 2 (written before the second tuning round, as its check)"),
    ):
        held = evaluate(SAMPLES / folder)
        held_misses += held.misses
        print()
        print(title + ":")
        for lang, s in held.by_language.items():
            print(f"{lang:<10} {s.precision:>9.2f} {s.recall:>7.2f}")
    if "--misses" in sys.argv:
        print()
        print("\n".join(ev.misses + held_misses) or "no misses")


if __name__ == "__main__":
    main()
