"""Precision and recall of the rights detector on the labelled letters in data/intake-samples/."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from dpo_tui.intake.detect import detect


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Evaluation:
    by_language: dict[str, Score]
    by_right: dict[str, Score]
    language_correct: dict[str, tuple[int, int]]  # lang -> (letters whose language was detected right, letters)
    misses: list[str]


def evaluate(folder: Path) -> Evaluation:
    by_language: dict[str, Score] = defaultdict(Score)
    by_right: dict[str, Score] = defaultdict(Score)
    lang_ok: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: list[str] = []
    for path in sorted(folder.glob("*.json")):
        lang = path.stem
        for letter in json.loads(path.read_text(encoding="utf-8")):
            expected = set(letter["rights"])
            d = detect(letter["text"])
            got = set(d.rights)
            lang_ok[lang][1] += 1
            lang_ok[lang][0] += d.language == lang
            for right in expected | got:
                hit = right in expected and right in got
                for s in (by_language[lang], by_right[right]):
                    s.tp += hit
                    s.fp += right in got and right not in expected
                    s.fn += right in expected and right not in got
            if expected != got:
                misses.append(f"{letter['id']}: expected {sorted(expected)}, got {sorted(got)}")
    return Evaluation(dict(by_language), dict(by_right), {k: (v[0], v[1]) for k, v in lang_ok.items()}, misses)
