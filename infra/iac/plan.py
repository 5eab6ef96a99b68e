"""The provisioning plan: every gcloud / firebase command for one project and region, in order.

Idempotent by construction: each step is either safe to repeat (`services enable`, `add-iam-policy-binding`,
TTL and PITR updates, `firebase deploy`) or guarded by a `describe`/`list` whose success skips the create.
Google's Terraform provider cannot be installed on these machines, hence the CLIs.
"""

from __future__ import annotations

import json
import shlex

from infra.iac import resources
from infra.iac.monitoring import budget_steps, observability_steps
from infra.iac.steps import ALERT_CHANNEL, DATABASE, Options, Step, account_email, gcloud

__all__ = ["ALERT_CHANNEL", "Options", "Step", "account_email", "build"]


def build(options: Options) -> list[Step]:
    steps: list[Step] = []
    steps += [Step("api", api, gcloud(options, "services", "enable", api)) for api in resources.APIS]
    steps += _firestore(options)
    steps += _secrets(options)  # before the accounts: secret access is granted on each secret
    steps += _accounts(options)
    steps += _ttl(options)
    steps += _region(options)
    steps += _auth(options)
    steps += observability_steps(options)
    steps += budget_steps(options)
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
            gcloud(
                options,
                "firestore",
                "databases",
                "create",
                "--location",
                options.region,
                "--type",
                "firestore-native",
            ),
            unless=gcloud(
                options, "firestore", "databases", "describe", *database, "--format", "value(name)"
            ),
        ),
        Step(
            "pitr",
            "point-in-time recovery (7 days)",
            gcloud(options, "firestore", "databases", "update", *database, "--enable-pitr"),
        ),
        Step(
            "backup",
            f"daily backup schedule, kept {options.backup_retention}",
            gcloud(
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
            unless=gcloud(
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
                gcloud(
                    options,
                    "iam",
                    "service-accounts",
                    "create",
                    account,
                    "--display-name",
                    f"Runs {', '.join(users)}",
                ),
                unless=gcloud(
                    options, "iam", "service-accounts", "describe", email, "--format", "value(email)"
                ),
            )
        )
        for role in sorted(roles):
            if role == resources.SECRETS:
                # On each secret, not the project: the account reads only the secrets the code uses.
                for secret in resources.SECRET_NAMES:
                    command = gcloud(
                        options, "secrets", "add-iam-policy-binding", secret,
                        "--member", f"serviceAccount:{email}", "--role", role, "--condition", "None",
                    )  # fmt: skip
                    steps.append(Step("role", f"{account} {role} on {secret}", command))
                continue
            if role in (resources.ACT_AS, resources.TOKEN_CREATOR):
                # Only over itself: tasks' OIDC tokens are minted as the function's own account.
                command = gcloud(
                    options, "iam", "service-accounts", "add-iam-policy-binding", email,
                    "--member", f"serviceAccount:{email}", "--role", role, "--condition", "None",
                )  # fmt: skip
            else:
                command = gcloud(
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
            gcloud(
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
            gcloud(options, "secrets", "create", name, "--replication-policy", "automatic"),
            unless=gcloud(options, "secrets", "describe", name, "--format", "value(name)"),
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
