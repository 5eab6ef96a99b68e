"""The vocabulary of the provisioning plan: its options and its steps (one CLI command each, maybe
guarded by a describe/list that skips it)."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path

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


def gcloud(options: Options, *args: str) -> list[str]:
    return ["gcloud", *args, "--project", options.project, "--quiet"]


def account_email(options: Options, account: str) -> str:
    return f"{account}@{options.project}.iam.gserviceaccount.com"
