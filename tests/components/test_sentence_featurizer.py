"""The featurizer adds one dense vector per Rasa token and one per sentence."""

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.sentence_featurizer import SentenceEmbeddingFeaturizer


@pytest.fixture(scope="module")
def featurize(tmp_path_factory):
    context = ExecutionContext(graph_schema=None, node_name="sentence_embeddings")
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    tokenizer = WhitespaceTokenizer.create(
        WhitespaceTokenizer.get_default_config(), storage, Resource("tokenizer"), context
    )
    featurizer = SentenceEmbeddingFeaturizer.create(
        SentenceEmbeddingFeaturizer.get_default_config(), storage, Resource("featurizer"), context
    )

    def run(*texts):
        messages = [Message(data={TEXT: text}) for text in texts]
        tokenizer.process(messages)
        featurizer.process(messages)
        return messages

    run.featurizer = featurizer
    run.tokenizer = tokenizer
    return run


def dense(message):
    sequence, sentence = message.get_dense_features(TEXT)
    return sequence.features, sentence.features


def test_one_vector_per_token_and_one_per_sentence(featurize):
    (message,) = featurize("The streetlight on Mill Lane is out!")
    sequence, sentence = dense(message)
    tokens = message.get("text_tokens")
    assert sequence.shape == (len(tokens), 384)
    assert sentence.shape == (1, 384)
    assert all(row.any() for row in sequence)  # every token overlaps a word piece


def test_similar_requests_are_closer_than_unrelated_ones(featurize):
    bins, collection, weather = (
        dense(m)[1][0]
        for m in featurize("my bin wasn't emptied this week", "missed rubbish collection", "will it rain tomorrow")
    )
    assert bins @ collection > bins @ weather + 0.1  # 0.40 against 0.25


def test_training_data_gets_the_same_features_as_a_live_message(featurize):
    text = "I want to report graffiti 🙂 on the bridge"
    (live,) = featurize(text)
    example = Message(data={TEXT: text, "intent": "report_issue"})
    featurize.tokenizer.process_training_data(TrainingData([example]))
    featurize.featurizer.process_training_data(TrainingData([example]))
    for ours, theirs in zip(dense(example), dense(live), strict=True):
        assert np.allclose(ours, theirs)


def test_message_without_text_gets_no_dense_features(featurize):
    message = Message(data={"intent": "greet"})
    featurize.featurizer.process([message])
    assert message.get_dense_features(TEXT) == (None, None)
