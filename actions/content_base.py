"""The vetted content base: load, validate and look up answer topics.

Every medical answer the assistant gives lives in `data/content/` as YAML a
clinical reviewer can edit. Loading validates the whole base and fails with an
error that names the file and the entry, so a bad edit never serves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Dict, List, Mapping, Tuple
from urllib.parse import urlsplit

import yaml

from actions.triage_ladder import (
    EMERGENCY_NOW,
    LadderError,
    TriageLadder,
    conflicting_levels,
    parse_triage_ladder,
    topic_triage_problems,
)

REVIEW_STATUSES = ("draft", "approved")
TOPIC_KEYS = {
    "id",
    "title",
    "button_title",
    "version",
    "review",
    "answer",
    "short_answer",
    "follow_ups",
    "sources",
    "triage",
}
OPTIONAL_TOPIC_KEYS = {"language"}
REVIEW_KEYS = {"status", "reviewed_by", "reviewed_on", "review_due"}
# `priority_review: true` puts a draft first in the clinician's queue (the safety replies).
OPTIONAL_REVIEW_KEYS = {"priority_review"}
LOCALE_KEYS = {"reminder", "source_label", "draft_note", "reviewed_note"}
DEFAULT_LANGUAGE = "en"
SOURCE_KEYS = {"title", "publisher", "url", "kind"}
READABILITY_KEYS = {"max_grade", "max_grade_emergency", "emergency_topics", "languages"}


class SourceKind(str, Enum):
    """What a cited source is. Every topic needs at least one of `TRUSTED_SOURCE_KINDS`."""

    GUIDELINE = "guideline"  # a clinical guideline or national care pathway
    NATIONAL_PATIENT_INFORMATION = "national_patient_information"  # NHS, MedlinePlus and other national services
    HOSPITAL_PATIENT_INFORMATION = "hospital_patient_information"  # a hospital's or health service's leaflet
    PEER_REVIEWED_PAPER = "peer_reviewed_paper"  # cited by its DOI or PubMed link, never a copy
    OTHER = "other"  # a charity, a surgeon's own leaflet, a licensed care-notes library


TRUSTED_SOURCE_KINDS = frozenset(
    {SourceKind.GUIDELINE, SourceKind.NATIONAL_PATIENT_INFORMATION, SourceKind.HOSPITAL_PATIENT_INFORMATION}
)
MAX_SHORT_ANSWER = 320
MAX_BUTTON_TITLE = 20


class ContentError(ValueError):
    """The content base is invalid. The message names the file and the entry."""

    def __init__(self, path: Path, entry: str, problem: str) -> None:
        self.path = path
        self.entry = entry
        self.problem = problem
        super().__init__(f"{path}: entry '{entry}': {problem}")


@dataclass(frozen=True)
class Source:
    title: str
    publisher: str
    url: str
    kind: SourceKind = SourceKind.OTHER


@dataclass(frozen=True)
class Review:
    status: str
    reviewed_by: str
    reviewed_on: dt.date
    review_due: dt.date
    priority_review: bool = False


@dataclass(frozen=True)
class SourcePolicy:
    """Where sources may come from (base.yml `source_policy`)."""

    # How a paper must be cited: the DOI resolver or PubMed.
    paper_url_prefixes: Tuple[str, ...] = ("https://doi.org/10.", "https://pubmed.ncbi.nlm.nih.gov/")
    # {domain: why it is refused}; a subdomain is refused with its domain.
    denylist: Mapping[str, str] = field(default_factory=dict)

    def refusal(self, url: str) -> str | None:
        """Why `url`'s site is refused, or None."""
        host = (urlsplit(url).hostname or "").lower()
        for domain, reason in self.denylist.items():
            if host == domain or host.endswith("." + domain):
                return f"{domain} is on the source denylist ({reason})"
        return None


@dataclass(frozen=True)
class ReadabilityRules:
    """Flesch-Kincaid grade limits, checked by `make content-check` (base.yml `readability`)."""

    max_grade: float
    max_grade_emergency: float
    emergency_topics: Tuple[str, ...]
    # Languages the grade is checked in; others are left to their reviewer.
    languages: Tuple[str, ...]


