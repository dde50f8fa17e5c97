"""The channel layer's emergency numbers: a channel's locale -> the number the emergency reply names.

A channel that knows the user's locale (the web widget sends the browser's
language) puts the number into the message metadata under "emergency_number";
the safety layer turns it into the entity that fills the `emergency_number`
slot. Unknown or missing locales keep the default phrase, never a guess.

    >>> table = EmergencyNumbers.from_file()
    >>> table.for_metadata({"locale": "en-GB"})
    '999'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Mapping

import yaml

DEFAULT_TABLE = Path(__file__).with_name("emergency_numbers.yml")
METADATA_KEY = "emergency_number"


class EmergencyNumbersError(ValueError):
    """The table is missing, unreadable or malformed."""


@dataclass(frozen=True)
class EmergencyNumbers:
    default: str
    by_country: Mapping[str, str]

    @classmethod
    def from_file(cls, path: Path = DEFAULT_TABLE) -> "EmergencyNumbers":
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            raise EmergencyNumbersError(f"{path}: cannot read the emergency numbers: {error}") from error
        section = raw.get("emergency_numbers") if isinstance(raw, dict) else None
        if not isinstance(section, dict) or not isinstance(section.get("by_country"), dict):
            raise EmergencyNumbersError(f"{path}: expected emergency_numbers with `default` and `by_country`")
        default = section.get("default")
        if not isinstance(default, str) or not default.strip():
            raise EmergencyNumbersError(f"{path}: emergency_numbers.default must be text")
        return cls(default, {str(k).upper(): str(v) for k, v in section["by_country"].items()})

    def for_metadata(self, metadata: Mapping[str, Any] | None) -> str:
        """The number for a channel's locale ("en-GB", "GB", {"country": "US"}), else the default."""
        if not isinstance(metadata, Mapping):
            return self.default
        for key in ("country", "locale", "language"):
            value = metadata.get(key)
            if isinstance(value, str) and value.strip():
                country = value.strip().replace("_", "-").split("-")[-1].upper()
                if country in self.by_country:
                    return self.by_country[country]
        return self.default

    def with_number(self, metadata: Dict[str, Any] | None) -> Dict[str, Any] | None:
        """The metadata with "emergency_number" set when the locale names a known country."""
        number = self.for_metadata(metadata)
        if number == self.default:
            return metadata
        return {**(metadata or {}), METADATA_KEY: number}
