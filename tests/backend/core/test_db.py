"""Tests of engine creation: lazy, and SQLite made to behave (foreign keys, savepoints, writers in line)."""

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from app.core import db
from app.core.db import WriteTurns, build_engine, write_turns_for
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


def test_write_turns_are_given_in_the_order_they_were_asked_for() -> None:
    turns = WriteTurns()
    assert turns.take(timeout=1)
    served: list[int] = []

    def wait_in_line(number: int) -> None:
        assert turns.take(timeout=10)
        served.append(number)
        turns.give_back()

    waiting = []
    for number in range(8):
        thread = threading.Thread(target=wait_in_line, args=(number,))
        thread.start()
        waiting.append(thread)
        while len(turns._waiting) <= number:  # this one is in line before the next one asks
            time.sleep(0.001)
    turns.give_back()
    for thread in waiting:
        thread.join(timeout=10)
    assert served == list(range(8))
    assert turns.take(timeout=0)  # free again once the line has gone through


def test_a_write_turn_not_given_in_time_fails_as_a_locked_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "SQLITE_BUSY_SECONDS", 0.2)
    engine = build_engine(f"sqlite:///{tmp_path / 'x.db'}")
    failed: list[str] = []

    def write_meanwhile() -> None:
        try:
            with engine.begin():
                pass
        except OperationalError as error:
            failed.append(str(error.orig))

    try:
        with engine.begin():
            other = threading.Thread(target=write_meanwhile)
            other.start()
            other.join(timeout=10)
    finally:
        engine.dispose()
    assert failed == ["database is locked"]


def test_every_way_a_transaction_ends_gives_the_write_turn_back(tmp_path: Path) -> None:
    engine = build_engine(f"sqlite:///{tmp_path / 'x.db'}")
    turns = write_turns_for(str(tmp_path / "x.db"))
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE item (id INTEGER PRIMARY KEY)"))
        assert_free(turns)
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text("INSERT INTO item (id) VALUES (1)"))
            connection.execute(text("INSERT INTO item (id) VALUES (1)"))
        assert_free(turns)
        with Session(engine) as session:
            session.execute(text("SELECT count(*) FROM item"))
        assert_free(turns)  # closed without commit
        connection = engine.connect()
        connection.begin()
        connection.invalidate()  # the connection itself is thrown away mid-transaction
        assert_free(turns)
    finally:
        engine.dispose()


def assert_free(turns: WriteTurns) -> None:
    assert turns.take(timeout=0)
    turns.give_back()


def test_engines_on_one_file_share_its_write_turns(tmp_path: Path) -> None:
    first, second = build_engine(f"sqlite:///{tmp_path / 'x.db'}"), build_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with first.begin():
            assert not write_turns_for(str(tmp_path / "x.db")).take(timeout=0)
        with second.begin():
            pass
    finally:
        first.dispose()
        second.dispose()


def test_many_writers_of_one_process_all_get_through_in_the_order_they_asked(tmp_path: Path) -> None:
    # SQLite's busy handler alone lets newcomers overtake a writer that waits (it polls up to 100 ms
    # apart), which then waits for seconds or fails with "database is locked" while the others get
    # through in milliseconds. In line, a writer is overtaken by nobody (or the odd thread that asked
    # at the same instant), whatever the machine's speed.
    threads, transactions = 20, 8
    engine = build_engine(f"sqlite:///{tmp_path / 'x.db'}", pool_size=threads)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE item (id INTEGER PRIMARY KEY)"))
    asked_and_started: list[tuple[float, float]] = []
    failures: list[str] = []

    def write() -> None:
        for _ in range(transactions):
            asked = time.perf_counter()
            try:
                with engine.begin() as connection:
                    asked_and_started.append((asked, time.perf_counter()))
                    connection.execute(text("INSERT INTO item DEFAULT VALUES"))
                    time.sleep(0.003)
            except OperationalError as error:
                failures.append(str(error.orig))

    try:
        writers = [threading.Thread(target=write) for _ in range(threads)]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()
    finally:
        engine.dispose()
    assert failures == []
    overtaken = [
        sum(1 for asked, started in asked_and_started if asked > my_ask and started < my_start)
        for my_ask, my_start in asked_and_started
    ]
    waits = sorted(started - asked for asked, started in asked_and_started)
    assert max(overtaken) < threads // 4, f"overtaken up to {max(overtaken)} times; longest wait {waits[-1]:.2f} s"
