"""One real hotline per test session, shared by the end-to-end and browser tests."""

from pathlib import Path

import pytest

from tests.e2e.hotline_process import Hotline, start_hotline


@pytest.fixture(scope="session")
def hotline(tmp_path_factory: pytest.TempPathFactory) -> Hotline:
    running = start_hotline(Path(tmp_path_factory.mktemp("hotline")))
    yield running
    running.stop()
