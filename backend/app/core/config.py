"""Settings of the back-office API, read once from the environment."""

from pathlib import Path
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_SERVICE_TOKEN = "dev-service-token"


class Settings(BaseSettings):
    """Every knob of the backend; names match the environment variables."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=True)

    # The embedded default needs no setup; production points this at PostgreSQL.
    DATABASE_URL: str = f"sqlite:///{REPO_ROOT / 'var' / 'backend.db'}"
    # Bearer token the action server presents on /api/v1/*.
    BACKEND_SERVICE_TOKEN: str = DEFAULT_SERVICE_TOKEN
    ENVIRONMENT: Literal["development", "production"] = "development"
    # Region (ISO 3166 code) that citizens' phone numbers without a country code belong to.
    PHONE_DEFAULT_REGION: str = "GB"

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> "Settings":
        # A production deployment that forgot to set the token would accept
        # the token printed in the README: fail at start-up instead.
        if self.ENVIRONMENT == "production" and (
            self.BACKEND_SERVICE_TOKEN == DEFAULT_SERVICE_TOKEN or len(self.BACKEND_SERVICE_TOKEN) < 24
        ):
            raise ValueError(
                "BACKEND_SERVICE_TOKEN must be set to a secret of at least 24 characters when ENVIRONMENT=production"
            )
        return self


settings = Settings()
