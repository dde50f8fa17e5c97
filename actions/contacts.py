"""Phone numbers and e-mail addresses in free text: what the handoff form accepts as contact details,
and what the staff console masks. Defined once, here.

    >>> find_contacts("ring me on +44 7700 900123 or mail ann.lee@example.org")
    ['+44 7700 900123', 'ann.lee@example.org']
    >>> find_contacts("my name is Ann")
    []
"""

from __future__ import annotations

import re
from typing import List

EMAIL = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")
# Seven or more digits, with the spaces, dots, dashes, brackets and leading + numbers are written with.
PHONE = re.compile(r"(?<![\w@])\+?\(?\d(?:[\d\s().-]{5,}\d)(?![\w@])")
MIN_PHONE_DIGITS = 7


def digits_in(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def find_contacts(text: str | None) -> List[str]:
    """The e-mail addresses and phone numbers (7+ digits) in `text`, in order."""
    if not text:
        return []
    found = [(m.start(), m.group(0)) for m in EMAIL.finditer(text)]
    without_emails = EMAIL.sub(lambda m: " " * len(m.group(0)), text)
    found += [
        (m.start(), m.group(0).strip())
        for m in PHONE.finditer(without_emails)
        if digits_in(m.group(0)) >= MIN_PHONE_DIGITS
    ]
    return [contact for _, contact in sorted(found)]
