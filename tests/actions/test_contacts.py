"""What counts as contact details: the handoff form accepts them, the staff console masks them."""

from __future__ import annotations

import pytest

from actions.contacts import find_contacts


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("07700 900123", ["07700 900123"]),
        ("call me on +1 (555) 010-0199 after 5", ["+1 (555) 010-0199"]),
        ("jo.smith+nhs@example.co.uk", ["jo.smith+nhs@example.co.uk"]),
        ("email ann@example.org or ring 0161 496 0000", ["ann@example.org", "0161 496 0000"]),
        ("my name is Ann", []),
        ("I had surgery in 2019", []),
        ("room 12, bed 4", []),
        ("", []),
    ],
)
def test_phone_numbers_and_emails_are_found_and_nothing_else(text: str, found: list) -> None:
    assert find_contacts(text) == found
