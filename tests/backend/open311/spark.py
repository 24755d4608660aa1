"""Reading Open311 responses in either format into the same Python values, as a client would."""

from typing import Any
from xml.etree import ElementTree

import httpx

# Lists in the specification's XML, and the element name of their items.
LISTS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


def _from_element(element: ElementTree.Element) -> Any:
    if element.tag in LISTS:
        return [_from_element(child) for child in element]
    if len(element):
        return {child.tag: _from_element(child) for child in element}
    return element.text


def _as_xml_text(value: Any) -> Any:
    """JSON values as the XML carries them: text, or None for empty."""
    if isinstance(value, dict):
        return {key: _as_xml_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_xml_text(item) for item in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or value == "":
        return None
    return str(value)


def parse(response: httpx.Response, format: str) -> Any:
    """The body of an Open311 response, checking the headers the specification asks for."""
    if format == "xml":
        assert response.headers["content-type"] == "text/xml; charset=utf-8"
        assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
        return _from_element(ElementTree.fromstring(response.content))
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    return response.json()


def same_in_both(json_value: Any, xml_value: Any) -> bool:
    return _as_xml_text(json_value) == xml_value
