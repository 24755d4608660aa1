"""GET /metrics: handoffs and queue lengths as Prometheus reads them, with no personal data in labels."""

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from redaction import find_personal_data
from tests.backend.handoff_fixtures import handoff_packet, sign_in

HANDOFFS = "/api/v1/handoffs"


def scrape(client: TestClient) -> dict[tuple[str, tuple], float]:
    reply = client.get("/metrics")
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(reply.text)
        for sample in family.samples
    }


def queue_length(figures: dict, team: str) -> float:
    return figures[("hotline_handoff_queue_length", (("team", team),))]


def handoffs(figures: dict, team: str, reason: str, channel: str) -> float:
    labels = (("channel", channel), ("reason", reason), ("team", team))
    return figures.get(("hotline_handoffs_total", labels), 0)


def test_a_new_handoff_is_counted_and_waits_in_its_teams_queue(
    client: TestClient, auth_headers: dict[str, str], live
) -> None:
    before = scrape(client)
    created = client.post(HANDOFFS, json=handoff_packet(suffix="metrics-1"), headers=auth_headers)
    assert created.status_code == 201, created.text
    after = scrape(client)

    assert handoffs(after, "permits", "citizen_asked_for_human", "webchat") == (
        handoffs(before, "permits", "citizen_asked_for_human", "webchat") + 1
    )
    assert queue_length(after, "permits") == queue_length(before, "permits") + 1
    # Every team is reported, an empty queue as 0.
    assert queue_length(after, "urgent") == queue_length(before, "urgent")


def test_a_claimed_handoff_leaves_the_queue_and_is_with_an_agent(
    client: TestClient, auth_headers: dict[str, str], live
) -> None:
    reference = client.post(HANDOFFS, json=handoff_packet(suffix="metrics-2"), headers=auth_headers).json()["reference"]
    queued = scrape(client)
    csrf = sign_in(client, "alice")
    client.put("/console/api/me/presence", json={"presence": "available"}, headers=csrf).raise_for_status()
    client.post(f"/console/api/conversations/{reference}/claim", headers=csrf).raise_for_status()
    claimed = scrape(client)

    assert queue_length(claimed, "permits") == queue_length(queued, "permits") - 1
    with_agent = ("hotline_handoffs_with_agent", (("team", "permits"),))
    assert claimed[with_agent] == queued[with_agent] + 1


def test_no_conversation_or_citizen_data_in_the_metrics(client: TestClient, auth_headers: dict[str, str], live) -> None:
    packet = handoff_packet(suffix="metrics-secret-conversation")
    client.post(HANDOFFS, json=packet, headers=auth_headers).raise_for_status()
    text = client.get("/metrics").text
    for personal in ("metrics-secret-conversation", "APP-204817", "where is my licence", "I want to talk"):
        assert personal not in text
    label_names = {name for (_, labels) in scrape(client) for name, _ in labels}
    assert label_names == {"team", "reason", "channel"}
    # Nothing the shared redaction component would take out of a log line either.
    assert find_personal_data(text) == []
