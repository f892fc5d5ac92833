"""Scoring a prediction against the gold set, as SPEC.md §6 defines it.

Everything here is a plain function over :class:`~alkextract.models.Result`; the
CLI (``alkextract evaluate``) and :mod:`alkextract.report` only call and print it.

Choices SPEC.md leaves open (the tests in tests/test_evaluate.py pin each one):

* **Matching** is one-to-one. Among all pairings allowed by the criterion (same
  label and overlapping spans; for findings also endpoint and value), we take one
  with the most pairs, then the most exact-span pairs, then (findings only) the
  most agreeing slots, then the largest total overlap. It is solved exactly
  (Hungarian algorithm) on each connected group of overlapping spans, so an exact
  hit can never be lost because an overlapping gold span happened to come first.
* **Spans** are ``[start, end)``: ``[0, 5)`` and ``[5, 9)`` do not overlap. Two
  identical empty spans count as overlapping.
* **Duplicates**: every predicted item is scored; a second copy of a correct
  prediction is a false positive.
* **Zero denominators**: a ratio whose denominator is 0 is 1.0 when there was
  nothing to find and nothing was predicted (tp = fp = fn = 0), else 0.0. So empty
  gold vs. empty prediction scores P = R = F1 = 1; either side empty alone scores 0.
* **Slots** compare case-insensitively; ``comparator: null`` equals ``[]`` (both
  mean "no comparator"); ``trial`` compares the trial key (name, else first
  registry id); numbers (``ci``, ``p_value``, ``timepoint``) compare to 1e-6.
* **Trials** are compared as sets of pairs per document, so a trial listed twice
  adds nothing.
* **Documents** pair by ``doc_id``. A gold document with no prediction counts all
  its gold items as misses; a prediction with no gold document is listed in
  ``unmatched_predictions`` and not scored.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from pathlib import Path
from typing import Callable, Iterable, Literal, Optional, Sequence

from pydantic import BaseModel, ConfigDict, Field, ValidationError, computed_field

from .errors import AlkextractError, InputError
from .models import Entity, Finding, Result, Trial

TOL = 1e-6
SLOTS: tuple[str, ...] = ("intervention", "comparator", "trial", "population", "line", "ci", "p_value", "timepoint")
#: The slots a *complete* finding match must get right (SPEC.md §6).
COMPLETE_SLOTS: tuple[str, ...] = ("intervention", "comparator", "trial", "population")
#: How much source text to show on each side of an error when no sentence end is near.
CONTEXT_CHARS = 160


class EvaluationError(AlkextractError):
    """The gold or prediction folder cannot be evaluated (the message says why)."""


# --------------------------------------------------------------------------- report models


class _Model(BaseModel):
    # "ignore", not "forbid": a dumped report carries computed fields (precision, …)
    # and must load back with model_validate_json.
    model_config = ConfigDict(extra="ignore")


def ratio(num: int, den: int, *, empty: float) -> float:
    return num / den if den else empty


class Counts(_Model):
    """tp/fp/fn and the precision, recall and F1 they give."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def _empty(self) -> float:
        # Nothing to find and nothing found is perfect agreement; anything else with a
        # zero denominator is a failure (see module docstring).
        return 1.0 if self.tp == self.fp == self.fn == 0 else 0.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> float:
        return ratio(self.tp, self.tp + self.fp, empty=self._empty)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float:
        return ratio(self.tp, self.tp + self.fn, empty=self._empty)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def f1(self) -> float:
        return ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn, empty=self._empty)

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(tp=self.tp + other.tp, fp=self.fp + other.fp, fn=self.fn + other.fn)


class SlotAccuracy(_Model):
    correct: int = 0
    total: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def accuracy(self) -> Optional[float]:
        """None when no pair was core-matched (nothing to judge the slot on)."""
        return self.correct / self.total if self.total else None

    def __add__(self, other: "SlotAccuracy") -> "SlotAccuracy":
        return SlotAccuracy(correct=self.correct + other.correct, total=self.total + other.total)


class LabelScore(_Model):
    strict: Counts = Field(default_factory=Counts)
    lenient: Counts = Field(default_factory=Counts)

    def __add__(self, other: "LabelScore") -> "LabelScore":
        return LabelScore(strict=self.strict + other.strict, lenient=self.lenient + other.lenient)


