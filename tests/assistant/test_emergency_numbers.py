"""The channel layer's emergency-number table."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.emergency_numbers import EmergencyNumbers, EmergencyNumbersError


@pytest.mark.parametrize(
    ("metadata", "number"),
    [
        ({"locale": "en-US"}, "911"),
        ({"locale": "en_GB"}, "999"),
        ({"country": "de"}, "112"),
        ({"locale": "fr-FR"}, "112"),
        ({"locale": "ja-JP"}, "your local emergency number"),
        ({}, "your local emergency number"),
        (None, "your local emergency number"),
    ],
)
def test_emergency_number_follows_the_locale(metadata: dict, number: str) -> None:
    assert EmergencyNumbers.from_file().for_metadata(metadata) == number


def test_a_known_locale_puts_the_number_in_the_metadata_and_an_unknown_one_leaves_it() -> None:
    table = EmergencyNumbers.from_file()
    assert table.with_number({"locale": "en-GB", "page": "x"}) == {
        "locale": "en-GB",
        "page": "x",
        "emergency_number": "999",
    }
    assert table.with_number({"locale": "ja-JP"}) == {"locale": "ja-JP"}
    assert table.with_number(None) is None


@pytest.mark.parametrize("text", ["emergency_numbers: [", "emergency_numbers: {default: 911}", "- 1"])
def test_a_broken_table_fails_with_its_file(tmp_path: Path, text: str) -> None:
    path = tmp_path / "numbers.yml"
    path.write_text(text)
    with pytest.raises(EmergencyNumbersError, match="numbers.yml"):
        EmergencyNumbers.from_file(path)
