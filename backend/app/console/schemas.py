"""Bodies of the console API that are not about handoffs: sign-in, staff, case records."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas import Description, Location, cleaned_text
from app.staff.models import Presence


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=256)]


class TeamPublic(BaseModel):
    code: str
    name: str


class StaffPublic(BaseModel):
    username: str
    display_name: str
    role: str
    presence: str
    capacity: int
    teams: list[TeamPublic]


class Me(StaffPublic):
    csrf_token: str
    session_expires_at: datetime


class PresenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    presence: Presence


class CaseEvent(BaseModel):
    status: str
    step_text: str
    internal_note: str | None
    actor: str
    occurred_at: datetime


class ApplicationRecord(BaseModel):
    """An application as staff see it: applicant, history with internal notes."""

    application_number: str
    application_type_name: str
    status: str
    status_text: str
    submitted_at: datetime
    applicant_name: str
    applicant_date_of_birth: date
    applicant_phone: str | None
    events: list[CaseEvent]


class ServiceRequestRecord(BaseModel):
    request_number: str
    category: str
    category_name: str
    department_name: str
    status: str
    status_text: str
    location: str
    description: str
    channel: str
    contact_phone: str | None
    created_at: datetime
    target_date: date
    events: list[CaseEvent]


class CaseNumberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: Annotated[str, Field(max_length=32)]


class ServiceRequestOnBehalf(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: Annotated[str, Field(max_length=40)]
    location: Location
    description: Description


class ServiceRequestUpdateIn(BaseModel):
    """Information the citizen gave the agent about an existing request."""

    model_config = ConfigDict(extra="forbid")

    information: Annotated[str, Field(max_length=1200), cleaned_text(min_length=3, max_length=1000, multiline=True)]


class AuditEntryPublic(BaseModel):
    occurred_at: datetime
    actor: str
    action: str
    object_type: str
    object_ref: str


class Ok(BaseModel):
    status: Literal["ok"] = "ok"
