"""Request and response bodies of the API (pydantic 2), with their validation rules."""

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from app.free_text import clean_free_text
from app.identifiers import normalise_application_number
from app.phones import E164_PATTERN
from app.statuses import ApplicationStatus, ServiceKind

_HAS_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


def cleaned_text(*, min_length: int, max_length: int, multiline: bool = False, meaningful: bool = False):  # type: ignore[no-untyped-def]
    """A validator that cleans free text, then checks its length on what is left."""

    def validate(value: str) -> str:
        text = clean_free_text(value, multiline=multiline)
        if not text:
            raise ValueError("must not be empty")
        if len(text) < min_length:
            raise ValueError(f"must be at least {min_length} characters long")
        if len(text) > max_length:
            raise ValueError(f"must be at most {max_length} characters long")
        if meaningful and not _HAS_LETTER_OR_DIGIT.search(text):
            raise ValueError("must contain a letter or a digit")
        return text

    return AfterValidator(validate)


def _application_number(value: str) -> str:
    number = normalise_application_number(value)
    if number is None:
        raise ValueError("must be an application number like APP-204817")
    return number


# Raw limits stop huge inputs before any cleaning work; the cleaned text is
# then held to the limits the contract states.
Location = Annotated[str, Field(max_length=400), cleaned_text(min_length=3, max_length=300, meaningful=True)]
Description = Annotated[str, Field(max_length=1200), cleaned_text(min_length=5, max_length=1000, multiline=True)]
TranscriptText = Annotated[str, Field(max_length=5000), cleaned_text(min_length=1, max_length=4000, multiline=True)]
ConversationId = Annotated[str, Field(max_length=128), cleaned_text(min_length=1, max_length=128)]
Channel = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,31}$")]
ShortLabel = Annotated[str, Field(max_length=200), cleaned_text(min_length=1, max_length=200)]
IntentName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_./-]{1,64}$")]
ContactPhone = Annotated[str, Field(pattern=r"^\+?[0-9 ()-]{5,31}$")]
# A number exactly as Twilio gives it (From of a signed webhook): +447700900010.
E164Phone = Annotated[str, Field(pattern=E164_PATTERN, examples=["+447700900010"])]


class ErrorMessage(BaseModel):
    detail: str = Field(examples=["No application matches those details."])


# --- services -------------------------------------------------------------


class ServicePublic(BaseModel):
    code: str = Field(examples=["pothole"])
    name: str = Field(examples=["Pothole or damaged road"])
    kind: ServiceKind
    department_name: str = Field(examples=["Roads"])
    service_level_days: int | None = Field(
        description="Working days to resolve; only for request categories.", examples=[5]
    )
    description: str


# --- applications ---------------------------------------------------------


