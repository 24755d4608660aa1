"""Where a Rasa server of ours spends a turn: py-spy samples of whole conversations, grouped by stage.

    .venvs/backend/bin/python -m bench.turn_profile [--seconds 40] [--rate 200]

Starts the production topology (scripts/start_replicas), warms it up, then
drives one conversation at a time (bench/assistant_throughput.py's four kinds)
straight at one Rasa server while py-spy samples that server. Prints each
stage's share of the server's busy samples (a sample counts in every stage
whose code is on its stack, so nested stages overlap and shares do not add up
to 100%) and the turns' latency. The samples are CPU, not waiting: a busy
machine slows everything alike, so the shares hold where the milliseconds do
not.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

import psutil

from bench.assistant_throughput import OURS, hold_conversations
from tests.e2e.replicas_process import start_replicas

# (stage, pattern of a frame on the stack). py-spy writes frames as "function (path:line)".
STAGES = [
    ("the whole turn (REST channel)", r"^receive \(.*channels/rest\.py"),
    ("NLU (the pipeline, one graph run)", r"^_parse_message_with_graph "),
    ("  sentence encoder (bot/components)", r"sentence_featurizer\.py"),
    ("  DIET intent classifier", r"diet_classifier\.py"),
    ("  count vectors, regexes, lexical features", r"count_vectors_featurizer|regex_featurizer|lexical_syntactic"),
    ("dialogue policies (rules, memoization)", r"^_predict_next_with_tracker "),
    ("tracker store: read the conversation", r"^get_tracker \(.*processor\.py"),
    ("  of which replaying events into a tracker", r"^from_dict \(.*trackers\.py"),
    ("tracker store: save the turn", r"^save_tracker \(.*processor\.py"),
    ("pause check before the turn", r"^is_paused "),
    ("lock store (Redis)", r"lock_store\.py"),
    ("actions (action server call, forms)", r"^_run_action \(.*processor\.py"),
    ("conversation facts to the back office", r"conversation_facts\.py"),
]


def rasa_server_pid(root_pid: int, url: str) -> int:
    port = url.rsplit(":", 1)[1]
    for process in psutil.Process(root_pid).children(recursive=True):
        line = " ".join(process.cmdline())
        if re.search(r"rasa run\b", line) and "actions" not in line and f"--port {port}" in line:
            return process.pid
    raise RuntimeError(f"no Rasa server on port {port}")


def shares(raw: Path) -> tuple[int, Counter]:
    total, counted = 0, Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        total += int(count)
        for stage, pattern in STAGES:
            if any(re.search(pattern, frame) for frame in frames):
                counted[stage] += int(count)
    return total, counted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=40, help="how long to sample")
    parser.add_argument("--rate", type=int, default=200, help="samples a second")
    args = parser.parse_args()
    py_spy = shutil.which("py-spy") or str(Path(__file__).resolve().parents[1] / ".venvs/backend/bin/py-spy")
    scratch = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    ours = start_replicas(scratch / "ours")
    try:
        url = ours.rasa_urls[0]
        asyncio.run(hold_conversations(url, OURS, 1, 5))  # warm-up, unmeasured
        raw = scratch / "samples.txt"
        spy = subprocess.Popen(
            [
                py_spy,
                "record",
                "--pid",
                str(rasa_server_pid(ours.process.pid, url)),
                "--duration",
                str(args.seconds),
                "--rate",
                str(args.rate),
                "--format",
                "raw",
                "--output",
                str(raw),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        result = asyncio.run(hold_conversations(url, OURS, 1, max(1, args.seconds - 2)))
        spy.wait()
    finally:
        ours.stop()
        ours.drop_database()
    total, counted = shares(raw)
    print(
        f"{len(result.latencies)} turns, one conversation at a time: p50 {result.quantile(0.5) * 1000:.0f} ms, "
        f"p95 {result.quantile(0.95) * 1000:.0f} ms ({result.wrong} wrong replies, {result.failed} failed)"
    )
    print(f"{total} busy samples of the Rasa server; share of them per stage:")
    for stage, _ in STAGES:
        print(f"  {stage:<46} {counted[stage] / total * 100 if total else 0:5.1f}%")


if __name__ == "__main__":
    main()
