"""Bad input, end to end: every file is built here, then run through the real CLI.

One batch holds every bad case beside two good documents; each test checks one
case's manifest entry: the expected one-line message, no traceback, no partial
output, and the good documents done. PDFs are made with fpdf2 and read by the real
PDF path (pdfplumber is never mocked).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fpdf import FPDF

import alkextract
from alkextract.batch import MANIFEST, run_batch
from alkextract.errors import EmptyDocumentError, InputError, NotTextError, PdfError
from alkextract.models import Result, Source

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
NO_TEXT_LAYER = "no text layer, OCR not supported"
SENTENCE = "Alectinib reduced the risk of CNS progression versus crizotinib (HR 0.16)."


# -- building the files ----------------------------------------------------------------


def text_pdf(pages: int, text: str = SENTENCE) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for i in range(pages):
        pdf.add_page()
        pdf.multi_cell(0, 6, f"Page {i + 1}. {text}")
    return bytes(pdf.output())


def encrypted_pdf() -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 6, SENTENCE)
    pdf.set_encryption(owner_password="owner", user_password="secret")
    return bytes(pdf.output())


def image_only_pdf() -> bytes:
    from PIL import Image  # fpdf2 depends on Pillow

    pdf = FPDF()
    pdf.add_page()
    pdf.image(Image.new("RGB", (300, 120), "white"), x=10, y=10, w=150)  # a scan, no text
    return bytes(pdf.output())


def build_inputs(root: Path) -> None:
    root.mkdir(parents=True)
    (root / "good.txt").write_text(SENTENCE + "\n", encoding="utf-8")
    (root / "good.md").write_text("# Result\n\n" + SENTENCE + "\n", encoding="utf-8")
    valid = text_pdf(2)
    (root / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    (root / "truncated.pdf").write_bytes(valid[: len(valid) // 2])
    (root / "encrypted.pdf").write_bytes(encrypted_pdf())
    (root / "image-only.pdf").write_bytes(image_only_pdf())
    (root / "pages-500.pdf").write_bytes(text_pdf(500, "ORR 45%."))
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (root / "latin1.txt").write_bytes("Patients treated with lorlatinib: 56% (Müller, São Paulo).\n".encode("latin-1"))
    chunk = ("ALK inhibitors. " * 4096).encode()
    with open(root / "big.txt", "wb") as fh:  # 50 MB of real text
        for _ in range(50 * 10**6 // len(chunk) + 1):
            fh.write(chunk)
    (root / "unreadable.txt").write_text(SENTENCE, encoding="utf-8")
    (root / "unreadable.txt").chmod(0)
    os.mkfifo(root / "fifo.txt")  # a pipe named like a document: opening it would block
    os.symlink("loop.txt", root / "loop.txt")  # a symlink to itself
    (root / "sub").mkdir()
    (root / "sub" / "nested.txt").write_text(SENTENCE, encoding="utf-8")
    os.symlink("..", root / "sub" / "up")  # a folder loop: must not be followed


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("bad-input")
    src, out = root / "in", root / "out"
    build_inputs(src)
    proc = subprocess.run(
        [sys.executable, "-c", "from alkextract.cli import app; app()",
         "batch", str(src), "-o", str(out), "--workers", "2", "--quiet"],
        capture_output=True, text=True, timeout=600,
    )
    records = [json.loads(line) for line in (out / MANIFEST).read_text(encoding="utf-8").splitlines()]
    return {"proc": proc, "out": out, "src": src, "records": {r["doc_id"]: r for r in records}, "order": records}


def assert_failed_cleanly(batch: dict, doc_id: str) -> dict:
    record = batch["records"][doc_id]
    assert record["status"] == "error", record
    assert record["error"] and "\n" not in record["error"]
    assert record["detail"] is None, record["detail"]  # an InputError, not an unexpected crash
    assert not (batch["out"] / f"{doc_id}.json").exists()  # no partial output
    assert f"Error: {record['path']}: {record['error']}" in batch["proc"].stderr.splitlines()
    return record


# -- the batch as a whole ----------------------------------------------------------------


def test_batch_finishes_with_exit_1_and_no_traceback(batch: dict) -> None:
    proc = batch["proc"]
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    # Every line on stderr is one failure, on one line.
    assert all(line.startswith("Error: ") for line in proc.stderr.splitlines())
    assert not [p for p in batch["out"].iterdir() if p.name.endswith(".tmp")]


def test_good_documents_are_done(batch: dict) -> None:
    # good.txt and good.md share a stem: two ids, two results.
    good = [r["doc_id"] for r in batch["order"] if r["doc_id"].startswith("good")]
    assert len(good) == 2
    for doc_id in [*good, "nested"]:
        assert batch["records"][doc_id]["status"] == "ok"
        Result.model_validate_json((batch["out"] / f"{doc_id}.json").read_text(encoding="utf-8"))


def test_folder_symlink_loop_is_not_followed(batch: dict) -> None:
    paths = [r["path"] for r in batch["order"]]
    assert len(paths) == len(set(paths))
    assert not [p for p in paths if "/up/" in p]
    assert [p for p in paths if p.endswith("sub/nested.txt")]


# -- one case each -------------------------------------------------------------------


@pytest.mark.parametrize(
    "doc_id, message",
    [
        ("empty", "empty document: 0 bytes"),
        ("binary", "not a text document: binary content (NUL bytes)"),
        ("big", "text file too large: 47.7 MiB (limit 10 MiB; raise it with --max-bytes)"),
        ("loop", "symbolic link loop"),
        ("fifo", "not a regular file"),
    ],
)
def test_text_input_fails_with_a_clear_message(batch: dict, doc_id: str, message: str) -> None:
    assert assert_failed_cleanly(batch, doc_id)["error"] == message


@pytest.mark.skipif(IS_ROOT, reason="root reads a file whatever its permissions")
def test_unreadable_file(batch: dict) -> None:
    assert assert_failed_cleanly(batch, "unreadable")["error"] == "permission denied"


def test_latin1_text_is_read_with_a_warning(batch: dict) -> None:
    record = batch["records"]["latin1"]
    assert record["status"] == "warning"
    assert any("not valid UTF-8" in w for w in record["warnings"])
    result = json.loads((batch["out"] / "latin1.json").read_text(encoding="utf-8"))
    assert result["warnings"] == record["warnings"]


@pytest.mark.parametrize("doc_id", ["corrupt", "truncated", "encrypted"])
def test_broken_pdf_fails_with_a_clear_message(batch: dict, doc_id: str) -> None:
    record = assert_failed_cleanly(batch, doc_id)
    if doc_id == "encrypted":
        assert "encrypt" in record["error"].lower() or "password" in record["error"].lower()


def test_image_only_pdf_warns_instead_of_an_empty_result(batch: dict) -> None:
    record = batch["records"]["image-only"]
    assert record["status"] == "warning", record
    assert NO_TEXT_LAYER in record["warnings"]


def test_500_page_pdf(batch: dict) -> None:
    record = batch["records"]["pages-500"]
    assert record["status"] == "ok", record
    result = Result.model_validate_json((batch["out"] / "pages-500.json").read_text(encoding="utf-8"))
    assert result.source.pages == 500
    assert {e.page for e in result.entities if e.label == "PERCENTAGE"} <= set(range(1, 501))


# -- a file that disappears mid-batch ----------------------------------------------------


def test_file_removed_mid_batch(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (src / name).write_text(SENTENCE, encoding="utf-8")

    def remove_b(record: dict) -> None:
        # Called when a document is done: the inputs are listed, b is not yet read.
        if record["doc_id"] == "a":
            (src / "b.txt").unlink()

    out = tmp_path / "out"
    summary = run_batch([src], out, workers=1, progress=remove_b)
    assert (summary.ok, summary.error) == (2, 1)
    records = {r["doc_id"]: r for r in map(json.loads, (out / MANIFEST).read_text().splitlines())}
    assert records["b"]["error"] == "no such file (missing, or removed during the batch)"
    assert records["b"]["detail"] is None and not (out / "b.json").exists()
    assert records["c"]["status"] == "ok"


def test_raising_max_bytes_lets_a_big_file_through(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from alkextract import ingest

    doc = tmp_path / "big.txt"
    doc.write_bytes(b"ALK. " * (2**20 // 5 + 1))  # just over 1 MiB

    def read_only(path: Path, doc_id: str) -> Result:
        # The real ingestion, without the pipeline: what matters is its size check.
        source = ingest.read_document(path)
        return Result(doc_id=doc_id, source=Source(path=source.path, sha256=source.sha256, format="text"))

    monkeypatch.setattr(ingest, "MAX_TEXT_BYTES", 2**19)  # ingestion alone would refuse it
    small = run_batch([doc], tmp_path / "o1", workers=1, max_bytes=2**20, extract=read_only)
    assert small.errors == [(doc.as_posix(), "text file too large: 1.0 MiB (limit 1 MiB; raise it with --max-bytes)")]
    big = run_batch([doc], tmp_path / "o2", workers=1, max_bytes=2 * 2**20, extract=read_only)
    assert (big.ok, big.error) == (1, 0)
    assert ingest.MAX_TEXT_BYTES == 2**19  # restored after the batch


# -- the library API on the same inputs ----------------------------------------------


@pytest.mark.parametrize(
    "name, content, error, message",
    [
        ("empty.txt", b"", EmptyDocumentError, "empty document: 0 bytes"),
        ("blank.md", b" \n\t\n", EmptyDocumentError, "empty document: no text"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", NotTextError, "not a text document"),
        ("controls.txt", bytes(range(1, 32)) * 20, NotTextError, "not a text document: binary content (control bytes)"),
        ("page.docx", b"PK\x03\x04", InputError, "unsupported file type '.docx'"),
    ],
)
def test_extract_rejects_bad_text(tmp_path: Path, name: str, content: bytes, error: type, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error) as info:
        alkextract.extract(path)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_extract_symlink_loop_and_missing_file(tmp_path: Path) -> None:
    os.symlink("loop.txt", tmp_path / "loop.txt")
    with pytest.raises(InputError, match="^symbolic link loop: "):
        alkextract.extract(tmp_path / "loop.txt")
    with pytest.raises(InputError, match="^no such file: "):
        alkextract.extract(tmp_path / "missing.txt")


def test_extract_latin1_keeps_offsets_into_the_decoded_text(tmp_path: Path) -> None:
    text = "Lorlatinib (Müller et al.): 56% of patients.\n"
    path = tmp_path / "latin1.txt"
    path.write_bytes(text.encode("latin-1"))
    result = alkextract.extract(path, include_text=True)
    assert result.text == text
    assert any("not valid UTF-8" in w for w in result.warnings)
    for e in result.entities:
        assert result.text[e.start : e.end] == e.text


@pytest.mark.parametrize("kind", ["corrupt", "truncated", "encrypted"])
def test_extract_broken_pdf_raises_pdf_error(tmp_path: Path, kind: str) -> None:
    data = {
        "corrupt": b"%PDF-1.7\n" + bytes(range(256)) * 8,
        "truncated": text_pdf(2)[:900],
        "encrypted": encrypted_pdf(),
    }[kind]
    path = tmp_path / f"{kind}.pdf"
    path.write_bytes(data)
    with pytest.raises(PdfError) as info:
        alkextract.extract(path)
    assert str(info.value) and "\n" not in str(info.value)


def test_extract_image_only_pdf_warns(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(image_only_pdf())
    result = alkextract.extract(path)
    assert NO_TEXT_LAYER in result.warnings
    assert result.findings == []


def test_generated_pdfs_are_what_they_claim() -> None:
    # Guards the fixtures themselves, with pdfplumber directly: the encrypted PDF
    # really needs a password and the image-only PDF really has no text.
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    with pytest.raises(PdfminerException):
        pdfplumber.open(io.BytesIO(encrypted_pdf())).pages[0].extract_text()
    with pdfplumber.open(io.BytesIO(image_only_pdf())) as pdf:
        assert pdf.pages[0].extract_text().strip() == "" and len(pdf.pages[0].images) == 1
    with pdfplumber.open(io.BytesIO(text_pdf(3))) as pdf:
        assert len(pdf.pages) == 3 and "HR 0.16" in pdf.pages[2].extract_text()
