"""The offline toolchain refuses loudly when the Cloud SDK emulator jars are missing."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLCHAIN = ROOT / "infra" / "local" / "toolchain.py"


def run_toolchain(platform: Path, out: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLOUD_SDK_PLATFORM": str(platform)}
    return subprocess.run(
        [sys.executable, str(TOOLCHAIN), "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_missing_sdk_jars_stop_with_a_message_naming_them(tmp_path: Path) -> None:
    result = run_toolchain(tmp_path / "no-sdk", tmp_path / "out")
    assert result.returncode == 1
    assert "cloud-firestore-emulator.jar" in result.stderr
    assert "cloud-pubsub-emulator" in result.stderr
    assert not (tmp_path / "out").exists(), "nothing is built when the SDK is missing"


def test_launcher_jar_points_at_the_sdk_jar_and_java_is_21_plus(tmp_path: Path) -> None:
    platform = tmp_path / "platform"
    (platform / "cloud-firestore-emulator").mkdir(parents=True)
    (platform / "cloud-firestore-emulator" / "cloud-firestore-emulator.jar").write_bytes(b"jar")
    (platform / "pubsub-emulator" / "bin").mkdir(parents=True)
    (platform / "pubsub-emulator" / "bin" / "cloud-pubsub-emulator").write_text("#!/bin/sh\n")
    result = run_toolchain(platform, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    exports = dict(line.removeprefix("export ").split("=", 1) for line in result.stdout.splitlines())
    launcher = Path(exports["FIRESTORE_EMULATOR_BINARY_PATH"].strip("'"))
    with zipfile.ZipFile(launcher) as jar:
        manifest = jar.read("META-INF/MANIFEST.MF").decode()
    assert "Main-Class: com.google.cloud.datastore.emulator.firestore.CloudFirestore" in manifest
    assert (platform / "cloud-firestore-emulator" / "cloud-firestore-emulator.jar").as_uri() in manifest
    java = Path(exports["JAVA_HOME"].strip("'")) / "bin" / "java"
    version = subprocess.run([str(java), "-version"], capture_output=True, text=True, check=True).stderr
    major = int(version.split('"')[1].split(".")[0])
    assert major >= 21
