"""`python -m ops` (what bin/sessions-ops runs)."""

from ops.cli import app

app(prog_name="sessions-ops")
