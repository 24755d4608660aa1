"""Tokens for English and Chinese in one model: words by whitespace, Chinese by character.

Chinese is written without spaces, so Rasa's WhitespaceTokenizer would make a
whole Chinese sentence one token. Here every Han character becomes a token of
its own and Latin text keeps its words. Single characters plus the word
bigrams of the CountVectorsFeaturizer (config.yml) are the usual features for
short Chinese texts: they need no dictionary (no jieba download) and do not
depend on where a segmenter would cut a word the training data never saw.
"""
from __future__ import annotations

import re
from typing import List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

# CJK Unified Ideographs and Extension A: the characters of simplified Chinese.
HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
HAN_CHARACTER = re.compile(f"[{HAN}]")
_HAN_OR_OTHER = re.compile(rf"[{HAN}]|[^{HAN}]+")
_WORD_SPAN = re.compile(r"\w(?:.*\w)?", re.DOTALL)


def split_han(token: Token) -> List[Token]:
    """One token per Han character; what lies between them stays one token (APP-204817); punctuation goes."""
    if not HAN_CHARACTER.search(token.text):
        return [token]
    pieces = []
    for match in _HAN_OR_OTHER.finditer(token.text):
        word = _WORD_SPAN.search(match.group())  # without the punctuation around it ("APP-204817，")
        if word:
            pieces.append(Token(word.group(), token.start + match.start() + word.start()))
    return pieces


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class MixedScriptTokenizer(WhitespaceTokenizer):
    @staticmethod
    def not_supported_languages() -> Optional[List[Text]]:
        return None

    def remove_emoji(self, text: Text) -> Text:
        # Rasa's emoji pattern spans U+24C2..U+1F251, which holds every Han character.
        return text if HAN_CHARACTER.search(text) else super().remove_emoji(text)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        tokens = [piece for token in super().tokenize(message, attribute) for piece in split_han(token)]
        return tokens or super().tokenize(message, attribute)
