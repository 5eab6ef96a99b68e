"""What a project needs, as data: APIs, per-function service accounts and roles, TTLs, scheduled jobs.

`infra/provision.py` turns this into gcloud/firebase commands; `make deploy-check` proves it against
the code (every deployed function has an account here, with the roles its imports need, and every role
is one Google defines). Least privilege: each function runs as its own account with only the roles
below, instead of the default compute account (Editor).
"""

from __future__ import annotations

from dataclasses import dataclass

APIS: tuple[str, ...] = (
    "cloudfunctions.googleapis.com",
    "run.googleapis.com",
    "cloudbuild.googleapis.com",
    "artifactregistry.googleapis.com",
    "eventarc.googleapis.com",
    "firestore.googleapis.com",
    "pubsub.googleapis.com",
    "cloudtasks.googleapis.com",
    "cloudscheduler.googleapis.com",
    "secretmanager.googleapis.com",
    "identitytoolkit.googleapis.com",
    "fcm.googleapis.com",
    "firebase.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",
    "monitoring.googleapis.com",
    "logging.googleapis.com",
    "billingbudgets.googleapis.com",
)

DATASTORE = "roles/datastore.user"
SECRETS = "roles/secretmanager.secretAccessor"
ENQUEUER = "roles/cloudtasks.enqueuer"
ACT_AS = "roles/iam.serviceAccountUser"  # tasks carry an OIDC token minted as the function's own account
TOKEN_CREATOR = "roles/iam.serviceAccountTokenCreator"  # noqa: S105 - a role name, not a secret
PUBLISHER = "roles/pubsub.publisher"
INVOKER = "roles/run.invoker"  # Cloud Tasks, Scheduler and Eventarc call the functions as this account
EVENT_RECEIVER = "roles/eventarc.eventReceiver"
FCM = "roles/firebasecloudmessaging.admin"
AUTH_VIEWER = "roles/firebaseauth.viewer"

# Every role this project may grant; deploy-check rejects any other (a typo is an unknown role).
KNOWN_ROLES: frozenset[str] = frozenset(
    {
        DATASTORE,
        SECRETS,
        ENQUEUER,
        ACT_AS,
        TOKEN_CREATOR,
        PUBLISHER,
        INVOKER,
        EVENT_RECEIVER,
        FCM,
        AUTH_VIEWER,
    }
)

# Roles implied by what a function's code can import (module -> roles), and by its trigger. deploy-check
# derives both from the code, and requires the table below to hold exactly those roles.
ROLES_FOR_IMPORT: dict[str, tuple[str, ...]] = {
    "google.cloud.firestore": (DATASTORE,),
    "firebase_admin.functions": (ENQUEUER, ACT_AS, TOKEN_CREATOR, INVOKER),  # Cloud Tasks with OIDC
    "google.cloud.pubsub_v1": (PUBLISHER,),
    "firebase_admin.messaging": (FCM,),
    "openai": (SECRETS,),  # reads OPENAI_API_KEY from Secret Manager
}
ROLES_FOR_TRIGGER: dict[str, tuple[str, ...]] = {
    "http": (),
    "task": (),  # the enqueuer's account calls a task function
    "schedule": (INVOKER,),  # Cloud Scheduler calls the function as its own account
    "pubsub": (INVOKER, EVENT_RECEIVER),  # Eventarc delivers as the function's account
}


@dataclass(frozen=True)
class Function:
    name: str
    account: str  # service account id (before @PROJECT.iam.gserviceaccount.com)
    roles: tuple[str, ...]
    trigger: str  # http | task | pubsub | schedule


