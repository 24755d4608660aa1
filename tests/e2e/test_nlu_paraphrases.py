"""The trained model understands paraphrases it never saw (tests/nlu/paraphrases.yml)."""

import re
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.bot.training_examples import examples_by_intent, normalised
from tests.e2e.hotline_process import Hotline

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
PARAPHRASES = ROOT / "tests" / "nlu" / "paraphrases.yml"
REQUIRED_ACCURACY = 0.90
HAN = re.compile(r"[\u4e00-\u9fff]")


def test_paraphrases_are_not_in_the_training_data() -> None:
    training = {normalised(text) for texts in examples_by_intent(ROOT / "training_data" / "nlu").values()
                for text in texts}
    paraphrases = [text for texts in examples_by_intent(PARAPHRASES).values() for text in texts]
    assert len(paraphrases) >= 150
    assert [text for text in paraphrases if normalised(text) in training] == []


def test_at_least_ninety_percent_of_paraphrases_get_the_right_intent(hotline: Hotline) -> None:
    wrong: list[tuple[str, str, str]] = []
    total = 0
    with httpx.Client(base_url=hotline.rasa_url, timeout=30) as rasa:
        for intent, texts in examples_by_intent(PARAPHRASES).items():
            for text in texts:
                total += 1
                predicted = rasa.post("/model/parse", params={"token": hotline.rasa_token},
                                      json={"text": text}).json()["intent"]["name"]
                if predicted != intent:
                    wrong.append((text, intent, predicted))
    accuracy = 1 - len(wrong) / total
    confusions = Counter((expected, predicted) for _, expected, predicted in wrong)
    print(f"paraphrase intent accuracy {accuracy:.3f} on {total}; confusions {confusions.most_common(5)}")
    assert accuracy >= REQUIRED_ACCURACY, wrong
    # And in each language on its own (a Han character makes a paraphrase Chinese).
    for language, is_chinese in (("en", False), ("zh", True)):
        texts = [t for ts in examples_by_intent(PARAPHRASES).values() for t in ts if bool(HAN.search(t)) == is_chinese]
        missed = [w for w in wrong if bool(HAN.search(w[0])) == is_chinese]
        print(f"{language}: {1 - len(missed) / len(texts):.3f} on {len(texts)}")
        assert 1 - len(missed) / len(texts) >= REQUIRED_ACCURACY, (language, missed)
