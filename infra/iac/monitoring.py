"""The plan's monitoring steps: log-based metrics, alert policies, the dashboard and the budget alert."""

from __future__ import annotations

import json

from infra.iac import observability
from infra.iac.steps import ALERT_CHANNEL, Options, Step, gcloud


def observability_steps(options: Options) -> list[Step]:
    steps = [
        Step(
            "metric",
            metric.name,
            gcloud(
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
            unless=gcloud(options, "logging", "metrics", "describe", metric.name, "--format", "value(name)"),
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
                gcloud(
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
                unless=gcloud(
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
                gcloud(options, "alpha", "monitoring", "policies", "create", "--policy-from-file", str(path)),
                unless=gcloud(
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
            gcloud(options, "monitoring", "dashboards", "create", "--config-from-file", str(dashboard)),
            unless=gcloud(
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


def budget_steps(options: Options) -> list[Step]:
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
