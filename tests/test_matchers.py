"""Entity matchers: tables of real phrases with the entities they hold."""

import pytest

import alkextract


def ents(text: str, label: str | None = None) -> list[tuple[str, str, dict]]:
    res = alkextract.extract(text)
    return [(e.label, e.text, e.norm) for e in res.entities if label is None or e.label == label]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Crizotinib, the first approved ALKi, has superior activity.", [("Crizotinib", "crizotinib")]),
        ("alectinib (Alecensa) and PF-06463922", [("alectinib", "alectinib"), ("Alecensa", "alectinib"), ("PF-06463922", "lorlatinib")]),
        ("in crizotinib-naïve and post-crizotinib patients", [("crizotinib", "crizotinib"), ("crizotinib", "crizotinib")]),
        ("the addition of bevacizumab", [("bevacizumab", "bevacizumab")]),
        # words of the DrugBank/MeSH lexicon that are not drugs here
        ("anaplastic lymphoma kinase (ALK) and tyrosine kinase inhibitors at 10 sites", []),
    ],
)
def test_drugs(text, expected):
    got = [(t, n["name"]) for _, t, n in ents(text, "DRUG")]
    assert got == expected


def test_drug_keeps_drugbank_id():
    [(_, _, norm)] = ents("lorlatinib was active", "DRUG")
    assert norm == {"name": "lorlatinib", "drugbank_id": "DB12130"}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Next-generation ALK inhibitors (ngALKi) have superior activity", [("Next-generation ALK inhibitors", "ngalki"), ("ngALKi", "ngalki")]),
        ("second-generation ALKi (alectinib) and the third-generation ALKi", [("second-generation ALKi", "2g-alki"), ("third-generation ALKi", "3g-alki")]),
        ("second- and third-generation ALKi have CNS activity", [("second- and third-generation ALKi", "ngalki")]),
        ("after an EGFR-TKI or EGFR tyrosine kinase inhibitors", [("EGFR-TKI", "egfr-tki"), ("EGFR tyrosine kinase inhibitors", "egfr-tki")]),
    ],
)
def test_drug_classes(text, expected):
    assert [(t, n["name"]) for _, t, n in ents(text, "DRUG_CLASS")] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("stereotactic radiotherapy and/or surgery, to avoid whole brain irradiation",
         [("stereotactic radiotherapy", "stereotactic-radiotherapy"), ("surgery", "surgery"), ("whole brain irradiation", "whole-brain-radiotherapy")]),
        ("versus platinum-based doublet chemotherapy", [("platinum-based doublet chemotherapy", "chemotherapy")]),
    ],
)
def test_therapies(text, expected):
    assert [(t, n["name"]) for _, t, n in ents(text, "THERAPY")] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("in the ALEX trial (ClinicalTrials.gov identifier: NCT02075840)", [("TRIAL", "ALEX"), ("TRIAL_ID", "NCT02075840")]),
        ("In the ASCEND-4 trial (NCT01828099), ceritinib", [("TRIAL", "ASCEND-4"), ("TRIAL_ID", "NCT01828099")]),
        ("PROFILE 1014 and J-ALEX and ALTA-1L", [("TRIAL", "PROFILE 1014"), ("TRIAL", "J-ALEX"), ("TRIAL", "ALTA-1L")]),
        # unseen names by the general rule: an acronym next to trial/study/phase
        ("the randomised phase 3 KRONOS-7 trial enrolled", [("TRIAL", "KRONOS-7")]),
        ("Updated survival outcomes of NEJ005/TCOG0902: a randomised phase II study", [("TRIAL", "NEJ005/TCOG0902")]),
        ("(TOPICAL): a double-blind, placebo-controlled, phase 3 trial", [("TRIAL", "TOPICAL")]),
        # gene and endpoint acronyms are never trial names
        ("in the NSCLC trial of EGFR mutations, the ORR study", []),
        # registries
        ("registered with ISRCTN 77383050, EudraCT 2016-000303-34, JapicCTI-132316, NL6518/NTR6707",
         [("TRIAL_ID", "ISRCTN 77383050"), ("TRIAL_ID", "EudraCT 2016-000303-34"), ("TRIAL_ID", "JapicCTI-132316"),
          ("TRIAL_ID", "NL6518"), ("TRIAL_ID", "NTR6707")]),
    ],
)
def test_trials_and_registry_ids(text, expected):
    got = [(l, t) for l, t, _ in ents(text) if l in ("TRIAL", "TRIAL_ID")]
    assert got == expected


