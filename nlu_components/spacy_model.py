"""Build the blank English spaCy pipeline that SpacyNLP loads.

Pretrained spaCy pipelines cannot be downloaded here, and the assistant does not
need one: tokenisation, norms and lexical attributes come with `spacy.blank`.

    python -m nlu_components.spacy_model .build/spacy-en-blank
"""

from __future__ import annotations

import sys
from pathlib import Path

import spacy


def build_blank_pipeline(target: Path) -> Path:
    """Save `spacy.blank("en")` to `target` and return the path."""
    nlp = spacy.blank("en")
    nlp.meta["name"] = "blank_for_rasa"
    nlp.meta["description"] = "Blank English pipeline (tokenizer only), built from the repo."
    target.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)
    return target


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m nlu_components.spacy_model TARGET_DIR")
    print(f"spaCy pipeline written to {build_blank_pipeline(Path(sys.argv[1]))}")
