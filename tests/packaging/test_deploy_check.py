"""`make deploy-check` passes on this tree and fails, with the fix in its message, on each breakage.

The manifest is rendered in functions/venv exactly as firebase-tools would (seconds), so the tests
share renders where they can; the rules compile starts a private Firestore emulator once.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from infra import deploy_check
from infra.deploy import checks, manifest
from infra.deploy.checks import Problem
from infra.iac import resources

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = ROOT / "functions"

pytestmark = pytest.mark.skipif(
    not (FUNCTIONS / "venv" / "bin" / "python").exists() or not (FUNCTIONS / "shared").exists(),
    reason="needs `make install` (functions/venv and the bundle)",
)


@pytest.fixture(scope="module", autouse=True)
def bundled() -> None:
    """functions/shared is a copy of shared/ (the predeploy step): refresh it, as deploy-check does."""
    import subprocess
    import sys

    subprocess.run(
        [sys.executable, str(ROOT / "infra" / "bundle_shared.py")], check=True, capture_output=True
    )


def _copy_tree(target: Path) -> Path:
    for name in ("firebase.json", "firestore.indexes.json", "firestore.rules"):
        shutil.copy(ROOT / name, target / name)
    functions = target / "functions"
    functions.mkdir()
    for entry in FUNCTIONS.iterdir():
        if entry.name not in ("main.py", "venv", "__pycache__"):
            (functions / entry.name).symlink_to(entry)
    shutil.copy(FUNCTIONS / "main.py", functions / "main.py")
    return target


def _fixes(problems: list[Problem], check: str) -> list[str]:
    return [str(p) for p in problems if p.check == check]


@pytest.fixture(scope="module")
def rendered() -> tuple[dict[str, Any], dict[str, manifest.Reach]]:
    found, groups = manifest.render(FUNCTIONS)
    starts = manifest.entry_point_modules(FUNCTIONS / "main.py", groups)
    return found, {n: manifest.reach(s, [FUNCTIONS, ROOT]) for n, s in starts.items()}


def test_deploy_check_passes_on_this_tree_rules_included() -> None:
    problems = deploy_check.run()
    assert problems == [], "\n".join(map(str, problems))


def test_a_query_whose_index_is_removed_fails_with_the_index_to_add(tmp_path: Path) -> None:
    root = _copy_tree(tmp_path)
    config = json.loads((root / "firestore.indexes.json").read_text())
    admin_list = [("status", "ASCENDING"), ("createdAt", "DESCENDING")]
    config["indexes"] = [
        i
        for i in config["indexes"]
        if not (
            i["collectionGroup"] == "crisisAlerts"
            and [(f["fieldPath"], f.get("order")) for f in i["fields"]] == admin_list
        )
    ]
    assert (
        len(config["indexes"])
        == len(json.loads((ROOT / "firestore.indexes.json").read_text())["indexes"]) - 1
    )
    records = checks.load_queries(deploy_check.QUERIES)
    assert checks.check_indexes(json.loads((ROOT / "firestore.indexes.json").read_text()), records) == []
    messages = _fixes(checks.check_indexes(config, records), "indexes")
    assert len(messages) == 1, messages
    (message,) = messages
    assert "collection 'crisisAlerts' where status == order by createdAt descending" in message
    assert "backend/store/alerts.py" in message
    fix = json.loads(message.split('add to firestore.indexes.json "indexes": ', 1)[1])
    assert fix["fields"] == [
        {"fieldPath": "status", "order": "ASCENDING"},
        {"fieldPath": "createdAt", "order": "DESCENDING"},
    ]


def test_a_removed_secret_declaration_fails_naming_the_function_and_the_fix(tmp_path: Path) -> None:
    root = _copy_tree(tmp_path)
    main = root / "functions" / "main.py"
    text = main.read_text()
    declaration = "topic=SAFETY_ASSESSMENTS_TOPIC, secrets=OPENAI,"
    assert declaration in text
    main.write_text(text.replace(declaration, "topic=SAFETY_ASSESSMENTS_TOPIC,"))
    problems = deploy_check.run(root=root, rules=False)
    messages = _fixes(problems, "secrets")
    assert len(messages) == 1, problems
    assert (
        "function safety_assess can reach OpenAI (backend.triggers.safety -> backend.ai.assessment -> openai)"
        in messages[0]
    )
    assert 'add secrets=["OPENAI_API_KEY"] (OPENAI) to the decorator of safety_assess' in messages[0]


def test_an_unknown_role_in_infra_fails_listing_the_known_ones(
    rendered: tuple[dict[str, Any], dict[str, manifest.Reach]], monkeypatch: pytest.MonkeyPatch
) -> None:
    found, reach = rendered
    assert checks.check_iam(found, reach) == []
    typo = "roles/cloudtasks.enqueur"
    changed = tuple(
        resources.Function(f.name, f.account, (*f.roles, typo), f.trigger) if f.name == "sessionTimer" else f
        for f in resources.FUNCTIONS
    )
    monkeypatch.setattr(resources, "FUNCTIONS", changed)
    messages = _fixes(checks.check_iam(found, reach), "iam")
    unknown = [m for m in messages if "unknown role" in m]
    assert len(unknown) == 1, messages
    assert f"infra grants sessionTimer the unknown role '{typo}'" in unknown[0]
    assert "roles/cloudtasks.enqueuer" in unknown[0].split("fix:", 1)[1]


def test_a_missing_role_api_or_account_fails(
    rendered: tuple[dict[str, Any], dict[str, manifest.Reach]], monkeypatch: pytest.MonkeyPatch
) -> None:
    found, reach = rendered
    without_publisher = tuple(
        resources.Function(
            f.name, f.account, tuple(r for r in f.roles if r != resources.PUBLISHER), f.trigger
        )
        if f.name == "session_memory"
        else f
        for f in resources.FUNCTIONS
    )
    monkeypatch.setattr(resources, "FUNCTIONS", without_publisher)
    assert any(
        "session_memory needs roles/pubsub.publisher" in m
        for m in _fixes(checks.check_iam(found, reach), "iam")
    )
    monkeypatch.setattr(resources, "APIS", tuple(a for a in resources.APIS if a != "fcm.googleapis.com"))
    assert any("fcm.googleapis.com" in m for m in _fixes(checks.check_apis(found, reach), "apis"))


def test_hosting_rewrites_must_match_the_region_and_exported_functions(
    rendered: tuple[dict[str, Any], dict[str, manifest.Reach]], tmp_path: Path
) -> None:
    found, _ = rendered
    firebase = json.loads((ROOT / "firebase.json").read_text())
    assert checks.check_hosting(firebase, found, tmp_path) == []
    (tmp_path / ".env.acme").write_text("SESSIONS_REGION=europe-west1\n")
    messages = _fixes(checks.check_hosting(firebase, found, tmp_path), "hosting")
    assert messages and "but .env.acme deploys the functions to europe-west1" in messages[0]
    firebase["hosting"]["rewrites"][0]["function"]["functionId"] = "session_api"
    messages = _fixes(checks.check_hosting(firebase, found, FUNCTIONS), "hosting")
    assert any("points to session_api, which main.py does not export" in m for m in messages)


def test_rules_that_do_not_compile_fail_with_their_position() -> None:
    from infra.deploy.rules import compile_many

    good = (ROOT / "firestore.rules").read_text()
    broken = good.replace("allow read", "allow reed", 1)
    unbalanced = good.rstrip().removesuffix("}")
    ok, typo, syntax = compile_many([good, broken, unbalanced])
    assert ok == []
    assert any("reed" in issue["description"] for issue in typo)
    assert syntax and syntax[0]["severity"] == "ERROR"


def test_a_bundle_that_does_not_import_fails(tmp_path: Path) -> None:
    root = _copy_tree(tmp_path)
    main = root / "functions" / "main.py"
    main.write_text(
        main.read_text().replace("from backend.api import GroupRoutes", "from backend.api import GroupRoute")
    )
    problems = deploy_check.run(root=root, rules=False)
    assert [p.check for p in problems] == ["bundle"]
    assert "ImportError" in problems[0].message


def test_env_files_with_a_typo_or_a_secret_fail(tmp_path: Path) -> None:
    assert checks.check_env_files(FUNCTIONS) == []
    (tmp_path / ".env.acme").write_text(
        "SESSIONS_REGION=europe-west1\nSESSIONS_STARTING_CREDIT=5\nOPENAI_API_KEY=sk-x\n"
    )
    messages = _fixes(checks.check_env_files(tmp_path), "env")
    assert len(messages) == 2, messages
    assert ".env.acme:2 sets SESSIONS_STARTING_CREDIT, which no setting reads" in messages[0]
    assert ".env.acme:3 sets OPENAI_API_KEY, which is a secret" in messages[1]
    assert "functions:secrets:set OPENAI_API_KEY" in messages[1]
