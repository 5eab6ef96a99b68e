"""Refuse the emulators' trust outside a demo project.

With FIREBASE_AUTH_EMULATOR_HOST set, the Admin SDK accepts unsigned ID tokens (anyone can claim
`admin: true`); the other emulator variables point storage, Pub/Sub and Tasks at servers nobody
secures. The Firebase emulators only ever run projects named `demo-*`, so a deployed function (a
real project id) that sees any of these variables is misconfigured, and refuses to start a client.
"""

from __future__ import annotations

from collections.abc import Mapping

EMULATOR_VARIABLES = (
    "FIREBASE_AUTH_EMULATOR_HOST",
    "FIRESTORE_EMULATOR_HOST",
    "FIREBASE_STORAGE_EMULATOR_HOST",
    "FIREBASE_DATABASE_EMULATOR_HOST",
    "PUBSUB_EMULATOR_HOST",
    "CLOUD_TASKS_EMULATOR_HOST",
    "FUNCTIONS_EMULATOR",
)


class EmulatorOutsideDemoProject(RuntimeError):
    """Emulator variables are set for a project that is not a `demo-*` project."""


def check_emulator_variables(environ: Mapping[str, str], project_id: str) -> None:
    """Raise unless no emulator variable is set or the project is a `demo-*` project."""
    found = sorted(name for name in EMULATOR_VARIABLES if environ.get(name))
    if found and not project_id.startswith("demo-"):
        # Names only: the values are hosts, not secrets, but there is no need to echo them.
        raise EmulatorOutsideDemoProject(
            f"emulator variables {', '.join(found)} are set but the project {project_id!r} is not a "
            "demo-* project; refusing to trust emulators outside local development"
        )
