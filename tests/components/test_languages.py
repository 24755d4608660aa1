"""English and Chinese in one pipeline: the tokenizer, the language detector, and Chinese dense features."""

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.language_detector import LanguageDetector, detect_language
from bot.components.mixed_script_tokenizer import MixedScriptTokenizer
from bot.components.sentence_featurizer import SentenceEmbeddingFeaturizer


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    context = ExecutionContext(graph_schema=None, node_name="languages")
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    tokenizer = MixedScriptTokenizer.create(
        MixedScriptTokenizer.get_default_config(), storage, Resource("tokenizer"), context
    )
    detector = LanguageDetector.create({}, storage, Resource("detector"), context)
    featurizer = SentenceEmbeddingFeaturizer.create(
        SentenceEmbeddingFeaturizer.get_default_config(), storage, Resource("featurizer"), context
    )

    def run(text):
        message = Message(data={TEXT: text})
        tokenizer.process([message])
        detector.process([message])
        featurizer.process([message])
        return message

    return run


def tokens(message):
    return [token.text for token in message.get("text_tokens")]


def test_chinese_is_one_token_per_character_and_english_keeps_its_words(pipeline):
    assert tokens(pipeline("我家门口的路灯坏了")) == list("我家门口的路灯坏了")
    assert tokens(pipeline("the street light is out")) == ["the", "street", "light", "is", "out"]


def test_numbers_and_latin_words_inside_chinese_stay_whole_and_punctuation_goes(pipeline):
    message = pipeline("我的申请号是APP-204817，谢谢！")
    assert tokens(message) == ["我", "的", "申", "请", "号", "是", "APP-204817", "谢", "谢"]
    spans = [(t.start, t.end) for t in message.get("text_tokens")]
    assert all(message.get(TEXT)[start:end] for start, end in spans)
    assert message.get(TEXT)[spans[6][0]:spans[6][1]] == "APP-204817"


def test_emoji_are_still_dropped(pipeline):
    assert tokens(pipeline("thanks 🙂")) == ["thanks"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("where is my application", "en"),
        ("我的申请到哪一步了", "zh"),
        ("Mill Lane 12号门口", "zh"),
        ("APP-204817", None),
        ("14/03/1985", None),
        ("482913", None),
        ("ok", None),
        ("SR-100231 please", "en"),
    ],
)
def test_the_language_entity_is_set_only_by_messages_that_show_a_language(pipeline, text, language):
    assert detect_language(text) == language
    found = [e["value"] for e in pipeline(text).get(ENTITIES, []) if e["entity"] == "language"]
    assert found == ([language] if language else [])


def test_chinese_messages_get_zero_dense_features_of_the_same_width(pipeline):
    chinese = pipeline("路灯坏了").get_dense_features(TEXT)
    english = pipeline("the light is out").get_dense_features(TEXT)
    assert chinese[1].features.shape == english[1].features.shape == (1, 384)
    assert chinese[0].features.shape == (4, 384)
    assert not chinese[1].features.any() and english[1].features.any()
