"""Ingestion: a path becomes a :class:`SourceText`, the text every offset indexes.

Text files (``.txt``, ``.md``) are read as SPEC.md says: UTF-8, no newline
translation. Text that is not UTF-8 is decoded as Windows-1252/Latin-1 with a warning
in the result; bytes that are not text at all are rejected. PDFs go through
:mod:`alkextract.pdf`, page by page.
"""

from __future__ import annotations

import errno
import hashlib
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .errors import EmptyDocumentError, InputError, NotTextError, UnsupportedFormatError

TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
PDF_SUFFIXES = {".pdf"}
SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES

#: Text files larger than this are refused rather than loaded whole (bytes).
MAX_TEXT_BYTES = 64 * 1024 * 1024


@dataclass
class TableCell:
    start: int
    end: int


@dataclass
class SourceTable:
    """A table found in the source: rows of cells, each cell an offset range."""

    start: int
    end: int
    page: int | None = None
    rows: list[list[TableCell]] = field(default_factory=list)


@dataclass
class SourceText:
    """One document's text as read, plus what ingestion learnt about its layout.

    ``text`` is what every offset in the result indexes. For PDFs the extra fields
    describe regions of ``text``; for plain text they are empty and the text repair
    stage (:mod:`alkextract.repair`) finds citations and tables heuristically.
    """

    text: str
    format: str  # "text" | "pdf"
    path: str = "<text>"
    sha256: str = ""
    pages: int | None = None
    #: offset in ``text`` where each page starts (PDF only), ascending
    page_starts: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: running headers, footers, page numbers: addressable but not prose
    furniture: list[tuple[int, int]] = field(default_factory=list)
    #: citation markers known from the layout (superscripts): never part of a span
    citations: list[tuple[int, int]] = field(default_factory=list)
    tables: list[SourceTable] = field(default_factory=list)
    #: per-character box (page, x0, top, x1, bottom) for PDFs; None for text
    char_boxes: list[tuple[int, float, float, float, float] | None] | None = None

    def page_of(self, offset: int) -> int | None:
        """1-based page holding ``offset`` (None for text input)."""
        if not self.page_starts:
            return None
        from bisect import bisect_right

        return max(1, bisect_right(self.page_starts, offset))

    def bbox_of(self, start: int, end: int) -> list[float] | None:
        """Union box of the characters in [start, end) on the page of ``start``."""
        if not self.char_boxes:
            return None
        boxes = [b for b in self.char_boxes[start:end] if b is not None]
        if not boxes:
            return None
        page = boxes[0][0]
        same = [b for b in boxes if b[0] == page]
        return [
            round(min(b[1] for b in same), 2),
            round(min(b[2] for b in same), 2),
            round(max(b[3] for b in same), 2),
            round(max(b[4] for b in same), 2),
        ]


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Decode a text file's bytes: UTF-8, else a Windows-1252 fallback with a warning.

    Bytes that are clearly binary (NUL bytes, or many control characters) raise
    :class:`NotTextError`: a PDF or an image renamed ``.txt`` is not a text document.
    """
    if not data.strip():
        raise EmptyDocumentError("empty document: no text")
    sample = data[:65536]
    if b"\x00" in sample:
        raise NotTextError("not a text document: binary content (NUL bytes)")
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    if controls > max(8, len(sample) // 100):
        raise NotTextError("not a text document: binary content (control bytes)")
    # (a UTF-8 BOM decodes to U+FEFF and stays: the offsets index the decoded text)
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        warning = (
            f"not valid UTF-8 (byte {exc.start}); decoded as Windows-1252/Latin-1, "
            "offsets index that decoding"
        )
        try:
            return data.decode("cp1252"), [warning]
        except UnicodeDecodeError:
            return data.decode("latin-1"), [warning]


def text_source(text: str, path: str = "<text>") -> SourceText:
    """A SourceText for text already in memory (a ``str`` needs no decoding checks)."""
    return SourceText(text=text, format="text", path=path, sha256=sha256_bytes(text.encode("utf-8", "surrogatepass")))


def read_text(data: bytes, path: str = "<text>") -> SourceText:
    text, warnings = decode_text(data)
    return SourceText(text=text, format="text", path=path, sha256=sha256_bytes(data), warnings=warnings)


def read_document(path: str | Path) -> SourceText:
    """Read one document from disk. Raises :class:`InputError` with a one-line reason."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in SUFFIXES:
        raise UnsupportedFormatError(
            f"unsupported file type {suffix or '(none)'!r}: alkextract reads .txt, .md and .pdf"
        )
    try:
        # stat() first, not is_file(): is_file() answers False for a symlink loop
        # or an unreadable folder, which would then be reported as "no such file".
        st = p.stat()
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"not a file: {p}")
        size = st.st_size
        if size == 0:
            raise EmptyDocumentError("empty document: 0 bytes")
        if suffix in TEXT_SUFFIXES and size > MAX_TEXT_BYTES:
            raise InputError(
                f"text file too large: {size / 2**20:.0f} MiB (limit {MAX_TEXT_BYTES // 2**20} MiB)"
            )
        if suffix in PDF_SUFFIXES:
            from .pdf import read_pdf

            return read_pdf(p)
        data = p.read_bytes()
    except PermissionError:
        raise InputError(f"permission denied: {p}") from None
    except FileNotFoundError:
        raise InputError(f"no such file: {p}") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(f"symbolic link loop: {p}") from None
        raise InputError(f"cannot read {p}: {exc.strerror or exc}") from None
    return read_text(data, str(p))
