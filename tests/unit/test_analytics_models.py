"""Analytics ranges: inclusive UTC days, ordered, at most a year (the rollup reads one document per day)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.models.analytics import MAX_RANGE_DAYS, AnalyticsRangeQuery, RollupRequest


def test_a_range_is_read_from_from_and_to() -> None:
    query = AnalyticsRangeQuery.model_validate({"from": "2030-01-01", "to": "2030-01-31"})
    assert (query.end - query.start).days == 30


@pytest.mark.parametrize("model", [AnalyticsRangeQuery, RollupRequest])
def test_backwards_and_over_long_ranges_are_refused(model: type[AnalyticsRangeQuery]) -> None:
    with pytest.raises(ValidationError):
        model.model_validate({"from": "2030-01-02", "to": "2030-01-01"})
    with pytest.raises(ValidationError):
        model.model_validate({"from": "2030-01-01", "to": "2031-01-02"})  # 367 days
    longest = model.model_validate({"from": "2030-01-01", "to": "2031-01-01"})
    assert (longest.end - longest.start).days + 1 == MAX_RANGE_DAYS
