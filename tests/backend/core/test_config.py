"""Tests of the settings: defaults, and the refusal to run production on the default token."""

import subprocess
import sys

import pytest
from pydantic import ValidationError

from app.core.config import DEFAULT_SERVICE_TOKEN, REPO_ROOT, Settings
from app.manage import BACKEND_DIR


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "BACKEND_SERVICE_TOKEN", "ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert f"sqlite:///{REPO_ROOT / 'var' / 'backend.db'}" == settings.DATABASE_URL
    assert settings.BACKEND_SERVICE_TOKEN == DEFAULT_SERVICE_TOKEN
    assert settings.ENVIRONMENT == "development"


def test_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://city@db/backoffice")
    monkeypatch.setenv("BACKEND_SERVICE_TOKEN", "t" * 32)
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("RASA_AUTH_TOKEN", "r" * 32)
    monkeypatch.setenv("CALL_CENTRE_HOURS", "Mon-Fri 09:00-17:00")
    settings = Settings()
    assert settings.DATABASE_URL == "postgresql+psycopg://city@db/backoffice"
    assert settings.ENVIRONMENT == "production"
    assert settings.cookies_secure
    assert settings.opening_hours.intervals[4] and not settings.opening_hours.intervals[5]


@pytest.mark.parametrize("token", [DEFAULT_SERVICE_TOKEN, "short-secret"])
def test_production_refuses_a_default_or_weak_token(token: str) -> None:
    with pytest.raises(ValidationError, match="BACKEND_SERVICE_TOKEN"):
        Settings(ENVIRONMENT="production", BACKEND_SERVICE_TOKEN=token)


def test_unknown_environment_is_refused() -> None:
    with pytest.raises(ValidationError):
        Settings(ENVIRONMENT="staging")  # type: ignore[arg-type]


def test_the_app_does_not_start_in_production_with_the_default_token() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import app.main"],
        cwd=BACKEND_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "ENVIRONMENT": "production"},
        check=False,
    )
    assert result.returncode != 0
    assert "BACKEND_SERVICE_TOKEN must be set" in result.stderr


def test_production_needs_a_rasa_token() -> None:
    with pytest.raises(ValidationError, match="RASA_AUTH_TOKEN"):
        Settings(ENVIRONMENT="production", BACKEND_SERVICE_TOKEN="t" * 32, RASA_AUTH_TOKEN="")


def test_unreadable_opening_hours_are_refused_at_start() -> None:
    with pytest.raises(ValidationError, match="cannot read opening hours"):
        Settings(CALL_CENTRE_HOURS="weekdays nine to five")
