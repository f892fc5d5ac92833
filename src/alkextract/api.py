"""The Python API: a document in, a SPEC.md :class:`~alkextract.models.Result` out."""

from __future__ import annotations

from pathlib import Path

from .ingest import SourceText, read_document, read_text
from .models import Result, Source


def doc_id_for(path: str | Path) -> str:
    """The document id: the file name without its extension."""
    return Path(path).stem


def extract_source(source: SourceText, doc_id: str, *, include_text: bool = False) -> Result:
    """Run the pipeline over text already read."""
    # Placeholder until the pipeline lands: an empty but valid result.
    return Result(
        doc_id=doc_id,
        source=Source(path=source.path, sha256=source.sha256, format=source.format, pages=source.pages),
        warnings=list(source.warnings),
        text=source.text if include_text else None,
    )


def extract(path_or_text: str | Path, *, doc_id: str | None = None, include_text: bool = False) -> Result:
    """Extract from a file path (``.txt``, ``.md``, ``.pdf``) or from a string of text.

    A ``Path``, or a string naming an existing file, is read from disk; any other
    string is taken as the text itself. Raises :class:`~alkextract.errors.InputError`
    with a one-line reason for a document that cannot be read.
    """
    if isinstance(path_or_text, Path) or (
        isinstance(path_or_text, str) and "\n" not in path_or_text and len(path_or_text) < 4096
        and Path(path_or_text).suffix and Path(path_or_text).exists()
    ):
        source = read_document(path_or_text)
        return extract_source(source, doc_id or doc_id_for(path_or_text), include_text=include_text)
    source = read_text(str(path_or_text).encode("utf-8"))
    return extract_source(source, doc_id or "text", include_text=include_text)
