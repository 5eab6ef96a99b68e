"""Provision a Google Cloud / Firebase project for the sessions backend, idempotently, then deploy.

    infra/provision.py --project P --region R [--dry-run] [--auth password|email-link]
                       [--admin-email E] [--alert-email E] [--billing-account B --budget 100]

--dry-run prints every command without running anything. Otherwise each step runs in order; a step with
a guard (describe/list) is skipped when the resource exists, every other step is safe to repeat. Needs
gcloud logged in as a project Owner and the Firebase CLI (node_modules/.bin). Google's Terraform
provider cannot be installed on these machines, so this uses the gcloud and firebase CLIs.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from infra.iac.plan import ALERT_CHANNEL, Options, Step, build  # noqa: E402

REGION = re.compile(r"^[a-z]+-[a-z]+[0-9]$")


def write_region(project: str, region: str, root: Path = ROOT) -> None:
    """SESSIONS_REGION=region in functions/.env.PROJECT and the same region on every hosting rewrite."""
    env_file = root / "functions" / f".env.{project}"
    lines = env_file.read_text().splitlines() if env_file.exists() else []
    lines = [line for line in lines if not line.startswith("SESSIONS_REGION=")] + [
        f"SESSIONS_REGION={region}"
    ]
    env_file.write_text("\n".join(lines) + "\n")
    firebase_json = root / "firebase.json"
    config = json.loads(firebase_json.read_text())
    for rewrite in config["hosting"]["rewrites"]:
        if isinstance(rewrite.get("function"), dict):
            rewrite["function"]["region"] = region
    firebase_json.write_text(json.dumps(config, indent=2) + "\n")


def apply(steps: list[Step]) -> None:
    channel = ""
    for step in steps:
        for path, content in step.files.items():
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(content.replace(ALERT_CHANNEL, channel) if channel else content)
        if step.unless:
            found = subprocess.run(step.unless, capture_output=True, text=True, check=False, cwd=ROOT)
            if found.returncode == 0 and found.stdout.strip():
                print(f"= {step.kind} {step.name}: exists")
                if step.kind == "channel":
                    channel = found.stdout.split()[0]
                continue
        print(f"+ {step.kind} {step.name}")
        done = subprocess.run(
            step.command, cwd=ROOT, check=False, capture_output=step.kind == "channel", text=True
        )
        if done.returncode != 0:
            raise SystemExit(f"provision: step failed ({step.kind} {step.name}): {step.render()}")
        if step.kind == "channel" and step.unless:
            listed = subprocess.run(step.unless, capture_output=True, text=True, check=True, cwd=ROOT)
            channel = listed.stdout.split()[0]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--project", required=True)
    parser.add_argument("--region", default="us-central1")
    parser.add_argument("--auth", choices=("password", "email-link"), default="password")
    parser.add_argument("--admin-email")
    parser.add_argument("--alert-email", help="on-call address for the alert policies' email channel")
    parser.add_argument("--billing-account", help="billing account id for the budget alert")
    parser.add_argument("--budget", type=int, default=100, help="monthly budget amount")
    parser.add_argument("--dry-run", action="store_true", help="print every command, run nothing")
    parser.add_argument("--write-region", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not REGION.match(args.region):
        parser.error(f"--region {args.region!r} is not a region name like us-central1")
    if args.write_region:
        write_region(args.project, args.region)
        return
    options = Options(
        project=args.project,
        region=args.region,
        auth=args.auth,
        admin_email=args.admin_email,
        billing_account=args.billing_account,
        budget_amount=args.budget,
        alert_email=args.alert_email,
    )
    steps = build(options)
    if args.dry_run:
        for step in steps:
            print(f"# {step.kind}: {step.name}")
            for path in step.files:
                print(f"#   writes {path}")
            print(step.render())
        return
    apply(steps)


if __name__ == "__main__":
    main()
