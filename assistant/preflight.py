"""Start-up checks run before the Rasa server: fail early, with a message that says what to fix.

python -m assistant.preflight --endpoints endpoints.yml
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from rasa.core.tracker_store import SQLTrackerStore
from rasa.utils.endpoints import read_endpoint_config

from assistant.tracker_store import TrackerStoreUnavailable, verify_database

SQL_STORE_TYPES = {"sql", "assistant.tracker_store.VerifiedSQLTrackerStore"}


def check_tracker_store(endpoints: Path) -> str | None:
    """Return an error message when the configured tracker store is unusable."""
    config = read_endpoint_config(str(endpoints), "tracker_store")
    if config is None or config.type is None:
        return (
            f"{endpoints} configures no tracker_store: Rasa would keep conversations only in memory. "
            "Configure the SQL tracker store (see README, Configuration)."
        )
    if config.type not in SQL_STORE_TYPES:
        return None  # other stores (e.g. redis) are checked by their own clients at start-up
    kwargs = dict(config.kwargs)
    url = SQLTrackerStore.get_db_url(
        kwargs.get("dialect", "sqlite"),
        config.url,
        kwargs.get("port"),
        kwargs.get("db", "rasa.db"),
        kwargs.get("username"),
        kwargs.get("password"),
        kwargs.get("login_db"),
        kwargs.get("query"),
    )
    try:
        verify_database(url)
    except TrackerStoreUnavailable as error:
        return str(error)
    return None


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", type=Path, default=Path("endpoints.yml"))
    args = parser.parse_args(list(argv) or None)
    problem = check_tracker_store(args.endpoints)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    print("Tracker store: reachable and writable.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
