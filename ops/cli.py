"""The `sessions-ops` typer app: operator commands against Firebase (or the local emulators)."""

from __future__ import annotations

import typer

from ops.kb import kb_app
from ops.retention import purge_transcripts
from ops.rooms import room_app
from ops.seed import seed_demo
from ops.sessions import list_sessions
from ops.users import grant_admin, grant_credits, revoke_admin

app = typer.Typer(
    name="sessions-ops",
    help=(
        "Operate the session backend. Uses the emulators when FIRESTORE_EMULATOR_HOST and "
        "FIREBASE_AUTH_EMULATOR_HOST are set, otherwise Application Default Credentials for GCLOUD_PROJECT."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)

app.command("grant-admin")(grant_admin)
app.command("revoke-admin")(revoke_admin)
app.command("grant-credits")(grant_credits)
app.command("list-sessions")(list_sessions)
app.command("seed-demo")(seed_demo)
app.command("purge-transcripts")(purge_transcripts)
app.add_typer(room_app, name="room")
app.add_typer(kb_app, name="kb")
