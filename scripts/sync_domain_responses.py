"""Render the safety replies in domain.yml from the content base.

The emergency and urgent replies are domain responses so they work even when
the action server is down; their text still comes from data/content, with the
same source line and reminder as every other answer.

    python scripts/sync_domain_responses.py          # rewrite domain.yml
    python scripts/sync_domain_responses.py --check  # exit 1 if out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Dict, List

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from actions.content_base import load_content_base  # noqa: E402
from actions.rendering import SHORT_ANSWER_CHANNELS, render_topic  # noqa: E402

# Domain response -> content topic.
SAFETY_RESPONSES = {
    "utter_emergency_exposed_hardware": "emergency_exposed_hardware",
    "utter_emergency_neurological": "emergency_neurological",
    "utter_urgent_warning_signs": "warning_signs",
}


def rendered_responses(content_dir: Path) -> Dict[str, List[Dict[str, Any]]]:
    """Each safety response's variations: the full text, then a short one per small-screen channel."""
    content = load_content_base(content_dir)
    responses: Dict[str, List[Dict[str, Any]]] = {}
    for response, topic_id in SAFETY_RESPONSES.items():
        topic = content.topics[topic_id]
        full = render_topic(content, topic, channel=None)
        variations: List[Dict[str, Any]] = [{"text": full.text}]
        for channel in sorted(SHORT_ANSWER_CHANNELS):
            short = render_topic(content, topic, channel=channel)
            variations.append({"text": short.text, "channel": channel})
        if full.buttons:
            for variation in variations:
                variation["buttons"] = [_escaped(b) for b in full.buttons]
        responses[response] = variations
    return responses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 when domain.yml differs")
    parser.add_argument("--domain", type=Path, default=ROOT / "domain.yml")
    parser.add_argument("--content", type=Path, default=ROOT / "data" / "content")
    args = parser.parse_args()

    yaml = YAML()
    yaml.preserve_quotes = True  # type: ignore[assignment]
    yaml.width = 4096  # type: ignore[assignment]
    domain = yaml.load(args.domain.read_text(encoding="utf-8"))
    expected = rendered_responses(args.content)
    stale = [name for name, value in expected.items() if _plain(domain["responses"].get(name)) != value]
    if args.check:
        if stale:
            print(f"domain.yml is out of date for {', '.join(stale)}: run `make sync-domain`.", file=sys.stderr)
            return 1
        print("domain.yml safety responses match data/content.")
        return 0
    for name in stale:
        domain["responses"][name] = expected[name]
    with args.domain.open("w", encoding="utf-8") as handle:
        yaml.dump(domain, handle)
    print(f"Updated {len(stale)} response(s) in {args.domain}." if stale else "domain.yml already up to date.")
    return 0


def _escaped(button: Dict[str, str]) -> Dict[str, str]:
    """Domain responses are str.format-interpolated: double the braces of entity payloads."""
    return {**button, "payload": button["payload"].replace("{", "{{").replace("}", "}}")}


def _plain(value: Any) -> Any:
    """ruamel's commented maps and lists as plain dicts and lists, for comparison."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


if __name__ == "__main__":
    sys.exit(main())
