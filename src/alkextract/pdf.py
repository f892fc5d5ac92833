"""PDF ingestion: a journal PDF becomes one :class:`SourceText` in reading order.

The text is built here, from each page's characters (pdfplumber's ``page.chars``
values, read once per page from its pdfminer layout, see :func:`page_chars`) by our
own grouping, because the layout decides what the extractor sees:

1. **Glyphs.** Each character keeps its real box (``char_boxes``) and gets a
   *layout* box in a frame where its text runs left to right, so a page whose text
   is rotated (a landscape table on a portrait page) reads like any other. Text in
   a minority direction (a vertical "Downloaded from …" margin note) is furniture.
2. **Segments.** Characters that sit on one baseline and follow each other with no
   gap wider than ~1 em. A wider gap is a column gutter or a table cell boundary.
3. **Furniture.** Segments in the top or bottom 10% of a page whose text, digits
   masked, recurs on other pages (running headers, footers, ``Page 3 of 12``), and
   bare page numbers there. They stay in ``text`` (addressable, listed in
   ``furniture``) but outside the prose.
4. **Tables.** pdfplumber's finder for ruled tables (only on pages that have
   rules); a fallback for tables without rules reads cells from column positions
   under a ``Table N`` caption, or from runs of ≥ 3 lines of ≥ 3 aligned cells.
   Cells are written one row per line, `` | `` between cells, never into prose.
5. **Columns.** Gutters are x-ranges that no prose-width segment covers, with
   column text on both sides; a line crossing a gutter (title, full-width caption
   or table) cuts the page into bands, read band by band, column by column.
6. **Lines and paragraphs.** Superscripts are found from the characters (smaller
   and raised above the line's baseline); digit-only superscripts are citations:
   written where they stand, no space before, listed in ``citations``. Ligatures
   are expanded, soft hyphens dropped. Wrapped lines are joined by a space;
   paragraphs, headings, captions, tables and furniture are separated by a blank
   line. Floats (tables, captions, furniture) met inside an open paragraph are
   written after it, so a sentence broken by a page or a table stays whole.

Line-end hyphens (:func:`keep_hyphen`): a word split by a hyphen at a line end is
rejoined without the hyphen, except when the part after it starts with a capital
or a digit, the part before is not a word, the hyphenated form occurs elsewhere in
the document, one part is a common compound part (``-based``, ``-naive``, ``non-``,
``post-``) while the joined form does not occur, or both parts are words of ≥ 3
letters that occur elsewhere while the joined form does not
(``second-`` / ``generation`` → ``second-generation``, ``progres-`` / ``sion`` →
``progression``). Table cells use the same rule with the same document words.

Small print met inside an open paragraph (footnotes, affiliations at a column
foot) and under a table (its notes) is a float too; a small-print line right
under a table or caption is kept with it.
"""

from __future__ import annotations

import io
import logging
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

from .errors import PdfError
from .ingest import SourceTable, SourceText, TableCell, sha256_bytes
from .repair import EXPONENT_BASE

# pdfminer logs every odd colour operator or font quirk of real journal PDFs as a
# warning; they are not the user's problem and would drown the CLI's output.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

Box = tuple[int, float, float, float, float]

LIGATURES = {
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
    "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st",
}
SOFT_HYPHEN = "\u00ad"
LINE_HYPHENS = "-\u2010\u00ad"
#: a line ending in one of these continues with no space (``27–`` / ``87%``, ``and/`` / ``or``)
JOIN_NO_SPACE = "\u2013\u2014/"
NO_TEXT_LAYER = "no text layer, OCR not supported"

#: superscript text that is a citation marker: ``4``, ``14,15``, ``4–6,8–12``, ``[8,9]``
CITATION_RE = re.compile(r"^[\[(]?\d{1,3}(?:\s*[,\u2013\u2014-]\s*\d{1,3})*[\])]?$")
#: a superscript digit after one of these is an exponent, not a citation (m², 10⁹)
EXPONENT_BASE_RE = EXPONENT_BASE
CAPTION_RE = re.compile(r"^(?:Table|TABLE|Figure|FIGURE|Fig\.?|Supplementary (?:Table|Figure))\s*[0-9IVXS]+[A-Za-z]?\b")
TABLE_CAPTION_RE = re.compile(r"^(?:Table|TABLE)\s*[0-9IVX]+[A-Za-z]?\b")
PAGE_NUMBER_RE = re.compile(r"^(?:page\s*)?#(?:\s*(?:of|/)\s*#)?$|^[-–—]\s*#\s*[-–—]$")
BOLD_RE = re.compile(r"bold|black|heavy|semibold|demi|[.,-]B$|[.,-]BI$", re.I)
WORD_RE = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")

#: a gap wider than this many ems splits a segment (gutter, table cell)
SEGMENT_GAP_EM = 1.0
#: a gap wider than this many ems between two glyphs of a line is a space
SPACE_GAP_EM = 0.18
#: furniture lives in the top and bottom share of the page
FURNITURE_ZONE = 0.10


class Glyph:
    """One PDF character: layout box (reading frame) plus its real box on the page."""

    __slots__ = ("text", "x0", "x1", "top", "bottom", "h", "bold", "font", "box", "space_before")

    def __init__(
        self, text: str, x0: float, x1: float, top: float, bottom: float, bold: bool, box: Box, font: str = ""
    ) -> None:
        self.text = text
        self.font = font
        self.x0, self.x1, self.top, self.bottom = x0, x1, top, bottom
        self.h = bottom - top
        self.bold = bold
        self.box = box
        self.space_before = False


class Segment:
    """Glyphs on one baseline with no wide gap; ``top``/``bottom`` is the band of its largest glyphs."""

    __slots__ = ("glyphs", "x0", "x1", "top", "bottom", "size")

    def __init__(self, g: Glyph) -> None:
        self.glyphs = [g]
        self.x0, self.x1 = g.x0, g.x1
        self.top, self.bottom, self.size = g.top, g.bottom, g.h

    def add(self, g: Glyph) -> None:
        self.glyphs.append(g)
        if g.x1 > self.x1:
            self.x1 = g.x1
        if g.x0 < self.x0:
            self.x0 = g.x0
        if g.h > self.size * 1.1:
            self.top, self.bottom, self.size = g.top, g.bottom, g.h
        elif g.h >= self.size * 0.9:
            self.top = min(self.top, g.top)
            self.bottom = max(self.bottom, g.bottom)

    def overlaps(self, top: float, bottom: float, h: float) -> bool:
        ov = min(bottom, self.bottom) - max(top, self.top)
        return ov >= 0.4 * min(h, self.size)

    def text(self) -> str:
        out = []
        prev = None
        for g in self.glyphs:
            if prev is not None and (g.space_before or g.x0 - prev.x1 > SPACE_GAP_EM * self.size):
                out.append(" ")
            out.append(g.text)
            prev = g
        return "".join(out).strip()