class EntityScores(_Model):
    #: Only labels present in gold or prediction appear.
    per_label: dict[str, LabelScore] = Field(default_factory=dict)
    micro: LabelScore = Field(default_factory=LabelScore)


class FindingScores(_Model):
    core: Counts = Field(default_factory=Counts)
    value: Counts = Field(default_factory=Counts)
    complete: Counts = Field(default_factory=Counts)
    slots: dict[str, SlotAccuracy] = Field(default_factory=lambda: {s: SlotAccuracy() for s in SLOTS})


class TrialScores(_Model):
    registry: Counts = Field(default_factory=Counts)
    intervention: Counts = Field(default_factory=Counts)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def pairs(self) -> Counts:
        """Both kinds of pair together (the headline trial score)."""
        return self.registry + self.intervention


class Scores(_Model):
    entities: EntityScores = Field(default_factory=EntityScores)
    findings: FindingScores = Field(default_factory=FindingScores)
    trials: TrialScores = Field(default_factory=TrialScores)


class DocumentScores(Scores):
    doc_id: str
    #: False when the gold document had no prediction (all its gold counted as misses).
    predicted: bool = True
    gold_counts: dict[str, int] = Field(default_factory=dict)
    pred_counts: dict[str, int] = Field(default_factory=dict)


ErrorKind = Literal["entity", "finding", "trial-registry", "trial-intervention"]
ErrorType = Literal["miss", "false_positive", "boundary", "slot"]


class Context(_Model):
    """The text around an error: ``before`` + ``text`` + ``after`` is a stretch of source."""

    before: str = ""
    text: str = ""
    after: str = ""


class ErrorItem(_Model):
    doc_id: str
    kind: ErrorKind
    #: miss = gold not found; false_positive = prediction with no gold; boundary = an
    #: entity found with the wrong extent (lenient hit, strict miss); slot = a finding
    #: core-matched with some slot wrong.
    type: ErrorType
    #: entity label, endpoint code, or trial key
    label: str
    text: str
    start: Optional[int] = None
    end: Optional[int] = None
    context: Context = Field(default_factory=Context)
    #: what differs (boundary: the other span; slot: "slot: gold … / predicted …")
    detail: Optional[str] = None


class EvalReport(_Model):
    gold_dir: Optional[str] = None
    pred_dir: Optional[str] = None
    documents: list[DocumentScores] = Field(default_factory=list)
    #: micro-average over the corpus: counts summed over documents
    corpus: Scores = Field(default_factory=Scores)
    errors: list[ErrorItem] = Field(default_factory=list)
    unmatched_predictions: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    def headline(self) -> dict[str, object]:
        """The few numbers a quality-floor test or a README table needs."""
        c = self.corpus
        return {
            "entity_lenient_f1": c.entities.micro.lenient.f1,
            "entity_strict_f1": c.entities.micro.strict.f1,
            "entity_lenient_f1_per_label": {k: v.lenient.f1 for k, v in c.entities.per_label.items()},
            "findings_core_f1": c.findings.core.f1,
            "findings_value_f1": c.findings.value.f1,
            "findings_complete_f1": c.findings.complete.f1,
            "trial_registry_f1": c.trials.registry.f1,
            "trial_intervention_f1": c.trials.intervention.f1,
            "trial_pair_f1": c.trials.pairs.f1,
        }


