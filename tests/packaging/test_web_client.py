"""The web app loads every library from Hosting, never from a CDN (the machine is offline), and its typed
API client matches the API.

The Firebase SDK's browser builds import each other by gstatic URL; public/index.html's import map must
send every such URL, and every URL or bare name the app imports, to a vendored copy that `make` put in
public/vendor/. The API types (public/app/api/schema.d.ts) are generated from the OpenAPI document by
openapi-typescript; regenerating them must give the checked-in file.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from infra import web_api_types
from infra.vendor_web_sdk import LIBRARIES, MODULES, vendor

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "public" / "index.html"
APP = ROOT / "public" / "app"
CDN_IMPORT = re.compile(r"""from\s*["'](https://www\.gstatic\.com/firebasejs/[^"']+)["']""")
ANY_IMPORT = re.compile(
    r"""(?:^|\s)(?:import|export)\s[^;]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)"""
)


def import_map() -> dict[str, str]:
    page = PAGE.read_text(encoding="utf-8")
    block = re.search(r'<script type="importmap">(.*?)</script>', page, re.S)
    assert block, "public/index.html needs an import map"
    imports: dict[str, str] = json.loads(block.group(1))["imports"]
    return imports


def app_imports() -> dict[Path, set[str]]:
    found: dict[Path, set[str]] = {}
    for path in APP.rglob("*.js"):
        text = path.read_text(encoding="utf-8")
        found[path] = {a or b for a, b in ANY_IMPORT.findall(text)}
    return found


def test_every_sdk_import_resolves_to_a_vendored_file() -> None:
    copied = vendor()
    mapping = import_map()
    imported = set().union(*app_imports().values())
    page_imports = {spec for spec in imported if spec.startswith("https://")}
    sdk_imports = {url for path in copied for url in CDN_IMPORT.findall(path.read_text(encoding="utf-8"))}
    assert page_imports, "the app imports the SDK"
    assert page_imports | sdk_imports <= set(mapping), (
        "an SDK URL without a local copy would need the network"
    )
    for url, local in mapping.items():
        assert local.startswith("/vendor/") and (ROOT / "public" / local.lstrip("/")).is_file(), url
        assert Path(local).name in (*MODULES, *LIBRARIES)


def test_every_app_import_is_local_or_mapped() -> None:
    mapping = import_map()
    for path, specs in app_imports().items():
        for spec in specs:
            if spec.startswith("."):
                target = (path.parent / spec).resolve()
                # import("./api/schema") in a JSDoc type names a declaration file, never fetched.
                found = target.is_file() or target.with_name(target.name + ".d.ts").is_file()
                assert found, f"{path.name} imports missing {spec}"
            else:
                assert spec in mapping, f"{path.name} imports {spec}, which the import map does not serve"


def test_the_mapped_version_is_the_installed_sdk() -> None:
    installed = json.loads((ROOT / "node_modules" / "firebase" / "package.json").read_text())["version"]
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]["firebase"]
    assert installed == pinned
    cdn = [url for url in import_map() if url.startswith("https://")]
    assert cdn and all(f"/firebasejs/{installed}/" in url for url in cdn), "import map and package.json agree"


def test_api_types_are_generated_from_the_current_spec() -> None:
    assert web_api_types.main(["--check"]) == 0, "public/app/api/schema.d.ts is stale: run `make web-types`"


def test_the_type_check_catches_a_stale_client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check is not vacuous: a types file from another spec fails it."""
    stale = tmp_path / "schema.d.ts"
    stale.write_text(web_api_types.TYPES.read_text(encoding="utf-8").replace("elapsedTime", "elapsed"))
    monkeypatch.setattr(web_api_types, "TYPES", stale)
    assert web_api_types.main(["--check"]) == 1


TSC = ROOT / "node_modules" / ".bin" / "tsc"


def _tsc(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TSC), "-p", str(project)], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False
    )


def test_the_pages_type_check_against_the_generated_api() -> None:
    """Every API call of every page (paths, parameters, bodies, response fields) matches the spec."""
    result = _tsc(ROOT / "tsconfig.json")
    assert result.returncode == 0, result.stdout[-4000:]


def test_the_type_check_rejects_a_call_the_api_does_not_have(tmp_path: Path) -> None:
    bad = tmp_path / "bad.js"
    bad.write_text(
        f'/** @param {{import("{ROOT}/public/app/types").Api}} api */\n'
        'export const wrong = (api) => api.POST("/api/v1/sessions/start", { body: { avatar: "alex", duration: 20 } });\n',
        encoding="utf-8",
    )
    project = tmp_path / "tsconfig.json"
    project.write_text(
        json.dumps(
            {"extends": str(ROOT / "tsconfig.json"), "include": [str(bad), str(APP / "**" / "*.d.ts")]}
        ),
        encoding="utf-8",
    )
    result = _tsc(project)
    assert result.returncode != 0 and "bad.js" in result.stdout, result.stdout[-2000:]
