"""Sentence segmentation: tables of real sentences with their expected splits."""

import pytest

from alkextract.pipeline import get_matcher
from alkextract.repair import repair
from alkextract.segment import segment


def sentences(text: str) -> list[str]:
    rep = repair(text, known_names=get_matcher().trial_names)
    return [rep.text[s.start:s.end] for s in segment(rep.text, rep.blocks)]


@pytest.mark.parametrize(
    "text, expected",
    [
        # a real sentence end, even where a citation number followed it in the PDF
        ("the first-generation ALKi, crizotinib.1 In this editorial, we discuss it.",
         ["the first-generation ALKi, crizotinib.", "In this editorial, we discuss it."]),
        # no break at vs., e.g., i.e., Fig., decimals, n=18
        ("ORR was 11 vs. 16% (P = 0.109). OS was 15.3 months.",
         ["ORR was 11 vs. 16% (P = 0.109).", "OS was 15.3 months."]),
        ("Trials of local therapy (e.g. NCT04193007) and others (i.e. surgery) exist. Next one.",
         ["Trials of local therapy (e.g. NCT04193007) and others (i.e. surgery) exist.", "Next one."]),
        ("As shown in Fig. 2 the median was 14.5 months in the cohort (n=18). It was long.",
         ["As shown in Fig. 2 the median was 14.5 months in the cohort (n=18).", "It was long."]),
        ("Smith et al. reported it. Then more.", ["Smith et al. reported it.", "Then more."]),
        # wrapped lines never end a sentence
        ("CNS progression under first-line crizotinib occurred in 45% of cases \n\ncompared with 12% "
         "with alectinib. These results \n\nindicate a preventive effect.",
         ["CNS progression under first-line crizotinib occurred in 45% of cases compared with 12% with alectinib.",
          "These results indicate a preventive effect."]),
        # a lower-case word after a period does not start a sentence
        ("median 2.8 vs. 4.2 months, respectively; HR, 1.47. vs. was used.",
         ["median 2.8 vs. 4.2 months, respectively; HR, 1.47. vs. was used."]),
        # a question mark ends a sentence
        ("Is it effective? Yes, it is.", ["Is it effective?", "Yes, it is."]),
    ],
)
def test_sentence_table(text, expected):
    assert sentences(text) == expected


def test_heading_and_caption_do_not_glue_onto_prose():
    text = (
        "with a special focus on the \n\nactivity of ngALKi. \n\n"
        "First-generation versus ngALKi in the prevention \nof CNS disease \n"
        "Crizotinib, the first approved ALKi, has superior activity \n\ncompared with chemotherapy. \n\n"
        "However, there are only scarce data in \n\n"
        "Figure 1: Most common treatment sequences\n\n"
        "Intracranial overall response rate (%) in ALK+ patients. \n"
        "ALK = anaplastic lymphoma kinase; ORR = overall response rate. \n"
        " several patients that investigate it.\n"
    )
    assert sentences(text) == [
        "with a special focus on the activity of ngALKi.",
        "First-generation versus ngALKi in the prevention of CNS disease",
        "Crizotinib, the first approved ALKi, has superior activity compared with chemotherapy.",
        "However, there are only scarce data in",
        "Figure 1: Most common treatment sequences",
        "Intracranial overall response rate (%) in ALK+ patients.",
        "ALK = anaplastic lymphoma kinase; ORR = overall response rate.",
        "several patients that investigate it.",
    ]


def test_flattened_table_lines_are_their_own_segments():
    text = ("related to the tumour \n\nTable 1: Clinical trials of ALK inhibitors \n\n"
            "Drug/clinical trial Line of \n\ntreatment\n\nCrizotinib\n\n250 mg BID\n\nPROFILE 10142 \n\nNCT01154140\n\n"
            "ALKi = ALK inhibitor; BID = twice a day.\n size, radiotherapy should not be delayed.\n")
    out = sentences(text)
    assert "Crizotinib" in out and "250 mg BID" in out and "PROFILE 1014" in out and "NCT01154140" in out
    assert out[-1] == "size, radiotherapy should not be delayed."
