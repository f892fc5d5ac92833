"""The number grammar: every quantity of one sentence, typed and parsed.

``scan(sentence)`` returns the percentages, hazard/odds ratios, other ratios,
durations, timepoints, doses, sample sizes, confidence intervals and p values of
one sentence (text already repaired: lines unwrapped, citation digits removed),
as non-overlapping :class:`Quantity` spans sorted by start. The entity matchers
turn some kinds into SPEC.md §2 entities; the relation assembler reads the rest
(CI, P_VALUE, TIMEPOINT) to fill a finding's slots.

How it works. The sentence is first copied into a *matching view* of the same
length (Unicode dashes -> ``-``, odd spaces -> `` ``, the Lancet decimal point
``·`` between digits -> ``.``), so every regex sees one spelling while offsets
stay valid for the original. Then a fixed sequence of passes runs, each claiming
the characters it uses so that no later pass can reuse them. The order *is* the
grammar, most specific construction first:

1. explicit CIs (they own the ``95%`` of ``95% CI``, which is no PERCENTAGE);
2. p values; 3. doses (they own the ``day`` of ``mg/day`` and the ``every 3
   weeks`` of a dose); 4. ``n=18``; 5. schedule shapes (``q3w``, ``days 1–14``);
6. hyphenated times (``12-month`` PFS is a TIMEPOINT); 7. percentages;
8. other times (DURATION unless the context makes them a SCHEDULE, TIMEPOINT or
   AGE) and a median's "not reached"; 9. counts of patients (``303 patients``, ``(178 of 302)`` after a percentage,
   ``two partial responses``);
10. hazard/odds ratios, found from their cue, so they run after everything with a
    unit and can skip it; 11. other ratios; 12. bare-range CIs after a value;
13. every leftover number as NUMBER.

All regexes are compiled once at import. None nests an unbounded quantifier
inside another over the same characters, and every look-back/look-ahead window is
bounded, so ``scan`` is linear in practice on sentences of any shape.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Iterator, Optional

from .fastre import searcher

__all__ = ["Quantity", "KINDS", "VALUE_KINDS", "parse_number", "scan"]


@dataclass(frozen=True)
class Quantity:
    """One quantity of a sentence: offsets into the string given to :func:`scan`."""

    kind: str  # one of KINDS
    start: int
    end: int  # exclusive
    text: str  # == sentence[start:end]
    low: Optional[float] = None  # the number, or a range's low end; int for SAMPLE_SIZE
    high: Optional[float] = None  # a range's high end, else None
    qualifier: str = "="  # one of = < <= > >= ~ (SPEC.md)
    unit: Optional[str] = None  # "%", "days"/"weeks"/"months"/"years", "mg", "mg/m2", ...
    not_reached: bool = False  # a median "not reached"/"NR"/"not estimable"; a CI bound "NE"
    frequency: Optional[str] = None  # DOSE / SCHEDULE: QD, BID, TID, QID, QOD, QW, Q2W, Q3W, ...
    level: Optional[float] = None  # CI: the confidence level (95 unless stated)
    cue: Optional[str] = None  # the words that made the kind ("hazard ratio", "HR", "two-sided", ...)


#: Kinds of the interface, plus two this module adds: SCHEDULE (``every 8 weeks``,
#: ``q3w``, ``days 1–14``, ``within 28 days``: a time that is not a result, kept so
#: that nobody re-reads its number as a DURATION) and AGE (``aged ≥18 years``).
KINDS = frozenset(
    {
        "PERCENTAGE",
        "HAZARD_RATIO",
        "ODDS_RATIO",
        "RATIO",
        "DURATION",
        "DOSE",
        "SAMPLE_SIZE",
        "CI",
        "P_VALUE",
        "TIMEPOINT",
        "NUMBER",
        "SCHEDULE",
        "AGE",
    }
)

#: Kinds that can be a finding's reported value (a CI written as a bare range may follow them).
VALUE_KINDS = frozenset({"PERCENTAGE", "HAZARD_RATIO", "ODDS_RATIO", "RATIO", "DURATION"})


# --------------------------------------------------------------------------- #
# parse_number
# --------------------------------------------------------------------------- #

_ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip

# Characters that are a minus or a range dash in publisher text; all become "-".
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
# Spaces PDF and publisher text put between a number and its unit.
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\n\r\x0b\x0c"
# The Lancet's decimal point (middle dot) and look-alikes.
_MIDDOTS = "\u00b7\u2219\u22c5"

_WORD_SPLIT = re.compile(r"[\s\-]+")
_DECIMAL_COMMA = re.compile(r"[-+]?\d+,\d+")
_THOUSANDS = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_PLAIN = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)")


def parse_number(s: str) -> float:
    """Parse one number as written in a paper.

    Accepts ``0·47`` (Lancet decimal point), ``1,250`` (thousands), ``−0.5``
    (U+2212 and other dashes as a minus), ``.2096``, thin/no-break spaces around
    it, and English number words up to the hundreds (``two``, ``Twenty-five``,
    ``one hundred and five``). A comma that is not followed by exactly three
    digits is read as a decimal comma (``0,47`` -> 0.47). Raises ``ValueError``
    for anything else.
    """
    t = s.strip(" " + _SPACES)
    for ch in _DASHES:
        t = t.replace(ch, "-")
    for ch in _MIDDOTS:
        t = t.replace(ch, ".")
    if not t:
        raise ValueError(f"not a number: {s!r}")
    if _THOUSANDS.fullmatch(t):
        return float(t.replace(",", ""))
    if _DECIMAL_COMMA.fullmatch(t):
        return float(t.replace(",", "."))
    if _PLAIN.fullmatch(t):
        return float(t)
    return float(_parse_words(t, s))


def _parse_words(t: str, original: str) -> int:
    """English number words: 'two', 'twenty-five', 'one hundred and five', 'hundred'."""
    words = [w for w in _WORD_SPLIT.split(t.lower()) if w and w != "and"]
    if not words:
        raise ValueError(f"not a number: {original!r}")
    total = 0
    current = 0
    seen = False
    for w in words:
        if w in _ONES:
            current += _ONES[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w == "hundred":
            current = (current or 1) * 100
        elif w == "a" and not seen:
            continue  # "a hundred"
        else:
            raise ValueError(f"not a number: {original!r}")
        seen = True
    total += current
    return total


# --------------------------------------------------------------------------- #
# The matching view
# --------------------------------------------------------------------------- #

_TRANS = str.maketrans(
    {
        **{c: "-" for c in _DASHES},
        **{c: " " for c in _SPACES},
        "\uff05": "%",  # full-width percent
        "\u2a7d": "≤",
        "\u2a7e": "≥",
        "\u2266": "≤",
        "\u2267": "≥",
        "\u03bc": "µ",  # Greek mu as micro sign
    }
)
# A middle dot is a decimal point only between digits ("0·47") or before one after
# a space/operator ("p=·05"); elsewhere it is punctuation and stays.
_MIDDOT_DECIMAL = re.compile(r"(?:(?<=\d)|(?<=[\s=<>(\[]))[\u00b7\u2219\u22c5](?=\d)")


# A thin or no-break space between digit groups is a thousands separator
# ("1 250 patients" typeset with U+2009); an ordinary space is not.
_THIN_THOUSANDS = re.compile(r"(?<=\d)[\u2009\u202f\u00a0](?=\d{3}(?!\d))")


def _normalize(text: str) -> str:
    """Same-length copy of ``text`` in one spelling; offsets stay valid."""
    view = text
    if searcher(_THIN_THOUSANDS)(view) is not None:  # (most text has neither: skip the rewrite)
        view = _THIN_THOUSANDS.sub(",", view)
    view = view.translate(_TRANS)
    if searcher(_MIDDOT_DECIMAL)(view) is not None:
        view = _MIDDOT_DECIMAL.sub(".", view)
    assert len(view) == len(text)
    return view


# --------------------------------------------------------------------------- #
# Building blocks (regex source strings)
# --------------------------------------------------------------------------- #

# A number: thousands with commas, plain, or a leading-dot decimal (".2096").
_NUM_CORE = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
# A number stands alone: not glued to a word ("ALEX4", "T790M", "NCT0207..."), not
# after letter+hyphen ("ALTA-1L", "IGF-1R", "PF-06463922"), not half of a ratio or
# a date ("1:1", "1/2009", "3/4"). Glued units ("10mg") stay allowed.
_NUM_LB = r"(?<![A-Za-z0-9.])(?<![A-Za-z]-)(?<!\d[:/])"
_NUM_RB = r"(?!\d)(?!\.\d)(?![:/]\d)"


def _num(name: str) -> str:
    return rf"{_NUM_LB}(?P<{name}>{_NUM_CORE}){_NUM_RB}"


# A signed number: a minus only where it cannot be a range dash, i.e. not glued
# to a word/number/bracket/percent and not "0.5 -0.3" (a number, a space, a dash).
def _snum(name: str) -> str:
    return rf"(?P<{name}>(?:(?<![\w.%)\]])(?<![\d%)\]] )-)?{_NUM_LB}{_NUM_CORE}){_NUM_RB}"


# Attached qualifier symbols; they belong in the span (SPEC.md: "≥50%", "<0.001").
_QS_SRC = r"(?:<=|>=|=<|=>|[<>≤≥~≈])"


def _qs(name: str) -> str:
    return rf"(?:(?P<{name}>{_QS_SRC}) ?)?"


# A range joint: a dash (any Unicode dash, normalized) or "to".
_RANGE_JOINT = r"\s*(?:-|to\b)\s*"

# English number words up to the nineties, with an optional hundred.
_WORDNUM = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
    r"(?:[- ]hundred)?"
)

# Time units of a DURATION/TIMEPOINT; normalized by first letter (d/w/m/y). A lone "m"
# is months in survival reporting ("median OS 8.6 vs. 9.8 m"), never before a digit,
# a superscript or a slash ("1.73 m2", "mg/m²").
_TU_SRC = r"(?:(?:days?|weeks?|wks?|months?|mos?|years?|yrs?)(?![A-Za-z])|m(?![\w²³/]))"


def _tu(name: str) -> str:
    return rf"(?P<{name}>{_TU_SRC})"


def _time_unit(raw: str) -> str:
    return {"d": "days", "w": "weeks", "m": "months", "y": "years"}[raw[0].lower()]


_QUAL_SYMBOL = {
    "<": "<", ">": ">", "<=": "<=", "=<": "<=", "≤": "<=", ">=": ">=", "=>": ">=",
    "≥": ">=", "~": "~", "≈": "~",
}  # fmt: skip

# Word qualifiers stay outside the span but set the qualifier (SPEC.md §2:
# "up to 70%" -> span "70%", qualifier "<=").
_WORD_QUAL = re.compile(
    r"\b(?P<w>up\s+to|at\s+most|no\s+more\s+than|not\s+more\s+than|(?:a\s+)?maximum\s+of"
    r"|at\s+least|no\s+less\s+than|not\s+less\s+than|no\s+fewer\s+than|(?:a\s+)?minimum\s+of"
    r"|more\s+than|greater\s+than|longer\s+than|higher\s+than|in\s+excess\s+of|over|above|exceeding"
    r"|less\s+than|fewer\s+than|shorter\s+than|lower\s+than|under|below"
    r"|approximately|approx\.|about|around|nearly|almost|roughly|circa|ca\.)\s*$",
    re.I,
)
_WORD_QUAL_MAP = {
    "up to": "<=", "at most": "<=", "no more than": "<=", "not more than": "<=",
    "maximum of": "<=", "a maximum of": "<=",
    "at least": ">=", "no less than": ">=", "not less than": ">=", "no fewer than": ">=",
    "minimum of": ">=", "a minimum of": ">=",
    "more than": ">", "greater than": ">", "longer than": ">", "higher than": ">",
    "in excess of": ">", "over": ">", "above": ">", "exceeding": ">",
    "less than": "<", "fewer than": "<", "shorter than": "<", "lower than": "<",
    "under": "<", "below": "<",
}  # fmt: skip
# "6 months or more" -> ">=" with the words outside the span.
_TRAILING_QUAL = re.compile(
    r"\s+or\s+(?:(?P<ge>more|greater|longer|higher|above|over|older)|(?P<le>less|fewer|lower|shorter|below|younger))\b",
    re.I,
)


# --------------------------------------------------------------------------- #
# Pass regexes
# --------------------------------------------------------------------------- #

# CI bound: a number, "NR"/"NE" or "not estimable/reached" for an open upper end.
_OPEN_BOUND = r"NR|NE|not\s+(?:yet\s+)?(?:reached|estimable|evaluable|calculable|estimated)"
_BOUND_UNIT = rf"(?:\s*(?:%|{_TU_SRC}))?"

# 1. Explicit CI: "95% CI, 0.34 to 0.65", "95% CI: 0.25–0.64", "(95% CI 3·2–4·2)",
#    "95% confidence interval [CI] 0.188–0.409", "95% CI [0.34, 0.65]",
#    "95% CI: 5.6, not estimable", "95% confidence interval 8.6 to not estimable".
#    First pass: it owns the "95%" so that no later pass reads it as a PERCENTAGE.
_CI_KW = r"(?:(?<![A-Za-z])CIs?\b|C\.I\.|(?i:confidence\s+intervals?|credible\s+intervals?)|CrIs?\b)"
_CI = re.compile(
    rf"(?:{_num('lvl')}\s*%\s*)?(?P<kw>{_CI_KW})(?:\s*[\[(]CIs?[\])])?"
    rf"\s*[:,=]?\s*(?:(?:of|was|were|is|from)\s+)?"
    rf"(?:(?P<open>[\[(])\s*{_snum('lo1')}{_BOUND_UNIT}\s*(?:-|to\b|,|;)\s*(?P<hi1>-?{_NUM_CORE}|{_OPEN_BOUND}){_BOUND_UNIT}\s*[\])]"
    rf"|{_snum('lo2')}{_BOUND_UNIT}\s*(?:-|to\b|,)\s*(?P<hi2>-?{_NUM_CORE}(?!\d)|{_OPEN_BOUND})(?P<u2>\s*(?:%|{_TU_SRC}))?)"
)
# A level with no bounds ("HRs and 95% CIs were estimated", a "HR (95% CI)" table
# header) is claimed silently: no quantity, but its "95%" is no PERCENTAGE either.
_CI_LEVEL_ONLY = re.compile(rf"{_num('lvl')}\s*%\s*(?:{_CI_KW}|(?i:confidence\s+level))")

# 2. P values: "P<0.001", "p=0·46", "P = .2096", "two-sided P = 0.002",
#    "stratified one-sided P = 0.0401", "P value of 0.03", "P for interaction = 0.2",
#    "P = 1.2 × 10-5". The span starts at the P; sidedness and "interaction" go
#    in ``cue`` (SPEC.md §4: an interaction p belongs to no finding).
_P_VALUE = re.compile(
    r"(?P<pre>(?:(?i:stratified|unstratified|log[- ]rank|(?:two|one|2|1)[- ](?:sided|tailed))\s+){0,3})"
    r"(?<![A-Za-z0-9])(?P<p>[Pp])(?:[- ]?(?i:values?))?"
    r"(?P<inter>\s*(?i:for|of)\s+(?i:interaction|trend|heterogeneity)|\s*\(?(?i:interaction|int|trend)\)?)?"
    rf"\s*(?:(?P<op><=|>=|=<|=>|[<>=≤≥])|(?i:of|was|is|were)\s)\s*{_num('a')}"
    r"(?:\s*[x×]\s*10\s*\^?\s*(?P<exp>-?\s?\d{1,2}))?"
)

# 3. Doses: "600 mg BID", "250 mg twice daily", "750 mg QD fasted", "37.5 mg/day",
#    "150 mg per day", "1,250 mg/m2 BID", "10 mg/kg" (IV weekly), "4 mg/kg" (, weekly),
#    "6 mg/mL/min", "60 Gy", "AUC 5". Before durations and schedules, which would
#    otherwise take the "day" of "mg/day" or the "every 3 weeks" of a dose.
_DOSE_UNIT = (
    r"(?P<u>mg/m2|mg/m²|mg/m\^2|mg/kg|mg/ml/min|mg/mL/min|mg·min/mL|mg|g/m2|g/m²|mcg|µg|ug|IU|Gy|g)"
    # not a lab concentration ("1.5 mg/dL", "9 g/dL", "2 mg/mL")
    r"(?!\s?/\s?(?:d[lL]|[lL]|m[lL])(?![A-Za-z]))"
    r"(?P<per>\s?/\s?(?:day|d|week|wk)(?![A-Za-z]))?(?![A-Za-z0-9])"
)
_FREQ_SRC = (
    r"(?:b\.i\.d\.?|bid|t\.i\.d\.?|tid|q\.i\.d\.?|qid|q\.o\.d\.?|qod|q\.d\.?|qd|q\s?\d{1,2}\s?(?:h|d|w|wks?)|qw|qwk"
    r"|(?:once|twice|thrice|two\s+times|three\s+times|four\s+times)[\s-](?:a[\s-]day|daily|per[\s-]day|a[\s-]week|weekly|per[\s-]week)"
    r"|(?:once\s+)?every\s+other\s+day|every\s+second\s+day|on\s+alternate\s+days"
    r"|once\s+(?:each|every)\s+\d{1,2}-week\s+cycle"
    r"|(?:once\s+)?every\s+(?:\d{1,2}|one|two|three|four|six|eight)\s+(?:hours|h|days|weeks)"
    r"|every\s+(?:day|week)|each\s+day|(?:once\s+)?weekly|biweekly|fortnightly|daily|per\s+day|a\s+day|per\s+week)"
)
_ROUTE = r"(?:IV|i\.v\.|PO|p\.o\.|SC|s\.c\.|orally|oral|intravenously|subcutaneously|by\s+mouth)"
# The span takes a frequency only when it directly follows the unit ("600 mg BID",
# "750 mg QD fasted"); one after a comma or a route ("4 mg/kg, weekly", "10 mg/kg IV
# weekly") is recorded in ``frequency`` but left out of the span (gold/README.md §9).
_DOSE = re.compile(
    rf"{_qs('qs')}{_num('a')}(?:{_RANGE_JOINT}{_num('b')})?\s*{_DOSE_UNIT}"
    rf"(?:\s+(?P<f>(?i:{_FREQ_SRC}))(?![A-Za-z]))?"
    r"(?:\s+(?P<fast>fasted|fed)(?![A-Za-z]))?"
)
_FREQ_DETACHED = re.compile(rf",?\s+(?:{_ROUTE}\s+)?(?P<f>(?i:{_FREQ_SRC}))(?![A-Za-z])")
# "AUC 5", "AUC = 6", "AUC5": carboplatin's dose is an area under the curve.
_AUC = re.compile(r"(?<![A-Za-z])AUC\s*(?:of\s+|=\s*)?(?P<a>\d+(?:\.\d+)?)(?![\d.%])")
# "1,250 mg/m2 (1,000 mg/m2 in patients >65 years) BID": the frequency after a
# parenthetical qualifies the dose(s) before it; it is recorded, not spanned.
_FREQ_AFTER_PAREN = re.compile(rf"\s*\([^()]{{0,80}}\)\s*(?P<f>(?i:{_FREQ_SRC}))(?![A-Za-z])")
_FREQ_CLOSING_PAREN = re.compile(rf"[^()]{{0,80}}\)\s*(?P<f>(?i:{_FREQ_SRC}))(?![A-Za-z])")

# 4. "n=18", "n = 64", "N = 61", "(n=80)": the classic sample-size notation.
_N_EQUALS = re.compile(rf"(?<![A-Za-z])[nN]\s*=\s*{_num('a')}(?![.\d%])")

# 5. Schedules with their own shape: "q3w", "Q2W", "q21d", "q12h"; "days 1–14",
#    "on days 1, 8, and 15"; "every 3-week cycle" is handled with the hyphen forms.
_Q_SCHEDULE = re.compile(r"(?<![A-Za-z0-9])[qQ]\s?(?P<a>\d{1,2})\s?(?P<u>(?i:wks?|w|d|h))(?![A-Za-z0-9])")
_DAY_LIST = re.compile(
    rf"\b(?i:days?)\s+{_num('a')}(?:\s*(?:-|to|through)\s*{_num('b')})?"
    rf"(?:\s*,\s*{_NUM_LB}\d+(?!\d)){{0,10}}(?:,?\s+and\s+{_NUM_LB}\d+(?!\d))?"
)

# 6. Hyphenated times are adjectives: "the 12-month PFS", "5-year OS rate" are
#    TIMEPOINTs; "3-week cycle" is a SCHEDULE; "65-year-old" is an AGE.
_HYPHEN_TIME = re.compile(
    rf"{_num('a')}\s?-\s?(?P<u>(?i:day|week|month|year|yr|mo|wk))s?(?![A-Za-z])"
)
# "1-, 2- and 3-year survival": the leading bare "1-" and "2-" share the unit.
_HYPHEN_CHAIN = re.compile(
    rf"{_num('n')}\s?-\s*(?P<c>,\s*(?:and|or)|,|and|or)\s*$", re.I
)
_AT_WEEK = re.compile(rf"\b(?i:at|by|through|until)\s+(?P<u>(?i:week|month|year|day))\s+{_num('a')}(?![.\d])")

# 7. Percentages: "45%", "85.7%", "22–33%", "27 to 87%", "27%–87%", "≥50%",
#    "between 20% and 30%", "45 percent". A bare number coordinated with one
#    ("64.3 vs. 33.3%", "(11 vs. 16%)") is found afterwards by the chain rule.
_PCT_WORD = r"(?:%|(?i:per\s?cent)\b)"
_PCT_RANGE = re.compile(
    rf"{_qs('qs')}{_num('a')}\s*(?P<pa>{_PCT_WORD})?\s*(?P<j>-|to\b)\s*{_num('b')}\s*{_PCT_WORD}"
)
_PCT_BETWEEN = re.compile(
    rf"(?<=between )\s*{_num('a')}\s*(?:{_PCT_WORD})?\s+and\s+{_num('b')}\s*{_PCT_WORD}", re.I
)
_PCT_SINGLE = re.compile(rf"{_qs('qs')}{_num('a')}\s*{_PCT_WORD}")
# "from 45% to 60%" after a verb of change is two values, not a range.
_CHANGE_VERB = re.compile(
    r"(?:increas|decreas|improv|\brose|\brise|\brising|\bfell|\bdrop|reduc|declin|chang|\bwent|\bgrew)\w*\b[^.;]{0,40}\bfrom\s*$",
    re.I,
)

# Coordination chain: a bare number joined to the quantity after it by and/or/vs
# shares that quantity's unit ("41.9 and 30.7 months", "(11 vs. 16%)"). A plain
# comma only extends a chain that already has an and/or/vs hop ("at 2, 4, 8 and
# 12 weeks"), so "(n=18, 16%)" stays two things; the end of a range ("grade 1–2
# versus 8%") is never a member.
_CHAIN_BACK = re.compile(
    rf"{_qs('qs')}(?<!\d-)(?<!\d -){_num('n')}\s*(?P<c>,\s*(?:and|or)|,|and|or|vs\.?|versus)\s*$", re.I
)

# 8. Durations: "14.5 months", "6.8 years", "1–3 months", "more than 1 year".
_TIME = re.compile(rf"{_qs('qs')}{_num('a')}(?:{_RANGE_JOINT}{_num('b')})?\s*{_tu('u')}")
# Context that makes a time something other than a result (see _classify_time).
_PRE_EVERY = re.compile(r"\b(?:every|each)\s+$", re.I)
_PRE_WITHIN = re.compile(r"\bwithin\s+(?:the\s+(?:first|last|next|past|previous|preceding)\s+)?$", re.I)
_PRE_AT = re.compile(r"\b(?P<w>at|after)\s+(?:(?:approximately|about|around|~)\s*)?$", re.I)
_PRE_AGE = re.compile(
    r"(?:\b(?:aged?|ages|older|younger|elderly)\b[^;,.()]{0,15}"
    r"|\b(?:patients|men|women|adults|individuals|subjects)\s+(?:aged\s+)?)$",
    re.I,
)
_PRE_ELIGIBILITY = re.compile(r"\blife\s+expectancy\b[^;.]{0,30}$", re.I)
_POST_AGE = re.compile(r"\s*-?\s*(?:old|of\s+age)\b", re.I)
_POST_SCHEDULE = re.compile(
    r"\s*(?:-?\s*(?:on|off)\b|followed\s+by\b|otherwise\b"
    r"|(?:after|before|prior\s+to)\s+(?:the\s+)?(?:last|first|start|initiation|end|completion|randomi[sz]ation|enrol|day|dose|treatment|surgery))",
    re.I,
)
_POST_ADJECTIVE = re.compile(r"\s+(?!(?:of|and|or|to|vs|versus|in|for|with|from|after|before|than|since)\b)[A-Za-z]")
_PRE_FOLLOWUP = re.compile(r"follow(?:ed)?[- ]?up[^;]{0,40}$", re.I)
_PRE_MEDIAN = re.compile(r"\bmedian\b[^;]{0,60}$", re.I)

# "not reached"/"NR"/"not estimable" as the value of a median.
_NOT_REACHED = re.compile(
    r"\bnot\s+(?:yet\s+)?(?:been\s+)?reached\b|\bnot\s+(?:yet\s+)?(?:been\s+)?estimable\b|(?<![A-Za-z0-9])NR(?![A-Za-z0-9])"
)
_NR_DEFINITION = re.compile(r"\s*[=:,]\s*not\s+reached", re.I)

# 9. Counts of patients: "303 patients", "two patients", "Twenty-five (of 361) and
#    29 (of 362) patients", "25 Japanese patients", "12 of 20 patients".
#    Decision (as gold/README.md §9): every count of patients is a SAMPLE_SIZE,
#    cohorts, arms, case and event counts alike; in "N (of M) patients" and in
#    "59% (178 of 302)" both numbers count patients. "89% of cases" is a
#    percentage, but "four cases with grade 3" counts patients.
_COUNT = rf"(?:{_NUM_LB}\d{{1,3}}(?:,\d{{3}})+(?!\d)|{_NUM_LB}\d+(?![\d.])|\b{_WORDNUM}\b)(?:\s*\((?i:of)\s+\d[\d,]*\)|\s+(?i:of)\s+\d[\d,]*(?![\d.]))?"
_PATIENT_NOUN = r"(?:patients?|subjects?|participants?|individuals|persons|people|women|men|adults|children|volunteers|pts|cases?)\b"
# The span takes the noun when it directly follows the number ("350 patients",
# "two patients", "four cases"); after adjectives or "(of 362)" it is the bare
# number ("25 Japanese patients" -> "25"), as gold/README.md §9 annotates.
_SAMPLE_NOUN = re.compile(
    rf"(?P<all>{_COUNT}(?:\s*(?:,\s*(?:and|or)|,|and|or)\s+{_COUNT}){{0,6}})\s+"
    r"(?P<adj>(?:(?!(?:of|with|and|or|in|to|for|the|vs|versus|than|from|per|at|on|by|were|was|had|have|who|which|that)\b)[A-Za-z][A-Za-z+\-]*\s+){0,2})"
    rf"(?P<noun>{_PATIENT_NOUN})",
    re.I,
)
# "59% (178 of 302)", "8% [four of 313]", "64.3% (178/277)": after a percentage,
# both numbers of the bracket count patients.
_PCT_COUNTS = re.compile(
    rf"%\s*[(\[]\s*(?P<a>\d[\d,]*|\b{_WORDNUM}\b)\s*(?:of|/)\s*(?P<b>\d[\d,]*)(?![\d.])\s*[)\]]", re.I
)
# Counts of patients named by what happened to them: "two partial responses",
# "three PR, four SD", "16 male and 10 female", "14 were treated with PC".
_COUNT_CATEGORY = re.compile(
    rf"(?P<n>{_NUM_LB}\d+(?![\d.,])|\b(?i:{_WORDNUM})\b)\s+(?:"
    r"(?i:(?:partial|complete|objective|confirmed)\s+(?:responses?|remissions?|responders?)|responders?|non-?responders?"
    r"|stable\s+disease|progressive\s+disease|disease\s+progressions?|not\s+evaluable|males?|females?"
    r"|were\s+(?:treated|randomi[sz]ed|enrolled|assigned|included|excluded|evaluable|assessable|censored|alive))"
    r"|(?:PR|CR|SD|PD|NE)s?)(?![A-Za-z])"
)
_COUNT_ITEM = re.compile(rf"{_NUM_LB}\d[\d,]*(?![\d.])|\b{_WORDNUM}\b", re.I)
# A number after these words labels a thing, it does not count patients.
_PRE_LABEL = re.compile(
    r"\b(?:stage|grade|cycles?|arms?|phase|cohorts?|part|days?|weeks?|version|lines?|exon|level|group|figure|fig\.|table|step|category|class|type|ecog|ps|score)\s*$",
    re.I,
)
# "350 patients to receive erlotinib and 320 to receive placebo", "657 patients
# died; 314 in the placebo group and 343 in ...": the elided noun.
_ELLIPTIC_COUNT = re.compile(
    rf"(?P<gap>[^0-9;]{{0,60}}?)(?:[,;]\s*|\band\s+){_num('n')}\s+(?:to|in|on|were|received|receiving|with|for|assigned|allocated|randomi[sz]ed)\b",
    re.I,
)

# 10. Hazard/odds ratio cues. The long forms may carry an adjective and their
#     abbreviation ("cause-specific hazard ratio (HR)", "hazard ratio [HR]"); the
#     abbreviations are case-sensitive and not "HR-positive"/"HR+" (hormone
#     receptor). "hazard radio" is a real typo of the corpus (PMC3681405).
_RATIO_CUE = re.compile(
    r"(?P<long>(?:(?i:cause[- ]specific|subdistribution|adjusted|unadjusted|stratified|pooled)\s+)?"
    r"(?P<lk>(?i:hazard\s+ra(?:tio|dio)|odds\s+ratio))s?(?:\s*[\[(](?:HR|OR)s?[\])])?)"
    r"|(?<![A-Za-z0-9])(?P<ak>HR|OR)s?(?![A-Za-z0-9+/\-])"
)
# A value token inside a cue's scope (a range is a CI, never the value).
_VALUE_TOKEN = re.compile(rf"{_qs('qs')}{_snum('a')}(?P<rng>{_RANGE_JOINT}-?{_num('b')})?")
_TIGHT_GAP = re.compile(r"[\s,:=\[\]()]*(?:(?:of|was|were|is)\s+)?$", re.I)
_COORDINATOR = re.compile(r"\b(?:and|or|versus|vs|whereas|while|but)\b|,", re.I)
_GAP_STOP = re.compile(r";|\.\s+[A-Z]|\b(?i:ratios?)\b")

# 11. Other ratios: "CSF/plasma ratio 0.0026", "CSF-to-plasma ratio of lorlatinib
#     was 0.75". Same scope rule as a HR, but a short reach (40 characters): a
#     "1:1 ratio, stratified by ... block size 10" has no value.
_RATIO_WORD = re.compile(r"\bratios?\b", re.I)
# The word before "ratio" names it ("CSF/plasma ratio"); looked up in a bounded window.
_RATIO_NAME = re.compile(r"[\w/\-\[\]]{1,40}\s+$")

# 12. A CI written as a bare range right after a value: "39.6% (31.4–48.2)",
#     "HR 0.16 (0.10–0.28)", "3·6 months, 3·2–3·9;", "10.3 (5.6, NE)".
_BARE_CI = re.compile(
    rf"\s*(?:(?P<open>[\[(])\s*|,\s*){_snum('a')}(?P<pa>\s*%)?\s*(?:-|to\b|(?P<comma>,))\s*"
    rf"(?P<b>-?{_NUM_CORE}(?!\d)|{_OPEN_BOUND})(?P<pb>\s*%)?(?=\s*[)\],;]|\s*$)"
)

# 13. Leftovers: every other number (or range) is a NUMBER, so the assembler can
#     still see counts like "(178 of 302)" and bare statistics.
_NUMBER = re.compile(rf"{_qs('qs')}{_snum('a')}(?:{_RANGE_JOINT}-?{_num('b')})?(?![A-Za-z%])")
_PRE_AGE_NUMBER = re.compile(r"\bage[ds]?\s+(?:of\s+|was\s+|is\s+|=\s*|:\s*)?$", re.I)


# Small helpers used inside the passes (compiled here, once).
_WS = re.compile(r"\s+")
_NUMERIC = re.compile(r"-?[\d.]")  # a CI bound that is a number, not "NR"/"not estimable"
_TU_WORD = re.compile(r"\b" + _TU_SRC)
_INTERACTION = re.compile(r"interaction", re.I)
_POST_CYCLE = re.compile(r"\s*(?:cycles?|courses?|schedules?|intervals?|regimens?|periods?|run-in|washout)\b", re.I)
_MEDIAN_WORD = re.compile(r"\bmedian\b", re.I)
_NR_DEFINED_BEFORE = re.compile(r"not\s+reached\s*\(\s*$", re.I)  # "not reached (NR)"
_NR_LEGEND_BEFORE = re.compile(r"\bNR\s*[=:,]\s*$")  # "NR = not reached"
_SIGNIFICANCE = re.compile(r"significan", re.I)
_BRACKETS = re.compile(r"[\[\]()]")
_OPEN_BRACKET_GAP = re.compile(r"\s*[(\[]\s*")
_CLOSE_BRACKET = re.compile(r"\s*[)\]]")
_OPEN_BEFORE = re.compile(r"[(\[]\s*$")
_P_AFTER_CI = re.compile(r"\s*[,;]\s*[Pp]\s*(?:<=|>=|[<>=≤≥])")
_TIME_TO_EVENT = re.compile(r"surviv|progression|death|hazard|\b(?:PFS|OS|TTP|DFS|EFS)\b", re.I)


# Guards: for a pass pattern, a pattern that matches inside every one of its matches
# (a unit, a keyword, a "%"), but is cheap to look for. Where the guard is not in the
# text, the pattern cannot be either, and the pass skips its scan. Each guard is checked
# against its pattern on the corpus and on random text (tests/test_quantities.py).
_PCT_GUARD = re.compile(rf"%|(?i:per\s?cent)")
GUARDS: dict[int, re.Pattern[str]] = {id(rx): guard for rx, guard in (
    (_CI, re.compile(_CI_KW)),                      # every CI names itself
    (_CI_LEVEL_ONLY, re.compile("%")),
    # the P and what follows it, without the optional words before it
    (_P_VALUE, re.compile(_P_VALUE.pattern[_P_VALUE.pattern.index("(?<![A-Za-z0-9])(?P<p>"):])),
    (_DOSE, re.compile(r"\d\s*(?:mg|g|mcg|µg|ug|IU|Gy)")),  # a number, then its unit
    (_N_EQUALS, re.compile("=")),
    (_HYPHEN_TIME, re.compile(r"\d\s?-")),
    (_PCT_RANGE, _PCT_GUARD),
    (_PCT_SINGLE, _PCT_GUARD),
    (_PCT_COUNTS, re.compile("%")),
    (_TIME, re.compile(r"\d\s*[dwmy]")),             # a number, then a time unit
    (_COUNT_CATEGORY, re.compile(                   # a space, then the category
        r"\s(?:(?i:partial|complete|objective|confirmed|responders?|non-?responders?|stable|progressive|disease"
        r"|not|males?|females?|were)|PR|CR|SD|PD|NE)")),
    (_SAMPLE_NOUN, re.compile(rf"\s{_PATIENT_NOUN}", re.I)),  # a space, then the noun
    (_RATIO_CUE, re.compile(r"HR|OR|(?i:ra[dt]io)")),  # an abbreviation, or "ratio"/"radio"
    (_NOT_REACHED, re.compile("reached|estimable|NR")),
)}


# --------------------------------------------------------------------------- #
# Frequencies
# --------------------------------------------------------------------------- #

def _whole(x: float) -> Optional[int]:
    """``x`` as an int when it is a finite whole number ("1e400" digits become inf)."""
    return int(x) if math.isfinite(x) and x.is_integer() else None


_WORD_COUNT = {"one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "eight": 8}


def _every(n: int, unit: str) -> Optional[str]:
    """Code of 'every n <unit>': weeks -> QnW, days -> QnD (multiples of 7 -> weeks)."""
    u = unit[0].lower()
    if u == "h":
        return {24: "QD", 12: "BID", 8: "TID", 6: "QID"}.get(n, f"Q{n}H")
    if u == "d":
        if n == 1:
            return "QD"
        if n % 7 == 0:
            u, n = "w", n // 7
        else:
            return f"Q{n}D"
    if u == "w":
        return "QW" if n == 1 else f"Q{n}W"
    if u == "m":
        return f"Q{n}M"
    return None


# Fixed phrases -> code, tried in order on the phrase lower-cased with hyphens and
# runs of spaces made single spaces, and on its "compact" form (no dots, no spaces:
# "b.i.d." -> "bid").
_FREQ_TABLE: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rx), code)
    for rx, code in (
        (r"bid|(twice|two times) (a day|daily|per day)", "BID"),
        (r"tid|(thrice|three times) (a day|daily|per day)", "TID"),
        (r"qid|four times (a day|daily|per day)", "QID"),
        (r"qod|(once )?every (other|second) day|on alternate days", "QOD"),
        (r"qd|(once )?(daily|a day|per day|every day|each day)|once (a day|daily|per day)|/ ?(day|d)", "QD"),
        (r"qw|qwk|(once )?weekly|once (a week|per week|weekly)|every week|per week|/ ?(week|wk)", "QW"),
        (r"(twice|two times) (a week|weekly|per week)", "BIW"),
        (r"biweekly|fortnightly", "Q2W"),
    )
)
# Interval phrases -> _every(n, unit): "q3w", "every 3 weeks", "once each 3-week cycle".
_FREQ_Q = re.compile(r"q ?(\d{1,2}) ?(h|d|w|wks?)")
_FREQ_EVERY = re.compile(r"(?:once )?every (\d{1,2}|one|two|three|four|six|eight) (hours|h|days|weeks)")
_FREQ_CYCLE = re.compile(r"once (?:each|every) (\d{1,2}) week cycle")


def _freq_code(raw: str) -> Optional[str]:
    """Normalize a frequency phrase: twice daily -> BID, mg/day -> QD, q3w -> Q3W, ..."""
    t = _WORD_SPLIT.sub(" ", raw.lower()).strip()
    compact = t.replace(".", "").replace(" ", "")
    for rx, code in _FREQ_TABLE:
        if rx.fullmatch(t) or rx.fullmatch(compact):
            return code
    m = _FREQ_Q.fullmatch(compact)
    if m:
        return _every(int(m.group(1)), m.group(2))
    m = _FREQ_EVERY.fullmatch(t)
    if m:
        n = int(m.group(1)) if m.group(1).isdigit() else _WORD_COUNT[m.group(1)]
        return _every(n, m.group(2))
    m = _FREQ_CYCLE.fullmatch(t)
    if m:
        return _every(int(m.group(1)), "w")
    return None


# --------------------------------------------------------------------------- #
# The scanner
# --------------------------------------------------------------------------- #

class _Scan:
    """State of one ``scan`` call: the text, its matching view and the claims."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.view = _normalize(text)
        self.taken = bytearray(len(text))
        self.out: list[Quantity] = []
        self.cue_spans: list[tuple[int, int]] = []  # HR/OR cues, so "ratio" is not read twice

    # -- claims ------------------------------------------------------------ #
    def free(self, s: int, e: int) -> bool:
        return 0 <= s < e <= len(self.text) and self.taken.find(1, s, e) == -1

    def claim(self, s: int, e: int) -> None:
        self.taken[s:e] = b"\x01" * (e - s)

    def add(self, kind: str, s: int, e: int, **fields: object) -> Quantity:
        q = Quantity(kind, s, e, self.text[s:e], **fields)  # type: ignore[arg-type]
        self.out.append(q)
        self.claim(s, e)
        return q

    def matches(
        self, rx: re.Pattern[str], group: int | str = 0, endpos: Optional[int] = None, pos: int = 0
    ) -> Iterator[re.Match[str]]:
        """Matches of ``rx`` whose ``group`` span is still unclaimed, left to right.

        A match that collides with a claim is retried one character later, so a
        shorter match inside it is not lost.
        """
        end = len(self.view) if endpos is None else endpos
        if not self.may_match(rx, pos, end):
            return
        search = searcher(rx)
        while pos <= end:
            m = search(self.view, pos, end)
            if m is None:
                return
            s, e = m.span(group)
            if s == -1 or self.free(s, e) or s == e:
                yield m
                pos = max(m.end(), m.start() + 1)
            else:
                pos = m.start() + 1

    def may_match(self, rx: re.Pattern[str], pos: int = 0, end: Optional[int] = None) -> bool:
        """False where ``rx`` cannot match in ``view[pos:end]`` (its guard is not there)."""
        guard = GUARDS.get(id(rx))
        if guard is None:
            return True
        return searcher(guard)(self.view, pos, len(self.view) if end is None else end) is not None

    # -- helpers ------------------------------------------------------------ #
    def qualifier(self, s: int, e: int, symbol: Optional[str]) -> str:
        """Attached symbol first; else a word qualifier just before or after the span."""
        if symbol:
            return _QUAL_SYMBOL.get(symbol, "=")
        m = _WORD_QUAL.search(self.view, max(0, s - 30), s)
        if m:
            w = _WS.sub(" ", m.group("w").lower())
            return _WORD_QUAL_MAP.get(w, "~")
        m = _TRAILING_QUAL.match(self.view, e)
        if m:
            return ">=" if m.group("ge") else "<="
        return "="

    def chain_back(
        self, start: int, first_hop_comma: bool = False
    ) -> list[tuple[int, int, Optional[str]]]:
        """Bare numbers coordinated before ``start`` ("41.9 and | 30.7 months").

        Returns (start, end, symbol) of each, nearest first.
        """
        found: list[tuple[int, int, Optional[str]]] = []
        s = start
        while True:
            m = searcher(_CHAIN_BACK)(self.view, max(0, s - 40), s)
            if m is None:
                break
            conn = _WS.sub(" ", m.group("c").strip().lower())
            if conn in (",", ", or") and not found and not first_hop_comma:
                break  # "(n=18, 16%)", "12, or 4%": a count and then a share of it
            ns, ne = m.span("n")
            qs_start = m.start("qs") if m.group("qs") else ns
            if not self.free(qs_start, ne):
                break
            found.append((qs_start, ne, m.group("qs")))
            s = qs_start
        return found

    # -- passes ---------------------------------------------------------------- #
    def run(self) -> list[Quantity]:
        self.pass_ci()
        self.pass_p_value()
        self.pass_dose()
        self.pass_n_equals()
        self.pass_schedule_forms()
        self.pass_hyphen_time()
        self.pass_percentage()
        self.pass_time()
        self.pass_not_reached()
        self.pass_sample_noun()
        self.pass_other_counts()
        self.pass_hazard_odds()
        self.pass_ratio()
        self.pass_bare_ci()
        self.pass_number()
        self.out.sort(key=lambda q: q.start)
        return self.out

    def pass_ci(self) -> None:
        for m in self.matches(_CI):
            lo_g, hi_g = ("lo1", "hi1") if m.group("lo1") is not None else ("lo2", "hi2")
            low = parse_number(m.group(lo_g))
            hi_raw = m.group(hi_g)
            open_end = not _NUMERIC.match(hi_raw)
            high = None if open_end else parse_number(hi_raw)
            level = parse_number(m.group("lvl")) if m.group("lvl") else 95.0
            start = m.start("lvl") if m.group("lvl") else m.start("kw")
            body = m.group(0)
            unit: Optional[str] = None
            if "%" in body[m.end("kw") - m.start(0) :]:
                unit = "%"
            else:
                um = _TU_WORD.search(body[m.end("kw") - m.start(0) :])
                if um:
                    unit = _time_unit(um.group(0))
            self.add(
                "CI", start, m.end(), low=low, high=high, level=level, unit=unit,
                not_reached=open_end, cue=_WS.sub(" ", m.group("kw")),
            )  # fmt: skip
        for m in self.matches(_CI_LEVEL_ONLY):
            self.claim(m.start(), m.end())  # silent: see _CI_LEVEL_ONLY

    def pass_p_value(self) -> None:
        for m in self.matches(_P_VALUE, "p"):
            s, e = m.start("p"), m.end()
            if not self.free(s, e):
                continue
            value = parse_number(m.group("a"))
            if m.group("exp"):
                value *= 10.0 ** int(m.group("exp").replace(" ", ""))
            op = m.group("op") or "="
            cue_words = [_WS.sub(" ", m.group("pre").strip().lower())] if m.group("pre").strip() else []
            window = self.view[max(0, m.start() - 40) : e]
            if m.group("inter") or _INTERACTION.search(window):
                cue_words.append("interaction")
            self.add(
                "P_VALUE", s, e, low=value, qualifier=_QUAL_SYMBOL.get(op, "="),
                cue=" ".join(cue_words) or None,
            )  # fmt: skip

    def pass_dose(self) -> None:
        for m in self.matches(_DOSE):
            s = m.start("qs") if m.group("qs") else m.start("a")
            unit = m.group("u")
            unit = {"mg/m²": "mg/m2", "mg/m^2": "mg/m2", "g/m²": "g/m2", "mcg": "µg", "ug": "µg",
                    "mg/ml/min": "mg/mL/min"}.get(unit, unit)  # fmt: skip
            freq = None
            if m.group("f"):
                freq = _freq_code(m.group("f"))
            if freq is None and m.group("per"):
                freq = _freq_code(m.group("per").replace(" ", ""))
            if freq is None:
                after = _FREQ_DETACHED.match(self.view, m.end()) or _FREQ_AFTER_PAREN.match(self.view, m.end())
                if after is None and self.view.rfind("(", max(0, s - 80), s) > self.view.rfind(")", max(0, s - 80), s):
                    # inside a parenthetical: "(1,000 mg/m2 in patients >65 years) BID"
                    after = _FREQ_CLOSING_PAREN.match(self.view, m.end())
                if after is not None:
                    freq = _freq_code(after.group("f"))
            self.add(
                "DOSE", s, m.end(), low=parse_number(m.group("a")),
                high=parse_number(m.group("b")) if m.group("b") else None,
                qualifier=self.qualifier(s, m.end(), m.group("qs")), unit=unit, frequency=freq,
            )  # fmt: skip
        for m in self.matches(_AUC):
            self.add("DOSE", m.start(), m.end(), low=parse_number(m.group("a")), unit="AUC")

    def pass_n_equals(self) -> None:
        for m in self.matches(_N_EQUALS):
            n = _whole(parse_number(m.group("a")))
            if n is not None:
                self.add("SAMPLE_SIZE", m.start(), m.end(), low=n, cue="n=")

    def pass_schedule_forms(self) -> None:
        for m in self.matches(_Q_SCHEDULE):
            n = int(m.group("a"))
            self.add(
                "SCHEDULE", m.start(), m.end(), low=float(n), unit={"w": "weeks", "d": "days", "h": "hours"}[m.group("u")[0].lower()],
                frequency=_every(n, m.group("u")), cue="q",
            )  # fmt: skip
        for m in self.matches(_DAY_LIST):
            self.add(
                "SCHEDULE", m.start(), m.end(), low=parse_number(m.group("a")),
                high=parse_number(m.group("b")) if m.group("b") else None, unit="days", cue="days",
            )  # fmt: skip

    def pass_hyphen_time(self) -> None:
        for m in self.matches(_HYPHEN_TIME):
            unit = _time_unit(m.group("u"))
            after = self.view[m.end() : m.end() + 30]
            pre = self.view[max(0, m.start() - 12) : m.start()]
            if _POST_AGE.match(after):
                kind, cue = "AGE", "age"
            elif _POST_CYCLE.match(after) or _PRE_EVERY.search(pre):
                kind, cue = "SCHEDULE", "cycle"
            else:
                kind, cue = "TIMEPOINT", None
            chain = self._hyphen_chain(m.start())
            n = _whole(parse_number(m.group("a")))
            freq = _every(n, unit) if kind == "SCHEDULE" and n is not None else None
            self.add(kind, m.start(), m.end(), low=parse_number(m.group("a")), unit=unit, cue=cue, frequency=freq)
            for s, e in chain:
                self.add(kind, s, e, low=parse_number(self.view[s:e]), unit=unit, cue=cue)
        for m in self.matches(_AT_WEEK):
            s = m.start("u")
            if self.free(s, m.end()):
                self.add("TIMEPOINT", s, m.end(), low=parse_number(m.group("a")), unit=_time_unit(m.group("u")))

    def _hyphen_chain(self, start: int) -> list[tuple[int, int]]:
        found: list[tuple[int, int]] = []
        s = start
        while True:
            m = _HYPHEN_CHAIN.search(self.view, max(0, s - 20), s)
            if m is None or not self.free(m.start("n"), m.end("n")):
                return found
            found.append(m.span("n"))
            s = m.start("n")

    def pass_percentage(self) -> None:
        for m in self.matches(_PCT_BETWEEN):
            a, b = parse_number(m.group("a")), parse_number(m.group("b"))
            self.add("PERCENTAGE", m.start("a"), m.end(), low=a, high=b, unit="%")
        for m in self.matches(_PCT_RANGE):
            s = m.start("qs") if m.group("qs") else m.start("a")
            a, b = parse_number(m.group("a")), parse_number(m.group("b"))
            if m.group("j").lower() == "to" and _CHANGE_VERB.search(self.view, max(0, s - 80), s):
                # "increased from 45% to 60%": two values, each its own PERCENTAGE.
                ae = m.end("pa") if m.group("pa") else m.end("a")
                self.add("PERCENTAGE", s, ae, low=a, qualifier=self.qualifier(s, ae, m.group("qs")), unit="%")
                self.add("PERCENTAGE", m.start("b"), m.end(), low=b, unit="%")
                continue
            self.add(
                "PERCENTAGE", s, m.end(), low=a, high=b,
                qualifier=self.qualifier(s, m.end(), m.group("qs")), unit="%",
            )  # fmt: skip
        for m in self.matches(_PCT_SINGLE):
            s = m.start("qs") if m.group("qs") else m.start("a")
            self.add(
                "PERCENTAGE", s, m.end(), low=parse_number(m.group("a")),
                qualifier=self.qualifier(s, m.end(), m.group("qs")), unit="%",
            )  # fmt: skip
        # Coordinated bare numbers share the % ("64.3 vs. 33.3%": 64.3 is a PERCENTAGE
        # spanning its digits only).
        for q in list(self.out):
            if q.kind != "PERCENTAGE" or q.high is not None:
                continue
            for s, e, sym in self.chain_back(q.start):
                n_start = s + len(sym) if sym else s
                n_text = self.view[n_start:e].strip()
                self.add("PERCENTAGE", s, e, low=parse_number(n_text), qualifier=self.qualifier(s, e, sym), unit="%")

    def pass_time(self) -> None:
        for m in self.matches(_TIME):
            s = m.start("qs") if m.group("qs") else m.start("a")
            e = m.end()
            unit = _time_unit(m.group("u"))
            chain = self.chain_back(s, first_hop_comma=False)
            first = chain[-1][0] if chain else s
            kind, freq, cue = self._classify_time(first, s, e, m, unit)
            self.add(
                kind, s, e, low=parse_number(m.group("a")),
                high=parse_number(m.group("b")) if m.group("b") else None,
                qualifier=self.qualifier(s, e, m.group("qs")), unit=unit, frequency=freq, cue=cue,
            )  # fmt: skip
            for cs, ce, sym in chain:
                n_start = cs + len(sym) if sym else cs
                value = parse_number(self.view[n_start:ce].strip())
                whole = _whole(value)
                cfreq = _every(whole, unit) if kind == "SCHEDULE" and whole is not None else None
                self.add(
                    kind, cs, ce, low=value, qualifier=self.qualifier(cs, ce, sym), unit=unit,
                    frequency=cfreq, cue=cue,
                )  # fmt: skip

    def _classify_time(
        self, first: int, s: int, e: int, m: re.Match[str], unit: str
    ) -> tuple[str, Optional[str], Optional[str]]:
        """Kind of a time: only a result, survival figure or follow-up is a DURATION.

        ``first`` is where its coordination chain starts ("at 6 and 12 months" is
        read from "6"), ``s``/``e`` the anchor with the unit.
        """
        v = self.view
        pre = v[max(0, first - 60) : first]
        post = v[e : e + 60]
        value = m.group("a")
        if _PRE_EVERY.search(pre):
            # "every 8 weeks": an assessment or dosing schedule, never a result.
            n = parse_number(value)
            whole = _whole(n)
            return "SCHEDULE", (_every(whole, unit) if whole is not None and not m.group("b") else None), "every"
        if _PRE_WITHIN.search(pre):
            # "within 28 days of starting treatment": a window, not a result.
            return "SCHEDULE", None, "within"
        if _POST_SCHEDULE.match(post):
            # "for 4 weeks followed by 2 weeks off", "12 weeks otherwise",
            # "28 days after the last dose": parts of a schedule.
            return "SCHEDULE", None, None
        if _PRE_ELIGIBILITY.search(pre):
            # "estimated life expectancy of at least 8 weeks": an entry criterion.
            return "NUMBER", None, "eligibility"
        if unit == "years" and (_PRE_AGE.search(pre) or _POST_AGE.match(post)):
            return "AGE", None, "age"
        at = _PRE_AT.search(pre)
        if at:
            # "at 12 weeks", "assessable at 1 month", "after 28 days": a timepoint.
            return "TIMEPOINT", None, at.group("w").lower()
        u = m.group("u").lower()
        if not u.endswith("s") and u not in ("mo",) and not m.group("b") and parse_number(value) != 1 and _POST_ADJECTIVE.match(post):
            # "the 12 month PFS rate": a singular unit after a plural number is an adjective.
            return "TIMEPOINT", None, None
        if _PRE_FOLLOWUP.search(pre):
            return "DURATION", None, "follow-up"
        if _PRE_MEDIAN.search(pre):
            return "DURATION", None, "median"
        return "DURATION", None, None

    def pass_not_reached(self) -> None:
        first_median = _MEDIAN_WORD.search(self.view)
        for m in self.matches(_NOT_REACHED):
            s, e = m.span()
            word = m.group(0)
            before = self.view[max(0, s - 30) : s]
            if word == "NR":
                # "NR = not reached" (a legend) and "not reached (NR)" (a definition)
                if _NR_DEFINITION.match(self.view, e):
                    continue
                if _NR_DEFINED_BEFORE.search(before):
                    continue
            elif _NR_LEGEND_BEFORE.search(before):
                continue  # the legend's expansion
            if first_median is None or first_median.start() >= s:
                continue  # only the value of a median is a not-reached DURATION
            if _SIGNIFICANCE.search(self.view, max(0, s - 100), e + 30):
                continue  # "statistical significance was not reached"
            self.add("DURATION", s, e, not_reached=True, cue="median")

    def pass_sample_noun(self) -> None:
        pos = 0
        if not self.may_match(_SAMPLE_NOUN):
            return
        while True:
            m = _SAMPLE_NOUN.search(self.view, pos)
            if m is None:
                return
            s, e = m.span("all")
            pos = m.start() + 1  # a rejected match may hide a good one inside it
            if not self.free(s, m.end()) or _PRE_LABEL.search(self.view, max(0, s - 12), s):
                # "grade 3 and one case": "3" labels a grade; "one case" still counts
                continue
            pos = m.end()
            items = list(_COUNT_ITEM.finditer(self.view, s, e))
            values: list[tuple[int, int, int]] = []
            for it in items:
                try:
                    val = parse_number(it.group(0))
                except ValueError:
                    values = []
                    break
                whole = _whole(val)
                if whole is None:
                    values = []
                    break
                values.append((it.start(), it.end(), whole))
            if not values:
                continue
            noun = m.group("noun").lower()
            if not m.group("adj") and values[-1][1] == e:
                # the noun directly follows the last count: it joins the span
                vs, _, val = values[-1]
                values[-1] = (vs, m.end("noun"), val)
            for vs, ve, val in values:
                self.add("SAMPLE_SIZE", vs, ve, low=val, qualifier=self.qualifier(vs, ve, None), cue=noun)
            pos = m.end()
            while True:
                el = _ELLIPTIC_COUNT.match(self.view, pos)
                if el is None or not self.free(*el.span("n")):
                    break
                whole = _whole(parse_number(el.group("n")))
                if whole is None:
                    break
                self.add("SAMPLE_SIZE", el.start("n"), el.end("n"), low=whole, cue=noun)
                pos = el.end("n")

    def pass_other_counts(self) -> None:
        for m in self.matches(_PCT_COUNTS, "a"):
            if not self.free(*m.span("b")):
                continue
            for g in ("a", "b"):
                whole = _whole(parse_number(m.group(g)))
                if whole is not None:
                    self.add("SAMPLE_SIZE", m.start(g), m.end(g), low=whole, cue="of")
        for m in self.matches(_COUNT_CATEGORY, "n"):
            s, e = m.span("n")
            if not self.free(s, e) or _PRE_LABEL.search(self.view, max(0, s - 12), s):
                continue
            whole = _whole(parse_number(m.group("n")))
            if whole is not None:
                self.add("SAMPLE_SIZE", s, e, low=whole, qualifier=self.qualifier(s, e, None), cue="category")

    # -- hazard and odds ratios ------------------------------------------------ #
    def pass_hazard_odds(self) -> None:
        cues = list(_RATIO_CUE.finditer(self.view)) if self.may_match(_RATIO_CUE) else []
        self.cue_spans = [c.span() for c in cues]
        for i, cue in enumerate(cues):
            next_cue = cues[i + 1].start() if i + 1 < len(cues) else len(self.view)
            if cue.group("lk"):
                kind = "HAZARD_RATIO" if cue.group("lk")[0].lower() == "h" else "ODDS_RATIO"
                reach = 120
            else:
                kind = "HAZARD_RATIO" if cue.group("ak") == "HR" else "ODDS_RATIO"
                # "OR" is also a word in titles and tables: only right before a number.
                reach = 120 if kind == "HAZARD_RATIO" else 15
            self._scope(cue, kind, reach, next_cue)

    def _scope(
        self, cue: re.Match[str], kind: str, reach: int, stop_at: int, cue_text: Optional[str] = None
    ) -> None:
        """Claim the value(s) in a cue's scope.

        The first candidate after the cue (within ``reach`` characters, before any
        result-like quantity, ';' or other cue) is the value; further bare decimals
        coordinated with it ("0.18 for patients with ... and 0.14 for patients
        without") are values too, until another cue or result quantity. CIs and p
        values in between neither count nor break the chain.
        """
        cue_text = cue_text or _WS.sub(" ", cue.group(0))
        limit = min(stop_at, len(self.view))
        others = sorted((q for q in self.out if cue.end() <= q.start < limit), key=lambda q: q.start)
        tokens = list(self.matches(_VALUE_TOKEN, "a", endpos=limit, pos=cue.end()))
        events: list[tuple[int, object]] = [(q.start, q) for q in others] + [(t.start(), t) for t in tokens]
        events.sort(key=lambda ev: ev[0])
        prev_end = cue.end()
        found = 0
        for start, ev in events:
            max_gap = reach if found == 0 else 100
            if start - prev_end > max_gap:
                break
            if isinstance(ev, Quantity):
                if ev.kind in ("CI", "P_VALUE"):
                    if found == 0:
                        break  # statistics before any value: this cue has none
                    prev_end = ev.end
                    continue
                if ev.kind in ("TIMEPOINT", "SAMPLE_SIZE", "SCHEDULE", "AGE", "NUMBER"):
                    continue  # "HR for 12-month PFS", "HR in the 303 patients"
                break  # a percentage, duration or dose: another statement begins
            m: re.Match[str] = ev  # type: ignore[assignment]
            if not self.free(m.start(), m.end()):
                continue
            gap = self._gap_text(prev_end, m.start())
            if _GAP_STOP.search(gap):
                break
            if m.group("rng"):
                continue  # a range is a CI, taken by the bare-CI pass
            raw = m.group("a")
            after = self.view[m.end() : m.end() + 1]
            if after.isalpha() or after == "%":
                continue
            decimal = "." in raw
            if found == 0:
                if not decimal and not (_TIGHT_GAP.match(gap) and parse_number(raw) <= 9):
                    continue  # "HRs ... stratified by 2 factors": not a value
            else:
                if not decimal:
                    continue
                if not _COORDINATOR.search(gap):
                    break
            s = m.start("qs") if m.group("qs") else m.start("a")
            self.add(
                kind, s, m.end("a"), low=parse_number(raw),
                qualifier=self.qualifier(s, m.end("a"), m.group("qs")), cue=cue_text,
            )  # fmt: skip
            found += 1
            prev_end = m.end("a")

    def _gap_text(self, s: int, e: int) -> str:
        """Text between two offsets with claimed characters blanked out."""
        chars = list(self.view[s:e])
        for i in range(s, e):
            if self.taken[i]:
                chars[i - s] = " "
        return "".join(chars)

    def pass_ratio(self) -> None:
        cue_spans = self.cue_spans
        for m in _RATIO_WORD.finditer(self.view):
            ws = m.start()
            if any(cs <= ws < ce for cs, ce in cue_spans):
                continue  # the "ratio" of "hazard ratio"/"odds ratio"
            nxt = _RATIO_WORD.search(self.view, m.end())
            self._scope(m, "RATIO", 40, nxt.start() if nxt else len(self.view), self._ratio_name(m))

    def _ratio_name(self, m: re.Match[str]) -> str:
        name = _RATIO_NAME.search(self.view, max(0, m.start() - 45), m.start())
        words = (name.group(0) if name else "") + m.group(0)
        return _WS.sub(" ", _BRACKETS.sub("", words)).strip("/- ")

    def pass_bare_ci(self) -> None:
        # A value followed by a same-unit range in brackets: "39.6% (31.4%–48.2%)"
        # was taken as a PERCENTAGE range; it is the value's CI.
        self.out.sort(key=lambda q: q.start)
        for i in range(len(self.out) - 1):
            a, b = self.out[i], self.out[i + 1]
            if (
                a.kind in ("PERCENTAGE", "DURATION") and b.kind == a.kind and a.high is None and b.high is not None
                and _OPEN_BRACKET_GAP.fullmatch(self.view, a.end, b.start)
                and _CLOSE_BRACKET.match(self.view, b.end)
            ):  # fmt: skip
                self.out[i + 1] = replace(b, kind="CI", level=95.0, qualifier="=", cue=None, frequency=None)
        for q in list(self.out):
            if q.kind not in VALUE_KINDS or q.not_reached:
                continue
            m = _BARE_CI.match(self.view, q.end)
            if m is None or (m.group("comma") and not m.group("open")):
                continue  # "0.47, 0.34, 0.65" without brackets is a list, not a CI
            s = m.start("a")
            e = m.end("pb") if m.group("pb") else m.end("b")
            if not self.free(s, e):
                continue
            open_end = not _NUMERIC.match(m.group("b"))
            unit = "%" if (m.group("pa") or m.group("pb")) else None
            self.add(
                "CI", s, e, low=parse_number(m.group("a")),
                high=None if open_end else parse_number(m.group("b")),
                level=95.0, unit=unit, not_reached=open_end,
            )  # fmt: skip

    def pass_number(self) -> None:
        for m in self.matches(_NUMBER, "a"):
            s = m.start("qs") if m.group("qs") else m.start("a")
            e = m.end()
            if not self.free(s, e):
                s = m.start("a")
                if not self.free(s, e):
                    continue
            if not m.group("b") and self._bracket_statistic(m, s, e):
                continue
            kind, cue = "NUMBER", None
            if _PRE_AGE_NUMBER.search(self.view, max(0, s - 15), s):
                kind, cue = "AGE", "age"  # "a median age of 59"
            self.add(
                kind, s, e, low=parse_number(m.group("a")),
                high=parse_number(m.group("b")) if m.group("b") else None,
                qualifier=self.qualifier(s, e, m.group("qs") if s < m.start("a") else None), cue=cue,
            )  # fmt: skip

    def _bracket_statistic(self, m: re.Match[str], s: int, e: int) -> bool:
        """ "(1·30, 1·05–1·61, p=0·017)": a statistic with its interval in one bracket.

        With no cue in the sentence, a unitless value, its CI and a p value in one
        bracket of a time-to-event sentence ("overall survival seemed to be worse
        ... (1·30, 1·05–1·61, p=0·017)", PMC3488187) is a hazard ratio (cue
        "implicit"); elsewhere the value stays a NUMBER. The range is its CI either way.
        """
        if not _OPEN_BEFORE.search(self.view, max(0, s - 3), s):
            return False
        ci = _BARE_CI.match(self.view, e)
        if ci is None or ci.group("open") or ci.group("comma"):
            return False
        cs = ci.start("a")
        ce = ci.end("pb") if ci.group("pb") else ci.end("b")
        if not self.free(cs, ce):
            return False
        hazard = (
            "." in m.group("a")
            and _P_AFTER_CI.match(self.view, ce) is not None
            and _TIME_TO_EVENT.search(self.view) is not None
        )
        if hazard:
            self.add("HAZARD_RATIO", s, e, low=parse_number(m.group("a")), cue="implicit")
        else:
            self.add("NUMBER", s, e, low=parse_number(m.group("a")), qualifier=self.qualifier(s, e, None))
        open_end = not _NUMERIC.match(ci.group("b"))
        self.add(
            "CI", cs, ce, low=parse_number(ci.group("a")),
            high=None if open_end else parse_number(ci.group("b")),
            level=95.0, not_reached=open_end,
        )  # fmt: skip
        return True


def scan(text: str) -> list[Quantity]:
    """All quantities of one sentence: non-overlapping, sorted by start.

    Offsets index ``text`` itself; ``q.text == text[q.start:q.end]`` always holds.
    """
    if not text:
        return []
    return _Scan(text).run()
