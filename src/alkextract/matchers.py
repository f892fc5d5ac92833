"""Entity matchers driven by ``patterns/``: drugs, classes, therapies, trials, registry
ids, endpoints, and the population / line cues the assembler uses.

They run over the *repaired* text (see :mod:`alkextract.repair`); offsets are mapped to
the source afterwards. Numbers (percentages, hazard ratios, durations, doses, sample
sizes) come from :mod:`alkextract.quantities`.
"""

from __future__ import annotations

import bz2
import functools
import importlib.util
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from . import fastre
from .rules import Rule, RuleSet, phrase_regex

@dataclass
class Mention:
    """An entity or cue found in the repaired text."""

    label: str
    start: int
    end: int
    text: str
    norm: dict[str, Any] = field(default_factory=dict)
    origin: str = "lexicon"  # lexicon | rule | abbreviation | quantity

    @property
    def key(self) -> str:
        """The normalized name the assembler uses (INN, class code, trial name, ...);
        a regimen's key lists its agents ("pemetrexed + cisplatin")."""
        if self.norm.get("members"):
            return COMBO.join(self.norm["members"])
        for k in ("name", "code", "id", "tag", "line"):
            if k in self.norm and self.norm[k] is not None:
                return str(self.norm[k])
        return self.text


_WORD = re.compile(r"[^\W_]+")


