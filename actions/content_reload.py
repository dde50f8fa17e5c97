"""Serve the content base and pick up edits without a restart.

Each lookup checks the files' modification times (a few `stat` calls). When they
changed, the base is reloaded and validated; a broken edit is reported and the
last good version keeps serving.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Callable, Tuple

from actions.content_base import ContentBase, ContentError, content_files, load_content_base

logger = logging.getLogger(__name__)

Fingerprint = Tuple[Tuple[str, int], ...]


class ReloadingContentBase:
    """Holds the last valid content base and reloads it when its files change.

    Args:
        directory: the content folder (holding base.yml and topics/).
        today: returns today's date; passed in so tests can move time.
    """

    def __init__(self, directory: Path, today: Callable[[], dt.date] = dt.date.today) -> None:
        self._directory = directory
        self._today = today
        self._fingerprint: Fingerprint = self._current_fingerprint()
        self._content = load_content_base(directory, today())
        self.last_error: ContentError | None = None

    def _current_fingerprint(self) -> Fingerprint:
        stamps = []
        for path in content_files(self._directory):
            try:
                stamps.append((str(path), path.stat().st_mtime_ns))
            except OSError:
                stamps.append((str(path), -1))
        return tuple(stamps)

    def get(self) -> ContentBase:
        """The current content base, reloaded first if its files changed."""
        fingerprint = self._current_fingerprint()
        if fingerprint != self._fingerprint:
            self._fingerprint = fingerprint
            try:
                self._content = load_content_base(self._directory, self._today())
                self.last_error = None
                logger.info("Content base reloaded from %s", self._directory)
            except ContentError as error:
                self.last_error = error
                logger.error("Content edit rejected, still serving the last good version: %s", error)
        return self._content
