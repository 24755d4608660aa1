"""Loads and validates training_data/knowledge_base/*.yml: services (FAQ answers) and issue categories.

Every entry is written in English and, under `zh:`, in simplified Chinese; the
actions answer in the conversation's language (`in_language`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from actions.settings import Settings

# Fixed by docs/conversation-design.md; the NLU entities and the backend use the same codes.
SERVICE_CODES = (
    "business_licence",
    "residence_permit",
    "building_permit",
    "housing_benefit",
    "parking_permit",
    "service_centre",
    "waste_collection",
    "council_tax",
    "social_insurance",
    "id_documents",
    "marriage_registration",
    "birth_registration",
    "employment_services",
)
# Languages besides English that every entry must also be written in.
TRANSLATIONS = ("zh",)
ISSUE_CATEGORY_CODES = (
    "pothole",
    "streetlight",
    "missed_collection",
    "noise",
    "graffiti",
    "dumped_rubbish",
    "water_leak",
)

_SERVICE_FIELDS = {
    "name": str,
    "where": str,
    "opening_hours": str,
    "documents": list,
    "fees": list,
    "summary": str,
}
_CATEGORY_FIELDS = {"name": str}
_OPTIONAL = {"synonyms": list}


class KnowledgeBaseError(ValueError):
    """The knowledge base files are incomplete or malformed; the message names file and entry."""


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    where: str
    opening_hours: str
    documents: Tuple[str, ...]
    fees: Tuple[str, ...]
    summary: str
    synonyms: Tuple[str, ...] = ()
    translations: Tuple[Tuple[str, "Service"], ...] = ()

    def in_language(self, language: Optional[str]) -> "Service":
        """The entry as written in that language; English when there is none."""
        return dict(self.translations).get(language or "en", self)

    def all_terms(self) -> List[str]:
        return [self.code, self.name, *self.synonyms] + [
            term for _, text in self.translations for term in (text.name, *text.synonyms)
        ]


@dataclass(frozen=True)
class IssueCategory:
    code: str
    name: str
    synonyms: Tuple[str, ...] = ()
    translations: Tuple[Tuple[str, "IssueCategory"], ...] = ()

    def in_language(self, language: Optional[str]) -> "IssueCategory":
        return dict(self.translations).get(language or "en", self)

    def all_terms(self) -> List[str]:
        return [self.code, self.name, *self.synonyms] + [
            term for _, text in self.translations for term in (text.name, *text.synonyms)
        ]


# Chinese is written without spaces: a Chinese term matches anywhere in a run of Chinese.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff"


def _words(text: str) -> str:
    return " ".join(re.findall(rf"[a-z0-9]+|[{_HAN}]+", text.lower()))


def _best_match(text: str, terms_by_code: Dict[str, List[str]]) -> Optional[str]:
    """The one code whose terms appear in the text as whole words; None when none or two different ones do.

    A term inside a longer term of another code does not count, so "dumped rubbish"
    is not also "rubbish"; "a pothole and graffiti" is two problems, so neither.
    """
    words = _words(text)
    spans = []  # (start, end, code)
    for code, terms in terms_by_code.items():
        for term in {_words(t) for t in terms} - {""}:
            spans += [
                (m.start(), m.end(), code) for m in re.finditer(rf"(?<![a-z0-9]){re.escape(term)}(?![a-z0-9])", words)
            ]
    kept = {
        code
        for start, end, code in spans
        if not any(s <= start and end <= e and (e - s) > (end - start) and c != code for s, e, c in spans)
    }
    return kept.pop() if len(kept) == 1 else None


@dataclass(frozen=True)
class KnowledgeBase:
    services: Dict[str, Service]
    issue_categories: Dict[str, IssueCategory]

    def find_service(self, value: Any) -> Optional[Service]:
        """A service from its code, its name or a synonym (entity values may arrive unmapped)."""
        if not isinstance(value, str) or not value.strip():
            return None
        if value in self.services:
            return self.services[value]
        code = _best_match(value, {c: s.all_terms() for c, s in self.services.items()})
        return self.services[code] if code else None

    def find_issue_category(self, value: Any) -> Optional[IssueCategory]:
        """A category from its code, its name or a synonym found in the citizen's words."""
        if not isinstance(value, str) or not value.strip():
            return None
        if value in self.issue_categories:
            return self.issue_categories[value]
        code = _best_match(value, {c: k.all_terms() for c, k in self.issue_categories.items()})
        return self.issue_categories[code] if code else None