class _PhraseSet:
    """Many phrase and regex rules, matched like spaCy's PhraseMatcher: phrases are
    indexed by their first word and tried only where that word occurs (one giant
    alternation is slow in Python's ``re``); regex rules run as one alternation.
    At each position the longest match wins, and matches do not overlap."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = list(rules)
        self._by_word: dict[str, list[tuple[re.Pattern[str], Rule]]] = {}
        regexes: dict[bool, list[tuple[int, str]]] = {True: [], False: []}
        for i, r in enumerate(self.rules):
            flags = 0 if r.case == "sensitive" else re.IGNORECASE
            first = _WORD.match(r.pattern or "")
            if r.regex is None and first is not None:
                self._by_word.setdefault(first.group(0).lower(), []).append(
                    (re.compile(phrase_regex(r.pattern or ""), flags), r))
            else:
                src = r.regex if r.regex is not None else phrase_regex(r.pattern or "")
                regexes[r.case == "sensitive"].append((i, src))
        self._rx: list[re.Pattern[str]] = []
        for sensitive, items in regexes.items():
            if items:
                alts = "|".join(f"(?P<r{i}>{src})" for i, src in items)
                self._rx.append(re.compile(alts, 0 if sensitive else re.IGNORECASE))
        self._alone = _Combined(self)  # this set on its own

    def finditer(self, text: str) -> Iterable[tuple[int, int, Rule]]:
        return self._alone.finditer(text)

    def longest_at(self, text: str, start: int, word: str) -> tuple[int, int, Rule] | None:
        """The longest phrase starting with the (lower-cased) ``word`` at ``start``."""
        best = None
        for rx, rule in self._by_word.get(word, ()):
            m = rx.match(text, start)
            if m and (best is None or m.end() > best[1]):
                best = (m.start(), m.end(), rule)
        return best

    def regex_matches(self, text: str) -> list[tuple[int, int, Rule]]:
        found = []
        for rx in self._rx:
            for m in fastre.finditer(rx, text):
                if m.lastgroup is not None:
                    found.append((m.start(), m.end(), self.rules[int(m.lastgroup[1:])]))
        return found


class _Combined:
    """Phrase sets whose matches may overlap each other (entities and cues), read in
    one pass over the words: each set keeps its own non-overlapping matches."""

    def __init__(self, *sets: _PhraseSet) -> None:
        self.sets = sets
        self._first_words = frozenset(w for ps in sets for w in ps._by_word)

    def finditer(self, text: str) -> list[tuple[int, int, Rule]]:
        found: list[list[tuple[int, int, Rule]]] = [[] for _ in self.sets]
        pos = [0] * len(self.sets)
        firsts = self._first_words
        for w in _WORD.finditer(text):
            low = w.group(0).lower()
            if low not in firsts:
                continue
            start = w.start()
            for k, ps in enumerate(self.sets):
                if start < pos[k]:
                    continue
                best = ps.longest_at(text, start, low)
                if best is not None:
                    found[k].append(best)
                    pos[k] = best[1]
        out = []
        for k, ps in enumerate(self.sets):
            found[k].extend(ps.regex_matches(text))
            found[k].sort(key=lambda f: (f[0], -f[1]))
            out.extend(found[k])
        return out


# ----------------------------------------------------------------------------------
# Drugs: the offline DrugBank/MeSH lexicon of drug-named-entity-recognition
# ----------------------------------------------------------------------------------


def _norm_key(s: str) -> str:
    return _SPACES_HYPHENS.sub(" ", s.strip().lower())


_SPACES_HYPHENS = re.compile(r"[\s\-‐‑]+")


@functools.lru_cache(maxsize=1)
def _drug_dictionary() -> dict[str, Any]:
    """The pickled lexicon shipped inside drug-named-entity-recognition (read, not imported:
    importing that package sets up network look-ups we never use)."""
    spec = importlib.util.find_spec("drug_named_entity_recognition")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("drug-named-entity-recognition is not installed")
    path = Path(list(spec.submodule_search_locations)[0]) / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(path, "rb") as bz:
        return pickle.load(bz)


def _cached_entries(ruleset: RuleSet, build: Any) -> dict[str, tuple[str, str | None]]:
    """The filtered lexicon, cached on disk: decompressing and filtering the 107,000
    variants takes about a second, loading the cached result a tenth of that. The cache
    key covers the lexicon file and every rule that shapes the result, so an edited
    stop list or drugs.jsonl is never served stale. No cache folder: just build."""
    import hashlib
    import json
    import os

    spec = importlib.util.find_spec("drug_named_entity_recognition")
    lexicon = Path(list(spec.submodule_search_locations)[0]) / "drug_ner_dictionary.pkl.bz2" if spec else None
    key = hashlib.sha256(json.dumps([
        str(lexicon), lexicon.stat().st_size if lexicon and lexicon.exists() else 0,
        ruleset.settings["drug_stoplist.yaml"],
        [(r.pattern, r.id, r.norm) for r in ruleset.by_label("DRUG")], _CACHE_VERSION,
    ], sort_keys=True, default=str).encode()).hexdigest()[:16]
    root = Path(os.environ.get("ALKEXTRACT_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "alkextract")
    path = root / f"drugs-{key}.pickle"
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.PickleError, EOFError, ValueError):
        pass
    entries = build(ruleset)
    try:
        from .io import write_atomic

        write_atomic(path, pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a read-only home: build every time
    return entries


_CACHE_VERSION = 1


def _filtered_lexicon(ruleset: RuleSet) -> dict[str, tuple[str, str | None]]:
    """Variant → (INN, DrugBank id): the offline lexicon less the stop list, plus
    patterns/drugs.jsonl (whose entries win)."""
    stop = ruleset.settings["drug_stoplist.yaml"]
    stop_variants = {_norm_key(v) for v in stop.get("variants", [])}
    prefixes = tuple(stop.get("drop_mesh_prefixes_without_drugbank", []))
    min_len = int(stop.get("min_length", 4))
    d = _drug_dictionary()
    canon = d["drug_canonical_to_data"]
    entries: dict[str, tuple[str, str | None]] = {}
    for variant, canonicals in d["drug_variant_to_canonical"].items():
        key = _norm_key(variant)
        if len(key) < min_len or key in stop_variants or not canonicals:
            continue
        name = canonicals[0]
        data = canon.get(name, {})
        dbid = data.get("drugbank_id")
        if not dbid:
            trees = data.get("mesh_tree") or []
            if trees and all(t.startswith(prefixes) for t in trees):
                continue
        if _norm_key(name) in stop_variants:
            continue
        entries[key] = (name.lower(), dbid)
    for rule in ruleset.by_label("DRUG"):
        entries[_norm_key(rule.pattern or "")] = (rule.id.lower(), rule.norm.get("drugbank_id"))
    return entries


class DrugLexicon:
    """Lower-cased drug variant → (INN, DrugBank id), filtered by the stop list."""

    max_words = 4

    def __init__(self, ruleset: RuleSet) -> None:
        self.entries = _cached_entries(ruleset, _filtered_lexicon)
        self._inn_ids = {n: db for n, db in self.entries.values() if db}
        words = ruleset.settings["drug_stoplist.yaml"].get("not_before", [])
        alts = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
        self._not_before = re.compile(rf"\s*(?:{alts})(?![^\W_])", re.I) if alts else None
        multi = [k.split(" ", 2) for k in self.entries if " " in k]
        #: first words, and first two words, of the multi-word variants ("sodium chloride")
        self._firsts = {w[0] for w in multi}
        self._pairs = {f"{w[0]} {w[1]}" for w in multi}

    def drugbank_id(self, name: str) -> str | None:
        return self._inn_ids.get(name)

    def find(self, text: str) -> list[Mention]:
        """Every drug name in ``text``: the longest lexicon variant of up to four words
        (joined by a space or a hyphen) at each word."""
        words = [(m.start(), m.end()) for m in _DRUG_WORD.finditer(text)]
        firsts, pairs = self._firsts, self._pairs
        out: list[Mention] = []
        i = 0
        while i < len(words):
            s = words[i][0]
            hit = None
            low = text[s:words[i][1]].lower()
            if (low in firsts and i + 1 < len(words)  # only the first word of a multi-word variant looks further,
                    and _JOINER.fullmatch(text[words[i][1]:words[i + 1][0]])  # and only when its first two words
                    and _norm_key(text[s:words[i + 1][1]]) in pairs):  # begin one ("in situ", not "in a")
                for n in range(min(self.max_words, len(words) - i), 1, -1):
                    if all(_JOINER.fullmatch(text[words[k][1]:words[k + 1][0]]) for k in range(i, i + n - 1)):
                        e = words[i + n - 1][1]
                        entry = self.entries.get(_norm_key(text[s:e]))
                        if entry:
                            hit = (n, e, entry)
                            break
            if hit is None:
                entry = self.entries.get(low)
                if entry:
                    hit = (1, words[i][1], entry)
            if hit and self._not_before is not None and self._not_before.match(text, hit[1], hit[1] + 40):
                hit = None  # "Insulin Growth Factor 1 Receptor": a target, not the agent
            if hit:
                n, e, (name, dbid) = hit
                norm = {"name": name}
                if dbid:
                    norm["drugbank_id"] = dbid
                out.append(Mention("DRUG", s, e, text[s:e], norm))
                i += n
            else:
                i += 1
        return out


_DRUG_WORD = re.compile(r"[^\W_]+(?:[.'][^\W_]+)*")
#: what may join the words of a multi-word drug name: one space or one hyphen
_JOINER = re.compile(r"(?:[^\S\n]|[\-‐‑])")


# ----------------------------------------------------------------------------------
# The whole matcher
# ----------------------------------------------------------------------------------

#: Joins the agents of a regimen in an arm key ("chemotherapy + surgery").
COMBO = " + "

#: Entities that can be the arm of a finding or a trial.
ARM_LABELS = frozenset({"DRUG", "DRUG_CLASS", "THERAPY"})

#: When two mentions overlap, the longer wins; on a tie, the earlier label here.
_PRIORITY = ["TRIAL_ID", "DRUG", "DRUG_CLASS", "THERAPY", "TRIAL", "ENDPOINT"]

# An unseen trial name: a capitalised token with at least two capitals, optionally with
# digits and hyphen/space-separated parts ("TOPICAL", "NEJ005", "ALTA-1L", "KEYNOTE-189").
_ACRONYM = re.compile(r"(?<![\w/-])([A-Z][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)(?![\w-])")
_TRIAL_WORD = re.compile(r"\b(?:trials?|stud(?:y|ies)|cohorts?|analys[ie]s)\b", re.I)
_ROMAN = re.compile(r"^(?:I{1,3}|IV|V|VI{1,3}|I{1,3}[ab]?|IV[ab]?|I/II|II/III)$")


class EntityMatcher:
    """Finds every non-numeric entity and the population/line cues in a text."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.drugs = DrugLexicon(ruleset)
        self.phrases = {
            label: _PhraseSet(ruleset.by_label(label))
            for label in ("DRUG_CLASS", "THERAPY", "TRIAL", "TRIAL_ID", "ENDPOINT", "POPULATION", "LINE")
        }
        # one pass over the words for the entity labels; cues (population, line) overlap
        # entities by design ("after crizotinib failure"), so they are a set of their own
        entity_rules = [r for label in ("DRUG_CLASS", "THERAPY", "TRIAL", "TRIAL_ID", "ENDPOINT")
                        for r in ruleset.by_label(label)]
        self.all_phrases = _Combined(_PhraseSet(entity_rules),
                                     _PhraseSet(ruleset.by_label("POPULATION") + ruleset.by_label("LINE")))
        codes = ruleset.settings["endpoint_codes.yaml"]
        self.site_codes: dict[str, str] = dict(codes.get("site_codes", {}))
        self.spec_codes = set(codes.get("spec_codes", []))
        site = "|".join(re.escape(w) for w in sorted(codes.get("site_words", []), key=len, reverse=True))
        stat = "|".join(re.escape(w) for w in sorted(codes.get("statistic_words", []), key=len, reverse=True))
        # words that may stand before an endpoint name inside its span, read right to left
        extra = "|".join(f"(?:{rx})" for rx in codes.get("prefix_regexes", []))
        words = f"{site}|{stat}" + (f"|{extra}" if extra else "")
        self._prefix = re.compile(rf"(?:(?<![^\W_])(?P<w>{words})(?:[^\S\n]+|-))$", re.I)
        other = "|".join(re.escape(w) for w in codes.get("other_prefixes", []))
        self._other_prefix = re.compile(rf"(?<![^\W_])(?:{other})$", re.I) if other else None
        stops = "|".join(f"(?:{rx})" for rx in codes.get("stop_contexts", []))
        self._stop_context = re.compile(stops, re.I) if stops else None
        self._site = re.compile(rf"^(?:{site})$", re.I)
        self.stop_acronyms = {w.upper() for w in ruleset.settings["acronym_stoplist.yaml"].get("words", [])}
        #: lower-case words of drug names and rule phrases: what a hyphen at a line end may split
        self.words = frozenset(
            {k for k in self.drugs.entries if " " not in k}
            | {w.lower() for r in (r for rules in ruleset.rules.values() for r in rules) if r.pattern
               for w in re.findall(r"[^\W\d_]+", r.pattern)}
            | {"progression", "survival", "response", "metastases", "metastasis", "intracranial", "treatment"})
        self.trial_names = [r.id for r in ruleset.by_label("TRIAL")]
        self._long_forms: dict[str, Mention | None] = {}

    # -- endpoints ----------------------------------------------------------------

    def endpoint_code(self, base: str, has_site: bool) -> str:
        code = self.site_codes.get(base, base) if has_site else base
        return code if code in self.spec_codes else "OTHER"

    def _endpoint(self, text: str, s: int, e: int, rule: Rule) -> Mention:
        has_site = False
        # "intracranial median duration of response", "IC-ORR", "CNS objective response rate"
        for _ in range(4):
            m = self._prefix.search(text, max(0, s - 40), s)
            if not m:
                break
            if self._site.match(m.group("w")):
                has_site = True
            s = m.start()
        base = rule.id
        code = self.endpoint_code(base, has_site)
        if self._other_prefix is not None:
            m = self._other_prefix.search(text, max(0, s - 12), s)
            if m:  # "extra-CNS progression": another outcome
                s, code = m.start(), "OTHER"
        return Mention("ENDPOINT", s, e, text[s:e], {"code": code, "base": base}, "lexicon")

    # -- trials -------------------------------------------------------------------

    def _unseen_trials(self, text: str) -> list[Mention]:
        out = []
        for m in _ACRONYM.finditer(text):
            tok = m.group(1)
            letters = sum(c.isalpha() for c in tok)
            caps = sum(c.isupper() for c in tok)
            if caps < 2 or letters < 3 or _ROMAN.match(tok) or tok.upper() in self.stop_acronyms:
                continue
            if not any(c.isdigit() for c in tok) and len(tok) < 4:
                continue
            if tok.isupper() is False and not any(c.isdigit() for c in tok) and caps < 3:
                continue  # "NgALKi", "McDonald": mixed case words are not trial acronyms
            if re.search(r"[A-Z]{2,}s$", tok) or re.search(r"[a-z]{3,}[A-Z]", tok):
                continue  # a plural ("RCTs") or two words run together ("CharacteristicsAURA")
            if any(part.islower() for part in tok.split("-")[1:]):
                continue  # "EGFR-mutated": an adjective
            words_around = re.findall(r"[A-Za-z]+", text[max(0, m.start() - 30):m.start()])[-1:] + \
                re.findall(r"[A-Za-z]+", text[m.end():m.end() + 30])[:1]
            if any(w.isupper() and len(w) > 2 and w.upper() not in self.stop_acronyms for w in words_around):
                continue  # "WHAT DOES THIS STUDY ADD?": a heading in capitals
            after = text[m.end(): m.end() + 60].split("\n")[0]
            before = text[max(0, m.start() - 60): m.start()].split("\n")[-1]
            near_after = re.match(r"^[^.;:]{0,50}?\b(?:trials?|stud(?:y|ies))\b", after, re.I)
            in_parens = before.endswith("(") and after.startswith(")") and (
                _TRIAL_WORD.search(text[max(0, m.start() - 200): m.end() + 200]))
            phase_before = re.search(r"\b[Pp]hase\s+(?:[1-4]|I{1,3}|IV)[ab]?\s+(?:\w+\s+){0,2}$", before)
            if near_after and len(re.findall(r"\w+", near_after.group(0))) <= 6 or in_parens or phase_before:
                out.append(Mention("TRIAL", m.start(), m.end(), tok, {"name": tok}, "rule"))
        return out

    # -- everything ---------------------------------------------------------------

    def find(self, text: str, abbreviations: Sequence[tuple[str, str]] = ()) -> tuple[list[Mention], list[Mention]]:
        """All entities (non-overlapping, sorted) and all cues (POPULATION/LINE) in ``text``."""
        found: list[Mention] = list(self.drugs.find(text))
        stops = [m.span() for m in self._stop_context.finditer(text)] if self._stop_context else []
        cues: list[Mention] = []
        for s, e, rule in self.all_phrases.finditer(text):
            if rule.label == "ENDPOINT":
                if not any(a <= s and e <= b for a, b in stops):
                    found.append(self._endpoint(text, s, e, rule))
            elif rule.label in ("POPULATION", "LINE"):
                cues.append(self._make(rule.label, text, s, e, rule))
            else:
                found.append(self._make(rule.label, text, s, e, rule))
        found.extend(self._unseen_trials(text))
        # an acronym the text defines as something else ("EGFR-mutated (EGFRm)") is no trial
        defined = {short for short, long in abbreviations if not _TRIAL_WORD.search(long)}
        found = [m for m in found if not (m.label == "TRIAL" and m.origin == "rule" and m.text in defined)]
        entities = _join_slashed_trials(text, resolve_overlaps(found))
        entities = self._add_abbreviations(text, entities, abbreviations)
        # a cue inside a name is part of the name ("1L" in "ALTA-1L")
        names = [e for e in entities if e.label in ("TRIAL", "TRIAL_ID")]
        cues = [c for c in cues if not any(e.start <= c.start and c.end <= e.end for e in names)]
        cues.sort(key=lambda m: (m.start, -m.end))
        return entities, cues

    def _make(self, label: str, text: str, s: int, e: int, rule: Rule) -> Mention:
        t = text[s:e]
        if label == "DRUG_CLASS" or label == "THERAPY":
            norm = {"name": rule.id}
        elif label == "TRIAL":
            norm = {"name": rule.id}
        elif label == "TRIAL_ID":
            norm = {"id": re.sub(r"\s+", "", t).upper(), "registry": rule.norm.get("registry", rule.id)}
            m = re.search(r"\d{4}-\d{6}-\d{2}", t)
            if rule.norm.get("registry") == "eudract" and m:
                norm["id"] = "EUDRACT" + m.group(0)
        elif label == "POPULATION":
            norm = {"tag": rule.id}
        elif label == "LINE":
            norm = {"line": rule.id}
        else:
            norm = {"name": rule.id, **rule.norm}
        return Mention(label, s, e, t, norm, "lexicon" if rule.pattern else "rule")

    def _add_abbreviations(self, text: str, entities: list[Mention], abbreviations: Sequence[tuple[str, str]]) -> list[Mention]:
        """A short form defined in the text takes the label and norm of its long form."""
        extra: list[Mention] = []
        protos: dict[str, Mention] = {}
        # "Pemetrexed (P)", "Dalotuzumab-MK0646 (D)": a drug given a one-letter name (the
        # abbreviation detector wants two letters or more)
        letters: dict[str, Mention] = {}
        for e in entities:
            m = re.match(r"\s*\(([A-Z])\)", text[e.end:e.end + 6])
            if e.label == "DRUG" and m:
                letters.setdefault(m.group(1), e)
        for short, long in abbreviations:
            if not any(c.isupper() for c in short):
                continue
            proto = self._classify_long_form(long)
            if len(short) == 1:
                # "Pemetrexed (P)": a one-letter name only for a drug defined as such
                if proto is not None and proto.label == "DRUG":
                    letters[short] = proto
                continue
            if proto is None:
                # the detector's long form can be cut short ("to tumour progression" for
                # TTP): take the entity written right before "(TTP)" instead
                m = re.search(r"\(\s*" + re.escape(short) + r"\s*\)", text)
                if m:
                    proto = next((e for e in entities if 0 <= m.start() - e.end <= 2 and not text[e.end:m.start()].strip()
                                  and e.label in ("ENDPOINT", "DRUG_CLASS", "THERAPY", "DRUG")), None)
            if proto is None:
                continue
            protos[short] = proto
        # "paclitaxel/carboplatin (TCb)": drugs joined by / or + and then a short form in
        # brackets name a regimen (the detector wants the short form's letters to start
        # words of the long form, which regimen codes seldom do)
        drugs = [e for e in entities if e.label == "DRUG"]
        for m in re.finditer(r"\(([A-Z][A-Za-z0-9]{1,7})\)", text):
            chain = [d for d in drugs if d.end <= m.start() and m.start() - d.end <= 2]
            while chain:
                prev = [d for d in drugs if d.end <= chain[0].start and re.fullmatch(r"\s*(?:/|\+|plus|and)\s*", text[d.end:chain[0].start])]
                if not prev:
                    break
                chain.insert(0, prev[-1])
            if len(chain) >= 2 and m.group(1) not in protos:
                protos[m.group(1)] = _regimen(m.group(1), [d.key for d in chain])
        if protos:
            alts = "|".join(re.escape(k) for k in sorted(protos, key=len, reverse=True))
            for m in re.finditer(r"(?<![^\W_])(?:" + alts + r")(?![^\W_])", text):
                proto = protos[m.group(0)]
                extra.append(Mention(proto.label, m.start(), m.end(), m.group(0), dict(proto.norm), "abbreviation"))
        if len(letters) >= 2:
            # "PC" for pemetrexed (P) + cisplatin (C): letters of defined drug names
            rx = "[" + "".join(letters) + "]{2,4}"
            for m in re.finditer(rf"(?<![\w/.-])({rx})(?![\w/.-])", text):
                if len(set(m.group(1))) == len(m.group(1)):
                    members = [letters[ch].key for ch in m.group(1)]
                    extra.append(Mention("THERAPY", m.start(), m.end(), m.group(1), _regimen(m.group(1), members).norm,
                                         "abbreviation"))
        for m in re.finditer(r"(?<![\w/.-])([A-Z])(?![\w/.-])(?!\s*[=<>≤≥:]|\s*\d)", text):
            proto = letters.get(m.group(1))
            before = text[max(0, m.start() - 8):m.start()]
            if proto is not None and not re.search(r"(?:Fig\.?|Figure|Table|panel|arm|phase|stage|grade)\s*$", before, re.I):
                extra.append(Mention("DRUG", m.start(), m.end(), m.group(1), dict(proto.norm), "abbreviation"))
        if not extra:
            return entities
        # abbreviation mentions only fill gaps: a lexicon entity already there wins,
        # except that a defined short form sharpens an endpoint the lexicon left OTHER
        at = {(e.start, e.end, e.label): e for e in entities}
        for m in extra:
            same = at.get((m.start, m.end, m.label))
            if same is not None and same.label == "ENDPOINT" and same.norm.get("code") == "OTHER":
                same.norm = dict(m.norm)
        # resolve_overlaps keeps the longer span; on a tie the lexicon entity (listed first)
        return resolve_overlaps(list(entities) + [m for m in extra if (m.start, m.end, m.label) not in at])

    def _classify_long_form(self, long: str) -> Mention | None:
        """The entity a defined long form names, if any (cached per long form)."""
        if long not in self._long_forms:
            self._long_forms[long] = self._classify(long)
        return self._long_forms[long]

    def _classify(self, long: str) -> Mention | None:
        sub_entities = self._find_plain(long)
        drugs = [m for m in sub_entities if m.label == "DRUG"]
        if len(drugs) >= 2 and re.fullmatch(r"[\s/+,-]*(?:(?:and|plus|with)[\s/+,-]*)?", _gaps(long, drugs)):
            # "paclitaxel/carboplatin (TCb)": a regimen of the agents it names
            return _regimen(long, [d.key for d in drugs])
        whole = [m for m in sub_entities if m.start == 0 and m.end == len(long)]
        if whole:
            return whole[0]
        for m in sub_entities:
            if m.end == len(long) and m.label in ("ENDPOINT", "DRUG_CLASS", "THERAPY", "DRUG"):
                return m
        return None

    def _find_plain(self, text: str) -> list[Mention]:
        found: list[Mention] = list(self.drugs.find(text))
        for label in ("DRUG_CLASS", "THERAPY", "TRIAL"):
            for s, e, rule in self.phrases[label].finditer(text):
                found.append(self._make(label, text, s, e, rule))
        for s, e, rule in self.phrases["ENDPOINT"].finditer(text):
            found.append(self._endpoint(text, s, e, rule))
        return resolve_overlaps(found)