@dataclass(frozen=True)
class Topic:
    """One answer topic, with its sources and review record."""

    id: str
    title: str
    button_title: str
    version: int
    review: Review
    answer: str
    short_answer: str
    follow_ups: Tuple[str, ...]
    sources: Tuple[Source, ...]
    path: Path
    # The language the topic is written in (a key of the base's `locales`, or "en").
    language: str = DEFAULT_LANGUAGE
    # {finding id: level id} for every finding of the triage ladder the topic mentions.
    triage: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Locale:
    """The words a reply in one language adds around a topic's answer."""

    reminder: str
    source_label: str  # "Source"
    draft_note: str  # with {version} and {written}
    reviewed_note: str  # with {reviewed_on} and {reviewed_by}


@dataclass(frozen=True)
class ContentBase:
    """All topics, the intent-to-topic map and the shared reminder line."""

    topics: Mapping[str, Topic]
    intent_topics: Mapping[str, str]
    reminder: str
    # Said when the action server cannot answer; the reminder follows it.
    unavailable_notice: str
    serve_drafts: bool
    # {language: Locale}; "en" is built from `reminder` and always there.
    locales: Mapping[str, Locale] = field(default_factory=dict)
    # {topic id: {language: id of the topic's translation}}.
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    ladder: TriageLadder = field(default_factory=lambda: TriageLadder(levels={}, findings={}))
    readability: ReadabilityRules | None = None

    def locale(self, language: str) -> Locale:
        return self.locales.get(language) or self.locales[DEFAULT_LANGUAGE]

    def topic_for_intent(self, intent: str) -> Topic | None:
        topic_id = self.intent_topics.get(intent)
        return self.topics.get(topic_id) if topic_id else None

    def servable(self, topic: Topic) -> bool:
        """Drafts are served only when the base says so (`serve_drafts`)."""
        return topic.review.status == "approved" or self.serve_drafts


