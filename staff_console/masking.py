"""Phone numbers and e-mail addresses masked wherever the console shows or exports a user's words.

>>> mask_contacts("call me on 07700 900123 or ann.lee@example.org")
'call me on [phone …23] or [e-mail a…@example.org]'

A web address is left whole: its digits are a DOI or a page id, not a phone number.

>>> mask_contacts("see https://doi.org/10.1097/01.BRS.0000083238.78155.06")
'see https://doi.org/10.1097/01.BRS.0000083238.78155.06'
"""

from __future__ import annotations

import re

from actions.contacts import EMAIL, MIN_PHONE_DIGITS, PHONE


def _mask_phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if len(digits) < MIN_PHONE_DIGITS:
        return match.group(0)
    return f"[phone …{digits[-2:]}]"


WEB_ADDRESS = re.compile(r"https?://\S+")


def mask_contacts(text: str | None) -> str:
    if not text:
        return ""
    parts = []
    last = 0
    for address in WEB_ADDRESS.finditer(text):
        parts += [_mask_text(text[last : address.start()]), address.group(0)]
        last = address.end()
    parts.append(_mask_text(text[last:]))
    return "".join(parts)


def _mask_text(text: str) -> str:
    masked = EMAIL.sub(lambda m: f"[e-mail {m.group(1)}…@{m.group(2)}]", text)
    return PHONE.sub(_mask_phone, masked)