# --------------------------------------------------------------------------- matching


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Exclusive ends: [0, 5) and [5, 9) do not overlap; identical empty spans do."""
    return (a[0] < b[1] and b[0] < a[1]) or a == b


def overlap_len(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _hungarian_max(weights: list[list[int]]) -> list[tuple[int, int]]:
    """Max-weight assignment on an n×m matrix of non-negative ints (0 = no edge).

    The classic O(n²m) potentials algorithm on costs ``-w`` (rows ≤ columns after
    transposing); ints keep it exact however large the lexicographic weights grow.
    """
    n, m = len(weights), len(weights[0]) if weights else 0
    if n == 0 or m == 0:
        return []
    transpose = n > m
    w = [list(col) for col in zip(*weights)] if transpose else weights
    n, m = len(w), len(w[0])
    inf = float("inf")
    u, v = [0] * (n + 1), [0] * (m + 1)
    p, way = [0] * (m + 1), [0] * (m + 1)
    for i in range(1, n + 1):
        p[0], j0 = i, 0
        minv = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], inf, 0
            for j in range(1, m + 1):
                if not used[j]:
                    cur = -w[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    pairs = [(p[j] - 1, j - 1) for j in range(1, m + 1) if p[j] and w[p[j] - 1][j - 1] > 0]
    return [(b, a) for a, b in pairs] if transpose else pairs


def match(
    gold: Sequence[tuple[int, int]],
    pred: Sequence[tuple[int, int]],
    allowed: Callable[[int, int], bool] = lambda g, p: True,
    bonus: Callable[[int, int], int] = lambda g, p: 0,
    bonus_max: int = 0,
) -> list[tuple[int, int]]:
    """A one-to-one matching of gold to predicted spans, as (gold index, pred index).

    A pair is possible when the spans overlap and ``allowed(g, p)``. Among all
    matchings we take the one with the most pairs, then the most exact-span pairs,
    then the largest total ``bonus`` (0..bonus_max per pair), then the largest total
    overlap. Solved exactly on each connected group of overlapping spans.
    """
    edges: dict[int, list[int]] = defaultdict(list)
    # Sweep both sides by start so only spans that can overlap are compared.
    items = sorted([(s, 0, i) for i, s in enumerate(gold)] + [(s, 1, i) for i, s in enumerate(pred)])
    open_gold: list[int] = []
    open_pred: list[int] = []
    for span, side, i in items:
        if side == 0:
            open_pred = [j for j in open_pred if pred[j][1] > span[0] or pred[j] == span]
            for j in open_pred:
                if overlaps(span, pred[j]) and allowed(i, j):
                    edges[i].append(j)
            open_gold.append(i)
        else:
            open_gold = [g for g in open_gold if gold[g][1] > span[0] or gold[g] == span]
            for g in open_gold:
                if overlaps(gold[g], span) and allowed(g, i):
                    edges[g].append(i)
            open_pred.append(i)
    if not edges:
        return []
    # Connected components of the gold–pred overlap graph (union–find on nodes).
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(x: tuple[int, int]) -> tuple[int, int]:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for g, js in edges.items():
        for j in js:
            parent[find((0, g))] = find((1, j))
    groups: dict[tuple[int, int], tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for node in list(parent):
        side, i = node
        groups[find(node)][side].append(i)
    result: list[tuple[int, int]] = []
    for gs, ps in groups.values():
        if len(gs) == 1 and len(ps) == 1:
            result.append((gs[0], ps[0]))
            continue
        k = min(len(gs), len(ps))
        max_len = max(b - a for a, b in [gold[g] for g in gs] + [pred[p] for p in ps]) + 1
        # Lexicographic weights: each level outweighs everything below it, summed over k pairs.
        w_overlap = 1
        w_bonus = w_overlap * (k * max_len + 1)
        w_exact = w_bonus * (k * bonus_max + 1)
        w_pair = w_exact * (k + 1)
        pidx = {p: c for c, p in enumerate(ps)}
        matrix = [[0] * len(ps) for _ in gs]
        for r, g in enumerate(gs):
            for p in edges.get(g, ()):
                matrix[r][pidx[p]] = (
                    w_pair
                    + w_exact * (gold[g] == pred[p])
                    + w_bonus * bonus(g, p)
                    + w_overlap * overlap_len(gold[g], pred[p])
                )
        result.extend((gs[r], ps[c]) for r, c in _hungarian_max(matrix))
    return sorted(result)


# --------------------------------------------------------------------------- comparing values


def num_eq(a: Optional[float], b: Optional[float]) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=TOL)


def _fold(items: Optional[Iterable[str]]) -> frozenset[str]:
    return frozenset(s.strip().casefold() for s in (items or ()))


def _unit(u: Optional[str]) -> Optional[str]:
    # "week" and "weeks" are the same timepoint unit.
    return u.strip().casefold().removesuffix("s") if u else None


def finding_trial_key(f: Finding) -> Optional[str]:
    if f.trial:
        return f.trial.strip().casefold()
    return f.registry_ids[0].strip().casefold().replace(" ", "") if f.registry_ids else None


def slot_equal(slot: str, g: Finding, p: Finding) -> bool:
    if slot in ("intervention", "comparator", "population"):
        # comparator null and [] both mean "no comparator".
        return _fold(getattr(g, slot)) == _fold(getattr(p, slot))
    if slot == "trial":
        return finding_trial_key(g) == finding_trial_key(p)
    if slot == "line":
        return g.line == p.line
    if slot == "ci":
        if g.ci is None or p.ci is None:
            return g.ci is None and p.ci is None
        return num_eq(g.ci.low, p.ci.low) and num_eq(g.ci.high, p.ci.high) and num_eq(g.ci.level, p.ci.level)
    if slot == "p_value":
        if g.p_value is None or p.p_value is None:
            return g.p_value is None and p.p_value is None
        return num_eq(g.p_value.value, p.p_value.value) and g.p_value.qualifier == p.p_value.qualifier
    if slot == "timepoint":
        if g.timepoint is None or p.timepoint is None:
            return g.timepoint is None and p.timepoint is None
        return num_eq(g.timepoint.value, p.timepoint.value) and _unit(g.timepoint.unit) == _unit(p.timepoint.unit)
    raise ValueError(f"unknown slot {slot!r}")


def value_equal(g: Finding, p: Finding) -> bool:
    return num_eq(g.value.low, p.value.low) and num_eq(g.value.high, p.value.high)


def _slot_text(slot: str, f: Finding) -> str:
    if slot == "trial":
        return str(f.trial or (f.registry_ids[0] if f.registry_ids else None))
    v = getattr(f, slot)
    if isinstance(v, BaseModel):
        return v.model_dump_json(exclude_defaults=False)
    return str(v)


def _value_text(f: Finding) -> str:
    v = f.value
    num = "NR" if v.not_reached else (f"{v.low:g}" if v.low is not None else "?")
    if v.high is not None:
        num += f"–{v.high:g}"
    return num


# --------------------------------------------------------------------------- source context


class SourceLoader:
    """Finds and caches the source text a result's offsets index, for error context."""

    def __init__(self, roots: Sequence[Path] = ()) -> None:
        self.roots = [Path(r) for r in roots]
        self._cache: dict[str, Optional[str]] = {}

    def text_for(self, result: Optional[Result]) -> Optional[str]:
        if result is None:
            return None
        if result.text is not None:
            return result.text
        key = result.source.path
        if key not in self._cache:
            self._cache[key] = self._load(key)
        return self._cache[key]

    def _load(self, path: str) -> Optional[str]:
        p = Path(path)
        candidates = [p] if p.is_absolute() else [r / p for r in self.roots] + [Path.cwd() / p]
        for c in candidates:
            if c.is_file():
                if c.suffix.lower() == ".pdf":
                    # A PDF's offsets index the extractor's own text of it.
                    from .ingest import read_document

                    try:
                        return read_document(c).text
                    except InputError:
                        return None
                with open(c, encoding="utf-8", errors="replace", newline="") as fh:
                    return fh.read()
        return None


