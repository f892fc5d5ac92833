"""The relation assembler: real sentences in, findings (value, endpoint, arms, subgroup) out."""

import pytest

import alkextract


def findings(text: str) -> list[dict]:
    res = alkextract.extract(text)
    out = []
    for f in res.findings:
        out.append({
            "value": res.text if False else text[f.span[0]:f.span[1]],
            "endpoint": f.endpoint,
            "measure": f.measure,
            "low": f.value.low,
            "high": f.value.high,
            "qualifier": f.value.qualifier,
            "intervention": f.intervention,
            "comparator": f.comparator,
            "trial": f.trial,
            "population": f.population,
            "line": f.line,
            "ci": (f.ci.low, f.ci.high) if f.ci else None,
            "p": (f.p_value.qualifier, f.p_value.value) if f.p_value else None,
            "timepoint": (f.timepoint.value, f.timepoint.unit) if f.timepoint else None,
        })
    return out


def pick(rows: list[dict], *keys: str) -> list[tuple]:
    return [tuple(r[k] for k in keys) for r in rows]


def test_arm_values_respectively_with_timepoint():
    rows = findings("Crizotinib, the first approved ALKi, has superior intracranial disease control rates compared "
                    "with standard chemotherapy (85% versus 45%, respectively, at 12 weeks).")
    assert pick(rows, "value", "endpoint", "intervention", "comparator", "timepoint") == [
        ("85%", "IC-DCR", ["crizotinib"], None, (12, "weeks")),
        ("45%", "IC-DCR", ["chemotherapy"], None, (12, "weeks")),
    ]


def test_values_with_and_under_an_arm_and_hrs_per_subgroup():
    rows = findings(
        "CNS progression under first-line crizotinib occurred in 45% of cases compared with 12% with alectinib in the "
        "ALEX trial (ClinicalTrials.gov identifier: NCT02075840), with a cause-specific hazard ratio (HR) for "
        "intracranial TTP of 0.18 in favour of alectinib for patients with baseline brain metastases and 0.14 for "
        "patients without brain metastases.")
    assert pick(rows, "value", "endpoint", "measure", "intervention", "comparator", "trial", "population") == [
        ("45%", "CNS-PROGRESSION", "proportion", ["crizotinib"], None, "ALEX", []),
        ("12%", "CNS-PROGRESSION", "proportion", ["alectinib"], None, "ALEX", []),
        ("0.18", "IC-TTP", "hazard_ratio", ["alectinib"], ["crizotinib"], "ALEX", ["baseline-bm"]),
        ("0.14", "IC-TTP", "hazard_ratio", ["alectinib"], ["crizotinib"], "ALEX", ["no-baseline-bm"]),
    ]
    assert rows[0]["line"] == "first-line"
    res = alkextract.extract("In the ALEX trial (NCT02075840) it was tested.")
    assert [(t.name, t.registry_ids) for t in res.trials] == [("ALEX", ["NCT02075840"])]


def test_subgroup_values_and_trial_from_the_sentence_before():
    rows = findings(
        "Similar results were found with brigatinib in the first-line ALTA-1L trial (NCT02737501). CNS progression, "
        "as the first site of disease progression, was lower with brigatinib compared with crizotinib (9% versus 19%, "
        "respectively, in patients with baseline brain metastases; 1% versus 5%, respectively, in patients without "
        "baseline brain metastases).")
    assert pick(rows, "value", "endpoint", "intervention", "trial", "population", "line") == [
        ("9%", "CNS-PROGRESSION", ["brigatinib"], "ALTA-1L", ["baseline-bm"], "first-line"),
        ("19%", "CNS-PROGRESSION", ["crizotinib"], "ALTA-1L", ["baseline-bm"], "first-line"),
        ("1%", "CNS-PROGRESSION", ["brigatinib"], "ALTA-1L", ["no-baseline-bm"], "first-line"),
        ("5%", "CNS-PROGRESSION", ["crizotinib"], "ALTA-1L", ["no-baseline-bm"], "first-line"),
    ]


