"""Trial records (SPEC.md §5): names, registry ids, arms, doses, line and phase.

Ties come from prose ("the ALEX trial (ClinicalTrials.gov identifier: NCT02075840)",
"the ASCEND-4 trial (NCT01828099), which evaluated ceritinib in comparison with
chemotherapy", "entrectinib (NCT03994796, NCT02568267)") and from table rows, where a
row ties its drug, dose, trial, registry id and line of treatment. The arms of the
findings assigned to a trial are added to it afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Sequence

from .matchers import ARM_LABELS, Mention
from .segment import split_outside_brackets

if TYPE_CHECKING:
    from .assemble import Sent

_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4", "I/II": "1/2", "II/III": "2/3", "Ib": "1b", "IIa": "2a", "IIb": "2b"}
_PHASE = re.compile(r"\b[Pp]hase\s*(I/II|II/III|IV|III|II|I|[1-4](?:/[1-4])?)([ab])?\b")
# A relative clause that tells what a trial tested: "which evaluated X", "evaluating X".
_RELATIVE = re.compile(r"^\s*(?:which|that|evaluating|comparing|testing|assessing|of|with)\b", re.I)


@dataclass
class TrialRecord:
    name: str | None = None
    registry_ids: list[str] = field(default_factory=list)
    interventions: list[str] = field(default_factory=list)
    doses: list[dict] = field(default_factory=list)
    line: str | None = None
    phase: str | None = None
    mentions: list[tuple[int, int]] = field(default_factory=list)  # repaired offsets

    @property
    def key(self) -> str:
        return (self.name or (self.registry_ids[0] if self.registry_ids else "")).lower()

    def add_arm(self, arm: str) -> None:
        if arm and arm not in self.interventions:
            self.interventions.append(arm)

    def add_id(self, rid: str) -> None:
        if rid not in self.registry_ids:
            self.registry_ids.append(rid)


def _phase(text: str) -> str | None:
    m = _PHASE.search(text)
    if not m:
        return None
    p = _ROMAN.get(m.group(1), m.group(1))
    return p + (m.group(2) or "")


class TrialBuilder:
    """Collects trial records over a document."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.records: list[TrialRecord] = []

    def find(self, name: str | None, rid: str | None) -> TrialRecord | None:
        for r in self.records:
            if name is not None and r.name is not None and r.name.lower() == name.lower():
                return r
            if rid is not None and rid in r.registry_ids:
                return r
        return None

    def _get(self, name: str | None, rid: str | None) -> TrialRecord:
        rec = self.find(name, None) if name is not None else None
        by_id = self.find(None, rid) if rid is not None else None
        if rec is not None and by_id is not None and rec is not by_id:
            if by_id.name is None:  # an id-only record now has a name: merge
                self.merge(rec, by_id)
            return rec
        rec = rec or by_id
        if rec is None:
            rec = TrialRecord(name=name)
            self.records.append(rec)
        if rec.name is None and name is not None:
            rec.name = name
        if rid is not None:
            rec.add_id(rid)
        return rec

    def merge(self, into: TrialRecord, other: TrialRecord) -> None:
        for rid in other.registry_ids:
            into.add_id(rid)
        for a in other.interventions:
            into.add_arm(a)
        into.doses.extend(d for d in other.doses if d not in into.doses)
        into.mentions.extend(other.mentions)
        into.line = into.line or other.line
        into.phase = into.phase or other.phase
        self.records.remove(other)

    # -- prose ------------------------------------------------------------------

    def add_sentence(self, start: int, end: int, entities: Sequence[Mention], cues: Sequence[Mention]) -> None:
        text = self.text
        trials = [e for e in entities if e.label == "TRIAL"]
        ids = [e for e in entities if e.label == "TRIAL_ID"]
        if not trials and not ids:
            return
        arms = [e for e in entities if e.label in ARM_LABELS]
        blocked = [c for c in cues if c.label == "POPULATION"]
        arms = [a for a in arms if not any(c.start <= a.start and a.end <= c.end for c in blocked)]
        segs = split_outside_brackets(text, start, end, ",;")
        used_ids: set[int] = set()

        def seg_index(pos: int) -> int:
            for k, (a, b) in enumerate(segs):
                if a <= pos < b:
                    return k
            return len(segs) - 1

        def seg_arms(k: int) -> list[Mention]:
            a, b = segs[k]
            found = [m for m in arms if a <= m.start < b]
            if k + 1 < len(segs) and _RELATIVE.match(text[segs[k + 1][0]:segs[k + 1][1]]):
                a2, b2 = segs[k + 1]
                found += [m for m in arms if a2 <= m.start < b2]
            return found

        for t in trials:
            # ids right after the name: "ALEX trial (ClinicalTrials.gov identifier: NCT02075840)"
            tied = [i for i in ids if i.start > t.end and i.start - t.end < 80
                    and not any(o.start > t.end and o.start < i.start for o in trials)
                    and "(" in text[t.end:i.start]]
            rec = self._get(t.norm["name"], tied[0].norm["id"] if tied else None)
            rec.mentions.append((t.start, t.end))
            for i in tied:
                rec.add_id(i.norm["id"])
                rec.mentions.append((i.start, i.end))
                used_ids.add(id(i))
            k = seg_index(t.start)
            for a in seg_arms(k):
                rec.add_arm(a.key)
            local = text[max(start, t.start - 80): min(end, t.end + 40)]
            rec.phase = rec.phase or _phase(local)
            lines = [c.norm["line"] for c in cues if c.label == "LINE" and segs[k][0] <= c.start < segs[k][1]]
            if lines and rec.line is None:
                rec.line = lines[0]
        prev_id: Mention | None = None
        for i in ids:
            if id(i) in used_ids:
                continue
            rid = i.norm["id"]
            # "NL6518/NTR6707": one trial in two registries
            if prev_id is not None and text[prev_id.end:i.start] == "/":
                rec = self._get(None, prev_id.norm["id"])
                rec.add_id(rid)
            else:
                rec = self._get(None, rid)
            prev_id = i
            rec.mentions.append((i.start, i.end))
            # "entrectinib (NCT03994796, NCT02568267)": the arm just before the bracket,
            # with the arm coordinated with it ("upfront radiotherapy and ALKi (e.g., NCT...)")
            before = [a for a in arms if a.end <= i.start and re.fullmatch(r"\s*\((?:[^()]*?,\s*)?", text[a.end:i.start])]
            if before:
                k = arms.index(before[-1])
                if k > 0 and re.fullmatch(r"\s+(?:and|or|plus|with)\s+", text[arms[k - 1].end:arms[k].start]):
                    rec.add_arm(arms[k - 1].key)
                rec.add_arm(before[-1].key)
                continue
            # "the addition of bevacizumab in the NCT02521051 trial", "a new lorlatinib trial ... (NCT02927340)"
            k = seg_index(i.start)
            a, b = segs[k]
            local = [m for m in arms if a <= m.start < b]
            if local and len({m.key for m in local}) <= 2:
                for m in local:
                    rec.add_arm(m.key)
            rec.phase = rec.phase or _phase(text[a:b])

    # -- tables -----------------------------------------------------------------

    def add_table_row(self, entities: Sequence[Mention], cues: Sequence[Mention]) -> None:
        """One table row: its drug(s), dose, trial name, registry ids and line are tied."""
        trials = [e for e in entities if e.label == "TRIAL"]
        ids = [e for e in entities if e.label == "TRIAL_ID"]
        if not trials and not ids:
            return
        name = trials[0].norm["name"] if trials else None
        rec = self._get(name, ids[0].norm["id"] if ids else None)
        for t in trials[:1]:
            rec.mentions.append((t.start, t.end))
        for i in ids:
            rec.add_id(i.norm["id"])
            rec.mentions.append((i.start, i.end))
        # drugs named in a population cell ("post-crizotinib", "crizotinib-naïve") are
        # eligibility, not arms
        blocked = [c for c in cues if c.label == "POPULATION"]
        drugs = [e for e in entities if e.label == "DRUG"
                 and not any(c.start <= e.start and e.end <= c.end for c in blocked)]
        for d in drugs:
            rec.add_arm(d.key)
        for dose in (e for e in entities if e.label == "DOSE"):
            drug = drugs[0].key if drugs else None
            if drug is None:
                continue
            entry = {"drug": drug, "amount": dose.norm.get("amount"), "unit": dose.norm.get("unit"),
                     "frequency": dose.norm.get("frequency")}
            if entry not in rec.doses:
                rec.doses.append(entry)
        lines = [c.norm["line"] for c in cues if c.label == "LINE"]
        tags = [c.norm["tag"] for c in blocked]
        # "Crizotinib-naïve/post-crizotinib": a row open to several lines has none
        mixed = any(t.endswith("-naive") for t in tags) and any(t.startswith("post-") for t in tags)
        if lines and rec.line is None and not mixed:
            rec.line = lines[0]

    def add_finding_arms(self, trial: str | None, arms: Iterable[str]) -> None:
        if trial is None:
            return
        rec = self.find(trial, trial)
        if rec is not None:
            for a in arms:
                rec.add_arm(a)

    # -- look-ups for the assembler ---------------------------------------------

    def name_of_id(self, rid: str) -> str | None:
        rec = self.find(None, rid)
        return rec.name if rec else None

    def line_of(self, trial: str) -> str | None:
        rec = self.find(trial, trial)
        return rec.line if rec else None

    def arms_of(self, trial: str) -> list[str]:
        rec = self.find(trial, trial)
        return list(rec.interventions) if rec else []

    def ids_of(self, trial: str) -> list[str]:
        rec = self.find(trial, trial)
        return list(rec.registry_ids) if rec else []


