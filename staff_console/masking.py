"""Phone numbers and e-mail addresses masked wherever the console shows or exports a user's words.

>>> mask_contacts("call me on 07700 900123 or ann.lee@example.org")
'call me on [phone …23] or [e-mail a…@example.org]'
"""

from __future__ import annotations

import re

from actions.contacts import EMAIL, MIN_PHONE_DIGITS, PHONE


def _mask_phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if len(digits) < MIN_PHONE_DIGITS:
        return match.group(0)
    return f"[phone …{digits[-2:]}]"


def mask_contacts(text: str | None) -> str:
    if not text:
        return ""
    masked = EMAIL.sub(lambda m: f"[e-mail {m.group(1)}…@{m.group(2)}]", text)
    return PHONE.sub(_mask_phone, masked)
