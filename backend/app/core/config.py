"""Settings of the back-office API, read once from the environment."""

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.handoff.opening_hours import OpeningHours

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
    # How often the back office looks for overdue work orders to escalate;
    # 0 leaves it to `python -m app.manage escalate-overdue` (cron, tests).
    OVERDUE_CHECK_INTERVAL_SECONDS: float = Field(default=0, ge=0)
    # How often the back office sends citizens' notifications that are due;
    # 0 leaves it to `python -m app.manage send-notifications` (cron, tests).
    NOTIFICATION_INTERVAL_SECONDS: float = Field(default=0, ge=0)
    # A step that could not be sent within this many hours is old news: it is not sent any more.
    NOTIFICATION_MAX_AGE_HOURS: float = Field(default=72, gt=0)
    NOTIFICATION_MAX_ATTEMPTS: int = Field(default=5, ge=1)
    # Text messages to citizens go through Twilio (the SMS channel's account and number);
    # TWILIO_API_BASE_URL points the twilio library elsewhere (a local stand-in in tests).
    # Without an account and a sender number, text notifications wait (and expire).
    TWILIO_ACCOUNT_SID: str = ""
    TWILIO_AUTH_TOKEN: str = ""
    TWILIO_API_BASE_URL: str = "https://api.twilio.com"
    TWILIO_SMS_FROM: str = ""
    # Open311 GeoReport v2: which city this endpoint serves, and who runs it.
    OPEN311_JURISDICTION_ID: str = "northbridge.example.org"
    OPEN311_CONTACT: str = "Northbridge 12345 hotline, open311@northbridge.example.org"

    # Where agents' replies and hand-backs go: the Rasa server's HTTP API.
    RASA_URL: str = "http://127.0.0.1:5005"
    RASA_AUTH_TOKEN: str = ""
    RASA_TIMEOUT_SECONDS: float = 5.0
    # Live updates across back-office processes; empty = this process only.
    REDIS_URL: str = ""
    # Requests whose response starts later than this are logged (method, route template, ms); 0: none.
    SLOW_REQUEST_MS: float = Field(default=500, ge=0)

    # When agents staff the contact centre, in its own time zone ("always" for round the clock).
    CALL_CENTRE_HOURS: str = "Mon-Fri 08:00-18:00; Sat 09:00-13:00"
    CALL_CENTRE_TIMEZONE: str = "Europe/London"
    # Callbacks filed out of hours are made within this many hours of opening.
    CALLBACK_WINDOW_HOURS: int = 2
    # Assumed time an agent spends on one conversation until there is history to measure.
    DEFAULT_HANDLE_MINUTES: float = 6.0

    # How long conversations (handoff transcripts, ratings' comments, conversation facts' ids, the Rasa
    # tracker store's events) are kept once over; `python -m app.manage purge-conversations` applies it.
    # Case records (applications, service requests and their steps) are kept regardless.
    CONVERSATION_RETENTION_DAYS: int = Field(default=90, ge=1)
    # The Rasa server's tracker store database, for the same command (empty: left to Rasa's own tools).
    RASA_TRACKER_DB_URL: str = ""

    # Console sign-in: sessions last a working day; cookies are Secure outside development.
    CONSOLE_SESSION_HOURS: int = 10
    LOGIN_ATTEMPTS_PER_15_MINUTES: int = 5

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
        if self.ENVIRONMENT == "production" and not self.RASA_AUTH_TOKEN:
            raise ValueError("RASA_AUTH_TOKEN must be set when ENVIRONMENT=production (Rasa's HTTP API needs it)")
        OpeningHours.parse(self.CALL_CENTRE_HOURS, self.CALL_CENTRE_TIMEZONE)  # fail at start-up, not per call
        return self

    @property
    def sms_configured(self) -> bool:
        return bool(self.TWILIO_ACCOUNT_SID and self.TWILIO_AUTH_TOKEN and self.TWILIO_SMS_FROM)

    @property
    def cookies_secure(self) -> bool:
        return self.ENVIRONMENT == "production"

    @property
    def opening_hours(self) -> OpeningHours:
        return OpeningHours.parse(self.CALL_CENTRE_HOURS, self.CALL_CENTRE_TIMEZONE)


settings = Settings()