def _require_text(path: Path, entry: str, data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ContentError(path, entry, f"'{key}' must be non-empty text")
    return value.strip()


def _require_date(path: Path, entry: str, data: Mapping[str, Any], key: str) -> dt.date:
    value = data.get(key)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ContentError(path, entry, f"'{key}' must be a date (YYYY-MM-DD), got {value!r}")


def _check_keys(path: Path, entry: str, data: Mapping[str, Any], expected: set, where: str) -> None:
    missing = expected - set(data)
    unknown = set(data) - expected
    if missing:
        raise ContentError(path, entry, f"{where} is missing {sorted(missing)}")
    if unknown:
        raise ContentError(path, entry, f"{where} has unknown keys {sorted(unknown)}")


def parse_topic(path: Path, data: Any, today: dt.date, policy: SourcePolicy | None = None) -> Topic:
    """Validate one topic file's data and return the Topic."""
    policy = policy or SourcePolicy()
    entry = path.stem
    if not isinstance(data, dict):
        raise ContentError(path, entry, "the file must hold a mapping")
    entry = str(data.get("id") or entry)
    _check_keys(path, entry, {k: v for k, v in data.items() if k not in OPTIONAL_TOPIC_KEYS}, TOPIC_KEYS, "the topic")
    language = data.get("language", DEFAULT_LANGUAGE)
    if not isinstance(language, str) or not language.isalpha():
        raise ContentError(path, entry, f"'language' must be a language code such as 'es', got {language!r}")
    if entry != path.stem:
        raise ContentError(path, entry, f"id must equal the file name '{path.stem}'")
    version = data["version"]
    if not isinstance(version, int) or version < 1:
        raise ContentError(path, entry, "'version' must be a positive integer")

    review_raw = data["review"]
    if not isinstance(review_raw, dict):
        raise ContentError(path, entry, "'review' must be a mapping")
    priority_review = review_raw.get("priority_review", False)
    if not isinstance(priority_review, bool):
        raise ContentError(path, entry, "'review.priority_review' must be true or false")
    _check_keys(
        path, entry, {k: v for k, v in review_raw.items() if k not in OPTIONAL_REVIEW_KEYS}, REVIEW_KEYS, "'review'"
    )
    status = review_raw["status"]
    if status not in REVIEW_STATUSES:
        raise ContentError(path, entry, f"review status must be one of {REVIEW_STATUSES}, got {status!r}")
    review = Review(
        status=status,
        reviewed_by=_require_text(path, entry, review_raw, "reviewed_by"),
        reviewed_on=_require_date(path, entry, review_raw, "reviewed_on"),
        review_due=_require_date(path, entry, review_raw, "review_due"),
        priority_review=priority_review,
    )
    if review.review_due < today:
        raise ContentError(path, entry, f"review was due on {review.review_due}; review it and move the date")

    short_answer = _require_text(path, entry, data, "short_answer")
    if len(short_answer) > MAX_SHORT_ANSWER:
        raise ContentError(
            path, entry, f"'short_answer' is {len(short_answer)} characters; the limit is {MAX_SHORT_ANSWER}"
        )
    button_title = _require_text(path, entry, data, "button_title")
    if len(button_title) > MAX_BUTTON_TITLE:
        raise ContentError(path, entry, f"'button_title' is over {MAX_BUTTON_TITLE} characters")

    follow_ups = data["follow_ups"]
    if not isinstance(follow_ups, list) or not all(isinstance(f, str) for f in follow_ups):
        raise ContentError(path, entry, "'follow_ups' must be a list of topic ids")

    sources_raw = data["sources"]
    if not isinstance(sources_raw, list) or not sources_raw:
        raise ContentError(path, entry, "needs at least one source")
    sources = []
    for number, source in enumerate(sources_raw, start=1):
        if not isinstance(source, dict):
            raise ContentError(path, entry, f"source {number} must be a mapping")
        _check_keys(path, entry, source, SOURCE_KEYS, f"source {number}")
        url = _require_text(path, entry, source, "url")
        if not url.startswith("https://"):
            raise ContentError(path, entry, f"source {number} needs an https:// URL, got {url!r}")
        kind = _source_kind(path, entry, number, source.get("kind"))
        refusal = policy.refusal(url)
        if refusal:
            raise ContentError(path, entry, f"source {number}: {refusal}; cite the original page or paper instead")
        if kind is SourceKind.PEER_REVIEWED_PAPER and not url.startswith(policy.paper_url_prefixes):
            raise ContentError(
                path,
                entry,
                f"source {number} is a paper: cite it by its DOI (https://doi.org/...) or PubMed link, not {url}",
            )
        sources.append(
            Source(
                title=_require_text(path, entry, source, "title"),
                publisher=_require_text(path, entry, source, "publisher"),
                url=url,
                kind=kind,
            )
        )
    if not any(source.kind in TRUSTED_SOURCE_KINDS for source in sources):
        raise ContentError(path, entry, "needs at least one guideline, national or hospital patient-information source")
    triage = data["triage"]
    if not isinstance(triage, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in triage.items()):
        raise ContentError(path, entry, "'triage' must map finding ids to level ids ({} when it mentions none)")

    return Topic(
        id=entry,
        title=_require_text(path, entry, data, "title"),
        button_title=button_title,
        version=version,
        review=review,
        answer=_require_text(path, entry, data, "answer"),
        short_answer=short_answer,
        follow_ups=tuple(follow_ups),
        sources=tuple(sources),
        path=path,
        language=language,
        triage=dict(triage),
    )


def _source_kind(path: Path, entry: str, number: int, raw: Any) -> SourceKind:
    try:
        return SourceKind(raw)
    except ValueError:
        kinds = ", ".join(kind.value for kind in SourceKind)
        raise ContentError(path, entry, f"source {number}: 'kind' must be one of {kinds}, got {raw!r}") from None


def _source_policy(base_path: Path, raw: Any) -> SourcePolicy:
    if raw is None:
        return SourcePolicy()
    if not isinstance(raw, dict) or set(raw) - {"paper_url_prefixes", "denylist"}:
        raise ContentError(base_path, "source_policy", "must hold `paper_url_prefixes` and `denylist`")
    prefixes = raw.get("paper_url_prefixes", list(SourcePolicy().paper_url_prefixes))
    if (
        not isinstance(prefixes, list)
        or not prefixes
        or not all(isinstance(p, str) and p.startswith("https://") for p in prefixes)
    ):
        raise ContentError(base_path, "source_policy.paper_url_prefixes", "must be a list of https:// prefixes")
    denylist: Dict[str, str] = {}
    for number, item in enumerate(raw.get("denylist", []), start=1):
        if not isinstance(item, dict) or set(item) != {"domain", "reason"}:
            raise ContentError(base_path, f"source_policy.denylist[{number}]", "must hold `domain` and `reason`")
        denylist[str(item["domain"]).lower()] = str(item["reason"])
    return SourcePolicy(paper_url_prefixes=tuple(prefixes), denylist=denylist)


def _readability(base_path: Path, raw: Any, topics: Mapping[str, Topic]) -> ReadabilityRules | None:
    if raw is None:
        return None
    entry = "readability"
    if not isinstance(raw, dict):
        raise ContentError(base_path, entry, "must be a mapping")
    _check_keys(base_path, entry, raw, READABILITY_KEYS, entry)
    if not all(isinstance(raw[k], (int, float)) and raw[k] > 0 for k in ("max_grade", "max_grade_emergency")):
        raise ContentError(base_path, entry, "the grade limits must be positive numbers")
    for key in ("emergency_topics", "languages"):
        if not isinstance(raw[key], list) or not all(isinstance(v, str) for v in raw[key]):
            raise ContentError(base_path, f"{entry}.{key}", "must be a list")
    unknown = [t for t in raw["emergency_topics"] if t not in topics]
    if unknown:
        raise ContentError(base_path, f"{entry}.emergency_topics", f"unknown topics {unknown}")
    return ReadabilityRules(
        max_grade=float(raw["max_grade"]),
        max_grade_emergency=float(raw["max_grade_emergency"]),
        emergency_topics=tuple(raw["emergency_topics"]),
        languages=tuple(raw["languages"]),
    )


def _check_triage(base_path: Path, base: Mapping[str, Any], topics: Mapping[str, Topic]) -> TriageLadder:
    """The ladder, once every topic's triage agrees with it and with the other topics."""
    try:
        ladder = parse_triage_ladder(base.get("triage_ladder"))
    except LadderError as error:
        raise ContentError(base_path, error.entry, error.problem) from error
    conflicts = conflicting_levels({topic.id: topic.triage for topic in topics.values()})
    if conflicts:
        raise ContentError(base_path, "triage_ladder", "; ".join(conflicts))
    for topic in topics.values():
        problems = topic_triage_problems(
            ladder, topic.triage, {"answer": topic.answer, "short_answer": topic.short_answer}, topic.language
        )
        if problems:
            raise ContentError(topic.path, topic.id, "; ".join(problems))
    reminders = {DEFAULT_LANGUAGE: base.get("reminder", "")}
    reminders.update(
        {str(k): v.get("reminder", "") for k, v in (base.get("locales") or {}).items() if isinstance(v, dict)}
    )
    for language, reminder in reminders.items():
        for finding_id in ladder.mentions(str(reminder), language):
            if ladder.findings[finding_id].level != EMERGENCY_NOW:
                raise ContentError(
                    base_path, "reminder", f"names '{finding_id}', which is not an 'emergency now' finding"
                )
    return ladder


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ContentError(path, path.stem, f"cannot read the file: {error}") from error


def _check_neighbours(base_path: Path, pairs: Any, topics: Mapping[str, Topic]) -> None:
    """Topics people confuse ("who is at risk" / "why screws loosen") must each offer the other as a follow-up."""
    if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2 for p in pairs):
        raise ContentError(base_path, "neighbour_topics", "must be a list of [topic, topic] pairs")
    for first, second in pairs:
        for topic_id, neighbour in ((first, second), (second, first)):
            if topic_id not in topics:
                raise ContentError(base_path, "neighbour_topics", f"unknown topic '{topic_id}'")
            if neighbour not in topics[topic_id].follow_ups:
                raise ContentError(
                    topics[topic_id].path, topic_id, f"must offer its neighbour '{neighbour}' in follow_ups"
                )


