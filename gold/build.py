"""Build the gold result files (``gold/<doc_id>.json``) from hand-written YAML (``gold/src/*.yaml``).

An annotator writes phrases, never offsets: every offset in a gold file comes from a
phrase a person chose, found in the source text by the rules below, so a gold file can
be read, reviewed and diffed as text. See ``gold/README.md`` for the YAML format.

Phrase matching:
- literal, except that each run of whitespace in the phrase matches any run of
  whitespace in the source (PDF line breaks need not be copied);
- a match may not start right after a letter/digit (or after a ``.`` that follows a
  digit) when the phrase starts with a letter/digit, and may not end right before a
  letter when the phrase ends with a letter. Citation digits after a span are allowed
  (``ALEX`` matches in ``ALEX4``); ``PFS`` never matches inside ``IC-PFSx``'s letters.

Usage::

    .venv/bin/python gold/build.py                   # build every gold/src/*.yaml
    .venv/bin/python gold/build.py gold/src/X.yaml   # build the named files
    .venv/bin/python gold/build.py --check           # exit 1 if a gold/*.json is stale

Errors are one line each, naming the YAML file and the entry; exit status 1.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any, NamedTuple, Optional

import yaml

try:
    from pydantic import ValidationError

    from alkextract.io import write_atomic
    from alkextract.models import Finding, Result, Trial, Value
except ImportError as exc:  # pragma: no cover - only when run with the wrong interpreter
    sys.exit(f"error: {exc}; run with the project's virtualenv: .venv/bin/python gold/build.py")

REPO = Path(__file__).resolve().parent.parent
GOLD_DIR = REPO / "gold"
SRC_DIR = GOLD_DIR / "src"

TOP_KEYS = {"doc_id", "source", "abbreviations", "entities", "findings", "trials"}
ENTITY_KEYS = {"label", "text", "norm", "after"}
ABBREV_KEYS = {"short", "long"}
FINDING_KEYS = {
    "endpoint", "endpoint_text", "measure", "value", "at", "span", "evidence", "after",
    "ci", "p_value", "intervention", "comparator", "trial", "registry_ids", "population",
    "line", "timepoint",
}
# Finding fields the YAML may leave out, with the value they take.
FINDING_DEFAULTS: dict[str, Any] = {
    "endpoint_text": None, "ci": None, "p_value": None, "intervention": [], "comparator": None,
    "trial": None, "registry_ids": [], "population": [], "line": None, "timepoint": None,
}
# Copied into the JSON without the builder's own fields (value/at/span/evidence/after).
FINDING_PASSTHROUGH = ["endpoint", "endpoint_text", "measure"]
# The models carry a PDF-only extension (bbox) and --include-text's `text`; gold files
# are text-input results, so these are left out of the JSON.
DUMP_EXCLUDE: dict[str, Any] = {
    "text": True,
    "entities": {"__all__": {"bbox"}},
    "findings": {"__all__": {"evidence": {"bbox"}}},
}


class GoldError(Exception):
    """A problem in one YAML file; the message is one line naming the file and entry."""


class Match(NamedTuple):
    start: int
    end: int


def phrase_regex(phrase: str) -> re.Pattern[str]:
    """Literal phrase, each whitespace run matching any whitespace run of the source."""
    parts = phrase.split()
    if not parts:
        raise ValueError("empty phrase")
    return re.compile(r"\s+".join(re.escape(p) for p in parts))


def _boundary_ok(source: str, phrase: str, start: int, end: int) -> bool:
    """The boundary rule: no match glued to the letters/digits before, or letters after."""
    first, last = phrase.strip()[0], phrase.strip()[-1]
    if first.isalnum() and start > 0:
        prev = source[start - 1]
        if prev.isalnum():
            return False
        # "5" must not match the "5" of "0.5": a "." after a digit is a decimal point.
        if prev == "." and start > 1 and source[start - 2].isdigit():
            return False
    # Only letters block the end: trailing digits are citations ("ALEX4", "ASCEND-47").
    if last.isalpha() and end < len(source) and source[end].isalpha():
        return False
    return True


def find_all(source: str, phrase: str, start: int = 0, end: Optional[int] = None) -> list[Match]:
    """Every match of ``phrase`` in ``source[start:end]`` obeying the boundary rule (overlaps allowed)."""
    limit = len(source) if end is None else end
    rx = phrase_regex(phrase)
    out: list[Match] = []
    pos = start
    while True:
        m = rx.search(source, pos, limit)
        if m is None:
            return out
        if _boundary_ok(source, phrase, m.start(), m.end()):
            out.append(Match(m.start(), m.end()))
        pos = m.start() + 1


def find(source: str, phrase: str, start: int = 0, end: Optional[int] = None) -> Optional[Match]:
    """The first match of ``phrase`` at or after ``start`` (ending by ``end``), or None."""
    limit = len(source) if end is None else end
    rx = phrase_regex(phrase)
    pos = start
    while True:
        m = rx.search(source, pos, limit)
        if m is None:
            return None
        if _boundary_ok(source, phrase, m.start(), m.end()):
            return Match(m.start(), m.end())
        pos = m.start() + 1


def find_evidence(source: str, begin: str, end_phrase: str, span: Match) -> Optional[Match]:
    """From the last ``begin`` starting at or before the span to the first ``end`` ending at or after it."""
    begins = [m for m in find_all(source, begin, 0, None) if m.start <= span.start]
    if not begins:
        return None
    ends = [m for m in find_all(source, end_phrase, 0, None) if m.end >= span.end]
    if not ends:
        return None
    return Match(begins[-1].start, ends[0].end)


def _snip(text: str, n: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _phrase(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise GoldError(f"{where}: `{key}` must be a non-empty string (quote numbers: \"0.18\"), got {value!r}")
    return value


def _check_keys(obj: Any, allowed: set[str], where: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise GoldError(f"{where}: expected a mapping, got {type(obj).__name__}")
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise GoldError(f"{where}: unknown key(s) {', '.join(map(repr, unknown))} (allowed: {', '.join(sorted(allowed))})")
    return obj


def _validation_line(exc: ValidationError) -> str:
    """Pydantic's multi-line report folded into one line."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in err["loc"])
        parts.append(f"{loc}: {err['msg']}" if loc else err["msg"])
    return "; ".join(parts)