#: A sentence ends at . ? or ! (maybe followed by a closing quote or bracket) before
#: whitespace, or at a blank line. "0.18" does not end one; "vs. " does, which only
#: shortens the context shown.
_END_BEFORE = re.compile(r"[.!?][\"')\]]*\s+|\n[ \t]*\r?\n\s*")
_END_AFTER = re.compile(r"[.!?][\"')\]]*(?=\s|$)|(?=\r?\n[ \t]*\r?\n)")


def context_around(text: Optional[str], start: int, end: int, fallback: str = "") -> Context:
    """The sentence around ``[start, end)`` (cut at CONTEXT_CHARS on each side)."""
    if text is None or not (0 <= start <= end <= len(text)):
        return Context(text=fallback)
    lo = max(0, start - CONTEXT_CHARS)
    left = text[lo:start]
    ends = list(_END_BEFORE.finditer(left))
    before = left[ends[-1].end() :] if ends else ("…" if lo else "") + left.lstrip()
    hi = min(len(text), end + CONTEXT_CHARS)
    right = text[end:hi]
    stop = _END_AFTER.search(right)
    after = right[: stop.end()] if stop else right.rstrip() + ("…" if hi < len(text) else "")
    return Context(before=before, text=text[start:end], after=after)


def finding_context(text: Optional[str], f: Finding) -> Context:
    """The finding's evidence sentence with its value span as ``text``."""
    ev = f.evidence
    s, e = f.span
    evidence = text[ev.start : ev.end] if text is not None and 0 <= ev.start <= ev.end <= len(text) else ev.text
    if ev.start <= s <= e <= ev.end and len(evidence) == ev.end - ev.start:
        return Context(before=evidence[: s - ev.start], text=evidence[s - ev.start : e - ev.start], after=evidence[e - ev.start :])
    if text is not None:
        return context_around(text, s, e)
    return Context(text=evidence)


