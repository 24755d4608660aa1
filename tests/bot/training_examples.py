"""Reads NLU examples out of Rasa training files, without Rasa (these tests run outside its environment)."""

import re
from pathlib import Path

import yaml

_ENTITY_MARKUP = re.compile(r"\[([^\]]+)\](\{[^}]*\}|\([^)]*\))")


def plain_text(example: str) -> str:
    """`[APP-204817](application_number)` -> `APP-204817`."""
    return _ENTITY_MARKUP.sub(r"\1", example)


def normalised(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s-]", " ", text.lower()).split())


def examples_by_intent(path: Path) -> dict[str, list[str]]:
    files = sorted(path.rglob("*.yml")) if path.is_dir() else [path]
    found: dict[str, list[str]] = {}
    for file in files:
        for item in (yaml.safe_load(file.read_text()) or {}).get("nlu", []) or []:
            if "intent" in item:
                texts = [line[2:].strip() for line in item["examples"].splitlines() if line.startswith("- ")]
                found.setdefault(item["intent"], []).extend(plain_text(text) for text in texts)
    return found
