"""The spaCy pipeline: alkextract's stages as registered components.

    nlp = alkextract.load()
    doc = nlp(text)                      # or nlp(source_text_object) for PDFs
    doc._.findings, doc._.trials         # SPEC.md models, offsets into the source text

The tokenizer repairs the text first (:mod:`alkextract.repair`) and tokenizes the
repaired copy with scispaCy's tokenizer; ``doc._.alk_repaired`` maps every offset back to
the source. Components, in order:

- ``alkextract_segmenter``: sentence boundaries from :mod:`alkextract.segment`;
- ``abbreviation_detector``: scispaCy's Schwartz & Hearst detector;
- ``alkextract_entities``: pattern matchers (:mod:`alkextract.matchers`) and the number
  grammar (:mod:`alkextract.quantities`) → ``doc._.alk_mentions``, ``doc.spans["alkextract"]``;
- ``alkextract_findings``: trials (:mod:`alkextract.trials`) and findings
  (:mod:`alkextract.assemble`) → ``doc._.trials``, ``doc._.findings``.
"""

from __future__ import annotations

import re
import threading
import warnings
from pathlib import Path
from typing import Any, Callable

import numpy
import spacy
from spacy.attrs import IDX, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from . import models
from .assemble import TITLE_VERSUS, Assembler, RawFinding, Sent
from .ingest import SourceText, text_source
from .matchers import EntityMatcher, Mention
from .quantities import Quantity, scan
from .repair import Block, Repaired, repair
from .rules import load_rules
from .segment import segment
from .trials import TrialRecord, TrialBuilder, document_title, document_trial, table_rows, table_trial_names

# Doc extensions. ``findings`` and ``trials`` are the results (SPEC.md models, source
# offsets); the ``alk_`` ones are the stages' working data (repaired-text offsets).
for _name in ("findings", "trials", "alk_source", "alk_repaired", "alk_sentences", "alk_mentions", "alk_cues",
              "alk_abbreviation_pairs"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)

#: Where the number grammar can find something: a digit, a number word, a median not reached.
_MAYBE_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
    r"half|not\s+reached|not\s+estimable|NR|NE)\b", re.I)

#: Number kinds that are entities (SPEC.md §2); the others (CI, P_VALUE, ...) only feed findings.
ENTITY_KINDS = {"PERCENTAGE", "HAZARD_RATIO", "DURATION", "DOSE", "SAMPLE_SIZE"}

_patterns_dir: str | None = None
_matchers: dict[str, EntityMatcher] = {}
_pipelines: dict[str, Language] = {}
_lock = threading.Lock()


def set_patterns_dir(path: str | Path | None) -> None:
    """Use another patterns/ folder from now on (``--patterns``); validated at once."""
    global _patterns_dir
    folder = str(path) if path is not None else None
    load_rules(folder)  # raises PatternError before anything changes
    _patterns_dir = folder


def get_matcher(patterns_dir: str | None = None) -> EntityMatcher:
    """The entity matcher for a patterns folder, built once per process."""
    key = patterns_dir or ""
    with _lock:
        if key not in _matchers:
            _matchers[key] = EntityMatcher(load_rules(patterns_dir))
        return _matchers[key]


# ----------------------------------------------------------------------------------
# Tokenizer: repair, then scispaCy's tokenizer over the repaired copy
# ----------------------------------------------------------------------------------


class RepairingTokenizer:
    """Takes the source text (or a :class:`SourceText`), tokenizes its repaired copy."""

    def __init__(self, base: Callable[[str], Doc], patterns_dir: str | None) -> None:
        self.base = base
        self.patterns_dir = patterns_dir

    def __call__(self, text: str | SourceText) -> Doc:
        source = text if isinstance(text, SourceText) else text_source(text)
        matcher = get_matcher(self.patterns_dir)
        breaks = [t.start for t in source.tables] + [t.end for t in source.tables]
        rep = repair(source.text, citations=source.citations, furniture=source.furniture,
                     known_names=matcher.trial_names, block_breaks=breaks, known_words=matcher.words)
        doc = self.base(rep.text)
        doc._.alk_source = source
        doc._.alk_repaired = rep
        return doc

    # spaCy calls these when saving/loading a pipeline; the repair has no state
    def to_bytes(self, **kwargs: Any) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs: Any) -> "RepairingTokenizer":
        return self

    def to_disk(self, path: Any, **kwargs: Any) -> None:
        return None

    def from_disk(self, path: Any, **kwargs: Any) -> "RepairingTokenizer":
        return self


