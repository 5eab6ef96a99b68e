"""Copy the web client's browser libraries from node_modules into public/vendor/.

The Firebase JS SDK's `firebase-*.js` files import each other by their gstatic CDN URLs; the web
client's import map (public/index.html) points those URLs at the copies here, so the client works
offline against the emulators and from Hosting without a CDN. The typed API client's runtime
(openapi-fetch, an ES module mapped as `openapi-fetch`) and Chart.js (a UMD build the admin and history
pages load on first use) are copied the same way. `make dev`, `make test` and the hosting predeploy run
this; every version is pinned in package.json.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "node_modules"
SOURCE = NODE_MODULES / "firebase"
TARGET = ROOT / "public" / "vendor"
MODULES = ("firebase-app.js", "firebase-auth.js", "firebase-firestore.js")
# Served name -> file inside node_modules.
LIBRARIES = {
    "openapi-fetch.js": "openapi-fetch/dist/index.mjs",
    "chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
}


def sources() -> dict[str, Path]:
    found = {name: SOURCE / name for name in MODULES}
    found.update({name: NODE_MODULES / path for name, path in LIBRARIES.items()})
    return found


def vendor() -> list[Path]:
    files = sources()
    missing = [str(path.relative_to(ROOT)) for path in files.values() if not path.is_file()]
    if missing:
        raise SystemExit(f"vendor_web_sdk: {', '.join(missing)} missing; run `npm ci` first")
    TARGET.mkdir(parents=True, exist_ok=True)
    copied = []
    for name, path in files.items():
        shutil.copyfile(path, TARGET / name)
        copied.append(TARGET / name)
    return copied


if __name__ == "__main__":
    vendor()
    sys.exit(0)
