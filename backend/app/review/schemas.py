"""Bodies of the review API: messages the Rasa server posts, what the trainer's page reads and writes."""

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from app.review.models import ReviewReason
from app.schemas import Channel, IntentName

EntityName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
MAX_TEXT = 2000


class EntitySpan(BaseModel):
    """One entity in a message: its name, the value, and where it stands in the text."""

    model_config = ConfigDict(extra="forbid")

    entity: EntityName
    value: Annotated[str, Field(min_length=1, max_length=200)]
    start: Annotated[int, Field(ge=0, le=MAX_TEXT)]
    end: Annotated[int, Field(ge=1, le=MAX_TEXT)]

    @model_validator(mode="after")
    def _span_in_order(self) -> "EntitySpan":
        if self.end <= self.start:
            raise ValueError("an entity ends after it starts")
        return self


class ReviewMessageCreate(BaseModel):
    """A citizen message the assistant was unsure of, as the Rasa server saw it (unknown fields refused)."""

    model_config = ConfigDict(extra="forbid")

    conversation_id: Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:+=@-]+$")]
    at: AwareDatetime
    channel: Channel
    language: Annotated[str, Field(pattern=r"^[a-z]{2}$")] | None = None
    text: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
    intent: IntentName | None = None
    confidence: Annotated[float, Field(ge=0, le=1)] | None = None
    entities: Annotated[list[EntitySpan], Field(max_length=20)] = []
    reasons: Annotated[list[ReviewReason], Field(min_length=1, max_length=5)]


class ReviewMessagesCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    messages: Annotated[list[ReviewMessageCreate], Field(min_length=1, max_length=200)]


class ReviewMessagesRecorded(BaseModel):
    recorded: int = Field(description="How many messages were new (one posted again only adds its reasons).")


class ReviewMessagePublic(BaseModel):
    id: int
    conversation_id: str
    sent_at: datetime
    channel: str
    language: str | None
    text: str
    predicted_intent: str | None
    confidence: float | None
    predicted_entities: list[EntitySpan]
    reasons: list[str]
    status: str
    annotated_intent: str | None
    annotated_entities: list[EntitySpan] | None
    annotated_by: str | None
    annotated_at: datetime | None


class AnnotationIn(BaseModel):
    """The trainer's verdict: the right intent (or out of scope) and the entities in the text."""

    model_config = ConfigDict(extra="forbid")

    intent: IntentName | None = None
    out_of_scope: bool = False
    entities: Annotated[list[EntitySpan], Field(max_length=20)] = []

    @model_validator(mode="after")
    def _intent_or_out_of_scope(self) -> "AnnotationIn":
        if self.out_of_scope == (self.intent is not None):
            raise ValueError("give either the right intent or out_of_scope, not both")
        if self.out_of_scope and self.entities:
            raise ValueError("an out-of-scope message has no entities")
        return self


class ReviewVocabularyPublic(BaseModel):
    """What a trainer may choose from: the intents and entities of the model the assistant runs."""

    intents: list[str]
    entities: list[str]
