"""Batch mechanics: inputs, ids, outputs, order, resume, atomicity, kill -9, memory.

Most tests inject a cheap extractor through the library API so that they test the
batch and not the pipeline; ``test_cli_end_to_end`` runs the real CLI and pipeline.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from alkextract.batch import (
    CSV_COLUMNS,
    FINDINGS_CSV,
    FINDINGS_JSONL,
    MANIFEST,
    assign_doc_ids,
    collect_documents,
    run_batch,
)
from alkextract.errors import InputError
from alkextract.models import Evidence, Finding, Result, Source, Value

PYTHON = sys.executable


# -- a cheap, deterministic extractor ------------------------------------------------
# Every "NN%" in the text becomes a PFS finding; "WARN" adds a warning; "BOOM" raises;
# "SLEEP x" sleeps x seconds (to make workers finish out of order).


def fake_extract(path: Path, doc_id: str) -> Result:
    data = path.read_bytes()
    text = data.decode("utf-8")
    if "BOOM" in text:
        raise RuntimeError("boom\nwith a second line")
    if m := re.search(r"SLEEP ([\d.]+)", text):
        time.sleep(float(m.group(1)))
    findings = [
        Finding(
            endpoint="PFS",
            measure="proportion",
            value=Value(low=float(m.group(1)), unit="%"),
            span=[m.start(), m.end()],
            intervention=["alectinib"],
            evidence=Evidence(start=m.start(), end=m.end(), text=m.group(0)),
        )
        for m in re.finditer(r"(\d+)%", text)
    ]
    return Result(
        doc_id=doc_id,
        source=Source(path=str(path), sha256=hashlib.sha256(data).hexdigest(), format="text"),
        findings=findings,
        warnings=["a warning"] if "WARN" in text else [],
    )


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def manifest(outdir: Path) -> list[dict]:
    return [json.loads(line) for line in (outdir / MANIFEST).read_text(encoding="utf-8").splitlines()]


def temp_files(outdir: Path) -> list[str]:
    return sorted(p.name for p in outdir.rglob("*") if p.name.endswith(".tmp"))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    write(root / "b.txt", "PFS was 45% with alectinib and 12% with crizotinib.")
    write(root / "a.md", "# Title\n\nORR 80%.")
    write(root / "sub" / "c.txt", "WARN: no numbers here.")
    write(root / "sub" / "deeper" / "d.txt", "Rate 7%.")
    write(root / "notes.docx", "ignored: not a format alkextract reads")
    write(root / ".hidden.txt", "ignored: hidden")
    write(root / ".git" / "e.txt", "ignored: hidden folder")
    return root


# -- collecting inputs ----------------------------------------------------------------


def test_collect_folders_files_and_globs(corpus: Path, tmp_path: Path) -> None:
    extra = write(tmp_path / "extra.txt", "x 1%")
    docs = collect_documents([corpus, str(extra), str(corpus / "sub" / "*.txt")])
    rel = [d.path.relative_to(tmp_path).as_posix() for d in docs]
    # Sorted, recursive, hidden and unsupported files skipped, sub/c.txt only once.
    assert rel == ["corpus/a.md", "corpus/b.txt", "corpus/sub/c.txt", "corpus/sub/deeper/d.txt", "extra.txt"]
    assert [d.doc_id for d in docs] == ["a", "b", "c", "d", "extra"]
    assert [d.index for d in docs] == [0, 1, 2, 3, 4]


def test_recursive_glob(corpus: Path) -> None:
    docs = collect_documents([str(corpus / "**" / "*.txt")])
    assert [d.doc_id for d in docs] == ["b", "c", "d"]


def test_glob_matching_nothing_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no files match '.*\*\.pdf'"):
        run_batch([str(tmp_path / "*.pdf")], tmp_path / "out", workers=1, extract=fake_extract)


def test_same_stem_in_two_folders_gets_two_ids(tmp_path: Path) -> None:
    one = write(tmp_path / "x" / "report.txt", "one 10%")
    two = write(tmp_path / "y" / "report.txt", "two 20%")
    three = write(tmp_path / "y" / "REPORT.md", "three 30%")  # same name on a case-insensitive disk
    out = tmp_path / "out"
    summary = run_batch([tmp_path / "x", tmp_path / "y"], out, workers=1, extract=fake_extract)
    assert summary.ok == 3
    ids = [r["doc_id"] for r in manifest(out)]
    assert len(set(i.casefold() for i in ids)) == 3
    assert all(re.fullmatch(r"(report|REPORT)-[0-9a-f]{8}", i) for i in ids)
    # Deterministic: a function of the paths as given, in sorted order.
    assert ids == assign_doc_ids([one, three, two])
    texts = {json.loads((out / f"{i}.json").read_text())["findings"][0]["evidence"]["text"] for i in ids}
    assert texts == {"10%", "20%", "30%"}


# -- outputs ---------------------------------------------------------------------------


def test_outputs(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = run_batch([corpus], out, workers=1, extract=fake_extract)
    assert (summary.total, summary.ok, summary.warning, summary.error, summary.exit_code) == (4, 3, 1, 0, 0)

    records = manifest(out)
    assert [r["doc_id"] for r in records] == ["a", "b", "c", "d"]
    b = records[1]
    assert b["path"].endswith("corpus/b.txt")
    assert b["sha256"] == hashlib.sha256((corpus / "b.txt").read_bytes()).hexdigest()
    assert b["status"] == "ok" and b["error"] is None and isinstance(b["seconds"], float)
    assert b["counts"] == {"entities": 0, "findings": 2, "trials": 0, "warnings": 0}
    assert records[2]["status"] == "warning" and records[2]["warnings"] == ["a warning"]

    for r in records:
        Result.model_validate_json((out / f"{r['doc_id']}.json").read_text(encoding="utf-8"))

    rows = [json.loads(x) for x in (out / FINDINGS_JSONL).read_text().splitlines()]
    assert [(r["doc_id"], r["value"]["low"]) for r in rows] == [("a", 80), ("b", 45), ("b", 12), ("d", 7)]

    with open(out / FINDINGS_CSV, newline="", encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert list(table[0]) == CSV_COLUMNS
    assert [(r["doc_id"], r["value_low"], r["intervention"], r["evidence"]) for r in table] == [
        ("a", "80.0", "alectinib", "80%"), ("b", "45.0", "alectinib", "45%"),
        ("b", "12.0", "alectinib", "12%"), ("d", "7.0", "alectinib", "7%"),
    ]
    assert temp_files(out) == []


def test_one_bad_document_does_not_stop_the_batch(corpus: Path, tmp_path: Path) -> None:
    write(corpus / "bad.txt", "BOOM")
    out = tmp_path / "out"
    summary = run_batch([corpus], out, workers=1, extract=fake_extract)
    assert (summary.ok + summary.warning, summary.error, summary.exit_code) == (4, 1, 1)
    bad = next(r for r in manifest(out) if r["doc_id"] == "bad")
    assert bad["status"] == "error"
    assert bad["error"] == "RuntimeError: boom with a second line"  # one line
    assert "Traceback" in bad["detail"] and "fake_extract" in bad["detail"]
    assert not (out / "bad.json").exists()
    assert summary.errors == [(bad["path"], bad["error"])]


def test_fail_fast_stops_at_the_first_failure(corpus: Path, tmp_path: Path) -> None:
    write(corpus / "a0.txt", "BOOM")  # sorts second, after a.md
    out = tmp_path / "out"
    summary = run_batch([corpus], out, workers=1, fail_fast=True, extract=fake_extract)
    assert summary.stopped and summary.exit_code == 1
    assert [(r["doc_id"], r["status"]) for r in manifest(out)] == [("a", "ok"), ("a0", "error")]
    assert not (out / "b.json").exists()


# -- parallel = serial -----------------------------------------------------------------


def test_workers_give_the_same_output_as_one(tmp_path: Path) -> None:
    # Earlier documents sleep longer, so two workers finish them in reverse order.
    src = tmp_path / "docs"
    for i in range(6):
        write(src / f"doc{i}.txt", f"SLEEP {0.05 * (6 - i):.2f} value {10 + i}% and {i}%")
    write(src / "doc9.txt", "BOOM")
    outs = {}
    for workers in (1, 2):
        out = tmp_path / f"out{workers}"
        summary = run_batch([src], out, workers=workers, extract=fake_extract)
        assert (summary.ok, summary.error) == (6, 1)
        outs[workers] = out

    def snapshot(out: Path) -> dict[str, object]:
        files: dict[str, object] = {p.name: p.read_bytes() for p in out.iterdir() if p.name != MANIFEST}
        files[MANIFEST] = [{k: v for k, v in r.items() if k not in ("seconds", "detail")} for r in manifest(out)]
        return files

    assert snapshot(outs[1]) == snapshot(outs[2])
    assert [r["doc_id"] for r in manifest(outs[2])] == [f"doc{i}" for i in (0, 1, 2, 3, 4, 5, 9)]


# -- resume ----------------------------------------------------------------------------


def test_resume_skips_complete_results_only(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch([corpus], out, workers=1, extract=fake_extract)
    before = (out / FINDINGS_JSONL).read_bytes()

    calls: list[str] = []

    def counting(path: Path, doc_id: str) -> Result:
        calls.append(doc_id)
        return fake_extract(path, doc_id)

    summary = run_batch([corpus], out, workers=1, extract=counting)
    assert calls == [] and summary.skipped == 4 and summary.exit_code == 0
    assert {r["status"] for r in manifest(out)} == {"skipped"}
    assert manifest(out)[1]["counts"]["findings"] == 2
    assert (out / FINDINGS_JSONL).read_bytes() == before  # aggregates rebuilt from the saved results

    write(corpus / "b.txt", "changed: 99%")  # new bytes: extract again
    (out / "a.json").write_text('{"schema_version": "1", "doc_id": "a", "sou')  # truncated
    c = json.loads((out / "c.json").read_text())
    c["source"]["sha256"] = "0" * 64  # a result for other bytes
    (out / "c.json").write_text(json.dumps(c))
    summary = run_batch([corpus], out, workers=1, extract=counting)
    assert sorted(calls) == ["a", "b", "c"] and summary.skipped == 1
    assert json.loads((out / "b.json").read_text())["findings"][0]["value"]["low"] == 99

    calls.clear()
    summary = run_batch([corpus], out, workers=1, resume=False, extract=counting)
    assert sorted(calls) == ["a", "b", "c", "d"] and summary.skipped == 0


def test_errors_are_retried_on_resume(tmp_path: Path) -> None:
    doc = write(tmp_path / "docs" / "x.txt", "BOOM")
    out = tmp_path / "out"
    assert run_batch([doc], out, workers=1, extract=fake_extract).error == 1
    write(doc, "fixed 5%")
    summary = run_batch([doc], out, workers=1, extract=fake_extract)
    assert (summary.ok, summary.error, summary.skipped) == (1, 0, 0)


# -- atomicity -------------------------------------------------------------------------


def test_stale_temp_files_are_removed(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for name in (".b.json.k3j_x9ab.tmp", ".manifest.jsonl.abcd1234.tmp", ".findings.csv.zz.tmp"):
        (out / name).write_text("half a fi")
    (out / "keep.tmp").write_text("not ours")
    run_batch([corpus], out, workers=1, extract=fake_extract)
    assert temp_files(out) == ["keep.tmp"]


def test_interrupted_run_keeps_the_previous_complete_files(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch([corpus], out, workers=1, extract=fake_extract)
    old_manifest = (out / MANIFEST).read_bytes()

    def interrupted(path: Path, doc_id: str) -> Result:
        if doc_id == "c":
            raise KeyboardInterrupt
        return fake_extract(path, doc_id)

    with pytest.raises(KeyboardInterrupt):
        run_batch([corpus], out, workers=1, resume=False, extract=interrupted)
    assert (out / MANIFEST).read_bytes() == old_manifest
    assert temp_files(out) == []


SLOW_EXTRACTOR = '''
import hashlib, os, time
from alkextract.models import Result, Source

def extract(path, doc_id):
    time.sleep(float(os.environ.get("SLOW_SECONDS", "0")))
    data = path.read_bytes()
    return Result(doc_id=doc_id, source=Source(path=str(path), format="text",
                  sha256=hashlib.sha256(data).hexdigest()), warnings=[])
'''


def run_cli(args: list[str], env: dict[str, str] | None = None, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "-c", "from alkextract.cli import app; app()", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})}, **kw,
    )


def test_kill_9_mid_run_loses_nothing_and_resumes(tmp_path: Path) -> None:
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "slow_extractor.py").write_text(SLOW_EXTRACTOR)
    env = {"PYTHONPATH": str(tmp_path / "plugins"), "SLOW_SECONDS": "0.4"}
    src = tmp_path / "docs"
    for i in range(12):
        write(src / f"d{i:02}.txt", f"document {i}")
    out = tmp_path / "out"
    args = ["batch", str(src), "-o", str(out), "--workers", "2", "--quiet", "--extractor", "slow_extractor:extract"]

    proc = run_cli(args, env, start_new_session=True)
    deadline = time.monotonic() + 60
    while len(list(out.glob("*.json"))) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert proc.poll() is None, "the batch finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its workers, mid-run
    proc.wait()

    finished = sorted(p.stem for p in out.glob("*.json"))
    assert 3 <= len(finished) < 12
    for p in out.glob("*.json"):  # every result under its final name is complete
        Result.model_validate_json(p.read_text(encoding="utf-8"))
    assert not (out / MANIFEST).exists()  # aggregates appear only complete

    proc = run_cli(args, {**env, "SLOW_SECONDS": "0"})
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    records = manifest(out)
    assert [r["doc_id"] for r in records] == [f"d{i:02}" for i in range(12)]
    assert sorted(r["doc_id"] for r in records if r["status"] == "skipped") == finished
    assert {r["status"] for r in records if r["doc_id"] not in finished} == {"ok"}
    assert temp_files(out) == []
    assert f"{len(finished)} skipped" in stdout


# -- memory ----------------------------------------------------------------------------


def bulky_extract(path: Path, doc_id: str) -> Result:
    # ~40 kB per result: keeping results around would show in the peak below.
    result = fake_extract(path, doc_id)
    return result.model_copy(update={"warnings": ["x" * 40_000]})


def test_memory_does_not_grow_with_the_number_of_documents(tmp_path: Path) -> None:
    peaks = {}
    for n in (20, 200):
        src = tmp_path / f"docs{n}"
        for i in range(n):
            write(src / f"d{i:04}.txt", f"value {i % 100}%")
        tracemalloc.start()
        run_batch([src], tmp_path / f"out{n}", workers=1, extract=bulky_extract)
        peaks[n] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    # 180 more documents may cost the list of paths (a few hundred bytes each),
    # not the results (40 kB each: 7 MB if they were kept).
    assert peaks[200] - peaks[20] < 180 * 4_000, peaks


# -- the real CLI and pipeline ---------------------------------------------------------

EDITORIAL = Path(__file__).resolve().parents[1] / "corpus" / "alk-brain-mets-editorial.txt"


def test_cli_end_to_end(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    # The editorial's opening (a small document: the suite must stay fast).
    (src / "editorial.txt").write_bytes(EDITORIAL.read_bytes()[:4000])
    write(src / "short.md", "In ALEX, alectinib reduced the risk of CNS progression (HR 0.16).\n")
    write(src / "empty.txt", "")
    out = tmp_path / "out"
    proc = run_cli(["batch", str(src), "-o", str(out), "--workers", "2"])
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 1, stderr  # the empty document failed
    assert "Traceback" not in stdout + stderr
    assert re.search(r"Error: \S*empty\.txt: empty document", stderr)
    assert "3 of 3 documents" in stdout and "1 failed" in stdout
    records = manifest(out)
    assert [(r["doc_id"], r["status"]) for r in records] == [("editorial", "ok"), ("empty", "error"), ("short", "ok")]
    editorial = Result.model_validate_json((out / "editorial.json").read_text(encoding="utf-8"))
    assert editorial.source.sha256 == hashlib.sha256(EDITORIAL.read_bytes()[:4000]).hexdigest()
    assert records[0]["counts"]["findings"] == len(editorial.findings)
    n_rows = sum(len(json.loads((out / f"{d}.json").read_text())["findings"]) for d in ("editorial", "short"))
    assert len((out / FINDINGS_JSONL).read_text().splitlines()) == n_rows
    assert temp_files(out) == []

    # Quiet re-run: everything unchanged is skipped; only the failure is retried.
    proc = run_cli(["batch", str(src), "-o", str(out), "--quiet"])
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 1
    assert "2 skipped" in stdout
    assert stderr.strip().splitlines() == [f"Error: {src / 'empty.txt'}: empty document: 0 bytes"]


def test_cli_rejects_a_bad_size(tmp_path: Path) -> None:
    proc = run_cli(["batch", str(tmp_path), "-o", str(tmp_path / "out"), "--max-bytes", "lots"])
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "Error: --max-bytes: expected a size like 500k, 10M or 1G, got 'lots'" in stderr


def test_no_documents_is_a_clear_error(tmp_path: Path) -> None:
    write(tmp_path / "in" / "notes.docx", "not a document alkextract reads")
    with pytest.raises(InputError, match=r"^no \.txt, \.md or \.pdf documents in .*in$"):
        run_batch([tmp_path / "in"], tmp_path / "out", workers=1, extract=fake_extract)


def test_progress_reports_in_completion_order(tmp_path: Path) -> None:
    src = tmp_path / "docs"
    write(src / "a.txt", "SLEEP 0.6 first in order, last to finish")
    for i in range(3):
        write(src / f"b{i}.txt", f"quick {i}%")
    seen: list[str] = []
    run_batch([src], tmp_path / "out", workers=2, extract=fake_extract, progress=lambda r: seen.append(r["doc_id"]))
    assert sorted(seen) == ["a", "b0", "b1", "b2"] and seen[-1] == "a"
    assert [r["doc_id"] for r in manifest(tmp_path / "out")] == ["a", "b0", "b1", "b2"]


def crashing_extract(path: Path, doc_id: str) -> Result:
    if "CRASH" in path.read_text(encoding="utf-8"):
        os.kill(os.getpid(), signal.SIGKILL)  # as a segfault in a C library or the OOM killer would
    return fake_extract(path, doc_id)


def test_a_document_that_kills_its_worker_is_the_only_failure(tmp_path: Path) -> None:
    src = tmp_path / "docs"
    for i in range(8):
        write(src / f"d{i}.txt", "CRASH" if i == 3 else f"value {i}%")
    out = tmp_path / "out"
    summary = run_batch([src], out, workers=2, extract=crashing_extract)
    assert (summary.ok, summary.error) == (7, 1)
    records = manifest(out)
    assert [r["doc_id"] for r in records] == [f"d{i}" for i in range(8)]
    assert records[3]["error"] == (
        "the worker process died while extracting this document (a crash in a native library, or out of memory)"
    )
    assert all((out / f"d{i}.json").exists() for i in range(8) if i != 3)


def test_outputs_get_the_usual_file_mode(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch([corpus], out, workers=1, extract=fake_extract)
    mask = os.umask(0)
    os.umask(mask)
    for name in (MANIFEST, FINDINGS_JSONL, FINDINGS_CSV, "a.json"):
        assert (out / name).stat().st_mode & 0o777 == 0o666 & ~mask, name