def table_rows(lines: Sequence[tuple[int, int]], entities: Sequence[Mention]) -> list[tuple[int, int]]:
    """Group the lines of a flattened table into rows.

    Text extracted from a PDF table puts each cell (or each line of a cell) on its own
    line. A row starts at a line that holds only a drug name (the first column of a
    trials table), and runs to the next such line.
    """
    starts = []
    for k, (a, b) in enumerate(lines):
        inside = [e for e in entities if a <= e.start and e.end <= b]
        if len(inside) == 1 and inside[0].label in ("DRUG", "DRUG_CLASS") and inside[0].start == a and inside[0].end == b:
            starts.append(k)
    if not starts:
        return []
    rows = []
    for n, k in enumerate(starts):
        last = (starts[n + 1] - 1) if n + 1 < len(starts) else len(lines) - 1
        rows.append((lines[k][0], lines[last][1]))
    return rows


def table_trial_names(text: str, rows: Sequence[Sequence[tuple[int, int]]], entities: list[Mention]) -> list[Mention]:
    """A trials table names each trial in the cell before its registry id ("Global phase
    II" | "NCT01970865"); such a name, unknown to the patterns, becomes a TRIAL there and
    wherever else the document repeats it. ``rows`` are rows of cells (offsets)."""
    from .matchers import resolve_overlaps

    names: dict[str, str] = {}
    for cells in rows:
        if not cells:
            continue
        row_ents = [e for e in entities if cells[0][0] <= e.start and e.end <= cells[-1][1]]
        ids = [e for e in row_ents if e.label == "TRIAL_ID"]
        if not ids or any(e.label == "TRIAL" for e in row_ents):
            continue
        rid = ids[0]
        k = next((k for k, (a, b) in enumerate(cells) if a <= rid.start < b), None)
        if k is None:
            continue
        a = cells[k][0]
        if not text[a:rid.start].strip() and k > 0:
            a = cells[k - 1][0]  # the id opens its cell: the name is the cell before
        before = [e for e in row_ents if a <= e.start and e.end <= rid.start]
        if before:
            a = before[-1].end  # "Lorlatinib 100 mg QD Global phase II NCT01970865"
        cell = re.sub(r"\s+", " ", text[a:rid.start]).strip(" |")
        if cell[:1].isupper() and 1 <= len(cell.split()) <= 4 and not re.search(r"[;:,|]", cell):
            names[cell.lower()] = cell
    if not names:
        return entities
    alts = "|".join(r"\s+".join(map(re.escape, n.split())) for n in sorted(names.values(), key=len, reverse=True))
    found = [Mention("TRIAL", m.start(), m.end(), m.group(0), {"name": names[re.sub(r"\s+", " ", m.group(0)).lower()]}, "rule")
             for m in re.finditer(rf"(?<![^\W_])(?:{alts})(?![^\W_])", text, re.I)]
    return resolve_overlaps(entities + found)


