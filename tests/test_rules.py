"""The patterns/ loader: every rule file validates, and a bad line names its file and line."""

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from alkextract.cli import app
from alkextract.errors import PatternError
from alkextract.rules import default_patterns_dir, load_rules

BUNDLED = default_patterns_dir()


def copy_patterns(tmp_path: Path) -> Path:
    dst = tmp_path / "patterns"
    shutil.copytree(BUNDLED, dst, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    return dst


def test_bundled_patterns_load():
    rs = load_rules()
    for label in ("DRUG", "DRUG_CLASS", "THERAPY", "TRIAL", "TRIAL_ID", "ENDPOINT", "POPULATION", "LINE"):
        assert rs.by_label(label), label
    assert "site_codes" in rs.settings["endpoint_codes.yaml"]


@pytest.mark.parametrize(
    "file, line, message",
    [
        ("trials.jsonl", '{"label": "TRIAL", "pattern": "X", "id": "X", "colour": "red"}', "unknown key(s) ['colour']"),
        ("trials.jsonl", '{"label": "DRUG", "pattern": "X", "id": "X"}', "label must be one of ['TRIAL']"),
        ("trials.jsonl", '{"label": "TRIAL", "pattern": "X"}', "'id' must be a non-empty string"),
        ("trials.jsonl", '{"label": "TRIAL", "pattern": "X", "regex": "X", "id": "X"}', "exactly one of"),
        ("trial_ids.jsonl", '{"label": "TRIAL_ID", "regex": "NCT(\\\\d{8}", "id": "ctgov"}', "bad regex"),
        ("endpoints.jsonl", '{"label": "ENDPOINT", "pattern": "PFS", "id": "PFS",', "invalid JSON"),
        ("drugs.jsonl", '{"label": "DRUG", "pattern": "X", "id": "x", "case": "upper"}', "'case' must be"),
    ],
)
def test_bad_rule_line_names_file_and_line(tmp_path, file, line, message):
    folder = copy_patterns(tmp_path)
    path = folder / file
    n = len(path.read_text(encoding="utf-8").splitlines()) + 1
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")
    with pytest.raises(PatternError) as err:
        load_rules(str(folder))
    assert str(err.value).startswith(f"{path}:{n}: ")
    assert message in str(err.value)


def test_bad_yaml_names_file_and_line(tmp_path):
    folder = copy_patterns(tmp_path)
    path = folder / "endpoint_codes.yaml"
    path.write_text("site_words: [intracranial\nsite_codes: {}\n", encoding="utf-8")
    with pytest.raises(PatternError, match=r"endpoint_codes\.yaml:\d+: invalid YAML"):
        load_rules(str(folder))


def test_unknown_yaml_key(tmp_path):
    folder = copy_patterns(tmp_path)
    path = folder / "acronym_stoplist.yaml"
    path.write_text("words: [ALK]\nwordz: [EGFR]\n", encoding="utf-8")
    with pytest.raises(PatternError, match=r"acronym_stoplist\.yaml:2: unknown key"):
        load_rules(str(folder))


def test_missing_file(tmp_path):
    folder = copy_patterns(tmp_path)
    (folder / "lines.jsonl").unlink()
    with pytest.raises(PatternError, match=r"lines\.jsonl: rule file missing"):
        load_rules(str(folder))


def test_cli_reports_bad_pattern_file_in_one_line(tmp_path):
    folder = copy_patterns(tmp_path)
    with (folder / "drugs.jsonl").open("a", encoding="utf-8") as fh:
        fh.write("not json\n")
    doc = tmp_path / "doc.txt"
    doc.write_text("Alectinib was given.", encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(doc), "--patterns", str(folder)])
    assert result.exit_code == 1
    out = result.output.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("Error: ") and "drugs.jsonl:" in out[0] and "invalid JSON" in out[0]
    assert "Traceback" not in result.output


def test_a_curator_adds_a_drug_without_touching_python(tmp_path):
    from alkextract.pipeline import run, set_patterns_dir
    from alkextract.ingest import read_text

    folder = copy_patterns(tmp_path)
    with (folder / "drugs.jsonl").open("a", encoding="utf-8") as fh:
        fh.write('{"label": "DRUG", "pattern": "XYZ-123", "id": "newinib"}\n')
    doc = run(read_text("XYZ-123 achieved an ORR of 45%.".encode()), str(folder))
    drugs = [m for m in doc._.alk_mentions if m.label == "DRUG"]
    assert [(d.text, d.norm["name"]) for d in drugs] == [("XYZ-123", "newinib")]
    assert doc._.findings[0].intervention == ["newinib"]
    set_patterns_dir(None)


@pytest.mark.parametrize(
    "file, text, message",
    [
        ("drug_stoplist.yaml", "variants: [1, 2]\nmin_length: 4\n", "variants: must be a list of non-empty strings"),
        ("drug_stoplist.yaml", "variants: [lead]\nmin_length: four\n", "min_length: must be a whole number"),
        ("endpoint_codes.yaml", "site_words: [CNS]\nprefix_regexes: ['grade (']\n", "prefix_regexes: bad regex"),
    ],
)
def test_bad_yaml_values_are_reported(tmp_path, file, text, message):
    folder = copy_patterns(tmp_path)
    (folder / file).write_text(text, encoding="utf-8")
    with pytest.raises(PatternError) as err:
        load_rules(str(folder))
    assert file in str(err.value) and message in str(err.value)


def test_drug_rules_must_be_phrases(tmp_path):
    folder = copy_patterns(tmp_path)
    with (folder / "drugs.jsonl").open("a", encoding="utf-8") as fh:
        fh.write('{"label": "DRUG", "regex": "XYZ-\\\\d{3}", "id": "xyzinib"}\n')
    with pytest.raises(PatternError, match="DRUG rules are phrases"):
        load_rules(str(folder))