def _search_start(source: str, item: dict[str, Any], cursor: int, where: str) -> int:
    """Apply an optional ``after:`` phrase: the search starts at the end of its first match."""
    if "after" not in item:
        return cursor
    after = _phrase(item["after"], where, "after")
    m = find(source, after, cursor)
    if m is None:
        raise GoldError(f"{where}: `after` phrase {after!r} not found after offset {cursor}")
    return m.end


def build_entities(source: str, items: list[Any], label: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Entities in document order, each searched from the end of the previous one."""
    out: list[dict[str, Any]] = []
    errors: list[str] = []
    cursor = 0
    for i, item in enumerate(items):
        where = f"{label}: entities[{i}]"
        try:
            if isinstance(item, dict) and "text" in item:
                where += f" ({_snip(item['text'])!r})"
            _check_keys(item, ENTITY_KEYS, where)
            if "label" not in item:
                raise GoldError(f"{where}: missing `label`")
            text = _phrase(item.get("text"), where, "text")
            norm = item.get("norm", {}) or {}
            if not isinstance(norm, dict):
                raise GoldError(f"{where}: `norm` must be a mapping")
            start = _search_start(source, item, cursor, where)
            m = find(source, text, start)
            if m is None:
                raise GoldError(f"{where}: phrase {text!r} not found after offset {start}")
            out.append({"label": item["label"], "start": m.start, "end": m.end,
                        "text": source[m.start:m.end], "page": None, "norm": norm})
            cursor = m.end
        except GoldError as exc:
            errors.append(str(exc))  # keep going: report every bad entry at once
    return out, errors


def build_findings(source: str, items: list[Any], label: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Findings: ``at`` searched from the start of the previous ``at``; ``span`` inside ``at``."""
    out: list[dict[str, Any]] = []
    errors: list[str] = []
    cursor = 0
    for i, item in enumerate(items):
        where = f"{label}: findings[{i}]"
        try:
            if isinstance(item, dict) and "at" in item:
                where += f" (at {_snip(item['at'])!r})"
            _check_keys(item, FINDING_KEYS, where)
            for key in ("endpoint", "measure", "value", "at", "span", "evidence"):
                if key not in item:
                    raise GoldError(f"{where}: missing `{key}`")
            at_phrase = _phrase(item["at"], where, "at")
            span_phrase = _phrase(item["span"], where, "span")
            start = _search_start(source, item, cursor, where)
            at = find(source, at_phrase, start)
            if at is None:
                raise GoldError(f"{where}: `at` phrase {at_phrase!r} not found after offset {start}")
            span = find(source, span_phrase, at.start, at.end)
            if span is None:
                raise GoldError(f"{where}: `span` {span_phrase!r} not found inside `at` {at_phrase!r}")
            ev = item["evidence"]
            if not (isinstance(ev, list) and len(ev) == 2):
                raise GoldError(f"{where}: `evidence` must be [begins with, ends with]")
            begin = _phrase(ev[0], where, "evidence[0]")
            end_phrase = _phrase(ev[1], where, "evidence[1]")
            evm = find_evidence(source, begin, end_phrase, span)
            if evm is None:
                raise GoldError(f"{where}: evidence [{begin!r}, {end_phrase!r}] does not enclose the span at {span.start}")
            try:
                value = Value.model_validate(item["value"]).model_dump()
            except ValidationError as exc:
                raise GoldError(f"{where}: value: {_validation_line(exc)}") from None
            finding: dict[str, Any] = {k: item[k] for k in FINDING_PASSTHROUGH if k in item}
            finding["value"] = value
            finding["span"] = [span.start, span.end]
            for key, default in FINDING_DEFAULTS.items():
                finding[key] = item[key] if key in item else copy.deepcopy(default)
            finding["evidence"] = {"start": evm.start, "end": evm.end,
                                   "text": source[evm.start:evm.end], "page": None}
            try:
                finding = Finding.model_validate(finding).model_dump(mode="json", exclude={"evidence": {"bbox"}})
            except ValidationError as exc:
                raise GoldError(f"{where}: {_validation_line(exc)}") from None
            out.append(finding)
            cursor = at.start
        except GoldError as exc:
            errors.append(str(exc))
    return out, errors


def build_trials(items: list[Any], entities: list[dict[str, Any]], label: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Trial records; ``mentions`` come from the TRIAL / TRIAL_ID entities that name them."""
    out: list[dict[str, Any]] = []
    errors: list[str] = []
    for i, item in enumerate(items):
        where = f"{label}: trials[{i}]"
        try:
            if isinstance(item, dict):
                where += f" ({item.get('name') or item.get('registry_ids')!r})"
            if isinstance(item, dict) and "mentions" in item:
                raise GoldError(f"{where}: `mentions` are computed, do not write them")
            try:
                trial = Trial.model_validate(item)
            except ValidationError as exc:
                raise GoldError(f"{where}: {_validation_line(exc)}") from None
            name = (trial.name or "").casefold()
            ids = set(trial.registry_ids)
            mentions = []
            for e in entities:
                if name and e["label"] == "TRIAL" and str(e["norm"].get("name", "")).casefold() == name:
                    mentions.append([e["start"], e["end"]])
                elif e["label"] == "TRIAL_ID" and e["norm"].get("id") in ids:
                    mentions.append([e["start"], e["end"]])
            if not mentions:
                raise GoldError(f"{where}: no TRIAL/TRIAL_ID entity names this trial")
            trial.mentions = mentions
            out.append(trial.model_dump())
        except GoldError as exc:
            errors.append(str(exc))
    return out, errors


def build(yaml_path: Path) -> tuple[str, dict[str, Any]]:
    """One YAML file → (doc_id, result dict). Raises GoldError listing every problem found."""
    label = _display(yaml_path)
    try:
        doc = yaml.safe_load(yaml_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise GoldError(f"{label}: cannot read YAML: {' '.join(str(exc).split())}") from None
    _check_keys(doc, TOP_KEYS, label)
    for key in ("doc_id", "source"):
        if not isinstance(doc.get(key), str):
            raise GoldError(f"{label}: `{key}` must be a string")
    if yaml_path.stem != doc["doc_id"]:
        raise GoldError(f"{label}: doc_id {doc['doc_id']!r} differs from the file name (gold/src/<doc_id>.yaml)")
    src_path = REPO / doc["source"]
    try:
        raw = src_path.read_bytes()
        source = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"{label}: cannot read source {doc['source']!r}: {exc}") from None

    errors: list[str] = []
    abbreviations = []
    for i, ab in enumerate(doc.get("abbreviations") or []):
        try:
            _check_keys(ab, ABBREV_KEYS, f"{label}: abbreviations[{i}]")
            abbreviations.append(ab)
        except GoldError as exc:
            errors.append(str(exc))
    entities, errs = build_entities(source, doc.get("entities") or [], label)
    errors += errs
    findings, errs = build_findings(source, doc.get("findings") or [], label)
    errors += errs
    trials, errs = build_trials(doc.get("trials") or [], entities, label)
    errors += errs
    if errors:
        raise GoldError("\n".join(errors))

    result = {
        "schema_version": "1",
        "doc_id": doc["doc_id"],
        "source": {"path": doc["source"], "sha256": hashlib.sha256(raw).hexdigest(),
                   "format": "text", "pages": None},
        "entities": entities,
        "findings": findings,
        "trials": trials,
        "abbreviations": abbreviations,
        "warnings": [],
    }
    try:
        model = Result.model_validate(result)
    except ValidationError as exc:
        raise GoldError("\n".join(f"{label}: {line}" for line in _validation_line(exc).split("; "))) from None
    # Belt and braces: the whole point of the builder is that these hold.
    for e in model.entities:
        assert source[e.start:e.end] == e.text
    for f in model.findings:
        assert source[f.evidence.start:f.evidence.end] == f.evidence.text
    return doc["doc_id"], model.model_dump(mode="json", exclude=DUMP_EXCLUDE)


_PAIR = re.compile(r"\[\s*(-?\d+),\s*(-?\d+)\s*\]")


def dumps(result: dict[str, Any]) -> str:
    """Indented JSON, with offset pairs kept on one line so a gold file reads and diffs well."""
    return _PAIR.sub(r"[\1, \2]", json.dumps(result, ensure_ascii=False, indent=2)) + "\n"


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Build gold/<doc_id>.json from gold/src/*.yaml.")
    parser.add_argument("yaml", nargs="*", type=Path, help="YAML files (default: every gold/src/*.yaml)")
    parser.add_argument("--check", action="store_true",
                        help="build in memory; exit 1 if any gold/*.json differs from its YAML")
    args = parser.parse_args(argv)

    paths = args.yaml or sorted(SRC_DIR.glob("*.yaml"))
    if not paths:
        print(f"error: no YAML files in {_display(SRC_DIR)}", file=sys.stderr)
        return 1
    failed = False
    for path in paths:
        try:
            doc_id, result = build(path)
        except GoldError as exc:
            print(f"error: {exc}".replace("\n", "\nerror: "), file=sys.stderr)
            failed = True
            continue
        out = GOLD_DIR / f"{doc_id}.json"
        text = dumps(result)
        if args.check:
            current = out.read_text(encoding="utf-8") if out.exists() else None
            if current != text:
                print(f"error: {_display(out)} is out of date with {_display(path)}; "
                      f"run .venv/bin/python gold/build.py", file=sys.stderr)
                failed = True
        else:
            write_atomic(out, text)
            print(f"{_display(out)}: {len(result['entities'])} entities, "
                  f"{len(result['findings'])} findings, {len(result['trials'])} trials")
    if args.check and not args.yaml:
        # A JSON whose YAML was deleted or renamed would otherwise be scored forever.
        for out in sorted(GOLD_DIR.glob("*.json")):
            if not (SRC_DIR / f"{out.stem}.yaml").exists():
                print(f"error: {_display(out)} has no gold/src/{out.stem}.yaml", file=sys.stderr)
                failed = True
    if args.check and not failed:
        print(f"ok: {len(paths)} gold file(s) in sync with their YAML")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
