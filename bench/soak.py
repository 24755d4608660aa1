"""Soak run: whole conversations at half the measured capacity for a long time; memory growth and every error.

    .venvs/backend/bin/python -m bench.soak [--duration-minutes 30] [--warmup-minutes 3]

Starts its own hotline (the three processes as scripts/start runs them, on
free ports, embedded defaults), then:
1. capacity: closed loops of whole conversations, back to back, at rising
   concurrency (1, 2, 4, 8) for `--probe-seconds` each; the best rate of
   assistant turns per second is the capacity;
2. soak: new conversations started at a steady rate so that turns arrive at
   half that capacity, for `--duration-minutes`. The mix: application status
   (number, date of birth, the status), a pothole report filed, a request's
   status, an opening-hours question; a third of the last three by SMS
   (signed webhooks);
3. memory: each process's resident set (RSS, with its children) after the
   warm-up (`--warmup-minutes`) and at the end, and every 30 s in between.

Prints the capacity, the achieved rate, turn latency p50/p95 of the first and
last five minutes (and their ratio: the baseline is the run's own start), RSS
per process at start and end with the growth, and every error (HTTP status,
exception, or a reply without what the conversation needs). Goal: under 10%
growth per process and zero errors. `--json PATH` also writes the figures.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import statistics
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import httpx

from simulator.twilio_client import TextingCitizen, TwilioWebhookClient, read_sms_reply
from tests.e2e.hotline_process import new_twilio_account
from tests.faults.processes import HotlineProcesses

GOAL_GROWTH = 0.10
SAMPLE_SECONDS = 30


class ConversationFailed(Exception):
    """A turn answered with an error, or without what the conversation needs next."""


@dataclass
class Turns:
    """Every turn's latency with the moment it ended, and every error, shared by the worker threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: list[tuple[float, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    conversations: int = 0

    def turn(self, seconds: float) -> None:
        with self.lock:
            self.latencies.append((time.monotonic(), seconds))

    def error(self, what: str) -> None:
        with self.lock:
            self.errors.append(what)

    def done(self) -> None:
        with self.lock:
            self.conversations += 1


class Citizen:
    """One conversation over Rasa's REST channel, or by SMS; each turn timed and checked."""

    def __init__(self, hotline: HotlineProcesses, twilio: TwilioWebhookClient, turns: Turns, by_sms: bool) -> None:
        self.turns = turns
        self.http = httpx.Client(timeout=60)
        self.url = f"{hotline.rasa_url}/webhooks/rest/webhook"
        self.sender = f"soak-{uuid.uuid4().hex}"
        # Fictional mobile numbers, as the end-to-end tests use (07700 900xxx are the demo city's applicants).
        self.texter = TextingCitizen(twilio, f"+4477008{random.randint(0, 99999):05d}") if by_sms else None

    def say(self, text: str, expect: str = "") -> str:
        started = time.perf_counter()
        if self.texter is not None:
            response = self.texter.send(text)
            if response.status_code != 200:
                raise ConversationFailed(f"sms {response.status_code}")
            reply = read_sms_reply(response).text
        else:
            response = self.http.post(self.url, json={"sender": self.sender, "message": text})
            if response.status_code != 200:
                raise ConversationFailed(f"rest {response.status_code}")
            reply = "\n".join(
                [m.get("text", "") for m in response.json()]
                + [b["title"] for m in response.json() for b in m.get("buttons", [])]
            )
        self.turns.turn(time.perf_counter() - started)
        if expect and expect.lower() not in reply.lower():
            # The reply's start says what went wrong; it holds no personal data (the assistant never repeats a proof).
            raise ConversationFailed(f"{text!r} was not answered with {expect!r} but {reply[:70]!r}")
        return reply

    def close(self) -> None:
        self.http.close()


def application_status(citizen: Citizen) -> None:
    citizen.say("where is my application?", "application number")
    citizen.say("APP-204817", "date of birth")
    citizen.say("14 March 1985", "APP-204817")


