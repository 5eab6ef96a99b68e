"""The C-SSRS crisis benchmark's data and scoring, shared by the benchmark (bench/crisis.py) and the
training script (infra/train_crisis_screen.py): where the data is, the standard excerpt of a user, the
word substitutions the dataset's README documents undone, and the metrics."""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


_DATA_PATH = Path("shared") / "benchmarks" / "crisis" / "cssrs_reddit_500.csv"


def _find_data() -> Path:
    """The dataset next to the repository or next to one of its parents (a worktree sits deeper);
    `CRISIS_BENCHMARK_CSV` overrides."""
    override = os.environ.get("CRISIS_BENCHMARK_CSV")
    if override:
        return Path(override)
    for parent in REPO.parents:
        if (parent / _DATA_PATH).exists():
            return parent / _DATA_PATH
    return REPO.parent / _DATA_PATH


DATA = _find_data()


CLASSES = ("NORMAL", "WATCH", "ELEVATED_CONCERN", "HIGH_RISK")


URGENT = frozenset({"ELEVATED_CONCERN", "HIGH_RISK"})


MAX_CHARS = 2000


POSTS = 3


# Undo the substitutions the dataset's README documents (see the module docstring).
_RESTORE = (
    (re.compile(r"\bHyperactive behavior\b"), "like"),
    (re.compile(r"(?<=[a-z,] )Tired\b"), "very"),
    (re.compile(r"(?<=[a-z,] )Pain\b"), "hurt"),
    (re.compile(r"(?<=[a-z,] )Asthenia\b"), "week"),
)


@dataclass(frozen=True)
class Item:
    id: str
    split: str
    label: str  # one of CLASSES
    posts: tuple[str, ...]


def restore(text: str) -> str:
    for pattern, word in _RESTORE:
        text = pattern.sub(word, text)
    return text


def load(path: Path = DATA, *, raw: bool = False) -> list[Item]:
    if not path.exists():
        raise SystemExit(f"bench.crisis: dataset not found at {path}")
    items = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            posts = tuple(str(p) for p in json.loads(row["posts"]))
            if not raw:
                posts = tuple(restore(p) for p in posts)
            items.append(Item(row["id"], row["split"], row["level"], posts))
    return items


def excerpt(item: Item) -> str:
    """The standard item: first 3 posts joined by a blank line, capped at 2,000 characters."""
    return "\n\n".join(item.posts[:POSTS])[:MAX_CHARS]


@dataclass(frozen=True)
class Scores:
    n: int
    urgent_recall: float
    urgent_precision: float
    macro_f1: float
    per_class_f1: dict[str, float]
    confusion: list[list[int]]  # rows: true class, columns: predicted class (CLASSES order)

    def as_dict(self) -> dict[str, object]:
        return {
            "n": self.n,
            "urgent_recall": round(self.urgent_recall, 4),
            "urgent_precision": round(self.urgent_precision, 4),
            "macro_f1": round(self.macro_f1, 4),
            "per_class_f1": {k: round(v, 4) for k, v in self.per_class_f1.items()},
            "confusion": self.confusion,
        }


def score(truth: Sequence[str], predicted: Sequence[str]) -> Scores:
    index = {c: n for n, c in enumerate(CLASSES)}
    confusion = [[0] * len(CLASSES) for _ in CLASSES]
    for t, p in zip(truth, predicted, strict=True):
        confusion[index[t]][index[p]] += 1
    tp = sum(1 for t, p in zip(truth, predicted, strict=True) if t in URGENT and p in URGENT)
    true_urgent = sum(1 for t in truth if t in URGENT)
    predicted_urgent = sum(1 for p in predicted if p in URGENT)
    f1s = {}
    for c in CLASSES:
        k = index[c]
        hit = confusion[k][k]
        col = sum(confusion[r][k] for r in range(len(CLASSES)))
        row = sum(confusion[k])
        prec = hit / col if col else 0.0
        rec = hit / row if row else 0.0
        f1s[c] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return Scores(
        n=len(truth),
        urgent_recall=tp / true_urgent if true_urgent else 0.0,
        urgent_precision=tp / predicted_urgent if predicted_urgent else 0.0,
        macro_f1=sum(f1s.values()) / len(f1s),
        per_class_f1=f1s,
        confusion=confusion,
    )


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
