"""The provisioning plan: every gcloud / firebase command for one project and region, in order.

Idempotent by construction: each step is either safe to repeat (`services enable`, `add-iam-policy-binding`,
TTL and PITR updates, `firebase deploy`) or guarded by a `describe`/`list` whose success skips the create.
Google's Terraform provider cannot be installed on these machines, hence the CLIs.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from infra.iac import observability, resources

DATABASE = "(default)"
ALERT_CHANNEL = "${ALERT_CHANNEL}"


@dataclass(frozen=True)
class Options:
    project: str
    region: str
    auth: str = "password"  # password | email-link
    admin_email: str | None = None
    billing_account: str | None = None
    budget_amount: int = 100  # in the billing account's currency, per month
    alert_email: str | None = None
    backup_retention: str = "14d"
    generated: Path = Path(".local/infra")  # alert policy and dashboard files written for gcloud


@dataclass(frozen=True)
class Step:
    kind: str  # api | firestore | account | role | ttl | backup | secret | auth | metric | alert | ...
    name: str
    command: list[str]
    unless: list[str] | None = None  # skip `command` when this exits 0 and prints something
    files: dict[str, str] = field(default_factory=dict)  # path -> content, written before `command`

    def render(self) -> str:
        text = shlex.join(self.command)
        if self.unless:
            return f"{shlex.join(self.unless)} | grep -q . || {text}"
        return text


def _gcloud(options: Options, *args: str) -> list[str]:
    return ["gcloud", *args, "--project", options.project, "--quiet"]


def account_email(options: Options, account: str) -> str:
    return f"{account}@{options.project}.iam.gserviceaccount.com"


def build(options: Options) -> list[Step]:
    steps: list[Step] = []
    steps += [Step("api", api, _gcloud(options, "services", "enable", api)) for api in resources.APIS]
    steps += _firestore(options)
    steps += _secrets(options)  # before the accounts: secret access is granted on each secret
    steps += _accounts(options)
    steps += _ttl(options)
    steps += _region(options)
    steps += _auth(options)
    steps += _observability(options)
    steps += _budget(options)
    steps.append(
        Step(
            "deploy",
            "functions, rules, indexes, hosting (scheduled jobs: "
            + ", ".join(f"{j.function} {j.schedule}" for j in resources.SCHEDULED_JOBS)
            + ")",
            [
                "npx",
                "firebase",
                "deploy",
                "--project",
                options.project,
                "--only",
                "functions,firestore,hosting",
                "--force",
            ],
        )
    )
    if options.admin_email:
        steps.append(
            Step(
                "admin",
                options.admin_email,
                [
                    "env",
                    f"GOOGLE_CLOUD_PROJECT={options.project}",
                    "bin/sessions-ops",
                    "grant-admin",
                    "--email",
                    options.admin_email,
                ],
            )
        )
    return steps


def _firestore(options: Options) -> list[Step]:
    database = ["--database", DATABASE]
    return [
        Step(
            "firestore",
            f"database {DATABASE} in {options.region}",
            _gcloud(
                options,
                "firestore",
                "databases",
                "create",
                "--location",
                options.region,
                "--type",
                "firestore-native",
            ),
            unless=_gcloud(
                options, "firestore", "databases", "describe", *database, "--format", "value(name)"
            ),
        ),
        Step(
            "pitr",
            "point-in-time recovery (7 days)",
            _gcloud(options, "firestore", "databases", "update", *database, "--enable-pitr"),
        ),
        Step(
            "backup",
            f"daily backup schedule, kept {options.backup_retention}",
            _gcloud(
                options,
                "firestore",
                "backups",
                "schedules",
                "create",
                *database,
                "--recurrence",
                "daily",
                "--retention",
                options.backup_retention,
            ),
            unless=_gcloud(
                options, "firestore", "backups", "schedules", "list", *database, "--format", "value(name)"
            ),
        ),
    ]


def _accounts(options: Options) -> list[Step]:
    steps: list[Step] = []
    roles_by_account: dict[str, set[str]] = {}
    for function in resources.FUNCTIONS:
        roles_by_account.setdefault(function.account, set()).update(function.roles)
    for account, roles in sorted(roles_by_account.items()):
        email = account_email(options, account)
        users = sorted(f.name for f in resources.FUNCTIONS if f.account == account)
        steps.append(
            Step(
                "account",
                account,
                _gcloud(
                    options,
                    "iam",
                    "service-accounts",
                    "create",
                    account,
                    "--display-name",
                    f"Runs {', '.join(users)}",
                ),
                unless=_gcloud(
                    options, "iam", "service-accounts", "describe", email, "--format", "value(email)"
                ),
            )
        )
        for role in sorted(roles):
            if role == resources.SECRETS:
                # On each secret, not the project: the account reads only the secrets the code uses.
                for secret in resources.SECRET_NAMES:
                    command = _gcloud(
                        options, "secrets", "add-iam-policy-binding", secret,
                        "--member", f"serviceAccount:{email}", "--role", role, "--condition", "None",
                    )  # fmt: skip
                    steps.append(Step("role", f"{account} {role} on {secret}", command))
                continue
            if role in (resources.ACT_AS, resources.TOKEN_CREATOR):
                # Only over itself: tasks' OIDC tokens are minted as the function's own account.
                command = _gcloud(
                    options, "iam", "service-accounts", "add-iam-policy-binding", email,
                    "--member", f"serviceAccount:{email}", "--role", role, "--condition", "None",
                )  # fmt: skip
            else:
                command = _gcloud(
                    options, "projects", "add-iam-policy-binding", options.project,
                    "--member", f"serviceAccount:{email}", "--role", role, "--condition", "None",
                )  # fmt: skip
            steps.append(Step("role", f"{account} {role}", command))
    return steps


def _ttl(options: Options) -> list[Step]:
    return [
        Step(
            "ttl",
            f"{group}.{resources.TTL_FIELD}",
            _gcloud(
                options,
                "firestore",
                "fields",
                "ttls",
                "update",
                resources.TTL_FIELD,
                f"--collection-group={group}",
                "--enable-ttl",
                "--async",
            ),
        )
        for group in resources.TTL_COLLECTIONS
    ]


def _secrets(options: Options) -> list[Step]:
    return [
        Step(
            "secret",
            name,
            _gcloud(options, "secrets", "create", name, "--replication-policy", "automatic"),
            unless=_gcloud(options, "secrets", "describe", name, "--format", "value(name)"),
        )
        for name in resources.SECRET_NAMES
    ]


def _region(options: Options) -> list[Step]:
    """SESSIONS_REGION in functions/.env.PROJECT (the main.py param) and the same region in the rewrites."""
    return [
        Step(
            "region",
            f"functions/.env.{options.project}: SESSIONS_REGION={options.region}",
            [
                "python3",
                "infra/provision.py",
                "--project",
                options.project,
                "--region",
                options.region,
                "--write-region",
            ],
        )
    ]


def _auth(options: Options) -> list[Step]:
    """Identity Platform sign-in: email + password, or passwordless email link (Admin API v2, PATCH)."""
    password_required = options.auth == "password"
    body = json.dumps({"signIn": {"email": {"enabled": True, "passwordRequired": password_required}}})
    url = (
        f"https://identitytoolkit.googleapis.com/admin/v2/projects/{options.project}/config"
        "?updateMask=signIn.email.enabled,signIn.email.passwordRequired"
    )
    return [
        Step(
            "auth",
            f"email sign-in ({options.auth})",
            ["sh", "-c", f"curl -fsS -X PATCH -H \"Authorization: Bearer $(gcloud auth print-access-token)\" "
             f"-H 'x-goog-user-project: {options.project}' -H 'Content-Type: application/json' "
             f"-d {shlex.quote(body)} {shlex.quote(url)}"],
        )
    ]  # fmt: skip


def _observability(options: Options) -> list[Step]:
    steps = [
        Step(
            "metric",
            metric.name,
            _gcloud(
                options,
                "logging",
                "metrics",
                "create",
                metric.name,
                "--description",
                metric.description,
                "--log-filter",
                metric.filter,
            ),
            unless=_gcloud(options, "logging", "metrics", "describe", metric.name, "--format", "value(name)"),
        )
        for metric in observability.METRICS
    ]
    channels: list[str] = []
    if options.alert_email:
        channel_name = f"sessions on-call {options.alert_email}"
        steps.append(
            Step(
                "channel",
                options.alert_email,
                _gcloud(
                    options,
                    "beta",
                    "monitoring",
                    "channels",
                    "create",
                    "--display-name",
                    channel_name,
                    "--type",
                    "email",
                    "--channel-labels",
                    f"email_address={options.alert_email}",
                ),
                unless=_gcloud(
                    options,
                    "beta",
                    "monitoring",
                    "channels",
                    "list",
                    "--filter",
                    f'displayName="{channel_name}"',
                    "--format",
                    "value(name)",
                ),
            )
        )
        channels = [ALERT_CHANNEL]  # replaced by the channel's name when applied
    for index, policy in enumerate(observability.alert_policies()):
        path = options.generated / f"alert-{index:02d}.json"
        steps.append(
            Step(
                "alert",
                policy.name,
                _gcloud(
                    options, "alpha", "monitoring", "policies", "create", "--policy-from-file", str(path)
                ),
                unless=_gcloud(
                    options,
                    "alpha",
                    "monitoring",
                    "policies",
                    "list",
                    "--filter",
                    f'displayName="{policy.name}"',
                    "--format",
                    "value(name)",
                ),
                files={str(path): json.dumps(policy.body(channels), indent=2)},
            )
        )
    dashboard = options.generated / "dashboard.json"
    steps.append(
        Step(
            "dashboard",
            "Sessions backend",
            _gcloud(options, "monitoring", "dashboards", "create", "--config-from-file", str(dashboard)),
            unless=_gcloud(
                options,
                "monitoring",
                "dashboards",
                "list",
                "--filter",
                'displayName="Sessions backend"',
                "--format",
                "value(name)",
            ),
            files={str(dashboard): json.dumps(observability.dashboard(), indent=2)},
        )
    )
    return steps


def _budget(options: Options) -> list[Step]:
    if not options.billing_account:
        return [Step("budget", "skipped: pass --billing-account to create the budget alert", ["true"])]
    name = f"sessions {options.project}"
    thresholds = [
        arg for percent in ("0.5", "0.9", "1.0") for arg in ("--threshold-rule", f"percent={percent}")
    ]
    return [
        Step(
            "budget",
            f"{options.budget_amount} per month",
            ["gcloud", "billing", "budgets", "create", "--billing-account", options.billing_account, "--display-name", name, "--budget-amount", str(options.budget_amount), "--filter-projects", f"projects/{options.project}", *thresholds, "--quiet"],
            unless=["gcloud", "billing", "budgets", "list", "--billing-account", options.billing_account, "--filter", f'displayName="{name}"', "--format", "value(name)"],
        )
    ]  # fmt: skip
