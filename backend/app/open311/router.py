"""The GeoReport v2 endpoints under /open311/v2, each in .xml and .json, with the specification's errors."""

import re
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Request, Response
from pydantic import ValidationError

from app.api.deps import SessionDep
from app.core.config import settings
from app.identifiers import normalise_request_number
from app.models import utc_now
from app.open311 import service
from app.open311.api_keys import find_client_for_key
from app.open311.formats import Format, Open311Error, parse_format, render, render_error, w3_datetime
from app.open311.schemas import SERVICE_CODE, Open311RequestCreate, parse_request_search, validation_messages

router = APIRouter(prefix="/open311/v2", tags=["open311"])

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When the services or their definitions last changed shape (discovery's changeset).
CHANGESET = datetime.fromisoformat("2026-11-23T00:00:00+00:00")
MAX_FORM_BYTES = 64 * 1024
MAX_FORM_FIELDS = 200
_SINGLE_FIELDS = {
    "api_key",
    "jurisdiction_id",
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "email",
    "device_id",
    "account_id",
    "first_name",
    "last_name",
    "phone",
    "description",
    "media_url",
}
_ATTRIBUTE_FIELD = re.compile(r"^attribute\[([^\[\]]{1,40})\](\[\])?$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def _format(value: str) -> Format:
    format = parse_format(value)
    if format is None:
        # Errors go out in XML, the format every client must read.
        raise Open311Error(404, "Formats are xml and json, for example services.xml.")
    return format


def _check_jurisdiction(params: dict[str, list[str]] | Any, format: Format) -> None:
    # One jurisdiction is served; "optional" means an empty value counts as absent.
    given = [value for value in params.get("jurisdiction_id", []) if value.strip()]
    if any(value.strip() != settings.OPEN311_JURISDICTION_ID for value in given):
        raise Open311Error(404, "jurisdiction_id was not found.", format=format)


def _query(request: Request) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    return params


@router.get("/discovery.{fmt}", summary="Service discovery: where the GeoReport v2 endpoint is and what it speaks")
def discovery(fmt: str, request: Request) -> Response:
    format = _format(fmt)
    changeset = w3_datetime(CHANGESET)
    return render(
        format,
        "discovery",
        {
            "changeset": changeset,
            "contact": settings.OPEN311_CONTACT,
            "key_service": f"API keys are issued by the hotline's administrators: {settings.OPEN311_CONTACT}",
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": str(request.url_for("discovery", fmt="xml")).removesuffix("/discovery.xml"),
                    "changeset": changeset,
                    "type": "production" if settings.ENVIRONMENT == "production" else "test",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )


@router.get("/services.{fmt}", summary="GET Service List: the request categories")
def list_services(fmt: str, request: Request, session: SessionDep) -> Response:
    format = _format(fmt)
    _check_jurisdiction(_query(request), format)
    return render(
        format, "services", [service.service_entry(entry) for entry in service.list_services(session=session)]
    )


@router.get("/services/{service_code}.{fmt}", summary="GET Service Definition: a category's extra questions")
def get_service_definition(service_code: str, fmt: str, request: Request, session: SessionDep) -> Response:
    format = _format(fmt)
    _check_jurisdiction(_query(request), format)
    found = service.get_service(session=session, code=service_code) if SERVICE_CODE.match(service_code) else None
    if found is None:
        raise Open311Error(404, "service_code was not found; services.xml lists them.", format=format)
    return render(format, "service_definition", service.service_definition(found))


async def posted_form(fmt: str, request: Request) -> dict[str, list[str]]:
    """The POSTed form's fields, each with every value sent; read on the event loop with a size limit."""
    format = _format(fmt)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise Open311Error(400, "Send the request as application/x-www-form-urlencoded.", format=format)
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_FORM_BYTES:
            raise Open311Error(400, f"The request is larger than {MAX_FORM_BYTES // 1024} KiB.", format=format)
    try:
        pairs = parse_qsl(
            body.decode("ascii"),
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FORM_FIELDS,
        )
    except (UnicodeDecodeError, ValueError):
        raise Open311Error(400, "The request is not a valid UTF-8 form.", format=format) from None
    fields: dict[str, list[str]] = {}
    for key, value in pairs:
        fields.setdefault(key, []).append(value)
    return fields


@router.post("/requests.{fmt}", status_code=201, summary="POST Service Request: file a new request (api_key required)")
def create_request(
    fmt: str, fields: Annotated[dict[str, list[str]], Depends(posted_form)], session: SessionDep
) -> Response:
    format = _format(fmt)
    repeated = sorted(key for key in _SINGLE_FIELDS if len(fields.get(key, [])) > 1)
    api_key = fields.get("api_key", [""])[0].strip()
    if not api_key:
        raise Open311Error(403, "api_key was not provided -- can't proceed with create_request.", format=format)
    client = find_client_for_key(session=session, api_key=api_key)
    if client is None:
        raise Open311Error(403, "Invalid api_key received -- can't proceed with create_request.", format=format)
    _check_jurisdiction(fields, format)
    if repeated:
        raise Open311Error(400, *(f"{key} may be given once" for key in repeated), format=format)
    code = fields.get("service_code", [""])[0].strip()
    if not code:
        raise Open311Error(400, "service_code was not provided; services.xml lists them.", format=format)
    category = service.get_service(session=session, code=code) if SERVICE_CODE.match(code) else None
    if category is None:
        raise Open311Error(404, "service_code was not found; services.xml lists them.", format=format)

    # Optional arguments: an empty value is the same as none.
    given = {key: values[0] for key, values in fields.items() if key in _SINGLE_FIELDS and values[0].strip()}
    attributes_given: dict[str, list[str]] = {}
    problems: list[str] = []
    for key, values in fields.items():
        if key.startswith("attribute"):
            match = _ATTRIBUTE_FIELD.match(key)
            if match is None:
                problems.append("attributes are sent as attribute[code]=value")
                continue
            attributes_given.setdefault(match.group(1), []).extend(values)
    form = None
    try:
        form = Open311RequestCreate.model_validate(given)
    except ValidationError as error:
        problems.extend(validation_messages(error))
    answers, attribute_problems = service.validate_attributes(category, attributes_given)
    problems.extend(attribute_problems)
    if problems or form is None:
        raise Open311Error(400, *dict.fromkeys(problems), format=format)

    filed = service.file_request(
        session=session, client=client, service=category, form=form, attributes=answers, now=utc_now()
    )
    entry: dict[str, Any] = (
        {"token": filed.open311_token} if filed.open311_token else {"service_request_id": filed.request_number}
    )
    entry |= {"service_notice": service.service_notice(category), "account_id": None}
    return render(format, "service_requests", [entry], status_code=201)


@router.get("/requests.{fmt}", summary="GET Service Requests: search by number, category, date and status")
def search_requests(fmt: str, request: Request, session: SessionDep) -> Response:
    format = _format(fmt)
    params = _query(request)
    _check_jurisdiction(params, format)
    try:
        search = parse_request_search(params, now=utc_now())
    except ValueError as error:
        raise Open311Error(400, *str(error).splitlines(), format=format) from None
    unknown = service.unknown_service_codes(session=session, codes=search.service_codes)
    if unknown:
        raise Open311Error(400, "service_code must list service codes from services.xml.", format=format)
    found = service.search_requests(session=session, search=search)
    return render(format, "service_requests", [service.request_entry(entry) for entry in found])


@router.get("/requests/{service_request_id}.{fmt}", summary="GET Service Request: one request by its number")
def get_request(service_request_id: str, fmt: str, request: Request, session: SessionDep) -> Response:
    format = _format(fmt)
    _check_jurisdiction(_query(request), format)
    number = normalise_request_number(service_request_id) if len(service_request_id) <= 32 else None
    found = service.get_request(session=session, request_number=number) if number else None
    if found is None:
        raise Open311Error(404, "service_request_id was not found.", format=format)
    return render(format, "service_requests", [service.request_entry(found)])


@router.get("/tokens/{token}.{fmt}", summary="GET service_request_id from a token")
def get_token(token: str, fmt: str, request: Request, session: SessionDep) -> Response:
    format = _format(fmt)
    _check_jurisdiction(_query(request), format)
    found = service.get_request_by_token(session=session, token=token) if _TOKEN.match(token) else None
    if found is None:
        raise Open311Error(404, "token was not found.", format=format)
    return render(format, "service_requests", [{"service_request_id": found.request_number, "token": token}])


@router.api_route("/{anything:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
def unknown_resource(anything: str) -> Response:
    format: Format = "json" if anything.endswith(".json") else "xml"
    return render_error(Open311Error(404, "No such Open311 resource; see discovery.xml.", format=format))
