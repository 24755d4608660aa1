"""Tests of the GeoReport v2 output formats: the Spark pairing of XML and JSON, and text XML cannot carry."""

import json
from datetime import datetime, timedelta, timezone
from xml.etree import ElementTree

from app.open311.formats import Open311Error, render, render_error, to_xml, w3_datetime


def test_lists_become_repeated_elements_and_arrays() -> None:
    value = [{"service_code": "pothole", "metadata": True, "keywords": None, "order": 2}]
    root = ElementTree.fromstring(to_xml("services", value))
    assert [child.tag for child in root] == ["service"]
    assert [(e.tag, e.text) for e in root[0]] == [
        ("service_code", "pothole"),
        ("metadata", "true"),
        ("keywords", None),
        ("order", "2"),
    ]
    assert json.loads(render("json", "services", value).body) == value


def test_text_xml_cannot_carry_is_dropped_and_markup_is_escaped() -> None:
    body = to_xml("service_requests", [{"address": "Mill\x00 Lane \ufffe<b>&</b> 🚧"}])
    assert b"<b>" not in body
    assert ElementTree.fromstring(body)[0][0].text == "Mill Lane <b>&</b> 🚧"


def test_errors_in_both_formats() -> None:
    error = Open311Error(403, "Invalid api_key received -- can't proceed with create_request.", format="json")
    response = render_error(error)
    assert response.status_code == 403
    assert json.loads(response.body) == [
        {"code": 403, "description": "Invalid api_key received -- can't proceed with create_request."}
    ]
    xml = render_error(Open311Error(400, "one", "two"))
    assert xml.media_type == "text/xml; charset=utf-8"
    assert [e.findtext("description") for e in ElementTree.fromstring(xml.body)] == ["one", "two"]


def test_w3_datetimes_are_utc_with_z() -> None:
    moment = datetime(2010, 4, 14, 6, 37, 38, tzinfo=timezone(timedelta(hours=-8)))
    assert w3_datetime(moment) == "2010-04-14T14:37:38Z"
