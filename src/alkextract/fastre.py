"""Regex search that skips to the characters a match can start with.

Python's ``re`` scans fast only when a pattern begins with a literal or a plain
character class. Most of the number grammar's patterns begin with an optional group
or a look-behind (``(?:(?P<qs>[<>≤≥]) ?)?(?<![A-Za-z0-9.])\\d...``), so ``search``
tries the whole pattern at every character of the sentence. :func:`searcher` reads
the pattern's parse tree once, works out the set of characters any match must start
with, and returns a ``search(string, pos, endpos)`` that jumps from one such
character to the next with a plain class (a C-speed scan) and tries the pattern only
there. It returns exactly what ``pattern.search`` returns: the same leftmost match,
because every match starts on one of those characters, and look-behinds, ``\\b`` and
``$`` see the whole string in both (``tests/test_fastre.py`` checks this on random
strings).

A pattern that can match the empty string, or whose first character can be almost
anything (``.``, ``[^x]``, a back-reference, an unknown construct), keeps its own
``search``: the prefilter would only add work there.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator, Optional

try:  # the parser is private; without it every pattern keeps its own search
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python < 3.11
    try:
        import sre_constants as _c  # type: ignore[no-redef]
        import sre_parse as _p  # type: ignore[no-redef]
    except ImportError:
        _c = _p = None  # type: ignore[assignment]

Search = Callable[..., Optional[re.Match]]

#: The one category narrow enough to start from; \s and \w match most of the text.
_DIGIT = _c.CATEGORY_DIGIT if _c is not None else None


class _Any(Exception):
    """The first character is not worth narrowing (or cannot be worked out)."""


def _class_items(av: list, ignore: bool) -> list[tuple[str, bool]]:
    """The items of a parsed ``[...]`` class as (class source, case-insensitive)."""
    out = []
    for op, arg in av:
        if op is _c.LITERAL:
            out.append((re.escape(chr(arg)), ignore))
        elif op is _c.RANGE:
            out.append((f"{re.escape(chr(arg[0]))}-{re.escape(chr(arg[1]))}", ignore))
        elif op is _c.CATEGORY and arg is _DIGIT:
            out.append((r"\d", ignore))
        else:  # NEGATE, \s, \w, a negated category, a charset/bigcharset: too wide or opaque
            raise _Any
    return out


def _first(items: list, flags: int) -> tuple[list[tuple[str, bool]], bool]:
    """(class items a match of the sequence can start with, whether it can be empty)."""
    acc: list[tuple[str, bool]] = []
    for op, av in items:
        ignore = bool(flags & re.IGNORECASE)
        if op is _c.LITERAL:
            acc.append((re.escape(chr(av)), ignore))
            return acc, False
        if op is _c.IN:
            acc.extend(_class_items(av, ignore))
            return acc, False
        if op is _c.BRANCH:
            nullable = False
            for alt in av[1]:
                first, empty = _first(list(alt), flags)
                acc.extend(first)
                nullable = nullable or empty
            if not nullable:
                return acc, False
            continue
        if op is _c.SUBPATTERN:
            _group, add, remove, sub = av
            first, empty = _first(list(sub), (flags | add) & ~remove)
            acc.extend(first)
            if not empty:
                return acc, False
            continue
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) or op is getattr(_c, "POSSESSIVE_REPEAT", None):
            low, _high, sub = av
            first, empty = _first(list(sub), flags)
            acc.extend(first)
            if low > 0 and not empty:
                return acc, False
            continue
        if op is getattr(_c, "ATOMIC_GROUP", None):
            first, empty = _first(list(av), flags)
            acc.extend(first)
            if not empty:
                return acc, False
            continue
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue  # zero width: the next item consumes the first character
        raise _Any  # ANY, NOT_LITERAL, GROUPREF, conditionals, ...
    return acc, True


def _native_prefix(items: list) -> bool:
    """The pattern starts with a literal or a class, which ``re`` already scans for."""
    while items:
        op, av = items[0]
        if op is _c.SUBPATTERN:
            items = list(av[3])
            continue
        return op in (_c.LITERAL, _c.IN)
    return False


#: Rough shares of characters in English running text: frequent lower-case letters,
#: the other lower-case letters, capitals and digits. A start set is worth using only
#: where it skips most of the text.
_FREQUENT = set("etaoinshr")
_SHARE_LIMIT = 0.075


def _share(ch: str, ignore: bool) -> float:
    if ch.isspace():
        return 1.0
    if ch.isalpha():
        low = ch.lower()
        lower_share = 0.08 if low in _FREQUENT else 0.025
        if ignore or ch.islower():
            return lower_share
        return 0.002
    if ch.isdigit():
        return 0.004
    return 0.003


def _too_wide(items: list[tuple[str, bool]]) -> bool:
    """The start set matches so much of running text (a space, a frequent letter or
    several) that trying the pattern at each of those characters
    costs more than ``re``'s own scan."""
    share = 0.0
    seen: set[tuple[str, bool]] = set()
    for src, ignore in items:
        if src == r"\d":
            if (src, False) not in seen:
                seen.add((src, False))
                share += 10 * 0.004
            continue
        chars = re.sub(r"\\(.)", r"\1", src)
        if len(chars) == 3 and chars[1] == "-":  # a range "a-z"
            lo, hi = ord(chars[0]), ord(chars[2])
            if hi - lo > 64:
                return True
            chars = "".join(chr(c) for c in range(lo, hi + 1))
        for ch in chars:
            key = (ch.lower(), True) if ignore else (ch, False)
            if key not in seen:
                seen.add(key)
                share += _share(ch, ignore)
    return share > _SHARE_LIMIT