@dataclass
class Line:
    """Segments of one row inside one column (or spanning), in x order."""

    segs: list[Segment]
    page: int
    col: int = 0
    band: int = 0
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0
    bold: bool = False
    font: str = ""
    col_left: float = 0.0
    col_right: float = 0.0
    rendered: "Rendered | None" = None

    def finish(self) -> "Line":
        self.segs.sort(key=lambda s: s.x0)
        self.x0 = min(s.x0 for s in self.segs)
        self.x1 = max(s.x1 for s in self.segs)
        big = max(self.segs, key=lambda s: s.size)
        self.top = min(s.top for s in self.segs if s.size >= 0.9 * big.size)
        self.bottom = max(s.bottom for s in self.segs if s.size >= 0.9 * big.size)
        glyphs = [g for s in self.segs for g in s.glyphs]
        # the line's size is its most common glyph height: one tall symbol from
        # another font must not make a line look like a heading
        self.size = Counter(round(g.h, 1) for g in glyphs).most_common(1)[0][0]
        self.font = Counter(g.font for g in glyphs).most_common(1)[0][0]
        self.bold = sum(1 for g in glyphs if g.bold) >= 0.8 * len(glyphs)
        return self


@dataclass
class Rendered:
    """A line (or cell) as text: one box per character, citation ranges relative to it."""

    chars: list[str] = field(default_factory=list)
    boxes: list[Box | None] = field(default_factory=list)
    cites: list[tuple[int, int]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.chars)

    def extend(self, other: "Rendered") -> None:
        n = len(self.chars)
        self.chars.extend(other.chars)
        self.boxes.extend(other.boxes)
        self.cites.extend((s + n, e + n) for s, e in other.cites)

    def sep(self, s: str) -> None:
        self.chars.extend(s)
        self.boxes.extend([None] * len(s))


@dataclass
class TableBlock:
    #: rows of cells; a cell is its lines, top to bottom
    rows: list[list[list[Rendered]]]
    page: int
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass
class PageLayout:
    """One page after grouping: lines and tables in reading order, furniture apart."""

    number: int
    items: list[Line | TableBlock] = field(default_factory=list)
    header: list[Line] = field(default_factory=list)
    footer: list[Line] = field(default_factory=list)
    has_text: bool = True


# --------------------------------------------------------------------------- glyphs


def _quadrant(matrix: tuple) -> int:
    a, b = matrix[0], matrix[1]
    return int(round(math.degrees(math.atan2(b, a)) / 90.0)) % 4


#: one character as read: (text, x0, x1, top, bottom, matrix, upright, fontname), pdfplumber's coordinates
RawChar = tuple[str, float, float, float, float, tuple, bool, str]


def page_chars(page) -> tuple[list[RawChar], list]:
    """The page's characters (pdfplumber's ``page.chars`` values) and its rules (pdfminer curves).

    Read from pdfplumber's pdfminer layout directly: converting every layout object
    into pdfplumber's attribute dicts costs about a third of the parse, and only
    six attributes are needed. Coordinates follow pdfplumber (top-left origin,
    MediaBox offset applied), so boxes agree with ``page.chars``.
    """
    from pdfminer.layout import LTChar, LTContainer, LTCurve

    height = float(page.height)
    mb_x0, mb_top = (float(v) for v in page.mediabox[:2])
    out: list[RawChar] = []
    rules: list = []
    stack = [iter(page.layout._objs)]
    while stack:
        for obj in stack[-1]:
            if isinstance(obj, LTChar):
                fn = obj.fontname
                if isinstance(fn, bytes):
                    fn = fn.decode("latin-1")
                out.append((
                    obj.get_text(), obj.x0 + mb_x0, obj.x1 + mb_x0,
                    height - obj.y1 + mb_top, height - obj.y0 + mb_top,
                    obj.matrix, obj.upright, fn,
                ))
            elif isinstance(obj, LTContainer):
                stack.append(iter(obj._objs))
                break
            elif isinstance(obj, LTCurve):  # LTLine and LTRect are curves too
                rules.append(obj)
        else:
            stack.pop()
    return out, rules


def page_glyphs(chars: list[RawChar], page_no: int, width: float, height: float) -> tuple[list[Glyph], list[Glyph], int]:
    """Glyphs of the page's dominant text direction, those of other directions, and that direction."""
    bold_cache: dict[str, bool] = {}
    quads = [0 if c[6] else _quadrant(c[5]) for c in chars]
    counts = Counter(q for q, c in zip(quads, chars) if not c[0].isspace())
    main = counts.most_common(1)[0][0] if counts else 0
    glyphs: list[Glyph] = []
    other: list[Glyph] = []
    pending_space = False
    for q, (t, x0, x1, top, bottom, _m, _u, fn) in zip(quads, chars):
        if not t:
            continue
        if t.isspace():
            pending_space = True
            continue
        bold = bold_cache.get(fn)
        if bold is None:
            bold = bold_cache[fn] = bool(BOLD_RE.search(fn))
        box = (page_no, round(x0, 2), round(top, 2), round(x1, 2), round(bottom, 2))
        if q == 0:
            g = Glyph(t, x0, x1, top, bottom, bold, box, fn)
        else:
            # Rotate the centre into the text's own frame: u along the text, v up.
            th = q * math.pi / 2
            cx, cy = (x0 + x1) / 2, height - (top + bottom) / 2
            u = cx * math.cos(th) + cy * math.sin(th)
            v = -cx * math.sin(th) + cy * math.cos(th)
            w, h = (bottom - top, x1 - x0) if q % 2 else (x1 - x0, bottom - top)
            # offset keeps layout coordinates positive (only order matters)
            off = width + height
            g = Glyph(t, u - w / 2 + off, u + w / 2 + off, -v - h / 2 + off, -v + h / 2 + off, bold, box, fn)
        if pending_space:
            g.space_before = True
            pending_space = False
        (glyphs if q == main else other).append(g)
    return glyphs, other, main


# ------------------------------------------------------------------------- segments


