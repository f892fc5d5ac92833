"""Sentence segmentation of the repaired text.

Blocks from :mod:`alkextract.repair` (prose, headings, captions, table lines, legends)
are never crossed. Inside a prose or caption block a sentence ends at ``.``, ``?`` or
``!`` followed by white space and a capital, a digit, or an opening bracket/quote —
except after abbreviations that take a period (``vs.``, ``e.g.``, ``i.e.``, ``Fig.``,
``et al.``, ...). Decimals (``0.47``, ``14.5``) and ``n=18`` have no white space after
the period, so they never end a sentence. Citation markers are already gone from the
repaired text, so ``crizotinib.1 In`` reads ``crizotinib. In``.

scispaCy's pysbd-based splitter is careful but about 50x slower than this rule on the
bundled corpus (``make bench``); the rule is exact on the blocks repair produces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .repair import Block

#: Words that end with a period without ending the sentence (lower-cased, no period).
ABBREVIATIONS = {
    "vs", "e.g", "i.e", "fig", "figs", "et al", "al", "approx", "no", "nos", "dr", "drs", "etc", "cf", "ca",
    "resp", "ref", "refs", "tab", "suppl", "vol", "pp", "p", "mr", "ms", "prof", "inc", "ltd", "co", "jr",
    "sr", "st", "min", "max", "wk", "wks", "mo", "mos", "yr", "yrs", "b.i.d", "q.d", "t.i.d", "u.s", "incl",
}

_END = re.compile(r"[.?!]['’”)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Sentence:
    start: int  # offsets into the repaired text
    end: int
    kind: str  # the kind of its block


def _word_before(text: str, i: int) -> str:
    m = re.search(r"([A-Za-z][A-Za-z.]*)$", text[max(0, i - 12):i])
    return m.group(1).lower().rstrip(".") if m else ""


def split_block(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside text[start:end] (trimmed of white space)."""
    spans = []
    s = start
    for m in _END.finditer(text, start, end):
        dot = m.start()
        if text[dot] == "." and _word_before(text, dot) in ABBREVIATIONS:
            continue
        # a single capital letter before the period is an initial ("J. Smith")
        if text[dot] == "." and re.search(r"(?<![A-Za-z])[A-Z]$", text[max(0, dot - 2):dot]):
            continue
        spans.append((s, m.end()))
        s = m.end()
    spans.append((s, end))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


#: A "sentence" longer than this (characters) is a list, a table dump or text without
#: punctuation; it is cut at semicolons or white space so that the per-sentence rules
#: stay linear in the length of the document.
MAX_SENTENCE = 2000


def _cap(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    while end - start > MAX_SENTENCE:
        window = text[start + MAX_SENTENCE // 2:start + MAX_SENTENCE]
        cut = max(window.rfind("; "), window.rfind(". "))
        if cut < 0:
            cut = window.rfind(" ")
        stop = start + MAX_SENTENCE // 2 + cut + 1 if cut >= 0 else start + MAX_SENTENCE
        out.append((start, stop))
        start = stop
        while start < end and text[start].isspace():
            start += 1
    out.append((start, end))
    return [(a, b if not text[a:b].endswith(" ") else b - 1) for a, b in out if b > a]


def split_outside_brackets(text: str, start: int, end: int, marks: str, depth: int = 0) -> list[tuple[int, int]]:
    """Parts of text[start:end] split at any of ``marks`` that stands at bracket depth
    ``depth`` or less (0: outside all brackets): clauses at ";", segments at "," and ";"."""
    out, level, s = [], 0, start
    for i in range(start, end):
        c = text[i]
        if c in "([":
            level += 1
        elif c in ")]":
            level = max(0, level - 1)
        elif c in marks and level <= depth:
            out.append((s, i))
            s = i + 1
    out.append((s, end))
    return out


def segment(text: str, blocks: list[Block]) -> list[Sentence]:
    """Every sentence of the repaired text, in order."""
    out: list[Sentence] = []
    for b in blocks:
        if b.kind in ("prose", "caption"):
            out.extend(Sentence(a, c, b.kind) for s, e in split_block(text, b.start, b.end)
                       for a, c in _cap(text, s, e))
        else:
            s, e = b.start, b.end
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            out.extend(Sentence(a, c, b.kind) for a, c in _cap(text, s, e) if e > s)
    return out
