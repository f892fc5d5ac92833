"""Tests for the number grammar (``alkextract.quantities``).

The sentence tables are real sentences, copied with their line breaks unwrapped
(and citation digits removed) from:

- ``corpus/alk-brain-mets-editorial.txt`` (the project's gold document), and
- the abstracts and bodies of the PubMed Central Open Access articles in
  ``corpus/pmc-oncology/`` (PMC2855860, PMC3488187, PMC3664320, PMC3681405,
  PMC4710681, PMC5830087, PMC5844373, PMC5856890), as distributed by the
  Evidence Inference corpus (github.com/jayded/evidence-inference, commit
  b9831b6, MIT-licensed repository; each article keeps its own PMC OA licence),

plus realistic variants of ALK/EGFR/ROS1 trial reporting written for these tests.

Each row is ``(sentence, [(kind, text, low, high[, extras]), ...])`` listing every
quantity ``scan`` must return *except* kind NUMBER (the catch-all, tested on its
own), in order. ``extras`` names the fields to check; ``qualifier`` defaults to
"=", ``not_reached`` to False and a CI's ``level`` to 95.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alkextract.quantities import KINDS, Quantity, parse_number, scan

QUALIFIERS = {"=", "<", "<=", ">", ">=", "~"}

PCT_CASES = [
    (
        'Brain metastases are present in 22-33% of patients at diagnosis and the intracranial ORR ranged from 27%–87%.',
        [
            ('PERCENTAGE', '22-33%', 22, 33),
            ('PERCENTAGE', '27%–87%', 27, 87),
        ],
    ),
    (
        'In anaplastic lymphoma kinase (ALK)-rearranged non-small-cell lung cancer, brain metastases occur in 22–33% of cases at diagnosis and could reach up to 70% after crizotinib failure.',
        [
            ('PERCENTAGE', '22–33%', 22, 33),
            ('PERCENTAGE', '70%', 70, None, {'qualifier': '<='}),
        ],
    ),
    (
        'At initial diagnosis of metastatic disease, central nervous system (CNS) metastases are present in 22–33% of patients with anaplastic lymphoma kinase (ALK)-rearranged (ALK+) non-small-cell lung cancer (NSCLC).',
        [
            ('PERCENTAGE', '22–33%', 22, 33),
        ],
    ),
    (
        'After crizotinib failure, the incidence can reach up to 70%, compared with 40% in all comers.',
        [
            ('PERCENTAGE', '70%', 70, None, {'qualifier': '<='}),
            ('PERCENTAGE', '40%', 40, None),
        ],
    ),
    (
        'Crizotinib, the first approved ALKi, has superior intracranial disease control rates compared with standard chemotherapy (85% versus 45%, respectively, at 12 weeks).',
        [
            ('PERCENTAGE', '85%', 85, None),
            ('PERCENTAGE', '45%', 45, None),
            ('TIMEPOINT', '12 weeks', 12, None, {'unit': 'weeks'}),
        ],
    ),
    (
        'CNS progression, as the first site of disease progression, was lower with brigatinib compared with crizotinib (9% versus 19%, respectively, in patients with baseline brain metastases; 1% versus 5%, respectively, in patients without baseline brain metastases).',
        [
            ('PERCENTAGE', '9%', 9, None),
            ('PERCENTAGE', '19%', 19, None),
            ('PERCENTAGE', '1%', 1, None),
            ('PERCENTAGE', '5%', 5, None),
        ],
    ),
    (
        'In the ASCEND-4 trial (NCT01828099), which evaluated ceritinib in comparison with chemotherapy, CNS progression in patients without baseline brain metastases occurred in 31% of patients; of these patients 30% had an isolated CNS progression.',
        [
            ('PERCENTAGE', '31%', 31, None),
            ('PERCENTAGE', '30%', 30, None),
        ],
    ),
    (
        'Importantly, ngALKi are effective also after crizotinib failure, with intracranial overall response rates (ORR) ranging from 27–87% and a median duration of response of several months (Figure 1).',
        [
            ('PERCENTAGE', '27–87%', 27, 87),
        ],
    ),
    (
        'After failing at least two lines of ALKi, the third-generation ALKi, lorlatinib, achieved an intracranial ORR of 53% and an intracranial median duration of response of 14.5 months.',
        [
            ('PERCENTAGE', '53%', 53, None),
            ('DURATION', '14.5 months', 14.5, None, {'unit': 'months'}),
        ],
    ),
    (
        'This impressive activity in heavily pre-treated patients is due to the retained potency of lorlatinib to acquired resistant mutations under prior ALKi (including ALK G1202) and because of its better capacity to penetrate into the CNS (CSF drug concentrations of 75% of plasma levels).',
        [
            ('PERCENTAGE', '75%', 75, None),
        ],
    ),
    (
        'For example, in the ASCEND-4 study evaluating first-line ceritinib versus chemotherapy, 48% of patients failing ceritinib developed isolated CNS progression.',
        [
            ('PERCENTAGE', '48%', 48, None),
        ],
    ),
    (
        'Plasma circulating tumour DNA is negative in ≥50% of cases of isolated CNS progression, depending on the performance of the technique.',
        [
            ('PERCENTAGE', '≥50%', 50, None, {'qualifier': '>='}),
        ],
    ),
    (
        'Median overall survival (15.3 vs. 24.6 months; HR, 1.17; two-sided P = 0.350) and objective response rates (11 vs. 16%; odds ratio, 0.65; P = 0.109) were numerically inferior with sunitinib versus capecitabine.',
        [
            ('DURATION', '15.3', 15.3, None, {'unit': 'months'}),
            ('DURATION', '24.6 months', 24.6, None, {'unit': 'months'}),
            ('HAZARD_RATIO', '1.17', 1.17, None, {'cue': 'HR'}),
            ('P_VALUE', 'P = 0.350', 0.35, None, {'cue': 'two-sided'}),
            ('PERCENTAGE', '11', 11, None),
            ('PERCENTAGE', '16%', 16, None),
            ('ODDS_RATIO', '0.65', 0.65, None, {'cue': 'odds ratio'}),
            ('P_VALUE', 'P = 0.109', 0.109, None),
        ],
    ),
    (
        'Updated response rates were similar in both groups (90.2% and 82.1%, respectively; P=0.34).',
        [
            ('PERCENTAGE', '90.2%', 90.2, None),
            ('PERCENTAGE', '82.1%', 82.1, None),
            ('P_VALUE', 'P=0.34', 0.34, None),
        ],
    ),
    (
        'The objective response rate was 52.0% for axitinib and 3.4% for sorafenib (P = 0.0001).',
        [
            ('PERCENTAGE', '52.0%', 52, None),
            ('PERCENTAGE', '3.4%', 3.4, None),
            ('P_VALUE', 'P = 0.0001', 0.0001, None),
        ],
    ),
    (
        'Although a higher incidence of Grade 3/4 AEs occurred in the BTH1677 vs Control arm (93.2% vs 66.7%), no unexpected AEs were observed.',
        [
            ('PERCENTAGE', '93.2%', 93.2, None),
            ('PERCENTAGE', '66.7%', 66.7, None),
        ],
    ),
    (
        'The corresponding ORRs were 11 and 16% (Pearson χ2 test P = 0.130).',
        [
            ('PERCENTAGE', '11', 11, None),
            ('PERCENTAGE', '16%', 16, None),
            ('P_VALUE', 'P = 0.130', 0.13, None),
        ],
    ),
    (
        'Intracranial ORR ranged from 27% to 87% across the next-generation ALK inhibitor trials.',
        [
            ('PERCENTAGE', '27% to 87%', 27, 87),
        ],
    ),
    (
        'The confirmed ORR was 85.7% with a disease control rate of <5% progression at week 8.',
        [
            ('PERCENTAGE', '85.7%', 85.7, None),
            ('PERCENTAGE', '<5%', 5, None, {'qualifier': '<'}),
        ],
    ),
    (
        'CSF concentrations were ~30% of plasma levels, and approximately 45% of patients responded.',
        [
            ('PERCENTAGE', '~30%', 30, None, {'qualifier': '~'}),
            ('PERCENTAGE', '45%', 45, None, {'qualifier': '~'}),
        ],
    ),
    (
        'The incidence of radionecrosis was between 5% and 10% after stereotactic radiotherapy.',
        [
            ('PERCENTAGE', '5% and 10%', 5, 10),
        ],
    ),
    (
        'The rate of intracranial response increased from 45% to 60% after the dose escalation.',
        [
            ('PERCENTAGE', '45%', 45, None),
            ('PERCENTAGE', '60%', 60, None),
        ],
    ),
    (
        'The ORR was 39.6% (31.4–48.2) in the intention-to-treat population.',
        [
            ('PERCENTAGE', '39.6%', 39.6, None),
            ('CI', '31.4–48.2', 31.4, 48.2),
        ],
    ),
    (
        'Objective response was seen in 45 percent of patients and in less than 10 per cent of controls.',
        [
            ('PERCENTAGE', '45 percent', 45, None),
            ('PERCENTAGE', '10 per cent', 10, None, {'qualifier': '<'}),
        ],
    ),
    (
        'The confirmed ORR was 71% (95% CI, 65% to 76%) with osimertinib.',
        [
            ('PERCENTAGE', '71%', 71, None),
            ('CI', '95% CI, 65% to 76%', 65, 76, {'unit': '%'}),
        ],
    ),
    (
        # a bare number before a comma does not borrow the next percentage's unit
        'Of the 303 patients, 31% had ECOG PS 1, 45% were never-smokers and 12, or 4%, had brain metastases.',
        [
            ('SAMPLE_SIZE', '303 patients', 303, None),
            ('PERCENTAGE', '31%', 31, None),
            ('PERCENTAGE', '45%', 45, None),
            ('PERCENTAGE', '4%', 4, None),
        ],
    ),
]

RATIO_CASES = [
    (
        'A statistically significant improvement in OS was observed for the osimertinib group (HR = 0.412, 95% CI 0.273–0.622, p < 0.0001).',
        [
            ('HAZARD_RATIO', '0.412', 0.412, None, {'cue': 'HR'}),
            ('CI', '95% CI 0.273–0.622', 0.273, 0.622),
            ('P_VALUE', 'p < 0.0001', 0.0001, None, {'qualifier': '<'}),
        ],
    ),
    (
        'Overall survival was much the same in both groups (hazard ratio 0·94, 95% CI 0·81–1·10).',
        [
            ('HAZARD_RATIO', '0·94', 0.94, None, {'cue': 'hazard ratio'}),
            ('CI', '95% CI 0·81–1·10', 0.81, 1.1),
        ],
    ),
    (
        'CNS progression under first-line crizotinib occurred in 45% of cases compared with 12% with alectinib in the ALEX trial (ClinicalTrials.gov identifier: NCT02075840), with a cause-specific hazard ratio (HR) for intracranial TTP of 0.18 in favour of alectinib for patients with baseline brain metastases and 0.14 for patients without brain metastases.',
        [
            ('PERCENTAGE', '45%', 45, None),
            ('PERCENTAGE', '12%', 12, None),
            ('HAZARD_RATIO', '0.18', 0.18, None, {'cue': 'cause-specific hazard ratio (HR)'}),
            ('HAZARD_RATIO', '0.14', 0.14, None, {'cue': 'cause-specific hazard ratio (HR)'}),
        ],
    ),
    (
        'In the ALEX trial, there was a HR for disease progression or death favouring alectinib over crizotinib of 0.34 for previously irradiated patients and 0.44 for patients without prior irradiation.',
        [
            ('HAZARD_RATIO', '0.34', 0.34, None, {'cue': 'HR'}),
            ('HAZARD_RATIO', '0.44', 0.44, None, {'cue': 'HR'}),
        ],
    ),
    (
        'However, the intracranial time to tumour progression (TTP) was not significantly different between the two treatment arms, probably because of the insufficient CNS penetration of crizotinib (cerebrospinal fluid [CSF]/plasma ratio 0.0026).',
        [
            ('RATIO', '0.0026', 0.0026, None, {'cue': 'CSF/plasma ratio'}),
        ],
    ),
    (
        'Alectinib significantly prolonged PFS (HR 0.47; 95% CI, 0.34 to 0.65; P<0.001).',
        [
            ('HAZARD_RATIO', '0.47', 0.47, None, {'cue': 'HR'}),
            ('CI', '95% CI, 0.34 to 0.65', 0.34, 0.65),
            ('P_VALUE', 'P<0.001', 0.001, None, {'qualifier': '<'}),
        ],
    ),
    (
        'Brigatinib reduced the risk of disease progression or death by 51% ([HR] 0.49, 95% CI: 0.35–0.68).',
        [
            ('PERCENTAGE', '51%', 51, None),
            ('HAZARD_RATIO', '0.49', 0.49, None, {'cue': 'HR'}),
            ('CI', '95% CI: 0.35–0.68', 0.35, 0.68),
        ],
    ),
    (
        'Brigatinib reduced the risk of intracranial progression ([HR] 0.40, 95% CI: 0.25–0.64).',
        [
            ('HAZARD_RATIO', '0.40', 0.4, None, {'cue': 'HR'}),
            ('CI', '95% CI: 0.25–0.64', 0.25, 0.64),
        ],
    ),
    (
        'The data indicated that PFS was shorter with sunitinib than capecitabine (median 2.8 vs. 4.2 months, respectively; HR, 1.47; 95% CI, 1.16–1.87; two-sided P = 0.002).',
        [
            ('DURATION', '2.8', 2.8, None, {'unit': 'months'}),
            ('DURATION', '4.2 months', 4.2, None, {'unit': 'months'}),
            ('HAZARD_RATIO', '1.47', 1.47, None, {'cue': 'HR'}),
            ('CI', '95% CI, 1.16–1.87', 1.16, 1.87),
            ('P_VALUE', 'P = 0.002', 0.002, None, {'cue': 'two-sided'}),
        ],
    ),
    (
        '657 patients died; median overall survival did not differ between groups (erlotinib, 3·7 months, 95% CI 3·2–4·2, vs placebo, 3·6 months, 3·2–3·9; unadjusted hazard ratio [HR] 0·94, 95% CI 0·81–1·10, p=0·46).',
        [
            ('SAMPLE_SIZE', '657 patients', 657, None),
            ('DURATION', '3·7 months', 3.7, None, {'unit': 'months'}),
            ('CI', '95% CI 3·2–4·2', 3.2, 4.2),
            ('DURATION', '3·6 months', 3.6, None, {'unit': 'months'}),
            ('CI', '3·2–3·9', 3.2, 3.9),
            ('HAZARD_RATIO', '0·94', 0.94, None, {'cue': 'unadjusted hazard ratio [HR]'}),
            ('CI', '95% CI 0·81–1·10', 0.81, 1.1),
            ('P_VALUE', 'p=0·46', 0.46, None),
        ],
    ),
    (
        'Patients with first-cycle rash had better overall survival (HR 0·76, 95% CI 0·63–0·92, p=0·0058), compared with placebo.',
        [
            ('HAZARD_RATIO', '0·76', 0.76, None, {'cue': 'HR'}),
            ('CI', '95% CI 0·63–0·92', 0.63, 0.92),
            ('P_VALUE', 'p=0·0058', 0.0058, None),
        ],
    ),
    (
        'After adjustment for baseline differences between the two groups, osimertinib demonstrated a statistically significant improvement in progression-free survival (PFS) versus platinum-based doublet chemotherapy (hazard ratio [HR] = 0.278, 95% confidence interval [CI] 0.188–0.409, p < 0.0001; median PFS 10.9 vs. 5.3 months).',
        [
            ('HAZARD_RATIO', '0.278', 0.278, None, {'cue': 'hazard ratio [HR]'}),
            ('CI', '95% confidence interval [CI] 0.188–0.409', 0.188, 0.409),
            ('P_VALUE', 'p < 0.0001', 0.0001, None, {'qualifier': '<'}),
            ('DURATION', '10.9', 10.9, None, {'unit': 'months'}),
            ('DURATION', '5.3 months', 5.3, None, {'unit': 'months'}),
        ],
    ),
    (
        'Improvements were also observed for objective response rate (ORR) and disease control rate (DCR) (ORR: 64.3 vs. 33.3%; odds ratio [OR] = 5.31, 95% CI 2.47–11.40, p < 0.001; DCR: 92.1 vs. 75.0%; OR = 4.72, 95% CI 1.92–11.58, p < 0.001).',
        [
            ('PERCENTAGE', '64.3', 64.3, None),
            ('PERCENTAGE', '33.3%', 33.3, None),
            ('ODDS_RATIO', '5.31', 5.31, None, {'cue': 'odds ratio [OR]'}),
            ('CI', '95% CI 2.47–11.40', 2.47, 11.4),
            ('P_VALUE', 'p < 0.001', 0.001, None, {'qualifier': '<'}),
            ('PERCENTAGE', '92.1', 92.1, None),
            ('PERCENTAGE', '75.0%', 75, None),
            ('ODDS_RATIO', '4.72', 4.72, None, {'cue': 'OR'}),
            ('CI', '95% CI 1.92–11.58', 1.92, 11.58),
            ('P_VALUE', 'p < 0.001', 0.001, None, {'qualifier': '<'}),
        ],
    ),
    (
        'However, no statistically significant difference in PFS was noticed between the two arms, except for stage I NSCLC (hazard radio [HR] = 0.87; 95% CI, 0.561–1.629; P = 0.027).',
        [
            ('HAZARD_RATIO', '0.87', 0.87, None, {'cue': 'hazard radio [HR]'}),
            ('CI', '95% CI, 0.561–1.629', 0.561, 1.629),
            ('P_VALUE', 'P = 0.027', 0.027, None),
        ],
    ),
    (
        'Never-smokers were less likely to develop rash when compared with former smokers (odds ratio 0·29, 95% CI 0·18–0·48) or never-smokers (0·20, 0·06–0·66).',
        [
            ('ODDS_RATIO', '0·29', 0.29, None, {'cue': 'odds ratio'}),
            ('CI', '95% CI 0·18–0·48', 0.18, 0.48),
            ('ODDS_RATIO', '0·20', 0.2, None, {'cue': 'odds ratio'}),
            ('CI', '0·06–0·66', 0.06, 0.66),
        ],
    ),
    (
        'Lorlatinib improved intracranial PFS over crizotinib (HR 0.06; 95% CI, 0.02 to 0.18).',
        [
            ('HAZARD_RATIO', '0.06', 0.06, None, {'cue': 'HR'}),
            ('CI', '95% CI, 0.02 to 0.18', 0.02, 0.18),
        ],
    ),
    (
        'The HR for intracranial progression with alectinib was 0.16 (0.10–0.28).',
        [
            ('HAZARD_RATIO', '0.16', 0.16, None, {'cue': 'HR'}),
            ('CI', '0.10–0.28', 0.1, 0.28),
        ],
    ),
    (
        'Median PFS was 25.7 months with alectinib (hazard ratio 0·50, 95% CI 0·36–0·70) in the J-ALEX trial.',
        [
            ('DURATION', '25.7 months', 25.7, None, {'unit': 'months'}),
            ('HAZARD_RATIO', '0·50', 0.5, None, {'cue': 'hazard ratio'}),
            ('CI', '95% CI 0·36–0·70', 0.36, 0.7),
        ],
    ),
    (
        'The adjusted odds ratio for an intracranial response was 2.1 (95% CI 1.3–3.4).',
        [
            ('ODDS_RATIO', '2.1', 2.1, None, {'cue': 'adjusted odds ratio'}),
            ('CI', '95% CI 1.3–3.4', 1.3, 3.4),
        ],
    ),
    (
        'A HR below 1 favours the experimental arm; HR ≥1 favours chemotherapy.',
        [
            ('HAZARD_RATIO', '≥1', 1, None, {'qualifier': '>=', 'cue': 'HR'}),
        ],
    ),
    (
        'Hazard ratios (HRs) and 95% CIs were estimated with Cox models stratified by 2 factors.',
        [
        ],
    ),
    (
        'Patients with hormone receptor (HR)-positive disease were excluded from the EGFR cohort.',
        [
        ],
    ),
    (
        'The CSF-to-plasma ratio of lorlatinib was 0.75 in the phase 1 study.',
        [
            ('RATIO', '0.75', 0.75, None, {'cue': 'CSF-to-plasma ratio'}),
        ],
    ),
    (
        'Patients were randomly assigned (by phone call, in a 1:1 ratio, stratified by disease stage, performance status, smoking history, and centre, block size 10) to receive oral placebo or erlotinib (150 mg per day) until disease progression or unacceptable toxicity.',
        [
            ('DOSE', '150 mg per day', 150, None, {'unit': 'mg', 'frequency': 'QD'}),
        ],
    ),
    (
        'Osimertinib reduced the risk of CNS progression (HR 0.32; 95% CI, 0.15 to 0.69) in EGFR-mutated NSCLC.',
        [
            ('HAZARD_RATIO', '0.32', 0.32, None, {'cue': 'HR'}),
            ('CI', '95% CI, 0.15 to 0.69', 0.15, 0.69),
        ],
    ),
    (
        'Ensartinib improved PFS versus crizotinib (HR 0.51, 95% CI 0.35–0.72; log-rank P<0.001), with intracranial ORR of 64% vs 21%.',
        [
            ('HAZARD_RATIO', '0.51', 0.51, None, {'cue': 'HR'}),
            ('CI', '95% CI 0.35–0.72', 0.35, 0.72),
            ('P_VALUE', 'P<0.001', 0.001, None, {'qualifier': '<', 'cue': 'log-rank'}),
            ('PERCENTAGE', '64%', 64, None),
            ('PERCENTAGE', '21%', 21, None),
        ],
    ),
]

CI_CASES = [
    (
        'Median progression-free survival in Japanese patients was 12.1 months (95% confidence interval 8.6 to not estimable) for axitinib and 4.9 months (95% confidence interval 2.8–6.6) for sorafenib (hazard ratio 0.390; 95% confidence interval 0.130–1.173; stratified one-sided P = 0.0401).',
        [
            ('DURATION', '12.1 months', 12.1, None, {'unit': 'months'}),
            ('CI', '95% confidence interval 8.6 to not estimable', 8.6, None, {'not_reached': True}),
            ('DURATION', '4.9 months', 4.9, None, {'unit': 'months'}),
            ('CI', '95% confidence interval 2.8–6.6', 2.8, 6.6),
            ('HAZARD_RATIO', '0.390', 0.39, None, {'cue': 'hazard ratio'}),
            ('CI', '95% confidence interval 0.130–1.173', 0.13, 1.173),
            ('P_VALUE', 'P = 0.0401', 0.0401, None, {'cue': 'stratified one-sided'}),
        ],
    ),
    (
        'Of the patients with an objective response (BTH1677 n = 29; Control n = 10), the median DOR was 10.3 months in the BTH1677 arm (95% CI: 5.6, not estimable) vs 5.6 months (95% CI: 1.5, not estimable) in the Control arm (HR 0.92 [95% CI: 0.27, 4.20]; P = .9040; Table 2 and Fig. 4a).',
        [
            ('SAMPLE_SIZE', 'n = 29', 29, None),
            ('SAMPLE_SIZE', 'n = 10', 10, None),
            ('DURATION', '10.3 months', 10.3, None, {'unit': 'months'}),
            ('CI', '95% CI: 5.6, not estimable', 5.6, None, {'not_reached': True}),
            ('DURATION', '5.6 months', 5.6, None, {'unit': 'months'}),
            ('CI', '95% CI: 1.5, not estimable', 1.5, None, {'not_reached': True}),
            ('HAZARD_RATIO', '0.92', 0.92, None, {'cue': 'HR'}),
            ('CI', '95% CI: 0.27, 4.20', 0.27, 4.2),
            ('P_VALUE', 'P = .9040', 0.904, None),
        ],
    ),
    (
        'Compared with placebo, overall survival seemed to be worse in the group that did not develop first-cycle rash (1·30, 1·05–1·61, p=0·017).',
        [
            ('HAZARD_RATIO', '1·30', 1.3, None, {'cue': 'implicit'}),
            ('CI', '1·05–1·61', 1.05, 1.61),
            ('P_VALUE', 'p=0·017', 0.017, None),
        ],
    ),
    (
        'Median PFS was NR (95% CI, 20.3–NR) with lorlatinib vs 9.3 months (90% CI, 7.6–11.1) with crizotinib.',
        [
            ('DURATION', 'NR', None, None, {'not_reached': True}),
            ('CI', '95% CI, 20.3–NR', 20.3, None, {'not_reached': True}),
            ('DURATION', '9.3 months', 9.3, None, {'unit': 'months'}),
            ('CI', '90% CI, 7.6–11.1', 7.6, 11.1, {'level': 90.0}),
        ],
    ),
    (
        'The 12-month PFS was 67% (95% CI, 58 to 74) with alectinib versus 41% (99% CI, 32 to 50) with crizotinib.',
        [
            ('TIMEPOINT', '12-month', 12, None, {'unit': 'months'}),
            ('PERCENTAGE', '67%', 67, None),
            ('CI', '95% CI, 58 to 74', 58, 74),
            ('PERCENTAGE', '41%', 41, None),
            ('CI', '99% CI, 32 to 50', 32, 50, {'level': 99.0}),
        ],
    ),
    (
        'The mean change from baseline was −0.5 (95% CI −1.2 to 0.3) points.',
        [
            ('CI', '95% CI −1.2 to 0.3', -1.2, 0.3),
        ],
    ),
    (
        'Intracranial ORR was 78% (95% CI 52–94) in patients with measurable brain metastases.',
        [
            ('PERCENTAGE', '78%', 78, None),
            ('CI', '95% CI 52–94', 52, 94),
        ],
    ),
]

P_CASES = [
    (
        'Median PFS was 17.5 months for the concurrent regimen and 15.3 months for the sequential alternating regimen (P=0.13).',
        [
            ('DURATION', '17.5 months', 17.5, None, {'unit': 'months'}),
            ('DURATION', '15.3 months', 15.3, None, {'unit': 'months'}),
            ('P_VALUE', 'P=0.13', 0.13, None),
        ],
    ),
    (
        'ORR was higher in the BTH1677 vs Control arm but the difference between groups was not statistically significant (60.4% vs 43.5%; P = .2096).',
        [
            ('PERCENTAGE', '60.4%', 60.4, None),
            ('PERCENTAGE', '43.5%', 43.5, None),
            ('P_VALUE', 'P = .2096', 0.2096, None),
        ],
    ),
    (
        'No statistical evidence supported the hypothesis that sunitinib improved PFS compared with capecitabine (one-sided P = 0.999).',
        [
            ('P_VALUE', 'P = 0.999', 0.999, None, {'cue': 'one-sided'}),
        ],
    ),
    (
        'Median OS was 41.9 and 30.7 months, respectively (P=0.036).',
        [
            ('DURATION', '41.9', 41.9, None, {'unit': 'months'}),
            ('DURATION', '30.7 months', 30.7, None, {'unit': 'months'}),
            ('P_VALUE', 'P=0.036', 0.036, None),
        ],
    ),
    (
        'Grade 3 or 4 diarrhoea was more common with erlotinib than placebo (8% [28 of 334] vs 1% [four of 313], p=0·0001), as was high-grade rash (23% [79 of 334] vs 2% [five of 313], p<0·0001); other adverse events were much the same between groups.',
        [
            ('PERCENTAGE', '8%', 8, None),
            ('SAMPLE_SIZE', '28', 28, None),
            ('SAMPLE_SIZE', '334', 334, None),
            ('PERCENTAGE', '1%', 1, None),
            ('SAMPLE_SIZE', 'four', 4, None),
            ('SAMPLE_SIZE', '313', 313, None),
            ('P_VALUE', 'p=0·0001', 0.0001, None),
            ('PERCENTAGE', '23%', 23, None),
            ('SAMPLE_SIZE', '79', 79, None),
            ('SAMPLE_SIZE', '334', 334, None),
            ('PERCENTAGE', '2%', 2, None),
            ('SAMPLE_SIZE', 'five', 5, None),
            ('SAMPLE_SIZE', '313', 313, None),
            ('P_VALUE', 'p<0·0001', 0.0001, None, {'qualifier': '<'}),
        ],
    ),
    (
        'The log-rank P value was 0.03 and the P for interaction = 0.47.',
        [
            ('P_VALUE', 'P value was 0.03', 0.03, None, {'cue': 'log-rank'}),
            ('P_VALUE', 'P for interaction = 0.47', 0.47, None, {'cue': 'interaction'}),
        ],
    ),
    (
        'P-value < 0.05 was considered significant; all tests were two-tailed.',
        [
            ('P_VALUE', 'P-value < 0.05', 0.05, None, {'qualifier': '<'}),
        ],
    ),
    (
        'The difference in intracranial ORR was significant (p ≤ 0.01; P > 0.99 for the sensitivity analysis).',
        [
            ('P_VALUE', 'p ≤ 0.01', 0.01, None, {'qualifier': '<='}),
            ('P_VALUE', 'P > 0.99', 0.99, None, {'qualifier': '>'}),
        ],
    ),
    (
        'The effect was highly significant (P = 1.2 × 10-5).',
        [
            ('P_VALUE', 'P = 1.2 × 10-5', 1.2e-05, None),
        ],
    ),
]

TIME_CASES = [
    (
        'The median PFS was 5.2 months and the median overall survival 7.2 months, longer than that established in patients with historical NSCLC (1–3 months).',
        [
            ('DURATION', '5.2 months', 5.2, None, {'unit': 'months'}),
            ('DURATION', '7.2 months', 7.2, None, {'unit': 'months'}),
            ('DURATION', '1–3 months', 1, 3, {'unit': 'months'}),
        ],
    ),
    (
        'ALK+ patients are usually young, with a long median overall survival of 6.8 years from diagnosis of stage IV disease.',
        [
            ('DURATION', '6.8 years', 6.8, None, {'unit': 'years'}),
        ],
    ),
    (
        'The duration of response under ngALKi can reach more than 1 year in crizotinib-naïve patients.',
        [
            ('DURATION', '1 year', 1, None, {'qualifier': '>', 'unit': 'years'}),
        ],
    ),
    (
        'At the median follow-up time of 35.6 months, 88.8% of patients had progressive disease and 77.5% of patients had died.',
        [
            ('DURATION', '35.6 months', 35.6, None, {'unit': 'months'}),
            ('PERCENTAGE', '88.8%', 88.8, None),
            ('PERCENTAGE', '77.5%', 77.5, None),
        ],
    ),
    (
        '59% (178 of 302) of patients assigned erlotinib and who were assessable at 1 month developed first-cycle rash, which was the only independent factor associated with overall survival.',
        [
            ('PERCENTAGE', '59%', 59, None),
            ('SAMPLE_SIZE', '178', 178, None),
            ('SAMPLE_SIZE', '302', 302, None),
            ('TIMEPOINT', '1 month', 1, None, {'unit': 'months'}),
        ],
    ),
    (
        'The MST in the preoperative chemotherapy arm was lower than that of surgery-alone arm (MST, 45.42 months vs 57.59 months) (P = 0.016).',
        [
            ('DURATION', '45.42 months', 45.42, None, {'unit': 'months'}),
            ('DURATION', '57.59 months', 57.59, None, {'unit': 'months'}),
            ('P_VALUE', 'P = 0.016', 0.016, None),
        ],
    ),
    (
        'Median OS for osimertinib was not reached.',
        [
            ('DURATION', 'not reached', None, None, {'not_reached': True}),
        ],
    ),
    (
        'The 5-year OS rate was 62.5% with alectinib and 45.5% with crizotinib.',
        [
            ('TIMEPOINT', '5-year', 5, None, {'unit': 'years'}),
            ('PERCENTAGE', '62.5%', 62.5, None),
            ('PERCENTAGE', '45.5%', 45.5, None),
        ],
    ),
    (
        'The 12-month event-free rate for CNS progression was 9.4% with alectinib.',
        [
            ('TIMEPOINT', '12-month', 12, None, {'unit': 'months'}),
            ('PERCENTAGE', '9.4%', 9.4, None),
        ],
    ),
    (
        'Survival rates at 1, 2 and 3 years were 80%, 60% and 45%, respectively.',
        [
            ('TIMEPOINT', '1', 1, None, {'unit': 'years'}),
            ('TIMEPOINT', '2', 2, None, {'unit': 'years'}),
            ('TIMEPOINT', '3 years', 3, None, {'unit': 'years'}),
            ('PERCENTAGE', '80%', 80, None),
            ('PERCENTAGE', '60%', 60, None),
            ('PERCENTAGE', '45%', 45, None),
        ],
    ),
    (
        'The 1-, 2- and 3-year survival rates were 80%, 60% and 45%.',
        [
            ('TIMEPOINT', '1', 1, None, {'unit': 'years'}),
            ('TIMEPOINT', '2', 2, None, {'unit': 'years'}),
            ('TIMEPOINT', '3-year', 3, None, {'unit': 'years'}),
            ('PERCENTAGE', '80%', 80, None),
            ('PERCENTAGE', '60%', 60, None),
            ('PERCENTAGE', '45%', 45, None),
        ],
    ),
    (
        'MRI was performed every 8 weeks until week 48 and every 12 weeks thereafter.',
        [
            ('SCHEDULE', '8 weeks', 8, None, {'unit': 'weeks', 'frequency': 'Q8W'}),
            ('TIMEPOINT', 'week 48', 48, None, {'unit': 'weeks'}),
            ('SCHEDULE', '12 weeks', 12, None, {'unit': 'weeks', 'frequency': 'Q12W'}),
        ],
    ),
    (
        'Patients who do not have a rash after 28 days should discontinue erlotinib, and rash occurring within 28 days of starting treatment was recorded.',
        [
            ('TIMEPOINT', '28 days', 28, None, {'unit': 'days'}),
            ('SCHEDULE', '28 days', 28, None, {'unit': 'days'}),
        ],
    ),
    (
        'Crizotinib 250 mg BID PROFILE 1014 NCT01154140 First-line BM: Stable; Treated Yes Yes; Every 6 weeks if baseline BM; 12 weeks otherwise CT/MRI RECIST 1.1.',
        [
            ('DOSE', '250 mg BID', 250, None, {'unit': 'mg', 'frequency': 'BID'}),
            ('SCHEDULE', '6 weeks', 6, None, {'unit': 'weeks', 'frequency': 'Q6W'}),
            ('SCHEDULE', '12 weeks', 12, None, {'unit': 'weeks'}),
        ],
    ),
    (
        'Patients received sunitinib 50 mg/day for 4 weeks followed by 2 weeks off-treatment (Schedule 4/2) in 6-week cycles.',
        [
            ('DOSE', '50 mg/day', 50, None, {'unit': 'mg', 'frequency': 'QD'}),
            ('SCHEDULE', '4 weeks', 4, None, {'unit': 'weeks'}),
            ('SCHEDULE', '2 weeks', 2, None, {'unit': 'weeks'}),
            ('SCHEDULE', '6-week', 6, None, {'unit': 'weeks', 'frequency': 'Q6W'}),
        ],
    ),
    (
        'Patients aged 18 years or older with an ECOG PS of 0–2 were eligible.',
        [
            ('AGE', '18 years', 18, None, {'qualifier': '>=', 'unit': 'years'}),
        ],
    ),
    (
        'Capecitabine 1,000 mg/m2 was given to patients >65 years.',
        [
            ('DOSE', '1,000 mg/m2', 1000, None, {'unit': 'mg/m2'}),
            ('AGE', '>65 years', 65, None, {'qualifier': '>', 'unit': 'years'}),
        ],
    ),
    (
        'The median duration of treatment was 22.9 months (range, 0.1 to 47.8).',
        [
            ('DURATION', '22.9 months', 22.9, None, {'unit': 'months'}),
        ],
    ),
    (
        'Median intracranial DOR was not reached (NR) in the alectinib arm; NR = not reached.',
        [
            ('DURATION', 'not reached', None, None, {'not_reached': True}),
        ],
    ),
    (
        'Statistical significance for the difference in median OS was not reached.',
        [
        ],
    ),
    (
        'After a median follow-up of 18.6 months, median PFS was 34.8 months (95% CI, 17.7 to not estimable) vs 10.9 months.',
        [
            ('DURATION', '18.6 months', 18.6, None, {'unit': 'months'}),
            ('DURATION', '34.8 months', 34.8, None, {'unit': 'months'}),
            ('CI', '95% CI, 17.7 to not estimable', 17.7, None, {'not_reached': True}),
            ('DURATION', '10.9 months', 10.9, None, {'unit': 'months'}),
        ],
    ),
    (
        'Median time to CNS progression was 2.8 vs. 4.2 months and median OS 6 mo vs 10 mos.',
        [
            ('DURATION', '2.8', 2.8, None, {'unit': 'months'}),
            ('DURATION', '4.2 months', 4.2, None, {'unit': 'months'}),
            ('DURATION', '6 mo', 6, None, {'unit': 'months'}),
            ('DURATION', '10 mos', 10, None, {'unit': 'months'}),
        ],
    ),
    (
        'Lorlatinib 100 mg QD Global phase II NCT01970865 Crizotinib-naïve, post-crizotinib BM: Asymptomatic; Treated/untreated Yes Yes; Every 6 weeks through cycle 30, then every 12 weeks MRI.',
        [
            ('DOSE', '100 mg QD', 100, None, {'unit': 'mg', 'frequency': 'QD'}),
            ('SCHEDULE', '6 weeks', 6, None, {'unit': 'weeks', 'frequency': 'Q6W'}),
            ('SCHEDULE', '12 weeks', 12, None, {'unit': 'weeks', 'frequency': 'Q12W'}),
        ],
    ),
]

DOSE_CASES = [
    (
        'For alectinib dose escalation (900 mg twice daily), intracranial responses have been described in two patients with leptomeningeal disease progression under standard dose of alectinib.',
        [
            ('DOSE', '900 mg twice daily', 900, None, {'unit': 'mg', 'frequency': 'BID'}),
            ('SAMPLE_SIZE', 'two patients', 2, None),
        ],
    ),
    (
        'Ceritinib 750 mg QD fasted ASCEND-4 NCT01828099 First-line BM: Asymptomatic; 60% active BM.',
        [
            ('DOSE', '750 mg QD fasted', 750, None, {'unit': 'mg', 'frequency': 'QD'}),
            ('PERCENTAGE', '60%', 60, None),
        ],
    ),
    (
        'Brigatinib 180 mg QD ALTA-1L NCT02737501 First ALKi BM: Asymptomatic; Untreated.',
        [
            ('DOSE', '180 mg QD', 180, None, {'unit': 'mg', 'frequency': 'QD'}),
        ],
    ),
    (
        'Patients with HER2-negative ABC that recurred after anthracycline and taxane therapy were randomized (1:1) to sunitinib 37.5 mg/day or capecitabine 1,250 mg/m2 (1,000 mg/m2 in patients >65 years) BID on days 1–14 q3w.',
        [
            ('DOSE', '37.5 mg/day', 37.5, None, {'unit': 'mg', 'frequency': 'QD'}),
            ('DOSE', '1,250 mg/m2', 1250, None, {'unit': 'mg/m2', 'frequency': 'BID'}),
            ('DOSE', '1,000 mg/m2', 1000, None, {'unit': 'mg/m2', 'frequency': 'BID'}),
            ('AGE', '>65 years', 65, None, {'qualifier': '>', 'unit': 'years'}),
            ('SCHEDULE', 'days 1–14', 1, 14, {'unit': 'days'}),
            ('SCHEDULE', 'q3w', 3, None, {'unit': 'weeks', 'frequency': 'Q3W'}),
        ],
    ),
    (
        'D was given at 10 mg/kg IV weekly on days 1, 8, and 15 of every 3-week cycle in the experimental group.',
        [
            ('DOSE', '10 mg/kg', 10, None, {'unit': 'mg/kg', 'frequency': 'QW'}),
            ('SCHEDULE', 'days 1, 8, and 15', 1, None, {'unit': 'days'}),
            ('SCHEDULE', '3-week', 3, None, {'unit': 'weeks', 'frequency': 'Q3W'}),
        ],
    ),
    (
        'Patients were randomized to the BTH1677 arm (N = 61; intravenous [IV] BTH1677, 4 mg/kg, weekly; IV bevacizumab, 15 mg/kg, once each 3-week cycle [Q3W]; IV carboplatin, 6 mg/mL/min Calvert formula area-under-the-curve, Q3W; and IV paclitaxel, 200 mg/m2, Q3W) or Control arm (N = 31; bevacizumab/carboplatin/paclitaxel as above).',
        [
            ('SAMPLE_SIZE', 'N = 61', 61, None),
            ('DOSE', '4 mg/kg', 4, None, {'unit': 'mg/kg', 'frequency': 'QW'}),
            ('DOSE', '15 mg/kg', 15, None, {'unit': 'mg/kg', 'frequency': 'Q3W'}),
            ('SCHEDULE', '3-week', 3, None, {'unit': 'weeks', 'frequency': 'Q3W'}),
            ('SCHEDULE', 'Q3W', 3, None, {'unit': 'weeks', 'frequency': 'Q3W'}),
            ('DOSE', '6 mg/mL/min', 6, None, {'unit': 'mg/mL/min'}),
            ('SCHEDULE', 'Q3W', 3, None, {'unit': 'weeks', 'frequency': 'Q3W'}),
            ('DOSE', '200 mg/m2', 200, None, {'unit': 'mg/m2', 'frequency': 'Q3W'}),
            ('SCHEDULE', 'Q3W', 3, None, {'unit': 'weeks', 'frequency': 'Q3W'}),
            ('SAMPLE_SIZE', 'N = 31', 31, None),
        ],
    ),
    (
        'Sorafenib dose could be reduced to 400 mg once daily, and then to 400 mg once every other day, if necessary.',
        [
            ('DOSE', '400 mg once daily', 400, None, {'unit': 'mg', 'frequency': 'QD'}),
            ('DOSE', '400 mg once every other day', 400, None, {'unit': 'mg', 'frequency': 'QOD'}),
        ],
    ),
    (
        'Alectinib 600 mg twice a day, crizotinib 250 mg b.i.d. and lorlatinib 100 mg once daily were compared.',
        [
            ('DOSE', '600 mg twice a day', 600, None, {'unit': 'mg', 'frequency': 'BID'}),
            ('DOSE', '250 mg b.i.d.', 250, None, {'unit': 'mg', 'frequency': 'BID'}),
            ('DOSE', '100 mg once daily', 100, None, {'unit': 'mg', 'frequency': 'QD'}),
        ],
    ),
    (
        'Osimertinib 80 mg QD; gefitinib 250 mg q.d.; erlotinib 150 mg qd; afatinib 40 mg/d.',
        [
            ('DOSE', '80 mg QD', 80, None, {'unit': 'mg', 'frequency': 'QD'}),
            ('DOSE', '250 mg q.d.', 250, None, {'unit': 'mg', 'frequency': 'QD'}),
            ('DOSE', '150 mg qd', 150, None, {'unit': 'mg', 'frequency': 'QD'}),
            ('DOSE', '40 mg/d', 40, None, {'unit': 'mg', 'frequency': 'QD'}),
        ],
    ),
    (
        'Carboplatin AUC 5 and pemetrexed 500 mg/m² every 3 weeks were given for 4 cycles.',
        [
            ('DOSE', 'AUC 5', 5, None, {'unit': 'AUC'}),
            ('DOSE', '500 mg/m² every 3 weeks', 500, None, {'unit': 'mg/m2', 'frequency': 'Q3W'}),
        ],
    ),
    (
        'Whole brain radiotherapy of 30 Gy in 10 fractions was given.',
        [
            ('DOSE', '30 Gy', 30, None, {'unit': 'Gy'}),
        ],
    ),
    (
        'Haemoglobin ≥9 g/dL and creatinine ≤1.5 mg/dL were required.',
        [
        ],
    ),
    (
        'Pemetrexed 500 mg/m2 q3w plus bevacizumab 15 mg/kg every three weeks was continued as maintenance.',
        [
            ('DOSE', '500 mg/m2 q3w', 500, None, {'unit': 'mg/m2', 'frequency': 'Q3W'}),
            ('DOSE', '15 mg/kg every three weeks', 15, None, {'unit': 'mg/kg', 'frequency': 'Q3W'}),
        ],
    ),
    (
        'Entrectinib was given at 600 mg thrice daily in the dose-escalation cohort and cisplatin at 75 mg/m2 on day 1.',
        [
            ('DOSE', '600 mg thrice daily', 600, None, {'unit': 'mg', 'frequency': 'TID'}),
            ('DOSE', '75 mg/m2', 75, None, {'unit': 'mg/m2'}),
            ('SCHEDULE', 'day 1', 1, None, {'unit': 'days'}),
        ],
    ),
]

SAMPLE_CASES = [
    (
        # a label number ("grade 3") does not hide the count after it
        'There was higher incidence of hyperglycemia in the experimental group; four cases with grade 3 and one case with grade 4.',
        [
            ('SAMPLE_SIZE', 'four cases', 4, None),
            ('SAMPLE_SIZE', 'one case', 1, None),
        ],
    ),
    (
        'We observed two partial responses (PR), seven stable disease (SD), three progressive disease (PD), and two not evaluable (NE) in the PC arm.',
        [
            ('SAMPLE_SIZE', 'two', 2, None),
            ('SAMPLE_SIZE', 'seven', 7, None),
            ('SAMPLE_SIZE', 'three', 3, None),
            ('SAMPLE_SIZE', 'two', 2, None),
        ],
    ),
    (
        'In comparison, for the PC + D arm, there were three PR, four SD, four PD, and one NE.',
        [
            ('SAMPLE_SIZE', 'three', 3, None),
            ('SAMPLE_SIZE', 'four', 4, None),
            ('SAMPLE_SIZE', 'four', 4, None),
            ('SAMPLE_SIZE', 'one', 1, None),
        ],
    ),
    (
        '657 patients died; 314 in the placebo group and 343 in the erlotinib group, with 93% (608 of 657) of deaths attributed to lung cancer.',
        [
            ('SAMPLE_SIZE', '657 patients', 657, None),
            ('SAMPLE_SIZE', '314', 314, None),
            ('SAMPLE_SIZE', '343', 343, None),
            ('PERCENTAGE', '93%', 93, None),
            ('SAMPLE_SIZE', '608', 608, None),
            ('SAMPLE_SIZE', '657', 657, None),
        ],
    ),
    (
        'The ORR was 64.3% (178/277) in the osimertinib treatment group compared with 33.3% (16/48) in the platinum-based doublet chemotherapy group.',
        [
            ('PERCENTAGE', '64.3%', 64.3, None),
            ('SAMPLE_SIZE', '178', 178, None),
            ('SAMPLE_SIZE', '277', 277, None),
            ('PERCENTAGE', '33.3%', 33.3, None),
            ('SAMPLE_SIZE', '16', 16, None),
            ('SAMPLE_SIZE', '48', 48, None),
        ],
    ),
    (
        'Data for patients without progression (three patients in the concurrent therapy group and two patients in the sequential alternating group) were censored.',
        [
            ('SAMPLE_SIZE', 'three patients', 3, None),
            ('SAMPLE_SIZE', 'two patients', 2, None),
        ],
    ),
    (
        'This cohort of patients (n=18) was crizotinib pre-treated in 89% of cases and had prior radiotherapy in 61% of cases.',
        [
            ('SAMPLE_SIZE', 'n=18', 18, None),
            ('PERCENTAGE', '89%', 89, None),
            ('PERCENTAGE', '61%', 61, None),
        ],
    ),
    (
        'Twenty-five (of 361) and 29 (of 362) patients randomized to the axitinib and sorafenib arms, respectively, were Japanese and included in this analysis.',
        [
            ('SAMPLE_SIZE', 'Twenty-five', 25, None),
            ('SAMPLE_SIZE', '361', 361, None),
            ('SAMPLE_SIZE', '29', 29, None),
            ('SAMPLE_SIZE', '362', 362, None),
        ],
    ),
    (
        'Between April 14, 2005, and April 1, 2009, we randomly assigned 350 patients to receive erlotinib and 320 to receive placebo.',
        [
            ('SAMPLE_SIZE', '350 patients', 350, None),
            ('SAMPLE_SIZE', '320', 320, None),
        ],
    ),
    (
        'From 1/2009 to 2/2011, the study accrued 26 subjects: 16 male and 10 female, with a median age of 59; 14 were treated with PC and 12 were treated with PC + D.',
        [
            ('SAMPLE_SIZE', '26 subjects', 26, None),
            ('SAMPLE_SIZE', '16', 16, None),
            ('SAMPLE_SIZE', '10', 10, None),
            ('AGE', '59', 59, None),
            ('SAMPLE_SIZE', '14', 14, None),
            ('SAMPLE_SIZE', '12', 12, None),
        ],
    ),
    (
        'Progression-free survival (PFS) and OS were re-evaluated at the final data cut-off point (March 2017) for the entire population (n=80).',
        [
            ('SAMPLE_SIZE', 'n=80', 80, None),
        ],
    ),
    (
        'Importantly, single-agent sunitinib has demonstrated antitumor activity in heavily pre-treated patients with metastatic breast cancer (N = 64) in a phase II trial.',
        [
            ('SAMPLE_SIZE', 'N = 64', 64, None),
        ],
    ),
    (
        'In this randomized, controlled trial, 356 patients with stage I (except for T1N0), II and IIIA NSCLC were assigned to either the preoperative chemotherapy plus surgery arm (179 patients) or the primary surgery arm (177 patients).',
        [
            ('SAMPLE_SIZE', '356 patients', 356, None),
            ('SAMPLE_SIZE', '179 patients', 179, None),
            ('SAMPLE_SIZE', '177 patients', 177, None),
        ],
    ),
    (
        'In total, 303 ALK-positive patients were randomized; 152 patients were assigned to alectinib and 151 to crizotinib.',
        [
            ('SAMPLE_SIZE', '303', 303, None),
            ('SAMPLE_SIZE', '152 patients', 152, None),
            ('SAMPLE_SIZE', '151', 151, None),
        ],
    ),
    (
        'TOPICAL was a double-blind, randomised, placebo-controlled, phase 3 trial, done at 78 centres in the UK.',
        [
        ],
    ),
    (
        'Several patients had grade 3 adverse events; 31% of patients discontinued and 9 of 29 patients in the sorafenib arm had a dose reduction.',
        [
            ('PERCENTAGE', '31%', 31, None),
            ('SAMPLE_SIZE', '9', 9, None),
            ('SAMPLE_SIZE', '29 patients', 29, None),
        ],
    ),
    (
        'A total of 1,250 patients were screened in stage 4 NSCLC cohorts.',
        [
            ('SAMPLE_SIZE', '1,250 patients', 1250, None),
        ],
    ),
    (
        'One patient with leptomeningeal disease responded, and eleven patients (6.8%) died after surgery.',
        [
            ('SAMPLE_SIZE', 'One patient', 1, None),
            ('SAMPLE_SIZE', 'eleven patients', 11, None),
            ('PERCENTAGE', '6.8%', 6.8, None),
        ],
    ),
]

ROBUST_CASES = [
    (
        'Median PFS was 34·8 months (95% CI 17·7–not estimable) with alectinib.',
        [
            ('DURATION', '34·8 months', 34.8, None, {'unit': 'months'}),
            ('CI', '95% CI 17·7–not estimable', 17.7, None, {'not_reached': True}),
        ],
    ),
    (
        'The ORR was 45 % in the alectinib arm and 12 % in the crizotinib arm.',
        [
            ('PERCENTAGE', '45 %', 45, None),
            ('PERCENTAGE', '12 %', 12, None),
        ],
    ),
    (
        "The ORR was 45\u2009% and the median PFS was 14.5\u00a0months with lorlatinib 100\u202fmg once daily.",
        [
            ('PERCENTAGE', "45\u2009%", 45, None),
            ('DURATION', "14.5\u00a0months", 14.5, None, {'unit': 'months'}),
            ('DOSE', "100\u202fmg once daily", 100, None, {'unit': 'mg', 'frequency': 'QD'}),
        ],
    ),
    (
        'Brain metastases occur in 22—33% of cases and CNS progression in 9 – 19% of patients.',
        [
            ('PERCENTAGE', '22—33%', 22, 33),
            ('PERCENTAGE', '9 – 19%', 9, 19),
        ],
    ),
    (
        "The trial enrolled 1\u2009250 patients at 78 centres.",
        [
            ('SAMPLE_SIZE', "1\u2009250 patients", 1250, None),
        ],
    ),
    (
        'The HR was 0.47 (95% CI, 0.34‑0.65) for the primary analysis.',
        [
            ('HAZARD_RATIO', '0.47', 0.47, None, {'cue': 'HR'}),
            ('CI', '95% CI, 0.34‑0.65', 0.34, 0.65),
        ],
    ),
    (
        'The ORR was 27 %–87 % across studies.',
        [
            ('PERCENTAGE', '27 %–87 %', 27, 87),
        ],
    ),
]


TABLES = {
    "percentage": PCT_CASES,
    "ratio": RATIO_CASES,
    "ci": CI_CASES,
    "p_value": P_CASES,
    "time": TIME_CASES,
    "dose": DOSE_CASES,
    "sample_size": SAMPLE_CASES,
    "robustness": ROBUST_CASES,
}
ALL_CASES = [
    pytest.param(sentence, expected, id=f"{name}-{i}")
    for name, table in TABLES.items()
    for i, (sentence, expected) in enumerate(table)
]


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


@pytest.mark.parametrize("sentence, expected", ALL_CASES)
def test_scan_sentence(sentence: str, expected: list[tuple]) -> None:
    got = [q for q in scan(sentence) if q.kind != "NUMBER"]
    assert [(q.kind, q.text) for q in got] == [(e[0], e[1]) for e in expected]
    for q, (kind, text, low, high, *rest) in zip(got, expected):
        extras = rest[0] if rest else {}
        assert _same(q.low, low), (text, q.low, low)
        assert _same(q.high, high), (text, q.high, high)
        assert q.qualifier == extras.get("qualifier", "="), text
        assert q.not_reached == extras.get("not_reached", False), text
        if kind == "CI":
            assert q.level == extras.get("level", 95), text
        for field in ("unit", "frequency", "cue"):
            if field in extras:
                assert getattr(q, field) == extras[field], (text, field)
        if kind == "PERCENTAGE":
            assert q.unit == "%"
        if kind == "SAMPLE_SIZE":
            assert isinstance(q.low, int)


# --------------------------------------------------------------------------- #
# The catch-all NUMBER and what must NOT be typed
# --------------------------------------------------------------------------- #

NUMBER_CASES = [
    # counts that are not bracketed after a percentage stay plain numbers
    ("Of the deaths, 178 of the 302 were attributed to lung cancer.", ["178", "302"]),
    # a bare statistic with its interval in one bracket, no time-to-event context
    ("Quality-of-life scores barely changed (1·30, 1·05–1·61, p=0·017).", ["1·30"]),
    # ranges that are not CIs
    ("The median duration of treatment was 22.9 months (range, 0.1 to 47.8).", ["0.1 to 47.8"]),
    ("Patients with an ECOG PS of 0–2 were eligible.", ["0–2"]),
    # identifiers and mutation names hold no numbers: ALEX4, ALTA-1L, NCT..., G1202, T790M
    ("In ALTA-1L (NCT02737501) and ALEX4, the ALK G1202R and EGFR T790M mutations were studied.", []),
    # dates and ratios written with a colon or slash
    ("From 1/2009 to 2/2011 patients were randomized 1:1.", []),
    # ordinals are not numbers
    ("This 2nd-line and 3rd-generation setting was studied.", []),
    ("The mean change was −0.5 points.", ["−0.5"]),
]


@pytest.mark.parametrize("sentence, texts", NUMBER_CASES)
def test_number_catch_all(sentence: str, texts: list[str]) -> None:
    assert [q.text for q in scan(sentence) if q.kind == "NUMBER"] == texts


def test_negative_number_value() -> None:
    (q,) = [q for q in scan("The mean change was −0.5 points.") if q.kind == "NUMBER"]
    assert q.low == -0.5


@pytest.mark.parametrize(
    "sentence",
    [
        "HRs and 95% confidence intervals (CIs) were estimated using Cox models.",
        "Table 3 HR (95% CI) by subgroup",
        "The 95% CI was computed with the Clopper-Pearson method.",
        "A 90% CI and a 99% confidence level were used for the interim analysis.",
    ],
)
def test_ci_level_is_not_a_percentage(sentence: str) -> None:
    assert [q for q in scan(sentence) if q.kind == "PERCENTAGE"] == []


@pytest.mark.parametrize(
    "sentence, kind",
    [
        # schedules are never durations
        ("Tumour assessments were repeated every 8 weeks.", "DURATION"),
        ("Capecitabine was given on days 1–14 q3w.", "DURATION"),
        ("Rash within 28 days of starting treatment was recorded.", "DURATION"),
        ("Sunitinib was given for 4 weeks followed by 2 weeks off-treatment.", "DURATION"),
        # a landmark is a timepoint, not a duration
        ("The 12-month PFS was 67% with alectinib.", "DURATION"),
        ("The disease control rate at 12 weeks was 85%.", "DURATION"),
        # ages are not durations
        ("Patients aged ≥18 years were eligible.", "DURATION"),
        ("Eligibility required an estimated life expectancy of at least 8 weeks.", "DURATION"),
        # a frequency after a comma or route is recorded but not spanned
        ("IV BTH1677, 4 mg/kg, weekly; D at 10 mg/kg IV weekly.", "SCHEDULE"),
        ("A 65-year-old woman presented with headache.", "DURATION"),
        # not counts of patients
        ("TOPICAL was done at 78 centres in the UK.", "SAMPLE_SIZE"),
        ("Several patients had stage 4 disease.", "SAMPLE_SIZE"),
        ("CNS progression occurred in 31% of patients.", "SAMPLE_SIZE"),
        ("In cohort 2 patients received lorlatinib.", "SAMPLE_SIZE"),
        # CI bounds and p values are never hazard ratios
        ("PFS favoured alectinib (HR 0.47; 95% CI, 0.34 to 0.65; P<0.001).", "PERCENTAGE"),
        ("HER2-negative and HR-positive breast cancer, HR+ disease in 3 cases.", "HAZARD_RATIO"),
        ("Randomisation was done in a 1:1 ratio with block size 4.", "RATIO"),
        ("Creatinine ≤1.5 mg/dL and haemoglobin ≥9 g/dL were required.", "DOSE"),
        # a legend and a failed significance test are not a median not reached
        ("ALK = anaplastic lymphoma kinase; NR = not reached; ORR = overall response rate.", "DURATION"),
        ("The median OS difference did not reach statistical significance.", "DURATION"),
        ("The ORR was NR in the phase 1 part.", "DURATION"),
    ],
)
def test_kind_not_produced(sentence: str, kind: str) -> None:
    assert [q.text for q in scan(sentence) if q.kind == kind] == []


def test_hazard_ratio_never_takes_ci_bounds_or_p() -> None:
    s = "Crizotinib vs chemotherapy: HR 0.45; 95% CI, 0.35 to 0.60; P<0.001; and HR 0.82 (0.54–1.26) for OS."
    hrs = [q.text for q in scan(s) if q.kind == "HAZARD_RATIO"]
    assert hrs == ["0.45", "0.82"]


def test_detached_frequency_is_recorded_not_spanned() -> None:
    doses = [(q.text, q.frequency) for q in scan("IV BTH1677, 4 mg/kg, weekly; D at 10 mg/kg IV weekly.") if q.kind == "DOSE"]
    assert doses == [("4 mg/kg", "QW"), ("10 mg/kg", "QW")]


def test_implicit_hazard_ratio_needs_time_to_event_context() -> None:
    s = "Overall survival seemed to be worse in the group that did not develop rash (1·30, 1·05–1·61, p=0·017)."
    (hr,) = [q for q in scan(s) if q.kind == "HAZARD_RATIO"]
    assert (hr.text, hr.cue) == ("1·30", "implicit")


def test_timepoint_fields() -> None:
    (tp,) = [q for q in scan("The 12-month PFS was 67%.") if q.kind == "TIMEPOINT"]
    assert (tp.low, tp.unit, tp.text) == (12, "months", "12-month")


def test_follow_up_duration_has_cue() -> None:
    (d,) = [q for q in scan("After a median follow-up of 18.6 months, 40 events had occurred.") if q.kind == "DURATION"]
    assert d.cue == "follow-up" and d.low == 18.6


def test_interaction_p_value_is_marked() -> None:
    (p,) = [q for q in scan("The treatment effect was consistent across subgroups (P for interaction = 0.47).") if q.kind == "P_VALUE"]
    assert p.cue == "interaction"


@pytest.mark.parametrize(
    "phrase, amount, unit, frequency",
    [
        ("crizotinib 250 mg twice daily", 250, "mg", "BID"),
        ("alectinib 600 mg twice a day", 600, "mg", "BID"),
        ("axitinib 5 mg every 12 hours", 5, "mg", "BID"),
        ("axitinib 5 mg q12h", 5, "mg", "BID"),
        ("entrectinib 600 mg three times a day", 600, "mg", "TID"),
        ("drug X 5 mg four times daily", 5, "mg", "QID"),
        ("sunitinib 37.5 mg/day", 37.5, "mg", "QD"),
        ("erlotinib 150 mg per day", 150, "mg", "QD"),
        ("gefitinib 250 mg daily", 250, "mg", "QD"),
        ("sorafenib 400 mg every other day", 400, "mg", "QOD"),
        ("cetuximab 250 mg/m2 once a week", 250, "mg/m2", "QW"),
        ("bevacizumab 5 mg/kg every 2 weeks", 5, "mg/kg", "Q2W"),
        ("bevacizumab 7.5 mg/kg every 21 days", 7.5, "mg/kg", "Q3W"),
        ("pembrolizumab 200 mg Q3W", 200, "mg", "Q3W"),
        ("drug Y 2 mg/kg biweekly", 2, "mg/kg", "Q2W"),
        ("drug Z 100 mg twice weekly", 100, "mg", "BIW"),
        ("capecitabine 1,250 mg/m2 BID", 1250, "mg/m2", "BID"),
        ("cisplatin 75 mg/m² on day 1", 75, "mg/m2", None),
        ("carboplatin AUC 6", 6, "AUC", None),
        ("dose escalation from 50–100 mg", 50, "mg", None),
    ],
)
def test_dose_frequency(phrase: str, amount: float, unit: str, frequency: str | None) -> None:
    (dose,) = [q for q in scan(phrase) if q.kind == "DOSE"]
    assert (dose.low, dose.unit, dose.frequency) == (amount, unit, frequency)


# --------------------------------------------------------------------------- #
# parse_number
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize(
    "text, value",
    [
        ("0·47", 0.47),
        ("0.47", 0.47),
        (".2096", 0.2096),
        ("1,250", 1250),
        ("12,345.5", 12345.5),
        ("−0.5", -0.5),
        ("–1.2", -1.2),
        ("-3", -3),
        ("\u2009 45 \u00a0", 45),
        ("0,47", 0.47),
        ("two", 2),
        ("Twenty-five", 25),
        ("twenty five", 25),
        ("nineteen", 19),
        ("one hundred", 100),
        ("hundred", 100),
        ("two hundred and five", 205),
        ("Zero", 0),
    ],
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "   ", "abc", "1.2.3", "12%", "1-2", "twenty-fivefold", "NR"])
def test_parse_number_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


# --------------------------------------------------------------------------- #
# Interface and invariants
# --------------------------------------------------------------------------- #

def test_quantity_is_frozen_and_text_matches() -> None:
    s = "ORR 53% (n=18)"
    qs = scan(s)
    assert all(isinstance(q, Quantity) for q in qs)
    with pytest.raises(dataclasses.FrozenInstanceError):
        qs[0].low = 1.0  # type: ignore[misc]
    assert [s[q.start : q.end] for q in qs] == [q.text for q in qs] == ["53%", "n=18"]


def test_empty_and_numberless_input() -> None:
    assert scan("") == []
    assert scan("No numbers here at all.") == []


def _check_invariants(text: str) -> None:
    qs = scan(text)
    prev_end = 0
    for q in qs:
        assert 0 <= q.start < q.end <= len(text)
        assert q.start >= prev_end, "overlapping or unsorted"
        assert q.text == text[q.start : q.end]
        assert q.kind in KINDS
        assert q.qualifier in QUALIFIERS
        prev_end = q.end


FRAGMENTS = [
    "HR", "hazard ratio", "OR", "odds ratio", "ratio", "95% CI", "CI", "confidence interval", "P", "p",
    "=", "<", "≥", "≤", "~", "%", " % ", "months", "weeks", "-month", "year", "days", "mg", "mg/m2", "BID",
    "twice daily", "QD", "q3w", "every", "at", "up to", "more than", "n=", "N = ", "patients", "two",
    "Twenty-five", "(of", ")", "(", "[", "]", ";", ",", ".", " ", " ", "\u2009", "\u00a0", "–", "—", "−",
    "‑", "·", "vs.", "versus", "and", "or", "to", "not reached", "NR", "NE", "not estimable", "median",
    "follow-up", "aged", "between", "from", "0", "1", "0.47", ".2096", "1,250", "0·94", "12", "22–33",
    "7.5", "100", "2005", "1:1", "1/2009", "x 10-5", "×", "days 1–14", "AUC", "Gy", "g/dL",
]


@pytest.mark.parametrize(
    "text",
    [
        "n=" + "9" * 400,
        "9" * 400 + "-week cycle",
        "every " + "9" * 400 + " weeks",
        "9" * 400 + " patients",
        "P = 1.2 x 10 99",
        "HR 0." + "9" * 400,
        "1" * 20000,
        "HR 0.5 " * 500,
        "(" * 2000 + "1" + ")" * 2000,
        "1, " * 2000 + "patients",
    ],
)
def test_scan_survives_pathological_input(text: str) -> None:
    _check_invariants(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join))
def test_scan_invariants_on_fragment_soup(text: str) -> None:
    _check_invariants(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_scan_invariants_on_any_text(text: str) -> None:
    _check_invariants(text)


@pytest.mark.parametrize("sentence, _", ALL_CASES)
def test_scan_invariants_on_table_sentences(sentence: str, _: list) -> None:
    _check_invariants(sentence)


# -- guards: each is inside every match of its pattern ------------------------------------

def _guard_holds(text: str) -> None:
    from alkextract import quantities

    view = quantities._normalize(text)
    patterns = {id(v): v for v in vars(quantities).values() if isinstance(v, re.Pattern)}
    for rx_id, guard in quantities.GUARDS.items():
        for m in patterns[rx_id].finditer(view):
            assert guard.search(view, m.start(), m.end()) is not None, (patterns[rx_id].pattern[:60], m.group(0))


def _corpus_sentences() -> list[str]:
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "corpus"
    return [line for p in sorted(root.rglob("*.txt")) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_guards_hold_on_the_corpus() -> None:
    lines = _corpus_sentences()
    assert len(lines) > 100
    for line in lines:
        _guard_holds(line)


@pytest.mark.parametrize("sentence, _", ALL_CASES)
def test_guards_hold_on_the_grammar_cases(sentence: str, _: list) -> None:
    _guard_holds(sentence)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join))
def test_guards_hold_on_fragment_soup(text: str) -> None:
    _guard_holds(text)


def test_a_guard_skips_the_pass() -> None:
    # no unit after the number: the dose pattern is never tried, and nothing is lost
    from alkextract import quantities

    s = quantities._Scan("The median was 14 in both arms.")
    assert not s.may_match(quantities._DOSE)
    assert s.may_match(quantities._NUMBER)
    assert quantities._Scan("600 mg twice daily").may_match(quantities._DOSE)
