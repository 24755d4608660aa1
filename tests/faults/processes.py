"""The hotline's three processes, each started and stopped on its own, and private Redis and PostgreSQL servers.

scripts/start runs the back office, the action server and the Rasa server as
one group; a fault test needs to kill, restart, pause (SIGSTOP: hung, not
dead) and resume each of them while conversations go on. The commands and
the environment are the ones scripts/start uses (scripts/hotline_env is
sourced for the defaults). Logs are appended, across restarts, to
`<var_dir>/log/<name>.log`.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.e2e.hotline_process import ROOT, free_port

PYTHON_BACKEND = str(ROOT / ".venvs" / "backend" / "bin" / "python")
RASA = str(ROOT / ".venvs" / "rasa" / "bin" / "rasa")


# Settings derived from others in scripts/hotline_env: never inherited from the test's own environment.
DERIVED = ("BACKEND_URL", "ACTION_ENDPOINT_URL", "RASA_TRACKER_DB", "RASA_ENDPOINTS", "RASA_URL", "REDIS_URL")


def hotline_environment(overrides: dict[str, str]) -> dict[str, str]:
    """The environment scripts/start would give its processes, with `overrides` set first."""
    inherited = {key: value for key, value in os.environ.items() if key not in DERIVED}
    base = {**inherited, **overrides, "HOTLINE_ROOT": str(ROOT)}
    dumped = subprocess.run(
        ["bash", "-c", 'source "$HOTLINE_ROOT/scripts/hotline_env" && env -0'],
        env=base,
        check=True,
        capture_output=True,
    ).stdout
    return dict(item.split("=", 1) for item in dumped.decode().split("\0") if "=" in item)


def wait_until(check, timeout: float, what: str, interval: float = 0.25):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
        except (httpx.HTTPError, OSError):
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not reached within {timeout:.0f} s")
        time.sleep(interval)


@dataclass
class Service:
    """One of the hotline's processes: how to start it and how to know it is ready."""

    name: str
    command: list[str]
    cwd: Path
    health_url: str
    start_timeout: float
    process: subprocess.Popen | None = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid


