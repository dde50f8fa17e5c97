"""Phone numbers and e-mail addresses masked wherever the console shows or exports a user's words.

>>> mask_contacts("call me on 07700 900123 or ann.lee@example.org")
'call me on [phone …23] or [e-mail a…@example.org]'
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")
# Seven or more digits, with the spaces, dots, dashes, brackets and leading + numbers are written with.
PHONE = re.compile(r"(?<![\w@])\+?\(?\d(?:[\d\s().-]{5,}\d)(?![\w@])")


def _mask_phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if len(digits) < 7:
        return match.group(0)
    return f"[phone …{digits[-2:]}]"


def mask_contacts(text: str | None) -> str:
    if not text:
        return ""
    masked = EMAIL.sub(lambda m: f"[e-mail {m.group(1)}…@{m.group(2)}]", text)
    return PHONE.sub(_mask_phone, masked)
