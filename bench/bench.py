"""Throughput, start-up and memory of alkextract, side by side with the bare floor.

    make bench                      # or: .venv/bin/python bench/bench.py
    .venv/bin/python bench/bench.py --words 100000 --workers 4 --json

Prints one table. Each row runs in its own fresh process so that its peak memory
is its own (for the pipeline rows, the total RSS of the parent and its workers,
sampled every 0.1 s; for the others, ``ru_maxrss``):

- text, full pipeline: ``run_batch`` over the corpus texts (``corpus/**/*.txt``),
  copied until there are ``--words`` words, on 1, 2 and N workers; the floor is
  spaCy's blank English tokenizer alone over the same texts, in one process;
- PDF, full pipeline: ``run_batch`` over the benchmark PDFs (copied ``--pdf-copies``
  times), 1 worker; the floor is pdfplumber's ``extract_text`` alone, page by page;
- start-up: wall time of ``alkextract extract`` on a one-line document (median of
  3 runs); the floor is ``python -c "import spacy; spacy.blank('en')"``;
- the ceiling: ``run_batch`` over the same texts, 1 worker, with an extractor that runs
  only the parts the project's fixed stack pays (reading, scispaCy's tokenizer and
  abbreviation detector, an empty result written atomically) and none of alkextract's
  own rules — the fastest any pipeline built on that stack could go.

Throughput is measured in the steady state: from the moment the first document is
done (pipeline loaded, workers started) to the last, over the documents finished
in between; the floors likewise exclude loading. Start-up is measured separately.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PDF_DIRS = [ROOT / "tests" / "fixtures" / "pdfs"]  # sources and licences: its README.md
BENCH_PDFS = [
    "PMC5380284_Medicine2017_gastric-cancer-surgery-RCT.pdf",
    "PMC3546023_NutrJ2013_smokers-palm-vitE-RCT.pdf",
]
TARGETS = {"text": 0.5, "pdf": 0.7, "speedup": 1.8, "startup": 2.0}


# -- data --------------------------------------------------------------------------------


def corpus_texts() -> list[Path]:
    texts = sorted((ROOT / "corpus").rglob("*.txt"))
    if not texts:
        sys.exit("bench: no texts under corpus/")
    return texts


def bench_pdfs() -> list[Path]:
    found = []
    for name in BENCH_PDFS:
        for folder in PDF_DIRS:
            if (folder / name).exists():
                found.append(folder / name)
                break
    if not found:
        sys.exit(f"bench: none of {BENCH_PDFS} in {[str(d) for d in PDF_DIRS]}")
    return found


def build_data(workdir: Path, words: int, pdf_copies: int) -> dict[str, object]:
    """Copy corpus texts into workdir/text until ``words`` words; PDFs into workdir/pdf."""
    text_dir, pdf_dir = workdir / "text", workdir / "pdf"
    text_dir.mkdir()
    pdf_dir.mkdir()
    sources = [(p, len(p.read_text(encoding="utf-8").split())) for p in corpus_texts()]
    total, i = 0, 0
    while total < words:
        src, n = sources[i % len(sources)]
        shutil.copyfile(src, text_dir / f"{i:05d}-{src.name}")
        total, i = total + n, i + 1
    for k in range(pdf_copies):
        for src in bench_pdfs():
            shutil.copyfile(src, pdf_dir / f"{k:03d}-{src.name}")
    return {"words": total, "texts": i, "pdfs": [p.name for p in bench_pdfs()]}


def count_words(folder: Path) -> dict[str, int]:
    return {p.stem: len(p.read_text(encoding="utf-8").split()) for p in folder.iterdir()}


def count_pages(folder: Path) -> dict[str, int]:
    import pypdfium2  # a pdfplumber dependency; counts pages without parsing them

    counts = {}
    for p in folder.iterdir():
        doc = pypdfium2.PdfDocument(str(p))
        counts[p.stem] = len(doc)
        doc.close()
    return counts


# -- one measurement, in its own process ---------------------------------------------------


def peak_rss_mib() -> float:
    # ru_maxrss is in KiB on Linux, bytes on macOS; children = the largest waited-for child.
    scale = 1 if sys.platform == "darwin" else 1024
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale
    return max(own, kids) / 2**20


class TreeMemory:
    """Peak total RSS of this process and all its descendants, sampled every 0.1 s.

    Needed for the parallel rows: pool workers are children of multiprocessing's fork
    server, not of this process, so ``RUSAGE_CHILDREN`` never sees them. Uses psutil
    (installed with scispaCy); without it, falls back to :func:`peak_rss_mib`.
    """

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.wait(0.1):
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:  # exited between listing and reading
                    pass
            self.peak = max(self.peak, total)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def mib(self) -> float:
        return max(self.peak / 2**20, peak_rss_mib())


_SKELETON: list = []


def skeleton_extract(path: Path, doc_id: str):  # -> alkextract.models.Result
    """The part of an extraction that alkextract's fixed stack pays before any rule of
    its own: read and decode the file, scispaCy's tokenizer and abbreviation detector
    (the pipeline's, with its matchers), an empty result. No repair, no matchers, no
    number grammar, no findings."""
    from alkextract import models
    from alkextract.ingest import read_document

    if not _SKELETON:
        import spacy
        from scispacy.abbreviation import AbbreviationDetector  # noqa: F401  (registers the factory)
        from scispacy.custom_tokenizer import combined_rule_tokenizer

        from alkextract.pipeline import BracketMatcher, OrthSequenceMatcher

        nlp = spacy.blank("en")
        nlp.tokenizer = combined_rule_tokenizer(nlp)
        detector = nlp.add_pipe("abbreviation_detector")
        detector.matcher, detector.global_matcher = BracketMatcher(nlp.vocab), OrthSequenceMatcher(nlp.vocab)
        _SKELETON.append(nlp)
    source = read_document(path)
    _SKELETON[0](source.text)
    return models.Result(doc_id=doc_id, source=models.Source(path=str(path), sha256="0" * 64, format="text"))


def steady_batch(folder: Path, workers: int, units: dict[str, int], extract=None) -> dict[str, float]:
    """run_batch over ``folder``; units per second between the first and last document done."""
    from alkextract.batch import run_batch

    stamps: list[tuple[float, int]] = []

    def progress(record: dict) -> None:
        if record["status"] == "error":
            raise SystemExit(f"bench: {record['path']}: {record['error']}")
        stamps.append((time.perf_counter(), units[record["doc_id"]]))

    with tempfile.TemporaryDirectory() as out, TreeMemory() as memory:
        start = time.perf_counter()
        run_batch([folder], out, workers=workers, resume=False, progress=progress, max_bytes=None, extract=extract)
        wall = time.perf_counter() - start
    first = stamps[0][0]
    steady = sum(n for _, n in stamps[1:]) / (stamps[-1][0] - first)
    return {"rate": steady, "wall": wall, "docs": len(stamps), "units": sum(n for _, n in stamps),
            "peak_mib": memory.mib()}


def measure(name: str, data: Path, workers: int) -> dict[str, float]:
    if name == "text":
        result = steady_batch(data / "text", workers, count_words(data / "text"))
    elif name == "skeleton":
        result = steady_batch(data / "text", 1, count_words(data / "text"), extract=skeleton_extract)
    elif name == "pdf":
        result = steady_batch(data / "pdf", workers, count_pages(data / "pdf"))
    elif name == "tokenizer":
        import spacy

        nlp = spacy.blank("en")
        texts = [p.read_text(encoding="utf-8") for p in sorted((data / "text").iterdir())]
        start = time.perf_counter()
        for _ in nlp.tokenizer.pipe(texts):
            pass
        seconds = time.perf_counter() - start
        words = sum(len(t.split()) for t in texts)
        result = {"rate": words / seconds, "wall": seconds, "docs": len(texts), "units": words}
    elif name == "pdfplumber":
        import pdfplumber

        start, pages = time.perf_counter(), 0
        for p in sorted((data / "pdf").iterdir()):
            with pdfplumber.open(p) as pdf:
                for page in pdf.pages:
                    page.extract_text()
                    pages += 1
        seconds = time.perf_counter() - start
        result = {"rate": pages / seconds, "wall": seconds, "docs": len(list((data / "pdf").iterdir())), "units": pages}
    elif name in ("startup", "startup-floor"):
        # Run here, in a child of its own, so that RUSAGE_CHILDREN sees only these runs.
        return startup(startup_command(name, data))
    else:
        raise SystemExit(f"bench: unknown measurement {name!r}")
    result.setdefault("peak_mib", peak_rss_mib())
    return result


def startup_command(name: str, data: Path) -> list[str]:
    if name == "startup-floor":
        return [sys.executable, "-c", "import spacy; spacy.blank('en')"]
    one_line = data / "one-line.txt"
    one_line.write_text("Alectinib reduced CNS progression versus crizotinib (HR 0.16).\n", encoding="utf-8")
    script = Path(sys.executable).with_name("alkextract")
    cli = [str(script)] if script.exists() else [sys.executable, "-c", "from alkextract.cli import app; app()"]
    return [*cli, "extract", str(one_line)]


def run_measure(name: str, data: Path, workers: int = 1) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, __file__, "--measure", name, "--data", str(data), "--workers", str(workers)],
        capture_output=True, text=True,
    )
    if proc.returncode != 0:
        sys.exit(f"bench: {name} (workers={workers}) failed:\n{proc.stderr.strip()}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def startup(argv: list[str], runs: int = 3) -> dict[str, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(argv, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            sys.exit(f"bench: {' '.join(argv)} failed:\n{proc.stderr.strip()}")
    return {"seconds": statistics.median(times), "peak_mib": peak_rss_mib()}


# -- the table -------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--words", type=int, default=200_000, help="words of text to extract (default 200000)")
    ap.add_argument("--pdf-copies", type=int, default=2, help="copies of each benchmark PDF (default 2)")
    ap.add_argument("--workers", type=int, default=None, help="N for the N-worker row (default: the cores)")
    ap.add_argument("--json", action="store_true", help="also print the figures as JSON")
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    ap.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.measure:  # a child: one measurement, one JSON line
        print(json.dumps(measure(args.measure, args.data, args.workers or 1)))
        return

    from alkextract.batch import default_workers

    n = args.workers or default_workers()
    with tempfile.TemporaryDirectory(prefix="alkextract-bench-") as tmp:
        data = Path(tmp)
        info = build_data(data, args.words, args.pdf_copies)
        rows: dict[str, dict[str, float]] = {"tokenizer": run_measure("tokenizer", data),
                                             "skeleton": run_measure("skeleton", data)}
        for w in sorted({1, 2, n}):
            rows[f"text-{w}"] = run_measure("text", data, w)
        rows["pdfplumber"] = run_measure("pdfplumber", data)
        rows["pdf-1"] = run_measure("pdf", data, 1)
        rows["startup"] = run_measure("startup", data)
        rows["startup-floor"] = run_measure("startup-floor", data)

    tok, plumb = rows["tokenizer"]["rate"], rows["pdfplumber"]["rate"]
    speedup = rows["text-2"]["rate"] / rows["text-1"]["rate"] if "text-2" in rows else float("nan")
    print(f"alkextract benchmark: {info['words']:,} words in {info['texts']} texts; "
          f"{rows['pdf-1']['units']:.0f} PDF pages ({', '.join(info['pdfs'])} x{args.pdf_copies}); "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print()
    header = f"{'measure':<46}{'alkextract':>12}{'floor':>12}{'ratio':>7}{'target':>9}{'MiB':>7}{'floor MiB':>10}"
    print(header)
    print("-" * len(header))

    def line(label: str, value: str, floor: str, ratio: float, target: str, peak: float | None, fpeak: float | None) -> None:
        mib = "" if peak is None else f"{peak:.0f}"
        fmib = "" if fpeak is None else f"{fpeak:.0f}"
        print(f"{label:<46}{value:>12}{floor:>12}{ratio:>7.2f}{target:>9}{mib:>7}{fmib:>10}")

    tokp = rows["tokenizer"]["peak_mib"]
    for w in sorted({1, 2, n}):
        r = rows[f"text-{w}"]
        label = f"text words/s, {w} worker{'s' if w > 1 else ''} (floor: tokenizer)"
        line(label, f"{r['rate']:,.0f}", f"{tok:,.0f}", r["rate"] / tok, f">={TARGETS['text']:.2f}" if w == 1 else "",
             r["peak_mib"], tokp)
    r = rows["skeleton"]
    line("  ceiling: the batch with no rules (see below)", f"{r['rate']:,.0f}", f"{tok:,.0f}", r["rate"] / tok, "",
         r["peak_mib"], tokp)
    line("text speed-up, 1 -> 2 workers (floor: linear)", f"{speedup:.2f}x", "2.00x", speedup / 2,
         f">={TARGETS['speedup'] / 2:.2f}", None, None)
    r = rows["pdf-1"]
    line("PDF pages/s, 1 worker (floor: extract_text)", f"{r['rate']:,.1f}", f"{plumb:,.1f}", r["rate"] / plumb,
         f">={TARGETS['pdf']:.2f}", r["peak_mib"], rows["pdfplumber"]["peak_mib"])
    s, f = rows["startup"], rows["startup-floor"]
    line("start-up s, alkextract extract (floor: spaCy)", f"{s['seconds']:.2f}", f"{f['seconds']:.2f}",
         s["seconds"] / f["seconds"], f"<{TARGETS['startup']:.1f}s", s["peak_mib"], f["peak_mib"])
    print()
    print("Rates are steady-state (first to last document done: loading and worker start-up")
    print("excluded). MiB: peak RSS; for the pipeline rows, of the parent and all workers together.")
    print("Start-up: median wall time of 3 runs. Target for the speed-up: 1.8x of 2.0x.")
    print("Ceiling: the same batch (read, hash, write, manifest) with only the fixed stack's parts,")
    print("scispaCy's tokenizer and abbreviation detector, and none of alkextract's rules: no")
    print("pipeline built on that stack can be faster than this row.")
    if args.json:
        print(json.dumps({"info": info, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