def _check_entry(path: Path, kind: str, code: Any, entry: Any, required: Dict[str, type]) -> Dict[str, Any]:
    where = f"{path.name}: {kind} '{code}'"
    if not isinstance(entry, dict):
        raise KnowledgeBaseError(f"{where} must be a mapping of fields")
    allowed = {**required, **_OPTIONAL, **{language: dict for language in TRANSLATIONS}}
    unknown = sorted(set(entry) - set(allowed))
    if unknown:
        raise KnowledgeBaseError(f"{where} has unknown field(s) {', '.join(unknown)} (allowed: {', '.join(allowed)})")
    for field, kind_of in allowed.items():
        if field not in entry:
            if field in required:
                raise KnowledgeBaseError(f"{where} lacks the required field '{field}'")
            continue
        value = entry[field]
        if kind_of is dict:
            if not isinstance(value, dict):
                raise KnowledgeBaseError(f"{where}: '{field}' must be a mapping of the same fields in that language")
            _check_entry(path, f"{kind} ({field})", code, value, required)
            continue
        if kind_of is str and not (isinstance(value, str) and value.strip()):
            raise KnowledgeBaseError(f"{where}: '{field}' must be a non-empty text")
        if kind_of is list and not (
            isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value)
        ):
            raise KnowledgeBaseError(f"{where}: '{field}' must be a non-empty list of texts")
    for language in TRANSLATIONS:
        if language not in entry and kind.split(" (")[0] == kind:
            raise KnowledgeBaseError(f"{where} lacks its '{language}' translation (the same fields in that language)")
    return {
        k: (tuple(v.strip() for v in entry[k]) if isinstance(entry[k], list) else entry[k].strip())
        for k in entry
        if k not in TRANSLATIONS
    }


def _build(cls: type, code: str, path: Path, kind: str, entry: Dict[str, Any], required: Dict[str, type]) -> Any:
    fields = _check_entry(path, kind, code, entry, required)
    translations = tuple(
        (language, cls(code=code, **_check_entry(path, f"{kind} ({language})", code, entry[language], required)))
        for language in TRANSLATIONS
    )
    return cls(code=code, translations=translations, **fields)


def load_knowledge_base(directory: Path) -> KnowledgeBase:
    """Reads every *.yml in the directory; raises KnowledgeBaseError on anything missing or malformed."""
    directory = Path(directory)
    files = sorted(directory.glob("*.yml"))
    if not files:
        raise KnowledgeBaseError(f"no knowledge base files (*.yml) in {directory}")
    services: Dict[str, Service] = {}
    categories: Dict[str, IssueCategory] = {}
    origin: Dict[str, str] = {}
    for path in files:
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise KnowledgeBaseError(f"{path.name}: not valid YAML: {exc}") from exc
        if not isinstance(document, dict) or set(document) - {"services", "issue_categories"}:
            raise KnowledgeBaseError(f"{path.name}: top level must hold only 'services' and/or 'issue_categories'")
        sections = (
            ("services", "service", SERVICE_CODES, _SERVICE_FIELDS, Service, services),
            ("issue_categories", "issue category", ISSUE_CATEGORY_CODES, _CATEGORY_FIELDS, IssueCategory, categories),
        )
        for key, kind, codes, required, cls, into in sections:
            entries = document.get(key) or {}
            if not isinstance(entries, dict):
                raise KnowledgeBaseError(f"{path.name}: '{key}' must map codes to entries")
            for code, entry in entries.items():
                if code not in codes:
                    raise KnowledgeBaseError(f"{path.name}: unknown {kind} code '{code}' (known: {', '.join(codes)})")
                if code in into:
                    raise KnowledgeBaseError(f"{path.name}: {kind} '{code}' is already defined in {origin[key + code]}")
                into[code] = _build(cls, code, path, kind, entry, required)
                origin[key + code] = path.name
    for kind, codes, found in (
        ("service", SERVICE_CODES, services),
        ("issue category", ISSUE_CATEGORY_CODES, categories),
    ):
        missing = [code for code in codes if code not in found]
        if missing:
            raise KnowledgeBaseError(f"{directory}: no entry for {kind}(s) {', '.join(missing)}")
    return KnowledgeBase(services=services, issue_categories=categories)


@lru_cache(maxsize=None)
def _load_cached(directory: str) -> KnowledgeBase:
    return load_knowledge_base(Path(directory))


def default_knowledge_base() -> KnowledgeBase:
    """The knowledge base named by the settings, read once per process (actions share it)."""
    return _load_cached(str(Settings.from_environment().knowledge_base_dir))
