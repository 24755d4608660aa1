"""Starts the multi-replica topology (scripts/start_replicas) on free ports and a database of its own."""

from __future__ import annotations

import os
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from tests.e2e.hotline_process import ROOT, free_port, stop_process_group, wait_until_ready

POSTGRES = os.environ.get("TEST_POSTGRES_SERVER", "postgres@127.0.0.1:5432")


@dataclass
class ReplicatedHotline:
    """Two Rasa servers, two back-office processes, one action server, behind nginx."""

    process: subprocess.Popen
    var_dir: Path
    database: str
    proxy_url: str
    rasa_urls: tuple[str, str]
    backend_urls: tuple[str, str]
    actions_url: str
    service_token: str
    rasa_token: str
    output: list[str] = field(default_factory=list)

    def stop(self) -> None:
        stop_process_group(self.process)

    def drop_database(self) -> None:
        user, host_port = POSTGRES.split("@")
        host, port = host_port.rsplit(":", 1)
        with psycopg.connect(user=user, host=host, port=port, dbname="postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def log(self, name: str) -> str:
        path = self.var_dir / "log" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


def start_replicas(var_dir: Path, **extra_env: str) -> ReplicatedHotline:
    """Run scripts/start_replicas and return once it prints that the replicas are ready."""
    names = ("PROXY_PORT", "RASA_PORT_1", "RASA_PORT_2", "BACKEND_PORT_1", "BACKEND_PORT_2")
    ports = {name: free_port() for name in (*names, "ACTIONS_PORT", "RASA_POOL_PORT", "BACKEND_POOL_PORT")}
    database = f"hotline_replicas_{uuid.uuid4().hex[:12]}"
    token, rasa_token = uuid.uuid4().hex, uuid.uuid4().hex
    env = {
        **os.environ,
        **{name: str(port) for name, port in ports.items()},
        "HOTLINE_VAR": str(var_dir),
        "RASA_MODEL_DIR": str(ROOT / "var" / "models"),
        "REPLICAS_DATABASE": database,
        "REPLICAS_POSTGRES": POSTGRES,
        "REDIS_URL": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
        # Each run's SMS/voice keys apart from any other hotline on the same Redis.
        "REDIS_KEY_PREFIX": f"hotline-{database}:",
        "BACKEND_SERVICE_TOKEN": token,
        "RASA_AUTH_TOKEN": rasa_token,
        **extra_env,
    }
    for inherited in ("BACKEND_URL", "ACTION_ENDPOINT_URL", "RASA_ENDPOINTS", "RASA_URL", "DATABASE_URL"):
        env.pop(inherited, None)
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "start_replicas"), "--skip-install"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    url = "http://127.0.0.1:{}".format
    hotline = ReplicatedHotline(
        process=process,
        var_dir=var_dir,
        database=database,
        proxy_url=url(ports["PROXY_PORT"]),
        rasa_urls=(url(ports["RASA_PORT_1"]), url(ports["RASA_PORT_2"])),
        backend_urls=(url(ports["BACKEND_PORT_1"]), url(ports["BACKEND_PORT_2"])),
        actions_url=url(ports["ACTIONS_PORT"]),
        service_token=token,
        rasa_token=rasa_token,
    )
    def clean_up() -> None:
        hotline.stop()
        hotline.drop_database()

    wait_until_ready(process, hotline.output, "hotline replicas ready", clean_up, "the replicas")
    return hotline
