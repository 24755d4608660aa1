"""Webhook latency of the SMS and voice channels under concurrent load, against Rasa's REST channel as the baseline.

    .venvs/backend/bin/python -m bench.webhook_latency [--conversations 10] [--rounds 8]

Starts its own hotline (scripts/start on free ports, embedded defaults), then
runs rounds of the same application-status conversation, `--conversations` at
a time, over REST, SMS and voice in turn, so the three are measured side by
side under the same load and on the same machine state. Every conversation
ends with the turn that reads a case record (the back office's status lookup
after the date of birth). Prints p50/p95/p99 per channel, the ratio to REST,
and whether the voice goal holds: p95 under 1 s for the case-record turn.

Between turns each conversation waits `--think-seconds` (0.5x to 1.5x, at
random), as a caller listens to the answer and speaks the next one (on a real
call that takes longer: Twilio reads the reply aloud and transcribes the
answer). `--think-seconds 0` fires turns back to back: a stress figure,
not a model of 10 calls.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Callable, Dict, List

import httpx

from simulator.twilio_client import Caller, TextingCitizen, TwilioWebhookClient
from tests.e2e.hotline_process import Hotline, start_hotline

VOICE_GOAL_SECONDS = 1.0
CHANNELS = ("rest", "sms", "voice")


def percentile(values: List[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def timed(samples: List[float], action: Callable[[], object]) -> object:
    started = time.perf_counter()
    result = action()
    samples.append(time.perf_counter() - started)
    return result


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.turns: Dict[str, List[float]] = {channel: [] for channel in CHANNELS}
        self.case_turns: Dict[str, List[float]] = {channel: [] for channel in CHANNELS}

    def add(self, channel: str, turns: List[float]) -> None:
        with self.lock:
            self.turns[channel].extend(turns)
            self.case_turns[channel].append(turns[-1])


THINK = {"seconds": 2.0}


def think() -> None:
    if THINK["seconds"] > 0:
        time.sleep(random.uniform(0.5, 1.5) * THINK["seconds"])


def rest_conversation(hotline: Hotline, recorder: Recorder) -> None:
    sender = f"bench-{uuid.uuid4().hex}"
    samples: List[float] = []
    with httpx.Client(timeout=60) as http:
        for text in ("/check_application_status", "APP-204817", "14 March 1985"):
            think()
            reply = timed(
                samples,
                lambda text=text: http.post(
                    f"{hotline.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
                ),
            )
            reply.raise_for_status()  # type: ignore[attr-defined]
    assert "Under review" in str(reply.json())  # type: ignore[attr-defined]
    recorder.add("rest", samples)


def twilio_client(hotline: Hotline) -> TwilioWebhookClient:
    return TwilioWebhookClient(
        hotline.rasa_url, hotline.twilio.public_url, hotline.twilio.auth_token, hotline.twilio.account_sid
    )


def sms_conversation(hotline: Hotline, recorder: Recorder) -> None:
    client = twilio_client(hotline)
    citizen = TextingCitizen(client, f"+4477008{random.randint(0, 99_999):05d}")
    samples: List[float] = []
    for text in ("/check_application_status", "APP-204817", "14 March 1985"):
        think()
        reply = timed(samples, lambda text=text: citizen.text(text))
    client.close()
    assert "Under review" in reply.text  # type: ignore[attr-defined]
    recorder.add("sms", samples)


def voice_conversation(hotline: Hotline, recorder: Recorder) -> None:
    client = twilio_client(hotline)
    caller = Caller(client, f"+4477008{random.randint(0, 99_999):05d}")
    caller.dial()  # the greeting needs no assistant turn: not counted
    samples: List[float] = []
    think()
    timed(samples, lambda: caller.press("1"))
    think()
    timed(samples, lambda: caller.press("204817"))
    think()
    status = timed(samples, lambda: caller.say("14 March 1985"))
    client.close()
    assert "Under review" in status.text  # type: ignore[attr-defined]
    recorder.add("voice", samples)


RUNNERS = {"rest": rest_conversation, "sms": sms_conversation, "voice": voice_conversation}


def run_round(hotline: Hotline, recorder: Recorder, channel: str, conversations: int) -> None:
    start = threading.Barrier(conversations)
    errors: List[BaseException] = []

    def one() -> None:
        start.wait()
        try:
            RUNNERS[channel](hotline, recorder)
        except BaseException as error:  # noqa: BLE001 - reported after the round
            errors.append(error)

    threads = [threading.Thread(target=one) for _ in range(conversations)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    if errors:
        raise RuntimeError(f"{channel}: {len(errors)} conversations failed: {errors[0]!r}")


def report(recorder: Recorder, conversations: int) -> bool:
    def row(name: str, values: List[float], baseline: List[float]) -> str:
        p50, p95, p99 = (percentile(values, f) * 1000 for f in (0.5, 0.95, 0.99))
        ratio = percentile(values, 0.95) / percentile(baseline, 0.95)
        return f"  {name:<8} {len(values):>6} {p50:>9.0f} {p95:>9.0f} {p99:>9.0f} {ratio:>12.2f}"

    header = f"  {'channel':<8} {'turns':>6} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9} {'p95 vs REST':>12}"
    print(
        f"\nWebhook latency, {conversations} concurrent conversations per channel, "
        f"{THINK['seconds']:.1f} s (0.5x-1.5x) between a conversation's turns"
    )
    print("All assistant turns:")
    print(header)
    for channel in CHANNELS:
        print(row(channel, recorder.turns[channel], recorder.turns["rest"]))
    print("Turns that read a case record (status lookup after the date of birth):")
    print(header)
    for channel in CHANNELS:
        print(row(channel, recorder.case_turns[channel], recorder.case_turns["rest"]))
    voice_p95 = percentile(recorder.case_turns["voice"], 0.95)
    met = voice_p95 < VOICE_GOAL_SECONDS
    print(
        f"Voice goal (case-record turn p95 < {VOICE_GOAL_SECONDS:.1f} s): "
        f"{'met' if met else 'NOT met'} ({voice_p95 * 1000:.0f} ms); "
        f"mean of all voice turns {statistics.mean(recorder.turns['voice']) * 1000:.0f} ms"
    )
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=10, help="concurrent conversations (calls)")
    parser.add_argument("--rounds", type=int, default=8, help="rounds per channel, interleaved")
    parser.add_argument(
        "--think-seconds", type=float, default=2.0, help="mean pause between a conversation's turns; 0 = back to back"
    )
    args = parser.parse_args()
    THINK["seconds"] = max(0.0, min(args.think_seconds, 30.0))
    if not 1 <= args.conversations <= 50 or not 1 <= args.rounds <= 50:
        parser.error("keep --conversations and --rounds between 1 and 50 on a shared machine")

    with tempfile.TemporaryDirectory(prefix="bench-hotline-") as scratch:
        print("bench: starting the hotline (about a minute)...", flush=True)
        hotline = start_hotline(Path(scratch))
        try:
            recorder = Recorder()
            think_seconds, THINK["seconds"] = THINK["seconds"], 0.0
            for channel in CHANNELS:  # warm-up: first turns load models and caches
                run_round(hotline, recorder, channel, 2)
            THINK["seconds"] = think_seconds
            recorder = Recorder()
            for round_number in range(1, args.rounds + 1):
                for channel in CHANNELS:
                    run_round(hotline, recorder, channel, args.conversations)
                print(f"bench: round {round_number}/{args.rounds} done", flush=True)
            met = report(recorder, args.conversations)
        finally:
            hotline.stop()
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
