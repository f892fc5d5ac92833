"""The Python API: a document in, a SPEC.md :class:`~alkextract.models.Result` out."""

from __future__ import annotations

from pathlib import Path

from .ingest import SourceText, read_document, read_text
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
        abbreviations = [Abbreviation(short=s, long=l) for s, l in doc._.abbreviation_pairs or []]
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


def extract(path_or_text: str | Path, *, doc_id: str | None = None, include_text: bool = False) -> Result:
    """Extract from a file path (``.txt``, ``.md``, ``.pdf``) or from a string of text.

    A ``Path``, or a one-line string naming an existing file, is read from disk; any
    other string is taken as the text itself. Raises :class:`~alkextract.errors.InputError`
    with a one-line reason for a document that cannot be read.
    """
    if isinstance(path_or_text, Path) or _names_a_file(path_or_text):
        source = read_document(path_or_text)
        return extract_source(source, doc_id or doc_id_for(path_or_text), include_text=include_text)
    source = read_text(str(path_or_text).encode("utf-8"))
    return extract_source(source, doc_id or "text", include_text=include_text)


def _names_a_file(s: str) -> bool:
    if "\n" in s or len(s) > 4096:
        return False
    try:
        return Path(s).is_file()
    except OSError:
        return False
