"""The project id comes from GCLOUD_PROJECT (runtime, emulators) or GOOGLE_CLOUD_PROJECT (gcloud users)."""

from __future__ import annotations

import pytest

from shared.settings import Settings


@pytest.mark.parametrize("variable", ["GCLOUD_PROJECT", "GOOGLE_CLOUD_PROJECT"])
def test_either_variable_names_the_project(variable: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GCLOUD_PROJECT", raising=False)
    monkeypatch.delenv("GOOGLE_CLOUD_PROJECT", raising=False)
    monkeypatch.setenv(variable, "acme-prod")
    assert Settings().project_id == "acme-prod"


def test_without_either_it_is_the_demo_project(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GCLOUD_PROJECT", raising=False)
    monkeypatch.delenv("GOOGLE_CLOUD_PROJECT", raising=False)
    assert Settings().project_id == "demo-sessions"


def test_the_region_must_look_like_a_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESSIONS_REGION", "europe-west1")
    assert Settings().region == "europe-west1"
    monkeypatch.setenv("SESSIONS_REGION", "Europe West")
    with pytest.raises(ValueError, match="region"):
        Settings()