# --------------------------------------------------------------------------- scoring one document


def _span(e: Entity) -> tuple[int, int]:
    return (e.start, e.end)


def _fspan(f: Finding) -> tuple[int, int]:
    return (f.span[0], f.span[1])


def score_entities(
    gold: Sequence[Entity], pred: Sequence[Entity], doc_id: str = "", gold_text: Optional[str] = None, pred_text: Optional[str] = None
) -> tuple[EntityScores, list[ErrorItem]]:
    """Strict and lenient entity scores per label, plus the misses, false positives and boundary errors."""
    by_label_g: dict[str, list[int]] = defaultdict(list)
    by_label_p: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(gold):
        by_label_g[e.label].append(i)
    for i, e in enumerate(pred):
        by_label_p[e.label].append(i)
    scores = EntityScores()
    errors: list[ErrorItem] = []
    for label in sorted(set(by_label_g) | set(by_label_p)):
        gi, pi = by_label_g[label], by_label_p[label]
        gs, ps = [_span(gold[i]) for i in gi], [_span(pred[i]) for i in pi]
        # Strict: exact spans, each used once, so duplicates stay false positives.
        remaining: dict[tuple[int, int], int] = defaultdict(int)
        for s in gs:
            remaining[s] += 1
        strict_tp = 0
        for s in ps:
            if remaining[s] > 0:
                remaining[s] -= 1
                strict_tp += 1
        strict = Counts(tp=strict_tp, fp=len(ps) - strict_tp, fn=len(gs) - strict_tp)
        pairs = match(gs, ps)
        lenient = Counts(tp=len(pairs), fp=len(ps) - len(pairs), fn=len(gs) - len(pairs))
        scores.per_label[label] = LabelScore(strict=strict, lenient=lenient)
        scores.micro = scores.micro + scores.per_label[label]
        matched_g = {g for g, _ in pairs}
        matched_p = {p for _, p in pairs}
        for k, i in enumerate(gi):
            if k not in matched_g:
                e = gold[i]
                errors.append(ErrorItem(doc_id=doc_id, kind="entity", type="miss", label=label, text=e.text, start=e.start, end=e.end, context=context_around(gold_text, e.start, e.end, e.text)))
        for k, i in enumerate(pi):
            if k not in matched_p:
                e = pred[i]
                errors.append(ErrorItem(doc_id=doc_id, kind="entity", type="false_positive", label=label, text=e.text, start=e.start, end=e.end, context=context_around(pred_text, e.start, e.end, e.text)))
        for g, p in pairs:
            ge, pe = gold[gi[g]], pred[pi[p]]
            if _span(ge) != _span(pe):
                errors.append(ErrorItem(
                    doc_id=doc_id, kind="entity", type="boundary", label=label, text=pe.text, start=pe.start, end=pe.end,
                    context=context_around(pred_text, pe.start, pe.end, pe.text),
                    detail=f"gold [{ge.start}, {ge.end}) {ge.text!r}, predicted [{pe.start}, {pe.end}) {pe.text!r}",
                ))
    return scores, errors


def _finding_error(doc_id: str, f: Finding, type_: ErrorType, text: Optional[str], detail: Optional[str] = None) -> ErrorItem:
    ctx = finding_context(text, f)
    label = f"OTHER ({f.endpoint_text})" if f.endpoint == "OTHER" and f.endpoint_text else f.endpoint
    value = f"value {_value_text(f)} ({f.measure})"
    return ErrorItem(
        doc_id=doc_id, kind="finding", type=type_, label=label, text=ctx.text or _value_text(f),
        start=f.span[0], end=f.span[1], context=ctx, detail=f"{value}; {detail}" if detail else value,
    )


