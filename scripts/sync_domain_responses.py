"""Render the safety replies in domain.yml from the content base.

The emergency and urgent replies are domain responses so they work even when
the action server is down; their text still comes from data/content, with the
same source line and reminder as every other answer.

    python -m scripts.sync_domain_responses        # rewrite domain.yml
    python -m scripts.sync_domain_responses --check  # exit 1 if out of date
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ruamel.yaml import YAML

from actions.domain_responses import plain, rendered_responses
from evaluation.paths import ROOT


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
    expected = rendered_responses(args.content, dt.date.today())
    stale = [name for name, value in expected.items() if plain(domain["responses"].get(name)) != value]
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


if __name__ == "__main__":
    sys.exit(main())
