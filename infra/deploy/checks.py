"""The offline pre-deploy checks. Each returns problems; a problem says what is wrong and the fix.

They read the same inputs `firebase deploy` reads (firebase.json, firestore.indexes.json, the functions'
manifest, functions/.env.*) plus the recorded queries and infra/iac/resources.py, so what passes here
is what the emulators cannot prove: indexes, secrets, IAM, APIs, region and hosting wiring.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.deploy import indexes
from infra.deploy.manifest import Reach
from infra.iac import resources

PRODUCT_CODE = ("backend/", "ops/")


@dataclass(frozen=True)
class Problem:
    check: str
    message: str
    fix: str

    def __str__(self) -> str:
        return f"[{self.check}] {self.message}\n    fix: {self.fix}"


def load_queries(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def check_indexes(config: dict[str, Any], records: list[dict[str, Any]]) -> list[Problem]:
    """Every query the product code ran (tests' own helper queries are not deployed) has an index."""
    problems: list[Problem] = []
    seen: set[indexes.Query] = set()
    for record in records:
        if not str(record.get("caller", "")).startswith(PRODUCT_CODE):
            continue
        query = indexes.Query.from_record(record)
        key = indexes.Query(**{**query.__dict__, "caller": ""})
        if key in seen or indexes.served(config, query):
            continue
        seen.add(key)
        problems.append(
            Problem(
                "indexes",
                f"no index in firestore.indexes.json serves the query at {query.caller}: {query.describe()} "
                "(production answers FAILED_PRECONDITION; the emulators do not check)",
                indexes.suggested_fix(query),
            )
        )
    return problems


def _trigger(endpoint: dict[str, Any]) -> str:
    if "httpsTrigger" in endpoint:
        return "http"
    if "taskQueueTrigger" in endpoint:
        return "task"
    if "scheduleTrigger" in endpoint:
        return "schedule"
    return "pubsub"


def check_secrets(manifest: dict[str, Any], reach: dict[str, Reach]) -> list[Problem]:
    problems = []
    for name, endpoint in sorted(manifest["endpoints"].items()):
        chain = reach[name].chain_to("openai") if name in reach else []
        declared = {secret["key"] for secret in endpoint.get("secretEnvironmentVariables") or []}
        if chain and "OPENAI_API_KEY" not in declared:
            problems.append(
                Problem(
                    "secrets",
                    f"function {name} can reach OpenAI ({' -> '.join(chain)}) but does not declare the "
                    "OPENAI_API_KEY secret: deployed, it never sees the key and silently uses the offline model",
                    f'add secrets=["OPENAI_API_KEY"] (OPENAI) to the decorator of {name} in functions/main.py',
                )
            )
    return problems


def check_iam(manifest: dict[str, Any], reach: dict[str, Reach]) -> list[Problem]:
    """Each deployed function runs as its own account, holding exactly the known roles its code needs."""
    problems = []
    table = {function.name: function for function in resources.FUNCTIONS}
    for declared in resources.FUNCTIONS:
        for role in declared.roles:
            if role not in resources.KNOWN_ROLES:
                problems.append(
                    Problem(
                        "iam",
                        f"infra grants {declared.name} the unknown role {role!r}",
                        "use one of "
                        + ", ".join(sorted(resources.KNOWN_ROLES))
                        + " in infra/iac/resources.py "
                        "(or add a real predefined role to KNOWN_ROLES after checking `gcloud iam roles describe`)",
                    )
                )
    for name, endpoint in sorted(manifest["endpoints"].items()):
        function = table.get(name)
        if function is None:
            problems.append(
                Problem(
                    "iam",
                    f"function {name} is deployed but infra/iac/resources.py gives it no service account",
                    f'add Function("{name}", ACCOUNT, ROLES, "{_trigger(endpoint)}") to FUNCTIONS',
                )
            )
            continue
        account = endpoint.get("serviceAccountEmail") or endpoint.get("serviceAccount")
        if account != f"{function.account}@":
            problems.append(
                Problem(
                    "iam",
                    f"function {name} runs as {account or 'the default compute account (Editor)'}, "
                    f"not its account {function.account}@",
                    f'add service_account=_account("{function.account}") to {name} in functions/main.py',
                )
            )
        needed = set(resources.ROLES_FOR_TRIGGER[_trigger(endpoint)])
        for module, roles in resources.ROLES_FOR_IMPORT.items():
            if name in reach and reach[name].chain_to(module):
                needed.update(roles)
        missing = needed - set(function.roles)
        if missing:
            problems.append(
                Problem(
                    "iam",
                    f"function {name} needs {', '.join(sorted(missing))} (its code or trigger uses them) "
                    "and infra does not grant them",
                    f"add {', '.join(sorted(missing))} to {name}'s roles in infra/iac/resources.py",
                )
            )
        extra = set(function.roles) - needed - set(resources.EXTRA_ROLES.get(name, ()))
        if extra:
            problems.append(
                Problem(
                    "iam",
                    f"function {name} is granted {', '.join(sorted(extra))}, which its code never uses",
                    f"remove them from {name}'s roles in infra/iac/resources.py (least privilege)",
                )
            )
    return problems


# APIs each kind of trigger and capability needs (beyond firebase-tools' own requiredAPIs).
_TRIGGER_APIS = {
    "http": ("cloudfunctions.googleapis.com", "run.googleapis.com"),
    "task": ("cloudtasks.googleapis.com",),
    "schedule": ("cloudscheduler.googleapis.com",),
    "pubsub": ("pubsub.googleapis.com", "eventarc.googleapis.com"),
}
_IMPORT_APIS = {
    "firebase_admin.messaging": "fcm.googleapis.com",
    "google.cloud.firestore": "firestore.googleapis.com",
    "openai": "secretmanager.googleapis.com",
    "firebase_admin.auth": "identitytoolkit.googleapis.com",
}


def check_apis(manifest: dict[str, Any], reach: dict[str, Reach]) -> list[Problem]:
    needed: dict[str, str] = {}
    for entry in manifest.get("requiredAPIs") or []:
        needed[entry["api"]] = entry.get("reason", "firebase-tools requires it")
    for name, endpoint in manifest["endpoints"].items():
        for api in _TRIGGER_APIS[_trigger(endpoint)]:
            needed.setdefault(api, f"{name} is a {_trigger(endpoint)} function")
        for module, api in _IMPORT_APIS.items():
            if name in reach and reach[name].chain_to(module):
                needed.setdefault(api, f"{name} imports {module}")
    return [
        Problem(
            "apis",
            f"API {api} is not enabled by infra ({reason})",
            f'add "{api}" to APIS in infra/iac/resources.py',
        )
        for api, reason in sorted(needed.items())
        if api not in resources.APIS
    ]


def _env_region(path: Path) -> str | None:
    for line in path.read_text().splitlines():
        match = re.match(r"\s*SESSIONS_REGION\s*=\s*[\"']?([a-z0-9-]+)", line)
        if match:
            return match.group(1)
    return None


def check_hosting(firebase: dict[str, Any], manifest: dict[str, Any], functions_dir: Path) -> list[Problem]:
    """Rewrites point to exported HTTP functions, in the region every functions/.env.* deploys them to."""
    problems = []
    default = next(p["default"] for p in manifest.get("params", []) if p["name"] == "SESSIONS_REGION")
    regions = {"(default)": default}
    for env_file in sorted(functions_dir.glob(".env*")):
        region = _env_region(env_file)
        if region is not None:
            regions[env_file.name] = region
    http = {name for name, endpoint in manifest["endpoints"].items() if "httpsTrigger" in endpoint}
    for rewrite in firebase.get("hosting", {}).get("rewrites", []):
        target = rewrite.get("function")
        if target is None:
            continue
        function_id = target["functionId"] if isinstance(target, dict) else target
        region = target.get("region", "us-central1") if isinstance(target, dict) else "us-central1"
        if function_id not in http:
            problems.append(
                Problem(
                    "hosting",
                    f"rewrite {rewrite['source']} points to {function_id}, which main.py does not export "
                    "as an HTTP function",
                    "point it to one of " + ", ".join(sorted(http)) + " in firebase.json",
                )
            )
        for source, deployed in regions.items():
            if region != deployed:
                problems.append(
                    Problem(
                        "hosting",
                        f"rewrite {rewrite['source']} calls {function_id} in {region}, but {source} deploys "
                        f"the functions to {deployed}",
                        f'set "region": "{deployed}" on every rewrite in firebase.json '
                        f"(infra/provision.py --region {deployed} does it) or change SESSIONS_REGION",
                    )
                )
    return problems


def check_ttl(config: dict[str, Any]) -> list[Problem]:
    """The TTL policies infra enables are the ones firestore.indexes.json declares (and vice versa)."""
    declared = {
        override["collectionGroup"]
        for override in config.get("fieldOverrides", [])
        if override.get("ttl") and override.get("fieldPath") == resources.TTL_FIELD
    }
    planned = set(resources.TTL_COLLECTIONS)
    return [
        Problem(
            "ttl",
            f"collection group {group} has a TTL in infra but not in firestore.indexes.json, or the reverse",
            f'declare {{"collectionGroup": "{group}", "fieldPath": "{resources.TTL_FIELD}", "ttl": true, '
            '"indexes": []} in fieldOverrides and list it in TTL_COLLECTIONS',
        )
        for group in sorted(declared ^ planned)
    ]


def check_schedules(manifest: dict[str, Any]) -> list[Problem]:
    deployed = {
        name: endpoint["scheduleTrigger"]["schedule"]
        for name, endpoint in manifest["endpoints"].items()
        if "scheduleTrigger" in endpoint
    }
    documented = {job.function: job.schedule for job in resources.SCHEDULED_JOBS}
    if deployed == documented:
        return []
    return [
        Problem(
            "schedules",
            f"scheduled functions in main.py {deployed} differ from infra's SCHEDULED_JOBS {documented}",
            "keep SCHEDULED_JOBS in infra/iac/resources.py (and docs/deploy.md) in step with main.py",
        )
    ]


def check_env_files(functions_dir: Path) -> list[Problem]:
    """functions/.env* hold only settings that exist (a typo is silently ignored) and no secret values."""
    from shared.settings import Settings

    known = {f"SESSIONS_{name.upper()}" for name in Settings.model_fields} | {"SESSIONS_REGION"}
    problems = []
    for env_file in sorted(functions_dir.glob(".env*")):
        for number, line in enumerate(env_file.read_text().splitlines(), start=1):
            key = line.split("=", 1)[0].strip().removeprefix("export ").strip()
            if not key or key.startswith("#") or "=" not in line:
                continue
            if key in resources.SECRET_NAMES:
                problems.append(
                    Problem(
                        "env",
                        f"{env_file.name}:{number} sets {key}, which is a secret: firebase deploy refuses a "
                        "plain variable that overlaps a secret, and it would be stored in clear text",
                        f"remove it and run `npx firebase functions:secrets:set {key}`",
                    )
                )
            elif key.startswith("SESSIONS_") and key not in known:
                problems.append(
                    Problem(
                        "env",
                        f"{env_file.name}:{number} sets {key}, which no setting reads (shared/settings.py)",
                        "fix the name; the known ones are the Settings fields with the SESSIONS_ prefix",
                    )
                )
    return problems
