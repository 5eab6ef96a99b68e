"""Log-based metrics, alert policies and the dashboard, as data (applied by infra/provision.py).

Every metric counts structured log lines the code writes (functions/backend/logs.py: `jsonPayload.message`
is the first argument of logs.info/warning/error); tests/unit/test_provision.py proves each message
still exists in the code, so renaming a log line cannot silently blind an alert.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from infra.iac.resources import FUNCTIONS

_RUN = 'resource.type="cloud_run_revision"'


@dataclass(frozen=True)
class LogMetric:
    name: str
    description: str
    messages: tuple[str, ...]  # jsonPayload.message values the code logs

    @property
    def filter(self) -> str:
        quoted = " OR ".join(f'jsonPayload.message="{m}"' for m in self.messages)
        return f"{_RUN} AND ({quoted})"


METRICS: tuple[LogMetric, ...] = (
    LogMetric(
        "crisis_alert_unacknowledged",
        "A crisis alert still active 5 minutes after it was raised (watch_crisis_alerts, every minute)",
        ("crisis alert unacknowledged",),
    ),
    LogMetric(
        "task_queue_failures",
        "A Cloud Tasks enqueue failed (stats flush, session timers)",
        ("stats flush not enqueued", "session timers not planned"),
    ),
    LogMetric(
        "pubsub_failures",
        "A Pub/Sub publish failed (session.ended, safety assessments)",
        ("session.ended not published", "safety assessment not published"),
    ),
    LogMetric(
        "ai_provider_failures",
        "The AI provider failed; users got the fallback reply or an offline summary/embedding",
        ("AI provider failed", "summary model failed; offline summary", "embedding model failed; offline"),
    ),
    LogMetric(
        "memory_pending_stuck",
        "A session memory still pending 2 minutes after the session ended, or not written",
        ("memory stuck in pending; republished", "memory not written"),
    ),
)


@dataclass(frozen=True)
class AlertPolicy:
    name: str
    documentation: str
    metric_filter: str
    threshold: float
    window_seconds: int

    def body(self, channels: list[str]) -> dict[str, Any]:
        """The policy as `gcloud alpha monitoring policies create --policy-from-file` reads it."""
        return {
            "displayName": self.name,
            "documentation": {"content": self.documentation, "mimeType": "text/markdown"},
            "combiner": "OR",
            "conditions": [
                {
                    "displayName": self.name,
                    "conditionThreshold": {
                        "filter": self.metric_filter,
                        "comparison": "COMPARISON_GT",
                        "thresholdValue": self.threshold,
                        "duration": "0s",
                        "aggregations": [
                            {
                                "alignmentPeriod": f"{self.window_seconds}s",
                                "perSeriesAligner": "ALIGN_SUM",
                                "crossSeriesReducer": "REDUCE_SUM",
                            }
                        ],
                    },
                }
            ],
            "notificationChannels": channels,
            "alertStrategy": {"autoClose": "86400s"},
        }


def _user_metric(name: str) -> str:
    return f'metric.type="logging.googleapis.com/user/{name}" AND resource.type="cloud_run_revision"'


def service_name(function: str) -> str:
    """Cloud Run service of a 2nd-gen function: lower case, underscores as hyphens."""
    return function.lower().replace("_", "-")


def alert_policies() -> list[AlertPolicy]:
    policies = [
        AlertPolicy(
            "Crisis alert unacknowledged for 5 minutes",
            "A person may be in crisis and no admin acknowledged the alert. Open the admin console "
            "(GET /api/v1/admin/crisis-alerts?status=active) and acknowledge it; follow the crisis runbook.",
            _user_metric("crisis_alert_unacknowledged"),
            0,
            60,
        ),
        AlertPolicy(
            "Task queue failures",
            "Enqueueing Cloud Tasks failed: stats or session timers may be late. Check the queue and IAM.",
            _user_metric("task_queue_failures"),
            0,
            300,
        ),
        AlertPolicy(
            "Pub/Sub failures",
            "Publishing failed: memories or deep safety assessments may be missing. Check Pub/Sub and IAM.",
            _user_metric("pubsub_failures"),
            0,
            300,
        ),
        AlertPolicy(
            "Pub/Sub deliveries backing up",
            "A trigger's subscription has messages unacknowledged for over 10 minutes (a failing function).",
            'metric.type="pubsub.googleapis.com/subscription/oldest_unacked_message_age" '
            'AND resource.type="pubsub_subscription"',
            600,
            300,
        ),
        AlertPolicy(
            "AI provider failures",
            "The AI provider is failing: users get fallback replies. Check the key, quota and status page.",
            _user_metric("ai_provider_failures"),
            5,
            300,
        ),
        AlertPolicy(
            "Memory pipeline stuck in pending",
            "Session memories stay pending: check session_memory's errors and the session-ended topic.",
            _user_metric("memory_pending_stuck"),
            0,
            1800,
        ),
    ]
    for function in FUNCTIONS:
        policies.append(
            AlertPolicy(
                f"Errors in {function.name}",
                f"{function.name} logged errors (5xx, crashes, retries). Check its logs in Cloud Logging.",
                'metric.type="logging.googleapis.com/log_entry_count" AND resource.type="cloud_run_revision" '
                f'AND resource.label.service_name="{service_name(function.name)}" AND metric.label.severity="ERROR"',
                5,
                300,
            )
        )
    return policies


def dashboard() -> dict[str, Any]:
    """The Cloud Monitoring dashboard (`gcloud monitoring dashboards create --config-from-file`)."""
    tiles: list[dict[str, Any]] = []
    charts = [(m.description.split(" (")[0], _user_metric(m.name)) for m in METRICS]
    charts.append(
        (
            "Requests by function and status class",
            'metric.type="run.googleapis.com/request_count" AND resource.type="cloud_run_revision"',
        )
    )
    charts.append(
        (
            "Errors by function",
            'metric.type="logging.googleapis.com/log_entry_count" AND resource.type="cloud_run_revision" '
            'AND metric.label.severity="ERROR"',
        )
    )
    for index, (title, metric_filter) in enumerate(charts):
        tiles.append(
            {
                "xPos": (index % 2) * 6,
                "yPos": (index // 2) * 4,
                "width": 6,
                "height": 4,
                "widget": {
                    "title": title,
                    "xyChart": {
                        "dataSets": [
                            {
                                "timeSeriesQuery": {
                                    "timeSeriesFilter": {
                                        "filter": metric_filter,
                                        "aggregation": {
                                            "alignmentPeriod": "60s",
                                            "perSeriesAligner": "ALIGN_SUM",
                                        },
                                    }
                                },
                                "plotType": "LINE",
                            }
                        ]
                    },
                },
            }
        )
    return {"displayName": "Sessions backend", "mosaicLayout": {"columns": 12, "tiles": tiles}}