def content_files(directory: Path) -> List[Path]:
    """The files that make up a content base, for change detection."""
    return [directory / "base.yml"] + sorted((directory / "topics").glob("*.yml"))


def load_content_base(directory: Path, today: dt.date) -> ContentBase:
    """Load and validate the whole content base in `directory`.

    Raises:
        ContentError: naming the file and entry of the first problem found.
    """
    base_path = directory / "base.yml"
    base = _read_yaml(base_path)
    if not isinstance(base, dict):
        raise ContentError(base_path, "base", "the file must hold a mapping")
    reminder = _require_text(base_path, "base", base, "reminder")
    unavailable_notice = _require_text(base_path, "base", base, "unavailable_notice")
    serve_drafts = base.get("serve_drafts", False)
    if not isinstance(serve_drafts, bool):
        raise ContentError(base_path, "serve_drafts", "must be true or false")
    intent_topics = base.get("intent_topics")
    if not isinstance(intent_topics, dict) or not intent_topics:
        raise ContentError(base_path, "intent_topics", "must map intents to topic ids")

    policy = _source_policy(base_path, base.get("source_policy"))
    topics: Dict[str, Topic] = {}
    topic_paths = content_files(directory)[1:]
    if not topic_paths:
        raise ContentError(directory / "topics", "topics", "no topic files found")
    for path in topic_paths:
        topic = parse_topic(path, _read_yaml(path), today, policy)
        if topic.id in topics:
            raise ContentError(path, topic.id, f"duplicate id, also in {topics[topic.id].path}")
        topics[topic.id] = topic

    for intent, topic_id in intent_topics.items():
        if topic_id not in topics:
            raise ContentError(base_path, str(intent), f"maps to unknown topic '{topic_id}'")
    for topic in topics.values():
        for follow_up in topic.follow_ups:
            if follow_up not in topics:
                raise ContentError(topic.path, topic.id, f"follow-up '{follow_up}' is not a topic")
    _check_neighbours(base_path, base.get("neighbour_topics", []), topics)
    locales = _locales(base_path, base, reminder)
    translations = _translations(base_path, base.get("translations", {}), topics, locales)
    for topic in topics.values():
        if topic.language not in locales:
            raise ContentError(topic.path, topic.id, f"language '{topic.language}' has no entry in base.yml `locales`")
    ladder = _check_triage(base_path, base, topics)
    readability = _readability(base_path, base.get("readability"), topics)
    return ContentBase(
        topics=topics,
        intent_topics={str(k): str(v) for k, v in intent_topics.items()},
        reminder=reminder,
        unavailable_notice=unavailable_notice,
        serve_drafts=serve_drafts,
        locales=locales,
        translations=translations,
        ladder=ladder,
        readability=readability,
    )


