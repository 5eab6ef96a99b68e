"""The deployed bundle is only `functions/` (after firebase.json's predeploy): prove it is enough."""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIREBASE_JSON = json.loads((ROOT / "firebase.json").read_text())
FUNCTIONS_CONFIG = FIREBASE_JSON["functions"][0]
RUNTIME_PYTHON = ROOT / "functions" / "venv" / "bin" / "python"
EXPECTED_ENTRY_POINTS = {
    "sessions_api",
    "users_api",
    "admin_api",
    "meta_api",
    "safety_api",
    "flushSessionStats",
    "safety_assess",
    "session_memory",
}

DISCOVER = """
import json, sys
sys.path.insert(0, ".")
from firebase_functions.private.serving import get_functions
functions = get_functions()
import shared, backend
print(json.dumps({"functions": sorted(functions), "shared": shared.__file__, "backend": backend.__file__}))
"""


def _ignored(relative: Path, patterns: list[str]) -> bool:
    text = relative.as_posix()
    return any(
        fnmatch.fnmatch(text, pattern) or any(fnmatch.fnmatch(part, pattern) for part in relative.parts)
        for pattern in patterns
    )


def _run_predeploy() -> None:
    source_dir = ROOT / FUNCTIONS_CONFIG["source"]
    for command in FUNCTIONS_CONFIG["predeploy"]:
        env = {**os.environ, "RESOURCE_DIR": str(source_dir), "PROJECT_DIR": str(ROOT)}
        subprocess.run(command, shell=True, check=True, cwd=ROOT, env=env)  # noqa: S602 - firebase runs it the same way


def _pack(target: Path) -> list[Path]:
    """Copy what `firebase deploy` would upload: the functions source minus the ignore list."""
    source_dir = ROOT / FUNCTIONS_CONFIG["source"]
    packed = []
    for path in sorted(source_dir.rglob("*")):
        relative = path.relative_to(source_dir)
        if path.is_dir() or _ignored(relative, FUNCTIONS_CONFIG["ignore"]):
            continue
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target / relative)
        packed.append(relative)
    return packed


def test_predeploy_bundle_imports_in_a_clean_interpreter_and_exports_every_entry_point(
    tmp_path: Path,
) -> None:
    _run_predeploy()
    bundle = tmp_path / "bundle"
    packed = _pack(bundle)

    assert not any(p.parts[0] == "venv" for p in packed), "the venv must not be uploaded"
    assert (bundle / "shared" / "sessions" / "lifecycle.py").exists(), (
        "predeploy must put shared/ into the bundle"
    )

    # -I: no PYTHONPATH, no user site, no script dir; the runtime venv has only requirements.txt.
    result = subprocess.run(
        [str(RUNTIME_PYTHON), "-I", "-c", DISCOVER],
        cwd=bundle,
        capture_output=True,
        text=True,
        env={"PATH": os.environ.get("PATH", ""), "GCLOUD_PROJECT": "demo-sessions"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])

    assert Path(found["shared"]).is_relative_to(bundle), "shared must come from the bundle, not the repo"
    assert Path(found["backend"]).is_relative_to(bundle)
    rewrites = {r["function"]["functionId"] for r in FIREBASE_JSON["hosting"]["rewrites"]}
    assert rewrites <= set(found["functions"]), "every Hosting rewrite must reach an exported function"
    assert set(found["functions"]) >= EXPECTED_ENTRY_POINTS


def test_bundled_shared_is_identical_to_the_source() -> None:
    _run_predeploy()
    bundled = ROOT / "functions" / "shared"
    for source in (ROOT / "shared").rglob("*.py"):
        copy = bundled / source.relative_to(ROOT / "shared")
        assert copy.read_bytes() == source.read_bytes(), f"{copy} differs from {source}"


def test_main_creates_no_clients_at_import() -> None:
    """Cold start: importing main must not import the Firestore, Pub/Sub or OpenAI clients."""
    probe = (
        "import sys; sys.path.insert(0, '.'); import main; "
        "heavy = [m for m in ('google.cloud.firestore', 'google.cloud.pubsub_v1', 'openai') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    _run_predeploy()
    result = subprocess.run(
        [str(RUNTIME_PYTHON), "-I", "-c", probe],
        cwd=ROOT / "functions",
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": os.environ.get("PATH", "")},
    )
    assert result.stdout.strip() == "", f"imported at module load: {result.stdout.strip()}"
