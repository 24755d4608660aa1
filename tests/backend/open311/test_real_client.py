"""Open311 against a real back office: uvicorn on a free port, PostgreSQL, and the `georeport` client from PyPI.

`georeport` (PyPI) reads services, definitions and requests in both formats;
it cannot file requests, so filing, discovery and tokens go over httpx with
the form encoding and XML parsing any Open311 client uses.
"""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest
import requests
from georeport import GeoReport

from app.core.config import settings
from app.manage import BACKEND_DIR
from tests.backend.conftest import empty_database
from tests.e2e.hotline_process import free_port

pytestmark = pytest.mark.postgres
STARTUP_SECONDS = 60


@pytest.fixture(scope="module")
def open311_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The back office on PostgreSQL with the demo city, served by uvicorn; its Open311 URL and a fresh API key."""
    with empty_database("postgresql", tmp_path_factory.mktemp("open311")) as (_engine, url):
        environment = {**os.environ, "DATABASE_URL": url, "ENVIRONMENT": "development"}

        def manage(*args: str) -> str:
            done = subprocess.run(
                [sys.executable, "-m", "app.manage", *args],
                cwd=BACKEND_DIR,
                env=environment,
                capture_output=True,
                text=True,
                timeout=180,
                check=True,
            )
            return done.stdout

        manage("migrate")
        manage("seed-demo")
        api_key = manage("open311-key", "create", "--name", "Test client").strip().split(": ")[1]
        port = free_port()
        log = Path(tmp_path_factory.mktemp("uvicorn")) / "backend.log"
        with log.open("w") as output:
            server = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port)],
                cwd=BACKEND_DIR,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while True:
                try:
                    if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail(f"back office did not start:\n{log.read_text()}")
                time.sleep(0.2)
            yield f"{base}/open311/v2", api_key
        finally:
            server.terminate()
            server.wait(timeout=30)
        # Nothing personal reached the server's log.
        assert "Kowalski" not in log.read_text() and api_key not in log.read_text()


@pytest.mark.parametrize("output_format", ["xml", "json"])
def test_the_client_library_reads_services_and_definitions(open311_server: tuple[str, str], output_format: str) -> None:
    root, _key = open311_server
    client = GeoReport(root, jurisdiction=settings.OPEN311_JURISDICTION_ID, output_format=output_format)
    services = client.get_service_list()
    assert {service["service_code"] for service in services} >= {"pothole", "streetlight", "noise"}
    definition = client.get_service_definition("pothole")
    attributes = definition["attributes"]
    # xmltodict gives the repeated <attribute> elements as a list under "attribute".
    attributes = attributes["attribute"] if output_format == "xml" else attributes
    assert [attribute["code"] for attribute in attributes] == ["size", "in_cycle_lane"]
    with pytest.raises(requests.HTTPError) as refused:
        client.get_service_definition("volcano")
    assert refused.value.response.status_code == 404


@pytest.mark.parametrize("output_format", ["xml", "json"])
def test_a_request_filed_over_http_is_read_back_by_the_client_library(
    open311_server: tuple[str, str], output_format: str
) -> None:
    root, api_key = open311_server
    form = {
        "api_key": api_key,
        "jurisdiction_id": settings.OPEN311_JURISDICTION_ID,
        "service_code": "streetlight",
        "lat": "54.97551",
        "long": "-1.61790",
        "attribute[fault]": "flickering",
        "attribute[pole_number]": "NB-1142",
        "description": "Flickers all night outside the flats.",
        "first_name": "Ann",
        "last_name": "Kowalski",
        "email": "ann.kowalski@example.org",
    }
    created = httpx.post(f"{root}/requests.xml", data=form, timeout=10)
    assert created.status_code == 201
    number = ElementTree.fromstring(created.content).findtext("request/service_request_id")
    assert number and number.startswith("SR-")

    client = GeoReport(root, output_format=output_format)
    seen = client.get_service_request(number)
    assert (seen["service_request_id"], seen["status"], seen["service_code"]) == (number, "open", "streetlight")
    assert seen["agency_responsible"] == "Street Lighting"
    assert "Kowalski" not in str(seen) and "Flickers" not in str(seen)
    listed = client.get_service_requests(service_request_id=f"{number},SR-100231")
    listed = listed if isinstance(listed, list) else [listed]
    assert {item["service_request_id"] for item in listed} == {number, "SR-100231"}
    recent = client.get_service_requests(service_code="streetlight", status="open")
    recent = recent if isinstance(recent, list) else [recent]
    assert number in {item["service_request_id"] for item in recent}

    wrong_key = httpx.post(f"{root}/requests.json", data={**form, "api_key": "o311_stolen"}, timeout=10)
    assert wrong_key.status_code == 403
    assert wrong_key.json() == [
        {"code": 403, "description": "Invalid api_key received -- can't proceed with create_request."}
    ]


def test_discovery_and_tokens_over_plain_http(open311_server: tuple[str, str]) -> None:
    root, api_key = open311_server
    discovery = ElementTree.fromstring(httpx.get(f"{root}/discovery.xml", timeout=10).content)
    assert discovery.findtext("endpoints/endpoint/url") == root
    assert [f.text for f in discovery.iterfind("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]
    created = httpx.post(
        f"{root}/requests.json",
        data={
            "api_key": api_key,
            "service_code": "noise",
            "address_string": "Fisher Street 4",
            "attribute[source]": "home",
        },
        timeout=10,
    ).json()
    token = created[0]["token"]
    found = httpx.get(f"{root}/tokens/{token}.json", timeout=10).json()
    assert found[0]["token"] == token and found[0]["service_request_id"].startswith("SR-")
