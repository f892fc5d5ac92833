"""Loading and validating the rule files in ``patterns/`` (see patterns/README.md).

One loader for every file: JSONL rule files (one rule per line) and YAML settings.
A bad line raises :class:`~alkextract.errors.PatternError` naming the file and line.
Rules are compiled once per process and folder (:func:`load_rules` is cached).
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import PatternError

RULE_FILES = {
    "drugs.jsonl": {"DRUG"},
    "drug_classes.jsonl": {"DRUG_CLASS"},
    "therapies.jsonl": {"THERAPY"},
    "trials.jsonl": {"TRIAL"},
    "trial_ids.jsonl": {"TRIAL_ID"},
    "endpoints.jsonl": {"ENDPOINT"},
    "populations.jsonl": {"POPULATION"},
    "lines.jsonl": {"LINE"},
}
RULE_KEYS = {"label", "pattern", "regex", "case", "id", "norm", "source", "note"}
YAML_FILES = {
    "drug_stoplist.yaml": {"variants", "drop_mesh_prefixes_without_drugbank", "min_length", "not_before"},
    "endpoint_codes.yaml": {"site_words", "site_codes", "statistic_words", "spec_codes", "prefix_regexes", "other_prefixes", "stop_contexts"},
    "acronym_stoplist.yaml": {"words"},
}


@dataclass(frozen=True)
class Rule:
    label: str
    id: str
    pattern: str | None = None
    regex: str | None = None
    case: str = "insensitive"
    norm: dict[str, Any] = field(default_factory=dict)
    file: str = ""
    line: int = 0

    def to_regex(self) -> str:
        """The rule as a regex source: phrases get flexible white space and hyphens."""
        if self.regex is not None:
            return self.regex
        return phrase_regex(self.pattern or "")


#: What separates the words of a phrase in the text it is matched against: white space
#: within a line, or a hyphen (the repaired text has no line breaks inside a block, and
#: "first line" = "first-line").
PHRASE_SEPARATOR = r"(?:[^\S\n]|[\-‐‑])+"


def phrase_regex(phrase: str) -> str:
    """A phrase as a regex: any separator run matches any other, on word boundaries."""
    parts = [re.escape(p) for p in re.split(r"[\s\-‐‑]+", phrase.strip()) if p]
    body = PHRASE_SEPARATOR.join(parts)
    if phrase.strip()[:1].isalnum():
        body = r"(?<![^\W_])" + body
    if phrase.strip()[-1:].isalnum():
        body = body + r"(?![^\W_])"
    return body


def default_patterns_dir() -> Path:
    """Where the rule files are: ``$ALKEXTRACT_PATTERNS`` if set, else the bundled ones."""
    env = os.environ.get("ALKEXTRACT_PATTERNS")
    if env:
        return Path(env)
    return Path(str(importlib.resources.files("alkextract.patterns")))


@dataclass
class RuleSet:
    """Every rule file of one patterns folder, validated."""

    folder: Path
    rules: dict[str, list[Rule]]  # by label
    settings: dict[str, dict[str, Any]]  # by YAML file name

    def by_label(self, label: str) -> list[Rule]:
        return self.rules.get(label, [])


def _parse_rule(obj: Any, path: Path, lineno: int, allowed: set[str]) -> Rule:
    if not isinstance(obj, dict):
        raise PatternError(path, lineno, "a rule must be a JSON object")
    unknown = set(obj) - RULE_KEYS
    if unknown:
        raise PatternError(path, lineno, f"unknown key(s) {sorted(unknown)}; allowed: {sorted(RULE_KEYS)}")
    label = obj.get("label")
    if label not in allowed:
        raise PatternError(path, lineno, f"label must be one of {sorted(allowed)}, got {label!r}")
    has_p, has_r = "pattern" in obj, "regex" in obj
    if has_p == has_r:
        raise PatternError(path, lineno, "give exactly one of 'pattern' (a phrase) or 'regex'")
    text = obj.get("pattern") if has_p else obj.get("regex")
    if not isinstance(text, str) or not text.strip():
        raise PatternError(path, lineno, "'pattern'/'regex' must be a non-empty string")
    rid = obj.get("id")
    if not isinstance(rid, str) or not rid:
        raise PatternError(path, lineno, "'id' must be a non-empty string")
    norm = obj.get("norm", {})
    if not isinstance(norm, dict):
        raise PatternError(path, lineno, "'norm' must be an object")
    # An acronym written in capitals ("ALEX", "OS", "TKI") must match in capitals; any
    # phrase with a lower-case letter matches in any case ("Next-generation ALK inhibitors").
    default_case = "sensitive" if has_r or not any(c.islower() for c in text) else "insensitive"
    case = obj.get("case", default_case)
    if case not in ("sensitive", "insensitive"):
        raise PatternError(path, lineno, "'case' must be 'sensitive' or 'insensitive'")
    if label == "DRUG" and has_r:
        raise PatternError(path, lineno, "DRUG rules are phrases (the drug lexicon is looked up word by word); use 'pattern'")
    rule = Rule(label=label, id=rid, pattern=text if has_p else None, regex=text if has_r else None,
                case=case, norm=dict(norm), file=path.name, line=lineno)
    try:
        re.compile(rule.to_regex())
    except re.error as exc:
        raise PatternError(path, lineno, f"bad regex: {exc}") from None
    return rule


def _load_jsonl(path: Path, allowed: set[str]) -> list[Rule]:
    rules = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise PatternError(path, None, f"not UTF-8: {exc}") from None
    for lineno, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise PatternError(path, lineno, f"invalid JSON: {exc.msg} (column {exc.colno})") from None
        rules.append(_parse_rule(obj, path, lineno, allowed))
    return rules


def _load_yaml(path: Path, allowed: set[str]) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise PatternError(path, line, f"invalid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise PatternError(path, None, f"invalid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise PatternError(path, 1, "expected a mapping of settings")
    unknown = set(data) - allowed
    if unknown:
        raise PatternError(path, _yaml_key_line(path, sorted(unknown)[0]), f"unknown key(s) {sorted(unknown)}; allowed: {sorted(allowed)}")
    for key, value in data.items():
        problem = _check_setting(key, value)
        if problem:
            raise PatternError(path, _yaml_key_line(path, key), f"{key}: {problem}")
    return data


#: The type each YAML setting must have; "regexes" are lists of regular expressions.
_SETTING_TYPES: dict[str, str] = {
    "variants": "strings", "drop_mesh_prefixes_without_drugbank": "strings", "min_length": "int",
    "not_before": "strings", "site_words": "strings", "site_codes": "mapping", "statistic_words": "strings",
    "spec_codes": "strings", "prefix_regexes": "regexes", "other_prefixes": "strings",
    "stop_contexts": "regexes", "words": "strings",
}


def _check_setting(key: str, value: Any) -> str | None:
    kind = _SETTING_TYPES.get(key, "any")
    if kind == "int" and not (isinstance(value, int) and not isinstance(value, bool)):
        return "must be a whole number"
    if kind in ("strings", "regexes"):
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            return "must be a list of non-empty strings"
        if kind == "regexes":
            for v in value:
                try:
                    re.compile(v)
                except re.error as exc:
                    return f"bad regex {v!r}: {exc}"
    if kind == "mapping" and not (isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())):
        return "must map strings to strings"
    return None


def _yaml_key_line(path: Path, key: str) -> int | None:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith(f"{key}:"):
            return n
    return None


@functools.lru_cache(maxsize=8)
def load_rules(folder: str | Path | None = None) -> RuleSet:
    """Load and validate every rule file in ``folder`` (default: the bundled patterns)."""
    root = Path(folder) if folder is not None else default_patterns_dir()
    if not root.is_dir():
        raise PatternError(root, None, "patterns folder not found")
    rules: dict[str, list[Rule]] = {}
    for name, labels in RULE_FILES.items():
        path = root / name
        if not path.exists():
            raise PatternError(path, None, "rule file missing")
        for rule in _load_jsonl(path, labels):
            rules.setdefault(rule.label, []).append(rule)
    settings = {}
    for name, keys in YAML_FILES.items():
        path = root / name
        if not path.exists():
            raise PatternError(path, None, "settings file missing")
        settings[name] = _load_yaml(path, keys)
    return RuleSet(folder=root, rules=rules, settings=settings)
