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
        result = run(path, include_text=include_text)
    except AlkextractError as exc:
        fail(f"{path}: {exc}")
    data = result.model_dump_json(indent=2, exclude_none=False) + "\n"
    if output is None:
        sys.stdout.write(data)
    else:
        write_atomic(output, data)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a result."""
    from .models import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))


# `evaluate` lives in alkextract/evaluate.py and `batch` in alkextract/batch.py;
# their commands are registered below, each a thin wrapper.