def build_segments(glyphs: list[Glyph]) -> list[Segment]:
    """Group glyphs (content-stream order) into segments, then merge out-of-order pieces."""
    segs: list[Segment] = []
    cur: Segment | None = None
    for g in glyphs:
        if cur is not None:
            em = max(cur.size, g.h)
            if (
                g.x0 >= cur.x1 - 0.5 * em
                and g.x0 - cur.x1 <= SEGMENT_GAP_EM * em
                and cur.overlaps(g.top, g.bottom, g.h)
            ):
                cur.add(g)
                continue
            if g.space_before is False and g.x0 < cur.x1 - 0.5 * em and cur.overlaps(g.top, g.bottom, g.h) and g.x0 >= cur.x0:
                # overprinted glyph (fake bold, shadow): same place, same line
                cur.add(g)
                continue
        cur = Segment(g)
        segs.append(cur)
    return merge_segments(segs)


def merge_segments(segs: list[Segment]) -> list[Segment]:
    """Join segments that sit on one baseline with a small gap (content streams out of x order)."""
    if len(segs) < 2:
        return segs
    out: list[Segment] = []
    buckets: dict[int, list[Segment]] = defaultdict(list)
    for s in sorted(segs, key=lambda s: s.x0):
        key = int(s.bottom // 3)
        target = None
        for k in (key - 1, key, key + 1):
            for o in buckets.get(k, ()):
                em = max(o.size, s.size)
                if -0.5 * em <= s.x0 - o.x1 <= SEGMENT_GAP_EM * em and o.overlaps(s.top, s.bottom, s.size):
                    target = o
                    break
            if target is not None:
                break
        if target is None:
            out.append(s)
            buckets[key].append(s)
            continue
        for g in s.glyphs:
            target.add(g)
    for s in out:
        gl = s.glyphs
        if any(gl[i].x0 < gl[i - 1].x0 - 0.01 for i in range(1, len(gl))):
            gl.sort(key=lambda g: g.x0)
    return out


# ------------------------------------------------------------------------ rendering


def render_glyphs(glyphs: list[Glyph], size: float, baseline: float) -> Rendered:
    """Text of glyphs in x order: spaces from gaps, superscript citations, ligatures."""
    r = Rendered()
    n = len(glyphs)
    i = 0
    prev: Glyph | None = None
    after_cite = False
    while i < n:
        g = glyphs[i]
        if g.h <= 0.85 * size and g.bottom < baseline - 0.2 * size:
            # a superscript run: collect it whole, then decide what it is
            j = i
            while j < n and glyphs[j].h <= 0.85 * size and glyphs[j].bottom < baseline - 0.2 * size:
                j += 1
            run = glyphs[i:j]
            run_text = "".join(x.text for x in run)
            before = r.text.rsplit(" ", 1)[-1]
            if CITATION_RE.match(run_text) and before and not EXPONENT_BASE_RE.search(before):
                # no space before a citation, whatever the gap
                start = len(r.chars)
                for x in run:
                    _append_glyph(r, x)
                r.cites.append((start, len(r.chars)))
                prev = run[-1]
                after_cite = True
                i = j
                continue
            # any other superscript (CD4⁺, m², ®): plain text, attached
            for x in run:
                if prev is not None and x.space_before and r.chars and r.chars[-1] != " ":
                    r.sep(" ")
                _append_glyph(r, x)
                prev = x
            after_cite = False
            i = j
            continue
        if prev is not None and r.chars and r.chars[-1] != " ":
            gap = g.x0 - prev.x1
            if g.space_before or gap > SPACE_GAP_EM * size or (after_cite and g.text[:1].isalnum()):
                r.sep(" ")
        _append_glyph(r, g)
        prev = g
        after_cite = False
        i += 1
    return r


def _append_glyph(r: Rendered, g: Glyph) -> None:
    t = g.text
    if t == SOFT_HYPHEN:
        # kept only at a line end, where it marks a hyphenation; dropped mid-line
        r.chars.append(t)
        r.boxes.append(g.box)
        return
    t = LIGATURES.get(t, t)
    if len(t) == 1:
        r.chars.append(t)
        r.boxes.append(g.box)
        return
    # several characters from one glyph: split its box evenly along x
    p, x0, top, x1, bottom = g.box
    w = (x1 - x0) / len(t)
    for k, ch in enumerate(t):
        r.chars.append(ch)
        r.boxes.append((p, round(x0 + k * w, 2), top, round(x0 + (k + 1) * w, 2), bottom))


def render_line(line: Line) -> Rendered:
    if line.rendered is None:
        glyphs = [g for s in line.segs for g in s.glyphs]
        if len(line.segs) > 1:
            glyphs.sort(key=lambda g: g.x0)
        baseline = _baseline(glyphs, line.size)
        r = render_glyphs(glyphs, line.size, baseline)
        _drop_inner_soft_hyphens(r)
        line.rendered = r
    return line.rendered


def _baseline(glyphs: list[Glyph], size: float) -> float:
    bottoms = [g.bottom for g in glyphs if g.h >= 0.9 * size]
    return median(bottoms) if bottoms else glyphs[0].bottom


def _drop_inner_soft_hyphens(r: Rendered) -> None:
    if SOFT_HYPHEN not in r.chars[:-1]:
        return
    keep = [k for k, ch in enumerate(r.chars) if ch != SOFT_HYPHEN or k == len(r.chars) - 1]
    remap = {old: new for new, old in enumerate(keep)}
    r.cites = [(remap.get(s, s), remap.get(e - 1, e - 1) + 1) for s, e in r.cites]
    r.chars = [r.chars[k] for k in keep]
    r.boxes = [r.boxes[k] for k in keep]


# -------------------------------------------------------------------- hyphenation


#: second parts of compounds that keep their hyphen ("platinum-based", "treatment-naive")
COMPOUND_TAILS = frozenset(
    "based free naive naïve related line year years month months week weeks day days dose specific "
    "induced treated pretreated generation positive negative rearranged like term label risk type level "
    "fold containing resistant refractory mediated dependent associated defined driven sparing controlled "
    "blind arm arms group up".split()
)
#: first parts that keep their hyphen ("non-", "post-", "second-")
COMPOUND_HEADS = frozenset(
    "non post anti self well long short first second third fourth high low double single open cross "
    "end half all".split()
)


def keep_hyphen(left: str, right: str, vocab: set[str], compounds: set[str]) -> bool:
    """Whether the hyphen ending ``left…-`` on one line stays when joined with ``right``.

    ``left`` and ``right`` are the letter runs on each side ("progres", "sion").
    In order: a capital or digit after the hyphen keeps it; so does the hyphenated
    pair seen elsewhere in the document; the joined word seen elsewhere drops it; a
    common compound part (``-based``, ``non-``) keeps it; both parts being words of
    ≥ 3 letters seen elsewhere keeps it; anything else was a hyphenation: dropped.
    """
    if not left or not right or not right[0].isalpha():
        return True  # "PF-" / "06463922", "1-" / "year": not a split word
    if right[0].isupper():
        return True  # "IC-" / "TTP", "anti-" / "EGFR"
    lw, rw = left.lower(), right.lower()
    if f"{lw}-{rw}" in compounds:
        return True
    if lw + rw in vocab:
        return False
    if rw in COMPOUND_TAILS or lw in COMPOUND_HEADS:
        return True
    return len(lw) >= 3 and len(rw) >= 3 and lw in vocab and rw in vocab


_LEFT_RE = re.compile(r"([A-Za-z]*)[-\u2010\u00ad]$")
_RIGHT_RE = re.compile(r"^([A-Za-z]*)")


def build_vocab(lines: list[Rendered]) -> tuple[set[str], set[str]]:
    """Words and hyphenated pairs seen inside lines (not at a line-end split)."""
    vocab: set[str] = set()
    compounds: set[str] = set()
    prev_hyph = False
    for r in lines:
        text = r.text
        words = WORD_RE.findall(text)
        if words and prev_hyph and text[: len(words[0])] == words[0]:
            words = words[1:]  # the tail of a split word is not a word on its own
        prev_hyph = bool(text) and text[-1] in LINE_HYPHENS
        if prev_hyph and words and text.rstrip(LINE_HYPHENS).endswith(words[-1]):
            words = words[:-1]
        for w in words:
            parts = w.lower().split("-")
            vocab.update(parts)
            if len(parts) > 1:
                vocab.add("".join(parts))
                compounds.update(f"{a}-{b}" for a, b in zip(parts, parts[1:]))
    return vocab, compounds


# ------------------------------------------------------------------------- columns


def find_gutters(segs: list[Segment], body: float) -> list[tuple[float, float]]:
    """x-ranges with column text on both sides and no prose-width segment across."""
    if len(segs) < 8:
        return []
    tx0 = min(s.x0 for s in segs)
    tx1 = max(s.x1 for s in segs)
    width = tx1 - tx0
    if width < 20 * body:
        return []
    prose = [s for s in segs if 0.22 * width <= s.x1 - s.x0 <= 0.62 * width]
    if len(prose) < 8:
        return []
    n = int(width) + 2
    diff = [0] * (n + 1)
    for s in prose:
        a = max(0, int(s.x0 - tx0))
        b = min(n, int(math.ceil(s.x1 - tx0)))
        diff[a] += 1
        diff[b] -= 1
    cov = []
    acc = 0
    for k in range(n):
        acc += diff[k]
        cov.append(acc)
    lo, hi = int(0.15 * width), int(0.85 * width)
    # Lines of a full-width region above or below the columns (a title's last line,
    # an abstract's short last lines) may cross the gutter: allow a quarter of the
    # column's lines, then take the least-covered stretch of each run.
    allowed = int(0.25 * max(cov))
    gutters: list[tuple[float, float]] = []
    k = lo
    while k < hi:
        if cov[k] > allowed:
            k += 1
            continue
        j = k
        while j < hi and cov[j] <= allowed:
            j += 1
        m = min(cov[k:j])
        best = (0, k)
        a = k
        while a < j:
            if cov[a] != m:
                a += 1
                continue
            b = a
            while b < j and cov[b] == m:
                b += 1
            best = max(best, (b - a, a))
            a = b
        gx0, gx1 = tx0 + best[1], tx0 + best[1] + best[0]
        k = j
        if gx1 - gx0 < 0.5 * body:
            continue
        left = [s for s in prose if s.x1 <= gx0 + 1]
        right = [s for s in prose if s.x0 >= gx1 - 1]
        if len(left) < 4 or len(right) < 4:
            continue
        cross = sum(1 for s in segs if s.x0 < gx0 and s.x1 > gx1)
        if len(left) + len(right) < 0.3 * cross:
            continue
        # a column has an aligned left edge: several lines start at the same x
        if not (_aligned(left, body) and _aligned(right, body)):
            continue
        gutters.append((gx0, gx1))
    return gutters


def _aligned(segs: list[Segment], body: float) -> bool:
    x = min(s.x0 for s in segs)
    return sum(1 for s in segs if s.x0 - x < 0.5 * body) >= 4


def _rows(segs: list[Segment]) -> list[list[Segment]]:
    """Group segments (sorted by top) into rows that share a baseline."""
    rows: list[list[Segment]] = []
    band: Segment | None = None
    for s in sorted(segs, key=lambda s: (s.top, s.x0)):
        if rows and band is not None and band.overlaps(s.top, s.bottom, s.size):
            rows[-1].append(s)
            if s.size > band.size:
                band = s
            continue
        rows.append([s])
        band = s
    return rows


def layout_page(page_no: int, segs: list[Segment], tables: list[TableBlock], body: float) -> list[Line | TableBlock]:
    """Order one page's segments and tables: bands top to bottom, columns left to right."""
    gutters = find_gutters(segs, body)
    tol = 0.3 * body

    def crosses(x0: float, x1: float) -> bool:
        return any(x0 < g1 - tol and x1 > g0 + tol for g0, g1 in gutters)

    def column(x0: float, x1: float) -> int:
        c = (x0 + x1) / 2
        return sum(1 for g0, g1 in gutters if c > (g0 + g1) / 2)

    # (top, payload): spanning rows and tables cut the page into bands
    spanning: list[tuple[float, object]] = []
    colitems: list[tuple[float, int, object]] = []
    if not gutters:
        for row in _rows(segs):
            spanning.append((min(s.top for s in row), Line(row, page_no, col=-1).finish()))
    else:
        wide = [s for s in segs if crosses(s.x0, s.x1)]
        # a column segment beside a spanning one (same baseline) spans with it
        span_rows = _rows(wide)
        bands = [(min(s.top for s in r), max(s.bottom for s in r), max(s.size for s in r)) for r in span_rows]
        by_col: dict[int, list[Segment]] = defaultdict(list)
        for s in segs:
            if crosses(s.x0, s.x1):
                continue
            for k, (bt, bb, bs) in enumerate(bands):
                if min(bb, s.bottom) - max(bt, s.top) >= 0.4 * min(bs, s.size):
                    span_rows[k].append(s)
                    break
            else:
                by_col[column(s.x0, s.x1)].append(s)
        for row in span_rows:
            spanning.append((min(s.top for s in row), Line(row, page_no, col=-1).finish()))
        for c, cs in by_col.items():
            for row in _rows(cs):
                colitems.append((min(s.top for s in row), c, Line(row, page_no, col=c).finish()))
    for t in tables:
        if not gutters or crosses(t.x0, t.x1):
            spanning.append((t.top, t))
        else:
            colitems.append((t.top, column(t.x0, t.x1), t))
    spanning.sort(key=lambda x: x[0])
    colitems.sort(key=lambda x: x[0])
    out: list[Line | TableBlock] = []
    band = 0
    ci = 0
    ncols = len(gutters) + 1

    def flush(limit: float) -> None:
        nonlocal ci, band
        chunk = []
        while ci < len(colitems) and colitems[ci][0] < limit:
            chunk.append(colitems[ci])
            ci += 1
        if not chunk:
            return
        band += 1  # columns between spanning rows: a band of their own
        for c in range(ncols):
            col = [it for t, cc, it in chunk if cc == c]
            lines = [it for it in col if isinstance(it, Line)]
            if lines:
                left = min(ln.x0 for ln in lines)
                right = max(ln.x1 for ln in lines)
                for ln in lines:
                    ln.col_left, ln.col_right, ln.band = left, right, band
            out.extend(col)
        band += 1

    page_left, page_right = (min(s.x0 for s in segs), max(s.x1 for s in segs)) if segs else (0.0, 1.0)
    for top, item in spanning:
        flush(top)
        if isinstance(item, Line):
            # consecutive spanning lines share a band: they are one flow
            item.col_left, item.col_right, item.band = page_left, page_right, band
        out.append(item)
    flush(float("inf"))
    return out


# --------------------------------------------------------------------------- tables


def layout_box(q: int, width: float, height: float, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """A page-space box (x0, top, x1, bottom) in the layout frame of text direction ``q``."""
    if q == 0:
        return box
    th = q * math.pi / 2
    off = width + height
    xs, ys = [], []
    for px, pt in ((box[0], box[1]), (box[2], box[3]), (box[0], box[3]), (box[2], box[1])):
        cy = height - pt
        xs.append(px * math.cos(th) + cy * math.sin(th) + off)
        ys.append(-(-px * math.sin(th) + cy * math.cos(th)) + off)
    return min(xs), min(ys), max(xs), max(ys)


def ruled_tables(page, glyphs: list[Glyph], page_no: int, q: int, rules: list) -> tuple[list[TableBlock], list[Glyph]]:
    """pdfplumber's table finder on a page with rules; returns tables and the glyphs left.

    Cells come back as page-space boxes; they are put into rows and columns in the
    page's reading frame, so a table on a rotated page reads row by row too.
    """
    try:
        # The finder reads ``page.objects``; parsing all of them (every character
        # into a dict) would cost more than the page's layout itself, so the page's
        # object cache is given the rules only (the "lines" strategy needs no text).
        objects: dict[str, list] = defaultdict(list)
        for obj in rules:
            d = page.process_object(obj)
            objects[d["object_type"]].append(d)
        if not (objects.get("line") or objects.get("rect")):
            return [], glyphs  # curves only (a chart): no ruled table
        page._objects = dict(objects)
        found = page.find_tables()
    except Exception:  # noqa: BLE001 - a table-finder failure must not lose the page's text
        return [], glyphs
    width, height = float(page.width), float(page.height)
    blocks: list[TableBlock] = []
    taken: set[int] = set()
    for t in found:
        cells = [c for c in t.cells if c is not None]
        if len(cells) < 4:
            continue
        bx0, btop, bx1, bbot = t.bbox
        inside = [
            (k, g) for k, g in enumerate(glyphs)
            if k not in taken and bx0 <= (g.box[1] + g.box[3]) / 2 <= bx1 and btop <= (g.box[2] + g.box[4]) / 2 <= bbot
        ]
        if not inside:
            continue
        content: list[list[Glyph]] = [[] for _ in cells]
        for k, g in inside:
            cx, cy = (g.box[1] + g.box[3]) / 2, (g.box[2] + g.box[4]) / 2
            for ci, c in enumerate(cells):
                if c[0] <= cx <= c[2] and c[1] <= cy <= c[3]:
                    content[ci].append(g)
                    break
        if sum(1 for c in content if c) < 2:
            continue
        boxes = [layout_box(q, width, height, c) for c in cells]
        order = sorted(range(len(cells)), key=lambda i: (boxes[i][1], boxes[i][0]))
        grid: list[list[int]] = []
        row_top = None
        for i in order:
            if row_top is None or boxes[i][1] - row_top > 1.0:
                grid.append([])
                row_top = boxes[i][1]
            grid[-1].append(i)
        if len(grid) < 2 or max(len(r) for r in grid) < 2:
            continue
        taken.update(k for k, _ in inside)
        out_rows = []
        for r in grid:
            r.sort(key=lambda i: boxes[i][0])
            row = [render_cell(content[i]) for i in r]
            if any(row):
                out_rows.append(row)
        gl = [g for _, g in inside]
        blocks.append(TableBlock(out_rows, page_no, min(g.x0 for g in gl), max(g.x1 for g in gl),
                                 min(g.top for g in gl), max(g.bottom for g in gl)))
    if not taken:
        return blocks, glyphs
    return blocks, [g for k, g in enumerate(glyphs) if k not in taken]


def render_cell(glyphs: list[Glyph]) -> list[Rendered]:
    """A cell's lines, top to bottom (joined later, when the document's words are known)."""
    if not glyphs:
        return []
    segs = build_segments(glyphs)
    return [render_line(Line(row, 0).finish()) for row in _rows(segs)]


def join_lines(parts: list[Rendered], vocab: set[str], compounds: set[str]) -> Rendered:
    out = Rendered()
    for r in parts:
        if not r.chars:
            continue
        if out.chars:
            _join(out, r, vocab, compounds)
        out.extend(r)
    if out.chars and out.chars[-1] == SOFT_HYPHEN:
        out.chars.pop()
        out.boxes.pop()
    return out


def _join(out: Rendered, nxt: Rendered, vocab: set[str], compounds: set[str]) -> None:
    """Append the separator between two wrapped lines (or undo a line-end hyphen)."""
    last = out.chars[-1]
    first = nxt.chars[0]
    if last in LINE_HYPHENS:
        if last == SOFT_HYPHEN:
            out.chars.pop()
            out.boxes.pop()
            return
        tail = "".join(out.chars[-40:])
        m = _LEFT_RE.search(tail)
        left = m.group(1) if m else ""
        right = _RIGHT_RE.match("".join(nxt.chars[:40])).group(1)  # type: ignore[union-attr]
        if not keep_hyphen(left, right, vocab, compounds):
            out.chars.pop()
            out.boxes.pop()
        return
    if last in JOIN_NO_SPACE and (first.isalnum()):
        return
    out.sep(" ")


def ruleless_tables(lines: list[Line], body: float) -> tuple[list[Line | TableBlock], bool]:
    """Find tables without rules in one column's lines; return the lines with tables in place.

    A table starts under a ``Table N`` caption, or at a run of three lines of ≥ 3
    cells; either way its rows must line up (cell edges or centres at the same x), so
    the wide word gaps of justified prose never make a table.
    """
    n = len(lines)
    cells = [_cells_of(ln, body) for ln in lines]
    out: list[Line | TableBlock] = []
    found = False
    i = 0
    while i < n:
        start = None
        ln = lines[i]
        if TABLE_CAPTION_RE.match(render_line(ln).text):
            # skip the caption's own lines (one cell each), then rows
            j = i + 1
            while j < n and len(cells[j]) < 2 and j - i <= 4 and abs(lines[j].size - ln.size) < 0.5:
                j += 1
            if j + 1 < n and _row_aligned(cells[j], cells[j + 1], body):
                start = j
        elif (
            i + 2 < n and len(cells[i]) >= 3 and len(cells[i + 1]) >= 3 and len(cells[i + 2]) >= 3
            and _row_aligned(cells[i], cells[i + 1], body) and _row_aligned(cells[i + 1], cells[i + 2], body)
        ):
            start = i
        if start is None:
            out.append(ln)
            i += 1
            continue
        out.extend(lines[i:start])
        end = start + 1
        last_multi = start
        while end < n:
            cur, prev = lines[end], lines[end - 1]
            if cur.top - prev.bottom > 1.6 * max(cur.size, body) or cur.page != prev.page or cur.col != prev.col:
                break
            if len(cells[end]) >= 2 and _row_aligned(cells[last_multi], cells[end], body):
                last_multi = end
                end += 1
                continue
            width = cur.x1 - cur.x0
            if len(cells[end]) == 1 and width < 0.45 * max(1.0, cur.col_right - cur.col_left) \
                    and not TABLE_CAPTION_RE.match(render_line(cur).text):
                end += 1  # a wrapped cell's next line
                continue
            break
        out.append(_table_from_lines(lines[start:end], body))
        found = True
        i = end
    return out, found


def _row_aligned(a: list[Segment], b: list[Segment], body: float) -> bool:
    """Whether two rows of cells line up: an inner cell edge or centre at the same x."""
    if len(a) < 2 or len(b) < 2:
        return False
    tol = 0.4 * body
    hits = 0
    for k, c in enumerate(b):
        for m, d in enumerate(a):
            if (
                (k > 0 and m > 0 and abs(c.x0 - d.x0) < tol)
                or (k < len(b) - 1 and m < len(a) - 1 and abs(c.x1 - d.x1) < tol)
                or (0 < k < len(b) - 1 and abs(c.x0 + c.x1 - d.x0 - d.x1) < 2 * tol)
            ):
                hits += 1
                break
    return hits >= (1 if len(b) == 2 else 2)


def _cells_of(line: Line, body: float) -> list[Segment]:
    """A line's cells: its segments, unless the gaps between them are all equal.

    Justification stretches every word gap of a line alike; in a narrow column the
    gaps can pass 1 em and cut the line into one segment per word. Equal gaps are
    prose, a table row's gaps differ with its cells' widths.
    """
    segs = line.segs
    if len(segs) >= 3:
        gaps = [b.x0 - a.x1 for a, b in zip(segs, segs[1:])]
        if max(gaps) - min(gaps) < 0.15 * line.size:
            return [_merged(segs)]
    return segs


def _merged(segs: list[Segment]) -> Segment:
    out = Segment(segs[0].glyphs[0])
    for s in segs:
        for g in s.glyphs[1:] if s is segs[0] else s.glyphs:
            out.add(g)
    return out


def _table_from_lines(rows: list[Line], body: float) -> TableBlock:
    cells_per_row = [_cells_of(ln, body) for ln in rows]
    # column intervals: union of cell x-extents over the rows with the most cells
    widest = max(len(c) for c in cells_per_row)

    def intervals(skip_first: bool) -> list[list[float]]:
        spans = sorted(
            ((c.x0, c.x1) for k, cs in enumerate(cells_per_row) if len(cs) >= 2 and not (skip_first and k == 0) for c in cs)
        )
        merged: list[list[float]] = []
        for a, b in spans:
            if merged and a <= merged[-1][1] + 0.3 * body:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        return merged

    cols = intervals(False)
    if len(cols) < widest:
        cols = intervals(True) or cols

    def col_of(c: Segment) -> int:
        best, score = 0, -1e9
        for k, (a, b) in enumerate(cols):
            ov = min(b, c.x1) - max(a, c.x0)
            if ov > score:
                best, score = k, ov
        return best

    table_rows: list[list[list[Segment]]] = []
    for cs in cells_per_row:
        slots: list[list[Segment]] = [[] for _ in cols]
        for c in cs:
            slots[col_of(c)].append(c)
        if table_rows and not slots[0]:
            # no first-column cell: the continuation line of a multi-line row
            for k, extra in enumerate(slots):
                table_rows[-1][k].extend(extra)
        else:
            table_rows.append(slots)
    out_rows = [[_render_segs(cell) for cell in slots] for slots in table_rows]
    return TableBlock(out_rows, rows[0].page, min(ln.x0 for ln in rows), max(ln.x1 for ln in rows),
                      rows[0].top, rows[-1].bottom)


def _render_segs(segs: list[Segment]) -> list[Rendered]:
    return [render_line(Line(row, 0).finish()) for row in _rows(segs)]


# ------------------------------------------------------------------------ furniture


def _zone(seg: Segment, height: float) -> str | None:
    if seg.bottom <= FURNITURE_ZONE * height:
        return "top"
    if seg.top >= (1 - FURNITURE_ZONE) * height:
        return "bottom"
    return None


def _furniture_key(seg: Segment) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", seg.text().lower())).strip()


# -------------------------------------------------------------------------- reading


def read_pdf(path: str | Path) -> SourceText:
    """Read a PDF into a :class:`SourceText` (see the module docstring for the layout rules).

    Raises :class:`PdfError` with a one-line reason for a corrupt, truncated or
    encrypted file; pages without a text layer give warnings, not errors.
    """
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise PdfError(f"corrupt or unreadable PDF: {exc.strerror or exc}") from None
    if b"%PDF" not in data[:1024]:
        raise PdfError("corrupt or unreadable PDF: no PDF header")
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            raw = _collect_pages(pdf)
    except Exception as exc:  # noqa: BLE001 - every parser failure becomes a one-line PdfError
        cause = _root_cause(exc)
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise PdfError("encrypted PDF: a password is required") from None
        reason = " ".join(str(cause).split())[:120] or type(cause).__name__
        raise PdfError(f"corrupt or unreadable PDF: {reason}") from None
    if not raw:
        raise PdfError("corrupt or unreadable PDF: no pages")
    return assemble(raw, str(p), sha256_bytes(data))


def _root_cause(exc: BaseException) -> BaseException:
    """The pdfminer error inside pdfplumber's wrapper (``PdfminerException(e)``)."""
    seen = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        inner = exc.__cause__ or (exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None)
        if inner is None:
            break
        exc = inner
    return exc


@dataclass
class RawPage:
    number: int
    width: float
    height: float
    segs: list[Segment]
    margin_segs: list[Segment]
    tables: list[TableBlock]
    nglyphs: int


def _collect_pages(pdf) -> list[RawPage]:
    pages: list[RawPage] = []
    for k, page in enumerate(pdf.pages, start=1):
        chars, rules = page_chars(page)
        glyphs, other, q = page_glyphs(chars, k, float(page.width), float(page.height))
        tables, glyphs = ruled_tables(page, glyphs, k, q, rules) if glyphs and rules else ([], glyphs)
        segs = build_segments(glyphs)
        margin = build_segments(other) if other else []
        pages.append(RawPage(k, float(page.width), float(page.height), segs, margin, tables,
                             len(glyphs) + len(other) + sum(1 for _ in tables)))
        page.close()
    return pages


def assemble(raw: list[RawPage], path: str, sha: str) -> SourceText:
    """Turn collected pages into the document text, with furniture, tables and citations."""
    warnings: list[str] = []
    npages = len(raw)
    empty = [rp.number for rp in raw if rp.nglyphs == 0]
    if npages and len(empty) == npages:
        warnings.append(NO_TEXT_LAYER)
    else:
        warnings.extend(f"page {n}: {NO_TEXT_LAYER}" for n in empty)

    sizes: Counter[float] = Counter()
    for rp in raw:
        for s in rp.segs:
            for g in s.glyphs:
                sizes[round(g.h, 1)] += 1
    body = sizes.most_common(1)[0][0] if sizes else 10.0

    # furniture: recurring texts in the top/bottom zone, and bare page numbers there
    keyed: dict[tuple[str, str], set[int]] = defaultdict(set)
    zones: dict[int, list[tuple[Segment, str, str]]] = defaultdict(list)
    for rp in raw:
        layout_h = max((s.bottom for s in rp.segs), default=rp.height)
        layout_t = min((s.top for s in rp.segs), default=0.0)
        h = max(rp.height, layout_h - layout_t) if rp.segs else rp.height
        for s in rp.segs:
            z = _zone_rel(s, layout_t, h, rp)
            if z:
                key = _furniture_key(s)
                if key:
                    keyed[(z, key)].add(rp.number)
                    zones[rp.number].append((s, z, key))
    need = max(2, math.ceil(0.25 * npages))
    layouts: list[PageLayout] = []
    for rp in raw:
        furn: dict[int, str] = {}
        for s, z, key in zones.get(rp.number, ()):
            if npages >= 2 and (len(keyed[(z, key)]) >= need or PAGE_NUMBER_RE.match(key)):
                furn[id(s)] = z
        # Furniture stands apart from the text block: a repeated short line that
        # ends a column ("patients") sits one leading from the line above it.
        for s in [s for s in rp.segs if id(s) in furn]:
            gap = min(
                (max(o.top - s.bottom, s.top - o.bottom) for o in rp.segs if id(o) not in furn),
                default=body,
            )
            if gap < 0.6 * body:
                del furn[id(s)]
        prose = [s for s in rp.segs if id(s) not in furn]
        pl = PageLayout(rp.number, has_text=rp.nglyphs > 0)
        pl.header = [Line(r, rp.number, col=-2).finish() for r in _rows([s for s in rp.segs if furn.get(id(s)) == "top"])]
        pl.footer = [Line(r, rp.number, col=-2).finish() for r in _rows([s for s in rp.segs if furn.get(id(s)) == "bottom"])]
        pl.footer += [Line(r, rp.number, col=-2).finish() for r in _rows(rp.margin_segs)]
        items = layout_page(rp.number, prose, rp.tables, body)
        pl.items = _find_ruleless(items, body)
        layouts.append(pl)

    return _write(layouts, body, path, sha, npages, warnings)


def _zone_rel(s: Segment, top: float, h: float, rp: RawPage) -> str | None:
    # layout frame of a rotated page is offset; measure from the page's own text extent
    # when the frame is not the page's (upright pages use the page itself)
    if top < 0 or top > rp.height:
        if s.bottom <= top + FURNITURE_ZONE * h:
            return "top"
        if s.top >= top + (1 - FURNITURE_ZONE) * h:
            return "bottom"
        return None
    return _zone(s, rp.height)


def _find_ruleless(items: list[Line | TableBlock], body: float) -> list[Line | TableBlock]:
    """Run the rule-less table finder over each run of lines in one column and band."""
    out: list[Line | TableBlock] = []
    run: list[Line] = []

    def flush() -> None:
        if run:
            found, _ = ruleless_tables(run, body)
            out.extend(found)
            run.clear()

    for it in items:
        if isinstance(it, Line):
            if run and (run[-1].col != it.col or run[-1].band != it.band):
                flush()
            run.append(it)
        else:
            flush()
            out.append(it)
    flush()
    return out


# ---------------------------------------------------------------------------- text


def _ends_sentence(text: str) -> bool:
    t = text.rstrip()
    t = re.sub(r"[\d,\u2013\-\[\]]+$", "", t) if t and t[-1].isdigit() else t
    return bool(t) and t[-1] in ".!?:;"


def _starts_para(a: Line, b: Line, pitches: dict[float, float], floats_between: bool) -> bool:
    """Whether line ``b`` starts a new paragraph after line ``a`` (reading order)."""
    ta, tb = render_line(a).text, render_line(b).text
    if CAPTION_RE.match(tb):
        return True
    if abs(a.size - b.size) > 0.5 or a.bold != b.bold:
        return True
    em = max(a.size, b.size)
    short = a.x1 < a.col_right - 3 * em
    if a.font != b.font and (short or b.x1 < b.col_right - 3 * em):
        return True  # a run-in heading in its own font ("Subjects" / text)
    same_flow = a.page == b.page and a.col == b.col and a.band == b.band
    indented = b.x0 - b.col_left > 0.8 * em and b.x0 - b.col_left < 0.5 * (b.col_right - b.col_left)
    a_indented = a.x0 - a.col_left > 0.8 * em
    if same_flow and not floats_between:
        gap = b.bottom - a.bottom
        pitch = pitches.get(b.size, 1.2 * b.size)
        if gap < 0 or gap > pitch * 1.35 + 0.5:
            return True
        if indented and not a_indented:
            return True
    else:
        if floats_between and _ends_sentence(ta):
            return True
        if indented:
            return True
    if short and _ends_sentence(ta):
        return True
    return False


def _last_note(floats: list[object]) -> object:
    if floats and isinstance(floats[-1], tuple) and floats[-1][0] == "caption":
        return floats[-1][1]
    return None


def _doc_pitch(layouts: list[PageLayout], body: float) -> dict[float, float]:
    """Median line pitch (baseline to baseline) per line size, from lines of one flow."""
    pitches: dict[float, list[float]] = defaultdict(list)
    for pl in layouts:
        prev = None
        for it in pl.items:
            if isinstance(it, Line):
                if prev is not None and prev.col == it.col and prev.band == it.band and abs(prev.size - it.size) < 0.5:
                    d = it.bottom - prev.bottom
                    if 0 < d < 3 * it.size:
                        pitches[it.size].append(d)
                prev = it
            else:
                prev = None
    return {size: median(v) for size, v in pitches.items()}


class _Writer:
    def __init__(self) -> None:
        self.chars: list[str] = []
        self.boxes: list[Box | None] = []
        self.furniture: list[tuple[int, int]] = []
        self.citations: list[tuple[int, int]] = []
        self.tables: list[SourceTable] = []

    @property
    def pos(self) -> int:
        return len(self.chars)

    def block_sep(self) -> None:
        if not self.chars:
            return
        while self.chars and self.chars[-1] in " \n":
            self.chars.pop()
            self.boxes.pop()
        self.chars.extend("\n\n")
        self.boxes.extend([None, None])

    def put(self, r: Rendered) -> tuple[int, int]:
        start = self.pos
        self.chars.extend(r.chars)
        self.boxes.extend(r.boxes)
        self.citations.extend((s + start, e + start) for s, e in r.cites)
        return start, self.pos

    def sep(self, s: str) -> None:
        self.chars.extend(s)
        self.boxes.extend([None] * len(s))


def _write(layouts: list[PageLayout], body: float, path: str, sha: str, npages: int, warnings: list[str]) -> SourceText:
    pitch = _doc_pitch(layouts, body)
    # vocabulary for the hyphen rule: every rendered prose line, in reading order
    all_lines = []
    for pl in layouts:
        for it in pl.items:
            if isinstance(it, Line):
                all_lines.append(render_line(it))
            else:
                all_lines.extend(r for row in it.rows for cell in row for r in cell)
    vocab, compounds = build_vocab(all_lines)

    w = _Writer()
    para: list[Line] = []
    floats: list[object] = []  # queued TableBlocks, caption paragraphs, furniture groups
    caption: list[Line] | None = None
    note: list[Line] | None = None
    last_float_was_table = False

    def emit_para(lines: list[Line]) -> None:
        if not lines:
            return
        w.block_sep()
        w.put(join_lines([render_line(ln) for ln in lines], vocab, compounds))

    def emit_float(f: object) -> None:
        if isinstance(f, TableBlock):
            emit_table(f)
        elif isinstance(f, tuple) and f[0] == "furniture":
            w.block_sep()
            for k, ln in enumerate(f[1]):
                if k:
                    w.sep("\n")
                s, e = w.put(render_line(ln))
                if e > s:
                    w.furniture.append((s, e))
        elif isinstance(f, tuple) and f[0] == "caption":
            emit_para(f[1])

    def emit_table(t: TableBlock) -> None:
        w.block_sep()
        start = w.pos
        rows: list[list[TableCell]] = []
        for ri, row in enumerate(t.rows):
            if ri:
                w.sep("\n")
            cells = []
            for ci, cell in enumerate(row):
                if ci:
                    w.sep(" | ")
                s, e = w.put(join_lines(cell, vocab, compounds))
                cells.append(TableCell(s, e))
            rows.append(cells)
        w.tables.append(SourceTable(start, w.pos, t.page, rows))

    def flush_floats() -> None:
        nonlocal floats
        for f in floats:
            emit_float(f)
        floats = []

    def close_para() -> None:
        nonlocal para
        emit_para(para)
        para = []
        flush_floats()

    for pl in layouts:
        furn = pl.header + pl.footer
        if furn:
            if para:
                floats.append(("furniture", furn))
            else:
                emit_float(("furniture", furn))
        for it in pl.items:
            if isinstance(it, TableBlock):
                if caption is not None:
                    floats.append(("caption", caption)) if para else emit_para(caption)
                    caption = None
                if para:
                    floats.append(it)
                else:
                    emit_table(it)
                last_float_was_table = True
                continue
            text = render_line(it).text
            if caption is not None:
                if not _starts_para(caption[-1], it, pitch, False):
                    caption.append(it)
                    continue
                floats.append(("caption", caption)) if para else emit_para(caption)
                caption = None
                last_float_was_table = True
            if CAPTION_RE.match(text):
                caption = [it]
                continue
            small = it.size < 0.92 * body
            if small and (last_float_was_table or (para and para[-1].size >= 0.92 * body)):
                # Small print met inside an open body paragraph (footnotes, affiliations
                # at a column foot) or right under a table (its notes): a float of its
                # own, so the paragraph it interrupts goes on after it.
                if note is not None and note is _last_note(floats) and not _starts_para(note[-1], it, pitch, False):
                    note.append(it)
                else:
                    note = [it]
                    floats.append(("caption", note))
                if not para:
                    flush_floats()
                continue
            last_float_was_table = False
            note = None
            if para and _starts_para(para[-1], it, pitch, bool(floats)):
                close_para()
            if not para:
                flush_floats()
            para.append(it)
    if caption is not None:
        floats.append(("caption", caption)) if para else emit_para(caption)
    close_para()

    text = "".join(w.chars)
    # page i+1 starts at the first character that comes from page ≥ i+1
    first_at: dict[int, int] = {}
    for k, b in enumerate(w.boxes):
        if b is not None and b[0] not in first_at:
            first_at[b[0]] = k
    page_starts: list[int] = []
    nxt = len(text)
    for n in range(npages, 0, -1):
        nxt = min(nxt, first_at.get(n, nxt))
        page_starts.append(nxt)
    page_starts.reverse()
    if page_starts:
        page_starts[0] = 0
    return SourceText(
        text=text,
        format="pdf",
        path=path,
        sha256=sha,
        pages=npages,
        page_starts=page_starts,
        warnings=warnings,
        furniture=w.furniture,
        citations=sorted(w.citations),
        tables=w.tables,
        char_boxes=w.boxes,
    )

