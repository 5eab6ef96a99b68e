"""Benchmarks against the running Firebase Emulator Suite: `python -m bench <name>|all`.

Each benchmark prints ratios against a baseline measured in the same run (never pass/fail timings)
and writes its figures as JSON to `.local/bench/<name>.json`. See docs/performance.md.
"""