class ApplicationStatusLookup(BaseModel):
    """A number plus exactly one proof of identity: date of birth, receipt PIN, or the applicant's phone.

    `phone` is for the SMS channel only: the number a text message came from,
    taken from the Twilio-signed request (carrier-provided), never from what
    the citizen typed. See docs/conversation-design.md, "Phone as proof".
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"application_number": "APP-204817", "date_of_birth": "1985-03-14"},
                {"application_number": "APP-204817", "pin": "482913"},
                {"application_number": "APP-204817", "phone": "+447700900010"},
            ]
        },
    )

    application_number: Annotated[str, Field(max_length=32), AfterValidator(_application_number)]
    date_of_birth: date | None = None
    pin: Annotated[str, Field(pattern=r"^\d{6}$")] | None = None
    phone: E164Phone | None = None
    # Where the attempt comes from, for the limit on guessing (not proofs): the
    # assistant's conversation, and the number a text or call came from.
    conversation_id: ConversationId | None = None
    caller_phone: E164Phone | None = None

    @model_validator(mode="after")
    def _exactly_one_proof(self) -> "ApplicationStatusLookup":
        if sum(proof is not None for proof in (self.date_of_birth, self.pin, self.phone)) != 1:
            raise ValueError("give exactly one of date_of_birth, pin or phone")
        return self


class ApplicationStatusPublic(BaseModel):
    application_number: str = Field(examples=["APP-204817"])
    application_type: str = Field(examples=["business_licence"])
    application_type_name: str = Field(examples=["Business licence"])
    status: str = Field(examples=["under_review"])
    status_text: str = Field(examples=["Under review"])
    last_step: str = Field(examples=["A caseworker started reviewing your application."])
    last_step_at: datetime
    next_step: str


# --- service requests -----------------------------------------------------


class ServiceRequestCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "category": "pothole",
                    "location": "Mill Lane outside no. 14",
                    "description": "Deep pothole in the cycle lane, about 30 cm wide.",
                    "channel": "webchat",
                    "conversation_id": "3f1c2a9e-webchat",
                }
            ]
        },
    )

    category: Annotated[str, Field(max_length=40, examples=["pothole"])]
    location: Location
    description: Description
    channel: Channel
    conversation_id: ConversationId | None = None
    contact_phone: ContactPhone | None = None
    # The reporter agreed to hear about changes on the channel they used.
    wants_updates: bool = False


class ServiceRequestCreated(BaseModel):
    request_number: str = Field(examples=["SR-100233"])
    category: str = Field(examples=["pothole"])
    category_name: str = Field(examples=["Pothole or damaged road"])
    status: str = Field(examples=["received"])
    status_text: str = Field(examples=["Received"])
    department_name: str = Field(examples=["Roads"])
    target_date: date
    created_at: datetime


class ServiceRequestPublic(BaseModel):
    """What anyone holding the number may see: no reporter data, no internal notes."""

    request_number: str = Field(examples=["SR-100231"])
    category: str = Field(examples=["pothole"])
    category_name: str = Field(examples=["Pothole or damaged road"])
    status: str = Field(examples=["in_progress"])
    status_text: str = Field(examples=["Work in progress"])
    last_step: str
    last_step_at: datetime
    department_name: str = Field(examples=["Roads"])


# --- work orders (departments acting on service requests) ----------------

StaffName = Annotated[str, Field(max_length=200), cleaned_text(min_length=2, max_length=120, meaningful=True)]
DepartmentCode = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,39}$", examples=["roads"])]
# Shown to the citizen as a step of their request (the step text column holds 500).
CitizenText = Annotated[str, Field(max_length=600), cleaned_text(min_length=5, max_length=500, meaningful=True)]
StaffNote = Annotated[str, Field(max_length=5000), cleaned_text(min_length=2, max_length=4000, multiline=True)]


class WorkOrderUpdate(BaseModel):
    """Who acts, for which department (the one the work order is with), and an optional note for staff."""

    model_config = ConfigDict(extra="forbid")

    actor: StaffName = Field(examples=["Dana Reid"])
    department: DepartmentCode
    internal_note: StaffNote | None = None


class WorkOrderReassign(WorkOrderUpdate):
    to_department: DepartmentCode = Field(examples=["parks"])
    reason: StaffNote = Field(examples=["The verge belongs to the park, not the road."])


class WorkOrderProgress(WorkOrderUpdate):
    """A progress note: for staff, for the citizen (shown and sent to them), or both."""

    citizen_message: CitizenText | None = Field(default=None, examples=["The crew is booked for Thursday."])

    @model_validator(mode="after")
    def _says_something(self) -> "WorkOrderProgress":
        if self.internal_note is None and self.citizen_message is None:
            raise ValueError("give an internal_note, a citizen_message, or both")
        return self


class WorkOrderResolve(WorkOrderUpdate):
    resolution: CitizenText = Field(examples=["The pothole was filled on 12 March."])


class WorkOrderReject(WorkOrderUpdate):
    reason: CitizenText = Field(examples=["The lane is private land; the owner has been told."])


class WorkOrderClose(BaseModel):
    """The hotline closes a resolved request after checking the work."""

    model_config = ConfigDict(extra="forbid")

    actor: StaffName
    internal_note: StaffNote | None = None


class WorkOrderStep(BaseModel):
    action: str = Field(examples=["accepted"])
    status: str = Field(examples=["accepted"])
    step_text: str
    internal_note: str | None
    reason: str | None
    actor: str
    department: str | None = Field(examples=["roads"])
    occurred_at: datetime
    visible_to_citizen: bool
    notify_citizen: bool


class WorkOrderSummary(BaseModel):
    """A work order as departments and supervisors see it; no reporter contact details."""

    request_number: str = Field(examples=["SR-100231"])
    category: str
    category_name: str
    status: str
    status_text: str
    department: str
    department_name: str
    location: str
    description: str
    channel: str
    created_at: datetime
    updated_at: datetime
    target_date: date
    overdue: bool
    escalated_at: datetime | None


class WorkOrderPublic(WorkOrderSummary):
    history: list[WorkOrderStep]


class ApplicationStatusChange(BaseModel):
    """A caseworker moves an application on; a reason is needed for rejections, withdrawals and document requests."""

    model_config = ConfigDict(extra="forbid")

    to_status: ApplicationStatus
    actor: StaffName
    citizen_message: CitizenText | None = None
    reason: StaffNote | None = None
    internal_note: StaffNote | None = None


class ApplicationUpdatesChoice(BaseModel):
    """The applicant's answer to "text me about progress" (on the application form, or asked by a caseworker)."""

    model_config = ConfigDict(extra="forbid")

    wants_updates: bool
    actor: StaffName