def pothole_report(citizen: Citizen) -> None:
    citizen.say("I need to report a pothole")
    citizen.say("Corner of Elm Road and Station Street")
    citizen.say("Deep hole in the left lane, cars swerving around it", "Elm Road")
    if citizen.texter is not None:  # by SMS the assistant first offers texts about the report
        citizen.say("yes", "status of your report changes")
        citizen.say("no", "SR-")
    else:
        citizen.say("yes", "SR-")


def request_status(citizen: Citizen) -> None:
    citizen.say("what is the status of my report?")
    citizen.say("SR-100231", "SR-100231")


def opening_hours(citizen: Citizen) -> None:
    citizen.say("when is the citizen service centre open?", "08:30")


CONVERSATIONS: list[tuple[str, Callable[[Citizen], None], int]] = [
    ("application status", application_status, 3),
    ("pothole report", pothole_report, 4),
    ("request status", request_status, 2),
    ("opening hours", opening_hours, 1),
]
MEAN_TURNS = statistics.mean(turns for _, _, turns in CONVERSATIONS)


def hold_conversation(hotline: HotlineProcesses, twilio: TwilioWebhookClient, turns: Turns, number: int) -> None:
    name, script, _ = CONVERSATIONS[number % len(CONVERSATIONS)]
    # A third of the other conversations are texts. Application checks stay on the REST channel: by
    # SMS the assistant first tries the sender's phone as the proof, and a stranger's phone counts
    # as a failed check against the application (10 in 15 minutes lock it), as it would in life
    # were hundreds of people to ask about one application.
    by_sms = number % 3 == 2 and script is not application_status
    citizen = Citizen(hotline, twilio, turns, by_sms)
    try:
        script(citizen)
        turns.done()
    except Exception as error:  # noqa: BLE001 - every failure is counted and shown, none stops the run
        turns.error(f"{'sms' if by_sms else 'rest'} {name}: {type(error).__name__}: {error}")
    finally:
        citizen.close()


