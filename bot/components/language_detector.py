"""Which language a citizen wrote in, as the entity `language` (en or zh) that fills the `language` slot.

Rasa 3.6 has no language detection, and the hotline's two languages are told
apart by their script: any Han character means Chinese; a Latin word means
English. Messages with neither (an application number, a date, "1", an
emoji) say nothing about the language, so they get no entity and the slot
keeps the conversation's language: a Chinese citizen who types "APP-204817"
is still answered in Chinese. Words both languages' writers use ("ok") are
neutral too.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.mixed_script_tokenizer import HAN_CHARACTER

LANGUAGE_ENTITY = "language"
# A Latin word that is not part of an identifier such as APP-204817, SR-100231 or 3rd.
_LATIN_WORD = re.compile(r"(?<![\w-])[A-Za-z]{2,}(?![\w-])")
_NEUTRAL = {"ok", "okay"}


def detect_language(text: str) -> Optional[str]:
    """'zh', 'en', or None when the text carries no sign of either."""
    if HAN_CHARACTER.search(text):
        return "zh"
    if any(word.lower() not in _NEUTRAL for word in _LATIN_WORD.findall(text)):
        return "en"
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageDetector(GraphComponent, EntityExtractorMixin):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageDetector":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            language = detect_language(text) if isinstance(text, str) else None
            if language is None:
                continue
            entity = {"entity": LANGUAGE_ENTITY, "value": language, "start": 0, "end": len(text), "confidence": 1.0}
            message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name([entity]), add_to_output=True)
        return messages
