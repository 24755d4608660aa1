"""`rasa test nlu --cross-validation` that predicts the test folds only (run by scripts/nlu_report).

Rasa's cross-validation also predicts every training example of every fold,
to report training-fold accuracy: four times the prediction work of the test
folds, on a model that has seen those examples. Our report is about the test
folds only, so those predictions are skipped; training, test-fold predictions
and Rasa's result files are Rasa's own.

Usage (in Rasa's environment): python scripts/rasa_cross_validation.py test nlu --cross-validation ...
"""
import sys

import rasa.nlu.test
from rasa.__main__ import main

_combine_result = rasa.nlu.test.combine_result


async def _test_folds_only(*args, **kwargs):  # type: ignore[no-untyped-def]
    # Rasa passes the result lists only for the test fold (see rasa.nlu.test.cross_validate).
    collects_predictions = len(args) > 5 or kwargs.get("intent_results") is not None
    if not collects_predictions:
        return args[0], args[1], args[2]  # the training fold: its (empty) metrics, unchanged
    return await _combine_result(*args, **kwargs)


rasa.nlu.test.combine_result = _test_folds_only

if __name__ == "__main__":
    sys.argv[0] = "rasa"
    main()
