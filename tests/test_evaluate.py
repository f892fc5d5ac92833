"""The scorer (SPEC.md §6) on small hand-built results, with exact expected numbers.

Each test pins one scoring choice: exclusive span ends, one-to-one matching that
prefers exact hits, duplicates as false positives, the zero-denominator rule, value
and slot comparison, trial keys, and the corpus micro-average.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alkextract.evaluate import (
    Counts,
    EvalReport,
    EvaluationError,
    evaluate_dir,
    load_results,
    match,
    overlap_len,
    overlaps,
    score,
)
from alkextract.models import Entity, Evidence, Finding, Result, Source, Trial, Value

FIXTURES = Path(__file__).parent / "fixtures" / "evalrepo"
TEXT = "Alectinib improved PFS versus crizotinib in ALEX; ORR was 45% with alectinib. " * 3


def ent(label: str, start: int, end: int, text: str | None = None) -> Entity:
    return Entity(label=label, start=start, end=end, text=text if text is not None else TEXT[start:end])


def finding(endpoint: str, low: float | None, span: tuple[int, int], high: float | None = None, **slots) -> Finding:
    return Finding(
        endpoint=endpoint, measure="proportion", value=Value(low=low, high=high), span=list(span),
        evidence=Evidence(start=0, end=77, text=TEXT[:77]), **slots,
    )


def doc(doc_id: str = "d", entities=(), findings=(), trials=(), text: str | None = TEXT, sha: str = "") -> Result:
    return Result(
        doc_id=doc_id, source=Source(path=f"corpus/{doc_id}.txt", sha256=sha, format="text"),
        entities=list(entities), findings=list(findings), trials=list(trials), text=text,
    )


def ents_score(gold, pred, label: str | None = None):
    rep = score({"d": doc(entities=gold)}, {"d": doc(entities=pred)})
    e = rep.corpus.entities
    return (e.per_label[label] if label else e.micro), rep


def triple(c: Counts) -> tuple[int, int, int]:
    return (c.tp, c.fp, c.fn)


# --------------------------------------------------------------------------- entities


def test_adjacent_spans_do_not_overlap():
    s, rep = ents_score([ent("DRUG", 0, 5)], [ent("DRUG", 5, 9)])
    assert triple(s.strict) == (0, 1, 1)
    assert triple(s.lenient) == (0, 1, 1)
    assert sorted(e.type for e in rep.errors) == ["false_positive", "miss"]


def test_adjacent_spans_each_match_their_own():
    s, _ = ents_score([ent("DRUG", 0, 5), ent("DRUG", 5, 9)], [ent("DRUG", 5, 9), ent("DRUG", 0, 5)])
    assert triple(s.strict) == (2, 0, 0)
    assert triple(s.lenient) == (2, 0, 0)


def test_duplicate_prediction_is_a_false_positive():
    s, rep = ents_score([ent("DRUG", 0, 9)], [ent("DRUG", 0, 9), ent("DRUG", 0, 9)])
    assert triple(s.strict) == (1, 1, 0)
    assert triple(s.lenient) == (1, 1, 0)
    assert (s.strict.precision, s.strict.recall) == (0.5, 1.0)
    assert s.strict.f1 == pytest.approx(2 / 3)
    assert [e.type for e in rep.errors] == ["false_positive"]


def test_duplicate_gold_needs_two_predictions():
    s, _ = ents_score([ent("DRUG", 0, 9), ent("DRUG", 0, 9)], [ent("DRUG", 0, 9)])
    assert triple(s.strict) == (1, 0, 1)


def test_overlapping_but_not_exact_is_lenient_only():
    s, rep = ents_score([ent("ENDPOINT", 19, 22)], [ent("ENDPOINT", 10, 22)])
    assert triple(s.strict) == (0, 1, 1)
    assert triple(s.lenient) == (1, 0, 0)
    [err] = rep.errors
    assert (err.type, err.start, err.end) == ("boundary", 10, 22)
    assert "gold [19, 22) 'PFS'" in err.detail


def test_label_must_agree():
    s, _ = ents_score([ent("DRUG", 0, 9)], [ent("DRUG_CLASS", 0, 9)])
    assert triple(s.strict) == (0, 1, 1)
    assert triple(s.lenient) == (0, 1, 1)


def test_greedy_order_trap_exact_hit_counts():
    # The first gold span [0, 30) overlaps the prediction, but the prediction is an
    # exact hit on the second gold span: that must be the pair that counts.
    gold = [ent("DRUG", 0, 30), ent("DRUG", 0, 9)]
    s, rep = ents_score(gold, [ent("DRUG", 0, 9)])
    assert triple(s.strict) == (1, 0, 1)
    assert triple(s.lenient) == (1, 0, 1)
    assert [(e.type, e.start, e.end) for e in rep.errors] == [("miss", 0, 30)]


def test_lenient_matching_maximises_pairs():
    # Matching the long prediction to the first gold it overlaps most would leave the
    # short prediction unmatched; the best one-to-one matching pairs both.
    gold = [ent("ENDPOINT", 0, 10), ent("ENDPOINT", 8, 12)]
    pred = [ent("ENDPOINT", 5, 12), ent("ENDPOINT", 0, 3)]
    s, _ = ents_score(gold, pred)
    assert triple(s.lenient) == (2, 0, 0)
    assert triple(s.strict) == (0, 2, 2)


def test_per_label_and_micro():
    gold = [ent("DRUG", 0, 9), ent("ENDPOINT", 19, 22), ent("TRIAL", 44, 48)]
    pred = [ent("DRUG", 0, 9), ent("ENDPOINT", 19, 22), ent("PERCENTAGE", 58, 61)]
    rep = score({"d": doc(entities=gold)}, {"d": doc(entities=pred)})
    per = rep.corpus.entities.per_label
    assert sorted(per) == ["DRUG", "ENDPOINT", "PERCENTAGE", "TRIAL"]
    assert triple(per["TRIAL"].strict) == (0, 0, 1)
    assert triple(per["PERCENTAGE"].strict) == (0, 1, 0)
    assert triple(rep.corpus.entities.micro.strict) == (2, 1, 1)
    assert rep.corpus.entities.micro.strict.f1 == pytest.approx(2 / 3)
    assert rep.headline()["entity_lenient_f1_per_label"]["TRIAL"] == 0.0


# --------------------------------------------------------------------------- empty sides


def test_empty_gold_scores_zero():
    s, _ = ents_score([], [ent("DRUG", 0, 9), ent("DRUG", 30, 40)])
    assert triple(s.strict) == (0, 2, 0)
    assert (s.strict.precision, s.strict.recall, s.strict.f1) == (0.0, 0.0, 0.0)


def test_empty_prediction_scores_zero():
    s, rep = ents_score([ent("DRUG", 0, 9), ent("DRUG", 30, 40), ent("TRIAL", 44, 48)], [])
    assert triple(s.lenient) == (0, 0, 3)
    assert (s.lenient.precision, s.lenient.recall, s.lenient.f1) == (0.0, 0.0, 0.0)
    assert [e.type for e in rep.errors] == ["miss"] * 3


def test_both_empty_is_perfect_agreement():
    rep = score({"d": doc()}, {"d": doc()})
    c = rep.corpus
    assert triple(c.entities.micro.strict) == (0, 0, 0)
    assert (c.entities.micro.lenient.precision, c.entities.micro.lenient.recall, c.entities.micro.lenient.f1) == (1.0, 1.0, 1.0)
    assert c.findings.core.f1 == 1.0 and c.trials.pairs.f1 == 1.0
    assert c.findings.slots["intervention"].accuracy is None  # no pair to judge a slot on
    assert rep.errors == []


# --------------------------------------------------------------------------- documents


def test_several_documents_micro_average_and_missing_prediction():
    gold = {
        "a": doc("a", entities=[ent("DRUG", 0, 9), ent("DRUG", 30, 40)]),
        "b": doc("b", entities=[ent("DRUG", 0, 9)]),
        "c": doc("c", entities=[ent("TRIAL", 44, 48), ent("ENDPOINT", 19, 22)]),
    }
    pred = {
        "a": doc("a", entities=[ent("DRUG", 0, 9), ent("DRUG", 30, 40)]),
        "b": doc("b", entities=[ent("DRUG", 30, 40)]),
        "z": doc("z", entities=[ent("DRUG", 0, 9)]),  # no gold: not scored
    }
    rep = score(gold, pred)
    docs = {d.doc_id: d for d in rep.documents}
    assert list(docs) == ["a", "b", "c"]
    assert triple(docs["a"].entities.micro.strict) == (2, 0, 0)
    assert triple(docs["b"].entities.micro.strict) == (0, 1, 1)
    assert triple(docs["c"].entities.micro.strict) == (0, 0, 2)
    assert docs["c"].predicted is False
    assert triple(rep.corpus.entities.micro.strict) == (2, 1, 3)
    assert rep.corpus.entities.micro.strict.precision == pytest.approx(2 / 3)
    assert rep.corpus.entities.micro.strict.recall == pytest.approx(2 / 5)
    assert triple(rep.corpus.entities.per_label["DRUG"].strict) == (2, 1, 1)
    assert rep.unmatched_predictions == ["z"]
    assert any("c: no prediction" in w for w in rep.warnings)
    assert {e.doc_id for e in rep.errors} == {"b", "c"}


def test_source_mismatch_warns():
    rep = score({"d": doc(sha="aa")}, {"d": doc(sha="bb")})
    assert any("sha256 differs" in w for w in rep.warnings)


# --------------------------------------------------------------------------- findings


def test_value_match_with_different_endpoint():
    rep = score({"d": doc(findings=[finding("ORR", 45, (58, 61))])}, {"d": doc(findings=[finding("PFS", 45, (58, 61))])})
    f = rep.corpus.findings
    assert triple(f.core) == (0, 1, 1)
    assert triple(f.value) == (1, 0, 0)
    assert triple(f.complete) == (0, 1, 1)
    kinds = sorted((e.type, e.label) for e in rep.errors)
    assert kinds == [("false_positive", "PFS"), ("miss", "ORR")]
    miss = next(e for e in rep.errors if e.type == "miss")
    assert "value found with endpoint PFS" in miss.detail
    assert (miss.context.text, miss.context.before[-8:]) == ("45%", "ORR was ")


@pytest.mark.parametrize(
    "gold_value, pred_value, equal",
    [
        ((45, None), (45.0000004, None), True),  # within 1e-6
        ((45, None), (45.01, None), False),
        ((22, 33), (22, 33), True),
        ((22, 33), (22, None), False),  # a range is not its low end
        ((None, None), (None, None), True),  # e.g. "not reached" on both sides
    ],
)
def test_finding_value_equality(gold_value, pred_value, equal):
    g = finding("ORR", gold_value[0], (58, 61), high=gold_value[1])
    p = finding("ORR", pred_value[0], (58, 61), high=pred_value[1])
    rep = score({"d": doc(findings=[g])}, {"d": doc(findings=[p])})
    assert rep.corpus.findings.core.tp == int(equal)


def test_finding_spans_must_overlap():
    rep = score({"d": doc(findings=[finding("ORR", 45, (58, 61))])}, {"d": doc(findings=[finding("ORR", 45, (61, 63))])})
    assert triple(rep.corpus.findings.core) == (0, 1, 1)


def test_finding_gold_matched_at_most_once():
    gold = [finding("ORR", 45, (58, 61))]
    pred = [finding("ORR", 45, (58, 61)), finding("ORR", 45, (58, 60))]
    rep = score({"d": doc(findings=gold)}, {"d": doc(findings=pred)})
    assert triple(rep.corpus.findings.core) == (1, 1, 0)
    # The exact-span prediction is the one paired; the other is the false positive.
    [fp] = [e for e in rep.errors if e.type == "false_positive"]
    assert (fp.start, fp.end) == (58, 60)


def test_slot_accuracies_and_complete_match():
    gold = [
        finding("ORR", 45, (58, 61), intervention=["alectinib"], comparator=None, trial="ALEX", population=["baseline-bm"],
                line="first-line", ci={"low": 0.1, "high": 0.3}, p_value={"value": 0.001, "qualifier": "<"},
                timepoint={"value": 12, "unit": "weeks"}),
        finding("PFS", 14.5, (19, 22), intervention=["alectinib"], comparator=["crizotinib"], trial="ALEX", population=[]),
        finding("OS", 70, (100, 103), intervention=["crizotinib"]),
    ]
    pred = [
        # all slots right: case differs, comparator [] == null, "week" == "weeks", 1e-7 off
        finding("ORR", 45, (58, 61), intervention=["Alectinib"], comparator=[], trial="alex", population=["BASELINE-BM"],
                line="first-line", ci={"low": 0.1000001, "high": 0.3}, p_value={"value": 0.001, "qualifier": "<"},
                timepoint={"value": 12, "unit": "week"}),
        # comparator missing, line wrong, p value qualifier wrong
        finding("PFS", 14.5, (19, 22), intervention=["alectinib"], comparator=None, trial="ALEX", population=[],
                line="second-line", p_value={"value": 0.001, "qualifier": "="}),
        # not core-matched (other endpoint): no slot is judged on it
        finding("ORR", 70, (100, 103), intervention=["lorlatinib"]),
    ]
    rep = score({"d": doc(findings=gold)}, {"d": doc(findings=pred)})
    f = rep.corpus.findings
    assert triple(f.core) == (2, 1, 1)
    acc = {s: (a.correct, a.total) for s, a in f.slots.items()}
    assert acc == {
        "intervention": (2, 2), "comparator": (1, 2), "trial": (2, 2), "population": (2, 2),
        "line": (1, 2), "ci": (2, 2), "p_value": (1, 2), "timepoint": (2, 2),
    }
    assert f.slots["comparator"].accuracy == 0.5
    assert triple(f.complete) == (1, 2, 2)
    [slot_err] = [e for e in rep.errors if e.type == "slot"]
    assert slot_err.label == "PFS"
    assert "comparator: gold ['crizotinib'] / predicted None" in slot_err.detail
    assert "line: gold None / predicted second-line" in slot_err.detail


def test_line_and_ci_do_not_break_complete_match():
    g = finding("ORR", 45, (58, 61), intervention=["alectinib"], line="first-line")
    p = finding("ORR", 45, (58, 61), intervention=["alectinib"], line=None)
    rep = score({"d": doc(findings=[g])}, {"d": doc(findings=[p])})
    assert triple(rep.corpus.findings.complete) == (1, 0, 0)
    assert rep.corpus.findings.slots["line"].correct == 0


def test_same_value_twice_pairs_by_slots():
    # "ORR was 45% in both arms": two gold findings on one span; predictions in the
    # other order must still pair arm with arm.
    gold = [finding("ORR", 45, (58, 61), intervention=["alectinib"]), finding("ORR", 45, (58, 61), intervention=["crizotinib"])]
    pred = [finding("ORR", 45, (58, 61), intervention=["crizotinib"]), finding("ORR", 45, (58, 61), intervention=["alectinib"])]
    rep = score({"d": doc(findings=gold)}, {"d": doc(findings=pred)})
    assert triple(rep.corpus.findings.complete) == (2, 0, 0)


def test_finding_trial_slot_uses_registry_id_when_no_name():
    g = finding("ORR", 45, (58, 61), trial=None, registry_ids=["NCT02075840"])
    p = finding("ORR", 45, (58, 61), trial=None, registry_ids=["nct02075840"])
    q = finding("ORR", 45, (58, 61), trial=None)
    assert score({"d": doc(findings=[g])}, {"d": doc(findings=[p])}).corpus.findings.slots["trial"].correct == 1
    assert score({"d": doc(findings=[g])}, {"d": doc(findings=[q])}).corpus.findings.slots["trial"].correct == 0


# --------------------------------------------------------------------------- trials


def test_trial_pairs_ignore_case():
    gold = [Trial(name="ALEX", registry_ids=["NCT02075840"], interventions=["alectinib", "crizotinib"], mentions=[[44, 48]])]
    pred = [Trial(name="alex", registry_ids=["nct02075840"], interventions=["Alectinib"])]
    rep = score({"d": doc(trials=gold)}, {"d": doc(trials=pred)})
    t = rep.corpus.trials
    assert triple(t.registry) == (1, 0, 0)
    assert triple(t.intervention) == (1, 0, 1)
    assert triple(t.pairs) == (2, 0, 1)
    [miss] = rep.errors
    assert (miss.kind, miss.type, miss.start, miss.end) == ("trial-intervention", "miss", 44, 48)
    assert "crizotinib" in miss.detail
    assert miss.context.text == "ALEX"


def test_registry_id_only_trial_key():
    gold = [Trial(name=None, registry_ids=["EudraCT 2016-000303-34"], interventions=["brigatinib"])]
    same = [Trial(name=None, registry_ids=["eudract2016-000303-34"], interventions=["BRIGATINIB"])]
    named = [Trial(name="ALTA-3", registry_ids=["EudraCT2016-000303-34"], interventions=["brigatinib"])]
    t = score({"d": doc(trials=gold)}, {"d": doc(trials=same)}).corpus.trials
    assert (triple(t.registry), triple(t.intervention)) == ((1, 0, 0), (1, 0, 0))
    # Named in the prediction, unnamed in gold: the keys differ, so every pair misses.
    t = score({"d": doc(trials=gold)}, {"d": doc(trials=named)}).corpus.trials
    assert (triple(t.registry), triple(t.intervention)) == ((0, 1, 1), (0, 1, 1))


def test_trial_listed_twice_counts_once():
    gold = [Trial(name="ALEX", interventions=["alectinib"])]
    pred = [Trial(name="ALEX", interventions=["alectinib"]), Trial(name="Alex", interventions=["alectinib"])]
    t = score({"d": doc(trials=gold)}, {"d": doc(trials=pred)}).corpus.trials
    assert triple(t.intervention) == (1, 0, 0)


# --------------------------------------------------------------------------- context, files


def test_error_context_is_the_sentence():
    rep = score({"d": doc(entities=[ent("PERCENTAGE", 136, 139)])}, {"d": doc()})
    [e] = rep.errors
    assert e.text == "45%"
    # a semicolon does not end the sentence
    assert e.context.before == "Alectinib improved PFS versus crizotinib in ALEX; ORR was "
    assert e.context.after == " with alectinib."


def test_context_read_from_source_path(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "d.txt").write_text("First line.\r\nThe HR was 0.18 here. Next one.", encoding="utf-8", newline="")
    g = doc(entities=[ent("HAZARD_RATIO", 24, 28, "0.18")], text=None)
    rep = score({"d": g}, {"d": doc(text=None)}, roots=[tmp_path])
    assert rep.errors[0].context.model_dump() == {"before": "The HR was ", "text": "0.18", "after": " here."}


def test_report_json_round_trip():
    rep = score({"d": doc(entities=[ent("DRUG", 0, 9)], findings=[finding("ORR", 45, (58, 61))])}, {"d": doc()})
    data = json.loads(rep.model_dump_json())
    assert data["corpus"]["entities"]["micro"]["strict"] == {"tp": 0, "fp": 0, "fn": 1, "precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert EvalReport.model_validate_json(rep.model_dump_json()) == rep
    assert set(rep.headline()) == {
        "entity_lenient_f1", "entity_strict_f1", "entity_lenient_f1_per_label", "findings_core_f1", "findings_value_f1",
        "findings_complete_f1", "trial_registry_f1", "trial_intervention_f1", "trial_pair_f1",
    }


def test_evaluate_dir_with_prediction_folder():
    rep = evaluate_dir(FIXTURES / "gold", FIXTURES / "pred")
    c = rep.corpus
    assert triple(c.entities.micro.strict) == (10, 3, 2)
    assert triple(c.entities.micro.lenient) == (11, 2, 1)
    assert (triple(c.findings.core), triple(c.findings.value), triple(c.findings.complete)) == ((2, 1, 1), (3, 0, 0), (1, 2, 2))
    assert (triple(c.trials.registry), triple(c.trials.intervention)) == ((1, 0, 0), (1, 0, 1))
    # context came from corpus/tiny.txt, found relative to the gold folder's parent
    miss = next(e for e in rep.errors if e.kind == "entity" and e.type == "miss")
    assert miss.context.before.startswith("Intracranial ORR was 81%")


def test_evaluate_dir_extracts_when_no_prediction_folder():
    gold = load_results(FIXTURES / "gold")
    calls = []

    def fake_extract(path: Path, doc_id: str) -> Result:
        calls.append((path.name, doc_id))
        return gold[doc_id]

    rep = evaluate_dir(FIXTURES / "gold", extract=fake_extract)
    assert calls == [("tiny.txt", "tiny")]
    assert rep.headline()["entity_lenient_f1"] == 1.0 and rep.errors == []


def test_load_results_errors(tmp_path):
    with pytest.raises(EvaluationError, match="no such folder"):
        load_results(tmp_path / "missing")
    (tmp_path / "bad.json").write_text('{"doc_id": "x"}')
    with pytest.raises(EvaluationError, match=r"bad.json: not a valid result: source: Field required"):
        load_results(tmp_path)
    (tmp_path / "bad.json").unlink()
    for name in ("a.json", "b.json"):
        (tmp_path / name).write_text(doc("same").model_dump_json())
    with pytest.raises(EvaluationError, match="doc_id 'same' is also in"):
        load_results(tmp_path)


def test_evaluate_dir_errors(tmp_path):
    (tmp_path / "gold").mkdir()
    with pytest.raises(EvaluationError, match="no gold files"):
        evaluate_dir(tmp_path / "gold")
    (tmp_path / "gold" / "d.json").write_text(doc().model_dump_json())
    with pytest.raises(EvaluationError, match="source corpus/d.txt not found"):
        evaluate_dir(tmp_path / "gold")
    (tmp_path / "pred").mkdir()
    with pytest.raises(EvaluationError, match="no predicted results"):
        evaluate_dir(tmp_path / "gold", tmp_path / "pred")


# --------------------------------------------------------------------------- the matcher itself


def _best(gold, pred):
    """Brute force over every one-to-one matching: (pairs, exact pairs, total overlap)."""
    best = (0, 0, 0)
    for k in range(min(len(gold), len(pred)) + 1):
        for gs in itertools.combinations(range(len(gold)), k):
            for ps in itertools.permutations(range(len(pred)), k):
                pairs = list(zip(gs, ps))
                if all(overlaps(gold[g], pred[p]) for g, p in pairs):
                    key = (k, sum(gold[g] == pred[p] for g, p in pairs), sum(overlap_len(gold[g], pred[p]) for g, p in pairs))
                    best = max(best, key)
    return best


spans = st.lists(st.tuples(st.integers(0, 12), st.integers(0, 5)).map(lambda t: (t[0], t[0] + t[1])), max_size=4)


@settings(max_examples=150, deadline=None)
@given(spans, spans)
def test_match_is_optimal_and_one_to_one(gold, pred):
    pairs = match(gold, pred)
    assert len({g for g, _ in pairs}) == len({p for _, p in pairs}) == len(pairs)
    assert all(overlaps(gold[g], pred[p]) for g, p in pairs)
    key = (len(pairs), sum(gold[g] == pred[p] for g, p in pairs), sum(overlap_len(gold[g], pred[p]) for g, p in pairs))
    assert key == _best(gold, pred)
