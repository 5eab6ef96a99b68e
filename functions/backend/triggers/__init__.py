"""Handlers of the non-HTTP functions, one module per family: timers (Cloud Tasks), sweeps (schedules),
stats (the stats-flush task), memory and safety (Pub/Sub). Each parses its event, calls the domain through
`backend.wiring` and is idempotent under redelivery."""
