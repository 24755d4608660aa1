"""The figures scripts/retrain decides on: how predictions are scored and compared (the run itself: tests/e2e)."""

import pytest

from bot.model_evaluation import score
from bot.retrain import verdict


def test_scores_count_the_fallback_as_recognising_out_of_scope() -> None:
    scores = score(
        [
            ("where is my application", "check_application_status", "check_application_status"),
            ("status of SR-100231", "check_request_status", "check_application_status"),
            ("hello", "greet", "nlu_fallback"),
            ("tell me a joke", "out_of_scope", "out_of_scope"),
            ("will it rain", "out_of_scope", "nlu_fallback"),
            ("buy me a tv", "out_of_scope", "check_request_status"),
        ]
    )
    assert scores.examples == 6 and scores.out_of_scope_examples == 3
    assert scores.intent_accuracy == pytest.approx(3 / 6)
    assert scores.out_of_scope_recall == pytest.approx(2 / 3)
    assert scores.out_of_scope_as_case_record == pytest.approx(1 / 3)
    assert scores.in_scope_rejected == pytest.approx(1 / 3)
    assert 0 < scores.macro_f1 < 1


def test_verdicts_know_which_way_is_better() -> None:
    assert verdict(0.90, 0.95, higher_is_better=True) == "better"
    assert verdict(0.95, 0.90, higher_is_better=True) == "worse"
    assert verdict(0.02, 0.01, higher_is_better=False) == "better"
    assert verdict(0.5, 0.5, higher_is_better=True) == "same"
