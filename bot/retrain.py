"""scripts/retrain: train a candidate model, measure it against the running one, promote it only if it is not worse.

1. The candidate is trained from the training data (scripts/train: skipped when
   a model for exactly these inputs exists).
2. Both models answer the same held-out examples (tests/nlu/*.yml by
   default: the paraphrases and out-of-scope questions kept out of training);
   intent accuracy, macro F1 and out-of-scope detection are printed for both,
   each with better / worse / same, and the confusion matrices are drawn side
   by side in reports/retrain_confusion.png (figures in reports/retrain.json).
3. The candidate is promoted when neither intent accuracy nor out-of-scope
   recall got worse (or with --force): the running Rasa server loads it with
   `PUT /model`, which builds the new model beside the old one and swaps them,
   so the server keeps answering throughout.

Exit status: 0 promoted (or nothing to promote, or measured only with
--no-promote and not worse), 3 the candidate is worse and was not promoted,
2 something failed.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

import requests

from bot.model_evaluation import Scores, draw_confusion_matrices, evaluate, read_examples
from redaction import install_log_redaction

ROOT = Path(__file__).resolve().parents[1]
KEPT, FAILED = 3, 2
# (figure, label, higher is better): the first two decide promotion.
FIGURES = [
    ("intent_accuracy", "intent accuracy", True),
    ("out_of_scope_recall", "out-of-scope recall", True),
    ("macro_f1", "intent macro F1", True),
    ("out_of_scope_as_case_record", "out of scope taken for a case record", False),
    ("in_scope_rejected", "in-scope questions answered as out of scope", False),
]
DECIDING = ("intent_accuracy", "out_of_scope_recall")


class RetrainFailed(Exception):
    pass


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/retrain", description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="promote the candidate even if it is worse")
    parser.add_argument("--no-promote", action="store_true", help="measure and report only")
    parser.add_argument("--current", type=Path, help="the model to compare with (default: the one the server runs)")
    parser.add_argument("--test-data", type=Path, nargs="+", default=sorted((ROOT / "tests" / "nlu").glob("*.yml")),
                        help="held-out examples (default: tests/nlu/*.yml)")
    parser.add_argument("--reports", type=Path, default=ROOT / "reports", help="where the figures go")
    return parser.parse_args(argv)


class RasaServer:
    """The running Rasa server's HTTP API (RASA_URL, RASA_AUTH_TOKEN as for the back office)."""

    def __init__(self) -> None:
        self.url = os.environ.get("RASA_URL") or f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}"
        token = os.environ.get("RASA_AUTH_TOKEN", "")
        self.params = {"token": token} if token else {}

    def model_file(self) -> Path:
        try:
            reply = requests.get(f"{self.url}/status", params=self.params, timeout=10)
        except requests.RequestException as error:
            raise RetrainFailed(f"the Rasa server at {self.url} cannot be reached ({type(error).__name__}); "
                                "start it or name the current model with --current") from None
        if reply.status_code != 200:
            raise RetrainFailed(f"the Rasa server at {self.url} answered {reply.status_code} to GET /status")
        model = Path(reply.json()["model_file"])
        return model if model.is_absolute() else Path(os.environ.get("RASA_MODEL_DIR", ROOT / "var" / "models")) / model

    def load(self, model: Path) -> None:
        reply = requests.put(f"{self.url}/model", params=self.params, json={"model_file": str(model)}, timeout=600)
        if reply.status_code != 204:
            raise RetrainFailed(f"the Rasa server refused the model ({reply.status_code}): {reply.text[:300]}")
        if self.model_file().name != model.name:
            raise RetrainFailed("the Rasa server does not report the promoted model")


def train_candidate() -> Path:
    result = subprocess.run([str(ROOT / "scripts" / "train")], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise RetrainFailed("training failed (see the messages above)")
    return Path(result.stdout.strip().splitlines()[-1])


def verdict(current: float, candidate: float, higher_is_better: bool) -> str:
    if abs(candidate - current) < 1e-9:
        return "same"
    return "better" if (candidate > current) == higher_is_better else "worse"


def report(current: Scores, candidate: Scores) -> Dict[str, str]:
    verdicts = {}
    print(f"\n{'held-out examples':<46}{current.examples:>10}  ({current.out_of_scope_examples} out of scope)")
    print(f"{'':<46}{'current':>10}{'candidate':>11}")
    for key, label, higher_is_better in FIGURES:
        before, after = getattr(current, key), getattr(candidate, key)
        verdicts[key] = verdict(before, after, higher_is_better)
        print(f"{label:<46}{before:>10.1%}{after:>11.1%}  {verdicts[key]}")
    return verdicts


def quiet_rasa() -> None:
    """Rasa's own messages at warning level only: its debug lines would print every example it parses."""
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    install_log_redaction()


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    quiet_rasa()
    server = RasaServer()
    try:
        current = args.current or server.model_file()
        if not current.is_file():
            raise RetrainFailed(f"no current model at {current}")
        candidate = train_candidate()
        print(f"current model:   {current.name}\ncandidate model: {candidate.name}")
        examples = read_examples(args.test_data)
        scores = {"current": evaluate(current, examples), "candidate": evaluate(candidate, examples)}
        verdicts = report(scores["current"], scores["candidate"])
        picture = args.reports / "retrain_confusion.png"
        draw_confusion_matrices(scores, picture)
        print(f"confusion matrices: {picture}")
        worse = [key for key in DECIDING if verdicts[key] == "worse"]

        def write_summary(promoted: bool) -> None:
            summary = {
                "current": {"model": current.name, **scores["current"].summary()},
                "candidate": {"model": candidate.name, **scores["candidate"].summary()},
                "verdicts": verdicts,
                "test_data": [str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p) for p in args.test_data],
                "promoted": promoted,
            }
            (args.reports / "retrain.json").write_text(json.dumps(summary, indent=2) + "\n")

        if candidate.resolve() == current.resolve():
            write_summary(False)
            print("the candidate is the model the server runs already: nothing to promote")
            return 0
        if worse and not args.force:
            write_summary(False)
            print(f"kept the current model: the candidate is worse in {', '.join(worse)} (--force promotes it anyway)")
            return KEPT
        if args.no_promote:
            write_summary(False)
            print("not promoted (--no-promote)")
            return 0
        server.load(candidate)
        write_summary(True)
        print(f"promoted: the Rasa server at {server.url} now runs {candidate.name}")
        return 0
    except RetrainFailed as error:
        print(f"retrain: {error}", file=sys.stderr)
        return FAILED


if __name__ == "__main__":
    sys.exit(main())
