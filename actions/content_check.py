"""`python -m actions.content_check`: validate the content base, as the action server would."""

from __future__ import annotations

import sys
from pathlib import Path

from actions.content_base import ContentError, load_content_base


def main(directory: Path = Path("data/content")) -> int:
    try:
        content = load_content_base(directory)
    except ContentError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    drafts = sorted(t.id for t in content.topics.values() if t.review.status == "draft")
    print(f"Content base OK: {len(content.topics)} topics, {len(content.intent_topics)} intents mapped.")
    if drafts:
        print(f"Drafts awaiting clinical review ({len(drafts)}): {', '.join(drafts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
