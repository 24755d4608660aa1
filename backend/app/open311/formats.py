"""GeoReport v2 output: XML (required by the specification) and JSON by the Spark convention, and its error format.

Responses are built as plain dicts and lists once, then written in either
format: a list becomes repeated elements named by ITEM_TAG in XML and an
array in JSON, exactly as the specification's examples pair them.
"""

import json
import re
from datetime import UTC, datetime
from typing import Any, Literal
from xml.etree import ElementTree

from fastapi import Response

Format = Literal["xml", "json"]
FORMATS: tuple[Format, ...] = ("xml", "json")
MEDIA_TYPES: dict[Format, str] = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}

# The element name of one item of each list, as the specification names them.
ITEM_TAG = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class Open311Error(Exception):
    """An error answered in the specification's format: HTTP status and (code, description) pairs."""

    def __init__(self, status_code: int, *descriptions: str, format: Format = "xml") -> None:
        super().__init__(status_code, descriptions)
        self.status_code = status_code
        self.descriptions = descriptions
        self.format = format


def parse_format(value: str) -> Format | None:
    return value if value in FORMATS else None  # type: ignore[return-value]


def w3_datetime(moment: datetime) -> str:
    """`2010-01-01T00:00:00Z`: the W3C profile of ISO 8601 the specification requires, always in UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _append(parent: ElementTree.Element, tag: str, value: Any) -> None:
    element = ElementTree.SubElement(parent, tag)
    _fill(element, tag, value)


def _fill(element: ElementTree.Element, tag: str, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _append(element, key, item)
    elif isinstance(value, list):
        for item in value:
            _append(element, ITEM_TAG[tag], item)
    else:
        element.text = _text(value)


def to_xml(root_tag: str, value: Any) -> bytes:
    root = ElementTree.Element(root_tag)
    _fill(root, root_tag, value)
    body = ElementTree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}'.encode()


def render(format: Format, root_tag: str, value: Any, *, status_code: int = 200) -> Response:
    """`value` as a response in `format`; `root_tag` names the XML root (JSON has none)."""
    if format == "xml":
        content = to_xml(root_tag, value)
    else:
        content = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(content=content, status_code=status_code, media_type=MEDIA_TYPES[format])


def render_error(error: Open311Error) -> Response:
    errors = [{"code": error.status_code, "description": description} for description in error.descriptions]
    return render(error.format, "errors", errors, status_code=error.status_code)