def test_registry_id_norm():
    got = {t: n for l, t, n in ents("ISRCTN 77383050 and NTR6707", "TRIAL_ID")}
    assert got["ISRCTN 77383050"] == {"id": "ISRCTN77383050", "registry": "isrctn"}
    assert got["NTR6707"] == {"id": "NTR6707", "registry": "ntr"}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The progression-free survival (PFS) advantage", [("progression-free survival", "PFS"), ("PFS", "PFS")]),
        ("an intracranial ORR of 53% and an intracranial median duration of response of 14.5 months",
         [("intracranial ORR", "IC-ORR"), ("intracranial median duration of response", "IC-DOR")]),
        ("the intracranial time to tumour progression (TTP) was", [("intracranial time to tumour progression", "IC-TTP"), ("TTP", "IC-TTP")]),
        ("IC-ORR, IC-DCR and IC-PFS", [("IC-ORR", "IC-ORR"), ("IC-DCR", "IC-DCR"), ("IC-PFS", "IC-PFS")]),
        ("CNS progression and isolated CNS progression and time to CNS progression",
         [("CNS progression", "CNS-PROGRESSION"), ("isolated CNS progression", "ISOLATED-CNS-PROGRESSION"), ("time to CNS progression", "IC-TTP")]),
        ("a HR for disease progression or death of 0.34", [("disease progression or death", "PFS")]),
        ("Median overall survival was longer", [("Median overall survival", "OS")]),
        ("Grade 3 or 4 diarrhoea was more common", [("Grade 3 or 4 diarrhoea", "OTHER")]),
        ("early subsequent extra-CNS progression", [("extra-CNS progression", "OTHER")]),
        # a treatment-stop criterion is not an outcome
        ("until disease progression or unacceptable toxicity", []),
    ],
)
def test_endpoints(text, expected):
    assert [(t, n["code"]) for _, t, n in ents(text, "ENDPOINT")] == expected


def test_abbreviation_defined_in_text_extends_the_matchers():
    # "TTF" is in no pattern file: its long form is, so the short form becomes one
    text = "The median time to treatment failure was long (see below). Time to treatment failure (TTF) mattered; TTF was 9 months."
    got = [(t, n["code"]) for _, t, n in ents(text, "ENDPOINT")]
    assert ("TTF", "OTHER") in got and got.count(("TTF", "OTHER")) == 2
    res = alkextract.extract(text)
    assert "TTF" in [a.short for a in res.abbreviations]


def test_legend_definitions_are_abbreviations():
    text = "Results were good.\n\nALK = anaplastic lymphoma kinase; NR = not reached; ORR = overall response rate.\n"
    res = alkextract.extract(text)
    pairs = {(a.short, a.long) for a in res.abbreviations}
    assert {("ALK", "anaplastic lymphoma kinase"), ("NR", "not reached"), ("ORR", "overall response rate")} <= pairs


@pytest.mark.parametrize(
    "text, label, span, norm",
    [
        ("brain metastases occur in 22–33% of cases", "PERCENTAGE", "22–33%", {"low": 22, "high": 33, "qualifier": "="}),
        ("could reach up to 70% after", "PERCENTAGE", "70%", {"low": 70, "high": None, "qualifier": "<="}),
        ("is negative in ≥50% of cases", "PERCENTAGE", "≥50%", {"low": 50, "high": None, "qualifier": ">="}),
        ("the 95% CI was wide", None, None, None),
        ("a HR for intracranial TTP of 0.18 in favour of alectinib", "HAZARD_RATIO", "0.18", {"value": 0.18}),
        ("a median duration of response of 14.5 \n\nmonths", "DURATION", "14.5 \n\nmonths", {"low": 14.5, "high": None, "unit": "months"}),
        ("alectinib dose escalation (900 mg twice daily)", "DOSE", "900 mg twice daily", {"amount": 900, "unit": "mg", "frequency": "BID"}),
        ("This cohort of patients (n=18) was", "SAMPLE_SIZE", "n=18", {"value": 18}),
    ],
)
def test_numbers_become_entities(text, label, span, norm):
    got = [(l, t, n) for l, t, n in ents(text) if l in ("PERCENTAGE", "HAZARD_RATIO", "DURATION", "DOSE", "SAMPLE_SIZE")]
    if label is None:
        assert got == []
        return
    assert (label, span) in [(l, t) for l, t, _ in got]
    n = dict(next(n for l, t, n in got if (l, t) == (label, span)))
    assert {k: n.get(k) for k in norm} == norm


def test_regimen_abbreviations():
    res = alkextract.extract("Patients received paclitaxel/carboplatin (TCb) or pemetrexed (P) and cisplatin (C). "
                             "TCb was given every 3 weeks and PC every 3 weeks.")
    got = [(e.text, e.norm) for e in res.entities if e.label == "THERAPY"]
    assert ("TCb", {"name": "chemotherapy", "members": ["paclitaxel", "carboplatin"]}) in got
    assert ("PC", {"name": "chemotherapy", "members": ["pemetrexed", "cisplatin"]}) in got
