"""The agent console's API and page: cookies, CSRF, roles on every route, and hostile input refused at the edge.

What the other console tests already prove (argon2, sign-in throttling, a
route without an Access rule failing, CSRF on every write) is not repeated;
this module adds the production cookie flags, a role matrix checked by real
requests for every route, and what a hostile body gets.
"""

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.console.access import SESSION_COOKIE, Access
from app.core.config import settings
from app.handoff.models import HandoffMessage
from app.main import app
from tests.backend.handoff_fixtures import handoff_packet, sign_in

USERS_BY_ROLE = {"agent": "alice", "supervisor": "sam", "trainer": "tara", "admin": "ada"}


def _access_rule(dependant: Dependant) -> Access | None:
    for dependency in dependant.dependencies:
        if isinstance(dependency.call, Access):
            return dependency.call
        found = _access_rule(dependency)
        if found is not None:
            return found
    return None


def _api_routes(routes: list, prefix: str = "") -> list[tuple[str, APIRoute]]:  # type: ignore[type-arg]
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append((prefix + route.path, route))
        elif hasattr(route, "original_router"):  # FastAPI's included routers
            found += _api_routes(route.original_router.routes, prefix + route.include_context.prefix)
    return found


def console_routes() -> list[tuple[str, str, Access]]:
    routes = []
    for path, route in _api_routes(app.routes):
        if path.startswith("/console/api"):
            rule = _access_rule(route.dependant)
            assert rule is not None, f"{path} has no Access rule"
            routes += [(method, path, rule) for method in sorted(route.methods)]
    assert len(routes) > 15
    return routes


def _concrete(path: str) -> str:
    return path.replace("{reference}", "HO-000001").replace("{number}", "APP-204817")


def test_the_cookie_is_secure_in_production(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "ENVIRONMENT", "production")
    reply = client.post("/console/api/login", json={"username": "alice", "password": "northbridge-demo"})
    cookie = reply.headers["set-cookie"]
    assert reply.status_code == 200
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie, cookie


def test_the_cookie_is_not_marked_secure_in_development(client: TestClient) -> None:
    # The embedded defaults run on http://127.0.0.1, where a Secure cookie would never be sent back.
    reply = client.post("/console/api/login", json={"username": "alice", "password": "northbridge-demo"})
    assert "Secure" not in reply.headers["set-cookie"]


def test_another_members_csrf_token_is_refused(client: TestClient) -> None:
    theirs = sign_in(TestClient(app), "bilal")
    sign_in(client, "alice")
    assert client.put("/console/api/me/presence", json={"presence": "away"}, headers=theirs).status_code == 403


def test_a_session_cookie_for_another_path_or_a_forged_one_gets_nothing(client: TestClient) -> None:
    client.cookies.set(SESSION_COOKIE, "' OR '1'='1", path="/console")
    assert client.get("/console/api/me").status_code == 401


@pytest.mark.parametrize("role", sorted(USERS_BY_ROLE))
def test_every_route_allows_exactly_the_roles_its_rule_names(client: TestClient, role: str) -> None:
    csrf = sign_in(client, USERS_BY_ROLE[role])
    checked = 0
    for method, path, rule in console_routes():
        if rule.public or path.endswith(("/logout", "/stream")):
            continue
        reply = client.request(method, _concrete(path), json={}, headers=csrf)
        refused_for_role = reply.status_code == 403 and "role" in reply.text
        allowed = not rule.roles or role in rule.roles
        assert refused_for_role is not allowed, f"{role} on {method} {path}: {reply.status_code} {reply.text[:120]}"
        checked += 1
    assert checked > 15


def test_the_sensitive_routes_name_the_roles_the_hotline_expects() -> None:
    rules = {(method, path): rule for method, path, rule in console_routes()}
    case_record = rules[("GET", "/console/api/applications/{number}")]
    assert case_record.roles == {"agent", "supervisor"}
    assert rules[("GET", "/console/api/audit-log")].roles == {"supervisor", "admin"}
    assert rules[("GET", "/console/api/dashboard")].roles == {"supervisor", "admin"}


def _queued(client: TestClient, auth_headers: dict[str, str]) -> str:
    return client.post("/api/v1/handoffs", json=handoff_packet(suffix="x"), headers=auth_headers).json()["reference"]


def test_hostile_message_bodies_get_clear_4xx(client: TestClient, auth_headers: dict[str, str], live, rasa) -> None:  # noqa: ANN001
    reference = _queued(client, auth_headers)
    csrf = sign_in(client, "sam")
    client.put("/console/api/me/presence", json={"presence": "available"}, headers=csrf)
    client.post(f"/console/api/conversations/{reference}/claim", headers=csrf)
    url = f"/console/api/conversations/{reference}/notes"
    assert (
        client.post(url, content=b"{not json", headers={**csrf, "content-type": "application/json"}).status_code == 422
    )
    invalid_utf8 = client.post(
        url, content=b'{"text": "caf\xe9"}', headers={**csrf, "content-type": "application/json"}
    )
    assert invalid_utf8.status_code in (400, 422)
    assert client.post(url, json={"text": "\u200b\u200c\x00\x01"}, headers=csrf).status_code == 422
    too_long = client.post(url, json={"text": "14/03/1985 " * 2000}, headers=csrf)
    assert too_long.status_code == 422 and "1985" not in too_long.text  # the rejected input is not echoed
    assert client.post(url, json={"text": "x" * (5 * 1024 * 1024)}, headers=csrf).status_code == 413
    assert client.post(url, json={"text": "ok", "role": "admin"}, headers=csrf).status_code == 422  # no extra fields


def test_markup_and_injection_in_notes_are_kept_as_plain_text(
    client: TestClient,
    db: Session,
    auth_headers: dict[str, str],
    live,
    rasa,  # noqa: ANN001
) -> None:
    reference = _queued(client, auth_headers)
    csrf = sign_in(client, "sam")
    client.put("/console/api/me/presence", json={"presence": "available"}, headers=csrf)
    client.post(f"/console/api/conversations/{reference}/claim", headers=csrf)
    hostile = "<img src=x onerror=alert(1)> {{7*7}} '); DROP TABLE handoff_message; --\u200b"
    added = client.post(f"/console/api/conversations/{reference}/notes", json={"text": hostile}, headers=csrf)
    assert added.status_code == 201, added.text
    assert added.json()["text"] == hostile.replace("\u200b", "")
    stored = db.scalars(select(HandoffMessage.text).where(HandoffMessage.internal.is_(True))).all()
    assert hostile.replace("\u200b", "") in stored
    assert added.headers["content-type"].startswith("application/json")


def test_the_console_page_runs_only_its_own_scripts(client: TestClient) -> None:
    page = client.get("/console/")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert page.headers["x-content-type-options"] == "nosniff"
