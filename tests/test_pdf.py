"""PDF ingestion: the PDF path against the text it was rendered from.

The fixtures in ``fixtures/pdfs/`` are rendered by ``fixtures/make_pdfs.py`` (each
with an ``.expected.json`` written from the same source); two real journal PDFs sit
beside them, unchanged.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import time
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from alkextract.errors import PdfError
from alkextract.ingest import SourceText, read_document
from alkextract.pdf import keep_hyphen, read_pdf

PDFS = Path(__file__).parent / "fixtures" / "pdfs"
CORPUS = Path(__file__).parent.parent / "corpus"
MEDICINE = PDFS / "PMC5380284_Medicine2017_gastric-cancer-surgery-RCT.pdf"
NUTRJ = PDFS / "PMC3546023_NutrJ2013_smokers-palm-vitE-RCT.pdf"
RENDERED = ["journal", "editorial", "tables"]
LIGATURE_CHARS = "\ufb00\ufb01\ufb02\ufb03\ufb04"


@lru_cache(maxsize=None)
def read(name: str) -> SourceText:
    return read_pdf(PDFS / name if name.endswith(".pdf") else PDFS / f"{name}.pdf")


@lru_cache(maxsize=None)
def expected(name: str) -> dict:
    return json.loads((PDFS / f"{name}.expected.json").read_text(encoding="utf-8"))


def in_ranges(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in ranges)


def without(src: SourceText, ranges: list[tuple[int, int]]) -> str:
    """The text with the given ranges cut out (e.g. citations), nothing else changed."""
    out, pos = [], 0
    for s, e in sorted(ranges):
        out.append(src.text[pos:s])
        pos = e
    out.append(src.text[pos:])
    return "".join(out)


# ------------------------------------------------------------------ structure


@pytest.mark.parametrize("name", RENDERED)
def test_offsets_boxes_and_pages_are_consistent(name: str) -> None:
    src = read(name)
    exp = expected(name)
    assert src.format == "pdf" and src.pages == exp["pages"]
    assert len(src.char_boxes) == len(src.text)
    assert len(src.page_starts) == src.pages and src.page_starts[0] == 0
    assert src.page_starts == sorted(src.page_starts)
    for ch, box in zip(src.text, src.char_boxes):
        if box is None:
            assert ch in " \n|", repr(ch)  # only separators are inserted
        else:
            page, x0, top, x1, bottom = box
            assert 1 <= page <= src.pages and x0 <= x1 and top <= bottom
    # most characters sit on the page that page_of() names (floats may be moved)
    same = sum(1 for k, b in enumerate(src.char_boxes) if b is not None and src.page_of(k) == b[0])
    assert same >= 0.9 * sum(1 for b in src.char_boxes if b is not None)


@pytest.mark.parametrize("name", RENDERED)
def test_paragraphs_come_out_whole_and_in_order(name: str) -> None:
    """Columns, page breaks and floats never cut a paragraph; paragraphs keep their order."""
    src = read(name)
    exp = expected(name)
    last = -1
    for para in exp["paragraphs"]:
        at = src.text.find(para)
        assert at >= 0, f"paragraph not found whole: {para[:80]!r}"
        assert at > last, f"paragraph out of order: {para[:80]!r}"
        last = at
        # a paragraph is a block of its own
        assert at == 0 or src.text[at - 2:at] == "\n\n"
    for block in exp["headings"] + exp["captions"] + exp.get("notes", []):
        at = src.text.find(block)
        assert at >= 0, f"not found whole: {block[:80]!r}"
        assert at == 0 or src.text[at - 2:at] == "\n\n"


def test_a_sentence_broken_by_a_page_break_is_joined() -> None:
    src = read("journal")
    spanning = 0
    for para in expected("journal")["paragraphs"]:
        at = src.text.find(para)
        pages = {b[0] for b in src.char_boxes[at:at + len(para)] if b is not None}
        spanning += len(pages) > 1
    assert spanning >= 1  # the fixture really has a paragraph across pages, and it is whole


def test_full_width_title_is_not_cut_into_columns() -> None:
    src = read("journal")
    title = expected("journal")["headings"][0]
    assert src.text.startswith("J Fixture Oncol") or src.text.find(title) >= 0
    at = src.text.find(title)
    assert src.text[at + len(title):at + len(title) + 2] == "\n\n"


# ------------------------------------------------------------------ furniture


@pytest.mark.parametrize("name", RENDERED)
def test_running_headers_footers_and_page_numbers_are_furniture(name: str) -> None:
    src = read(name)
    exp = expected(name)
    furniture = [src.text[s:e] for s, e in src.furniture]
    for item in exp["furniture"]:
        hits = [f for f in furniture if item in f]
        assert len(hits) == src.pages, f"{item!r} not furniture on every page"
    for n in range(1, src.pages + 1):
        assert any(re.search(rf"(^|\s){n}$", f) for f in furniture), f"page number {n}"
    # furniture is out of the prose: no paragraph holds it
    for s, e in src.furniture:
        assert src.text[s - 1:s] in ("", "\n") and src.text[e:e + 1] in ("", "\n")
        assert all(src.char_boxes[k] is not None for k in range(s, e) if src.text[k] != " ")


# ------------------------------------------------------------------ citations


@pytest.mark.parametrize("name", ["journal", "editorial"])
def test_superscript_citations_are_found_from_the_layout(name: str) -> None:
    src = read(name)
    exp = expected(name)
    cites = [src.text[s:e] for s, e in src.citations]
    assert Counter(cites) == Counter(c["cite"] for c in exp["citations"])
    for s, e in src.citations:
        assert re.fullmatch(r"[\d,\u2013-]+", src.text[s:e])
        assert src.text[s - 1] != " "  # written where it stands, no space before
    for c in exp["citations"]:
        assert any(src.text[:s].endswith(c["before"]) and src.text[s:e] == c["cite"] for s, e in src.citations), c


def test_no_citation_digit_fuses_into_a_word() -> None:
    """``ALEX⁴`` reads as ALEX plus a citation range: cut the ranges and the words are clean."""
    src = read("editorial")
    clean = without(src, src.citations)
    for fused in ["ALEX4", "PROFILE 10142", "ASCEND-47", "ASCEND-79", "ALTA-1L6", "ALUR12", "Global phase II14",
                  "ALTA Arm B8", "comers.1", "NCT02075840),4", "trials4,6"]:
        assert fused not in clean, fused
    for name in ["ALEX", "PROFILE 1014", "ASCEND-4", "ASCEND-7", "ALTA-1L", "ALUR", "Global phase II"]:
        # each trial name in Table 1 is followed by its citation range
        assert any(src.text[:s].endswith(name) for s, _ in src.citations), name
    # with the citations cut out, the prose is the source prose with its markers removed
    md = (Path(__file__).parent / "fixtures" / "pdf_src" / "editorial.md").read_text(encoding="utf-8")
    uncited = [re.sub(r"\^\{[^}]*\}", "", p) for p in re.split(r"\n\s*\n", md) if "^{" in p and p[0].isupper()]
    assert uncited
    for para in uncited:
        if not para.startswith(("Table", "Figure", "|")):
            assert para in clean, para[:80]


# ------------------------------------------------------- ligatures, hyphens


@pytest.mark.parametrize("name", RENDERED)
def test_ligatures_expanded_and_line_end_hyphens_rejoined(name: str) -> None:
    src = read(name)
    assert not any(ch in src.text for ch in LIGATURE_CHARS + "\u00ad")
    events = expected(name)["hyphenated"]
    for ev in events:
        assert ev["expected"] in src.text, ev
        if "-" not in ev["expected"]:  # a hyphenation point: the hyphen is gone
            assert f"{ev['line_end']}{ev['next_line']}" not in src.text.replace(ev["expected"], "")
    if name == "journal":
        assert len(events) >= 3  # the fixture really breaks words at line ends
        assert "significant" in src.text and "efficacy" in src.text and "flexible" in src.text


@pytest.mark.parametrize(
    ("left", "right", "keep"),
    [
        ("progres", "sion", False),       # hyphenation of one word
        ("develop", "ment", False),
        ("second", "generation", True),   # a compound, both words seen elsewhere
        ("platinum", "based", True),      # a common compound tail
        ("non", "small", True),           # a common compound head
        ("IC", "TTP", True),              # capital after the hyphen
        ("PF", "06463922", True),         # digit after the hyphen
        ("cere", "brospinal", False),
    ],
)
def test_keep_hyphen_rule(left: str, right: str, keep: bool) -> None:
    vocab = {"second", "generation", "development", "line"}
    assert keep_hyphen(left, right, vocab, set()) is keep


# ------------------------------------------------------------------ tables


def table_rows(src: SourceText) -> list[list[list[str]]]:
    return [[[src.text[c.start:c.end] for c in row] for row in t.rows] for t in src.tables]


def test_ruled_table_broken_by_a_page_break() -> None:
    src = read("tables")
    exp = expected("tables")["tables"][0]
    parts = [t for t in src.tables if any(src.text[c.start:c.end] == "PROFILE 1014" for r in t.rows for c in r)
             or any(src.text[c.start:c.end] == "TRIAL-4" for r in t.rows for c in r)]
    assert [t.page for t in parts] == [1, 2]
    rows = [[src.text[c.start:c.end] for c in r] for t in parts for r in t.rows]
    assert rows == exp


def test_table_without_rules_read_from_column_positions() -> None:
    src = read("tables")
    exp = expected("tables")["tables"][1]
    assert exp in table_rows(src)


def test_rotated_page_reads_in_its_own_direction() -> None:
    src = read("tables")
    exp = expected("tables")
    assert exp["tables"][2] in table_rows(src)
    assert "Landscape pages hold wide tables; this sentence is printed sideways on the page." in src.text
    rotated = [t for t in src.tables if t.page == exp["rotated_page"]]
    assert rotated and table_rows(src)[src.tables.index(rotated[0])][0][0] == "Trial"


@pytest.mark.parametrize("name", ["tables", "editorial"])
def test_table_text_is_laid_out_as_rows_and_kept_out_of_prose(name: str) -> None:
    src = read(name)
    exp = expected(name)
    assert len(src.tables) == len([t for t in exp["tables"]]) + (1 if name == "tables" else 0)
    for t in src.tables:
        block = src.text[t.start:t.end]
        assert block.count("\n") == len(t.rows) - 1
        for r, row in enumerate(t.rows):
            line = src.text[row[0].start:row[-1].end]
            assert line == " | ".join(src.text[c.start:c.end] for c in row)
            assert "\n" not in line
        assert src.text[t.start - 2:t.start] == "\n\n"
    # a cell's text appears nowhere outside the tables (unless the prose says it too)
    table_ranges = [(t.start, t.end) for t in src.tables]
    prose = " ".join(exp["paragraphs"] + exp["captions"] + exp.get("notes", []))
    cells = {c for tab in exp["tables"] for row in tab for c in row if len(c) > 6 and c not in prose}
    assert len(cells) > 10
    for cell in cells:
        for m in re.finditer(re.escape(cell), src.text):
            assert in_ranges(table_ranges, m.start(), m.end()), cell


def test_editorial_table_1_rows_feed_the_trial_assembler() -> None:
    src = read("editorial")
    rows = table_rows(src)
    assert len(rows) == 1
    caption = "Table 1: Clinical trials of anaplastic lymphoma kinase inhibitors"
    at = src.text.find(caption)  # the caption is its own paragraph, right before the table
    assert at >= 0 and src.text.find("\n\n", at) + 2 == src.tables[0].start
    header, *body = rows[0]
    assert header[0] == "Drug/clinical trial" and len(header) == 8
    assert len(body) == 8
    first = dict(zip(header, body[1]))
    assert first["Drug/clinical trial"] == "Alectinib 600 mg BID ALEX4 NCT02075840"
    assert first["Line of treatment"] == "First-line"
    assert first["Brain prespecified endpoint"] == "PFS IC-TTP IC-ORR IC-DOR"
    last = dict(zip(header, body[-1]))
    assert last["Line of treatment"] == "Crizotinib-naïve, post-crizotinib, post-second-generation ALKi"


# ------------------------------------------------------------------ errors


def test_truncated_pdf_is_a_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "truncated.pdf"
    bad.write_bytes((PDFS / "journal.pdf").read_bytes()[:3000])
    with pytest.raises(PdfError, match=r"^corrupt or unreadable PDF: \S") as err:
        read_pdf(bad)
    assert "\n" not in str(err.value)


def test_not_a_pdf_is_a_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "fake.pdf"
    bad.write_text("this is not a PDF at all\n", encoding="utf-8")
    with pytest.raises(PdfError, match=r"^corrupt or unreadable PDF: "):
        read_document(bad)
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    with pytest.raises(PdfError, match=r"^corrupt or unreadable PDF: "):
        read_pdf(garbage)


def test_encrypted_pdf_needs_a_password() -> None:
    with pytest.raises(PdfError) as err:
        read_pdf(PDFS / "encrypted.pdf")
    assert str(err.value) == "encrypted PDF: a password is required"


def test_pages_without_text_layer_are_reported() -> None:
    scanned = read("scanned")
    assert scanned.warnings == ["no text layer, OCR not supported"]
    assert scanned.text.strip() == "" and scanned.pages == 2
    mixed = read("mixed")
    assert mixed.warnings == ["page 2: no text layer, OCR not supported"]
    assert "This page has a text layer" in mixed.text


# ------------------------------------------------------------------ real PDFs


@pytest.mark.parametrize(
    ("path", "pages", "header", "sentences"),
    [
        (
            MEDICINE, 5, "Ge et al. Medicine (2017) 96:13",
            [
                "The aim of this randomized controlled trial was to assess the effectiveness of gum-chewing on "
                "restoring postoperative bowel function in patients who received laparoscopic gastrectomy.",
                "This study was a prospective, single-center, randomized, and controlled clinical trial.",
            ],
        ),
        (
            NUTRJ, 12, "Jubri et al. Nutrition Journal 2013, 12:2",
            [
                "Peripheral blood mononuclear cells (PBMN) were obtained from diluted defibrinated blood by "
                "two-fold separation over ficoll hypaque (Pharmacia, USA).",
                "Studies have reported that cigarette smoking cause impairment of the immune function resulting "
                "in diseases such as chronic obstructive lung disease, cardiovascular disease and cancers [1,2].",
            ],
        ),
    ],
)
def test_real_journal_pdfs(path: Path, pages: int, header: str, sentences: list[str]) -> None:
    t0 = time.perf_counter()
    src = read(path.name)
    elapsed = time.perf_counter() - t0
    assert src.pages == pages and not src.warnings
    for s in sentences:  # columns read in order; wrapped lines and hyphenations joined
        assert s in src.text, s[:60]
    furniture = [src.text[s:e] for s, e in src.furniture]
    assert sum(header in f for f in furniture) >= pages - 1
    for s, e in src.furniture:  # furniture stands on its own lines
        assert src.text[s - 1:s] in ("", "\n") and src.text[e:e + 1] in ("", "\n")
    print(f"{path.name}: {pages / max(elapsed, 1e-9):.1f} pages/s")  # measured, not asserted


def test_real_pdfs_are_copied_unchanged() -> None:
    readme = (PDFS / "README.md").read_text(encoding="utf-8")
    for p in (MEDICINE, NUTRJ):
        assert p.name in readme
        assert p.read_bytes()[:5] == b"%PDF-"


# ------------------------------------------------------------------ pipeline


def test_include_text_returns_the_text_the_offsets_index() -> None:
    from alkextract import extract

    result = extract(PDFS / "journal.pdf", include_text=True)
    assert result.text == read("journal").text
    assert result.source.pages == 3 and result.source.format == "pdf"


def _finding_key(f) -> tuple:
    return (f.endpoint, f.value.low, f.value.high, tuple(sorted(f.intervention)), f.trial,
            tuple(sorted(f.population)))


def test_editorial_pdf_matches_text() -> None:
    """The PDF rendition of the editorial yields the text file's findings and trials."""
    from alkextract import extract

    pdf = extract(PDFS / "editorial.pdf")
    txt = extract(CORPUS / "alk-brain-mets-editorial.txt")
    assert txt.findings, "the text path finds nothing"
    a, b = Counter(map(_finding_key, pdf.findings)), Counter(map(_finding_key, txt.findings))
    agreement = sum((a & b).values()) / max(sum(a.values()), sum(b.values()))
    assert agreement >= 0.95
    pairs = lambda r: {(t.name, i) for t in r.trials for i in (t.registry_ids or [None])}  # noqa: E731
    assert pairs(pdf) == pairs(txt)
    # no citation digit in any entity or value; every entity has its page and box
    src = read("editorial")
    spans = [(e.start, e.end) for e in pdf.entities] + [tuple(f.span) for f in pdf.findings]
    for start, end in spans:
        assert not any(s < end and start < e for s, e in src.citations), src.text[start:end]
    for e in pdf.entities:
        assert e.page is not None and e.bbox is not None and len(e.bbox) == 4


# ------------------------------------------------------------------ fixtures


def test_fixture_script_reproduces_the_expectations(tmp_path: Path) -> None:
    """The committed expectations are what make_pdfs.py writes (fonts permitting)."""
    if not Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf").exists():
        pytest.skip("DejaVu fonts not installed")
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_pdfs", Path(__file__).parent / "fixtures" / "make_pdfs.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["make_pdfs"] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    mod.make_journal(tmp_path)
    assert json.loads((tmp_path / "journal.expected.json").read_text()) == expected("journal")
    shutil.rmtree(tmp_path)
