"""The first-character prefilter returns exactly what ``re`` returns."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alkextract import fastre, matchers, quantities
from alkextract.pipeline import get_matcher

# Every compiled pattern of the number grammar and the matchers, and the matcher's
# combined regex rules from patterns/ (the curator-written ones).
PATTERNS = sorted(
    {id(v): v for mod in (quantities, matchers) for v in vars(mod).values() if isinstance(v, re.Pattern)}.values(),
    key=lambda p: p.pattern,
)


def _rule_patterns() -> list[re.Pattern[str]]:
    m = get_matcher()
    return [rx for ps in m.all_phrases.sets for rx in ps._rx]


# Characters the patterns care about, with the case-folding oddities of IGNORECASE
# (the Kelvin sign matches k, the long s matches s, dotless i and dotted I).
ALPHABET = "0123456789.,;:%-–=<>≤≥~()[]/ \n" "aceilmnoprstuvwyCHIMNOPRSTEqQK" "\u212a\u017f\u0131\u0130·µ²"
TEXT = st.text(alphabet=ALPHABET, max_size=60)
# dense in the characters numbers start with, so that a failed try is often followed
# by a match one character later ("<<5", "a.5", "--3")
DENSE = st.text(alphabet="0123456789.,<>=≤~- %()nNC", max_size=30)
WORDS = st.lists(
    st.sampled_from(["95% CI", "0.34", "to", "0.65", "HR", "P", "=", "<", "0.001", "n", "12", "months", "patients",
                     "NCT01234567", "mg", "BID", "q3w", "not reached", "NR", "(", ")", "CSF", "ratio", "AUC", "5",
                     "two", "partial responses", "≥", "45%", "vs", "ALTA-1L", "median", "within", "week"]),
    max_size=20,
).map(" ".join)


def _same(rx: re.Pattern[str], text: str) -> None:
    search = fastre.searcher(rx)
    for pos in range(0, len(text) + 1, 3):
        for end in (len(text), max(pos, len(text) - 5)):
            a, b = rx.search(text, pos, end), search(text, pos, end)
            assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups())), (rx.pattern, text, pos, end)
    assert [m.span() for m in rx.finditer(text)] == [m.span() for m in fastre.finditer(rx, text)]


@settings(max_examples=150, deadline=None)
@given(TEXT, WORDS, DENSE)
def test_same_matches_as_re(text: str, words: str, dense: str) -> None:
    for rx in PATTERNS + _rule_patterns():
        _same(rx, text)
        _same(rx, words)
        _same(rx, dense)


@pytest.mark.parametrize("text", ["<<5", "a.5 and <=-3", "x1 <2", "NNCT01234567", "CCI 95% CI 1-2", "nn=5"])
def test_same_matches_where_a_try_fails_first(text: str) -> None:
    for rx in PATTERNS + _rule_patterns():
        _same(rx, text)


def test_prefilter_is_used_where_it_helps() -> None:
    # a number led by an optional qualifier: re cannot find a prefix, the prefilter can
    assert fastre.start_class(quantities._NUMBER) is not None
    # registry ids: capitals only
    assert fastre.start_class(re.compile(r"(?P<a>NCT\d{8})|(?P<b>ISRCTN\s?\d{8})")) is not None


@pytest.mark.parametrize("source", [
    r"",            # matches the empty string
    r"\d*",         # so does this
    r"(?i:[a-z])x",  # any letter: most of the text
    r"\sP",         # a space: too common
    r".x",          # anything
    r"[^a]x",       # a negated class
    r"(a)\1",       # a back-reference
    r"abc",         # a literal prefix: re scans for it itself
])
def test_no_prefilter(source: str) -> None:
    assert fastre.start_class(re.compile(source)) is None
    assert fastre.searcher(re.compile(source)).__name__ == "search"  # the pattern's own


def test_a_unicode_group_in_an_ascii_pattern() -> None:
    # (?u:...) reads \d and case folding the Unicode way inside an ASCII pattern
    for rx, text in [(re.compile(r"<?(?u:\d)x", re.ASCII), "\u0663x"), (re.compile(r"<?(?u:(?i:k))x", re.ASCII), "\u212ax")]:
        _same(rx, text)
        assert fastre.searcher(rx)(text) is not None


def test_ignorecase_oddities() -> None:
    rx = re.compile(r"(?:(?P<q>[<>]) ?)?(?i:k)g")
    for text in ["\u212ag", "kg", "Kg", "< kg", "xx\u212ag"]:
        _same(rx, text)