def _locales(base_path: Path, base: Mapping[str, Any], reminder: str) -> Dict[str, Locale]:
    english = Locale(
        reminder=reminder,
        source_label="Source",
        draft_note="Draft v{version}, written {written}, awaiting clinical review.",
        reviewed_note="Reviewed {reviewed_on} by {reviewed_by}.",
    )
    locales = {DEFAULT_LANGUAGE: english}
    raw = base.get("locales", {})
    if not isinstance(raw, dict):
        raise ContentError(base_path, "locales", "must map language codes to their reply words")
    for language, words in raw.items():
        entry = f"locales.{language}"
        if not isinstance(words, dict):
            raise ContentError(base_path, entry, "must be a mapping")
        _check_keys(base_path, entry, words, LOCALE_KEYS, entry)
        locales[str(language)] = Locale(**{key: _require_text(base_path, entry, words, key) for key in LOCALE_KEYS})
    return locales


def _translations(
    base_path: Path, raw: Any, topics: Mapping[str, Topic], locales: Mapping[str, Locale]
) -> Dict[str, Dict[str, str]]:
    """Check that each translation is a topic in the language it is listed under."""
    if not isinstance(raw, dict):
        raise ContentError(base_path, "translations", "must map topic ids to {language: topic id}")
    translations: Dict[str, Dict[str, str]] = {}
    for topic_id, by_language in raw.items():
        entry = f"translations.{topic_id}"
        if topic_id not in topics or not isinstance(by_language, dict):
            raise ContentError(base_path, entry, "must name a topic and map languages to its translations")
        for language, translated_id in by_language.items():
            translated = topics.get(str(translated_id))
            if translated is None:
                raise ContentError(base_path, entry, f"'{translated_id}' is not a topic")
            if translated.language != language or language not in locales:
                raise ContentError(base_path, entry, f"'{translated_id}' is not written in '{language}'")
        translations[str(topic_id)] = {str(k): str(v) for k, v in by_language.items()}
    return translations