def rss_bytes(pid: int) -> int:
    """Resident memory of a process and its descendants, from /proc."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS:"))
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
    return total


def memory(hotline: HotlineProcesses) -> dict[str, int]:
    return {name: rss_bytes(service.pid()) for name, service in hotline.services.items()}


def measure_capacity(hotline: HotlineProcesses, twilio: TwilioWebhookClient, seconds: float) -> float:
    """The best rate of turns per second over closed loops at rising concurrency."""
    best = 0.0
    counter = itertools.count()
    for concurrency in (1, 2, 4, 8):
        turns = Turns()
        stop = time.monotonic() + seconds

        def loop(stop: float = stop, turns: Turns = turns) -> None:
            while time.monotonic() < stop:
                hold_conversation(hotline, twilio, turns, next(counter))

        threads = [threading.Thread(target=loop) for _ in range(concurrency)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        rate = len(turns.latencies) / (time.monotonic() - started)
        print(f"  concurrency {concurrency}: {rate:.2f} turns/s, {len(turns.errors)} errors", flush=True)
        if turns.errors:
            print("   ", "\n    ".join(turns.errors[:5]))
        if rate < best * 1.1:  # no longer rising: the machine is saturated
            best = max(best, rate)
            break
        best = rate
    return best


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] if ordered else float("nan")


def soak(args: argparse.Namespace) -> dict:
    var_dir = Path(tempfile.mkdtemp(prefix="hotline-soak-"))
    account = new_twilio_account()
    hotline = HotlineProcesses.prepare(var_dir, **account.environment())
    hotline.start_all()
    twilio = TwilioWebhookClient(hotline.rasa_url, account.public_url, account.auth_token, account.account_sid)
    try:
        print(f"capacity ({args.probe_seconds:.0f} s per concurrency level):", flush=True)
        capacity = measure_capacity(hotline, twilio, args.probe_seconds)
        target_turns = capacity / 2
        interval = MEAN_TURNS / target_turns  # seconds between new conversations
        print(
            f"capacity {capacity:.2f} turns/s; soak at {target_turns:.2f} turns/s "
            f"(a conversation every {interval:.2f} s) for {args.duration_minutes:g} min",
            flush=True,
        )
        turns = Turns()
        samples: list[tuple[float, dict[str, int]]] = []
        start = time.monotonic()
        warm_until = start + args.warmup_minutes * 60
        end = start + args.duration_minutes * 60
        baseline: dict[str, int] | None = None
        turns_at_warm = 0
        next_sample = start
        with ThreadPoolExecutor(max_workers=64) as pool:
            for number in itertools.count():
                due = start + number * interval
                now = time.monotonic()
                if due >= end:
                    break
                if now >= next_sample:
                    samples.append((now - start, memory(hotline)))
                    next_sample = now + SAMPLE_SECONDS
                if baseline is None and now >= warm_until:
                    baseline = memory(hotline)
                    turns_at_warm = len(turns.latencies)
                time.sleep(max(0.0, due - time.monotonic()))
                pool.submit(hold_conversation, hotline, twilio, turns, number)
        finished = memory(hotline)
        elapsed = time.monotonic() - start
        baseline = baseline or samples[0][1]
        latencies = turns.latencies
        first = [s for at, s in latencies if at < start + 300]
        last = [s for at, s in latencies if at >= time.monotonic() - 300]
        return {
            "capacity_turns_per_second": capacity,
            "target_turns_per_second": target_turns,
            "achieved_turns_per_second": len(latencies) / elapsed,
            "after_warmup_turns": len(latencies) - turns_at_warm,
            "duration_minutes": elapsed / 60,
            "conversations": turns.conversations,
            "turns": len(latencies),
            "errors": turns.errors,
            "latency_first_5min": {"p50": percentile(first, 0.5), "p95": percentile(first, 0.95)},
            "latency_last_5min": {"p50": percentile(last, 0.5), "p95": percentile(last, 0.95)},
            "rss_start_bytes": baseline,
            "rss_end_bytes": finished,
            "rss_peak_bytes": {name: max(sample[name] for _, sample in samples) for name in finished},
            "rss_samples": [{"seconds": round(at), **sample} for at, sample in samples],
        }
    finally:
        twilio.close()
        hotline.stop_all()


def report(figures: dict) -> bool:
    print("\n== soak")
    print(
        f"capacity {figures['capacity_turns_per_second']:.2f} turns/s; "
        f"target {figures['target_turns_per_second']:.2f}; "
        f"achieved {figures['achieved_turns_per_second']:.2f} over {figures['duration_minutes']:.1f} min "
        f"({figures['conversations']} conversations, {figures['turns']} turns)"
    )
    first, last = figures["latency_first_5min"], figures["latency_last_5min"]
    print(
        f"turn latency p50 {first['p50'] * 1000:.0f} -> {last['p50'] * 1000:.0f} ms "
        f"(x{last['p50'] / first['p50']:.2f}), p95 {first['p95'] * 1000:.0f} -> {last['p95'] * 1000:.0f} ms "
        f"(x{last['p95'] / first['p95']:.2f}), first vs last five minutes"
    )
    ok = not figures["errors"]
    print(f"{'process':<10}{'RSS after warm-up':>20}{'RSS at end':>14}{'peak':>10}{'growth':>10}")
    for name, start in figures["rss_start_bytes"].items():
        end = figures["rss_end_bytes"][name]
        growth = end / start - 1
        ok = ok and growth < GOAL_GROWTH
        print(
            f"{name:<10}{start / 2**20:>17.1f} MiB{end / 2**20:>10.1f} MiB"
            f"{figures['rss_peak_bytes'][name] / 2**20:>6.1f} MiB{growth:>+10.1%}"
        )
    print(f"errors: {len(figures['errors'])}")
    for error in figures["errors"][:50]:
        print(f"  {error}")
    print(f"goal (growth < {GOAL_GROWTH:.0%} per process, zero errors): {'met' if ok else 'NOT met'}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration-minutes", type=float, default=30)
    parser.add_argument("--warmup-minutes", type=float, default=3)
    parser.add_argument("--probe-seconds", type=float, default=40, help="per concurrency level of the capacity run")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    figures = soak(args)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    raise SystemExit(0 if report(figures) else 1)


if __name__ == "__main__":
    main()
