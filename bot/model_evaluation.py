"""Two NLU models measured on the same held-out examples: intent accuracy, out-of-scope detection, a confusion matrix.

A message counts as detected out of scope when the model gives it
`out_of_scope` or `nlu_fallback`: the assistant answers both with what it
can do instead, rather than guessing a request.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

OUT_OF_SCOPE = "out_of_scope"
REJECTED = {OUT_OF_SCOPE, "nlu_fallback"}
# Intents that lead to showing or changing a citizen's case record: an out-of-scope message
# must (almost) never be taken for one of them.
CASE_RECORD_INTENTS = {"check_application_status", "check_request_status", "report_issue"}


@dataclass
class Scores:
    examples: int
    intent_accuracy: float
    macro_f1: float
    out_of_scope_examples: int
    out_of_scope_recall: float
    out_of_scope_as_case_record: float  # share of out-of-scope examples taken for a case-record intent
    in_scope_rejected: float  # share of in-scope examples answered as out of scope
    predictions: List[Tuple[str, str, str]] = field(default_factory=list, repr=False)  # text, expected, predicted

    def summary(self) -> Dict[str, float]:
        return {key: value for key, value in asdict(self).items() if key != "predictions"}


def read_examples(paths: Sequence[Path]) -> List[Tuple[str, str]]:
    """(text, intent) of every example in Rasa NLU YAML files, as Rasa reads them."""
    from rasa.shared.nlu.training_data.loading import load_data

    examples = []
    for path in paths:
        data = load_data(str(path))
        examples += [(message.get("text"), message.get("intent")) for message in data.intent_examples]
    return examples


def _counts_as(expected: str, predicted: str) -> str:
    # An out-of-scope example answered with the fallback is answered rightly.
    return OUT_OF_SCOPE if expected == OUT_OF_SCOPE and predicted in REJECTED else predicted


def score(predictions: List[Tuple[str, str, str]]) -> Scores:
    from sklearn.metrics import f1_score

    expected = [e for _, e, _ in predictions]
    predicted = [_counts_as(e, p) for _, e, p in predictions]
    right = sum(e == p for e, p in zip(expected, predicted, strict=True))
    out_of_scope = [(e, p) for e, p in zip(expected, predicted, strict=True) if e == OUT_OF_SCOPE]
    in_scope = [(e, p) for e, p in zip(expected, predicted, strict=True) if e != OUT_OF_SCOPE]
    return Scores(
        examples=len(predictions),
        intent_accuracy=right / len(predictions),
        macro_f1=float(f1_score(expected, predicted, labels=sorted(set(expected)), average="macro", zero_division=0)),
        out_of_scope_examples=len(out_of_scope),
        out_of_scope_recall=sum(p == OUT_OF_SCOPE for _, p in out_of_scope) / len(out_of_scope) if out_of_scope else 0,
        out_of_scope_as_case_record=(
            sum(p in CASE_RECORD_INTENTS for _, p in out_of_scope) / len(out_of_scope) if out_of_scope else 0
        ),
        in_scope_rejected=sum(p in REJECTED for _, p in in_scope) / len(in_scope) if in_scope else 0,
        predictions=predictions,
    )


def evaluate(model_path: Path, examples: List[Tuple[str, str]]) -> Scores:
    """Load the model (NLU only, as the Rasa server would) and score its intent for every example."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model_path))

    async def predict_all() -> List[Tuple[str, str, str]]:
        out = []
        for text, intent in examples:
            parsed = await agent.parse_message(text)
            out.append((text, intent, (parsed.get("intent") or {}).get("name") or "None"))
        return out

    return score(asyncio.run(predict_all()))


def draw_confusion_matrices(models: Dict[str, Scores], path: Path) -> None:
    """One confusion matrix per model, side by side, rows the expected intent, columns the predicted one."""
    import matplotlib

    matplotlib.use("Agg")  # no display: files only
    import matplotlib.pyplot as plt
    from sklearn.metrics import confusion_matrix

    labels = sorted({e for s in models.values() for _, e, _ in s.predictions}
                    | {_counts_as(e, p) for s in models.values() for _, e, p in s.predictions})
    figure, axes = plt.subplots(1, len(models), figsize=(9 * len(models), 8.5), squeeze=False)
    for axis, (name, scores) in zip(axes[0], models.items(), strict=True):
        expected = [e for _, e, _ in scores.predictions]
        predicted = [_counts_as(e, p) for _, e, p in scores.predictions]
        matrix = confusion_matrix(expected, predicted, labels=labels)
        axis.imshow(matrix, cmap="Blues")
        axis.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
        axis.set_yticks(range(len(labels)), labels, fontsize=7)
        for row in range(len(labels)):
            for column in range(len(labels)):
                if matrix[row, column]:
                    colour = "white" if matrix[row, column] > matrix.max() / 2 else "black"
                    axis.text(column, row, matrix[row, column], ha="center", va="center", fontsize=6, color=colour)
        axis.set_xlabel("predicted")
        axis.set_ylabel("expected")
        axis.set_title(
            f"{name}: accuracy {scores.intent_accuracy:.1%}, out of scope found {scores.out_of_scope_recall:.0%}"
        )
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