class ApplicationUpdatesChosen(BaseModel):
    application_number: str
    wants_updates: bool
    # Whether a phone is on record to text; without one the choice cannot be honoured yet.
    phone_on_record: bool


class ApplicationStatusChanged(BaseModel):
    """The application's new state, without any of the applicant's personal data."""

    application_number: str
    status: str
    status_text: str
    last_step: str
    last_step_at: datetime
    next_step: str


# --- SMS consent ----------------------------------------------------------

SmsKeyword = Annotated[str, Field(pattern=r"^[A-Z]{2,16}$", examples=["STOP"])]


class SmsConsentLookup(BaseModel):
    """The number travels in the body, never in a URL, so that it stays out of access logs."""

    model_config = ConfigDict(extra="forbid")

    phone: E164Phone


class SmsConsentUpdate(BaseModel):
    """A citizen's keyword: STOP and its synonyms opt out, START opts back in."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"phone": "+447700900010", "opted_out": True, "keyword": "STOP"}]},
    )

    phone: E164Phone
    opted_out: bool
    keyword: SmsKeyword


class SmsConsentPublic(BaseModel):
    phone: str = Field(examples=["+447700900010"])
    opted_out: bool
    keyword: str | None = Field(description="The keyword of the last change; null if there was none.")
    updated_at: datetime | None = Field(description="When the number last changed its choice; null if never.")


# --- conversation facts (from the Rasa server's broker) --------------------


class ConversationFactKind(StrEnum):
    SESSION_STARTED = "session_started"
    CITIZEN_TURN = "citizen_turn"
    HANDED_OFF = "handed_off"
    CALLBACK_FILED = "callback_filed"


# The reference each kind carries: a handoff's, or the service request that tracks a callback.
_FACT_REFERENCE = {ConversationFactKind.HANDED_OFF: "HO-", ConversationFactKind.CALLBACK_FILED: "SR-"}


class ConversationFactCreate(BaseModel):
    """One thing that happened in a conversation; never the text of a message (unknown fields are refused)."""

    model_config = ConfigDict(extra="forbid")

    kind: ConversationFactKind
    conversation_id: Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:+=@-]+$")]
    at: AwareDatetime
    channel: Channel | None = None
    language: Annotated[str, Field(pattern=r"^[a-z]{2}$")] | None = None
    intent: IntentName | None = None
    confidence: Annotated[float, Field(ge=0, le=1)] | None = None
    reference: Annotated[str, Field(pattern=r"^(HO|SR)-[0-9]{6}$")] | None = None

    @model_validator(mode="after")
    def _fields_of_its_kind(self) -> "ConversationFactCreate":
        if self.kind == ConversationFactKind.CITIZEN_TURN and self.channel is None:
            raise ValueError("a citizen_turn needs the channel")
        prefix = _FACT_REFERENCE.get(self.kind)
        if prefix is not None and not (self.reference or "").startswith(prefix):
            raise ValueError(f"a {self.kind.value} fact needs a reference starting with {prefix}")
        return self


class ConversationFactsCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "facts": [
                        {"kind": "session_started", "conversation_id": "3f1c2a9e", "at": "2026-03-16T09:14:02Z"},
                        {
                            "kind": "citizen_turn",
                            "conversation_id": "3f1c2a9e",
                            "at": "2026-03-16T09:14:03Z",
                            "channel": "webchat",
                            "language": "en",
                            "intent": "request_human",
                            "confidence": 0.97,
                        },
                        {
                            "kind": "handed_off",
                            "conversation_id": "3f1c2a9e",
                            "at": "2026-03-16T09:14:04Z",
                            "reference": "HO-000042",
                        },
                    ]
                }
            ]
        },
    )

    facts: Annotated[list[ConversationFactCreate], Field(min_length=1, max_length=500)]


class ConversationFactsRecorded(BaseModel):
    recorded: int = Field(description="How many facts were new (a batch sent twice records nothing the second time).")


# --- citizens' updates (notifications shown on the web chat page) ----------


class CitizenUpdatePublic(BaseModel):
    """One change of a request, as its citizen reads it: the step text, never a staff note."""

    reference: str = Field(examples=["SR-100232"])
    subject: str = Field(examples=["Street light not working"])
    status_text: str = Field(examples=["Resolved"])
    text: str = Field(examples=["The lamp was replaced on 12 March."])
    occurred_at: datetime


class CitizenUpdatesPublic(BaseModel):
    updates: list[CitizenUpdatePublic]


# --- health ---------------------------------------------------------------


class HealthStatus(BaseModel):
    status: Literal["ok", "error"]
    database: Literal["ok", "unavailable"]
