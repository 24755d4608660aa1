"""Trainers' annotations as a Rasa training data file (NLU YAML), with citizens' personal data replaced by fakes.

The file is meant to be committed and reviewed like any other training data
(`training_data/nlu/reviewed.yml`): one block per intent, examples sorted,
the same annotations always giving the same file. Every example is
pseudonymised by the shared redaction component, segment by segment around
its entities, so an application number the trainer marked stays an
annotated application number, only not the citizen's. Citizens' names on
record in the back office are looked for too, wherever they stand.

Examples that already appear in the other training files are left out
(Rasa refuses one example under two intents), and so are repeats.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Citizen
from app.review.models import ReviewMessage, ReviewStatus
from redaction import pseudonymise

HEADER = """\
# Citizens' messages the assistant was unsure of, with the intent and entities trainers gave them
# in the console's review page. Generated: `python -m app.manage export-annotations` (backend/).
# Personal data is replaced by fakes of the same shape (redaction/); edit by annotating again.
version: "3.1"
"""
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
_EXAMPLE_LINE = re.compile(r"^\s*-\s+(.*)$")


@dataclass
class Export:
    text: str
    examples: int
    skipped_as_known: list[int] = field(default_factory=list)


# A message the retention job already pseudonymised in place (app/retention.py) reads "removed-…".
RETAINED_PREFIX = "removed-"


def pseudonymised_in_place(message: ReviewMessage, known_names: tuple[str, ...] = ()) -> tuple[str, list[dict]]:
    """The message's text with fakes in place of personal data, and its annotated entities moved to match."""
    entities = sorted(message.annotated_entities or [], key=lambda entity: entity["start"])
    context = f"RV-{message.id}"
    text, moved, last = "", [], 0
    for entity in entities:
        text += pseudonymise(message.text[last : entity["start"]], known_names=known_names, context=context)
        value = pseudonymise(message.text[entity["start"] : entity["end"]], known_names=known_names, context=context)
        moved.append({**entity, "value": value, "start": len(text), "end": len(text) + len(value)})
        text += value
        last = entity["end"]
    return text + pseudonymise(message.text[last:], known_names=known_names, context=context), moved


def example_text(message: ReviewMessage, known_names: tuple[str, ...] = ()) -> str:
    """The message as one training example: pseudonymised, its entities annotated."""
    entities = sorted(message.annotated_entities or [], key=lambda entity: entity["start"])
    retained = message.conversation_id.startswith(RETAINED_PREFIX)

    def faked(part: str) -> str:
        # Faked once only: faking the fakes again would change the file at every export.
        return _clean(part if retained else pseudonymise(part, known_names=known_names, context=f"RV-{message.id}"))

    parts, last = [], 0
    for entity in entities:
        parts.append(faked(message.text[last : entity["start"]]))
        value = faked(message.text[entity["start"] : entity["end"]]).strip()
        parts.append(f"[{value}]({entity['entity']})" if value else "")
        last = entity["end"]
    parts.append(faked(message.text[last:]))
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _clean(text: str) -> str:
    # One line of plain text: no control characters, and no brackets that Rasa would read as annotations.
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    return text.replace("[", "(").replace("]", ")").replace("{", "(").replace("}", ")")


def known_examples(nlu_folder: Path, leave_out: Path | None = None) -> set[str]:
    """Every example of the training files, without its annotations, casefolded."""
    known = set()
    for path in sorted(nlu_folder.glob("*.yml")):
        if leave_out is not None and path.resolve() == leave_out.resolve():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            match = _EXAMPLE_LINE.match(line)
            if match:
                known.add(_plain(match.group(1)))
    return known


def _plain(example: str) -> str:
    return re.sub(r"\s+", " ", _ANNOTATION.sub(r"\1", example)).strip().casefold()


def export_annotations(*, session: Session, known: set[str] = frozenset()) -> Export:
    # Citizens on record are found by name even without "my name is" before it.
    known_names = tuple(session.scalars(select(Citizen.full_name)))
    annotated = session.scalars(
        select(ReviewMessage).where(ReviewMessage.status == ReviewStatus.ANNOTATED).order_by(ReviewMessage.id)
    )
    by_intent: dict[str, set[str]] = {}
    seen: set[str] = set()
    skipped = []
    for message in annotated:
        example = example_text(message, known_names)
        plain = _plain(example)
        if not plain:
            continue
        if plain in known:
            skipped.append(message.id)
            continue
        if plain in seen:
            continue  # the same words under another intent too would contradict: the first verdict stands
        seen.add(plain)
        by_intent.setdefault(message.annotated_intent or "", set()).add(example)
    lines = [HEADER, "nlu:"]
    for intent in sorted(by_intent):
        lines.append(f"- intent: {intent}")
        lines.append("  examples: |")
        lines.extend(f"    - {example}" for example in sorted(by_intent[intent], key=str.casefold))
        lines.append("")
    if not by_intent:
        lines[-1] = "nlu: []"
    return Export(text="\n".join(lines).rstrip("\n") + "\n", examples=len(seen), skipped_as_known=skipped)
