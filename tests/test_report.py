"""The evaluation report: terminal tables, JSON, the HTML page (also in a real browser), and the CLI."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from alkextract.cli import app
from alkextract.evaluate import EvalReport, evaluate_dir, score
from alkextract.models import Entity, Result, Source
from alkextract.report import print_report, render_html, write_html, write_json

FIXTURES = Path(__file__).parent / "fixtures" / "evalrepo"


@pytest.fixture(scope="module")
def report() -> EvalReport:
    return evaluate_dir(FIXTURES / "gold", FIXTURES / "pred")


def test_terminal_report(report):
    console = Console(record=True, width=100, color_system=None)
    print_report(report, console, max_errors=3)
    out = console.export_text()
    for needle in ("Entities", "DOSE", "micro", "Findings", "comparator", "Trials", "Per document", "tiny", "Errors: 8"):
        assert needle in out
    assert "… and 5 more" in out
    # the first error is the missed second "crizotinib", shown in its sentence
    assert "miss" in out and "Intracranial ORR was 81% with alectinib and 50% with crizotinib." in out


def test_terminal_report_all_errors(report):
    console = Console(record=True, width=100, color_system=None)
    print_report(report, console, max_errors=None)
    out = console.export_text()
    assert "more (--errors" not in out
    assert "gold [43, 53) '600 mg BID', predicted [43, 49) '600 mg'" in out


def test_write_json(report, tmp_path):
    out = tmp_path / "sub" / "report.json"
    write_json(report, out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["corpus"]["findings"]["core"]["f1"] == pytest.approx(2 / 3)
    assert len(data["errors"]) == 8
    assert [p.name for p in out.parent.iterdir()] == ["report.json"]  # no temporary file left


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, int] = {}
        self.bars = 0
        self.marks: list[str] = []
        self._in_mark = False
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag == "rect" and a.get("class") == "bar":
            self.bars += 1
        if tag == "mark":
            self._in_mark = True
            self.marks.append("")
        for key in ("src", "href"):
            if a.get(key):
                self.external.append(a[key])

    def handle_endtag(self, tag):
        if tag == "mark":
            self._in_mark = False

    def handle_data(self, data):
        if self._in_mark:
            self.marks[-1] += data


def test_html_is_self_contained(report):
    page = render_html(report)
    p = _Collect()
    p.feed(page)
    assert p.tags.get("script", 0) == 0 and p.tags.get("link", 0) == 0 and p.external == []
    assert p.tags["table"] == 6  # entities, findings, slots, trials, documents, errors
    assert p.tags["svg"] == 2
    # entity chart: 7 labels + micro, strict and lenient; slot chart: 3 findings + 8 slots + 2 trial rows
    assert p.bars == 8 * 2 + 13
    assert sorted(p.marks) == sorted(["crizotinib", "50%", "ALEX", "ALEX", "Intracranial", "50%", "600 mg", "0.16"])


def test_html_escapes_document_text():
    text = 'Dose <b>600 mg</b> & "BID" <script>alert(1)</script>.'
    gold = Result(doc_id="x", source=Source(path="x.txt", sha256="", format="text"), text=text,
                  entities=[Entity(label="DOSE", start=8, end=14, text="600 mg")])
    page = render_html(score({"x": gold}, {}))
    assert "<script>" not in page and "<b>" not in page
    assert '&lt;b&gt;<mark class="miss">600 mg</mark>&lt;/b&gt; &amp; &quot;BID&quot; &lt;script&gt;' in page


# --------------------------------------------------------------------------- CLI


def test_cli_evaluate_with_predictions(tmp_path):
    out_json, out_html = tmp_path / "r.json", tmp_path / "r.html"
    result = CliRunner().invoke(app, [
        "evaluate", "--gold", str(FIXTURES / "gold"), "--pred", str(FIXTURES / "pred"),
        "--json", str(out_json), "--html", str(out_html), "--errors", "2",
    ])
    assert result.exit_code == 0, result.output
    assert "Errors: 8" in result.output and "… and 6 more" in result.output
    data = json.loads(out_json.read_text(encoding="utf-8"))
    micro = data["corpus"]["entities"]["micro"]
    assert (micro["strict"]["tp"], micro["lenient"]["tp"]) == (10, 11)
    assert data["corpus"]["trials"]["intervention"] == {"tp": 1, "fp": 0, "fn": 1, "precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3)}
    assert out_html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_cli_evaluate_extracts_gold_sources(tmp_path):
    # No --pred: the real extractor runs on the fixture's tiny source text.
    out_json = tmp_path / "r.json"
    result = CliRunner().invoke(app, ["evaluate", "--gold", str(FIXTURES / "gold"), "--json", str(out_json)])
    assert result.exit_code == 0, result.output
    data = json.loads(out_json.read_text(encoding="utf-8"))
    [d] = data["documents"]
    assert d["doc_id"] == "tiny" and d["predicted"] is True
    assert d["gold_counts"] == {"entities": 12, "findings": 3, "trials": 1}
    micro = data["corpus"]["entities"]["micro"]["lenient"]
    assert micro["tp"] + micro["fn"] == 12
    assert micro["tp"] + micro["fp"] == d["pred_counts"]["entities"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--gold", "no/such/gold"], "Error: no/such/gold: no such folder"),
        (["--gold", str(FIXTURES / "gold"), "--pred", str(FIXTURES / "corpus")], "no predicted results (*.json)"),
        (["--gold", str(FIXTURES / "corpus")], "no gold files (*.json)"),
    ],
)
def test_cli_evaluate_bad_input_is_one_line(args, message):
    result = CliRunner().invoke(app, ["evaluate", *args])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


# --------------------------------------------------------------------------- in a real browser


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("CI is set but no chromium binary is installed (.ci/run installs it)")
    pytest.skip("no chromium binary (apt-get install chromium); set CI=true to make this a failure")


def _chrome(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def _png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB/RGBA PNG into rows of raw pixel bytes (enough for a blank check)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and color in (2, 6), f"unexpected PNG format depth={depth} color={color}"
            bpp = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
            if f == 1:
                line[i] = (line[i] + a) & 0xFF
            elif f == 2:
                line[i] = (line[i] + b) & 0xFF
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, bpp, rows


def test_html_in_headless_chromium(report, tmp_path):
    binary = _chromium()
    page = tmp_path / "report.html"
    write_html(report, page)
    url = page.resolve().as_uri()

    dom = _chrome(binary, tmp_path / "profile", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    p = _Collect()
    p.feed(dom.stdout)
    assert p.tags.get("table", 0) == 6 and p.tags.get("svg", 0) == 2
    assert p.bars == 29 and len(p.marks) == 8

    shot = tmp_path / "report.png"
    run = _chrome(binary, tmp_path / "profile", "--window-size=1000,1400", "--hide-scrollbars", f"--screenshot={shot}", url)
    assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
    width, bpp, rows = _png_pixels(shot.read_bytes())
    assert (width, len(rows)) == (1000, 1400)
    # Not blank: many pixels that are not the white page, in several colours
    # (text, table borders, blue bars, highlight marks).
    step = bpp * 7
    pixels = [r[i : i + 3] for r in rows[::5] for i in range(0, len(r) - bpp, step)]
    inked = [px for px in pixels if px != b"\xff\xff\xff"]
    assert len(inked) > 0.02 * len(pixels)
    assert len(set(inked)) > 20
    # the lenient bars' blue (#2f81f7) is on screen
    assert any(px[2] > 200 and px[0] < 90 and 100 < px[1] < 160 for px in inked)
