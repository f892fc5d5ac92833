"""The gold set: every gold/*.json is a valid, source-grounded result in sync with its YAML,
and gold/build.py matches phrases by the rules in gold/README.md."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

from alkextract.models import Result

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "gold"
GOLD_FILES = sorted(GOLD.glob("*.json"))


def _load_builder():
    spec = importlib.util.spec_from_file_location("gold_build", GOLD / "build.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["gold_build"] = module
    spec.loader.exec_module(module)
    return module


build = _load_builder()


def _source(result: Result) -> str:
    with open(REPO / result.source.path, encoding="utf-8", newline="") as fh:
        return fh.read()


def test_there_is_gold() -> None:
    assert GOLD_FILES, "no gold/*.json: run .venv/bin/python gold/build.py"


# --- the gold files ---------------------------------------------------------------


@pytest.fixture(params=GOLD_FILES, ids=[p.stem for p in GOLD_FILES])
def gold(request) -> Result:
    return Result.model_validate_json(request.param.read_text(encoding="utf-8"))


def test_source_is_the_corpus_file_in_the_repo(gold: Result) -> None:
    path = REPO / gold.source.path
    assert path.is_file(), gold.source.path
    assert hashlib.sha256(path.read_bytes()).hexdigest() == gold.source.sha256
    assert gold.source.format == "text"


def test_entity_offsets_hold(gold: Result) -> None:
    source = _source(gold)
    bad = [(e.label, e.text, e.start, e.end) for e in gold.entities if source[e.start:e.end] != e.text]
    assert not bad


def test_entities_are_in_document_order_without_overlap(gold: Result) -> None:
    for a, b in zip(gold.entities, gold.entities[1:]):
        assert a.end <= b.start, (a.text, a.start, b.text, b.start)


def test_evidence_offsets_hold_and_hold_the_value(gold: Result) -> None:
    source = _source(gold)
    for f in gold.findings:
        ev = f.evidence
        assert source[ev.start:ev.end] == ev.text
        assert ev.start <= f.span[0] < f.span[1] <= ev.end, (f.endpoint, f.span, ev.text[:60])


def test_trial_mentions_are_trial_entities(gold: Result) -> None:
    spans = {(e.start, e.end) for e in gold.entities if e.label in ("TRIAL", "TRIAL_ID")}
    for t in gold.trials:
        assert t.mentions, t
        assert all(tuple(m) in spans for m in t.mentions), t.name


def test_findings_name_known_trials(gold: Result) -> None:
    names = {t.name for t in gold.trials if t.name}
    ids = {i for t in gold.trials for i in t.registry_ids}
    for f in gold.findings:
        assert f.trial is None or f.trial in names, f.trial
        assert set(f.registry_ids) <= ids, f.registry_ids


def test_json_in_sync_with_yaml(capsys) -> None:
    assert build.main(["--check"]) == 0, capsys.readouterr().err


# --- the builder's matching rules --------------------------------------------------

FIND_CASES = [
    # (source, phrase, expected match text or None, why)
    ("brain\n\nmetastases", "brain metastases", "brain\n\nmetastases", "a space matches a line break"),
    ("up to  70%", "up to 70%", "up to  70%", "a space matches a run of spaces"),
    ("ALEX4 trial", "ALEX", "ALEX", "citation digits may follow a span"),
    ("ASCEND-47 ", "ASCEND-4", "ASCEND-4", "ASCEND-4 + ref 7"),
    ("PFSx", "PFS", None, "a phrase ending in a letter may not end before a letter"),
    ("ngALKi", "ALKi", None, "a phrase starting with a letter may not start after a letter"),
    ("19%", "9%", None, "a number may not start after a digit"),
    ("0.5", "5", None, "nor after a decimal point"),
    ("IC-PFS", "PFS", "PFS", "a hyphen is not a letter: list IC-PFS as one entity first"),
    ("22–33%", "22-33%", None, "dashes are copied exactly"),
]


@pytest.mark.parametrize("source,phrase,expected,why", FIND_CASES, ids=[c[3] for c in FIND_CASES])
def test_find(source: str, phrase: str, expected: str | None, why: str) -> None:
    m = build.find(source, phrase)
    assert (source[m.start:m.end] if m else None) == expected


def test_find_skips_a_blocked_match_for_a_later_one() -> None:
    source = "ngALKi and ALKi"
    m = build.find(source, "ALKi")
    assert (m.start, m.end) == (11, 15)


def test_entities_search_from_the_previous_end_and_after() -> None:
    source = "crizotinib then alectinib then crizotinib again, crizotinib"
    items = [
        {"label": "DRUG", "text": "crizotinib"},
        {"label": "DRUG", "text": "crizotinib", "after": "again"},
    ]
    ents, errors = build.build_entities(source, items, "x.yaml")
    assert not errors
    assert [e["start"] for e in ents] == [0, source.rindex("crizotinib")]


def test_findings_may_share_an_at_and_evidence_spans_the_sentence() -> None:
    source = "Intro. CNS progression was 9% versus 19%, respectively. Next."
    common = {"endpoint": "CNS-PROGRESSION", "measure": "proportion", "at": "9% versus 19%",
              "evidence": ["CNS progression", "respectively."]}
    items = [dict(common, value={"low": 9, "unit": "%"}, span="9%"),
             dict(common, value={"low": 19, "unit": "%"}, span="19%")]
    found, errors = build.build_findings(source, items, "x.yaml")
    assert not errors
    assert [source[slice(*f["span"])] for f in found] == ["9%", "19%"]
    assert found[1]["evidence"]["text"] == "CNS progression was 9% versus 19%, respectively."
    assert found[0]["intervention"] == [] and found[0]["comparator"] is None


def test_a_missing_phrase_names_the_entry() -> None:
    items = [{"label": "DRUG", "text": "alectinib"}, {"label": "DRUG", "text": "lorlatinib"}]
    _, errors = build.build_entities("alectinib only", items, "gold/src/x.yaml")
    assert errors == ["gold/src/x.yaml: entities[1] ('lorlatinib'): phrase 'lorlatinib' not found after offset 9"]


def _write_yaml(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "doc.yaml"
    path.write_text("doc_id: doc\nsource: corpus/alk-brain-mets-editorial.txt\n" + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "body,message",
    [
        ("entities:\n  - {label: DRUG, txt: crizotinib}\n", "entities[0]: unknown key(s) 'txt'"),
        ("entities:\n  - {label: DRUG, text: zzzinib}\n", "entities[0] ('zzzinib'): phrase 'zzzinib' not found"),
        ("entities:\n  - {label: HAZARD_RATIO, text: 0.18}\n", "`text` must be a non-empty string"),
        ("entities:\n  - {label: DRUG, text: crizotinib}\nfindings:\n"
         "  - {endpoint: PFS, measure: median, value: {low: 1}, at: crizotinib, span: zz, evidence: [a, b]}\n",
         "findings[0] (at 'crizotinib'): `span` 'zz' not found inside `at`"),
        ("trials:\n  - {name: NOPE}\n", "trials[0] ('NOPE'): no TRIAL/TRIAL_ID entity names this trial"),
        ("colour: red\n", "unknown key(s) 'colour'"),
    ],
    ids=["unknown key", "missing phrase", "unquoted number", "span outside at", "trial unnamed", "top-level key"],
)
def test_build_errors_are_one_line_naming_file_and_entry(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(build.GoldError) as exc:
        build.build(_write_yaml(tmp_path, body))
    text = str(exc.value)
    assert "\n" not in text
    assert "doc.yaml" in text and message in text


def test_check_mode_flags_a_stale_json(tmp_path: Path, monkeypatch, capsys) -> None:
    src, out = tmp_path / "src", tmp_path / "gold"
    src.mkdir()
    out.mkdir()
    shutil.copy(_write_yaml(tmp_path, "entities:\n  - {label: DRUG, text: crizotinib}\n"), src / "doc.yaml")
    monkeypatch.setattr(build, "SRC_DIR", src)
    monkeypatch.setattr(build, "GOLD_DIR", out)
    assert build.main([]) == 0
    assert build.main(["--check"]) == 0
    data = json.loads((out / "doc.json").read_text(encoding="utf-8"))
    data["entities"][0]["start"] += 1
    (out / "doc.json").write_text(json.dumps(data), encoding="utf-8")
    capsys.readouterr()
    assert build.main(["--check"]) == 1
    assert "doc.json is out of date" in capsys.readouterr().err
