"""The ops CLI's argument handling and refusals: nothing here reaches Firebase."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any, cast

import pytest
from typer.testing import CliRunner

from backend.store.credits import grant_credits
from ops.cli import app
from shared.errors import ValidationFailed
from shared.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
COMMANDS = (
    "grant-admin",
    "revoke-admin",
    "grant-credits",
    "list-sessions",
    "seed-demo",
    "purge-transcripts",
    "kb",
)


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.stdout


def test_shim_runs_the_cli_from_anywhere(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(ROOT / "bin" / "sessions-ops"), "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "seed-demo" in done.stdout


def test_seed_demo_refuses_without_the_emulators(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIRESTORE_EMULATOR_HOST", raising=False)
    monkeypatch.setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
    result = runner.invoke(app, ["seed-demo"])
    assert result.exit_code == 1
    assert "only runs against the local emulators" in result.stderr
    assert "FIRESTORE_EMULATOR_HOST is not set" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["grant-admin"], "give the user with --email or --uid"),
        (["revoke-admin", "--email", "a@example.test", "--uid", "u"], "not both"),
        (["grant-credits", "--delta", "1", "--reason", "r"], "give the user with --email or --uid"),
        (["list-sessions", "--email", "a@example.test", "--uid", "u"], "not both"),
    ],
)
def test_user_selection_errors_are_one_line(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("Error: ") and message in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["list-sessions", "--limit", "0"],
        ["list-sessions", "--limit", "101"],
        ["list-sessions", "--status", "sleeping"],
        ["grant-credits", "--uid", "u", "--delta", "many", "--reason", "r"],
        ["grant-credits", "--uid", "u", "--delta", "5"],
    ],
)
def test_bad_options_are_usage_errors(args: list[str]) -> None:
    assert runner.invoke(app, args).exit_code == 2


@pytest.mark.parametrize(("delta", "reason"), [(0, "nothing"), (5, "   "), (5, "x" * 501)])
def test_grant_credits_validates_before_touching_storage(delta: int, reason: str) -> None:
    with pytest.raises(ValidationFailed):
        grant_credits(
            db=cast(Any, None), user_id="u", delta=delta, reason=reason, actor="test", settings=Settings()
        )


def test_room_commands_are_listed_and_the_shell_refuses_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    from ops.rooms import RoomShell

    result = runner.invoke(app, ["room", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for command in (
        "list",
        "show",
        "transcript",
        "create",
        "join",
        "phase",
        "summary",
        "end",
        "log",
        "shell",
        "demo",
    ):
        assert command in result.stdout
    shell = RoomShell()
    shell.onecmd("join only-one-argument")
    shell.onecmd("phase")
    printed = capsys.readouterr().out
    assert "usage: join ROOM_ID EMAIL" in printed and "usage: phase ROOM_ID" in printed
    assert shell.onecmd("quit") is True
    assert runner.invoke(app, ["room", "list", "--status", "bogus"]).exit_code == 1
