"""PostgreSQL restarted while requests are being filed: each fails cleanly (503) or succeeds whole; none half-written.

The back office runs on the tests' own PostgreSQL cluster, which this test
stops (`pg_ctl -m fast`: open transactions are rolled back and connections
cut) and starts again while several clients keep filing service requests.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.faults.processes import HotlineProcesses, PrivatePostgres, wait_until

pytestmark = pytest.mark.e2e

CLIENTS = 4


def report(number: int) -> dict:
    return {
        "category": "pothole",
        "location": f"Mill Lane outside no. {number}",
        "description": "Deep pothole in the cycle lane, about 30 cm wide.",
        "channel": "webchat",
        "conversation_id": f"faults-pg-{number}",
    }


def test_postgres_restart_while_filing(hotline: HotlineProcesses, postgres_server: PrivatePostgres) -> None:
    headers = {"Authorization": f"Bearer {hotline.service_token}"}
    outcomes: Counter[str] = Counter()
    filed: list[str] = []
    unclean: list[str] = []
    stop = threading.Event()
    lock = threading.Lock()

    def keep_filing(worker: int) -> None:
        with httpx.Client(base_url=hotline.backend_url, headers=headers, timeout=30) as client:
            sent = 0
            while not stop.is_set():
                sent += 1
                try:
                    answer = client.post("/api/v1/service-requests", json=report(worker * 100000 + sent))
                except httpx.HTTPError as error:
                    with lock:
                        unclean.append(type(error).__name__)
                    continue
                with lock:
                    outcomes[str(answer.status_code)] += 1
                    if answer.status_code == 201:
                        filed.append(answer.json()["request_number"])
                    elif answer.status_code != 503 or "database" not in answer.json().get("detail", ""):
                        unclean.append(f"{answer.status_code}: {answer.text[:200]}")
                    elif answer.headers.get("retry-after") is None:
                        unclean.append("503 without Retry-After")

    workers = [threading.Thread(target=keep_filing, args=(n,)) for n in range(1, CLIENTS + 1)]
    for worker in workers:
        worker.start()
    try:
        wait_until(lambda: outcomes["201"] >= 5, 30, "requests filed before the restart")
        postgres_server.stop("fast")
        down_since = time.monotonic()
        wait_until(lambda: outcomes["503"] >= 5, 30, "requests refused while the database is down")
        time.sleep(max(0.0, 2 - (time.monotonic() - down_since)))
        postgres_server.start()
        before = outcomes["201"]
        wait_until(lambda: outcomes["201"] >= before + 5, 60, "requests filed after the restart")
    finally:
        stop.set()
        for worker in workers:
            worker.join(60)

    assert not unclean, f"answers other than 201 or a clean 503: {unclean[:10]} ({outcomes})"
    assert httpx.get(f"{hotline.backend_url}/health", timeout=5).json()["database"] == "ok"

    # Every request is whole: filed and dispatched with its steps, and everything answered 201 is there.
    engine = create_engine(postgres_server.url)
    with engine.connect() as db:
        rows = db.execute(
            text(
                "SELECT r.request_number, count(e.id) FROM service_request r "
                "LEFT JOIN service_request_event e ON e.service_request_id = r.id "
                "WHERE r.conversation_id LIKE 'faults-pg-%' GROUP BY r.request_number"
            )
        ).all()
    engine.dispose()
    steps = {number: count for number, count in rows}
    assert set(filed) <= set(steps), "a request answered 201 is missing"
    assert len(set(steps.values())) == 1 and min(steps.values()) >= 1, (
        f"steps per request differ: {Counter(steps.values())}"
    )
