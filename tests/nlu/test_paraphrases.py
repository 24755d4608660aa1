"""tests/nlu/paraphrases.yml stays a fair held-out set: every intent, nothing from the training data.

Runs without Rasa or a model, so it belongs to the quick suite; the accuracy
itself is measured in tests/e2e/test_nlu_paraphrases.py.
"""

import re
from pathlib import Path

from tests.bot.training_examples import examples_by_intent

ROOT = Path(__file__).resolve().parents[2]
PARAPHRASES = ROOT / "tests" / "nlu" / "paraphrases.yml"
TRAINING_NLU = ROOT / "training_data" / "nlu"


def loosely(text: str) -> str:
    """Stricter than tests.bot.training_examples.normalised: "APP-318402" and "app 318402" are the same phrasing."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def test_paraphrases_cover_every_trained_intent_but_the_fallback() -> None:
    paraphrases = examples_by_intent(PARAPHRASES)
    assert sum(len(texts) for texts in paraphrases.values()) >= 150
    assert set(paraphrases) == set(examples_by_intent(TRAINING_NLU))
    assert "nlu_fallback" not in paraphrases


def test_no_paraphrase_is_a_training_example_in_other_spelling() -> None:
    trained = {loosely(text) for texts in examples_by_intent(TRAINING_NLU).values() for text in texts}
    paraphrases = [text for texts in examples_by_intent(PARAPHRASES).values() for text in texts]
    assert [text for text in paraphrases if loosely(text) in trained] == []


def test_both_languages_have_paraphrases_of_every_intent() -> None:
    """The evaluation reports accuracy per language (scripts/evaluate_nlu), so each needs every intent."""
    chinese = re.compile(r"[\u4e00-\u9fff]")
    for language, wanted in (("zh", True), ("en", False)):
        covered = {
            intent
            for intent, texts in examples_by_intent(PARAPHRASES).items()
            if any(bool(chinese.search(text)) == wanted for text in texts)
        }
        assert covered == set(examples_by_intent(TRAINING_NLU)), language
