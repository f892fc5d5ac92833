"""alkextract: structured, source-grounded findings from oncology editorials and trial reports."""

from .api import extract, extract_source, extract_text
from .errors import AlkextractError, InputError, PatternError
from .models import Result

__all__ = ["extract", "extract_text", "extract_source", "load", "Result", "AlkextractError", "InputError", "PatternError"]
__version__ = "0.1.0"


def load(patterns_dir=None):
    """The spaCy pipeline with alkextract's registered components (``doc._.findings``)."""
    from .pipeline import load as _load

    return _load(patterns_dir)
