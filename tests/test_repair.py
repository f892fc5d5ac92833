"""Text repair: citation markers, wrapped lines, blocks, and the offset map back to the source."""

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from alkextract.repair import find_citations, repair

EDITORIAL = Path(__file__).parent.parent / "corpus" / "alk-brain-mets-editorial.txt"
KNOWN = ["ALEX", "ASCEND-4", "ASCEND-7", "PROFILE 1014", "ALTA-1L", "ALUR", "ALTA", "AURA3", "AURA"]


def cited(text: str) -> list[str]:
    return [text[s:e] for s, e in find_citations(text, KNOWN)]


@pytest.mark.parametrize(
    "text, expected",
    [
        # R1: after a word or bracket and a punctuation mark, before white space
        ("after crizotinib failure.1 The presence", ["1"]),
        ("(ClinicalTrials.gov identifier: NCT02075840),4 with a", ["4"]),
        ("ratio 0.0026).2,3 NgALKi can", ["2,3"]),
        ("compared with chemotherapy or crizotinib.4–6,8–12 CNS responses", ["4–6,8–12"]),
        ("from the first evaluation scan,13 and are durable", ["13"]),
        ("of plasma levels).14,15 The ASCEND-7 study", ["14,15"]),
        # R2: digits fused to a lower-case word
        ("based on clinical trials4,6,8,9,12,14\n", ["4,6,8,9,12,14"]),
        # R3: known trial names with a fused reference number
        ("ALEX4 \n\nNCT02075840", ["4"]),
        ("ASCEND-47 \n\nNCT01828099", ["7"]),
        ("PROFILE 10142 \n\nNCT01154140", ["2"]),
        ("ALTA-1L6 \n\nNCT02737501", ["6"]),
        # R4 and R5: a phase or an arm label fused to a reference number
        ("Global phase II14 \n", ["14"]),
        ("ALTA Arm B8 \n", ["8"]),
        # superscript digits are always markers
        ("as shown before¹²", ["¹²"]),
        # not citations: decimals, doses, ranges, known names that end in a digit
        ("of 14.5 months in 53% of patients", []),
        ("600 mg BID and 22–33% of cases", []),
        ("pooled from the AURA3 trial", []),
        ("RECIST 1.1. IC-ORR", []),
        ("mutations in exon19 and codon12", []),
    ],
)
def test_citations(text, expected):
    assert cited(text) == expected


def test_editorial_repair_removes_fused_citations_and_keeps_names():
    src = EDITORIAL.read_text(encoding="utf-8")
    rep = repair(src, known_names=KNOWN)
    for fused in ("ALEX4", "ASCEND-47", "PROFILE 10142", "crizotinib.1 ", "trials4,6"):
        assert fused not in rep.text
    assert "PROFILE 1014" in rep.text and "ASCEND-4" in rep.text
    assert "in the ALEX trial (ClinicalTrials.gov identifier: NCT02075840), with a" in rep.text


def test_editorial_blocks():
    src = EDITORIAL.read_text(encoding="utf-8")
    rep = repair(src, known_names=KNOWN)
    kinds = {rep.text[b.start:b.end]: b.kind for b in rep.blocks}
    assert kinds["First-generation versus ngALKi in the prevention of CNS disease"] == "heading"
    assert kinds["How to proceed with treatment in the case of CNS progression on an ALK inhibitor"] == "heading"
    assert kinds["ALK = anaplastic lymphoma kinase; NR = not reached; ORR = overall response rate."] == "legend"
    assert kinds["Crizotinib"] == "table"
    # a cell continued over lines is one cell, its hyphenated word rejoined
    assert kinds["Crizotinib-naïve, post-crizotinib, post-second-generation ALKi"] == "table"
    assert kinds["Yes Yes; Every 6 weeks if baseline BM; 12 weeks otherwise"] == "table"
    captions = [t for t, k in kinds.items() if k == "caption"]
    assert any(t.startswith("Table 1: Clinical trials") and t.endswith("nervous system disease") for t in captions)
    # the sentence interrupted by the figure does not run into the caption
    assert any(t.endswith("there are only scarce data in") for t in kinds)


def test_wrapped_lines_joined_with_a_space_and_hyphen_kept():
    src = "Next-generation ALK \n\ninhibitors have post-second-\n\ngeneration activity \n\nin brain.\n"
    rep = repair(src)
    assert rep.text == "Next-generation ALK inhibitors have post-second-generation activity in brain."


def test_one_paragraph_per_line_text_keeps_lines_as_blocks():
    src = "TITLE: \nA phase 3 trial of X\n\n\nABSTRACT.RESULTS:\nPFS was longer (HR 0.5). OS was similar.\n"
    rep = repair(src)
    texts = [rep.text[b.start:b.end] for b in rep.blocks]
    assert texts == ["TITLE:", "A phase 3 trial of X", "ABSTRACT.RESULTS:", "PFS was longer (HR 0.5). OS was similar."]


