"""`make deploy-check`: what the emulators cannot see, checked offline before every deploy.

Exit status 1 with one paragraph per problem (what is wrong, where, and the fix). Checks: every
recorded Firestore query has an index (infra/queries.recorded.jsonl, from the integration run), every
function that can reach OpenAI declares the secret, the rules compile, the bundle imports and renders
the manifest firebase-tools reads, infra enables every API and grants exactly the known roles each
function needs, hosting rewrites match the exported functions and their region, TTLs and schedules
match infra.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from infra.deploy import checks  # noqa: E402
from infra.deploy.checks import Problem  # noqa: E402

QUERIES = ROOT / "infra" / "queries.recorded.jsonl"


def run(
    *,
    root: Path = ROOT,
    queries: Path = QUERIES,
    functions_dir: Path | None = None,
    rules: bool = True,
) -> list[Problem]:
    from infra.deploy import manifest as manifest_module

    functions_dir = functions_dir or root / "functions"
    config = json.loads((root / "firestore.indexes.json").read_text())
    firebase = json.loads((root / "firebase.json").read_text())
    problems: list[Problem] = []
    if not queries.exists():
        problems.append(
            Problem(
                "indexes",
                f"{queries} is missing",
                "run `make integration` (it records the queries and folds them into this file)",
            )
        )
    else:
        problems += checks.check_indexes(config, checks.load_queries(queries))
    problems += checks.check_ttl(config)
    try:
        manifest, groups = manifest_module.render(functions_dir)
    except manifest_module.ManifestError as exc:
        return [
            *problems,
            Problem(
                "bundle",
                f"functions/main.py does not import in the functions' venv (what deploys): {exc}",
                "run `make bundle`, then fix the import error above (functions/venv has only "
                "functions/requirements.txt)",
            ),
        ]
    starts = manifest_module.entry_point_modules(functions_dir / "main.py", groups)
    roots = [functions_dir, root]
    reach = {name: manifest_module.reach(start, roots) for name, start in starts.items()}
    problems += checks.check_secrets(manifest, reach)
    problems += checks.check_iam(manifest, reach)
    problems += checks.check_apis(manifest, reach)
    problems += checks.check_hosting(firebase, manifest, functions_dir)
    problems += checks.check_env_files(functions_dir)
    problems += checks.check_schedules(manifest)
    if rules:
        problems += _rules(root / firebase["firestore"]["rules"])
    return problems


def _rules(path: Path) -> list[Problem]:
    from infra.deploy.rules import CompilerUnavailable, compile_issues

    try:
        issues = compile_issues(path.read_text())
    except CompilerUnavailable as exc:
        return [Problem("rules", f"could not compile {path.name}: {exc}", "run `make install`")]
    return [
        Problem(
            "rules",
            f"{path.name}:{issue.get('sourcePosition', {}).get('line', '?')}:"
            f"{issue.get('sourcePosition', {}).get('column', '?')} {issue.get('severity')}: "
            f"{issue.get('description')}",
            "correct the rule (the Firestore rules compiler rejects or ignores it)",
        )
        for issue in issues
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-rules", action="store_true", help="skip the rules compile (needs Java)")
    args = parser.parse_args()
    subprocess.run(
        [sys.executable, str(ROOT / "infra" / "bundle_shared.py")], check=True, stdout=subprocess.DEVNULL
    )
    problems = run(rules=not args.no_rules)
    if problems:
        print(f"deploy-check: {len(problems)} problem(s)\n", file=sys.stderr)
        for problem in problems:
            print(f"{problem}\n", file=sys.stderr)
        raise SystemExit(1)
    skipped = " (rules compile skipped)" if args.no_rules else ", rules"
    print(f"deploy-check: ok (indexes, secrets, bundle, IAM, APIs, hosting, TTLs, schedules{skipped})")


if __name__ == "__main__":
    main()
