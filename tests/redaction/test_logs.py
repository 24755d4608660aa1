"""Log records carry no personal data once a process installed the redaction, whoever configures logging after."""

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

LOGGING = textwrap.dedent(
    """
    import logging, logging.config, sys
    {install}
    # Configured afterwards, as uvicorn, Sanic and Rasa do: handlers replaced, child loggers propagating.
    logging.config.dictConfig({{"version": 1, "disable_existing_loggers": False,
        "handlers": {{"out": {{"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}}}},
        "root": {{"handlers": ["out"], "level": "DEBUG"}}}})
    log = logging.getLogger("some.library.module")
    log.info("citizen %s said %r", "my name is Jane Doe", "call me on 07700 900123")
    log.warning("verify APP-204817 with dob=%(dob)s", {{"dob": "14/03/1985"}})
    try:
        int("pin 482913")
    except ValueError:
        log.exception("failed for jane.doe@example.com")
    log.error("stack", stack_info=True)
    log.info("listening on port 5005, 12 facts sent")
    """
)

PERSONAL = ["Jane Doe", "07700 900123", "APP-204817", "14/03/1985", "482913", "jane.doe@example.com"]


def run(install: str) -> str:
    code = LOGGING.format(install=textwrap.dedent(install))
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "RASA_TELEMETRY_ENABLED": "false"})
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


def test_without_the_redaction_personal_data_would_be_logged() -> None:
    output = run("")
    assert all(value in output for value in PERSONAL), output  # the test itself can fail


def test_installed_redaction_keeps_every_record_clean() -> None:
    output = run("from redaction import install_log_redaction; install_log_redaction(); install_log_redaction()")
    assert [value for value in PERSONAL if value in output] == [], output
    assert "citizen my name is [NAME]" in output
    assert "[PHONE]" in output and "[APPLICATION_NUMBER]" in output and "[DATE]" in output
    assert "Traceback" in output and "ValueError" in output  # tracebacks kept, only redacted
    assert "listening on port 5005, 12 facts sent" in output


PROCESSES = {
    # The action server imports the actions package before serving.
    "action server": ("rasa_sdk", "import actions"),
    # The Rasa server builds the health channel (bot/credentials.yml) before any turn.
    "Rasa server": ("rasa", "from channels.health import HealthInput; HealthInput()"),
    # uvicorn imports the back office's application.
    "back office": ("fastapi", "import sys; sys.path.insert(0, 'backend'); import app.main"),
}


@pytest.mark.parametrize("process", sorted(PROCESSES))
def test_every_process_installs_it(process: str) -> None:
    module, install = PROCESSES[process]
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"the {process} runs in the other Python environment (tested there)")
    output = run(install)
    assert [value for value in PERSONAL if value in output] == [], output
