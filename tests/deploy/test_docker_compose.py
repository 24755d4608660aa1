"""docker-compose.yml: valid for compose, complete (proxy, health, replicas, volumes) and without default secrets."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.deploy.conftest import compose_command

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
# Every secret the stack needs; compose must refuse to run without each of them.
SECRETS = (
    "POSTGRES_PASSWORD",
    "BACKEND_SERVICE_TOKEN",
    "RASA_AUTH_TOKEN",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_SMS_FROM",
    "HOTLINE_PUBLIC_URL",
    "CONVERSATION_ID_SECRET",
)
LONG_RUNNING = ("proxy", "postgres", "redis", "backend", "actions", "rasa")
REPLICATED = ("rasa", "actions", "backend")


def run_config(env_secrets: dict[str, str]) -> subprocess.CompletedProcess:
    # Only the secrets given: nothing leaks in from the caller's environment.
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", **env_secrets}
    return subprocess.run(
        [*compose_command(), "-f", str(COMPOSE_FILE), "config"], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def config() -> dict:
    result = run_config({name: f"test-{name.lower()}-value-0123456789" for name in SECRETS})
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


@pytest.mark.parametrize("missing", SECRETS)
def test_compose_refuses_to_run_without_each_secret(missing: str) -> None:
    result = run_config({name: "x" * 32 for name in SECRETS if name != missing})
    assert result.returncode != 0
    assert f"set {missing}" in result.stderr


def test_no_secret_has_a_default_in_the_file() -> None:
    text = COMPOSE_FILE.read_text()
    for name in SECRETS:
        assert not re.search(r"\$\{" + name + r":?-", text), f"{name} has a default value"
        assert re.search(r"\$\{" + name + r":\?", text), f"{name} is not required"


def test_every_long_running_service_has_a_health_check(config: dict) -> None:
    for name in LONG_RUNNING:
        assert config["services"][name].get("healthcheck", {}).get("test"), name


def test_services_start_only_once_what_they_need_is_healthy(config: dict) -> None:
    needs = {
        "proxy": {"rasa", "backend"},
        "backend": {"postgres", "redis"},
        "actions": {"backend"},
        "rasa": {"postgres", "redis", "actions"},
    }
    for service, wanted in needs.items():
        depends_on = config["services"][service]["depends_on"]
        assert wanted <= set(depends_on), service
        for dependency in wanted:
            assert depends_on[dependency]["condition"] == "service_healthy", (service, dependency)
    assert config["services"]["rasa"]["depends_on"]["model-install"]["condition"] == "service_completed_successfully"


def test_rasa_actions_and_backend_are_replicated_behind_the_proxy(config: dict) -> None:
    services = config["services"]
    for name in REPLICATED:
        assert services[name]["deploy"]["replicas"] >= 2, name
        # Replicas cannot share a host port: only the proxy publishes one.
        assert not services[name].get("ports"), name
    assert services["proxy"]["ports"]
    assert services["proxy"]["image"].startswith("nginx:")


def test_shared_state_is_postgres_and_redis(config: dict) -> None:
    rasa = config["services"]["rasa"]
    assert "endpoints.production.yml" in " ".join(rasa["command"])
    assert rasa["environment"]["RASA_TRACKER_DB_HOST"] == "postgres"
    assert rasa["environment"]["REDIS_HOST"] == "redis"
    backend = config["services"]["backend"]["environment"]
    assert backend["DATABASE_URL"].startswith("postgresql+psycopg://hotline:")
    assert backend["REDIS_URL"].startswith("redis://redis:")
    production = yaml.safe_load((ROOT / "bot" / "endpoints.production.yml").read_text())
    # Rasa's Redis lock store made atomic, and answering while Redis is away (channels/lock_store.py).
    assert production["lock_store"]["type"] == "channels.lock_store.RedisOrLocalLockStore"
    assert production["lock_store"]["url"] == "${REDIS_HOST}"
    assert production["tracker_store"]["dialect"] == "postgresql"
    assert production["tracker_store"]["type"] == "channels.tracker_store.HotlineSQLTrackerStore"
    assert production["event_broker"]["type"] == "channels.conversation_facts.ConversationFactsBroker"


def test_data_and_models_live_in_volumes(config: dict) -> None:
    assert {"postgres-data", "models"} <= set(config["volumes"])
    mounts = {
        service: [str(v) for v in config["services"][service].get("volumes", [])] for service in config["services"]
    }
    assert any("/var/lib/postgresql/data" in mount for mount in mounts["postgres"])
    assert any("model-store" in mount for mount in mounts["rasa"])
    assert any("model-store" in mount for mount in mounts["model-install"])


def test_the_backend_has_what_production_mode_requires(config: dict) -> None:
    # The back office refuses to start in production without its own token and Rasa's.
    backend = config["services"]["backend"]["environment"]
    assert backend["ENVIRONMENT"] == "production"
    assert backend["RASA_AUTH_TOKEN"] and backend["BACKEND_SERVICE_TOKEN"]


@pytest.mark.parametrize("dockerfile", ["backend/Dockerfile", "bot/Dockerfile"])
def test_our_images_build_from_official_python_images(dockerfile: str) -> None:
    bases = re.findall(r"^FROM\s+(\S+)", (ROOT / dockerfile).read_text(), flags=re.MULTILINE)
    assert bases
    for base in bases:
        # Docker Official Images have no namespace (python:3.11-slim, not someone/python).
        assert re.fullmatch(r"python:3\.1[01]-slim", base), base


def test_the_proxy_configuration_is_valid_nginx(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("nginx is not installed: deploy/nginx/nginx.conf not checked (scripts/test installs it)")
    # -t parses the whole file; the error log and pid go to the test's own directory.
    result = subprocess.run(
        [
            nginx,
            "-t",
            "-p",
            str(tmp_path),
            "-e",
            str(tmp_path / "error.log"),
            "-c",
            str(ROOT / "deploy/nginx/nginx.conf"),
            "-g",
            f"pid {tmp_path}/nginx.pid;",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