def test_hr_ci_p_in_common_shapes():
    rows = findings("The data indicated that PFS was shorter with sunitinib than capecitabine (median 2.8 vs. 4.2 "
                    "months, respectively; HR, 1.47; 95% CI, 1.16–1.87; two-sided P = 0.002).")
    assert pick(rows, "value", "endpoint", "measure", "intervention", "comparator", "ci", "p") == [
        ("2.8", "PFS", "median", ["sunitinib"], None, None, None),
        ("4.2 months", "PFS", "median", ["capecitabine"], None, None, None),
        ("1.47", "PFS", "hazard_ratio", ["sunitinib"], ["capecitabine"], (1.16, 1.87), ("=", 0.002)),
    ]


def test_lancet_decimals_and_a_p_value_shared_by_two_arm_values():
    rows = findings("Grade 3 or 4 diarrhoea was more common with erlotinib than placebo (8% [28 of 334] vs 1% "
                    "[four of 313], p=0·0001).")
    assert pick(rows, "value", "endpoint", "intervention", "p") == [
        ("8%", "OTHER", ["erlotinib"], ("=", 0.0001)),
        ("1%", "OTHER", ["placebo"], ("=", 0.0001)),
    ]
    rows = findings("Patients with rash had better overall survival (HR 0·76, 95% CI 0·63–0·92, p=0·0058).")
    assert pick(rows, "value", "low", "ci", "p") == [("0·76", 0.76, (0.63, 0.92), ("=", 0.0058))]


def test_value_lists_closed_by_one_arm():
    rows = findings("The common adverse events were dysphonia (68%), hypertension (64%) and diarrhea (56%) for "
                    "axitinib, and hand–foot syndrome (86%) and diarrhea (52%) for sorafenib.")
    assert pick(rows, "value", "endpoint", "intervention") == [
        ("68%", "OTHER", ["axitinib"]), ("64%", "OTHER", ["axitinib"]), ("56%", "OTHER", ["axitinib"]),
        ("86%", "OTHER", ["sorafenib"]), ("52%", "OTHER", ["sorafenib"]),
    ]


def test_population_figures_and_qualifiers():
    rows = findings("After crizotinib failure, the incidence of brain metastases can reach up to 70%, compared with "
                    "40% in all comers.")
    assert pick(rows, "value", "endpoint", "qualifier", "intervention", "population") == [
        ("70%", "BM-INCIDENCE", "<=", [], ["post-crizotinib"]),
        ("40%", "BM-INCIDENCE", "=", [], ["all-comers"]),
    ]


def test_single_arm_value_with_a_class_subject_and_range():
    rows = findings("Importantly, ngALKi are effective also after crizotinib failure, with intracranial overall "
                    "response rates (ORR) ranging from 27–87%.")
    assert pick(rows, "value", "endpoint", "low", "high", "intervention", "population") == [
        ("27–87%", "IC-ORR", 27, 87, ["ngalki"], ["post-crizotinib"]),
    ]


def test_median_not_reached_and_odds_ratio():
    rows = findings("Median OS for osimertinib was not reached. Improvements were observed for ORR (64.3 vs. 33.3%; "
                    "odds ratio [OR] = 5.31, 95% CI 2.47–11.40, p < 0.001).")
    assert rows[0]["endpoint"] == "OS" and rows[0]["intervention"] == ["osimertinib"]
    res = alkextract.extract("Median OS for osimertinib was not reached.")
    assert res.findings[0].value.not_reached and res.findings[0].value.low is None
    assert pick(rows[1:], "value", "measure", "ci", "p") == [
        ("64.3", "proportion", None, None), ("33.3%", "proportion", None, None),
        ("5.31", "odds_ratio", (2.47, 11.40), ("<", 0.001)),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # cohort descriptors, doses, sample sizes, follow-up: no finding
        "This cohort of patients (n=18) was crizotinib pre-treated in 89% of cases and had prior radiotherapy in 61% of cases.",
        "Patients received alectinib 600 mg twice daily; 303 patients were enrolled.",
        "At the median follow-up of 18.6 months, the trial continued.",
        # a negated or hypothetical statement without a value
        "Alectinib did not improve overall survival and might not reduce CNS progression.",
        # the confidence level is no value
        "The 95% CI was reported for all estimates.",
    ],
)
def test_no_finding(text):
    assert findings(text) == []


