"""Import reachability through the composition root: a function reaches what the factories it uses
import, not every adapter the root can build (deploy-check derives secrets and roles from it)."""

from __future__ import annotations

from pathlib import Path

from infra.deploy.manifest import reach


def tree(root: Path) -> list[Path]:
    files = {
        "backend/__init__.py": "",
        "backend/wiring.py": (
            "def db():\n    from backend.clients import client\n    return client()\n\n"
            "def provider():\n    from backend.ai import model\n    return model\n\n"
            "def service():\n    return (db(), provider())\n"
        ),
        "backend/clients.py": "import google.cloud.firestore\n\ndef client():\n    return None\n",
        "backend/ai.py": "import openai\nmodel = None\n",
        "backend/flush.py": "from backend import wiring\n\ndef run():\n    return wiring.db()\n",
        "backend/turn.py": "from backend.wiring import service\n\ndef run():\n    return service()\n",
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return [root]


def test_a_module_using_only_the_database_factory_does_not_reach_openai(tmp_path: Path) -> None:
    found = reach({"backend.flush"}, tree(tmp_path))
    assert found.chain_to("openai") == []
    assert found.chain_to("google.cloud.firestore")[-1] == "google.cloud.firestore"


def test_a_factory_calling_another_reaches_what_that_one_imports(tmp_path: Path) -> None:
    chain = reach({"backend.turn"}, tree(tmp_path)).chain_to("openai")
    assert chain[0] == "backend.turn" and chain[-1] == "openai"
    assert "backend.ai" in chain
