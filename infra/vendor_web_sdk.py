"""Copy the Firebase JS SDK's browser builds from node_modules into public/vendor/ for the web client.

The npm package's `firebase-*.js` files import each other by their gstatic CDN URLs; the web client's
import map (public/index.html) points those URLs at the copies here, so the client works offline
against the emulators and from Hosting without a CDN. `make dev`, `make test` and the hosting predeploy
run this.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "node_modules" / "firebase"
TARGET = ROOT / "public" / "vendor"
MODULES = ("firebase-app.js", "firebase-auth.js", "firebase-firestore.js")


def vendor() -> list[Path]:
    missing = [name for name in MODULES if not (SOURCE / name).is_file()]
    if missing:
        raise SystemExit(f"vendor_web_sdk: {', '.join(missing)} not in {SOURCE}; run `npm ci` first")
    TARGET.mkdir(parents=True, exist_ok=True)
    copied = []
    for name in MODULES:
        shutil.copyfile(SOURCE / name, TARGET / name)
        copied.append(TARGET / name)
    return copied


if __name__ == "__main__":
    vendor()
    sys.exit(0)