# What each function's code can reach, derived by `make deploy-check` from its imports (the composition
# root counts only for the factories a function uses): the table must hold exactly those roles.
_TASKS = (ENQUEUER, ACT_AS, TOKEN_CREATOR, INVOKER)  # enqueues Cloud Tasks carrying an OIDC token
_SERVING = (DATASTORE, *_TASKS, PUBLISHER, SECRETS)
_WITH_PUSH = (*_SERVING, FCM)
FUNCTIONS: tuple[Function, ...] = (
    Function("sessions_api", "sessions-api", _WITH_PUSH, "http"),
    Function("users_api", "users-api", _SERVING, "http"),
    Function("admin_api", "admin-api", (DATASTORE, *_TASKS, PUBLISHER, SECRETS, AUTH_VIEWER), "http"),
    Function("rooms_api", "rooms-api", (DATASTORE, *_TASKS, PUBLISHER, SECRETS), "http"),
    Function("safety_api", "safety-api", (DATASTORE, *_TASKS, PUBLISHER, FCM), "http"),
    Function("meta_api", "meta-api", (DATASTORE, PUBLISHER, SECRETS), "http"),
    Function("flushSessionStats", "stats-tasks", (DATASTORE,), "task"),
    Function("sessionTimer", "session-tasks", (DATASTORE, *_TASKS, PUBLISHER, FCM), "task"),
    Function("sessionReminder", "session-tasks", (DATASTORE, *_TASKS, PUBLISHER, FCM), "task"),
    Function("sessionMissed", "session-tasks", (DATASTORE, *_TASKS, PUBLISHER, FCM), "task"),
    Function("sessionNotice", "session-tasks", (DATASTORE, *_TASKS), "task"),
    Function("flushRoomStats", "room-tasks", (DATASTORE, *_TASKS), "task"),
    Function("roomTimer", "room-tasks", (DATASTORE, *_TASKS, PUBLISHER, SECRETS), "task"),
    Function("sweep_idle_rooms", "room-jobs", (DATASTORE, *_TASKS, PUBLISHER, SECRETS), "schedule"),
    Function("sweep_idle_sessions", "session-jobs", (DATASTORE, *_TASKS, PUBLISHER), "schedule"),
    Function("purge_old_transcripts", "upkeep-jobs", (DATASTORE, INVOKER), "schedule"),
    Function("watch_crisis_alerts", "upkeep-jobs", (DATASTORE, INVOKER), "schedule"),
    Function("rollup_daily_analytics", "upkeep-jobs", (DATASTORE, INVOKER), "schedule"),
    Function(
        "safety_assess",
        "safety-events",
        (DATASTORE, INVOKER, PUBLISHER, SECRETS, FCM, EVENT_RECEIVER),
        "pubsub",
    ),
    Function("session_memory", "memory-events", (*_SERVING, EVENT_RECEIVER), "pubsub"),
)
# Roles granted by hand that the code analysis cannot see (admin_api looks users up in Firebase Auth).
EXTRA_ROLES: dict[str, tuple[str, ...]] = {"admin_api": (AUTH_VIEWER,)}


@dataclass(frozen=True)
class ScheduledJob:
    function: str
    schedule: str
    purpose: str


SCHEDULED_JOBS: tuple[ScheduledJob, ...] = (
    ScheduledJob(
        "sweep_idle_sessions", "every 5 minutes", "end idle live sessions; republish stuck memories"
    ),
    ScheduledJob("sweep_idle_rooms", "every 5 minutes", "end rooms without activity"),
    ScheduledJob("purge_old_transcripts", "every day 03:00", "transcript retention"),
    ScheduledJob("watch_crisis_alerts", "every 1 minutes", "log crisis alerts unacknowledged for 5 minutes"),
    ScheduledJob(
        "rollup_daily_analytics", "every day 00:30", "daily analytics rollup of the two previous days"
    ),
)

# Collection groups whose documents expire (field `expiresAt`): Firestore TTL policies delete them.
TTL_COLLECTIONS: tuple[str, ...] = (
    "rateLimits",
    "idempotencyKeys",
    "notifications",
    "trustedContactNotifications",
)
TTL_FIELD = "expiresAt"

SECRET_NAMES: tuple[str, ...] = ("OPENAI_API_KEY",)
