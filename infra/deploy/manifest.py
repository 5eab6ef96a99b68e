"""The functions' manifest as firebase-tools discovers it, and which functions can reach OpenAI.

firebase-tools runs the Python SDK's admin server and reads `/__/functions.yaml`, which
`firebase_functions.private.serving.functions_as_yaml(get_functions())` renders from `main.py`. We
render the same YAML in the functions' own venv (exactly what deploys), from `functions/` after the
bundle step, so an import error in the bundle fails here as it would fail the deploy.

"Can reach OpenAI" is import reachability: the modules an entry point imports (lazy imports in its
body included; an HTTP function starts from the handlers of its route group) and everything they
import, transitively, inside this project. A function reaches OpenAI when that closure holds a module
that imports `openai`. It over-approximates (an import is not a call), which errs on declaring the secret.
"""

from __future__ import annotations

import ast
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = ROOT / "functions"
RUNTIME_PYTHON = FUNCTIONS / "venv" / "bin" / "python"
PROJECT_PACKAGES = ("backend", "shared")

_RENDER = """
import json, sys
sys.path.insert(0, ".")
from firebase_functions.private.serving import functions_as_yaml, get_functions
from backend.api import ROUTES
functions = get_functions()
groups = {}
for route in ROUTES:
    groups.setdefault(route.group, set()).add(route.handler.__module__)
groups = {group: sorted(modules) for group, modules in groups.items()}
import yaml
print(json.dumps({"manifest": yaml.safe_load(functions_as_yaml(functions)), "groups": groups}))
"""


class ManifestError(RuntimeError):
    """The bundle did not import or the manifest could not be rendered."""


def render(
    main_dir: Path = FUNCTIONS, python: Path = RUNTIME_PYTHON
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """(manifest, route group -> handler modules) from `main_dir`, rendered by `python`."""
    done = subprocess.run(
        [str(python), "-c", _RENDER], cwd=main_dir, capture_output=True, text=True, timeout=300, check=False
    )
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-8:])
        raise ManifestError(tail or f"exit status {done.returncode}")
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    manifest: dict[str, Any] = answer["manifest"]
    return manifest, answer["groups"]


def _module_file(module: str, source_roots: list[Path]) -> Path | None:
    parts = module.split(".")
    for root in source_roots:
        base = root.joinpath(*parts)
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
    return None


WIRING = "backend.wiring"


def _imports(path: Path) -> tuple[set[str], set[str]]:
    """(project modules, other modules) imported anywhere in the file, lazy imports included; the
    composition root as `backend.wiring:NAME` for each of its functions the file uses."""
    tree = ast.parse(path.read_text(), filename=str(path))
    project, external = _imported_names(tree)
    if any(name == WIRING or name.startswith(WIRING + ".") for name in project):
        project = {n for n in project if n != WIRING and not n.startswith(WIRING + ".")}
        project |= {f"{WIRING}:{name}" for name in _wiring_names_used(tree)}
    return project, external


def _wiring_names_used(tree: ast.AST) -> set[str]:
    """`from backend.wiring import a` and `wiring.a` (after `from backend import wiring`)."""
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == WIRING:
            used.update(alias.name for alias in node.names)
        elif (
            isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "wiring"
        ):
            used.add(node.attr)
    return used


def _wiring_function(name: str, source_roots: list[Path]) -> tuple[set[str], set[str]]:
    """What one function of the composition root imports, plus the root's functions it calls."""
    path = _module_file(WIRING, source_roots)
    if path is None:
        return set(), set()
    tree = ast.parse(path.read_text(), filename=str(path))
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    node = functions.get(name)
    if node is None:
        return set(), set()
    project, external = _imported_names(node)
    calls = {
        n.func.id
        for n in ast.walk(node)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in functions
    }
    # Factories handed over uncalled (`embedder=embedder`) are reached as well.
    calls |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and n.id in functions and n.id != name}
    return project | {f"{WIRING}:{c}" for c in calls}, external


def _imported_names(tree: ast.AST) -> tuple[set[str], set[str]]:
    project: set[str] = set()
    external: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            (project if name.split(".")[0] in PROJECT_PACKAGES else external).add(name)
    return project, external


@dataclass
class Reach:
    """What an entry point can import: per external module, the chain of project modules to it."""

    chains: dict[str, list[str]]

    def chain_to(self, prefix: str) -> list[str]:
        """The import chain to the first external module named `prefix` or below it ([] if none)."""
        for name, chain in sorted(self.chains.items()):
            if name == prefix or name.startswith(prefix + "."):
                return [*chain, name]
        return []


def reach(start: set[str], source_roots: list[Path]) -> Reach:
    parents: dict[str, str | None] = dict.fromkeys(start)
    chains: dict[str, list[str]] = {}
    queue = sorted(start)
    while queue:
        module = queue.pop(0)
        if module.startswith(WIRING + ":"):
            imported, external = _wiring_function(module.split(":", 1)[1], source_roots)
        else:
            path = _module_file(module, source_roots)
            if path is None:
                continue
            imported, external = _imports(path)
        chain = [module]
        while (parent := parents[chain[-1]]) is not None:
            chain.append(parent)
        for name in external:
            chains.setdefault(name, list(reversed(chain)))
        for name in sorted(imported):
            # `from backend.ai import memory` names a module or an attribute; keep what resolves.
            resolvable = name.startswith(WIRING + ":") or _module_file(name, source_roots) is not None
            if name not in parents and resolvable:
                parents[name] = module
                queue.append(name)
    return Reach(chains)


ROUTE_GROUP_CALLS = frozenset({"GroupRoutes", "routes_for"})
"""Calls in main.py that serve one group of the route table: their modules are the group's route modules."""


def entry_point_modules(main_file: Path, groups: dict[str, list[str]]) -> dict[str, set[str]]:
    """Per decorated function in main.py: the project modules its body uses (its import roots)."""
    tree = ast.parse(main_file.read_text())
    top_level: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PROJECT_PACKAGES:
            for alias in node.names:
                top_level[alias.asname or alias.name] = node.module
    starts: dict[str, set[str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or not node.decorator_list:
            continue
        modules: set[str] = set()
        helpers = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        for inner in ast.walk(node):
            if isinstance(inner, ast.ImportFrom) and inner.module:
                modules.add(inner.module)
            if (
                isinstance(inner, ast.Call)
                and isinstance(inner.func, ast.Name)
                and inner.func.id in ROUTE_GROUP_CALLS
                and inner.args
                and isinstance(inner.args[0], ast.Constant)
            ):
                modules.update(groups.get(str(inner.args[0].value), []))
        modules.update(
            module for name, module in top_level.items() if name in helpers and name not in ROUTE_GROUP_CALLS
        )
        # A module-level helper (e.g. `_timer`) called by the function: its lazy imports count too.
        for helper in tree.body:
            if isinstance(helper, ast.FunctionDef) and not helper.decorator_list and helper.name in helpers:
                modules.update(
                    i.module for i in ast.walk(helper) if isinstance(i, ast.ImportFrom) and i.module
                )
        starts[node.name] = {m for m in modules if m.split(".")[0] in PROJECT_PACKAGES}
    return starts
