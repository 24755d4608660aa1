"""Bodies of the handoff API: what the assistant and the channels send, what the console reads."""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas import Channel, ContactPhone, ConversationId, IntentName, ShortLabel, TranscriptText, cleaned_text
from app.statuses import WrapUpCode

Language = Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Za-z]{2,4})?$")]
CaseNumber = Annotated[str, Field(pattern=r"^(APP|SR)-[0-9]{6}$")]
Topic = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]
AgentText = Annotated[str, Field(max_length=2400), cleaned_text(min_length=1, max_length=2000, multiline=True)]
Note = Annotated[str, Field(max_length=2400), cleaned_text(min_length=1, max_length=2000, multiline=True)]


class TranscriptLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sender: Literal["citizen", "assistant", "agent", "system"]
    text: TranscriptText
    sent_at: datetime


class EntityValue(BaseModel):
    model_config = ConfigDict(extra="ignore")

    entity: Annotated[str, Field(max_length=64)]
    value: Annotated[str, Field(max_length=200), cleaned_text(min_length=1, max_length=200)]


class HandoffCreate(BaseModel):
    """The handoff packet the assistant sends: who, where, why, what it understood, what was said."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "conversation_id": "3f1c2a9e0d6b4c8a9e7f",
                    "channel": "webchat",
                    "language": "en",
                    "reason": "citizen_asked_for_human",
                    "topic": "check_application_status",
                    "intent": "request_human",
                    "intent_confidence": 0.97,
                    "entities": [],
                    "case_numbers": ["APP-204817"],
                    "transcript": [
                        {"sender": "citizen", "text": "I want to talk to a person", "sent_at": "2026-11-20T09:14:03Z"}
                    ],
                }
            ]
        },
    )

    conversation_id: ConversationId
    channel: Channel
    language: Language = "en"
    reason: Topic
    topic: Topic | None = None
    intent: IntentName | None = None
    intent_confidence: Annotated[float, Field(ge=0, le=1)] | None = None
    entities: Annotated[list[EntityValue], Field(max_length=20)] = []
    case_numbers: Annotated[list[CaseNumber], Field(max_length=10)] = []
    transcript: Annotated[list[TranscriptLine], Field(max_length=500)] = []


class HandoffQueued(BaseModel):
    """The handoff is in its team's queue: what the assistant tells the citizen."""

    status: Literal["queued"] = "queued"
    reference: str = Field(examples=["HO-000042"])
    team: str = Field(examples=["permits"])
    team_name: str = Field(examples=["Permits and benefits"])
    queue_position: int = Field(examples=[2])
    estimated_wait_minutes: int = Field(examples=[8])


class CentreClosed(BaseModel):
    """Nobody is on duty: no handoff was made; the assistant offers a callback instead."""

    status: Literal["closed"] = "closed"
    team: str
    opens_at: datetime


class CitizenMessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: TranscriptText
    sent_at: datetime | None = None
    intent: IntentName | None = None
    intent_confidence: Annotated[float, Field(ge=0, le=1)] | None = None


class CitizenMessageRelayed(BaseModel):
    reference: str


class ActiveHandoff(BaseModel):
    reference: str
    status: str
    team: str


class CallbackCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversation_id: ConversationId
    channel: Channel
    language: Language = "en"
    phone: ContactPhone
    topic: Topic | None = None
    reason: ShortLabel = "callback"


class CallbackFiled(BaseModel):
    request_number: str = Field(examples=["SR-100240"])
    expected_from: datetime
    expected_until: datetime


class SatisfactionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversation_id: ConversationId
    channel: Channel
    rating: Annotated[int, Field(ge=1, le=5)]
    comment: (
        Annotated[str, Field(max_length=1200), cleaned_text(min_length=1, max_length=1000, multiline=True)] | None
    ) = None


class SatisfactionRecorded(BaseModel):
    rating: int
    handoff_reference: str | None


# --- console ---------------------------------------------------------------


class MessagePublic(BaseModel):
    id: int
    sender: str
    author_name: str | None
    text: str
    internal: bool
    delivery: str
    sent_at: datetime


class EventPublic(BaseModel):
    kind: str
    actor: str
    team: str | None
    note: str | None
    occurred_at: datetime


class HandoffSummary(BaseModel):
    """A row of the console's queue."""

    reference: str
    conversation_id: str
    channel: str
    language: str
    reason: str
    topic: str | None
    intent: str | None
    intent_confidence: float | None
    entities: list[dict[str, Any]]
    case_numbers: list[str]
    team: str
    team_name: str
    status: str
    assigned_agent: str | None
    assigned_agent_name: str | None
    created_at: datetime
    claimed_at: datetime | None
    waiting_seconds: int
    queue_position: int | None
    last_citizen_message: str | None


class HandoffDetail(HandoffSummary):
    messages: list[MessagePublic]
    events: list[EventPublic]
    wrap_up_code: str | None


class AgentMessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: AgentText


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Note


class TransferIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    team: Annotated[str, Field(max_length=40)] | None = None
    agent: Annotated[str, Field(max_length=64)] | None = None
    note: Note


class HandBackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Note


class CloseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    wrap_up_code: WrapUpCode
    note: Note | None = None


class CannedReplyPublic(BaseModel):
    id: int
    title: str
    text: str
    team: str | None
