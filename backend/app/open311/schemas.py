"""What Open311 clients send: the POST form of a new request and the filters of a request search, validated."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from app.identifiers import normalise_request_number
from app.schemas import ContactPhone, Location, cleaned_text

# The specification: "free form text limited to 4,000 characters", no markup needed.
DESCRIPTION_LIMIT = 4000
MAX_SEARCH_DAYS = 90
MAX_REQUEST_IDS = 200
OPEN, CLOSED = "open", "closed"
SERVICE_CODE = re.compile(r"^[a-z0-9_]{1,40}$")
_EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[^@\s<>\"']{1,189}\.[^@\s<>\"'.]{2,63}$")
_OPAQUE_ID = r"^[A-Za-z0-9_.:@-]{1,64}$"


def _web_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc or re.search(r"\s", value):
        raise ValueError("must be an http or https URL")
    return value


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError("must be an email address")
    return value


PersonName = Annotated[str, Field(max_length=200), cleaned_text(min_length=1, max_length=100)]


class Open311RequestCreate(BaseModel):
    """The fields of POST requests besides api_key, jurisdiction_id and attributes."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    service_code: Annotated[str, Field(pattern=SERVICE_CODE.pattern)]
    lat: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)] | None = None
    long: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)] | None = None
    address_string: Location | None = None
    address_id: Annotated[str, Field(pattern=_OPAQUE_ID)] | None = None
    email: Annotated[str, Field(max_length=254), AfterValidator(_email)] | None = None
    device_id: Annotated[str, Field(pattern=_OPAQUE_ID)] | None = None
    account_id: Annotated[str, Field(pattern=_OPAQUE_ID)] | None = None
    first_name: PersonName | None = None
    last_name: PersonName | None = None
    phone: ContactPhone | None = None
    description: (
        Annotated[
            str,
            Field(max_length=DESCRIPTION_LIMIT + 200),
            cleaned_text(min_length=1, max_length=DESCRIPTION_LIMIT, multiline=True),
        ]
        | None
    ) = None
    media_url: Annotated[str, Field(max_length=500), AfterValidator(_web_url)] | None = None

    @model_validator(mode="after")
    def _needs_a_location(self) -> "Open311RequestCreate":
        if (self.lat is None) != (self.long is None):
            raise ValueError("lat and long must be sent together")
        if self.lat is None and self.address_string is None and self.address_id is None:
            raise ValueError("a location is required: lat and long, address_string or address_id")
        return self


def validation_messages(error: ValidationError) -> list[str]:
    """One readable line per problem; never the rejected value (it may be personal data)."""
    messages = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        messages.append(f"{field}: {message}" if field else message)
    return messages


@dataclass(frozen=True)
class RequestSearch:
    """The filters of GET requests, after defaults and limits."""

    request_numbers: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()


def _listed(values: Iterable[str]) -> list[str]:
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def _w3_datetime(name: str, value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None or "T" not in value:
        raise ValueError(f"{name} must be a date and time with a time zone, like 2010-01-01T00:00:00Z")
    return moment


def parse_request_search(params: dict[str, list[str]], *, now: datetime) -> RequestSearch:
    """The search the query asks for; ValueError with every problem found, one per line."""
    problems: list[str] = []
    ids = _listed(params.get("service_request_id", []))
    if ids:
        # The specification: service_request_id overrides every other argument.
        numbers = [normalise_request_number(item) for item in ids]
        if None in numbers:
            problems.append("service_request_id must list request numbers like SR-100231, separated by commas")
        if len(numbers) > MAX_REQUEST_IDS:
            problems.append(f"service_request_id may list at most {MAX_REQUEST_IDS} numbers")
        if problems:
            raise ValueError("\n".join(problems))
        return RequestSearch(request_numbers=tuple(dict.fromkeys(n for n in numbers if n)))

    codes = _listed(params.get("service_code", []))
    if any(not SERVICE_CODE.match(code) for code in codes):
        problems.append("service_code must list service codes from services.xml, separated by commas")
    statuses = [status.lower() for status in _listed(params.get("status", []))]
    if any(status not in {OPEN, CLOSED} for status in statuses):
        problems.append("status must be open, closed or both, separated by commas")
    start = end = None
    for name in ("start_date", "end_date"):
        given = [value for value in params.get(name, []) if value.strip()]
        if len(given) > 1:
            problems.append(f"{name} may be given once")
        elif given:
            try:
                moment = _w3_datetime(name, given[0])
            except ValueError as error:
                problems.append(str(error))
                continue
            if name == "start_date":
                start = moment
            else:
                end = moment
    if start is not None and end is not None:
        if end < start:
            problems.append("end_date must not be before start_date")
        elif end - start > timedelta(days=MAX_SEARCH_DAYS):
            problems.append(f"start_date and end_date may span at most {MAX_SEARCH_DAYS} days")
    if problems:
        raise ValueError("\n".join(problems))
    # Without dates, the most recent 90 days; with one, 90 days from or up to it.
    if start is None and end is None:
        end = now
    if start is None:
        assert end is not None
        start = end - timedelta(days=MAX_SEARCH_DAYS)
    if end is None:
        end = start + timedelta(days=MAX_SEARCH_DAYS)
    return RequestSearch(
        service_codes=tuple(dict.fromkeys(codes)), start=start, end=end, statuses=tuple(dict.fromkeys(statuses))
    )
