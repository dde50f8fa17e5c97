"""The triage ladder: which level of care each finding goes to, defined once in data/content/base.yml.

Three levels (emergency now, same day, next visit), each with the words a reply
uses for it, and the findings that belong to each. Every topic names the level
of each finding it mentions (`triage:` in its file); the content base refuses a
topic that names a finding the ladder does not know, sends one to another level,
or mentions a finding's words without naming its level.

The safety tests import `emergency_now_findings()` to check that the detector
escalates every finding at "emergency now", using each finding's example phrases:

    >>> [f.id for f in emergency_now_findings()][:2]
    ['exposed_metal', 'skin_opening_over_hardware']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Tuple

import yaml

DEFAULT_CONTENT_DIR = Path(__file__).resolve().parents[1] / "data" / "content"
EMERGENCY_NOW = "emergency_now"
LEVEL_KEYS = {"title", "wording", "marker"}
FINDING_KEYS = {"level", "says", "cues"}
OPTIONAL_FINDING_KEYS = frozenset({"examples"})


class LadderError(ValueError):
    """The ladder (or a topic's use of it) is invalid; `entry` names where."""

    def __init__(self, entry: str, problem: str) -> None:
        self.entry = entry
        self.problem = problem
        super().__init__(f"entry '{entry}': {problem}")


@dataclass(frozen=True)
class Level:
    """One rung: its title, the instruction a reply gives, and the words that show a text gives it.

    `wording` and `marker` map a language code to text; `marker` must appear in a
    topic's answer and short answer whenever the topic sends a finding to this level.
    """

    id: str
    title: str
    wording: Mapping[str, str]
    marker: Mapping[str, str]


@dataclass(frozen=True)
class Finding:
    """Something a person may notice, the level it belongs to, and how texts and people say it.

    `cues` are lower-case phrases per language: a topic whose text contains one
    mentions the finding and must name its level. `examples` are messages a person
    might send; for "emergency now" findings the safety tests feed them to the detector.
    """

    id: str
    level: str
    says: str
    cues: Mapping[str, Tuple[str, ...]]
    examples: Tuple[str, ...] = ()

    def mentioned_in(self, text: str, language: str) -> str | None:
        """The first cue of this finding found in `text` as whole words (a plural counts), or None.

        "pus" is found in "pus from the scar" but not in "push toward the skin".
        """
        lowered = " ".join(text.lower().split())
        for cue in self.cues.get(language, ()):
            if re.search(r"\b" + re.escape(cue) + r"(?:s|es)?\b", lowered):
                return cue
        return None


@dataclass(frozen=True)
class TriageLadder:
    levels: Mapping[str, Level]
    findings: Mapping[str, Finding]

    def at(self, level: str) -> Tuple[Finding, ...]:
        """The findings at `level`, in the order base.yml lists them."""
        return tuple(f for f in self.findings.values() if f.level == level)

    def mentions(self, text: str, language: str) -> Dict[str, str]:
        """{finding id: the cue found} for every finding `text` mentions."""
        found = {}
        for finding in self.findings.values():
            cue = finding.mentioned_in(text, language)
            if cue is not None:
                found[finding.id] = cue
        return found


def _text(entry: str, data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise LadderError(entry, f"'{key}' must be non-empty text")
    return value.strip()


def _by_language(entry: str, data: Mapping[str, Any], key: str) -> Dict[str, str]:
    value = data.get(key)
    if not isinstance(value, dict) or "en" not in value:
        raise LadderError(entry, f"'{key}' must map language codes (at least 'en') to text")
    return {str(language): _text(f"{entry}.{key}", value, language) for language in value}


def _check_keys(entry: str, data: Mapping[str, Any], expected: set, optional: frozenset = frozenset()) -> None:
    missing = expected - set(data)
    unknown = set(data) - expected - optional
    if missing or unknown:
        raise LadderError(entry, f"missing {sorted(missing)}, unknown {sorted(unknown)}")


def parse_triage_ladder(raw: Any) -> TriageLadder:
    """Validate base.yml's `triage_ladder` and return it.

    Raises:
        LadderError: naming the level or finding at fault.
    """
    if not isinstance(raw, dict) or set(raw) != {"levels", "findings"}:
        raise LadderError("triage_ladder", "must hold `levels` and `findings`")
    if not isinstance(raw["levels"], dict) or EMERGENCY_NOW not in raw["levels"]:
        raise LadderError("triage_ladder.levels", f"must map level ids to levels, and include '{EMERGENCY_NOW}'")
    levels: Dict[str, Level] = {}
    for level_id, data in raw["levels"].items():
        entry = f"triage_ladder.levels.{level_id}"
        if not isinstance(data, dict):
            raise LadderError(entry, "must be a mapping")
        _check_keys(entry, data, LEVEL_KEYS)
        levels[str(level_id)] = Level(
            id=str(level_id),
            title=_text(entry, data, "title"),
            wording=_by_language(entry, data, "wording"),
            marker=_by_language(entry, data, "marker"),
        )
    if not isinstance(raw["findings"], dict) or not raw["findings"]:
        raise LadderError("triage_ladder.findings", "must map finding ids to findings")
    findings: Dict[str, Finding] = {}
    for finding_id, data in raw["findings"].items():
        entry = f"triage_ladder.findings.{finding_id}"
        if not isinstance(data, dict):
            raise LadderError(entry, "must be a mapping")
        _check_keys(entry, data, FINDING_KEYS, OPTIONAL_FINDING_KEYS)
        if data["level"] not in levels:
            raise LadderError(entry, f"level '{data['level']}' is not one of {sorted(levels)}")
        cues = data["cues"]
        if not isinstance(cues, dict) or not all(
            isinstance(c, list) and all(isinstance(x, str) and x == x.lower() and x.strip() for x in c)
            for c in cues.values()
        ):
            raise LadderError(entry, "'cues' must map language codes to lists of lower-case phrases")
        examples = data.get("examples", [])
        if not isinstance(examples, list) or not all(isinstance(e, str) and e.strip() for e in examples):
            raise LadderError(entry, "'examples' must be a list of messages")
        if data["level"] == EMERGENCY_NOW and not examples:
            raise LadderError(entry, "an 'emergency now' finding needs example messages for the safety tests")
        findings[str(finding_id)] = Finding(
            id=str(finding_id),
            level=str(data["level"]),
            says=_text(entry, data, "says"),
            cues={str(lang): tuple(c) for lang, c in cues.items()},
            examples=tuple(examples),
        )
    return TriageLadder(levels=levels, findings=findings)


def topic_triage_problems(
    ladder: TriageLadder, triage: Mapping[str, str], texts: Mapping[str, str], language: str
) -> List[str]:
    """What is wrong with one topic's `triage` against the ladder and its own text (empty when nothing).

    Args:
        triage: the topic's {finding id: level id}.
        texts: {"answer": ..., "short_answer": ...}; each must carry the marker of the level of every
            finding it mentions (and of the findings named that neither text mentions in so many words).
        language: the topic's language, for cues and markers.
    """
    problems = []
    for finding_id, level in triage.items():
        finding = ladder.findings.get(finding_id)
        if finding is None:
            problems.append(f"names finding '{finding_id}', which the triage ladder does not know")
        elif level not in ladder.levels:
            problems.append(f"sends '{finding_id}' to '{level}', which is not a level of the triage ladder")
        elif level != finding.level:
            problems.append(f"sends '{finding_id}' to '{level}', but the triage ladder puts it at '{finding.level}'")
    mentioned = {name: ladder.mentions(text, language) for name, text in texts.items()}
    for finding_id, cue in ladder.mentions(" ".join(texts.values()), language).items():
        if finding_id not in triage:
            problems.append(f"mentions '{cue}' (finding '{finding_id}') but names no level for it under `triage`")
    # A text must say the level of each finding it mentions; a finding the topic names but neither
    # text mentions in so many words (the topic's subject) binds both texts.
    unmentioned = [f for f in triage if f in ladder.findings and not any(f in m for m in mentioned.values())]
    for name, text in texts.items():
        levels = {ladder.findings[f].level for f in list(mentioned[name]) + unmentioned if f in triage}
        for level_id in sorted(levels):
            marker = ladder.levels[level_id].marker.get(language)
            if marker and marker.lower() not in text.lower():
                problems.append(f"sends a finding to '{level_id}' but its {name} never says so (no '{marker}' in it)")
    return problems


def conflicting_levels(triages: Mapping[str, Mapping[str, str]]) -> List[str]:
    """One line per finding that two topics send to different levels.

    Args:
        triages: {topic id: {finding id: level id}}.
    """
    levels_by_finding: Dict[str, Dict[str, List[str]]] = {}
    for topic_id, triage in triages.items():
        for finding_id, level in triage.items():
            levels_by_finding.setdefault(finding_id, {}).setdefault(level, []).append(topic_id)
    return [
        f"'{finding_id}' goes to different levels: "
        + "; ".join(f"{level} in {', '.join(sorted(topics))}" for level, topics in sorted(by_level.items()))
        for finding_id, by_level in sorted(levels_by_finding.items())
        if len(by_level) > 1
    ]


def load_triage_ladder(directory: Path = DEFAULT_CONTENT_DIR) -> TriageLadder:
    """The ladder in `directory`/base.yml (read when called, never at import)."""
    base = yaml.safe_load((directory / "base.yml").read_text(encoding="utf-8"))
    return parse_triage_ladder(base.get("triage_ladder") if isinstance(base, dict) else None)


def emergency_now_findings(directory: Path = DEFAULT_CONTENT_DIR) -> Tuple[Finding, ...]:
    """The findings the ladder puts at "emergency now", each with example messages.

    For the safety layer's tests: the detector must escalate every one of them.
    """
    return load_triage_ladder(directory).at(EMERGENCY_NOW)
