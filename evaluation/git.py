"""The repository's git, for recording which commit a measurement was made on."""

from __future__ import annotations

import subprocess

from evaluation.paths import ROOT


def git(*args: str, check: bool = True) -> str:
    """`git <args>` in the repository: its output, stripped (raises on failure when `check`)."""
    return subprocess.run(["git", *args], cwd=ROOT, check=check, capture_output=True, text=True).stdout.strip()
