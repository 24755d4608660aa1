"""Tests of GET /api/v1/services, the catalogue."""

from fastapi.testclient import TestClient

URL = "/api/v1/services"
# "callback" is filed by the hotline itself when a citizen asks to be called back out of hours.
CATEGORIES = {
    "pothole",
    "streetlight",
    "missed_collection",
    "noise",
    "graffiti",
    "dumped_rubbish",
    "water_leak",
    "callback",
}
APPLICATION_TYPES = {"business_licence", "residence_permit", "building_permit", "housing_benefit", "parking_permit"}


def test_catalogue_lists_every_service(client: TestClient, auth_headers: dict[str, str]) -> None:
    response = client.get(URL, headers=auth_headers)
    assert response.status_code == 200
    assert {service["code"] for service in response.json()} == CATEGORIES | APPLICATION_TYPES


def test_catalogue_filters_by_kind(client: TestClient, auth_headers: dict[str, str]) -> None:
    categories = client.get(URL, params={"kind": "service_request"}, headers=auth_headers).json()
    applications = client.get(URL, params={"kind": "application"}, headers=auth_headers).json()
    assert {service["code"] for service in categories} == CATEGORIES
    assert {service["code"] for service in applications} == APPLICATION_TYPES
    levels = {service["code"]: service["service_level_days"] for service in categories}
    assert levels["streetlight"] == 2
    assert levels["pothole"] == 5
    assert all(service["service_level_days"] is None for service in applications)


def test_unknown_kind_is_422(client: TestClient, auth_headers: dict[str, str]) -> None:
    assert client.get(URL, params={"kind": "spaceship"}, headers=auth_headers).status_code == 422


def test_service_token_required(client: TestClient) -> None:
    assert client.get(URL).status_code == 401
