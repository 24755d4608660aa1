"""Rasa's own checks of the assistant: data validation and the test stories of every flow."""

import os
import subprocess
from pathlib import Path

from tests.bot.conftest import RASA, ROOT

RASA_ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(ROOT)}


def run_rasa(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(RASA), *args], cwd=ROOT, env=RASA_ENV, capture_output=True, text=True,
                          timeout=900)


def test_training_data_validates_without_warnings() -> None:
    done = run_rasa("data", "validate", "--fail-on-warnings", "--config", "bot/config.yml",
                    "--domain", "bot/domain", "--data", "training_data/nlu", "training_data/rules",
                    "training_data/stories")
    assert done.returncode == 0, (done.stdout + done.stderr)[-5000:]


def test_every_test_story_is_predicted_exactly(trained_model: Path, tmp_path: Path) -> None:
    done = run_rasa("test", "core", "--model", str(trained_model), "--stories", "tests/stories",
                    "--fail-on-prediction-errors", "--out", str(tmp_path / "results"))
    assert done.returncode == 0, (done.stdout + done.stderr)[-5000:]
