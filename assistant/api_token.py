"""The token that guards Rasa's HTTP API, shared by the Rasa server and the staff console.

RASA_AUTH_TOKEN in the environment, else the token kept in RASA_AUTH_TOKEN_FILE, which
`python -m assistant.api_token <file>` (run by scripts/run.sh before the servers start)
makes once, readable by its owner only. Never on a command line, where `ps` would show it.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Mapping

DEFAULT_TOKEN_FILE = ".rasa-data/rasa-api.token"


def ensure_token_file(path: Path) -> None:
    """Create `path` with a new random token (mode 0600) unless it exists."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "w") as token_out:
        token_out.write(secrets.token_urlsafe(32))


def api_token(environ: Mapping[str, str]) -> str | None:
    """RASA_AUTH_TOKEN, else RASA_AUTH_TOKEN_FILE's token; None when neither is there."""
    given = environ.get("RASA_AUTH_TOKEN", "").strip()
    if given:
        return given
    path = Path(environ.get("RASA_AUTH_TOKEN_FILE", "").strip() or DEFAULT_TOKEN_FILE)
    try:
        token = path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return token or None


if __name__ == "__main__":
    ensure_token_file(Path(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_TOKEN_FILE))