def start_class(pattern: re.Pattern[str]) -> Optional[re.Pattern[str]]:
    """A one-character pattern matching every character a match of ``pattern`` can
    start with; None when it cannot be narrowed usefully."""
    if _p is None or not isinstance(pattern.pattern, str):
        return None
    try:
        parsed = _p.parse(pattern.pattern, pattern.flags)
        if _native_prefix(list(parsed)):
            return None  # re scans for a leading literal or class on its own
        first, empty = _first(list(parsed), parsed.state.flags)
    except Exception:  # _Any, or a construct this walk does not know
        return None
    if empty or not first or _too_wide(first):
        return None
    sensitive = "".join(src for src, ignore in first if not ignore)
    insensitive = "".join(src for src, ignore in first if ignore)
    parts = []
    if sensitive:
        parts.append(f"[{sensitive}]")
    if insensitive:
        parts.append(f"(?i:[{insensitive}])")
    # Unicode \d and case folding, whatever the pattern's flags: a scoped (?u:...) in an
    # ASCII pattern reads them so, and a class wider than needed only costs a try
    return re.compile("|".join(parts))


def finditer(pattern: re.Pattern[str], string: str) -> Iterator[re.Match]:
    """``pattern.finditer(string)``, with the prefilter where it helps."""
    search = searcher(pattern)
    if search == pattern.search:  # no prefilter: the pattern's own finditer
        yield from pattern.finditer(string)
        return
    pos = 0
    while True:
        m = search(string, pos)
        if m is None:
            return
        yield m
        pos = m.end()  # never empty: a pattern with a start set cannot match ""


_CACHE: dict[int, tuple[re.Pattern[str], Search]] = {}


def searcher(pattern: re.Pattern[str]) -> Search:
    """``pattern.search`` with the first-character prefilter, where it helps (worked
    out once per pattern)."""
    hit = _CACHE.get(id(pattern))  # by id: hashing a compiled pattern hashes its code
    if hit is not None and hit[0] is pattern:
        return hit[1]
    search = _make_searcher(pattern)
    _CACHE[id(pattern)] = (pattern, search)  # the pattern is kept, so its id stays its own
    return search


def _make_searcher(pattern: re.Pattern[str]) -> Search:
    first = start_class(pattern)
    if first is None:
        return pattern.search
    find, match = first.search, pattern.match

    def search(string: str, pos: int = 0, endpos: Optional[int] = None) -> Optional[re.Match]:
        end = len(string) if endpos is None else endpos
        while True:
            c = find(string, pos, end)
            if c is None:
                return None
            m = match(string, c.start(), end)
            if m is not None:
                return m
            pos = c.start() + 1

    return search
