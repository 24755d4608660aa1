"""Action-server settings, read from the environment when asked for (never at import)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The knowledge base lives with the training data so that trainers edit it in one place.
DEFAULT_KNOWLEDGE_BASE_DIR = Path(__file__).resolve().parent.parent / "training_data" / "knowledge_base"


@dataclass(frozen=True)
class Settings:
    backend_url: str = "http://127.0.0.1:8000"
    backend_service_token: str = "dev-service-token"
    backend_timeout_seconds: float = 3.0
    knowledge_base_dir: Path = DEFAULT_KNOWLEDGE_BASE_DIR

    @classmethod
    def from_environment(cls) -> "Settings":
        env = os.environ
        timeout = float(env.get("BACKEND_TIMEOUT_SECONDS", cls.backend_timeout_seconds))
        if not 0 < timeout <= 60:
            # A citizen is waiting on the line: refuse nonsense rather than hang for minutes.
            raise ValueError("BACKEND_TIMEOUT_SECONDS must be between 0 and 60")
        return cls(
            backend_url=env.get("BACKEND_URL", cls.backend_url).rstrip("/"),
            backend_service_token=env.get("BACKEND_SERVICE_TOKEN", cls.backend_service_token),
            backend_timeout_seconds=timeout,
            knowledge_base_dir=Path(env.get("KNOWLEDGE_BASE_DIR", str(DEFAULT_KNOWLEDGE_BASE_DIR))),
        )
