"""Tests of the operator commands, run as an operator would: `python -m app.manage ...`."""

import os
import subprocess
import sys

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from app.manage import BACKEND_DIR, alembic_config
from app.models import Application, ServiceRequest


def _manage(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "app.manage", *args],
        cwd=BACKEND_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_migrate_then_seed_twice(fresh_database: tuple[Engine, str]) -> None:
    engine, url = fresh_database
    migrated = _manage(url, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    first = _manage(url, "seed-demo", "--reference-time", "2026-03-16T12:00:00Z")
    assert first.returncode == 0, first.stderr
    assert "{'applications': 40, 'service_requests': 32}" in first.stderr
    second = _manage(url, "seed-demo")
    assert second.returncode == 0, second.stderr
    assert "{'applications': 0, 'service_requests': 0}" in second.stderr
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Application)) == 40
        assert session.scalar(select(func.count()).select_from(ServiceRequest)) == 32


def test_replicas_migrating_together_both_succeed(fresh_database: tuple[Engine, str]) -> None:
    engine, url = fresh_database
    environment = {**os.environ, "DATABASE_URL": url}
    replicas = [
        subprocess.Popen(
            [sys.executable, "-m", "app.manage", "migrate"],
            cwd=BACKEND_DIR,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for replica in replicas:
        _stdout, stderr = replica.communicate(timeout=120)
        assert replica.returncode == 0, stderr
    with engine.connect() as connection:
        # The newest migration, whatever its number (the chain grows as features land).
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head]


def test_unknown_command_fails() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app.manage", "drop-everything"],
        cwd=BACKEND_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