def score_findings(
    gold: Sequence[Finding], pred: Sequence[Finding], doc_id: str = "", gold_text: Optional[str] = None, pred_text: Optional[str] = None
) -> tuple[FindingScores, list[ErrorItem]]:
    """Core, value and complete P/R/F1 and per-slot accuracy over core-matched pairs."""
    gs, ps = [_fspan(f) for f in gold], [_fspan(f) for f in pred]
    n_complete = len(COMPLETE_SLOTS)

    def agreeing(g: int, p: int) -> int:
        # Among equally good pairings, pair each gold with the prediction that gets most slots right.
        return sum(slot_equal(s, gold[g], pred[p]) for s in COMPLETE_SLOTS)

    core_pairs = match(
        gs, ps, allowed=lambda g, p: gold[g].endpoint == pred[p].endpoint and value_equal(gold[g], pred[p]),
        bonus=agreeing, bonus_max=n_complete,
    )
    value_pairs = match(gs, ps, allowed=lambda g, p: value_equal(gold[g], pred[p]))
    scores = FindingScores(
        core=Counts(tp=len(core_pairs), fp=len(ps) - len(core_pairs), fn=len(gs) - len(core_pairs)),
        value=Counts(tp=len(value_pairs), fp=len(ps) - len(value_pairs), fn=len(gs) - len(value_pairs)),
    )
    complete = 0
    errors: list[ErrorItem] = []
    for g, p in core_pairs:
        wrong = []
        for s in SLOTS:
            ok = slot_equal(s, gold[g], pred[p])
            scores.slots[s] = scores.slots[s] + SlotAccuracy(correct=int(ok), total=1)
            if not ok:
                wrong.append(s)
        if not any(s in COMPLETE_SLOTS for s in wrong):
            complete += 1
        if wrong:
            detail = "; ".join(f"{s}: gold {_slot_text(s, gold[g])} / predicted {_slot_text(s, pred[p])}" for s in wrong)
            errors.append(_finding_error(doc_id, pred[p], "slot", pred_text, detail))
    scores.complete = Counts(tp=complete, fp=len(ps) - complete, fn=len(gs) - complete)
    matched_g = {g for g, _ in core_pairs}
    matched_p = {p for _, p in core_pairs}
    # For a miss or a false positive, say whether the value was found under another endpoint.
    value_partner_g = {g: p for g, p in value_pairs}
    value_partner_p = {p: g for g, p in value_pairs}
    for g, f in enumerate(gold):
        if g not in matched_g:
            other = value_partner_g.get(g)
            detail = f"value found with endpoint {pred[other].endpoint}" if other is not None else None
            errors.append(_finding_error(doc_id, f, "miss", gold_text, detail))
    for p, f in enumerate(pred):
        if p not in matched_p:
            other = value_partner_p.get(p)
            detail = f"gold endpoint here is {gold[other].endpoint}" if other is not None else None
            errors.append(_finding_error(doc_id, f, "false_positive", pred_text, detail))
    return scores, errors


def trial_key(t: Trial) -> Optional[str]:
    """The canonical name, else the first registry id; case-insensitive."""
    if t.name and t.name.strip():
        return t.name.strip().casefold()
    return _rid(t.registry_ids[0]) if t.registry_ids else None


def _rid(r: str) -> str:
    return "".join(r.split()).casefold()


def trial_pairs(trials: Sequence[Trial]) -> tuple[dict[tuple[str, str], Trial], dict[tuple[str, str], Trial]]:
    """(key, registry id) and (key, intervention) pairs, each mapped to the first trial giving it."""
    reg: dict[tuple[str, str], Trial] = {}
    arms: dict[tuple[str, str], Trial] = {}
    for t in trials:
        key = trial_key(t)
        if key is None:
            continue
        for r in t.registry_ids:
            reg.setdefault((key, _rid(r)), t)
        for i in t.interventions:
            arms.setdefault((key, i.strip().casefold()), t)
    return reg, arms


