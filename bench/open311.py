"""Open311 throughput: GET requests/{id} and POST requests against PostgreSQL, beside a trivial endpoint.

Starts the back office with uvicorn on a free port, on a private schema of the
PostgreSQL at BENCH_POSTGRES_URL (default: the tests' server), loads the demo
city, issues an API key, then runs rounds of a fixed duration per endpoint,
interleaved (baseline, GET, POST, baseline, ...) so that all three see the
same machine load, and prints requests per second and each endpoint's ratio
to the trivial one (GET /health/live). Bounded in time; leaves nothing behind.

    .venvs/backend/bin/python bench/open311.py [--duration 4] [--rounds 3] [--concurrency 16]
"""

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import sqlalchemy

ROOT = Path(__file__).resolve().parents[1]
BACKEND_DIR = ROOT / "backend"
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def measure(
    send: Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]],
    expected_status: int,
    *,
    base: str,
    duration: float,
    concurrency: int,
) -> tuple[float, int]:
    """Requests per second over `duration` with `concurrency` clients, and how many answers were not as expected."""
    done = 0
    wrong = 0
    stop_at = time.perf_counter() + duration
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient, worker_id: int) -> None:
        nonlocal done, wrong
        sequence = 0
        while time.perf_counter() < stop_at:
            response = await send(client, worker_id * 1_000_000 + sequence)
            sequence += 1
            done += 1
            wrong += response.status_code != expected_status

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client, index) for index in range(concurrency)))
        elapsed = time.perf_counter() - started
    return done / elapsed, wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=4.0, help="seconds per endpoint per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    schema = f"bench_open311_{uuid.uuid4().hex[:10]}"
    admin = sqlalchemy.create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "ENVIRONMENT": "development",
        "OVERDUE_CHECK_INTERVAL_SECONDS": "0",
    }
    server = None
    try:

        def manage(*command: str) -> str:
            return subprocess.run(
                [sys.executable, "-m", "app.manage", *command],
                cwd=BACKEND_DIR,
                env=environment,
                capture_output=True,
                text=True,
                check=True,
                timeout=300,
            ).stdout

        manage("migrate")
        manage("seed-demo")
        api_key = manage("open311-key", "create", "--name", "benchmark").strip().split(": ")[1]
        port = free_port()
        log = tempfile.TemporaryFile()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "app.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
            ],
            cwd=BACKEND_DIR,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                log.seek(0)
                raise SystemExit(f"back office did not start:\n{log.read().decode(errors='replace')}")
            time.sleep(0.2)

        def trivial(client: httpx.AsyncClient, _n: int) -> Awaitable[httpx.Response]:
            return client.get("/health/live")

        def get_request(client: httpx.AsyncClient, n: int) -> Awaitable[httpx.Response]:
            return client.get(f"/open311/v2/requests/SR-{100201 + n % 32}.json")

        def post_request(client: httpx.AsyncClient, n: int) -> Awaitable[httpx.Response]:
            return client.post(
                "/open311/v2/requests.json",
                data={
                    "api_key": api_key,
                    "service_code": "pothole",
                    "lat": "54.9733",
                    "long": "-1.6140",
                    "attribute[size]": "medium",
                    "description": f"Benchmark report {n}",
                },
            )

        scenarios = [
            ("GET /health/live (trivial)", trivial, 200),
            ("GET /open311/v2/requests/{id}.json", get_request, 200),
            ("POST /open311/v2/requests.json", post_request, 201),
        ]
        # A short warm-up of each, then interleaved rounds.
        for _name, send, status in scenarios:
            asyncio.run(measure(send, status, base=base, duration=1, concurrency=args.concurrency))
        rates: dict[str, list[float]] = {name: [] for name, _send, _status in scenarios}
        errors = 0
        for _round in range(args.rounds):
            for name, send, status in scenarios:
                rate, wrong = asyncio.run(
                    measure(send, status, base=base, duration=args.duration, concurrency=args.concurrency)
                )
                rates[name].append(rate)
                errors += wrong
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        with admin.begin() as connection:
            connection.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    baseline = statistics.median(rates[scenarios[0][0]])
    print(
        f"Open311 on PostgreSQL, one uvicorn worker, {args.concurrency} concurrent clients, "
        f"{args.rounds} rounds x {args.duration:g} s each (median of rounds), {os.cpu_count()} CPUs shared"
    )
    print(f"{'endpoint':40} {'req/s':>9} {'ratio to trivial':>17}   rounds")
    for name, values in rates.items():
        median = statistics.median(values)
        print(f"{name:40} {median:9.0f} {median / baseline:17.2f}   {', '.join(f'{v:.0f}' for v in values)}")
    print(f"unexpected responses: {errors}")
    if errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
