"""The provisioning plan (dry run) for a project and region given as arguments lists everything."""

from __future__ import annotations

import ast
import json
import shlex
from pathlib import Path

import pytest

from infra import provision
from infra.iac import observability, resources

ROOT = Path(__file__).resolve().parents[2]
PROJECT, REGION = "acme-care-prod", "europe-west3"


@pytest.fixture(scope="module")
def plan() -> str:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        provision.main(
            ["--project", PROJECT, "--region", REGION, "--dry-run", "--admin-email", "lead@acme.test",
             "--alert-email", "oncall@acme.test", "--billing-account", "000000-AAAAAA-BBBBBB"]
        )  # fmt: skip
    return out.getvalue()


def commands(plan: str) -> list[list[str]]:
    """Every command of the plan, guards included, as argument lists."""
    found = []
    for line in plan.splitlines():
        if line.startswith("#"):
            continue
        for part in line.split(" | grep -q . || "):
            found.append(shlex.split(part))
    return found


def test_every_api_is_enabled_in_the_project(plan: str) -> None:
    enabled = {c[3] for c in commands(plan) if c[:3] == ["gcloud", "services", "enable"] and PROJECT in c}
    must = {"fcm.googleapis.com", "cloudtasks.googleapis.com", "pubsub.googleapis.com", "cloudscheduler.googleapis.com",
            "secretmanager.googleapis.com", "monitoring.googleapis.com", "logging.googleapis.com",
            "billingbudgets.googleapis.com", "firestore.googleapis.com", "identitytoolkit.googleapis.com"}  # fmt: skip
    assert must <= enabled
    assert set(resources.APIS) == enabled


def test_every_command_targets_the_given_project_and_region(plan: str) -> None:
    for command in commands(plan):
        if command[0] == "gcloud" and command[1] != "billing":
            assert command[command.index("--project") + 1] == PROJECT, command
    assert f"--location {REGION}" in plan
    assert f"--region {REGION} --write-region" in plan
    assert "us-central1" not in plan


def test_each_function_account_gets_exactly_its_roles(plan: str) -> None:
    granted: dict[str, set[str]] = {}
    for command in commands(plan):
        if "add-iam-policy-binding" in command:
            member = command[command.index("--member") + 1].removeprefix("serviceAccount:")
            granted.setdefault(member, set()).add(command[command.index("--role") + 1])
    for function in resources.FUNCTIONS:
        email = f"{function.account}@{PROJECT}.iam.gserviceaccount.com"
        assert set(function.roles) <= granted[email], function.name
    assert "roles/editor" not in plan and "roles/owner" not in plan
    accounts = {c[4] for c in commands(plan) if c[1:4] == ["iam", "service-accounts", "create"]}
    assert accounts == {f.account for f in resources.FUNCTIONS}


def test_ttl_backup_pitr_secret_auth_and_admin(plan: str) -> None:
    for group in ("rateLimits", "idempotencyKeys", "notifications", "trustedContactNotifications"):
        assert f"ttls update expiresAt --collection-group={group} --enable-ttl" in plan
    assert "--enable-pitr" in plan
    assert "backups schedules create --database '(default)' --recurrence daily" in plan
    assert "secrets create OPENAI_API_KEY" in plan
    assert '\\"passwordRequired\\": true' in plan or '"passwordRequired": true' in plan
    assert "grant-admin --email lead@acme.test" in plan and f"GOOGLE_CLOUD_PROJECT={PROJECT}" in plan


def test_observability_metrics_alerts_dashboard_and_budget(plan: str) -> None:
    for metric in observability.METRICS:
        assert f"logging metrics create {metric.name}" in plan
    policies = observability.alert_policies()
    names = {p.name for p in policies}
    assert "Crisis alert unacknowledged for 5 minutes" in names
    assert {f"Errors in {f.name}" for f in resources.FUNCTIONS} <= names
    assert plan.count("monitoring policies create") == len(policies)
    assert "monitoring dashboards create" in plan
    assert "billing budgets create --billing-account 000000-AAAAAA-BBBBBB" in plan
    assert "--filter-projects projects/" + PROJECT in plan


def test_scheduled_jobs_are_listed(plan: str) -> None:
    for job in resources.SCHEDULED_JOBS:
        assert f"{job.function} {job.schedule}" in plan
    assert {j.function for j in resources.SCHEDULED_JOBS} == {
        "sweep_idle_sessions", "purge_old_transcripts", "watch_crisis_alerts", "rollup_daily_analytics",
        "sweep_idle_rooms",
    }  # fmt: skip


def test_guards_make_creates_idempotent(plan: str) -> None:
    for line in plan.splitlines():
        if " create " in f" {line} " and "firebase deploy" not in line:
            assert " | grep -q . || " in line, line


def test_write_region_sets_the_param_and_every_rewrite(tmp_path: Path) -> None:
    (tmp_path / "functions").mkdir()
    (tmp_path / "firebase.json").write_text((ROOT / "firebase.json").read_text())
    (tmp_path / "functions" / f".env.{PROJECT}").write_text("SESSIONS_REGION=us-central1\nSESSIONS_X=1\n")
    provision.write_region(PROJECT, REGION, root=tmp_path)
    provision.write_region(PROJECT, REGION, root=tmp_path)  # idempotent
    env = (tmp_path / "functions" / f".env.{PROJECT}").read_text().splitlines()
    assert env == ["SESSIONS_X=1", f"SESSIONS_REGION={REGION}"]
    rewrites = json.loads((tmp_path / "firebase.json").read_text())["hosting"]["rewrites"]
    assert {r["function"]["region"] for r in rewrites} == {REGION}


def _logged_messages() -> set[str]:
    messages = set()
    for path in (ROOT / "functions" / "backend").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("info", "warning", "error")
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in ("logs",)
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                messages.add(str(node.args[0].value))
    return messages


def test_every_metric_filters_on_a_message_the_code_logs() -> None:
    logged = _logged_messages()
    for metric in observability.METRICS:
        for message in metric.messages:
            assert message in logged, f"{metric.name}: no logs.* call writes {message!r}"


def test_the_committed_dashboard_and_policies_are_the_generated_ones() -> None:
    dashboard = json.loads((ROOT / "infra" / "monitoring" / "dashboard.json").read_text())
    assert dashboard == observability.dashboard()
    policies = json.loads((ROOT / "infra" / "monitoring" / "alert-policies.json").read_text())
    assert policies == [p.body(["${ALERT_CHANNEL}"]) for p in observability.alert_policies()]
    charted = json.dumps(dashboard)
    for metric in observability.METRICS:
        assert f"logging.googleapis.com/user/{metric.name}" in charted
