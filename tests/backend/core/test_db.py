"""Tests of engine creation: lazy, and SQLite made to behave (foreign keys, savepoints)."""

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.core.db import build_engine
from app.manage import BACKEND_DIR


def test_importing_the_app_creates_no_engine() -> None:
    code = "import app.main, app.core.db as db; assert db._engine is None; print('lazy')"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BACKEND_DIR, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.stdout.strip() == "lazy", result.stderr


def test_sqlite_directory_is_created_and_foreign_keys_enforced(tmp_path: Path) -> None:
    engine = build_engine(f"sqlite:///{tmp_path / 'var' / 'nested' / 'x.db'}")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE parent (id INTEGER PRIMARY KEY)"))
            connection.execute(
                text("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id))")
            )
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text("INSERT INTO child (parent_id) VALUES (42)"))
    finally:
        engine.dispose()
    assert (tmp_path / "var" / "nested" / "x.db").exists()


def test_sqlite_savepoint_rolls_back_only_its_part(tmp_path: Path) -> None:
    engine = build_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE item (id INTEGER PRIMARY KEY)"))
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO item (id) VALUES (1)"))
            savepoint = connection.begin_nested()
            connection.execute(text("INSERT INTO item (id) VALUES (2)"))
            savepoint.rollback()
        with engine.connect() as connection:
            assert connection.execute(text("SELECT id FROM item")).scalars().all() == [1]
    finally:
        engine.dispose()


def test_plain_postgresql_urls_use_psycopg_3() -> None:
    engine = build_engine("postgresql://city@db.invalid/backoffice")
    assert engine.url.drivername == "postgresql+psycopg"
    engine.dispose()


def test_bound_values_stay_out_of_error_messages(tmp_path: Path) -> None:
    engine = build_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE item (name TEXT UNIQUE)"))
            connection.execute(text("INSERT INTO item VALUES (:name)"), {"name": "Amira Haddad"})
        with pytest.raises(IntegrityError) as raised, engine.begin() as connection:
            connection.execute(text("INSERT INTO item VALUES (:name)"), {"name": "Amira Haddad"})
    finally:
        engine.dispose()
    assert "Amira" not in str(raised.value)
