"""Text repair with an offset map: a clean copy of the source for the matchers.

PDF-extracted text breaks lines inside sentences, fuses citation numbers to words and
punctuation (``crizotinib.1``, ``NCT02075840),4``, ``ALEX4``, ``PROFILE 10142``) and
flattens tables and captions into the prose. :func:`repair` builds a copy in which

- wrapped lines are joined (a hyphen at a line end is kept: journal text hyphenates
  compounds such as ``second-\\ngeneration``; a soft hyphen is dropped),
- citation markers are removed (from the PDF layout when known, else by the rules below),
- headings, captions, legends and table lines become their own blocks, separated by a
  blank line, so no sentence ever runs across them,

and a map from every index of the copy back to the source, so that every span found in
the copy is reported as ``source[start:end]``. The copy is never shown to users.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Container, Iterable, Sequence

from . import fastre

# ----------------------------------------------------------------------------------
# Citation markers
# ----------------------------------------------------------------------------------

# A citation group: "1", "2,3", "4–6,8–12", "14,15" (reference numbers are short).
_CIT = r"\d{1,3}(?:[–—-]\d{1,3})?(?:,\d{1,3}(?:[–—-]\d{1,3})?)*"
# Where a marker ends: white space, end of text, or closing punctuation.
_CIT_END = r"(?=[\s)\]]|$)"

#: R1 — after a word or a closing bracket and a punctuation mark, before white space:
#: "crizotinib.1 In", "NCT02075840),4 with", "scan,13 and", "0.0026).2,3 NgALKi".
#: The char before the punctuation must not be a digit, so decimals ("14.5") are safe.
_R1 = re.compile(r"(?<=[^\W\d_][.,;:]|[)\]][.,;:])(" + _CIT + r")" + _CIT_END)
_R1_PAREN = re.compile(r"(?<=[^\W\d_]\))(" + _CIT + r")" + _CIT_END)

#: R2 — digits fused to a lower-case word of three or more letters, at a line end, before
#: punctuation or before a sentence start: "trials4,6,8,9,12,14", "metastases20 We".
#: Words that end in a number mid-sentence ("covid19 cases", "beta2 agonist") are left
#: alone, as are the words in ``_R2_KEEP`` (exon19, codon12, ...).
_R2 = re.compile(r"(?<![A-Za-z0-9-])([a-zà-ÿ]{3,})(" + _CIT + r")(?=[ \t]*(?:\n|$)|[.,;:)\]]\s|\s+[A-Z])")
_R2_KEEP = {"exon", "codon", "cycle", "day", "week", "arm", "cohort", "grade", "stage", "phase", "part"}

#: R4 — a roman-numeral phase fused to digits: "Global phase II14" (phase II + ref 14).
_R4 = re.compile(r"(?<![A-Za-z])[Pp]hase (?:I{1,3}|IV)(?:/I{1,3})?[ab]?(" + _CIT + r")" + _CIT_END)

#: R5 — a one-letter arm label fused to digits: "ALTA Arm B8" (arm B + ref 8).
_R5 = re.compile(r"(?<![A-Za-z])[Aa]rm [A-Z](" + _CIT + r")" + _CIT_END)

#: Unicode superscript digits are citation markers, unless they are an exponent.
_SUPERSCRIPT = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹][⁰¹²³⁴⁵⁶⁷⁸⁹,⁻–-]*")
#: What an exponent follows: a unit of length or area, a power of ten, chi (χ²).
EXPONENT_BASE = re.compile(r"(?:^|[^A-Za-z])(?:[mck]?m|kg/m|mg/m|/m|10|×10|x10|χ)$")


def find_citations(text: str, known_names: Iterable[str] = ()) -> list[tuple[int, int]]:
    """Offsets of citation markers fused to the text, by the rules R1–R5 above.

    ``known_names`` (trial names such as ``ALEX``, ``ASCEND-4``, ``PROFILE 1014``) drive
    R3: a known name directly followed by digits that do not make another known name is
    the name plus a citation (``ALEX4``, ``ASCEND-47``, ``PROFILE 10142``).
    """
    found: list[tuple[int, int]] = []
    for rx in (_R1, _R1_PAREN, _R4, _R5):
        for m in fastre.finditer(rx, text):
            found.append(m.span(1))
    for m in _R2.finditer(text):
        if m.group(1).lower() not in _R2_KEEP:
            found.append(m.span(2))
    for m in _SUPERSCRIPT.finditer(text):
        if not EXPONENT_BASE.search(text[max(0, m.start() - 6):m.start()]):
            found.append(m.span())  # (not m², 10⁹/L or χ²: those are exponents)
    found.extend(_known_name_citations(text, known_names))
    return _merge(found)


_name_rx_cache: dict[tuple[str, ...], re.Pattern[str] | None] = {}


def _known_name_citations(text: str, known_names: Iterable[str]) -> list[tuple[int, int]]:
    names = tuple(sorted({n for n in known_names if n and n[-1].isalnum()}, key=len, reverse=True))
    if names not in _name_rx_cache:
        if not names:
            _name_rx_cache[names] = None
        else:
            alts = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)
            _name_rx_cache[names] = re.compile(r"(?<![\w-])(" + alts + r")(\d{1,3}(?:,\d{1,3})*)" + _CIT_END)
    rx = _name_rx_cache[names]
    if rx is None:
        return []
    known = {n.upper() for n in names}
    out = []
    for m in rx.finditer(text):
        fused = re.sub(r"\s+", " ", m.group(0)).upper()
        if fused in known:
            continue  # "AURA3" is a trial of its own, not AURA + ref 3
        out.append(m.span(2))
    return out


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


# ----------------------------------------------------------------------------------
# Line structure: which line breaks are wraps and which are block boundaries
# ----------------------------------------------------------------------------------

_TERMINAL = re.compile(r"[.?!:]['’”)\]]*$")
_CAPTION = re.compile(r"^\s*(?:Figure|Fig\.|Table|Box|Supplementary Table)\s*[A-Z]?\d+[A-Za-z]?\s*[.:|]")
_TABLE_CAPTION = re.compile(r"^\s*(?:Supplementary )?Table\s*[A-Z]?\d+[A-Za-z]?\s*[.:|]")
#: "ALK = anaplastic lymphoma kinase; NR = not reached; ..." — an abbreviation legend:
#: short forms defined in words, one after another. "P = 0.001" is not an item.
_LEGEND_ITEM = re.compile(r"(?:^|;)\s*[A-Za-z][\w+/-]{0,15}(?: [\w+/-]{1,12})? = [A-Za-z][^=;]*")
#: "ABSTRACT.RESULTS:", "TITLE:", "BODY.INTRODUCTION:", "Background:", "METHODS"
_SECTION = re.compile(r"^\s*(?:[A-Z][A-Z .&/-]{2,60}:?|[A-Z][a-z]+(?: [a-z]+){0,3}:)\s*$")
_FUNCTION_WORDS = {
    "the", "of", "a", "an", "and", "or", "in", "with", "to", "for", "by", "on", "at", "from",
    "versus", "vs", "as", "than", "that", "which", "is", "are", "was", "were", "be", "its",
    "their", "this", "these", "into", "under", "after", "before", "between", "not", "nor",
}
#: A heading is short: the longest run of lines that can be one (characters).
_HEADING_MAX = 160


def _is_legend(line: str) -> bool:
    items = _LEGEND_ITEM.findall(line)
    covered = sum(len(i) for i in items)
    return len(items) >= 2 and covered >= 0.6 * len(line.strip())


@dataclass
class Block:
    """A run of the repaired text that sentences never cross."""

    start: int  # offsets into the repaired text
    end: int
    kind: str  # prose | heading | caption | table | legend | section


@dataclass
class Repaired:
    """The repaired copy, its blocks, and the map back to the source."""

    text: str
    #: ``to_source[i]`` is the source index of repaired character ``i``
    to_source: list[int]
    blocks: list[Block] = field(default_factory=list)
    source_length: int = 0

    def span_to_source(self, start: int, end: int) -> tuple[int, int]:
        """Map a repaired span [start, end) to the source span covering the same text."""
        if end <= start:
            s = self.to_source[start] if start < len(self.to_source) else self.source_length
            return s, s
        return self.to_source[start], self.to_source[end - 1] + 1


@dataclass
class _Line:
    start: int  # source offsets of the line's content (without the newline)
    end: int
    text: str
    blank_before: bool = False  # an empty line separates it from the line before

    @property
    def stripped(self) -> str:
        return self.text.strip()


def _lines(text: str, skip: Sequence[tuple[int, int]]) -> list[_Line]:
    """Non-empty lines, with citation/furniture characters blanked out for analysis."""
    chars = list(text)
    for s, e in skip:
        for i in range(s, e):
            if chars[i] != "\n":
                chars[i] = " "
    masked = "".join(chars)
    out = []
    pos = 0
    blank = False
    for raw in masked.split("\n"):
        if raw.strip():
            out.append(_Line(pos, pos + len(raw), raw, blank_before=blank and bool(out)))
            blank = False
        else:
            blank = True
        pos += len(raw) + 1
    return out


def _classify(lines: list[_Line], hard_wrapped: bool) -> tuple[list[str], list[str]]:
    """Decide the kind of each line and whether each boundary after it is a break.

    Returns (kinds, joins): ``joins[i]`` is "break", "space" or "hyphen" for the
    boundary between line i and line i+1.
    """
    n = len(lines)
    kinds = ["prose"] * n
    joins = ["space" if hard_wrapped else "break"] * max(0, n - 1)
    # A blank line is a paragraph break — unless the text puts one after nearly every
    # line, as some PDF extractions do; then it says nothing.
    blanks = sum(1 for ln in lines[1:] if ln.blank_before)
    paragraphs = hard_wrapped and n > 1 and blanks < 0.5 * (n - 1)
    if paragraphs:
        for k in range(1, n):
            if lines[k].blank_before:
                joins[k - 1] = "break"

    def brk(i: int) -> None:
        if 0 <= i < n - 1:
            joins[i] = "break"

    i = 0
    in_table = False
    sentence_start = True  # the next line begins after a sentence end or a break
    while i < n:
        s = lines[i].stripped
        if _is_legend(s):
            kinds[i] = "legend"
            if i == 0 or kinds[i - 1] != "legend":
                brk(i - 1)
            elif i - 1 < len(joins):
                joins[i - 1] = "space"  # one legend wrapped over several lines
            brk(i)
            in_table = False
            sentence_start = True
            i += 1
            continue
        if _CAPTION.match(s):
            kinds[i] = "caption"
            brk(i - 1)
            in_table = bool(_TABLE_CAPTION.match(s))
            # The caption's title runs on over lines that continue it in lower case.
            j = i
            while j + 1 < n and lines[j + 1].stripped[:1].islower() and not _TERMINAL.search(lines[j].stripped):
                kinds[j + 1] = "caption"
                j += 1
            brk(j)
            i = j + 1
            sentence_start = True
            continue
        if in_table:
            # Flattened table: every line is a cell or part of one; rows are grouped later.
            # It ends where prose resumes: a long line, a sentence of eight words or more,
            # or (in text with real paragraphs) an empty line after its first rows.
            if (len(s) > 100 or (len(s.split()) >= 8 and _TERMINAL.search(s))
                    or (paragraphs and lines[i].blank_before and kinds[i - 1] == "table")):
                in_table = False
            else:
                kinds[i] = "table"
                if not (i > 0 and kinds[i - 1] == "table" and joins[i - 1] in ("hyphen", "space")):
                    brk(i - 1)
                nxt = lines[i + 1].stripped if i + 1 < n else ""
                if s.endswith("-") and not s.endswith(" -") and i < n - 1:
                    joins[i] = "hyphen"  # "post-second-" / "generation ALKi": one cell
                elif i < n - 1 and (s.endswith((";", ",")) or nxt[:1].islower()
                                    or (nxt[:1].isdigit() and s[-1:].islower() and " " in s)) \
                        and not _is_legend(nxt) and not _CAPTION.match(nxt):
                    # "Every 6 weeks if baseline BM;" / "12 weeks otherwise": one cell
                    joins[i] = "space"
                else:
                    brk(i)
                i += 1
                continue
        if _is_section(s):
            kinds[i] = "section"
            brk(i - 1)
            brk(i)
            sentence_start = True
            i += 1
            continue
        if hard_wrapped and sentence_start:
            j = _heading_end(lines, i)
            if j is not None:
                for k in range(i, j + 1):
                    kinds[k] = "heading"
                brk(i - 1)
                brk(j)
                i = j + 1
                sentence_start = True
                continue
        if hard_wrapped and i < n - 1 and s.endswith("-") and not s.endswith(" -"):
            joins[i] = "hyphen"
        if hard_wrapped and s.endswith("\u00ad") and i < n - 1:
            joins[i] = "hyphen"
        sentence_start = bool(_TERMINAL.search(s))
        i += 1
    return kinds, joins


_SECTION_WORDS = {
    "ABSTRACT", "BACKGROUND", "INTRODUCTION", "METHODS", "METHOD", "MATERIALS", "RESULTS", "RESULT",
    "FINDINGS", "DISCUSSION", "CONCLUSION", "CONCLUSIONS", "INTERPRETATION", "FUNDING", "OBJECTIVE",
    "OBJECTIVES", "PURPOSE", "AIMS", "AIM", "SUMMARY", "REFERENCES", "ACKNOWLEDGEMENTS", "ACKNOWLEDGMENTS",
    "TITLE", "KEYWORDS", "CONTEXT", "DESIGN", "SETTING", "PATIENTS", "INTERVENTIONS", "LIMITATIONS",
}


def _is_section(s: str) -> bool:
    """A section marker: "ABSTRACT.RESULTS:", "Background:", "METHODS" — not a wrapped
    sentence end in capitals ("PFS.", "CNS ORR.")."""
    if len(s) >= 70 or not _SECTION.match(s) or s.endswith("."):
        return False
    if s.endswith(":"):
        return True
    words = re.findall(r"[A-Za-z]+", s)
    return bool(words) and (all(w.upper() in _SECTION_WORDS for w in words) or (len(words) >= 2 and s.isupper() and len(s) >= 12))


def _starts_like_a_sentence(s: str) -> bool:
    """A capitalised word ("Crizotinib", "NgALKi", "In", "A") — not an acronym ("PFS",
    "CNS") that a wrapped sentence can just as well continue with."""
    m = re.match(r"[^\W\d_]+", s)
    if not m:
        return False
    w = m.group(0)
    return w[0].isupper() and (len(w) == 1 or w[1].islower())


def _split_word(before: str, after: str, known_words: Container[str]) -> bool:
    """``before`` ends with "word-" and ``after`` starts with the rest of one known word."""
    a = re.search(r"([^\W\d_]+)-$", before)
    b = re.match(r"[^\W\d_]+", after)
    return bool(a and b and (a.group(1) + b.group(0)).lower() in known_words
                and f"{a.group(1)}-{b.group(0)}".lower() not in known_words)


def _heading_end(lines: list[_Line], i: int) -> int | None:
    """If lines[i:] start with a heading, the index of its last line, else None.

    A heading follows a sentence end, holds no sentence end itself, is short, and is
    followed by a line that starts with a capital; it does not end on a function word
    (a wrapped sentence often breaks after "the" or "of").
    """
    total = 0
    j = i
    while j < len(lines) and j < i + 4:
        s = lines[j].stripped
        if j > i and (_CAPTION.match(s) or _is_legend(s) or _is_section(s)):
            return None  # a caption or legend starts its own block
        total += len(s)
        if total > _HEADING_MAX or _TERMINAL.search(s) or re.search(r"[.?!] [A-Z]", s):
            return None
        if s.endswith(",") or s.endswith(";"):
            return None
        nxt = lines[j + 1].stripped if j + 1 < len(lines) else ""
        last_word = re.sub(r"[^\w]", "", s.split()[-1]).lower() if s.split() else ""
        if _starts_like_a_sentence(nxt) and last_word not in _FUNCTION_WORDS:
            return j
        j += 1
    return None


def _is_hard_wrapped(lines: list[_Line]) -> bool:
    """Hard-wrapped text (PDF extraction) has short lines; one-paragraph-per-line text does not."""
    if not lines:
        return False
    lengths = sorted(len(l.stripped) for l in lines)
    return lengths[len(lengths) // 2] < 120


# ----------------------------------------------------------------------------------
# Building the repaired copy
# ----------------------------------------------------------------------------------


def repair(
    text: str,
    *,
    citations: Sequence[tuple[int, int]] = (),
    furniture: Sequence[tuple[int, int]] = (),
    known_names: Iterable[str] = (),
    block_breaks: Sequence[int] = (),
    known_words: Container[str] = frozenset(),
) -> Repaired:
    """Repair ``text`` (see the module doc). ``citations`` and ``furniture`` are source
    ranges known from the layout (PDF); ``block_breaks`` are source offsets where a block
    must end (e.g. table boundaries from the PDF). ``known_words`` (lower case: drug and
    endpoint words) decide a hyphen at a line end: it is dropped when the two parts make
    a known word ("crizo-" + "tinib") and kept otherwise ("second-" + "generation")."""
    cites = _merge(list(citations) + find_citations(text, known_names))
    skip = _merge(list(cites) + list(furniture))
    lines = _lines(text, skip)
    hard = _is_hard_wrapped(lines)
    kinds, joins = _classify(lines, hard)
    forced = set(block_breaks)

    out: list[str] = []
    to_src: list[int] = []
    blocks: list[Block] = []
    skip_iter = iter(skip)
    cur_skip = next(skip_iter, None)

    def emit_range(s: int, e: int) -> None:
        nonlocal cur_skip
        i = s
        while i < e:
            while cur_skip is not None and cur_skip[1] <= i:
                cur_skip = next(skip_iter, None)
            if cur_skip is not None and cur_skip[0] <= i < cur_skip[1]:
                i = cur_skip[1]
                continue
            stop = e if cur_skip is None else min(e, cur_skip[0])
            chunk = text[i:stop]
            out.append(chunk)
            to_src.extend(range(i, stop))
            i = stop

    block_start = 0
    block_kind = kinds[0] if kinds else "prose"
    for idx, line in enumerate(lines):
        # content of the line, trimmed of surrounding blanks
        s = line.start + (len(line.text) - len(line.text.lstrip()))
        e = line.start + len(line.text.rstrip())
        before = len(to_src)
        emit_range(s, e)
        if idx == len(lines) - 1:
            break
        join = joins[idx]
        if any(line.end <= b <= lines[idx + 1].start for b in forced):
            join = "break"
        # strip blanks the line ended with (after removing citations)
        while out and len(to_src) > before and out[-1] and out[-1][-1] in " \t\u00a0":
            out[-1] = out[-1][:-1]
            to_src.pop()
        gap_at = e if e < len(text) else max(0, len(text) - 1)
        if join == "space":
            out.append(" ")
            to_src.append(min(gap_at, len(text) - 1))
        elif join == "hyphen":
            if out and out[-1].endswith("\u00ad"):
                out[-1] = out[-1][:-1]
                to_src.pop()
            elif out and out[-1].endswith("-") and _split_word(out[-1], lines[idx + 1].stripped, known_words):
                out[-1] = out[-1][:-1]  # "crizo-" / "tinib": one word broken at the line end
                to_src.pop()
        else:
            blocks.append(Block(block_start, len(to_src), block_kind))
            out.append("\n\n")
            to_src.extend([min(gap_at, len(text) - 1)] * 2)
            block_start = len(to_src)
            block_kind = kinds[idx + 1]
    if lines:
        blocks.append(Block(block_start, len(to_src), block_kind))
    repaired = "".join(out)
    assert len(repaired) == len(to_src)
    return Repaired(text=repaired, to_source=to_src, blocks=[b for b in blocks if b.end > b.start],
                    source_length=len(text))