def score_trials(
    gold: Sequence[Trial], pred: Sequence[Trial], doc_id: str = "", gold_text: Optional[str] = None, pred_text: Optional[str] = None
) -> tuple[TrialScores, list[ErrorItem]]:
    g_reg, g_arm = trial_pairs(gold)
    p_reg, p_arm = trial_pairs(pred)
    errors: list[ErrorItem] = []

    def counts(kind: ErrorKind, g: dict[tuple[str, str], Trial], p: dict[tuple[str, str], Trial]) -> Counts:
        for type_, mine, theirs, text in (("miss", g, p, gold_text), ("false_positive", p, g, pred_text)):
            for pair in sorted(set(mine) - set(theirs)):
                t = mine[pair]
                start, end = (t.mentions[0][0], t.mentions[0][1]) if t.mentions else (None, None)
                shown = f"{t.name or pair[0]} — {pair[1]}"
                ctx = context_around(text, start, end, shown) if start is not None else Context(text=shown)
                what = "registry id" if kind == "trial-registry" else "intervention"
                errors.append(ErrorItem(
                    doc_id=doc_id, kind=kind, type=type_, label=t.name or pair[0], text=shown, start=start, end=end, context=ctx,  # type: ignore[arg-type]
                    detail=f"{what} {pair[1]} of trial {t.name or pair[0]}" + (" (first mention shown)" if start is not None else ""),
                ))
        tp = len(set(g) & set(p))
        return Counts(tp=tp, fp=len(p) - tp, fn=len(g) - tp)

    scores = TrialScores(registry=counts("trial-registry", g_reg, p_reg), intervention=counts("trial-intervention", g_arm, p_arm))
    return scores, errors


def _counts_of(r: Optional[Result]) -> dict[str, int]:
    if r is None:
        return {"entities": 0, "findings": 0, "trials": 0}
    return {"entities": len(r.entities), "findings": len(r.findings), "trials": len(r.trials)}


def score_document(gold: Result, pred: Optional[Result], loader: Optional[SourceLoader] = None) -> tuple[DocumentScores, list[ErrorItem]]:
    """Score one document; ``pred`` None means it was not predicted (everything missed)."""
    loader = loader or SourceLoader()
    gold_text = loader.text_for(gold)
    pred_text = loader.text_for(pred) if pred is not None else None
    if pred_text is None:
        pred_text = gold_text  # same document, same offsets (the sha256 check warns otherwise)
    empty = Result(doc_id=gold.doc_id, source=gold.source)
    p = pred or empty
    ents, e1 = score_entities(gold.entities, p.entities, gold.doc_id, gold_text, pred_text)
    finds, e2 = score_findings(gold.findings, p.findings, gold.doc_id, gold_text, pred_text)
    trials, e3 = score_trials(gold.trials, p.trials, gold.doc_id, gold_text, pred_text)
    doc = DocumentScores(
        doc_id=gold.doc_id, predicted=pred is not None, entities=ents, findings=finds, trials=trials,
        gold_counts=_counts_of(gold), pred_counts=_counts_of(pred),
    )
    return doc, e1 + e2 + e3


def _sum_scores(docs: Sequence[Scores]) -> Scores:
    total = Scores()
    for d in docs:
        for label, ls in d.entities.per_label.items():
            total.entities.per_label[label] = total.entities.per_label.get(label, LabelScore()) + ls
        total.entities.micro = total.entities.micro + d.entities.micro
        f, tf = d.findings, total.findings
        tf.core, tf.value, tf.complete = tf.core + f.core, tf.value + f.value, tf.complete + f.complete
        for s in SLOTS:
            tf.slots[s] = tf.slots[s] + f.slots[s]
        total.trials.registry = total.trials.registry + d.trials.registry
        total.trials.intervention = total.trials.intervention + d.trials.intervention
    total.entities.per_label = dict(sorted(total.entities.per_label.items()))
    return total


_ERROR_ORDER = {"miss": 0, "false_positive": 1, "boundary": 2, "slot": 3}
_KIND_ORDER = {"entity": 0, "finding": 1, "trial-registry": 2, "trial-intervention": 3}


