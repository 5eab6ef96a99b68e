"""The yearly crisis-referral report, pure part: exact counts from the `referrals/{messageId}` records
(one per message that called for a referral, docs/safety.md) and its CSV form. No personal data goes in
(the records hold none) and none comes out: counts by level and by month, and the protocol versions."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from shared.models.safety import ReferralRecord, ReferralReport
from shared.safety.levels import SafetyLevel

__all__ = ["count_referrals", "report_csv"]


def count_referrals(year: int, records: Iterable[ReferralRecord], alerts: dict[str, int]) -> ReferralReport:
    """Counts of `year`'s records: `crisis` ones by level (every level listed, zeros included) and by
    month ("01".."12"), `helper_support` ones apart; `alerts` are the alert workflow's counts
    (`crisis_alerts`, `acknowledged`, `resolved`)."""
    by_level = {level.value: 0 for level in SafetyLevel if level is not SafetyLevel.NORMAL}
    by_month = {f"{m:02d}": 0 for m in range(1, 13)}
    crisis = helper = 0
    versions: set[str] = set()
    for record in records:
        if not record.month.startswith(f"{year:04d}-"):
            continue
        versions.add(record.protocol_version)
        if record.kind != "crisis":
            helper += 1
            continue
        crisis += 1
        by_level[record.level] = by_level.get(record.level, 0) + 1
        by_month[record.month[5:]] += 1
    return ReferralReport(
        year=year,
        crisis_referrals=crisis,
        by_level=by_level,
        by_month=by_month,
        helper_support_referrals=helper,
        protocol_versions=sorted(versions),
        crisis_alerts=alerts.get("crisis_alerts", 0),
        acknowledged=alerts.get("acknowledged", 0),
        resolved=alerts.get("resolved", 0),
    )


def report_csv(report: ReferralReport) -> bytes:
    """One `metric,key,count` row per figure: easy to paste into a filing, nothing but counts."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["metric", "key", "count"])
    rows: list[tuple[str, str, Any]] = [
        ("year", "", report.year),
        ("crisis_referrals", "total", report.crisis_referrals),
        *(("crisis_referrals_by_level", k, v) for k, v in report.by_level.items()),
        *(("crisis_referrals_by_month", f"{report.year:04d}-{k}", v) for k, v in report.by_month.items()),
        ("helper_support_referrals", "total", report.helper_support_referrals),
        *(("protocol_version", version, "") for version in report.protocol_versions),
        ("crisis_alerts", "total", report.crisis_alerts),
        ("crisis_alerts", "acknowledged", report.acknowledged),
        ("crisis_alerts", "resolved", report.resolved),
    ]
    writer.writerows(rows)
    return out.getvalue().encode()