def test_interaction_p_belongs_to_no_finding():
    rows = findings("The PFS benefit was similar in both subgroups (HR 0.50 and 0.52; p for interaction = 0.81).")
    assert [r["p"] for r in rows] == [None, None]


def test_document_trial_from_the_title():
    text = ("TITLE: \nAlectinib versus crizotinib in ALK-positive NSCLC: the KRONOS-7 randomised phase 3 trial\n\n"
            "ABSTRACT.RESULTS:\nMedian PFS was 25.7 months versus 10.4 months (HR 0.50, 95% CI 0.36–0.70; p<0.0001).\n")
    rows = findings(text)
    assert pick(rows, "value", "endpoint", "intervention", "comparator", "trial") == [
        ("25.7 months", "PFS", ["alectinib"], None, "KRONOS-7"),
        ("10.4 months", "PFS", ["crizotinib"], None, "KRONOS-7"),
        ("0.50", "PFS", ["alectinib"], ["crizotinib"], "KRONOS-7"),
    ]
    res = alkextract.extract(text)
    [trial] = res.trials
    assert trial.name == "KRONOS-7" and trial.phase == "3"
    assert set(trial.interventions) == {"alectinib", "crizotinib"}


# News and review phrasing of ALK, EGFR and ROS1 results (not from the gold documents).
@pytest.mark.parametrize(
    "text, expected",
    [
        ("In the CROWN trial, lorlatinib reduced the risk of disease progression or death by 72% versus "
         "crizotinib (HR 0.28; 95% CI, 0.19–0.41).",
         [("72%", "OTHER", ["lorlatinib"], None, "CROWN"), ("0.28", "PFS", ["lorlatinib"], ["crizotinib"], "CROWN")]),
        ("The 5-year PFS rate was 60% with lorlatinib and 8% with crizotinib.",
         [("60%", "PFS", ["lorlatinib"], None, None), ("8%", "PFS", ["crizotinib"], None, None)]),
        ("Osimertinib improved median OS to 38.6 months versus 31.8 months with gefitinib or erlotinib "
         "(HR 0.80; 95.05% CI, 0.64–1.00; P=0.046).",
         [("38.6 months", "OS", ["osimertinib"], None, None), ("31.8 months", "OS", ["gefitinib"], None, None),
          ("0.80", "OS", ["osimertinib"], ["gefitinib", "erlotinib"], None)]),
        ("Median PFS by independent review was 24.0 months with brigatinib and 11.1 months with crizotinib "
         "(HR 0.49, 95% CI 0.35-0.68; log-rank P<0.0001).",
         [("24.0 months", "PFS", ["brigatinib"], None, None), ("11.1 months", "PFS", ["crizotinib"], None, None),
          ("0.49", "PFS", ["brigatinib"], ["crizotinib"], None)]),
        ("Grade 3 or higher adverse events occurred in 41% of patients receiving alectinib and 50% of those "
         "receiving crizotinib.",
         [("41%", "OTHER", ["alectinib"], None, None), ("50%", "OTHER", ["crizotinib"], None, None)]),
    ],
)
def test_news_and_review_phrasing(text, expected):
    assert pick(findings(text), "value", "endpoint", "intervention", "comparator", "trial") == expected