def score(gold: dict[str, Result], pred: dict[str, Result], *, roots: Sequence[str | Path] = ()) -> EvalReport:
    """Compare predictions to gold, both keyed by ``doc_id``.

    ``roots`` are the folders a relative ``source.path`` is looked up in, for the
    error context (the repository root that holds ``gold/``, usually).
    """
    loader = SourceLoader([Path(r) for r in roots])
    report = EvalReport()
    for doc_id in sorted(gold):
        g = gold[doc_id]
        p = pred.get(doc_id)
        if p is None:
            report.warnings.append(f"{doc_id}: no prediction; all its gold items count as misses")
        elif g.source.sha256 and p.source.sha256 and g.source.sha256 != p.source.sha256:
            report.warnings.append(f"{doc_id}: gold and prediction were made from different source files (sha256 differs); offsets may not line up")
        doc, errs = score_document(g, p, loader)
        report.documents.append(doc)
        report.errors.extend(errs)
    report.unmatched_predictions = sorted(set(pred) - set(gold))
    report.corpus = _sum_scores(report.documents)
    report.errors.sort(key=lambda e: (_ERROR_ORDER[e.type], e.doc_id, _KIND_ORDER[e.kind], e.start if e.start is not None else -1, e.label))
    return report


# --------------------------------------------------------------------------- folders


def load_results(directory: str | Path) -> dict[str, Result]:
    """Every ``*.json`` result in ``directory`` (not its subfolders), keyed by ``doc_id``."""
    d = Path(directory)
    if not d.is_dir():
        raise EvaluationError(f"{d}: no such folder" if not d.exists() else f"{d}: not a folder")
    out: dict[str, Result] = {}
    where: dict[str, Path] = {}
    for path in sorted(d.glob("*.json")):
        try:
            result = Result.model_validate_json(path.read_bytes())
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(x) for x in first["loc"]) or "(top level)"
            raise EvaluationError(f"{path}: not a valid result: {loc}: {first['msg']}") from None
        except OSError as exc:
            raise EvaluationError(f"{path}: cannot read: {exc.strerror or exc}") from None
        if result.doc_id in out:
            raise EvaluationError(f"{path}: doc_id {result.doc_id!r} is also in {where[result.doc_id]}")
        out[result.doc_id] = result
        where[result.doc_id] = path
    return out


def _default_extract(path: Path, doc_id: str) -> Result:
    from .api import extract

    # With the text, error context shows exactly what the predicted offsets index (PDFs included).
    return extract(path, doc_id=doc_id, include_text=True)


def resolve_source(result: Result, roots: Sequence[Path]) -> Path:
    p = Path(result.source.path)
    if p.is_absolute():
        candidates = [p]
    else:
        candidates = [r / p for r in roots]
    for c in candidates:
        if c.is_file():
            return c
    raise EvaluationError(f"{result.doc_id}: source {result.source.path} not found (looked in {', '.join(str(c) for c in candidates)})")


def evaluate_dir(
    gold_dir: str | Path,
    pred_dir: str | Path | None = None,
    *,
    extract: Callable[[Path, str], Result] | None = None,
) -> EvalReport:
    """Score ``pred_dir`` against ``gold_dir``; with no ``pred_dir``, extract each gold document's source.

    Source paths in gold files are relative to the gold folder's parent (the repository
    root). ``extract(path, doc_id)`` defaults to :func:`alkextract.extract`.
    """
    gold_dir = Path(gold_dir)
    gold = load_results(gold_dir)
    if not gold:
        raise EvaluationError(f"{gold_dir}: no gold files (*.json)")
    roots = [gold_dir.resolve().parent]
    if pred_dir is not None:
        pred = load_results(pred_dir)
        if not pred:
            raise EvaluationError(f"{pred_dir}: no predicted results (*.json); run `alkextract batch … -o {pred_dir}` first")
        roots.append(Path(pred_dir).resolve().parent)
    else:
        run = extract or _default_extract
        pred = {}
        for doc_id, g in gold.items():
            path = resolve_source(g, roots)
            try:
                pred[doc_id] = run(path, doc_id)
            except InputError as exc:
                raise EvaluationError(f"{doc_id}: cannot extract {path}: {exc}") from None
    report = score(gold, pred, roots=roots)
    report.gold_dir = str(gold_dir)
    report.pred_dir = str(pred_dir) if pred_dir is not None else None
    return report