_TITLE_SECTION = re.compile(r"^\s*TITLE\s*:?\s*$")
#: A registry id said of the document's own trial: "This study is registered, number
#: ISRCTN 77383050", "TRIAL REGISTRATION: NCT...", "In this randomized phase 3 trial (NCT...)".
_REGISTRATION = re.compile(
    r"\b(?:registered|registration|registry)\b|\b(?:this|the\s+present|our)\s+(?:[\w-]+\s+){0,4}(?:trial|study)\b", re.I)


def document_title(text: str, sents: list[Sent]) -> Sent | None:
    """The document's title: the sentence after a ``TITLE:`` marker, else a heading-like
    first sentence (no final period)."""
    for i, s in enumerate(sents):
        if s.kind == "section" and _TITLE_SECTION.match(text[s.start:s.end]) and i + 1 < len(sents):
            return sents[i + 1]
    if sents and sents[0].kind in ("heading", "prose") and not text[sents[0].start:sents[0].end].rstrip().endswith("."):
        return sents[0]
    return None


def document_trial(text: str, sents: list[Sent], builder: TrialBuilder, title: Sent | None) -> TrialRecord | None:
    """The trial a whole document is about: the one its title names, else the only one
    it names, when the document is abstract-sized; a registry id in a registration
    statement belongs to it."""
    names: list[str] = []
    if title is not None:
        names = [e.norm["name"] for e in title.entities if e.label == "TRIAL"]
    if not names and len(text) < 6000:
        all_names = {e.norm["name"] for s in sents for e in s.entities if e.label == "TRIAL"}
        if len(all_names) == 1:
            names = list(all_names)
    rec = builder.find(names[0], None) if names else None
    # registration statements: "This study is registered, number ISRCTN 77383050."
    for i, s in enumerate(sents):
        ids = [e for e in s.entities if e.label == "TRIAL_ID"]
        if not ids:
            continue
        prev = text[sents[i - 1].start:sents[i - 1].end] if i else ""
        if _REGISTRATION.search(text[s.start:s.end]) or _REGISTRATION.search(prev):
            for e in ids:
                other = builder.find(None, e.norm["id"])
                if rec is None and other is not None and other.name is None:
                    rec = other
                elif rec is not None and other is not None and other is not rec and other.name is None:
                    builder.merge(rec, other)
    return rec
