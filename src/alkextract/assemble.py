"""The relation assembler: entities and quantities of a sentence become findings.

One finding per reported result value (SPEC.md §4). Plain rules over the mentions of a
sentence, no trained model:

- **values** are percentages, hazard and odds ratios, other ratios and durations that
  report an outcome; cohort descriptors ("pre-treated in 89% of cases") and values with
  no outcome in sight are left out;
- **groups**: values joined by "versus", "vs", "and", "compared with" form one
  comparison ("9% versus 19%"); a p value after a group with no HR belongs to all of
  its values, a p value or CI after an HR to the HR only;
- **endpoint**: the ENDPOINT nearest before the value in its clause, else the first one
  after it in the clause, else the nearest in the sentence;
- **arms**: "respectively" maps a group onto the arms named before it, in order; "12%
  with alectinib", "erlotinib, 3.7 months" tie an arm next to its value; an HR takes
  "in favour of X", "favouring X over Y", "X versus Y"; otherwise the nearest arm before
  the value in its clause; an arm inside a population cue ("after crizotinib failure")
  is not an arm;
- **population**: the cues right after the value (up to the next value), else right
  before it;
- **trial**: a trial named in the sentence, else in the sentence before it in the same
  paragraph, else the document's own trial (a single trial named in the title).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from .matchers import ARM_LABELS, COMBO, Mention
from .quantities import VALUE_KINDS, Quantity
from .segment import split_outside_brackets

MEASURE = {"PERCENTAGE": "proportion", "HAZARD_RATIO": "hazard_ratio", "ODDS_RATIO": "odds_ratio",
           "RATIO": "ratio", "DURATION": "median"}

# Words that join two values of one comparison: "9% versus 19%", "2.8 vs. 4.2 months".
_JOIN = re.compile(
    r"^[\s,;]*(?:\[[^\]]{0,40}\]\s*)?(?:\([^)]{0,60}\)\s*)?"
    # "12.1 months (...) for axitinib and 4.9 months": a short arm phrase before the join
    r"(?:(?:for|in|with|on|under)\s+(?:the\s+)?[\w–-]+(?:\s+[\w–-]+){0,3}\s*)?"
    r"(?:,\s*)?(?:versus|vs\.?|v\.?|and|or|compared with|compared to|to)\s*(?:(?:the\s+)?[\w-]+\s*,\s*)?$", re.I)
# An outcome in sight: words that make a bare percentage a result.
_OUTCOME = re.compile(
    r"\b(?:incidence|prevalen|rates?\b|respon|progress|relaps|recurr|surviv|death|died|adverse|toxicit|"
    r"grade\s*[1-5≥]|events?\b|negative|positive|penetrat|concentration|control|benefit|remission|"
    r"occurr|develop|reduction|risk|discontinu|dose intensity|efficacy|failure|rash|diarrh|neutropeni|"
    r"hypertension|fatigue|nausea|alive|free of)", re.I)
# Cohort descriptors: who the patients were, not what happened to them.
_DESCRIPTOR = re.compile(
    r"\b(?:pre-?treated|previously treated|had (?:received )?prior|received prior|prior (?:radiotherapy|therapy|treatment|chemotherapy|surgery)|"
    r"were (?:male|female|men|women|smokers|never|current|former|asian|white|caucasian)|male|female|"
    r"never[- ]smokers?|smoking|ECOG|performance status|stage I|median age|aged|years old|"
    r"were included|were enrolled|were randomi[sz]ed|active BM|had (?:treated|untreated|asymptomatic|active) brain)", re.I)
# what follows a percentage when it describes the cohort: "(of patients) were/had ...", "active BM"
_PREDICATE = re.compile(r"\s*(?:\([^)]{0,30}\)\s*)?(?:of\s+(?:the\s+)?(?:patients|cases|participants)\s+)?(?:were\s+|had\s+|was\s+|received\s+)?")
#: "reduced the risk of progression by 72%", "a 45% reduction in the risk of death": OTHER
_RISK_REDUCTION = re.compile(
    r"(?:\b(?:reduc\w*|lower\w*|decreas\w*)\s+(?:the\s+)?risk\b[^.;]{0,80}?\bby\s*$)|"
    r"(?:^\s*(?:relative\s+)?(?:reduction|decrease)\s+in\s+(?:the\s+)?(?:risk|hazard))", re.I)
_BM_INCIDENCE = re.compile(
    r"\b(?:brain|CNS|cerebral|central nervous system)(?:\s*\([A-Z]+\))?\s+metastas[ie]s\s+(?:\w+\s+){0,2}(?:occur|are present|were present|develop|present|is|are|was|were)|"
    r"\b(?:incidence|prevalence|frequency)\b", re.I)
_BM_CONTEXT = re.compile(r"\b(?:brain|CNS|cerebral|central nervous system)\b[^.]{0,40}\bmetastas", re.I)
_CSF = re.compile(r"\b(?:CSF|cerebrospinal fluid)\b[^.;]{0,40}\bconcentrations?\b[^.;]{0,30}\bplasma", re.I)
_FAVOUR = re.compile(r"\b(?:in\s+favou?r\s+of|favou?ring|favou?rs?)\s*$", re.I)
_OVER = re.compile(r"\b(?:over|versus|vs\.?|v\.?|compared\s+with|compared\s+to|than|relative\s+to)\s*(?:the\s+)?$", re.I)
_ARM_AFTER = re.compile(
    # "84.0% (alectinib) vs 75.0% (crizotinib)": the arm in brackets after its value
    r"^\s*\(\s*$|"
    r"^\s*[)\],]?\s*(?:\([^()]{0,80}\)\s*)?(?:of\s+(?:patients|cases|the\s+patients|those)\s+)?(?:\w+\s+){0,1}?"
    r"(?:with|under|for|on|receiving|treated\s+with|in\s+the|in|assigned(?:\s+to)?|allocated(?:\s+to)?|randomi[sz]ed\s+to|given)\s+"
    r"(?:the\s+)?(?:first-line\s+|second-line\s+|standard\s+|conventional\s+|single-agent\s+|prior\s+)?$",
    re.I)
# "dysphonia (68%), hypertension (64%) and diarrhea (56%) for axitinib": a list of values
# that one arm phrase closes
_FOR_ARM = re.compile(r"\b(?:for|with|under|in)\s+(?:the\s+)?(?:first-line\s+)?$", re.I)
# a comparison word ends a value's own window: what follows belongs to the other side
_COMPARE = re.compile(r"\b(?:than|versus|vs\.?|compared\s+(?:with|to))\b", re.I)
# "of these patients 30% had ...": the clause speaks of the previous value's patients
_ANAPHORA = re.compile(r"^\W*(?:of|among|in)\s+(?:these|them|those)\b", re.I)
# What may stand between a comparison word and the arm it introduces:
# "than that of surgery", "than did those assigned placebo", "versus patients receiving X".
_ARM_INTRO = (
    r"(?:th(?:at|ose)\s+(?:of|in|with)\s+)?"
    r"(?:(?:did|do|were|was)\s+)?(?:(?:those|patients|the\s+patients)\s+)?"
    r"(?:(?:assigned|allocated|randomi[sz]ed)(?:\s+to)?\s+|receiving\s+|given\s+|treated\s+with\s+|on\s+|in\s+)?"
    r"(?:the\s+|with\s+)?$"
)
_COMPARISON_WORD = r"\b(?:versus|vs\.?|v\.?|than|compared\s+with|compared\s+to|in\s+comparison\s+with|over)\s+"
#: two arms of a comparison: "X versus Y", "X than Y" — or, weaker, "X or Y", "X and Y"
_VERSUS = re.compile(r"(?:^\s*(?:or|and)\s+|" + _COMPARISON_WORD + ")" + _ARM_INTRO, re.I)
#: a comparison word proper (no plain "and"/"or")
_STRONG_VERSUS = re.compile(_COMPARISON_WORD + _ARM_INTRO, re.I)
#: a title's comparison also reads "X to Y" ("Comparison of Osimertinib to Chemotherapy")
TITLE_VERSUS = re.compile(r"\b(?:versus|vs\.?|v\.?|compared\s+with|compared\s+to|to|or|and)\s+(?:the\s+)?$", re.I)
# an arm named as history, not as the arm of a value: "under prior ALKi", "after crizotinib"
_HISTORY = re.compile(r"\b(?:prior|previous|after|following|post-?)\s*$", re.I)
# an apposition: "Crizotinib, the first approved ALKi, has"; "the third-generation ALKi, lorlatinib"
_APPOSITION_AFTER = re.compile(r"^,\s+(?:the|a|an)\s+(?:[\w-]+\s+){0,3}$", re.I)
_RESPECTIVELY = re.compile(r"^[^.;]{0,60}?\brespectively\b", re.I)
_INTERACTION = re.compile(r"\binteraction\b", re.I)
_POOLED = re.compile(r"\b(?:pooled|meta-analys[ie]s|integrated\s+analys[ie]s|combined\s+analys[ie]s|across\s+(?:the\s+)?(?:trials|studies))\b", re.I)
_OF_CASES = re.compile(r"^\s*of\s+(?:all\s+)?(?:cases|patients|those)\s+(?:of|with)\b", re.I)


@dataclass
class Sent:
    """One sentence with everything found in it (offsets into the repaired text)."""

    index: int
    start: int
    end: int
    kind: str
    block: int
    entities: list[Mention] = field(default_factory=list)
    cues: list[Mention] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)  # offsets already absolute


@dataclass
class RawFinding:
    """A finding in repaired-text offsets; :mod:`alkextract.api` maps it to the source."""

    endpoint: str
    endpoint_text: str | None
    measure: str
    value: dict[str, Any]
    span: tuple[int, int]
    sentence: tuple[int, int]
    ci: dict[str, Any] | None = None
    p_value: dict[str, Any] | None = None
    intervention: list[str] = field(default_factory=list)
    comparator: list[str] | None = None
    trial: str | None = None
    registry_ids: list[str] = field(default_factory=list)
    population: list[str] = field(default_factory=list)
    line: str | None = None
    timepoint: dict[str, Any] | None = None


def _clauses(text: str, s: Sent) -> list[tuple[int, int]]:
    """Clause spans of a sentence: split at semicolons, also inside one bracket
    ("(9% versus 19% ...; 1% versus 5% ...)")."""
    return split_outside_brackets(text, s.start, s.end, ";", depth=1)


def _clause_of(clauses: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for a, b in clauses:
        if a <= pos < b:
            return a, b
    return clauses[-1]


def _is_result_value(text: str, s: Sent, q: Quantity, prev_end: int | None = None) -> bool:
    if q.kind in ("HAZARD_RATIO", "ODDS_RATIO", "RATIO"):
        return True
    sentence = text[s.start:s.end]
    if q.kind == "PERCENTAGE":
        # a descriptor says who the patients were: "crizotinib pre-treated in 89% of
        # cases", "23% had treated brain metastases", "60% active BM" — before the value,
        # or as its predicate; "38% in patients previously treated" is a subgroup instead
        before = text[max(s.start, prev_end or s.start, q.start - 70): q.start]
        after = _PREDICATE.match(text, q.end, min(s.end, q.end + 70))
        described = _DESCRIPTOR.search(before) or (after and _DESCRIPTOR.match(text, after.end(), min(s.end, after.end() + 50)))
        if described and not any(e.label == "ENDPOINT" and abs(e.start - q.start) < 60 for e in s.entities):
            return False
        return bool(_OUTCOME.search(sentence) or _BM_INCIDENCE.search(sentence)
                    or any(e.label == "ENDPOINT" for e in s.entities))
    if q.kind == "DURATION":
        # a duration is a result when an outcome is named with it; follow-up and
        # treatment durations are entities but not findings (SPEC §4)
        if q.cue == "follow-up" or re.search(r"follow[- ]?up\W+(?:\w+\W+){0,3}$", text[max(s.start, q.start - 40):q.start], re.I):
            return False
        return any(e.label == "ENDPOINT" for e in s.entities) or bool(re.search(r"\bmedian\b", sentence, re.I))
    return False


def _groups(text: str, values: list[Quantity]) -> list[list[Quantity]]:
    """Values joined by "versus"/"and"/"vs." into comparisons, in order. A pair joined
    by "vs." is closed: "4.7 vs. 4.6 m, and 8.6 vs. 9.8 m" is two comparisons."""
    groups: list[list[Quantity]] = []
    kinds: list[str] = []  # the joining word of each group
    for q in values:
        if groups:
            prev = groups[-1][-1]
            between = text[prev.end:q.start]
            same = prev.kind == q.kind or {prev.kind, q.kind} <= {"DURATION"}
            if same and prev.kind not in ("HAZARD_RATIO", "ODDS_RATIO") and len(between) <= 45 and _JOIN.match(between):
                word = "versus" if re.search(r"\b(?:versus|vs\.?|v\.?|compared)", between, re.I) else "list"
                if len(groups[-1]) == 1 or kinds[-1] == word == "list":
                    groups[-1].append(q)
                    kinds[-1] = word
                    continue
        groups.append([q])
        kinds.append("")
    return groups


class Assembler:
    """Builds findings for one document from its sentences."""

    def __init__(self, text: str, sentences: Sequence[Sent], doc_trial: str | None,
                 trial_of_id: Callable[[str], str | None], trial_line: Callable[[str], str | None],
                 trial_arms: Callable[[str], list[str]], doc_arms: Sequence[str] = (),
                 doc_line: str | None = None) -> None:
        self.doc_arms = list(doc_arms)
        self.doc_line = doc_line
        #: the title's comparison ("sunitinib versus capecitabine"), if any
        self.doc_pair: tuple[str, str] | None = None
        self.text = text
        self.sentences = list(sentences)
        self.doc_trial = doc_trial
        self.trial_of_id = trial_of_id
        self.trial_line = trial_line
        self.trial_arms = trial_arms

    # -- the pieces ---------------------------------------------------------------

    def arms(self, s: Sent) -> list[Mention]:
        """Arm mentions of a sentence, less those inside a population/line cue, those
        named as history ("under prior ALKi") and a class in apposition to a drug."""
        text = self.text
        blocked = [c for c in s.cues if c.label == "POPULATION" or c.norm.get("line") == "later-line"]
        arms = [e for e in s.entities if e.label in ARM_LABELS
                and not any(c.start <= e.start and e.end <= c.end for c in blocked)
                and not _HISTORY.search(text[max(s.start, e.start - 12):e.start])]
        out = []
        for i, a in enumerate(arms):
            if a.label == "DRUG_CLASS":
                prev = arms[i - 1] if i else None
                nxt = arms[i + 1] if i + 1 < len(arms) else None
                if prev is not None and prev.label == "DRUG" and _APPOSITION_AFTER.match(text[prev.end:a.start]):
                    continue
                if nxt is not None and nxt.label == "DRUG" and re.fullmatch(r",\s*", text[a.end:nxt.start]):
                    continue
            out.append(a)
        return _combine(text, out)

    def _endpoint(self, s: Sent, clause: tuple[int, int], q: Quantity) -> tuple[str, str | None]:
        eps = [e for e in s.entities if e.label == "ENDPOINT"]
        text = self.text
        a, b = clause
        before = [e for e in eps if a <= e.start and e.end <= q.start]
        after = [e for e in eps if e.start >= q.end and e.end <= b]
        # a named special endpoint wins over a generic one
        window = text[max(s.start, q.start - 120): q.start]
        if q.kind == "PERCENTAGE" and _CSF.search(text[max(s.start, q.start - 60): min(s.end, q.end + 30)]):
            return "CSF-PENETRATION", None
        if q.kind == "PERCENTAGE" and (_RISK_REDUCTION.search(text[max(s.start, q.start - 120):q.start])
                                       or _RISK_REDUCTION.match(text[q.end:min(s.end, q.end + 60)])):
            m = re.search(r"risk\s+of\s+([^,;()]{3,60}?)(?:\s+by\b|\s+versus\b|\s+vs\b|[,;()]|$)", text[max(s.start, q.start - 120):min(s.end, q.end + 80)])
            return "OTHER", ("reduction in the risk of " + m.group(1).strip()) if m else "risk reduction"
        # "in 45% of cases of isolated CNS progression": a population, not the outcome
        after = [e for e in after if not _OF_CASES.match(text[q.end:e.start])]
        if q.kind == "HAZARD_RATIO":
            # a hazard ratio measures a time to an event ("overall survival seemed to be
            # worse in the group that did not develop first-cycle rash (1·30, ...)")
            timed = [e for e in eps if e.norm.get("code") not in (None, "OTHER") and e.end <= q.start]
            if timed and (not before or before[-1].norm.get("code") == "OTHER"):
                before = [timed[-1]]
        if before:
            e = before[-1]
        elif after:
            e = after[0]
        else:
            before_s = [e for e in eps if e.end <= q.start]
            e = before_s[-1] if before_s else None
        if e is not None:
            e = self._long_form(s, e)
        if e is None or (e.norm.get("code") == "OTHER" and q.kind == "PERCENTAGE"):
            if q.kind == "PERCENTAGE" and _BM_INCIDENCE.search(window) and (
                    _BM_CONTEXT.search(text[s.start:s.end]) or self._bm_context_before(s)):
                return "BM-INCIDENCE", None
            if e is None:
                return "OTHER", self._other_text(s, clause, q)
        return e.norm.get("code", "OTHER"), e.text

    def _long_form(self, s: Sent, e: Mention) -> Mention:
        """"intracranial overall response rates (ORR)": a value after the short form
        takes the code of the long form it abbreviates here."""
        if self.text[max(s.start, e.start - 2):e.start].endswith("(") and self.text[e.end:e.end + 1] == ")":
            prev = [m for m in s.entities if m.label == "ENDPOINT" and m.end <= e.start - 1
                    and not self.text[m.end:e.start - 1].strip()]
            if prev:
                return prev[-1]
        return e

    def _bm_context_before(self, s: Sent) -> bool:
        prev = self._previous(s)
        return prev is not None and bool(_BM_CONTEXT.search(self.text[prev.start:prev.end]))

    def _other_text(self, s: Sent, clause: tuple[int, int], q: Quantity) -> str | None:
        a, _ = clause
        words = self.text[max(a, q.start - 60): q.start].strip(" ,;:([")
        words = re.sub(r"\s+", " ", words)
        return words[-60:] or None

    def _previous(self, s: Sent) -> Sent | None:
        if s.index == 0:
            return None
        prev = self.sentences[s.index - 1]
        return prev if prev.block == s.block else None

    def _trial(self, s: Sent, q: Quantity) -> tuple[str | None, list[str]]:
        def from_sentence(sent: Sent) -> tuple[str | None, list[str]] | None:
            trials = [e for e in sent.entities if e.label == "TRIAL"]
            ids = [e for e in sent.entities if e.label == "TRIAL_ID"]
            if trials:
                before = [t for t in trials if t.start <= q.start] if sent is s else trials
                t = (before or trials)[-1] if sent is s else trials[-1]
                return t.norm["name"], []
            if ids:
                name = self.trial_of_id(ids[0].norm["id"])
                return name, [i.norm["id"] for i in ids] if name is None else []
            return None

        got = from_sentence(s)
        if got is not None and _POOLED.search(self.text[s.start:s.end]) and \
                len({e.norm["name"] for e in s.entities if e.label == "TRIAL"}) >= 2:
            return None, []  # "a pooled analysis of ALEX and J-ALEX": no one trial
        if got is None:
            # "Similar results were found with brigatinib in the first-line ALTA-1L trial.
            # CNS progression ... was lower with brigatinib compared with crizotinib (9% ..."
            own_arms = {m.key for m in self.arms(s)}
            prev = self._previous(s)
            for _ in range(2):
                if prev is None:
                    break
                cand = from_sentence(prev)
                if cand is not None:
                    if cand[0] is not None:
                        arms = set(self.trial_arms(cand[0]))
                        if not own_arms or own_arms & arms:
                            got = cand
                    break
                if {m.key for m in self.arms(prev)} - set(own_arms):
                    break  # the paragraph has moved on to other arms
                prev = self._previous(prev)
        if got is None and self.doc_trial is not None:
            got = (self.doc_trial, [])
        return got if got is not None else (None, [])

    def _window_cues(self, cues: list[Mention], group: list[Quantity], vi: int, clause: tuple[int, int],
                     prev_end: int, next_start: int, first_value: int, *, initial: bool = True) -> list[Mention]:
        """The cues of one value: right after it (up to the next value or a comparison
        word), else right before it (back to the previous value), else after its group,
        else before the sentence's first value ("After failing two ALKi, ... 53% ...")."""
        text = self.text
        a, b = clause
        q = group[vi]

        def until_compare(start: int, end: int) -> int:
            m = _COMPARE.search(text, start, end)
            return m.start() if m else end

        nxt = group[vi + 1].start if vi + 1 < len(group) else min(b, next_start)
        end = until_compare(q.end, nxt)
        own = [c for c in cues if c.start >= q.end and c.end <= end]
        if not own:
            prv = group[vi - 1].end if vi else max(a, prev_end)
            if vi or prev_end > a:
                # what follows the previous value up to the joining word is that value's
                joins = list(re.finditer(r"\b(?:and|or|versus|vs\.?|compared\s+(?:with|to))\b", text[prv:q.start], re.I))
                if joins:
                    prv += joins[-1].start()
            own = [c for c in cues if c.start >= prv and c.end <= q.start]
        if not own and not self._sibling_has_own(cues, group, vi, clause, prev_end, next_start):
            end = until_compare(group[-1].end, min(b, next_start))
            own = [c for c in cues if c.start >= group[-1].end and c.end <= end]
        if not own and initial:
            own = [c for c in cues if c.end <= first_value]
        return own

    def _sibling_has_own(self, cues: list[Mention], group: list[Quantity], vi: int, clause: tuple[int, int],
                         prev_end: int, next_start: int) -> bool:
        """Another value of the group has cues right next to it: the group's trailing
        cue is then that value's, not a shared one ("79% in TKI-naive ... and 38% in
        patients previously treated")."""
        text = self.text
        for k, q in enumerate(group):
            if k == vi:
                continue
            nxt = group[k + 1].start if k + 1 < len(group) else -1
            prv = group[k - 1].end if k else max(clause[0], prev_end)
            if k + 1 < len(group):
                m = _COMPARE.search(text, q.end, nxt)
                end = m.start() if m else nxt
                if any(c.start >= q.end and c.end <= end for c in cues):
                    return True
            if any(c.start >= prv and c.end <= q.start for c in cues) and k > 0:
                return True
        return False

    def _population(self, s: Sent, *window: Any) -> list[str]:
        cues = [c for c in s.cues if c.label == "POPULATION"]
        tags: list[str] = []
        for c in self._window_cues(cues, *window):
            if c.norm["tag"] not in tags:
                tags.append(c.norm["tag"])
        return tags

    def _line(self, s: Sent, trial: str | None, *window: Any) -> str | None:
        cues = [c for c in s.cues if c.label == "LINE"]
        # a value with a subgroup of its own ("40% in all comers") does not take the
        # line of the sentence's opening phrase ("After crizotinib failure, ...")
        pops = [c for c in s.cues if c.label == "POPULATION"]
        has_own = bool(self._window_cues(pops, *window, initial=False))
        own = self._window_cues(cues, *window, initial=not has_own)
        if own:
            return own[0].norm["line"]
        if trial is not None and self.trial_line(trial):
            return self.trial_line(trial)
        return self.doc_line

    def _stats(self, s: Sent, q: Quantity, group: list[Quantity], next_start: int) -> tuple[dict | None, dict | None]:
        """CI and p value that follow the value (or its group) before the next value."""
        text = self.text
        ci = p = None
        last = group[-1]
        for st in s.quantities:
            if st.kind == "CI" and st.start >= q.end and st.start < next_start:
                # the CI right after this value, not one after a later value of the group
                later = [v for v in group if v.start > q.start and v.start < st.start]
                if not later and ci is None:
                    ci = {"low": st.low, "high": st.high, "level": st.level or 95}
            if st.kind == "P_VALUE" and st.start >= last.end and st.start < next_start and p is None:
                if _INTERACTION.search(text[max(s.start, st.start - 40): st.end]):
                    continue
                p = {"value": st.low, "qualifier": st.qualifier or "="}
        return ci, p

    # -- the whole --------------------------------------------------------------

    def findings(self) -> list[RawFinding]:
        out: list[RawFinding] = []
        for s in self.sentences:
            if s.kind not in ("prose", "caption"):
                continue
            out.extend(self._sentence_findings(s))
        return out

    def _sentence_findings(self, s: Sent) -> list[RawFinding]:
        text = self.text
        landmarks = self._landmarks(s)
        cands = [q for q in s.quantities if q.kind in VALUE_KINDS and q not in landmarks]
        values = [q for k, q in enumerate(cands) if _is_result_value(text, s, q, cands[k - 1].end if k else None)]
        if not values:
            return []
        clauses = _clauses(text, s)
        groups = _groups(text, values)
        arms = self.arms(s)
        timepoints = [q for q in s.quantities if q.kind == "TIMEPOINT"] + landmarks
        out: list[RawFinding] = []
        claimed: dict[int, Mention] = {}
        first_value = groups[0][0].start
        listed = self._listed_endpoints(s, groups)
        last_pair: list[tuple[list[str], list[str] | None]] | None = None
        for gi, group in enumerate(groups):
            prev_end = groups[gi - 1][-1].end if gi else s.start
            next_start = groups[gi + 1][0].start if gi + 1 < len(groups) else s.end
            clause = _clause_of(clauses, group[0].start)
            assigned = self._assign_arms(s, clause, group, arms, prev_end, next_start, claimed)
            if len(group) == 2 and not any(a for a, _ in assigned) and last_pair is not None:
                # "81% with alectinib and 50% with crizotinib; 38% versus 5% had a CR":
                # a later pair with no arms of its own compares the same arms
                assigned = last_pair
            if len(group) == 2 and all(a for a, _ in assigned) and group[0].kind != "HAZARD_RATIO":
                last_pair = assigned
            for vi, q in enumerate(group):
                window = (group, vi, clause, prev_end, next_start, first_value)
                population = self._population(s, *window)
                endpoint, ep_text = (listed[gi].norm.get("code", "OTHER"), listed[gi].text) if listed \
                    else self._endpoint(s, clause, q)
                trial, reg = self._trial(s, q)
                ci, p = self._stats(s, q, group, next_start)
                intervention, comparator = assigned[vi]
                if q.kind in ("HAZARD_RATIO", "ODDS_RATIO") and not intervention and trial:
                    arms_t = self.trial_arms(trial)
                    if len(arms_t) >= 2:
                        intervention, comparator = [arms_t[0]], [arms_t[1]]
                if not intervention and trial and q.kind not in ("HAZARD_RATIO", "ODDS_RATIO"):
                    arms_t = self.trial_arms(trial)
                    if len(arms_t) == 1:  # a single-arm study: its drug
                        intervention = list(arms_t)
                # "... in 31% of patients; of these patients 30% had ...": same patients
                if out and _ANAPHORA.match(text[clause[0]:q.start]):
                    intervention = intervention or list(out[-1].intervention)
                    population = population or list(out[-1].population)
                tp = None  # a landmark rate's time (SPEC §4: proportions only)
                for t in timepoints if q.kind == "PERCENTAGE" else ():
                    if _clause_of(clauses, t.start) == clause:
                        tp = {"value": t.low, "unit": t.unit}
                        break
                unit = q.unit if q.kind in ("PERCENTAGE", "DURATION") else None
                if q.kind == "PERCENTAGE":
                    unit = "%"
                value = {"low": q.low, "high": q.high, "qualifier": q.qualifier or "=",
                         "unit": unit, "not_reached": bool(q.not_reached)}
                measure = MEASURE[q.kind]
                if q.kind == "DURATION" and endpoint not in ("PFS", "OS", "DOR", "TTR", "IC-PFS", "IC-DOR", "IC-TTP", "IC-TTR"):
                    measure = "median"
                out.append(RawFinding(
                    endpoint=endpoint, endpoint_text=ep_text, measure=measure, value=value,
                    span=(q.start, q.end), sentence=(s.start, s.end), ci=ci, p_value=p,
                    intervention=expand(intervention) or [], comparator=expand(comparator), trial=trial, registry_ids=reg,
                    population=population, line=self._line(s, trial, *window), timepoint=tp))
        return out

    def _assign_arms(self, s: Sent, clause: tuple[int, int], group: list[Quantity], arms: list[Mention],
                     prev_end: int, next_start: int, claimed: dict[int, Mention]) -> list[tuple[list[str], list[str] | None]]:
        """The arm of each value of a group (comparator None: an arm's own value)."""
        text = self.text
        n = len(group)
        first = group[0]
        if first.kind in ("HAZARD_RATIO", "ODDS_RATIO"):
            return [self._hr_arms(s, q, arms) for q in group]
        found: list[Mention | None] = [None] * n
        # 1. an arm written next to its value: "12% with alectinib", "(erlotinib, 3·7 months"
        for vi, q in enumerate(group):
            nxt = group[vi + 1].start if vi + 1 < n else next_start
            prv = group[vi - 1].end if vi else prev_end
            after = [a for a in arms if q.end <= a.start < nxt and _ARM_AFTER.match(text[q.end:a.start])]
            if after:
                found[vi] = after[0]
                continue
            # (not the control of "X versus Y, 48% of ...": that sentence is about X)
            before = [a for a in arms if prv <= a.end <= q.start and
                      re.fullmatch(r"\s*[,:]\s*(?:median\s+)?", text[a.end:q.start]) and
                      not self._is_control_of_pair(arms, a)]
            if before:
                found[vi] = before[-1]
        for a in found:
            if a is not None:
                claimed[id(a)] = a
        if all(a is not None for a in found):
            return [([a.key], None) for a in found if a is not None]
        # 2. a comparison: "X versus Y (a% versus b%, respectively)", "lower with X than
        #    Y (73 vs. 95%)", "... (11 vs. 16%) ... with X versus Y", the title's X versus Y
        if n >= 2 and not any(found):
            if _RESPECTIVELY.match(text[group[-1].end:s.end]):
                before = _dedupe([a for a in arms if a.end <= first.start])
                if len(before) >= n:
                    return [([a.key], None) for a in before[-n:]]
            if n == 2:
                pair = self.arm_pair(arms, first.start, clause)
                if pair is not None:
                    return [([pair[0].key], None), ([pair[1].key], None)]
                if not arms and self.doc_pair is not None:
                    return [([self.doc_pair[0]], None), ([self.doc_pair[1]], None)]
        result: list[tuple[list[str], list[str] | None]] = []
        for vi, q in enumerate(group):
            if found[vi] is not None:
                result.append(([found[vi].key], None))  # type: ignore[union-attr]
                continue
            # 3. a list of values closed by one arm phrase: "... and diarrhea (56%) for axitinib"
            later = [a for a in arms if a.start >= q.end and a.end <= clause[1]]
            if (later and _FOR_ARM.search(text[max(q.end, later[0].start - 20):later[0].start])
                    and not _COMPARE.search(text, q.end, later[0].start)):
                result.append(([later[0].key], None))
                continue
            # 4. the nearest arm before the value in its clause; when that arm is the
            #    control of an "X versus Y" the sentence is about, the value is X's
            cands = [a for a in arms if clause[0] <= a.start and a.end <= q.start and id(a) not in claimed]
            if cands:
                pick = cands[-1]
                pair = self.arm_pair(arms, q.start, clause)
                if n == 1 and pair is not None and pick is pair[1]:
                    pick = pair[0]
                result.append(([pick.key], None))
                continue
            only = _dedupe(arms)
            if len(only) == 1 and n == 1:
                result.append(([only[0].key], None))
                continue
            result.append(([], None))
        return result

    def _listed_endpoints(self, s: Sent, groups: list[list[Quantity]]) -> list[Mention] | None:
        """"The response rate, median PFS, and median OS ... were 33 vs. 35%; 4.7 vs.
        4.6 m, and 8.6 vs. 9.8 m, respectively": k endpoints listed before the values and
        k comparisons after them, closed by "respectively", pair up in order."""
        if len(groups) < 2 or not _RESPECTIVELY.match(self.text[groups[-1][-1].end:s.end]):
            return None
        eps = _dedupe([e for e in s.entities if e.label == "ENDPOINT" and e.end <= groups[0][0].start])
        if len(eps) != len(groups):
            return None
        return eps

    def _landmarks(self, s: Sent) -> list[Quantity]:
        """A duration right before an endpoint is its landmark time, not a value:
        "1 year overall survival was 14%" (a timepoint, as "1-year OS")."""
        out = []
        for q in s.quantities:
            if q.kind != "DURATION" or q.high is not None:
                continue
            nxt = [e for e in s.entities if e.label == "ENDPOINT"
                   and (0 <= e.start - q.end <= 1 or e.start <= q.start < q.end <= e.end)]
            if nxt:
                out.append(q)
        return out

    def _is_control_of_pair(self, arms: list[Mention], a: Mention) -> bool:
        """``a`` is Y in "X versus Y" written arm to arm."""
        k = arms.index(a)
        return k > 0 and bool(re.fullmatch(r"\s*(?:versus|vs\.?|v\.?|compared\s+(?:with|to)|than|or)\s+(?:the\s+)?",
                                           self.text[arms[k - 1].end:a.start], re.I))

    def arm_pair(self, arms: list[Mention], pos: int, clause: tuple[int, int],
                  joiner: re.Pattern[str] = _VERSUS) -> tuple[Mention, Mention] | None:
        """Two arms joined by versus/than/compared with: the nearest such pair before
        ``pos`` (its clause first), else the first one after it."""
        pairs = []
        for a, b in zip(arms, arms[1:]):
            between = self.text[a.end:b.start]
            if a.key != b.key and len(between) <= 160 and not re.search(r"[.;]\s", between) and joiner.search(between):
                pairs.append((a, b))
        # "X versus Y" before "X or Y": a plain or/and joins alternatives more often
        strong = [p for p in pairs if not re.fullmatch(r"\s*(?:or|and)\s+(?:the\s+|with\s+)?", self.text[p[0].end:p[1].start])]
        for cands in (strong, pairs):
            before = [p for p in cands if p[1].end <= pos]
            in_clause = [p for p in before if p[0].start >= clause[0]]
            if in_clause or before:
                return (in_clause or before)[-1]
            after = [p for p in cands if p[0].start >= pos]
            if after:
                return after[0]
        return None

    def _hr_arms(self, s: Sent, q: Quantity, arms: list[Mention]) -> tuple[list[str], list[str] | None]:
        """An HR's experimental arm and comparator: "in favour of X", "favouring X over
        Y", "X versus Y", "..., compared with Y", else the title's comparison."""
        text = self.text
        inter = comp = None
        for a in arms:
            if _FAVOUR.search(text[max(s.start, a.start - 25):a.start]):
                inter = a
                break
        if inter is not None:
            for a in arms:
                if a.start > inter.end and _OVER.search(text[inter.end:a.start][-25:]) and a.key != inter.key:
                    comp = a
                    break
            if comp is None:
                others = [a for a in _dedupe(arms) if a.key != inter.key]
                comp = others[0] if len(others) == 1 else None
            return [inter.key], ([comp.key] if comp else self._doc_other(inter.key))
        uniq = _dedupe(arms)
        strong = self.arm_pair(arms, q.start, (s.start, s.end), _STRONG_VERSUS)
        if strong is not None:
            return [strong[0].key], [strong[1].key]
        if len(uniq) >= 3:
            # "Osimertinib ... versus ... gefitinib or erlotinib (HR ...)": the subject
            # against the alternatives named after it
            return [uniq[0].key], [a.key for a in uniq[1:]]
        if len(uniq) == 1:
            only = uniq[0]
            if _OVER.search(text[max(s.start, only.start - 25):only.start]):
                # "(HR 0.76 ...), compared with placebo": the control arm alone
                exp = [d for d in self.doc_arms if d != only.key]
                return exp[:1], [only.key]
            return [only.key], self._doc_other(only.key)
        if not uniq and self.doc_pair is not None:
            return [self.doc_pair[0]], [self.doc_pair[1]]
        if len(uniq) >= 2:
            return [uniq[0].key], [uniq[1].key]
        return [], None

    def _doc_other(self, arm: str) -> list[str] | None:
        """The other arm of the title's comparison, when ``arm`` is one of its two."""
        if self.doc_pair is not None and arm in self.doc_pair:
            return [self.doc_pair[1] if arm == self.doc_pair[0] else self.doc_pair[0]]
        return None


