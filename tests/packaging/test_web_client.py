"""The local web client loads the Firebase JS SDK from Hosting, never from the CDN (the machine is offline).

The SDK's browser builds import each other by gstatic URL; public/index.html's import map must send every
such URL, and every URL the page imports itself, to a vendored copy that `make` put in public/vendor/.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from infra.vendor_web_sdk import MODULES, vendor

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "public" / "index.html"
CDN_IMPORT = re.compile(r"""from\s*["'](https://www\.gstatic\.com/firebasejs/[^"']+)["']""")


def import_map() -> dict[str, str]:
    page = PAGE.read_text(encoding="utf-8")
    block = re.search(r'<script type="importmap">(.*?)</script>', page, re.S)
    assert block, "public/index.html needs an import map"
    imports: dict[str, str] = json.loads(block.group(1))["imports"]
    return imports


def test_every_sdk_import_resolves_to_a_vendored_file() -> None:
    copied = vendor()
    mapping = import_map()
    page_imports = set(CDN_IMPORT.findall(PAGE.read_text(encoding="utf-8")))
    sdk_imports = {url for path in copied for url in CDN_IMPORT.findall(path.read_text(encoding="utf-8"))}
    assert page_imports, "the page imports the SDK"
    assert page_imports | sdk_imports <= set(mapping), (
        "an SDK URL without a local copy would need the network"
    )
    for url, local in mapping.items():
        assert local.startswith("/vendor/") and (ROOT / "public" / local.lstrip("/")).is_file(), url
        assert Path(local).name in MODULES


def test_the_mapped_version_is_the_installed_sdk() -> None:
    installed = json.loads((ROOT / "node_modules" / "firebase" / "package.json").read_text())["version"]
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]["firebase"]
    assert installed == pinned
    assert all(f"/firebasejs/{installed}/" in url for url in import_map()), (
        "import map and package.json agree"
    )
