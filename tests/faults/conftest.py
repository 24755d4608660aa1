"""One hotline for the fault tests, run as production runs it: the back office on PostgreSQL, Redis shared.

Both servers are private to the tests (a redis-server and a PostgreSQL cluster
on free ports), so a test may stop and restart them. The three hotline
processes are started one by one (tests/faults/processes.py) so that a test
may kill, pause or restart any of them; after each test every part is
running again, whatever the test did.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import pytest
import yaml

from simulator.twilio_client import TwilioWebhookClient
from tests.e2e.conftest import PERSONAL_DATA
from tests.e2e.hotline_process import ROOT, new_twilio_account
from tests.faults.processes import HotlineProcesses, PrivatePostgres, PrivateRedis


@pytest.fixture(scope="package")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivatePostgres]:
    server = PrivatePostgres(tmp_path_factory.mktemp("postgres")).init()
    server.start()
    yield server
    if server.is_running():
        server.stop()
    server.remove()


def endpoints_with_redis_locks(var_dir: Path, redis_server: PrivateRedis) -> Path:
    """bot/endpoints.yml with the production lock store (Redis, or memory while it is away) on the private Redis."""
    endpoints = yaml.safe_load((ROOT / "bot" / "endpoints.yml").read_text())
    production = yaml.safe_load((ROOT / "bot" / "endpoints.production.yml").read_text())
    endpoints["lock_store"] = {**production["lock_store"], "url": "127.0.0.1", "port": redis_server.port}
    path = var_dir / "endpoints.yml"
    path.write_text(yaml.safe_dump(endpoints))
    return path


@pytest.fixture(scope="package")
def hotline(
    tmp_path_factory: pytest.TempPathFactory, redis_server: PrivateRedis, postgres_server: PrivatePostgres
) -> Iterator[HotlineProcesses]:
    twilio = new_twilio_account()
    var_dir = Path(tmp_path_factory.mktemp("hotline"))
    running = HotlineProcesses.prepare(
        var_dir,
        RASA_ENDPOINTS=str(endpoints_with_redis_locks(var_dir, redis_server)),
        DATABASE_URL=postgres_server.url,
        REDIS_URL=redis_server.url,
        # A hung action server is given up on after this long (10 s by default), to keep the tests short.
        ACTION_TIMEOUT_SECONDS="5",
        **twilio.environment(),
    )
    running.twilio = twilio  # type: ignore[attr-defined]
    try:
        running.start_all()
        yield running
    finally:
        running.stop_all()
    leaks = [
        f"{name}.log: {pattern}"
        for name in running.services
        for pattern in PERSONAL_DATA
        if re.search(pattern, running.log(name))
    ]
    assert not leaks, f"citizens' personal data in the hotline's logs: {leaks}"


@pytest.fixture(autouse=True)
def everything_running_again(
    hotline: HotlineProcesses, redis_server: PrivateRedis, postgres_server: PrivatePostgres
) -> Iterator[None]:
    """Whatever a test stopped or paused is running again for the next one."""
    yield
    if redis_server.process is None:
        redis_server.start()
    if not postgres_server.is_running():
        postgres_server.start()
    for name, service in hotline.services.items():
        if service.running:
            hotline.resume(name)
        else:
            hotline.start(name)


@pytest.fixture(scope="package")
def twilio(hotline: HotlineProcesses) -> Iterator[TwilioWebhookClient]:
    account = hotline.twilio  # type: ignore[attr-defined]
    client = TwilioWebhookClient(hotline.rasa_url, account.public_url, account.auth_token, account.account_sid)
    yield client
    client.close()
