"""The session domain: statuses, the lifecycle state machine, metering, scheduling, credit rules,
the ports adapters implement and the in-memory reference adapter."""
