"""The trained model, shared by the tests that run Rasa's own commands."""

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RASA = ROOT / ".venvs" / "rasa" / "bin" / "rasa"


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The model for the current training data (scripts/train reuses one cached by fingerprint)."""
    done = subprocess.run([str(ROOT / "scripts" / "train")], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return Path(done.stdout.strip().splitlines()[-1])
