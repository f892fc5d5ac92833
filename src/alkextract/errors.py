"""The exceptions alkextract raises, each with a one-line message that says what to fix.

    AlkextractError              base: the CLI prints ``Error: <message>`` and exits 1
    ├── InputError               a document cannot be read as a document
    │   ├── EmptyDocumentError   0 bytes, or no text at all
    │   ├── NotTextError         binary bytes in a .txt/.md file
    │   ├── PdfError             corrupt, truncated or encrypted PDF
    │   └── UnsupportedFormatError  an extension alkextract does not read
    └── PatternError             a bad file in patterns/ (names file and line)
"""

from __future__ import annotations


class AlkextractError(Exception):
    """Base class: every error alkextract raises on purpose."""


class InputError(AlkextractError):
    """The document cannot be read."""


class EmptyDocumentError(InputError):
    pass


class NotTextError(InputError):
    pass


class PdfError(InputError):
    pass


class UnsupportedFormatError(InputError):
    pass


class PatternError(AlkextractError):
    """A pattern file is malformed; the message names the file and line."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path, self.line = str(path), line
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")
