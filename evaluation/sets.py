"""Evaluation sets and their register (tests/evaluation_sets.yml).

Each set has a status:
- sealed: written by someone who saw neither the rules nor the training data,
  never scored. Nobody reads it; `make score-sealed SET=<name>` scores it once.
- first_run: scored once, on the commit recorded with its figures, and not tuned on
  since. Its first-run figures are a measure.
- regression: tuned on after its first run. A gate in `make test`, never a measure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Dict, Iterable, List

import yaml

from evaluation.paths import REGISTRY, ROOT


class SetStatus(str, Enum):
    SEALED = "sealed"
    FIRST_RUN = "first_run"
    REGRESSION = "regression"


class SetKind(str, Enum):
    RASA_NLU = "rasa_nlu"  # Rasa NLU YAML; the label is the intent
    LABELLED = "labelled"  # `messages: [{text, label, voice}]`, labels are intents
    SAFETY = "safety"  # `messages: [{text, expect, kind}]`, expect is a safety label


class RegistryError(ValueError):
    """The register or a set file is malformed; the message names the set."""


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    kind: str = ""
    language: str = "en"


@dataclass
class EvaluationSet:
    name: str
    kind: SetKind
    path: Path
    status: SetStatus
    written_by: str
    purpose: str = ""
    first_run: Dict[str, Any] | None = None
    history: List[str] = field(default_factory=list)

    def examples(self) -> List[Example]:
        """The labelled messages. Refuses to read a sealed set: score it with `make score-sealed`."""
        if self.status is SetStatus.SEALED:
            raise RegistryError(f"{self.name}: sealed; score it once with `make score-sealed SET={self.name}`")
        return read_examples(self)


def read_examples(evaluation_set: EvaluationSet) -> List[Example]:
    """Read a set's file whatever its status (for the one sealed scoring and for tooling)."""
    path = evaluation_set.path
    if evaluation_set.kind is SetKind.RASA_NLU:
        from rasa.shared.nlu.training_data.loading import load_data

        return [Example(e.get("text"), e.get("intent")) for e in load_data(str(path)).training_examples]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise RegistryError(f"{path}: expected a mapping with a `messages` list")
    key = "label" if evaluation_set.kind is SetKind.LABELLED else "expect"
    examples = []
    for index, item in enumerate(data["messages"]):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item.get(key):
            raise RegistryError(f"{path}: message {index} needs `text` and `{key}`")
        examples.append(
            Example(
                item["text"], item[key], str(item.get("kind") or item.get("voice") or ""), item.get("language", "en")
            )
        )
    return examples


def load_registry(path: Path = REGISTRY) -> List[EvaluationSet]:
    """Every registered set, in file order."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    sets = []
    for entry in data.get("sets", []):
        name = entry.get("name", "?")
        try:
            sets.append(
                EvaluationSet(
                    name=name,
                    kind=SetKind(entry["kind"]),
                    path=ROOT / entry["path"],
                    status=SetStatus(entry["status"]),
                    written_by=entry["written_by"],
                    purpose=entry.get("purpose", ""),
                    first_run=entry.get("first_run"),
                    history=list(entry.get("history", [])),
                )
            )
        except (KeyError, ValueError) as error:
            raise RegistryError(f"{path}: set {name}: {error}") from error
        if not sets[-1].path.is_file():
            raise RegistryError(f"{path}: set {name}: no file at {entry['path']}")
    return sets


def sets_of(kinds: tuple[SetKind, ...], path: Path = REGISTRY) -> List[EvaluationSet]:
    return [s for s in load_registry(path) if s.kind in kinds]


def nlu_sets(path: Path = REGISTRY) -> List[EvaluationSet]:
    return sets_of((SetKind.RASA_NLU, SetKind.LABELLED), path)


def safety_sets(path: Path = REGISTRY) -> List[EvaluationSet]:
    return sets_of((SetKind.SAFETY,), path)


def readable(sets: List[EvaluationSet]) -> List[EvaluationSet]:
    """The sets that may be read now (not sealed)."""
    return [s for s in sets if s.status is not SetStatus.SEALED]


def record_first_run(name: str, record: Dict[str, Any], path: Path = REGISTRY) -> None:
    """Write a sealed set's first-run record and mark it first_run (text edit, keeps comments)."""
    text = path.read_text(encoding="utf-8")
    marker = f"- name: {name}\n"
    start = text.find(marker)
    if start < 0:
        raise RegistryError(f"{path}: no set named {name}")
    end = text.find("\n  - name: ", start + len(marker))
    end = len(text) if end < 0 else end + 1
    block = text[start:end]
    if "status: sealed" not in block:
        raise RegistryError(f"{path}: {name} is not sealed; a set is scored as sealed only once")
    dumped = yaml.safe_dump({"first_run": record}, sort_keys=False, allow_unicode=True, width=110)
    indented = "".join(f"    {line}\n" for line in dumped.splitlines())
    block = block.replace("status: sealed", "status: first_run", 1).rstrip("\n") + "\n" + indented
    path.write_text(text[:start] + block + text[end:], encoding="utf-8")


def remove_messages(path: Path, texts: Iterable[str]) -> int:
    """Delete the messages with these texts from a set file (text edit, keeps comments and the
    other messages as written). Returns how many were deleted."""
    unwanted = set(texts)
    kept: List[str] = []
    block: List[str] = []
    deleted = 0

    def flush() -> None:
        nonlocal deleted
        entry = yaml.safe_load("".join(block)) if block else None
        if isinstance(entry, list) and entry and isinstance(entry[0], dict) and entry[0].get("text") in unwanted:
            deleted += 1
        else:
            kept.extend(block)
        block.clear()

    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    # The messages list may be written indented ("  - text:") or not ("- text:").
    item = next((line[: line.index("- ")] for line in lines if line.lstrip().startswith("- ")), "  ")
    for line in lines:
        if line.startswith(item + "- "):
            flush()
            block.append(line)
        elif block and line.startswith(item + "  "):
            block.append(line)
        else:
            flush()
            kept.append(line)
    flush()
    path.write_text("".join(kept), encoding="utf-8")
    return deleted


def readable_safety_examples(path: Path = REGISTRY) -> Dict[str, List[Example]]:
    """Every readable (not sealed) safety set's messages, by set name."""
    return {s.name: s.examples() for s in readable(safety_sets(path))}


def regression_safety_examples(path: Path = REGISTRY) -> Dict[str, List[Example]]:
    """The regression safety sets' messages, by set name: what `make test` gates on. A first-run
    set is a measure (its figures are in the register), never a gate: gating on it would force
    tuning on it."""
    return {s.name: s.examples() for s in safety_sets(path) if s.status is SetStatus.REGRESSION}
