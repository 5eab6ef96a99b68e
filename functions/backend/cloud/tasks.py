"""Enqueueing Cloud Tasks for task-queue functions through firebase-admin."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from backend.cloud.clients import emulated, firebase_app


def enqueue(
    function_name: str, data: dict[str, Any], *, task_id: str, schedule_time: datetime | None = None
) -> bool:
    """Enqueue `data` for `function_name`; False when a task with this id already exists.

    The body is wrapped as {"data": ...}, which is what on_task_dispatched functions read
    (firebase-admin sends the payload itself as the body). The first enqueue after a cold start
    can fail on credentials (firebase-admin-python #899), so transient failures are retried.
    """
    from firebase_admin import exceptions, functions
    from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

    from shared.settings import get_settings

    queue = f"locations/{get_settings().region}/functions/{function_name}"  # the functions' region
    options = functions.TaskOptions(task_id=task_id, schedule_time=schedule_time)
    transient = (exceptions.UnauthenticatedError, exceptions.UnavailableError, exceptions.UnknownError)
    try:
        for attempt in Retrying(
            stop=stop_after_attempt(3),
            wait=wait_exponential(multiplier=0.1, max=1.0),
            retry=retry_if_exception_type(transient),
            reraise=True,
        ):
            with attempt:
                functions.task_queue(queue, app=firebase_app()).enqueue({"data": data}, options)
    except (exceptions.AlreadyExistsError, exceptions.ConflictError):
        return False
    except ValueError as exc:
        # With an explicit task id, firebase-admin strips a leading "/" from the name the Tasks
        # emulator echoes, which the emulator does not send, and fails to parse it after the task
        # was enqueued. Only that exact case counts as success.

        if emulated() and str(exc) == "Invalid resource name format.":
            return True
        raise
    return True
