"""Our NumPy forward pass gives the same sentence embeddings as sentence-transformers."""

import json
from pathlib import Path

import numpy as np
import pytest

from bot.components.minilm_encoder import MiniLMEncoder

REFERENCE = json.loads((Path(__file__).parent / "fixtures" / "minilm_reference_embeddings.json").read_text())


@pytest.fixture(scope="module")
def encoder() -> MiniLMEncoder:
    return MiniLMEncoder()


@pytest.mark.parametrize("case", REFERENCE["sentences"], ids=lambda case: case["text"])
def test_sentence_embedding_matches_reference(encoder, case):
    vector = encoder.encode(case["text"]).sentence_vector
    reference = np.asarray(case["embedding"])
    assert vector.shape == reference.shape == (384,)
    # The fixture is rounded to 6 decimals; a wrong layer or GELU differs by far more.
    assert np.abs(vector - reference).max() < 1e-5


def test_pieces_carry_their_character_spans(encoder):
    text = "pothole on Harbour Road"
    encoding = encoder.encode(text)
    assert encoding.special[0] and encoding.special[-1]  # [CLS] ... [SEP]
    pieces = [
        text[start:end] for (start, end), special in zip(encoding.offsets, encoding.special, strict=True) if not special
    ]
    assert "".join(pieces) == text.replace(" ", "")
    assert encoding.token_vectors.shape == (len(encoding.offsets), 384)


def test_long_text_is_truncated_to_the_models_length(encoder):
    encoding = encoder.encode("pothole " * 1000)
    assert len(encoding.offsets) == 256
    assert np.isclose(np.linalg.norm(encoding.sentence_vector), 1.0)


def test_forward_pass_runs_on_one_blas_thread_and_leaves_the_process_setting_alone(encoder, monkeypatch):
    from threadpoolctl import threadpool_info

    def blas_threads() -> set:
        return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}

    seen = []
    forward = encoder._forward

    def watched(ids):
        seen.append(blas_threads())
        return forward(ids)

    monkeypatch.setattr(encoder, "_forward", watched)
    before = blas_threads()
    encoder.encode("streetlight out on Mill Lane")
    assert seen == [{1}]
    assert blas_threads() == before
