"""The Python API: a document in, a SPEC.md :class:`~alkextract.models.Result` out."""

from __future__ import annotations

from pathlib import Path

from .errors import InputError
from .ingest import SUFFIXES, SourceText, read_document, read_text
from .models import Abbreviation, Result, Source


def doc_id_for(path: str | Path) -> str:
    """The document id: the file name without its extension."""
    return Path(path).stem


def extract_source(source: SourceText, doc_id: str, *, include_text: bool = False,
                   patterns_dir: str | None = None) -> Result:
    """Run the pipeline over text already read (see :mod:`alkextract.ingest`)."""
    from .pipeline import entities_of, run

    warnings = list(source.warnings)
    if source.text.strip():
        doc = run(source, patterns_dir)
        entities, findings, trials = entities_of(doc), doc._.findings, doc._.trials
        abbreviations = [Abbreviation(short=s, long=l) for s, l in doc._.alk_abbreviation_pairs or []]
    else:
        entities, findings, trials, abbreviations = [], [], [], []
        if source.format == "text":
            warnings.append("empty document: no text")
    return Result(
        doc_id=doc_id,
        source=Source(path=source.path, sha256=source.sha256, format=source.format, pages=source.pages),
        entities=entities, findings=findings, trials=trials, abbreviations=abbreviations,
        warnings=warnings,
        text=source.text if include_text else None,
    )


def extract(path_or_text: str | Path, *, doc_id: str | None = None, include_text: bool = False,
            patterns_dir: str | None = None) -> Result:
    """Extract from a file path (``.txt``, ``.md``, ``.pdf``) or from a string of text.

    A ``Path`` is a file. A string is a file when it looks like a path: one line, no
    spaces or a path separator, and ending in ``.txt``, ``.md`` or ``.pdf`` — a missing
    one is an error, not text. Any other string is the text itself. Raises
    :class:`~alkextract.errors.InputError` with a one-line reason for a document that
    cannot be read.
    """
    if isinstance(path_or_text, Path) or _looks_like_a_path(path_or_text):
        source = read_document(path_or_text)
        return extract_source(source, doc_id or doc_id_for(path_or_text), include_text=include_text,
                              patterns_dir=patterns_dir)
    return extract_text(str(path_or_text), doc_id=doc_id or "text", include_text=include_text,
                        patterns_dir=patterns_dir)


def extract_text(text: str, *, doc_id: str = "text", include_text: bool = False,
                 patterns_dir: str | None = None) -> Result:
    """Extract from a string of text (never read as a path)."""
    try:
        data = text.encode("utf-8")
    except UnicodeError:
        raise InputError("not valid text: the string holds lone surrogates") from None
    return extract_source(read_text(data), doc_id, include_text=include_text, patterns_dir=patterns_dir)


def _looks_like_a_path(s: str) -> bool:
    if "\n" in s or len(s) > 4096:
        return False
    one = s.strip()
    return bool(one) and Path(one).suffix.lower() in SUFFIXES and (" " not in one or "/" in one or "\\" in one)
