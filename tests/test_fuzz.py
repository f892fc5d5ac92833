"""Fuzzing ingestion: any bytes as .txt, .md or .pdf give a Result or an InputError.

Never another exception, and every offset a Result holds indexes its own text. The
example count is small so that CI stays fast; for a longer run:

    ALKEXTRACT_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest -q tests/test_fuzz.py
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from fpdf import FPDF
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import alkextract
from alkextract.errors import InputError
from alkextract.models import Result

EXAMPLES = int(os.environ.get("ALKEXTRACT_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # the first example loads the pipeline
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=EXAMPLES <= 100,  # CI: the same examples every run; long runs explore
)


def _seed_pdf() -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 6, "In ALEX, 12-month PFS was 68.4% with alectinib (HR 0.47, 95% CI 0.34-0.65).")
    return bytes(pdf.output())


SEED_PDF = _seed_pdf()

# Text as a careful user might write it and as a hostile file might contain it:
# any Unicode (surrogates excluded: they cannot be encoded), in three encodings.
texts = st.text(
    alphabet=st.characters(exclude_categories=("Cs",)),
    max_size=400,
)
encoded_text = st.tuples(texts, st.sampled_from(["utf-8", "utf-8-sig", "utf-16"])).map(
    lambda t: t[0].encode(t[1])
)
domain_text = st.lists(
    st.sampled_from(
        ["ALK", "crizotinib", "HR 0.18", "95% CI", "45%", "22–33%", "≥50%", "n=18", "(PFS)",
         "ALEX4", "NCT02075840", "progression-free\nsurvival", "-\n", "\u00ad", "\ufeff", "\r\n", " ", "."]
    ),
    max_size=40,
).map(lambda parts: " ".join(parts).encode("utf-8"))


@st.composite
def mutated_pdf(draw: st.DrawFn) -> bytes:
    """A valid PDF with a few bytes overwritten, cut short, or both: past the header."""
    data = bytearray(SEED_PDF)
    for _ in range(draw(st.integers(0, 8))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    cut = draw(st.integers(0, len(data)))
    return bytes(data[:cut]) if draw(st.booleans()) else bytes(data)


def check(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            result = alkextract.extract(path, include_text=True)
        except InputError as exc:
            message = str(exc)
            assert message and "\n" not in message, repr(message)
            return
    assert isinstance(result, Result)
    text = result.text or ""
    for e in result.entities:
        assert text[e.start : e.end] == e.text, e
    for f in result.findings:
        assert text[f.evidence.start : f.evidence.end] == f.evidence.text, f


@FUZZ
@given(data=st.one_of(st.binary(max_size=600), encoded_text, domain_text), suffix=st.sampled_from([".txt", ".md"]))
def test_fuzz_text_ingestion(data: bytes, suffix: str) -> None:
    check(data, suffix)


@FUZZ
@given(data=st.one_of(st.binary(max_size=600), st.binary(max_size=200).map(lambda b: b"%PDF-1.4\n" + b), mutated_pdf()))
def test_fuzz_pdf_ingestion(data: bytes) -> None:
    check(data, ".pdf")