# ----------------------------------------------------------------------------------
# Components
# ----------------------------------------------------------------------------------


@Language.factory("alkextract_segmenter")
def make_segmenter(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    return Segmenter()


class Segmenter:
    """Sets ``doc._.alk_sentences`` (repaired offsets) and token sentence starts."""

    def __call__(self, doc: Doc) -> Doc:
        rep: Repaired = doc._.alk_repaired
        if rep is None:
            # A doc from another tokenizer (the components in a user's own pipeline): the
            # text cannot be changed, so it is used as it is; blocks and sentences still
            # come from the repair, mapped back onto this text.
            fixed = repair(doc.text) if doc.text.strip() else None
            blocks = [Block(*fixed.span_to_source(b.start, b.end), b.kind) for b in fixed.blocks] if fixed else []
            rep = Repaired(text=doc.text, to_source=list(range(len(doc.text))), blocks=blocks,
                           source_length=len(doc.text))
            doc._.alk_repaired = rep
            doc._.alk_source = text_source(doc.text)
        sents = segment(rep.text, rep.blocks)
        doc._.alk_sentences = sents
        # all at once: setting token.is_sent_start one by one re-checks the whole doc
        # (spaCy stores attributes as uint64; -1, "not a start", wraps as spaCy's own to_array does)
        if len(doc):
            idx = doc.to_array([IDX]).reshape(-1).astype("int64")
            flags = numpy.where(numpy.isin(idx, [s.start for s in sents]), 1, -1).astype("int64")
            flags[0] = 1
            doc.from_array([SENT_START], flags.astype("uint64").reshape(-1, 1))
        return doc


@Language.factory("alkextract_entities", default_config={"patterns_dir": None})
def make_entities(nlp: Language, name: str, patterns_dir: str | None) -> Callable[[Doc], Doc]:
    return EntityComponent(patterns_dir)


class EntityComponent:
    """Entities, cues and numbers of every sentence."""

    def __init__(self, patterns_dir: str | None) -> None:
        self.patterns_dir = patterns_dir

    def __call__(self, doc: Doc) -> Doc:
        rep: Repaired = doc._.alk_repaired
        text = rep.text
        matcher = get_matcher(self.patterns_dir)
        pairs = _abbreviation_pairs(doc) + _legend_pairs(text, doc._.alk_sentences)
        doc._.alk_abbreviation_pairs = pairs
        entities, cues = matcher.find(text, pairs)
        quantities: list[Quantity] = []
        for s in doc._.alk_sentences:
            sentence = text[s.start:s.end]
            if not _MAYBE_NUMBER.search(sentence):
                continue  # (half the sentences of a report hold no number: skip the grammar)
            for q in scan(sentence):
                quantities.append(_shift(q, s.start))
        # a median "not reached" is a finding's value but not a time quantity (entity)
        numbers = [_quantity_mention(q) for q in quantities if q.kind in ENTITY_KINDS and not q.not_reached]
        # a number inside a name ("ALTA-1L", "PROFILE 1014") is part of the name
        starts = [e.start for e in entities]
        numbers = [n for n in numbers if not _overlaps_any(n, entities, starts)]
        mentions = sorted(entities + numbers, key=lambda m: (m.start, m.end))
        mentions = table_trial_names(text, _table_cells(doc, mentions), mentions)
        doc._.alk_mentions = mentions
        doc._.alk_cues = cues
        doc.user_data["alkextract_quantities"] = quantities
        spans = []
        for m in doc._.alk_mentions:
            span = doc.char_span(m.start, m.end, label=m.label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans["alkextract"] = spans
        return doc


def _table_cells(doc: Doc, mentions: list[Mention]) -> list[list[tuple[int, int]]]:
    """Every table row as its cells (repaired offsets): the PDF's cells, or — for a table
    flattened into text, one line per cell — its lines grouped into rows by their first
    cell (:func:`alkextract.trials.table_rows`)."""
    rep: Repaired = doc._.alk_repaired
    source: SourceText = doc._.alk_source
    if source.tables:
        back = _source_to_repaired(rep)
        return [[(back(c.start), back(c.end)) for c in r if c.end > c.start] for t in source.tables for r in t.rows]
    rows: list[list[tuple[int, int]]] = []
    run: list[tuple[int, int]] = []
    for s in list(doc._.alk_sentences) + [None]:
        if s is not None and s.kind == "table":
            run.append((s.start, s.end))
            continue
        for a, b in table_rows(run, mentions) if run else []:
            rows.append([ln for ln in run if a <= ln[0] and ln[1] <= b])
        run = []
    return [r for r in rows if r]


def _overlaps_any(m: Mention, sorted_mentions: list[Mention], starts: list[int]) -> bool:
    """``m`` overlaps one of the (start-sorted, non-overlapping) mentions, whose starts
    are ``starts``."""
    from bisect import bisect_right

    i = bisect_right(starts, m.start)
    for x in sorted_mentions[max(0, i - 1): i + 1]:
        if x.start < m.end and m.start < x.end:
            return True
    return False


def _abbreviation_pairs(doc: Doc) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for abrv in getattr(doc._, "abbreviations", None) or []:
        long = re.sub(r"\s+", " ", abrv._.long_form.text).strip()
        pair = (abrv.text, long)
        if pair not in out:
            out.append(pair)
    return out


_LEGEND_PAIR = re.compile(r"(?:^|;)\s*([^\s=;][^=;]{0,20}?)\s+=\s+([^=;]+?)\s*(?=;|\.?$)")


def _legend_pairs(text: str, sentences: list) -> list[tuple[str, str]]:
    """"ALK = anaplastic lymphoma kinase; NR = not reached": a legend defines short forms."""
    out: list[tuple[str, str]] = []
    for s in sentences:
        if s.kind != "legend":
            continue
        for m in _LEGEND_PAIR.finditer(text[s.start:s.end]):
            pair = (m.group(1).strip(), re.sub(r"\s+", " ", m.group(2)).strip())
            if pair not in out:
                out.append(pair)
    return out


def _shift(q: Quantity, offset: int) -> Quantity:
    """``dataclasses.replace(q, start=q.start + offset, end=q.end + offset)``, without
    its per-field work (a document has thousands of quantities)."""
    moved = object.__new__(Quantity)
    moved.__dict__.update(q.__dict__, start=q.start + offset, end=q.end + offset)
    return moved


def _quantity_mention(q: Quantity) -> Mention:
    if q.kind == "PERCENTAGE":
        norm: dict[str, Any] = {"low": q.low, "high": q.high, "qualifier": q.qualifier or "="}
    elif q.kind == "HAZARD_RATIO":
        norm = {"value": q.low}
    elif q.kind == "DURATION":
        norm = {"low": q.low, "high": q.high, "unit": q.unit}
        if q.not_reached:
            norm["not_reached"] = True
    elif q.kind == "DOSE":
        norm = {"amount": q.low, "unit": q.unit, "frequency": q.frequency}
    else:  # SAMPLE_SIZE
        norm = {"value": int(q.low) if q.low is not None else None}
    return Mention(q.kind, q.start, q.end, q.text, norm, "quantity")


@Language.factory("alkextract_findings")
def make_findings(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    return FindingsComponent()


class FindingsComponent:
    """Trial records and findings, mapped to source offsets as SPEC.md models."""

    def __call__(self, doc: Doc) -> Doc:
        rep: Repaired = doc._.alk_repaired
        source: SourceText = doc._.alk_source
        text = rep.text
        mentions, cues = _ByStart(doc._.alk_mentions), _ByStart(doc._.alk_cues)
        sents = _sentences_with_content(doc, mentions, cues)
        builder = TrialBuilder(text)
        # table rows tie drug, dose, trial, id and line; prose ties names, ids and arms
        for cells in _table_cells(doc, doc._.alk_mentions):
            row = (cells[0][0], cells[-1][1])
            builder.add_table_row(mentions.within(*row), cues.within(*row))
        for s in sents:
            if s.kind in ("prose", "caption", "heading"):
                builder.add_sentence(s.start, s.end, s.entities, s.cues)
        title = document_title(text, sents)
        doc_trial = document_trial(text, sents, builder, title)
        doc_arms = [e.key for e in (title.entities if title else []) if e.label == "DRUG"]
        doc_lines = [c.norm["line"] for c in (title.cues if title else []) if c.label == "LINE"]
        assembler = Assembler(
            text, sents,
            doc_trial=doc_trial.name if doc_trial else None,
            trial_of_id=builder.name_of_id,
            trial_line=builder.line_of,
            trial_arms=builder.arms_of,
            doc_arms=list(dict.fromkeys(doc_arms)),
            doc_line=doc_lines[0] if doc_lines else None,
        )
        if doc_trial is not None:
            # "randomly assigned to receive lorlatinib 100 mg once daily or crizotinib ...":
            # a dose written right after a drug, in a document about one trial
            for sent in sents:
                for drug in (e for e in sent.entities if e.label == "DRUG"):
                    dose = next((e for e in sent.entities if e.label == "DOSE" and 0 < e.start - drug.end <= 3), None)
                    if dose is not None:
                        entry = {"drug": drug.key, "amount": dose.norm.get("amount"), "unit": dose.norm.get("unit"),
                                 "frequency": dose.norm.get("frequency")}
                        if entry not in doc_trial.doses:
                            doc_trial.doses.append(entry)
        if title is not None and doc_trial is not None:
            # "BTH1677 in combination with bevacizumab, carboplatin, and paclitaxel":
            # the arms a title names are the arms of the trial the document is about
            for arm in assembler.arms(title):
                for key in arm.norm.get("members") or [arm.key]:
                    doc_trial.add_arm(key)
        if title is not None:
            pair = assembler.arm_pair(assembler.arms(title), title.end, (title.start, title.end), TITLE_VERSUS)
            if pair is not None:
                assembler.doc_pair = (pair[0].key, pair[1].key)
        raw = assembler.findings()
        for f in raw:
            if f.trial is not None:
                f.registry_ids = builder.ids_of(f.trial) or f.registry_ids
            elif doc_trial is not None and doc_trial.name is None and not f.registry_ids:
                f.registry_ids = list(doc_trial.registry_ids)
            builder.add_finding_arms(f.trial, f.intervention + (f.comparator or []))
        doc._.findings = [_to_finding(f, rep, source) for f in raw]
        doc._.trials = [_to_trial(r, rep) for r in builder.records]
        return doc


class _ByStart:
    """Spans (anything with ``start`` and ``end``) sorted by start, for range look-ups."""

    def __init__(self, items: list) -> None:
        self.items = sorted(items, key=lambda x: x.start)
        self.starts = [x.start for x in self.items]

    def within(self, start: int, end: int) -> list:
        """The items lying inside [start, end), in order."""
        from bisect import bisect_left

        items = self.items
        i = bisect_left(self.starts, start)
        out = []
        while i < len(items) and items[i].start < end:
            if items[i].end <= end:
                out.append(items[i])
            i += 1
        return out


def _sentences_with_content(doc: Doc, mentions: _ByStart, cues: _ByStart) -> list[Sent]:
    quantities = _ByStart(doc.user_data.get("alkextract_quantities", []))
    out = []
    block_of = _block_index(doc._.alk_repaired)
    for i, s in enumerate(doc._.alk_sentences):
        out.append(Sent(
            index=i, start=s.start, end=s.end, kind=s.kind, block=block_of(s.start),
            entities=mentions.within(s.start, s.end),
            cues=cues.within(s.start, s.end),
            quantities=quantities.within(s.start, s.end),
        ))
    return out


def _block_index(rep: Repaired) -> Callable[[int], int]:
    starts = [b.start for b in rep.blocks]

    def block_of(pos: int) -> int:
        from bisect import bisect_right

        return max(0, bisect_right(starts, pos) - 1)

    return block_of


def _source_to_repaired(rep: Repaired) -> Callable[[int], int]:
    from bisect import bisect_left

    src = rep.to_source

    def back(pos: int) -> int:
        return bisect_left(src, pos)

    return back


# ----------------------------------------------------------------------------------
# Mapping to SPEC.md models (source offsets)
# ----------------------------------------------------------------------------------


def _to_finding(f: RawFinding, rep: Repaired, source: SourceText) -> models.Finding:
    vs, ve = rep.span_to_source(*f.span)
    es, ee = rep.span_to_source(*f.sentence)
    return models.Finding(
        endpoint=f.endpoint, endpoint_text=f.endpoint_text, measure=f.measure,
        value=models.Value(**f.value), span=[vs, ve],
        ci=models.CI(**f.ci) if f.ci and f.ci.get("low") is not None else None,
        p_value=models.PValue(**f.p_value) if f.p_value and f.p_value.get("value") is not None else None,
        intervention=f.intervention, comparator=f.comparator, trial=f.trial,
        registry_ids=f.registry_ids, population=f.population, line=f.line,
        timepoint=models.Timepoint(**f.timepoint) if f.timepoint and f.timepoint.get("value") is not None else None,
        evidence=models.Evidence(start=es, end=ee, text=source.text[es:ee], page=source.page_of(es),
                                 bbox=source.bbox_of(es, ee)),
    )


def _to_trial(r: TrialRecord, rep: Repaired) -> models.Trial:
    mentions = sorted({rep.span_to_source(a, b) for a, b in r.mentions})
    return models.Trial(
        name=r.name, registry_ids=r.registry_ids, interventions=r.interventions,
        doses=[models.TrialDose(**d) for d in r.doses], line=r.line, phase=r.phase,
        mentions=[list(m) for m in mentions],
    )


def entities_of(doc: Doc) -> list[models.Entity]:
    """The document's entities as SPEC.md models (source offsets, page, box)."""
    rep: Repaired = doc._.alk_repaired
    source: SourceText = doc._.alk_source
    out = []
    for m in doc._.alk_mentions:
        s, e = rep.span_to_source(m.start, m.end)
        norm = {k: v for k, v in m.norm.items() if k != "base"}
        out.append(models.Entity(label=m.label, start=s, end=e, text=source.text[s:e],
                                 page=source.page_of(s), norm=norm, bbox=source.bbox_of(s, e)))
    return out


# ----------------------------------------------------------------------------------
# Loading
# ----------------------------------------------------------------------------------


class BracketMatcher:
    """scispaCy's abbreviation candidates: "(", one to ``max_inside`` tokens none of
    them a bracket, ")" — what ``Matcher`` finds for ``[{"ORTH": "("}, {"ORTH":
    {"NOT_IN": ["(", ")"]}, "OP": "{1,8}"}, {"ORTH": ")"}]``, from the token array.

    scispaCy's own pattern ("(" + any tokens + ")") keeps a match open to the end of
    the document after an unclosed bracket (quadratic on long texts); its filter drops
    bracketed spans over 8 tokens anyway, so the bound changes nothing it keeps."""

    def __init__(self, vocab: Any, max_inside: int = 8) -> None:
        self.key = vocab.strings.add("parenthesis")
        self.open, self.close = vocab.strings.add("("), vocab.strings.add(")")
        self.max_inside = max_inside

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        if not len(doc):
            return []
        orth = doc.to_array([ORTH]).reshape(-1)
        brackets = numpy.flatnonzero((orth == self.open) | (orth == self.close))
        out = []
        # a match is an opening bracket whose next bracket closes it, 1..8 tokens on
        for i, j in zip(brackets[:-1].tolist(), brackets[1:].tolist()):
            if orth[i] == self.open and orth[j] == self.close and 1 <= j - i - 1 <= self.max_inside:
                out.append((self.key, i, j + 1))
        return out


class OrthSequenceMatcher:
    """The ``Matcher`` subset scispaCy's detector uses for its second pass: patterns
    that are sequences of exact token texts (``[{"ORTH": "ALK"}, ...]``), added and
    removed by key; matches as (key id, start, end), ordered by end, then start."""

    def __init__(self, vocab: Any) -> None:
        self.vocab = vocab
        self._patterns: dict[str, list[tuple[int, ...]]] = {}

    def add(self, key: str, patterns: list[list[dict[str, str]]], on_match: Any = None) -> None:
        for pattern in patterns:
            if not pattern or any(set(tok) != {"ORTH"} for tok in pattern):
                raise ValueError(f"OrthSequenceMatcher takes ORTH-only patterns, got {pattern!r}")
            self._patterns.setdefault(key, []).append(tuple(self.vocab.strings.add(t["ORTH"]) for t in pattern))

    def remove(self, key: str) -> None:
        if key not in self._patterns:
            raise ValueError(f"no pattern {key!r}")
        del self._patterns[key]

    def __len__(self) -> int:
        return len(self._patterns)

    def __contains__(self, key: str) -> bool:
        return key in self._patterns

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        if not self._patterns or not len(doc):
            return []
        orth = doc.to_array([ORTH]).reshape(-1)
        out = []
        for key, patterns in self._patterns.items():
            kid = self.vocab.strings.add(key)
            for seq in patterns:
                n = len(seq)
                if n > len(orth):
                    continue
                starts = numpy.flatnonzero(orth[: len(orth) - n + 1] == seq[0])
                for k in range(1, n):
                    starts = starts[orth[starts + k] == seq[k]]
                out.extend((kid, int(i), int(i) + n) for i in starts)
        out.sort(key=lambda m: (m[2], m[1]))  # as spaCy's Matcher: by end, then start
        return out


def build(patterns_dir: str | Path | None = None) -> Language:
    """A new pipeline: blank English + scispaCy tokenizer and abbreviations + ours."""
    from scispacy.abbreviation import AbbreviationDetector  # noqa: F401  (registers the factory)
    from scispacy.custom_tokenizer import combined_rule_tokenizer

    pdir = str(patterns_dir) if patterns_dir is not None else None
    nlp = spacy.blank("en")
    nlp.tokenizer = RepairingTokenizer(combined_rule_tokenizer(nlp), pdir)
    nlp.add_pipe("alkextract_segmenter")
    detector = nlp.add_pipe("abbreviation_detector")
    # scispaCy's detector asks two spaCy Matchers for token sequences; both walk every
    # token of the document in Python. These find the same matches on the token array.
    detector.matcher = BracketMatcher(nlp.vocab)
    detector.global_matcher = OrthSequenceMatcher(nlp.vocab)
    nlp.add_pipe("alkextract_entities", config={"patterns_dir": pdir})
    nlp.add_pipe("alkextract_findings")
    return nlp


def load(patterns_dir: str | Path | None = None) -> Language:
    """A new pipeline for a patterns folder (default: bundled) — the caller's own, to add
    components to or disable; the rule files behind it are compiled once per process."""
    pdir = str(patterns_dir) if patterns_dir is not None else _patterns_dir
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # spaCy/scispaCy import-time FutureWarnings
        return build(pdir)


def _shared(patterns_dir: str | Path | None = None) -> Language:
    """The pipeline :func:`run` uses, built once per process and patterns folder."""
    pdir = str(patterns_dir) if patterns_dir is not None else _patterns_dir
    key = pdir or ""
    with _lock:
        nlp = _pipelines.get(key)
    if nlp is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # spaCy/scispaCy import-time FutureWarnings
            nlp = build(pdir)
        with _lock:
            _pipelines.setdefault(key, nlp)
            nlp = _pipelines[key]
    return nlp


def run(source: SourceText, patterns_dir: str | None = None) -> Doc:
    """Run the whole pipeline over one document's text.

    Thread-safe: scispaCy's abbreviation detector edits a matcher it keeps between
    documents, so one pipeline runs one document at a time (processes, as ``alkextract
    batch --workers`` uses, run in parallel)."""
    nlp = _shared(patterns_dir)
    with _run_lock:
        # the tokenizer takes a SourceText (PDF layout included); spaCy's __call__ takes str
        return nlp(nlp.tokenizer(source))


_run_lock = threading.Lock()
