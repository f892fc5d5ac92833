"""The command line: parses arguments, calls the library, prints. No logic lives here."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from .errors import AlkextractError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Structured, source-grounded findings from oncology editorials and trial reports.",
)


def fail(message: str, code: int = 1) -> None:
    """Print a one-line ``Error: …`` to stderr and exit."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


@app.command()
def extract(
    path: Path = typer.Argument(..., help="A .txt, .md or .pdf document."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write the JSON here (atomically) instead of stdout."),
    include_text: bool = typer.Option(False, "--include-text", help="Add the text every offset indexes."),
    patterns: Optional[Path] = typer.Option(None, "--patterns", help="A patterns/ folder to use instead of the bundled one."),
) -> None:
    """Extract one document into SPEC.md JSON."""
    from .api import extract as run
    from .io import write_atomic
    from .pipeline import set_patterns_dir

    try:
        if patterns is not None:
            set_patterns_dir(patterns)
    except AlkextractError as exc:
        fail(str(exc))
    try:
        result = run(path, include_text=include_text)
    except AlkextractError as exc:
        fail(f"{path}: {exc}")
    data = result.model_dump_json(indent=2, exclude_none=False) + "\n"
    if output is None:
        sys.stdout.write(data)
    else:
        try:
            write_atomic(output, data)
        except OSError as exc:
            fail(f"{output}: cannot write: {exc.strerror or exc}")


@app.command()
def schema() -> None:
    """Print the JSON Schema of a result."""
    from .models import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))


# `evaluate` lives in alkextract/evaluate.py and `batch` in alkextract/batch.py;
# their commands are registered below, each a thin wrapper.


@app.command()
def batch(
    inputs: list[str] = typer.Argument(..., help="Files, folders (searched recursively) and glob patterns of .txt, .md, .pdf."),
    outdir: Path = typer.Option(..., "-o", "--outdir", help="Folder for DOC_ID.json, findings.jsonl/.csv and manifest.jsonl."),
    workers: Optional[int] = typer.Option(None, "--workers", "-j", min=1, help="Parallel processes (default: the usable cores)."),
    fail_fast: bool = typer.Option(False, "--fail-fast", help="Stop at the first document that fails."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar: one line per failure and a one-line summary."),
    force: bool = typer.Option(False, "--force", help="Extract again even where a complete result for the same bytes exists."),
    max_bytes: str = typer.Option("10M", "--max-bytes", help="Refuse text files larger than this (e.g. 500k, 10M, 1G; 0 = no limit)."),
    extractor: Optional[str] = typer.Option(None, "--extractor", hidden=True, help="module:function replacing alkextract.extract (tests, plugins)."),
) -> None:
    """Extract many documents; resumable, parallel, one bad document never stops the batch."""
    from .batch import BatchReporter, parse_size, run_batch

    try:
        limit = parse_size(max_bytes)
    except ValueError as exc:
        fail(str(exc), code=2)
    reporter = BatchReporter(quiet=quiet)
    try:
        with reporter:
            summary = run_batch(
                inputs, outdir, workers=workers, fail_fast=fail_fast, resume=not force,
                max_bytes=limit or None, extract=extractor,
                on_start=reporter.start, progress=reporter.advance,
            )
    except AlkextractError as exc:
        fail(str(exc))
    reporter.summary(summary)
    raise typer.Exit(summary.exit_code)


@app.command()
def evaluate(
    gold: Path = typer.Option(Path("gold"), "--gold", help="Folder of gold results (*.json); source paths are relative to its parent."),
    pred: Optional[Path] = typer.Option(None, "--pred", help="Folder of predicted results (*.json). Default: extract each gold document's source now."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the full report as JSON here (atomically)."),
    html_out: Optional[Path] = typer.Option(None, "--html", help="Write a self-contained HTML report here (atomically)."),
    errors: int = typer.Option(20, "--errors", min=0, help="Show at most this many errors in the terminal."),
    markdown: Optional[Path] = typer.Option(None, "--markdown", help="Write the score tables as Markdown here (for the README)."),
) -> None:
    """Score predictions (or a fresh extraction) against the gold set (SPEC.md §6)."""
    from .evaluate import evaluate_dir
    from .report import print_report, write_html, write_json

    try:
        report = evaluate_dir(gold, pred)
    except AlkextractError as exc:
        fail(str(exc))
    print_report(report, max_errors=errors)
    if markdown is not None:
        from .io import write_atomic
        from .report import to_markdown

        held_out = [d.doc_id for d in report.documents if _held_out(gold, d.doc_id)]
        write_atomic(markdown, to_markdown(report, held_out))
    for path, write in ((json_out, write_json), (html_out, write_html)):
        if path is not None:
            try:
                write(report, path)
            except OSError as exc:
                fail(f"{path}: cannot write: {exc.strerror or exc}")


def _held_out(gold: Path, doc_id: str) -> bool:
    """A gold document listed in ``gold/held-out.txt`` (annotated after the rules were written)."""
    try:
        lines = (gold / "held-out.txt").read_text(encoding="utf-8").splitlines()
    except OSError:
        return False
    return doc_id in {ln.split("#")[0].strip() for ln in lines}
