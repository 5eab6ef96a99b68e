"""Crisis-screen benchmark: `python -m bench.crisis [--split dev|test|both] [--context] [--raw]`.

Measures `shared.safety.screen.screen_message` on the Reddit C-SSRS set (500 users, clinician labels;
../shared/benchmarks/crisis/README.md) against a naive keyword screen run in the same pass, and the
false-alarm rate on our own hard negatives (tests/data/hard_negatives.txt).

Standard item (README): a user's first 3 posts joined by a blank line, capped at 2,000 characters, screened
as ONE excerpt: `screen_message(excerpt)` with no context. `--context` instead screens the third post
with the first two as `recent_user_messages` (each post capped so the three fit in 2,000 characters);
it is reported separately, never mixed with the standard figures.

By default the released text gets the four word substitutions the README documents undone
("Hyperactive behavior" -> like, "Tired" -> very, "Pain" -> hurt, "Asthenia" -> week, the last three only
mid-sentence); `--raw` screens the text exactly as released.

"ours" is the shipped screen (rules + the learned model over MiniLM embeddings, `learned_risk` /
`learned_concern`); the rules alone are printed next to it. The learned model was trained on `dev`
(infra/train_crisis_screen.py), so its dev figures are in-sample: the cross-validated dev figures are in
shared/safety/learned_risk.json ("training"). For each split a precision/recall curve of the urgent head's
threshold is printed (the rules' level, raised to ELEVATED_CONCERN where the model may speak and its
probability reaches the threshold), with the dev-chosen threshold marked. Hard negatives are reported for
the half the model was trained on and the half it was not (split by CRC-32, as the training script does),
and for everyday low-mood chat long enough for the model to read (`everyday_chat`, never trained on).

Tune on `dev` only; `test` is for reporting. The data is read at run time and never copied anywhere.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.crisis_data import (
    CLASSES,
    MAX_CHARS,
    POSTS,
    REPO,
    URGENT,
    Item,
    Scores,
    excerpt,
    load,
    percentile,
    score,
)
from shared.safety import learned
from shared.safety.embedding import embed_message
from shared.safety.levels import SafetyLevel
from shared.safety.screen import _screen, screen_message

HARD_NEGATIVES = REPO / "tests" / "data" / "hard_negatives.txt"
HARD_NEGATIVE_POSTS = REPO / "tests" / "data" / "hard_negative_posts.txt"
CURVE = [round(0.30 + 0.05 * k, 2) for k in range(14)]
OUT = REPO / ".local" / "bench" / "crisis.json"

SHORT = {"NORMAL": "NORM", "WATCH": "WATCH", "ELEVATED_CONCERN": "ELEV", "HIGH_RISK": "HIGH"}
TARGETS = {"urgent_recall": 0.55, "urgent_precision": 0.78, "macro_f1": 0.40}  # issue 10
README_KEYWORD_REFERENCE = {"urgent_recall": 0.33, "urgent_precision": 0.66, "macro_f1": 0.24}

# The baseline: a short list of suicide keywords -> HIGH_RISK, else NORMAL (the "keyword screen" of the
# original design document that the README quotes).
KEYWORDS = (
    "suicide",
    "suicidal",
    "kill myself",
    "end my life",
    "want to die",
    "overdose",
    "self harm",
    "self-harm",
)
_KEYWORD_RE = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in KEYWORDS) + r")\b", re.IGNORECASE)


def to_class(level: SafetyLevel | str) -> str:
    value = level.value if isinstance(level, SafetyLevel) else level
    return "HIGH_RISK" if value == "SAFETY_MODE" else value


def ours(item: Item) -> str:
    return to_class(screen_message(excerpt(item)).level)


def rules_only(item: Item) -> str:
    """The rules alone, without the learned model (`learned_risk`), for comparison."""
    return to_class(_screen(excerpt(item), (), learned=False).level)


def ours_with_context(item: Item) -> str:
    posts = list(item.posts[:POSTS])
    share = MAX_CHARS // max(1, len(posts))
    posts = [p[:share] for p in posts]
    return to_class(screen_message(posts[-1], recent_user_messages=posts[:-1]).level)


def keyword_screen(text: str) -> str:
    return "HIGH_RISK" if _KEYWORD_RE.search(text) else "NORMAL"


def keywords(item: Item) -> str:
    return keyword_screen(excerpt(item))


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def print_split(
    name: str,
    ours_scores: Scores,
    base: Scores,
    timings: Sequence[float],
    *,
    rules: Scores | None = None,
    context: bool = False,
) -> None:
    item = (
        f"post {POSTS} with posts 1-{POSTS - 1} as context"
        if context
        else f"first {POSTS} posts, <= {MAX_CHARS} chars"
    )
    print(f"--- split: {name} ({ours_scores.n} users; item: {item}; keyword screen on the standard excerpt)")
    print(f"{'metric':22} {'ours':>8} {'keyword':>8} {'ours/kw':>8} {'rules':>8} {'target':>8}")
    for key, label in (
        ("urgent_recall", "urgent recall"),
        ("urgent_precision", "urgent precision"),
        ("macro_f1", "4-level macro-F1"),
    ):
        a = float(getattr(ours_scores, key))
        b = float(getattr(base, key))
        r = f"{float(getattr(rules, key)):8.3f}" if rules is not None else f"{'-':>8}"
        mark = "ok" if a >= TARGETS[key] else "MISS"
        print(f"{label:22} {a:8.3f} {b:8.3f} {_ratio(a, b):>8} {r} {TARGETS[key]:>6.2f} {mark}")
    print("(ours = rules + learned model, the shipped screen; rules = the rules alone, learned_risk off)")
    print(
        "per-class F1 (ours):   "
        + "  ".join(f"{SHORT[c]} {ours_scores.per_class_f1[c]:.2f}" for c in CLASSES)
    )
    print("confusion (ours; rows = true level, columns = screened level, SAFETY_MODE counted as HIGH):")
    print(f"{'':8}" + "".join(f"{SHORT[c]:>7}" for c in CLASSES))
    for c, row in zip(CLASSES, ours_scores.confusion, strict=True):
        print(f"{SHORT[c]:8}" + "".join(f"{v:7d}" for v in row))
    ms = [t * 1000 for t in timings]
    print(
        f"(ours, ms per excerpt: mean {sum(ms) / max(1, len(ms)):.2f}, p50 {percentile(ms, 0.5):.2f}, "
        f"p99 {percentile(ms, 0.99):.2f}, max {max(ms, default=0.0):.2f}; budget p50 <= 15 ms, p99 <= 50 ms)"
    )


def hard_negative_lines(*paths: Path) -> list[str]:
    return [
        line.strip()
        for path in paths
        if path.exists()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def everyday_chat(n: int = 300, seed: int = 11) -> list[str]:
    """Everyday low-mood chat that the learned model reads (never trained on): 2-6 of bench.screen_speed's
    EVERYDAY lines (sleep, work, exams, loneliness, family worries; no risk words) joined as one message."""
    from bench.screen_speed import EVERYDAY

    rng = random.Random(seed)
    return [" ".join(rng.sample(EVERYDAY, rng.randint(2, 6))) for _ in range(n)]


def hard_negative_rates(lines: Sequence[str]) -> dict[str, float | int]:
    if not lines:
        return {"n": 0}
    levels = [screen_message(line).level for line in lines]
    rules = [_screen(line, (), learned=False).level for line in lines]
    urgent = sum(1 for lvl in levels if lvl.at_least(SafetyLevel.ELEVATED_CONCERN))
    watch = sum(1 for lvl in levels if lvl.at_least(SafetyLevel.WATCH))
    kw = sum(1 for line in lines if keyword_screen(line) != "NORMAL")
    return {
        "n": len(lines),
        "urgent_false_alarm_rate": urgent / len(lines),
        "watch_or_above_rate": watch / len(lines),
        "rules_urgent_rate": sum(1 for lvl in rules if lvl.at_least(SafetyLevel.ELEVATED_CONCERN))
        / len(lines),
        "rules_watch_or_above_rate": sum(1 for lvl in rules if lvl.at_least(SafetyLevel.WATCH)) / len(lines),
        "keyword_false_alarm_rate": kw / len(lines),
        "urgent": urgent,
        "watch_or_above": watch,
    }


def print_hard_negatives(name: str, hn: dict[str, float | int]) -> None:
    if not hn.get("n"):
        return
    print(
        f"{name:34} {hn['n']:4d} {hn['urgent_false_alarm_rate']:9.1%} {hn['watch_or_above_rate']:9.1%} "
        f"{hn['rules_urgent_rate']:9.1%} {hn['rules_watch_or_above_rate']:9.1%} {hn['keyword_false_alarm_rate']:9.1%}"
    )


def urgent_curve(chosen: Sequence[Item], dev_threshold: float) -> list[dict[str, float]]:
    """Urgent recall/precision of rules + the urgent head as its threshold moves (the concern head off)."""
    truth = [i.label for i in chosen]
    rules = [rules_only(i) for i in chosen]
    scores = []
    for item in chosen:
        details = screen_message(excerpt(item)).details
        scores.append(float(details["learned_score"]) if "learned_score" in details else -1.0)
    curve = []
    for t in sorted({*CURVE, dev_threshold}):
        predicted = [
            "ELEVATED_CONCERN" if p >= t and r not in URGENT else r
            for r, p in zip(rules, scores, strict=True)
        ]
        s = score(truth, predicted)
        curve.append(
            {"threshold": t, "urgent_recall": s.urgent_recall, "urgent_precision": s.urgent_precision}
        )
    return curve


def print_curve(name: str, curve: Sequence[dict[str, float]], chosen: float) -> None:
    print(f"precision/recall of the urgent head on {name} (threshold: recall / precision; * = dev-chosen):")
    cells = []
    for point in curve:
        mark = "*" if point["threshold"] == chosen else " "
        cells.append(
            f"{point['threshold']:.2f}{mark} {point['urgent_recall']:.3f}/{point['urgent_precision']:.3f}"
        )
    for n in range(0, len(cells), 5):
        print("  " + "   ".join(cells[n : n + 5]))


def run(
    splits: Sequence[str] = ("dev", "test"), *, context: bool = False, raw: bool = False
) -> dict[str, object]:
    items = load(raw=raw)
    screen: Callable[[Item], str] = ours_with_context if context else ours
    report: dict[str, object] = {
        "mode": "context (post 3 with posts 1-2 as recent_user_messages)" if context else "standard excerpt",
        "text": "raw" if raw else "README substitutions undone",
        "keywords": list(KEYWORDS),
    }
    for n, split in enumerate(splits):
        chosen = [i for i in items if i.split == split]
        truth = [i.label for i in chosen]
        model = learned.load_model()  # loaded once per process; not part of the per-message time
        embed_message("load the embedding model")  # likewise
        predicted, timings = [], []
        for i in chosen:
            started = time.perf_counter()
            predicted.append(screen(i))
            timings.append(time.perf_counter() - started)
        base = [keywords(i) for i in chosen]
        ours_scores, base_scores = score(truth, predicted), score(truth, base)
        rules_scores = None if context else score(truth, [rules_only(i) for i in chosen])
        if n:
            print()
        print_split(split, ours_scores, base_scores, timings, rules=rules_scores, context=context)
        report[split] = {
            "ours": ours_scores.as_dict(),
            "keyword": base_scores.as_dict(),
            "rules_only": rules_scores.as_dict() if rules_scores else None,
            "ms_p50": round(percentile(timings, 0.5) * 1000, 3),
            "ms_p99": round(percentile(timings, 0.99) * 1000, 3),
        }
        if not context:
            curve = urgent_curve(chosen, model.urgent.threshold)
            print_curve(split, curve, model.urgent.threshold)
            report[split]["urgent_curve"] = curve  # type: ignore[index]
    all_truth = [i.label for i in items]
    all_kw = score(all_truth, [keywords(i) for i in items])
    print(
        f"\nkeyword screen on all {len(items)} users: urgent recall {all_kw.urgent_recall:.2f}, precision "
        f"{all_kw.urgent_precision:.2f}, macro-F1 {all_kw.macro_f1:.2f} (README reference: "
        f"{README_KEYWORD_REFERENCE['urgent_recall']:.2f} / {README_KEYWORD_REFERENCE['urgent_precision']:.2f} / "
        f"{README_KEYWORD_REFERENCE['macro_f1']:.2f})"
    )
    report["keyword_all_users"] = all_kw.as_dict()
    trained = hard_negative_lines(HARD_NEGATIVES, HARD_NEGATIVE_POSTS)
    held = [line for line in trained if zlib.crc32(line.encode("utf-8")) % 2 == 1]
    seen = [line for line in trained if zlib.crc32(line.encode("utf-8")) % 2 == 0]
    posts = hard_negative_lines(HARD_NEGATIVE_POSTS)
    print(
        f"\nhard negatives (our own everyday lines and posts; target: <= 3% urgent, <= 10% any level, on the "
        f"half not trained on)\n{'set':34} {'n':>4} {'ours E+':>9} {'ours W+':>9} {'rules E+':>9} {'rules W+':>9} "
        f"{'keyword':>9}"
    )
    hn = {
        "not_trained_on": hard_negative_rates(held),
        "trained_on": hard_negative_rates(seen),
        "posts_all": hard_negative_rates(posts),
        "everyday_chat": hard_negative_rates(everyday_chat()),
    }
    print_hard_negatives("not trained on (odd CRC-32 half)", hn["not_trained_on"])
    print_hard_negatives("trained on as negatives (even half)", hn["trained_on"])
    print_hard_negatives("of which long posts (both halves)", hn["posts_all"])
    print_hard_negatives("low-mood everyday chat, 20+ words", hn["everyday_chat"])
    report["hard_negatives"] = hn
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"(figures in {OUT.relative_to(REPO)})")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.crisis", description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=["dev", "test", "both"], default="both")
    parser.add_argument("--context", action="store_true", help="screen post 3 with posts 1-2 as context")
    parser.add_argument("--raw", action="store_true", help="do not undo the README's word substitutions")
    args = parser.parse_args(argv)
    splits = ("dev", "test") if args.split == "both" else (args.split,)
    print(f"=== crisis screen vs keyword screen ({'context mode' if args.context else 'standard excerpt'})")
    run(splits, context=args.context, raw=args.raw)
    return 0


if __name__ == "__main__":
    sys.exit(main())