def _check_map(src: str) -> None:
    rep = repair(src, known_names=KNOWN)
    assert len(rep.to_source) == len(rep.text)
    assert all(a <= b for a, b in zip(rep.to_source, rep.to_source[1:]))  # order kept
    for i, ch in enumerate(rep.text):
        j = rep.to_source[i]
        assert 0 <= j < len(src)
        if not ch.isspace():
            # every visible character of the copy is that very character of the source
            assert src[j] == ch
    # a span of the copy that starts and ends on a visible character maps to a source
    # span with the same first and last character, holding the copy's characters in order
    for a in range(0, len(rep.text), 7):
        for b in range(a + 1, min(len(rep.text), a + 40) + 1, 9):
            if rep.text[a].isspace() or rep.text[b - 1].isspace():
                continue
            s, e = rep.span_to_source(a, b)
            assert 0 <= s < e <= len(src)
            assert src[s] == rep.text[a] and src[e - 1] == rep.text[b - 1]
            it = iter(src[s:e])
            assert all(ch in it for ch in rep.text[a:b] if not ch.isspace())


def test_offset_map_on_the_editorial():
    _check_map(EDITORIAL.read_text(encoding="utf-8"))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_offset_map_property_arbitrary_unicode(src):
    _check_map(src)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([
    "crizotinib.1 ", "ALEX4 ", "PROFILE 10142 ", " \n\n", "-\n", "\n", "Table 1: x\n", "A = b; C = d\n",
    "22–33% ", "HR 0.18 ", "(NCT02075840),4 ", "ngALKi ", "\u00ad\n", "Ünïcödé ", "Fig. 2 ", "\t",
]), max_size=40))
def test_offset_map_property_pdf_like_fragments(parts):
    _check_map("".join(parts))


# Documents shaped unlike the editorial (review findings): real paragraphs, tables with
# no legend, headings against wrapped lines that start with an acronym.
def blocks(src: str) -> list[tuple[str, str]]:
    rep = repair(src, known_names=KNOWN)
    return [(b.kind, rep.text[b.start:b.end]) for b in rep.blocks]


def test_prose_after_a_table_without_a_legend_is_prose_again():
    src = ("Table 1. Efficacy of ALK inhibitors\n\nDrug\nORR\nAlectinib\n83%\n\n"
           "Alectinib improved progression-free survival (HR 0.47) in the ALEX trial.\n")
    got = blocks(src)
    assert got[-1] == ("prose", "Alectinib improved progression-free survival (HR 0.47) in the ALEX trial.")
    assert ("table", "Alectinib") in got


def test_blank_lines_are_paragraph_breaks_in_ordinary_wrapped_text():
    src = ("The trial compared alectinib\nwith crizotinib in untreated patients\n\n"
           "results of brigatinib showed 45% response\nin the ALTA-1L trial\n")
    assert [t for _, t in blocks(src)] == [
        "The trial compared alectinib with crizotinib in untreated patients",
        "results of brigatinib showed 45% response in the ALTA-1L trial",
    ]


def test_a_wrapped_line_starting_with_an_acronym_is_no_heading():
    src = "The trial ended early.\nAlectinib improved\nPFS (HR 0.47; 95% CI 0.34-0.65) in the ALEX\ntrial.\n"
    assert blocks(src) == [("prose", "The trial ended early. Alectinib improved PFS (HR 0.47; 95% CI 0.34-0.65) in the ALEX trial.")]


def test_a_sentence_end_in_capitals_is_no_section():
    src = "The median was 12 months and the HR was 0.47 for\nPFS.\nSecond sentence here.\n"
    assert blocks(src)[0] == ("prose", "The median was 12 months and the HR was 0.47 for PFS. Second sentence here.")
    assert blocks("ABSTRACT.RESULTS:\nPFS was long.\n")[0] == ("section", "ABSTRACT.RESULTS:")
    assert blocks("RESULTS\nPFS was long.\n")[0] == ("section", "RESULTS")


@pytest.mark.parametrize("text", ["500 mg/m² every 3 weeks", "neutrophils 1.5×10⁹/L", "χ² test", "Brca1 and Notch1",
                                  "covid19 cases rose", "beta2 agonists"])
def test_exponents_and_gene_names_are_no_citations(text):
    assert cited(text) == []


def test_a_word_split_at_a_line_end_is_rejoined_a_compound_is_not():
    from alkextract.pipeline import get_matcher

    rep = repair("Patients on crizo-\ntinib had progres-\nsion-free survival unlike\nsecond-\ngeneration ones.\n",
                 known_words=get_matcher().words)
    assert rep.text == "Patients on crizotinib had progression-free survival unlike second-generation ones."