#: Arms joined into one regimen: "chemotherapy plus surgery", "bevacizumab/carboplatin/paclitaxel".
_COMBINE = re.compile(r"^\s*(?:plus|\+|/|combined\s+with|in\s+combination\s+with|together\s+with)\s*$", re.I)
_LIST_ON = re.compile(r"^\s*(?:,\s*(?:and\s+)?|and\s+)$")


def _combine(text: str, arms: list[Mention]) -> list[Mention]:
    """Merge arms joined by plus, + or / into one regimen mention (key "a + b")."""
    out: list[Mention] = []
    for a in arms:
        prev = out[-1] if out else None
        between = text[prev.end:a.start] if prev is not None else ""
        # "X in combination with Y, Z, and W": once a regimen is open, a list goes on
        listed = prev is not None and prev.label == "ARMS" and _LIST_ON.match(between)
        if prev is not None and (_COMBINE.match(between) or listed):
            members = prev.norm.get("members") or [prev.key]
            if a.key not in members:
                members = members + [a.key]
            out[-1] = Mention("ARMS", prev.start, a.end, text[prev.start:a.end],
                              {"name": COMBO.join(members), "members": members}, "rule")
            continue
        out.append(a)
    return out


def expand(keys: list[str] | None) -> list[str] | None:
    """Arm keys with regimens spelled out into their agents."""
    if keys is None:
        return None
    out: list[str] = []
    for k in keys:
        for part in k.split(COMBO):
            if part not in out:
                out.append(part)
    return out


def _dedupe(mentions: list[Mention]) -> list[Mention]:
    seen, out = set(), []
    for m in mentions:
        if m.key not in seen:
            seen.add(m.key)
            out.append(m)
    return out