def test_subgroups_of_two_values_stay_apart():
    rows = findings("Repotrectinib produced a confirmed ORR of 79% (95% CI, 68-88) in TKI-naive ROS1 fusion-positive "
                    "NSCLC and 38% in patients previously treated with one ROS1 TKI.")
    assert pick(rows, "value", "endpoint", "population", "line", "ci") == [
        ("79%", "ORR", ["tki-naive"], None, (68, 88)),
        ("38%", "ORR", [], "later-line", None),
    ]
    rows = findings("At 12 months, the cumulative incidence of CNS progression was 9.4% with alectinib and 41.4% with crizotinib.")
    assert pick(rows, "value", "endpoint", "intervention", "timepoint") == [
        ("9.4%", "CNS-PROGRESSION", ["alectinib"], (12, "months")),
        ("41.4%", "CNS-PROGRESSION", ["crizotinib"], (12, "months")),
    ]


def test_endpoints_listed_then_values_respectively():
    rows = findings("The response rate, median PFS, and median OS for the TCb + F arm and TCb arm were similar, "
                    "33 vs. 35%; 4.7 vs. 4.6\u2009m, and 8.6 vs. 9.8\u2009m, respectively.")
    assert pick(rows, "value", "endpoint", "measure") == [
        ("33", "ORR", "proportion"), ("35%", "ORR", "proportion"),
        ("4.7", "PFS", "median"), ("4.6\u2009m", "PFS", "median"),
        ("8.6", "OS", "median"), ("9.8\u2009m", "OS", "median"),
    ]


def test_one_letter_drug_names_defined_in_the_text():
    res = alkextract.extract("Pemetrexed (P) and cisplatin (C) were given with or without dalotuzumab (D). "
                             "P and C were given every 3 weeks; D was given weekly. P = 0.04 for the difference.")
    letters = [(e.text, e.norm["name"]) for e in res.entities if e.label == "DRUG" and len(e.text) == 1]
    assert letters == [("P", "pemetrexed"), ("C", "cisplatin"), ("D", "dalotuzumab"),
                       ("P", "pemetrexed"), ("C", "cisplatin"), ("D", "dalotuzumab")]


def test_a_cue_inside_a_trial_name_is_not_a_cue():
    # the "1L" of ALTA-1L is not "first line"
    [row] = findings("In the ALTA-2 and ALTA-1L trials, the ORR was 71% with brigatinib.")
    assert row["line"] is None and row["value"] == "71%"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Alectinib reduced the risk of progression or death by 53% (HR = 0.47 [95% CI 0.34–0.65]; P < .001).",
         [("53%", "OTHER", ["alectinib"]), ("0.47", "PFS", ["alectinib"])]),
        ("In EGFR-mutant NSCLC, osimertinib yielded a CNS ORR of 91% (95% CI 72–99) versus 68% (44–87) with "
         "standard EGFR-TKIs.",
         [("91%", "IC-ORR", ["osimertinib"]), ("68%", "IC-ORR", ["egfr-tki"])]),
        ("Time to CNS progression was significantly longer with alectinib (cause-specific HR, 0.16; 95% CI, "
         "0.10-0.28; P<0.001).",
         [("0.16", "IC-TTP", ["alectinib"])]),
    ],
)
def test_more_review_phrasing(text, expected):
    assert pick(findings(text), "value", "endpoint", "intervention") == expected


def test_not_reached_after_a_follow_up_and_a_second_pair_with_the_same_arms():
    rows = findings("At a median follow-up of 37.8 months, the median PFS was not reached in the alectinib arm "
                    "versus 10.9 months in the crizotinib arm.")
    assert pick(rows, "value", "endpoint", "intervention") == [
        ("not reached", "PFS", ["alectinib"]), ("10.9 months", "PFS", ["crizotinib"])]
    rows = findings("In patients with measurable brain metastases, the intracranial response rate was 81% with "
                    "alectinib and 50% with crizotinib; 38% versus 5% had a complete intracranial response.")
    assert pick(rows, "value", "intervention", "population") == [
        ("81%", ["alectinib"], ["measurable-bm"]), ("50%", ["crizotinib"], ["measurable-bm"]),
        ("38%", ["alectinib"], ["measurable-bm"]), ("5%", ["crizotinib"], ["measurable-bm"])]
