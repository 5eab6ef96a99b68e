"""Safety: graded crisis screening (inline, offline) and the escalation rules around it."""
