"""Deployment files (docker-compose.yml, deploy/) checked without a container engine or a cluster."""

import os
import shutil
import subprocess

import pytest


def compose_command() -> list[str]:
    """`docker compose` (the plugin) or `docker-compose`; skipped outside CI when neither is installed."""
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    message = (
        "neither `docker compose` nor `docker-compose` is installed: docker-compose.yml not validated "
        "(apt-get install docker-compose; scripts/test installs it)"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(message + "; required because CI=true", pytrace=False)
    pytest.skip(message)