def _gaps(text: str, mentions: list[Mention]) -> str:
    """What lies between and around ``mentions`` in ``text``."""
    out, pos = [], 0
    for m in mentions:
        out.append(text[pos:m.start])
        pos = m.end
    out.append(text[pos:])
    return "".join(out)


def _regimen(text: str, members: list[str]) -> Mention:
    """A combination regimen named as one thing (THERAPY, its agents as ``members``)."""
    return Mention("THERAPY", 0, len(text), text, {"name": "chemotherapy", "members": members}, "abbreviation")


def _join_slashed_trials(text: str, mentions: list[Mention]) -> list[Mention]:
    """"NEJ005/TCOG0902": two group names of one trial, joined by a slash, are one name."""
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if (prev is not None and prev.label == "TRIAL" and m.label == "TRIAL"
                and text[prev.end:m.start] == "/"):
            name = f"{prev.norm['name']}/{m.norm['name']}"
            out[-1] = Mention("TRIAL", prev.start, m.end, text[prev.start:m.end], {"name": name}, prev.origin)
            continue
        out.append(m)
    return out


def resolve_overlaps(mentions: Iterable[Mention]) -> list[Mention]:
    """Keep a non-overlapping set: longer spans first, then label priority, then earlier."""
    from bisect import bisect_left, insort

    def rank(m: Mention) -> tuple[int, int, int, int]:
        prio = _PRIORITY.index(m.label) if m.label in _PRIORITY else len(_PRIORITY)
        return (-(m.end - m.start), 1 if m.origin == "rule" else 0, prio, m.start)

    starts: list[int] = []  # kept spans, sorted by start (they never overlap)
    by_start: dict[int, Mention] = {}
    for m in sorted(mentions, key=rank):
        i = bisect_left(starts, m.start)
        if i < len(starts) and starts[i] < m.end:
            continue  # the next kept span starts inside m
        if i > 0 and by_start[starts[i - 1]].end > m.start:
            continue  # the previous kept span runs into m
        if m.end == m.start or m.start in by_start:
            continue
        insort(starts, m.start)
        by_start[m.start] = m
    return [by_start[s] for s in starts]
