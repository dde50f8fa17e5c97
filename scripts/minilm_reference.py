"""Write the reference vectors that tests/nlu/test_bert_model.py checks the assistant's encoder against.

    python -m scripts.minilm_reference        # needs transformers 4.36.2, which the assistant does not install

The references come from an independent implementation of the same model: `transformers`'
TFBertModel on the same hash-checked all-MiniLM-L6-v2 files, pooled by the same
`SentenceEncoder` code. They were written once, on 2026-12-07, with transformers 4.36.2
(then in the venv); to write them again, install it into a scratch venv beside the pinned
requirements (`pip install transformers==4.36.2`) and run this. Writes
tests/nlu/data/minilm_reference.npz: the texts, each text's sentence vector, and the
word-piece rows of the first text.
"""

from __future__ import annotations

import numpy as np

from evaluation.paths import ROOT
from nlu_components.sentence_encoder import SentenceEncoder, default_model_dir, load_tokenizer, verify_weights

REFERENCE_FILE = ROOT / "tests" / "nlu" / "data" / "minilm_reference.npz"

TEXTS = [
    "I can see the metal of my screw through the skin",
    "what are the rods for",
    "is it normal to feel a bump over the plate?",
    "se me ve el tornillo por la herida",
    "my back hurts",
    "x",
    "The X-ray shows a dark halo around one of the lower screws, and my surgeon wants to wait.",
    # Longer than the model's 256 word pieces: encoded in windows and averaged.
    " ".join(["my wound has been weeping for a week and the skin over the rod looks thin"] * 20),
]


def main() -> None:
    import tensorflow as tf
    from transformers import TFBertModel

    model_dir = default_model_dir()
    verify_weights(model_dir)
    tokenizer = load_tokenizer(model_dir)
    model = TFBertModel.from_pretrained(str(model_dir), local_files_only=True)
    forward = tf.function(lambda ids, mask: model(input_ids=ids, attention_mask=mask, training=False).last_hidden_state)
    encoded = SentenceEncoder(tokenizer, forward).encode(TEXTS, batch_size=4)
    REFERENCE_FILE.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        REFERENCE_FILE,
        texts=np.array(TEXTS),
        sentences=np.stack([item.sentence for item in encoded]).astype(np.float32),
        first_wordpieces=encoded[0].wordpieces.astype(np.float32),
    )
    print(f"wrote {REFERENCE_FILE.relative_to(ROOT)}: {len(TEXTS)} texts")


if __name__ == "__main__":
    main()
