"""Tests of the operator commands, run as an operator would: `python -m app.manage ...`."""

import os
import subprocess
import sys

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from app.manage import BACKEND_DIR, alembic_config
from app.models import Application, ServiceRequest
from app.staff.models import StaffUser


def _head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


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
    assert "{'applications': 40, 'service_requests': 35, 'staff': 7}" in first.stderr
    second = _manage(url, "seed-demo")
    assert second.returncode == 0, second.stderr
    assert "{'applications': 0, 'service_requests': 0, 'staff': 0}" in second.stderr
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Application)) == 40
        assert session.scalar(select(func.count()).select_from(ServiceRequest)) == 35


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
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [_head_revision()]


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


def test_create_staff_reads_the_password_from_the_environment(fresh_database: tuple[Engine, str]) -> None:
    engine, url = fresh_database
    assert _manage(url, "migrate").returncode == 0
    assert _manage(url, "seed-demo").returncode == 0
    environment = {**os.environ, "DATABASE_URL": url, "STAFF_PASSWORD": "a-long-enough-secret"}

    def create(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app.manage", "create-staff", *args],
            cwd=BACKEND_DIR,
            env=environment,
            capture_output=True,
            text=True,
        )

    done = create("nadia", "--name", "Nadia Hassan", "--role", "agent", "--teams", "general,streets", "--capacity", "4")
    assert done.returncode == 0, done.stderr
    assert "a-long-enough-secret" not in done.stderr
    with Session(engine) as session:
        nadia = session.scalar(select(StaffUser).where(StaffUser.username == "nadia"))
        assert nadia is not None and nadia.capacity == 4
        assert {team.code for team in nadia.teams} == {"general", "streets"}
        assert nadia.password_hash.startswith("$argon2id$")
    assert create("nadia", "--name", "Again", "--role", "agent").returncode != 0
    assert create("omar", "--name", "Omar", "--role", "agent", "--teams", "nowhere").returncode != 0
    environment["STAFF_PASSWORD"] = "short"
    assert "at least 12 characters" in create("pia", "--name", "Pia", "--role", "admin").stderr
