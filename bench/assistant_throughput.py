"""Whole conversations through the REST channel: our assistant against a stock `rasa init` assistant, side by side.

    .venvs/backend/bin/python -m bench.assistant_throughput [--levels 1,10,50] [--seconds 20] [--long-turns 100]

Starts both in the same run on the same machine: ours as the production
topology (scripts/start_replicas: two Rasa servers on PostgreSQL and Redis,
action server, two back-office processes, nginx in front; `--rasa-workers`
Sanic workers each), and the stock assistant (bench/stock_rasa.py). At each
concurrency level, `level` conversations run back to back without pauses for
`--seconds`, first on the stock assistant, then on ours, so both see the same
machine. Ours hold the hotline's four kinds of conversation (an application's
status after the date of birth, a pothole report filed, FAQ, small talk), each
reply checked; the stock assistant holds its own six-turn story. Prints
turns/s, p50/p95/p99 turn latency, CPU time per turn (every process of the
assistant; for ours also the PostgreSQL backends of its database), the ratios
ours/stock, the load average,
and each process's peak memory (RSS). Then one long conversation on each
(`--long-turns`): the latency of its first and last ten turns, whether the
cost per turn stays flat as a conversation grows.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import httpx
import psutil

from bench.stock_rasa import STOCK_CONVERSATION, start_stock_rasa
from tests.e2e.replicas_process import start_replicas

Check = Optional[Callable[[str], bool]]


def has(pattern: str) -> Callable[[str], bool]:
    return lambda reply: re.search(pattern, reply, flags=re.IGNORECASE) is not None


# Our conversations: (message, what the reply must show) per turn.
OURS: dict[str, list[tuple[str, Check]]] = {
    "status": [
        ("hello", has(r"\w")),
        ("where is my business licence application at?", has("application number")),
        ("APP-204817", has("date of birth")),
        ("14 March 1985", has("APP-204817")),
        ("thanks", has(r"\w")),
        ("bye", has(r"\w")),
    ],
    "report": [
        ("I need to report a pothole", has(r"\w")),
        ("Corner of Elm Road and Station Street", has(r"\w")),
        ("Deep hole in the left lane, cars swerving around it", has("Elm Road")),
        ("yes", has(r"SR-\d{6}")),
        ("thank you", has(r"\w")),
        ("bye", has(r"\w")),
    ],
    "faq": [
        ("hi", has(r"\w")),
        ("when is the citizen service centre open?", has(r"\d{1,2}[:.]\d{2}")),
        ("what documents do I need for a residence permit?", has(r"\w")),
        ("how much does a residence permit cost?", has(r"\w")),
        ("thanks", has(r"\w")),
        ("bye", has(r"\w")),
    ],
    "small_talk": [
        ("hello", has(r"\w")),
        ("are you a bot?", has(r"\w")),
        ("what can you do?", has(r"\w")),
        ("thank you", has(r"\w")),
        ("hello again", has(r"\w")),
        ("bye", has(r"\w")),
    ],
}
STOCK = {"rasa_init": [(text, has(r"\w")) for text in STOCK_CONVERSATION]}
# A long conversation's repeated round: answers that read the knowledge base and small talk.
LONG_ROUND = ("when is the citizen service centre open?", "thanks", "hello")
STOCK_LONG_ROUND = ("hello", "great", "are you a bot?")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    wrong: int = 0
    failed: int = 0
    elapsed: float = 0.0
    cpu: float = 0.0  # CPU seconds the assistant's processes used meanwhile

    @property
    def cpu_ms_per_turn(self) -> float:
        return self.cpu / len(self.latencies) * 1000 if self.latencies else float("nan")

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def quantile(self, fraction: float) -> float:
        return percentile(self.latencies, fraction) if self.latencies else float("nan")


async def hold_conversations(
    url: str, scripts: dict[str, list[tuple[str, Check]]], level: int, seconds: float
) -> Result:
    """`level` citizens, each holding conversations back to back until time is up."""
    result = Result()
    kinds = list(scripts)
    limits = httpx.Limits(max_connections=level + 5, max_keepalive_connections=level + 5)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        stop_at = time.perf_counter() + seconds

        async def citizen(number: int) -> None:
            round_ = number
            while time.perf_counter() < stop_at:
                sender = f"bench-{uuid.uuid4().hex}"
                for text, check in scripts[kinds[round_ % len(kinds)]]:
                    started = time.perf_counter()
                    try:
                        reply = await client.post(
                            f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
                        )
                        reply.raise_for_status()
                        answer = "\n".join(m.get("text", "") for m in reply.json())
                    except (httpx.HTTPError, ValueError):
                        result.failed += 1
                        break
                    result.latencies.append(time.perf_counter() - started)
                    if check and not check(answer):
                        result.wrong += 1
                round_ += 1

        started = time.perf_counter()
        await asyncio.gather(*(citizen(n) for n in range(level)))
        result.elapsed = time.perf_counter() - started
    return result


async def long_conversation(url: str, round_: tuple[str, ...], turns: int) -> list[float]:
    sender = f"bench-long-{uuid.uuid4().hex}"
    latencies = []
    async with httpx.AsyncClient(timeout=120) as client:
        for turn in range(turns):
            started = time.perf_counter()
            reply = await client.post(
                f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": round_[turn % len(round_)]}
            )
            reply.raise_for_status()
            latencies.append(time.perf_counter() - started)
    return latencies


class MemoryWatch:
    """Peak RSS of each process of a process tree, sampled every half second in the background."""

    def __init__(self, roots: dict[str, int]) -> None:
        self.peaks: dict[str, float] = {}
        self._roots = roots
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            for system, pid in self._roots.items():
                try:
                    root = psutil.Process(pid)
                    processes = [root, *root.children(recursive=True)]
                except psutil.NoSuchProcess:
                    continue
                for process in processes:
                    try:
                        what = describe(process.cmdline())
                        rss = process.memory_info().rss / 2**20
                    except psutil.Error:
                        continue
                    if what:
                        name = f"{system}: {what} [pid {process.pid}]"
                        self.peaks[name] = max(self.peaks.get(name, 0.0), rss)

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        return self.peaks


def describe(cmdline: list[str]) -> str:
    """What a process of the hotline is, from its command line ("" for anything else)."""
    line = " ".join(cmdline)
    port = re.search(r"--port[ =](\d+)", line)
    where = f" :{port.group(1)}" if port else ""
    if "multiprocessing" in line:
        return "Sanic worker (spawned)"
    if re.search(r"rasa run actions", line):
        return f"action server{where}"
    if re.search(r"rasa run\b", line):
        return f"Rasa server{where}"
    if "uvicorn" in line:
        return f"back office{where}"
    if "nginx" in line:
        return "nginx"
    return ""


def cpu_seconds(root_pid: int, database: Optional[str] = None) -> float:
    """CPU time (user + system) used so far by a process tree, and by the PostgreSQL backends serving `database`.

    Unlike latency, CPU time per turn hardly moves when other work shares the
    cores, so the ratio of the two assistants' CPU per turn is the figure a
    busy machine leaves standing. (Redis, shared with other users, is left out.)
    """
    try:
        root = psutil.Process(root_pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    if database:
        # A PostgreSQL backend's title names its database: "postgres: user database host(port) state".
        for process in psutil.process_iter(["name", "cmdline"]):
            if process.info["cmdline"] and f" {database} " in " ".join(process.info["cmdline"]) + " ":
                processes.append(process)
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            continue
    return total


def summary_row(name: str, result: Result) -> str:
    return (
        f"  {name:<6} {result.throughput:7.1f} turns/s  p50 {result.quantile(0.5) * 1000:7.0f} ms  "
        f"p95 {result.quantile(0.95) * 1000:7.0f} ms  p99 {result.quantile(0.99) * 1000:7.0f} ms  "
        f"CPU {result.cpu_ms_per_turn:5.0f} ms/turn  "
        f"({len(result.latencies)} turns, {result.wrong} wrong replies, {result.failed} failed)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", default="1,10,50", help="concurrent conversations, comma-separated")
    parser.add_argument("--seconds", type=float, default=20.0, help="per level and assistant")
    parser.add_argument("--long-turns", type=int, default=100, help="turns of the long conversation (0: none)")
    parser.add_argument("--rasa-workers", type=int, default=1, help="Sanic workers per Rasa server of ours")
    parser.add_argument(
        "--threads", type=int, default=0, help="BLAS and TensorFlow threads per process of ours (0: their defaults)"
    )
    args = parser.parse_args()
    levels = [int(level) for level in args.levels.split(",")]

    scratch = Path(tempfile.mkdtemp(prefix="bench-throughput-"))
    print(
        f"starting ours (scripts/start_replicas, {args.rasa_workers} Sanic worker(s) per Rasa server, "
        f"threads {args.threads or 'default'}) and stock"
    )
    threads = {}
    if args.threads:
        # Each library sizes its own pool to the cores; several processes on two cores then fight over them.
        names = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
        threads = {name: str(args.threads) for name in names}
        threads |= {"TF_INTRA_OP_PARALLELISM_THREADS": str(args.threads), "TF_INTER_OP_PARALLELISM_THREADS": "1"}
    ours = start_replicas(scratch / "ours", RASA_SANIC_WORKERS=str(args.rasa_workers), **threads)
    stock = None
    try:
        stock = start_stock_rasa(scratch / "stock-rasa.log")
        watch = MemoryWatch({"ours": ours.process.pid, "stock": stock.process.pid})
        # A first round warms caches and connection pools on both, unmeasured.
        asyncio.run(hold_conversations(stock.url, STOCK, 2, 3))
        asyncio.run(hold_conversations(ours.proxy_url, OURS, 2, 3))
        rows = []
        for level in levels:
            load_before = os.getloadavg()[0]
            used = cpu_seconds(stock.process.pid)
            baseline = asyncio.run(hold_conversations(stock.url, STOCK, level, args.seconds))
            baseline.cpu = cpu_seconds(stock.process.pid) - used
            used = cpu_seconds(ours.process.pid, ours.database)
            measured = asyncio.run(hold_conversations(ours.proxy_url, OURS, level, args.seconds))
            measured.cpu = cpu_seconds(ours.process.pid, ours.database) - used
            load_after = os.getloadavg()[0]
            rows.append((level, baseline, measured, load_before, load_after))
            print(f"\n{level} concurrent conversation(s), load average {load_before:.1f} -> {load_after:.1f}")
            print(summary_row("stock", baseline))
            print(summary_row("ours", measured))
            print(
                f"  ours/stock: throughput x{measured.throughput / baseline.throughput:.2f}, "
                f"p50 x{measured.quantile(0.5) / baseline.quantile(0.5):.2f}, "
                f"p95 x{measured.quantile(0.95) / baseline.quantile(0.95):.2f}, "
                f"CPU per turn x{measured.cpu_ms_per_turn / baseline.cpu_ms_per_turn:.2f}"
            )
        if args.long_turns:
            print(f"\none conversation of {args.long_turns} turns (median of the first and last ten turns)")
            for name, url, round_ in (
                ("stock", stock.url, STOCK_LONG_ROUND),
                ("ours", ours.proxy_url, LONG_ROUND),
            ):
                latencies = asyncio.run(long_conversation(url, round_, args.long_turns))
                first, last = statistics.median(latencies[:10]), statistics.median(latencies[-10:])
                print(
                    f"  {name:<6} first {first * 1000:6.0f} ms  last {last * 1000:6.0f} ms  "
                    f"last/first x{last / first:.2f}"
                )
        peaks = watch.stop()
        print("\npeak memory (RSS) of each process")
        for name, rss in sorted(peaks.items()):
            print(f"  {name:<40} {rss:7.0f} MB")
        print(f"\nmachine: {os.cpu_count()} cores, load average now {os.getloadavg()[0]:.1f}")
    finally:
        if stock is not None:
            stock.stop()
        ours.stop()
        ours.drop_database()


if __name__ == "__main__":
    main()
