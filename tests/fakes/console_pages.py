"""Reading the staff console's pages in tests."""

from __future__ import annotations

import re


def form_value(html: str, field: str = "csrf_token") -> str:
    """The value of the page's first hidden input named `field` (a test failure when there is none)."""
    match = re.search(rf'name="{field}" value="([^"]*)"', html)
    assert match is not None, f"no {field} field on the page"
    return match.group(1)