@dataclass
class HotlineProcesses:
    """The back office, action server and Rasa server, each under the test's control."""

    var_dir: Path
    env: dict[str, str]
    services: dict[str, Service] = field(default_factory=dict)

    @property
    def backend_url(self) -> str:
        return f"http://127.0.0.1:{self.env['BACKEND_PORT']}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.env['RASA_PORT']}"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.env['ACTIONS_PORT']}"

    @property
    def service_token(self) -> str:
        return self.env["BACKEND_SERVICE_TOKEN"]

    @property
    def rasa_token(self) -> str:
        return self.env["RASA_AUTH_TOKEN"]

    @classmethod
    def prepare(cls, var_dir: Path, **overrides: str) -> "HotlineProcesses":
        """Migrate and seed the back office's database and find (or train) the model, as scripts/start does."""
        ports = {name: str(free_port()) for name in ("BACKEND_PORT", "ACTIONS_PORT", "RASA_PORT")}
        settings = {
            **ports,
            "HOTLINE_VAR": str(var_dir),
            "RASA_MODEL_DIR": str(ROOT / "var" / "models"),
            "BACKEND_SERVICE_TOKEN": uuid.uuid4().hex,
            "RASA_AUTH_TOKEN": uuid.uuid4().hex,
            "DATABASE_URL": f"sqlite:///{var_dir}/backend.db",
            "NOTIFICATION_INTERVAL_SECONDS": "0",
            "OVERDUE_CHECK_INTERVAL_SECONDS": "0",
            **overrides,
        }
        env = hotline_environment(settings)
        (var_dir / "log").mkdir(parents=True, exist_ok=True)
        backend_dir = ROOT / "backend"
        for command in (["migrate"], ["seed-demo"]):
            subprocess.run([PYTHON_BACKEND, "-m", "app.manage", *command], cwd=backend_dir, env=env, check=True)
        model = (
            subprocess.run(
                [str(ROOT / "scripts" / "train")], cwd=ROOT, env=env, check=True, capture_output=True, text=True
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        hotline = cls(var_dir=var_dir, env=env)
        hotline.services = {
            "backend": Service(
                "backend",
                [
                    PYTHON_BACKEND,
                    "-m",
                    "uvicorn",
                    "app.main:app",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    env["BACKEND_PORT"],
                    "--no-access-log",
                ],
                backend_dir,
                f"{hotline.backend_url}/health",
                60,
            ),
            "actions": Service(
                "actions",
                [RASA, "run", "actions", "--actions", "actions", "--port", env["ACTIONS_PORT"]],
                ROOT,
                f"{hotline.actions_url}/health",
                120,
            ),
            "rasa": Service(
                "rasa",
                [
                    RASA,
                    "run",
                    "--model",
                    model,
                    "--endpoints",
                    env["RASA_ENDPOINTS"],
                    "--credentials",
                    "bot/credentials.yml",
                    "--interface",
                    "127.0.0.1",
                    "--port",
                    env["RASA_PORT"],
                    "--enable-api",
                    "--auth-token",
                    env["RASA_AUTH_TOKEN"],
                ],
                ROOT,
                f"{hotline.rasa_url}/health",
                240,
            ),
        }
        return hotline

    # --- control of one process ---

    def start(self, name: str) -> None:
        service = self.services[name]
        assert not service.running, f"{name} is running already"
        log = open(self.var_dir / "log" / f"{name}.log", "ab")
        service.process = subprocess.Popen(
            service.command, cwd=service.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.wait_healthy(name)

    def wait_healthy(self, name: str) -> None:
        service = self.services[name]

        def healthy() -> bool:
            if not service.running:
                raise RuntimeError(f"{name} exited:\n{self.log(name)[-3000:]}")
            return httpx.get(service.health_url, timeout=2).status_code == 200

        wait_until(healthy, service.start_timeout, f"{name} healthy")

    def stop(self, name: str) -> None:
        """SIGTERM and wait: the process ends as it would on a deployment's restart."""
        service = self.services[name]
        if not service.running:
            return
        assert service.process is not None
        os.killpg(service.process.pid, signal.SIGCONT)  # a paused process cannot handle SIGTERM
        os.killpg(service.process.pid, signal.SIGTERM)
        try:
            service.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(service.process.pid, signal.SIGKILL)
            service.process.wait()

    def kill(self, name: str) -> None:
        """SIGKILL: the process dies without cleaning up (a crash, the OOM killer)."""
        service = self.services[name]
        if service.running:
            assert service.process is not None
            os.killpg(service.process.pid, signal.SIGKILL)
            service.process.wait()

    def pause(self, name: str) -> None:
        """SIGSTOP: the port stays open and connections are accepted, but nothing answers (hung)."""
        os.killpg(self.services[name].pid(), signal.SIGSTOP)

    def resume(self, name: str) -> None:
        os.killpg(self.services[name].pid(), signal.SIGCONT)

    def start_all(self) -> None:
        for name in ("backend", "actions", "rasa"):
            self.start(name)

    def stop_all(self) -> None:
        for name in ("rasa", "actions", "backend"):
            self.stop(name)

    def log(self, name: str) -> str:
        path = self.var_dir / "log" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


class PrivateRedis:
    """A redis-server of the test's own on a free port, without persistence: stopped, it loses everything."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "PrivateRedis":
        self.directory.mkdir(parents=True, exist_ok=True)
        binary = shutil.which("redis-server")
        assert binary, "redis-server is needed for the Redis fault tests (apt-get install redis-server)"
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        import redis  # the back office's environment has it

        wait_until(lambda: redis.Redis(port=self.port, socket_timeout=1).ping(), 10, "redis up")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own (initdb + pg_ctl) on a free port, so that a test may restart it."""

    def __init__(self, directory: Path) -> None:
        if os.geteuid() == 0:
            # Run as 'postgres', which cannot enter root's private temporary folders: a folder of its own.
            directory = Path(tempfile.mkdtemp(prefix="hotline-faults-pg-"))
            shutil.chown(directory, "postgres", "postgres")
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        assert binaries, "PostgreSQL's server binaries are needed (apt-get install postgresql)"
        self.bin = Path(binaries[-1]).parent

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        # PostgreSQL refuses to run as root; the tests may (containers), so it runs as 'postgres' then.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        done = subprocess.run([*prefix, *command], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{Path(command[0]).name} failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")

    def init(self) -> "PrivatePostgres":
        self.directory.mkdir(parents=True, exist_ok=True)
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        return self

    def start(self) -> None:
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-w",
            "-t",
            "60",
            "-l",
            str(self.directory / "server.log"),
            "-o",
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """fast: in-flight transactions are rolled back and connections cut, as in a restart for maintenance."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-m", mode, "stop")

    def remove(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)

    def is_running(self) -> bool:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return (
            subprocess.run(
                [*prefix, str(self.bin / "pg_ctl"), "-D", str(self.data), "status"], capture_output=True
            ).returncode
            == 0
        )
