"""Batch extraction: many documents in, one folder of results out.

``run_batch(inputs, outdir)`` takes files, folders (searched recursively) and glob
patterns, and writes into ``outdir``:

- ``DOC_ID.json``: one SPEC.md result per document, written by the worker as soon
  as the document is done;
- ``manifest.jsonl``: one line per document (path, sha256, status, seconds, counts,
  error), in sorted input order;
- ``findings.jsonl`` and ``findings.csv``: one row per finding, same order.

Guarantees, and how they are kept:

- *Atomic*: every file appears under its final name complete or not at all (temp
  file beside it, fsync, rename). A run killed with ``kill -9`` can leave a hidden
  ``.NAME.XXXX.tmp`` behind; the next run in that folder removes it.
- *Resumable*: a document whose ``DOC_ID.json`` parses as a result with the same
  sha256 as the file is not extracted again (status ``skipped``).
- *Isolated*: one bad document gets ``status: "error"`` and a one-line reason (the
  traceback, for unexpected errors, goes to the manifest's ``detail`` field); the
  batch goes on unless ``fail_fast``.
- *Deterministic*: documents are processed in parallel but every aggregate is
  written in sorted input order, so N workers give the same files as one (apart
  from the ``seconds`` timings in the manifest).
- *Flat memory*: workers write results to disk and return a small record; the
  parent keeps at most a bounded window of records and streams the aggregates
  from the per-document files. Only the list of input paths is held whole.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import functools
import glob
import hashlib
import importlib
import json
import multiprocessing
import os
import re
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Union

from . import ingest
from .errors import InputError
from .io import write_atomic
from .models import Result

#: ``extract(path, doc_id) -> Result``; or ``"module:function"`` naming one, which is
#: how a custom extractor reaches worker processes (and the CLI's ``--extractor``).
Extractor = Union[Callable[[Path, str], Result], str]

MANIFEST = "manifest.jsonl"
FINDINGS_JSONL = "findings.jsonl"
FINDINGS_CSV = "findings.csv"

#: Default size limit for a text document. Far above any article or review (a long
#: review is well under 1 MiB of text) and low enough that one runaway file cannot
#: hold a worker for minutes; ``--max-bytes`` raises it.
DEFAULT_MAX_BYTES = 10 * 2**20

#: The hidden temporary names :func:`alkextract.io.write_atomic` and
#: :func:`_atomic_stream` use (``mkstemp(prefix=".NAME.", suffix=".tmp")``).
_TEMP_NAME = re.compile(r"^\..+\.(json|jsonl|csv)\.[A-Za-z0-9_]+\.tmp$")

_GLOB_CHARS = re.compile(r"[*?\[]")

CSV_COLUMNS = [
    "doc_id", "endpoint", "endpoint_text", "measure",
    "value_low", "value_high", "qualifier", "unit", "not_reached",
    "ci_low", "ci_high", "ci_level", "p_value", "p_qualifier",
    "intervention", "comparator", "trial", "registry_ids", "population", "line",
    "timepoint", "span_start", "span_end", "page", "evidence",
]


@dataclass(frozen=True)
class Document:
    """One input document: where it is and the id its result is written under."""

    index: int
    path: Path
    doc_id: str


@dataclass
class BatchSummary:
    outdir: Path
    total: int = 0
    ok: int = 0
    warning: int = 0
    skipped: int = 0
    error: int = 0
    seconds: float = 0.0
    #: True when ``fail_fast`` stopped the batch before every document was done
    stopped: bool = False
    #: (path, one-line reason) of the first failures, for the summary
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.ok + self.warning + self.skipped + self.error

    @property
    def exit_code(self) -> int:
        return 1 if self.error or self.stopped else 0


_MAX_SUMMARY_ERRORS = 50


# ---------------------------------------------------------------------------
# Collecting inputs


def collect_documents(inputs: Iterable[str | Path]) -> list[Document]:
    """Expand files, folders (recursively) and glob patterns into sorted documents.

    Folders contribute the files alkextract reads (``.txt``, ``.md``, ``.pdf``),
    skipping hidden files and folders; folder symlinks are not followed, so a
    symlink loop cannot recurse. A file named explicitly is taken whatever its
    extension (it then fails with a clear message) and so is a path that does not
    exist (it fails as "no such file"). A glob pattern that matches nothing raises
    :class:`InputError`: that is a typo, not a document.
    """
    paths: dict[str, Path] = {}
    for item in inputs:
        raw = str(item)
        p = Path(raw)
        if p.is_dir():
            found: Iterable[Path] = _walk(p)
        elif _GLOB_CHARS.search(raw) and not os.path.lexists(raw):
            matches = sorted(glob.glob(raw, recursive=True))
            if not matches:
                raise InputError(f"no files match {raw!r}")
            found = []
            for m in matches:
                mp = Path(m)
                found.extend(_walk(mp) if mp.is_dir() else [mp])
        else:
            found = [p]
        for f in found:
            # The same file reached twice (a folder and a glob) is one document.
            paths.setdefault(_identity(f), f)
    ordered = sorted(paths.values(), key=lambda q: q.as_posix())
    return [Document(i, p, doc_id) for i, (p, doc_id) in enumerate(zip(ordered, assign_doc_ids(ordered)))]


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and Path(name).suffix.lower() in ingest.SUFFIXES:
                yield Path(dirpath) / name


def _identity(p: Path) -> str:
    try:
        return str(p.resolve(strict=True))
    except (OSError, RuntimeError):
        # Missing, unreadable or a symlink loop: keep it as given; it fails later
        # with its own message.
        return str(Path(os.path.abspath(p)))


def assign_doc_ids(paths: list[Path]) -> list[str]:
    """The file stem, or, when two inputs share a stem, stem + a hash of the path.

    Stems are compared case-insensitively: ``A.txt`` and ``a.pdf`` would write the
    same ``.json`` on a case-insensitive file system. The hash is of the path as
    given (relative paths stay relative), so re-running the same command gives the
    same ids, which is what resuming needs.
    """
    stems: dict[str, int] = {}
    for p in paths:
        stems[p.stem.casefold()] = stems.get(p.stem.casefold(), 0) + 1
    ids = []
    for p in paths:
        if stems[p.stem.casefold()] == 1:
            ids.append(p.stem)
        else:
            digest = hashlib.sha1(p.as_posix().encode("utf-8", "surrogateescape")).hexdigest()[:8]
            ids.append(f"{p.stem}-{digest}")
    return ids


# ---------------------------------------------------------------------------
# One document (runs in a worker process, or in-process for one worker)


def _default_extract(path: Path, doc_id: str) -> Result:
    from .api import extract

    return extract(path, doc_id=doc_id)


def resolve_extractor(extract: Extractor | None) -> Callable[[Path, str], Result]:
    if extract is None:
        return _default_extract
    if callable(extract):
        return extract
    module, _, name = extract.partition(":")
    if not module or not name:
        raise InputError(f"extractor must be 'module:function', got {extract!r}")
    try:
        fn = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise InputError(f"cannot load extractor {extract!r}: {exc}") from None
    if not callable(fn):
        raise InputError(f"extractor {extract!r} is not callable")
    return fn


def sha256_file(path: Path) -> str:
    """sha256 of a file, read in chunks; OS errors become one-line InputErrors."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError as exc:
        raise InputError(os_error_message(exc)) from None
    return h.hexdigest()


def os_error_message(exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        return "no such file (missing, or removed during the batch)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno == errno.EISDIR:
        return "not a file: a folder"
    return f"cannot read: {exc.strerror or exc}"


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def existing_result(path: Path, sha256: str) -> dict[str, Any] | None:
    """The result already in ``path`` if it is complete and for these bytes."""
    try:
        raw = path.read_text(encoding="utf-8")
        result = Result.model_validate_json(raw)
    except (OSError, ValueError):
        # Absent, unreadable or not a valid result: extract again.
        return None
    if result.source.sha256 != sha256:
        return None
    return json.loads(raw)


def _counts(result: dict[str, Any] | Result) -> dict[str, int]:
    """How many entities, findings, trials and warnings: of a result read back from its
    file, or of a fresh one (not dumped to a dict just to count)."""
    get = result.get if isinstance(result, dict) else (lambda k: getattr(result, k))
    return {k: len(get(k) or []) for k in ("entities", "findings", "trials", "warnings")}


def process_document(
    doc: Document,
    outdir: Path,
    extract: Callable[[Path, str], Result],
    *,
    resume: bool = True,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
) -> dict[str, Any]:
    """Extract one document, write ``DOC_ID.json`` atomically, return its manifest record.

    Never raises for a bad document: every failure becomes ``status: "error"`` with
    a one-line ``error`` (and, for unexpected exceptions, the traceback in ``detail``).
    """
    started = time.perf_counter()
    record: dict[str, Any] = {
        "doc_id": doc.doc_id,
        "path": doc.path.as_posix(),
        "sha256": None,
        "status": "error",
        "seconds": 0.0,
        "counts": None,
        "warnings": [],
        "error": None,
        "detail": None,
    }
    target = outdir / f"{doc.doc_id}.json"
    try:
        suffix = doc.path.suffix.lower()
        # Before opening it: a FIFO named like a document would block the worker.
        if doc.path.exists() and not doc.path.is_file():
            raise InputError("not a file: a folder" if doc.path.is_dir() else "not a regular file")
        record["sha256"] = sha = sha256_file(doc.path)
        previous = existing_result(target, sha) if resume else None
        if previous is not None:
            record.update(status="skipped", counts=_counts(previous), warnings=previous.get("warnings") or [])
        else:
            if max_bytes is not None and suffix in ingest.TEXT_SUFFIXES:
                size = doc.path.stat().st_size
                if size > max_bytes:
                    raise InputError(
                        f"text file too large: {size / 2**20:.1f} MiB "
                        f"(limit {max_bytes / 2**20:.0f} MiB; raise it with --max-bytes)"
                    )
            with _text_limit(max_bytes):
                result = extract(doc.path, doc.doc_id)
            data = result.model_dump_json(indent=2) + "\n"
            write_atomic(target, data)
            record.update(
                status="warning" if result.warnings else "ok",
                counts=_counts(result),
                warnings=list(result.warnings),
            )
    except InputError as exc:
        record["error"] = _one_line(str(exc))
    except OSError as exc:
        record["error"] = _one_line(os_error_message(exc))
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the batch
        record["error"] = _one_line(f"{type(exc).__name__}: {exc}")
        record["detail"] = traceback.format_exc()
    record["seconds"] = round(time.perf_counter() - started, 4)
    return record


@contextlib.contextmanager
def _text_limit(max_bytes: int | None) -> Iterator[None]:
    # Ingestion has its own refusal threshold; the batch's --max-bytes replaces it
    # for the duration of one extraction so that raising the limit actually works.
    previous = ingest.MAX_TEXT_BYTES
    ingest.MAX_TEXT_BYTES = max_bytes if max_bytes is not None else 2**63
    try:
        yield
    finally:
        ingest.MAX_TEXT_BYTES = previous


# Worker-process state: the extractor is resolved (and the pipeline built) once per
# worker by the pool initializer, not once per document.
_WORKER: dict[str, Any] = {}


def _init_worker(extract: Extractor | None, outdir: str, resume: bool, max_bytes: int | None) -> None:
    fn = resolve_extractor(extract)
    _WORKER.update(extract=fn, outdir=Path(outdir), resume=resume, max_bytes=max_bytes)
    if extract is None:
        _warm_up()


def _warm_up() -> None:
    """Build the pipeline now, so that the first document does not pay for it."""
    from .api import extract

    try:
        extract("Crizotinib.\n", doc_id="warm-up")
    except Exception:  # noqa: BLE001
        # A pipeline that cannot load fails each document with its real error
        # (and traceback in the manifest); an initializer that raised would
        # instead make the pool respawn the worker forever.
        pass


def _work(doc: Document) -> dict[str, Any]:
    return process_document(
        doc, _WORKER["outdir"], _WORKER["extract"], resume=_WORKER["resume"], max_bytes=_WORKER["max_bytes"]
    )


# ---------------------------------------------------------------------------
# The batch


def run_batch(
    inputs: Iterable[str | Path],
    outdir: str | Path,
    *,
    workers: int | None = None,
    fail_fast: bool = False,
    resume: bool = True,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    extract: Extractor | None = None,
    progress: Callable[[dict[str, Any]], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> BatchSummary:
    """Extract every document in ``inputs`` into ``outdir``; see the module docstring.

    ``workers``: processes (default: the usable cores; 1 runs in this process).
    ``extract``: ``(path, doc_id) -> Result`` or ``"module:function"``; a callable
    must be importable by name (a module-level function) when ``workers > 1``.
    ``on_start(total)`` is called once the inputs are collected, ``progress(record)``
    as each document finishes (in completion order when parallel). Raises
    :class:`InputError` only for a bad invocation: no documents at all, a glob that
    matches nothing, an extractor that cannot be loaded.
    """
    outdir = Path(outdir)
    inputs = [str(i) for i in inputs]
    docs = collect_documents(inputs)
    if not docs:
        raise InputError(f"no .txt, .md or .pdf documents in {' '.join(inputs)}")
    if extract is not None and not callable(extract):
        resolve_extractor(extract)  # fail now, once, with a clear message
    outdir.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(outdir)
    _umask()
    if on_start is not None:
        on_start(len(docs))
    summary = BatchSummary(outdir=outdir, total=len(docs))
    started = time.perf_counter()
    n_workers = max(1, min(workers or default_workers(), len(docs)))
    on_done = progress or (lambda record: None)
    if n_workers == 1:
        records = _serial(docs, outdir, extract, resume, max_bytes, on_done)
    else:
        records = _parallel(docs, outdir, extract, resume, max_bytes, n_workers, on_done)
    try:
        _write_aggregates(outdir, _tally(records, summary, fail_fast))
    finally:
        records.close()  # on fail-fast or an interrupt: stops the pool
    summary.seconds = time.perf_counter() - started
    return summary


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _tally(
    records: Iterator[dict[str, Any]],
    summary: BatchSummary,
    fail_fast: bool,
) -> Iterator[dict[str, Any]]:
    """Count records into ``summary`` (in input order) and stop after an error on fail-fast."""
    for record in records:
        status = record["status"]
        setattr(summary, status, getattr(summary, status) + 1)
        if status == "error" and len(summary.errors) < _MAX_SUMMARY_ERRORS:
            summary.errors.append((record["path"], record["error"]))
        yield record
        if status == "error" and fail_fast:
            summary.stopped = summary.done < summary.total
            return


def _serial(
    docs: list[Document], outdir: Path, extract: Extractor | None, resume: bool, max_bytes: int | None,
    on_done: Callable[[dict[str, Any]], None],
) -> Iterator[dict[str, Any]]:
    fn = resolve_extractor(extract)
    for doc in docs:
        record = process_document(doc, outdir, fn, resume=resume, max_bytes=max_bytes)
        on_done(record)
        yield record


def _parallel(
    docs: list[Document], outdir: Path, extract: Extractor | None, resume: bool, max_bytes: int | None,
    n_workers: int, on_done: Callable[[dict[str, Any]], None],
) -> Iterator[dict[str, Any]]:
    """Yield records in input order while up to ``window`` documents are in flight.

    ``on_done(record)`` is called as each document finishes, in completion order (the
    progress bar must not stall behind one slow document). Records finished out of
    order wait in ``ready``; submitting stops while ``window`` documents are
    submitted but not yet yielded, which bounds memory whatever the number of
    documents.

    A worker that dies (a crash in a C extension, the OOM killer) breaks the whole
    pool and fails every document in it; hence only ``2 * n_workers`` are given to
    the pool at a time. Those documents are then run again one at a time in a
    one-worker pool, so that only the one that kills its worker is reported; the
    batch goes on in a fresh pool.
    """
    initargs = (extract, str(outdir), resume, max_bytes)
    window = max(64, 16 * n_workers)
    pool = _pool(n_workers, initargs)
    pending: dict[Future, int] = {}
    ready: dict[int, dict[str, Any]] = {}
    next_submit = next_yield = 0
    try:
        while next_yield < len(docs):
            while next_submit < len(docs) and len(pending) < 2 * n_workers and next_submit - next_yield < window:
                try:
                    fut = pool.submit(_work, docs[next_submit])
                except BrokenProcessPool:
                    # a worker died since the last wait: its futures report it below
                    if not pending:  # (none to report it: start afresh)
                        pool.shutdown(wait=True)
                        pool = _pool(n_workers, initargs)
                        continue
                    break
                pending[fut] = next_submit
                next_submit += 1
            if next_yield not in ready:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                if any(_broken(f) for f in done):
                    # Every future of a broken pool fails: let them all settle, keep
                    # those that finished before the break, isolate the others.
                    wait(pending)
                    settled = sorted((i, f) for f, i in pending.items())
                    pending.clear()
                    pool.shutdown(wait=True)
                    suspects = [docs[i] for i, f in settled if _broken(f)]
                    for index, fut in settled:
                        if not _broken(fut):
                            ready[index] = record = _record_of(fut, docs[index])
                            on_done(record)
                    # (resume off: a suspect may have written its result before the
                    # pool broke; it is this run's result, not a skipped one)
                    isolated_args = (initargs[0], initargs[1], False, initargs[3])
                    for doc, record in _isolated(suspects, isolated_args):
                        ready[doc.index] = record
                        on_done(record)
                    pool = _pool(n_workers, initargs)
                else:
                    for fut in done:
                        index = pending.pop(fut)
                        ready[index] = record = _record_of(fut, docs[index])
                        on_done(record)
            while next_yield in ready:
                yield ready.pop(next_yield)
                next_yield += 1
    finally:
        # Reached early on fail-fast or an interrupt: drop what has not started.
        pool.shutdown(wait=True, cancel_futures=True)


def _pool(n_workers: int, initargs: tuple[Any, ...]) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=n_workers, mp_context=_mp_context(), initializer=_init_worker, initargs=initargs
    )


def _broken(fut: Future) -> bool:
    return fut.done() and not fut.cancelled() and isinstance(fut.exception(), BrokenProcessPool)


def _isolated(docs: list[Document], initargs: tuple[Any, ...]) -> Iterator[tuple[Document, dict[str, Any]]]:
    """Run documents one at a time in a one-worker pool: a document whose worker dies
    is the one that killed it (and the pool is replaced for the next)."""
    pool = _pool(1, initargs)
    try:
        for doc in docs:
            fut = pool.submit(_work, doc)
            wait([fut])
            if _broken(fut):
                pool.shutdown(wait=True)
                pool = _pool(1, initargs)
                yield doc, _error_record(
                    doc, "the worker process died while extracting this document "
                    "(a crash in a native library, or out of memory)", None,
                )
            else:
                yield doc, _record_of(fut, doc)
    finally:
        pool.shutdown(wait=True)


def _record_of(fut: Future, doc: Document) -> dict[str, Any]:
    exc = fut.exception()
    if exc is None:
        return fut.result()
    # process_document never raises, so this is the pool failing in an unforeseen way.
    detail = "".join(traceback.format_exception(exc))
    return _error_record(doc, f"worker process failed: {type(exc).__name__}: {exc}", detail)


def _error_record(doc: Document, message: str, detail: str | None) -> dict[str, Any]:
    return {
        "doc_id": doc.doc_id, "path": doc.path.as_posix(), "sha256": None, "status": "error",
        "seconds": 0.0, "counts": None, "warnings": [], "error": _one_line(message), "detail": detail,
    }


def _mp_context() -> multiprocessing.context.BaseContext:
    # forkserver, not fork: the parent runs threads (the progress bar, the pool's
    # own), and forking a threaded process can deadlock the child. The server
    # imports the package once so each worker starts warm.
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["alkextract.api", "alkextract.batch"])
        return ctx
    return multiprocessing.get_context("spawn")


# ---------------------------------------------------------------------------
# Output files


def remove_stale_temp_files(outdir: Path) -> list[Path]:
    """Remove the hidden temp files a killed run may have left in ``outdir``."""
    removed = []
    for entry in outdir.iterdir():
        if _TEMP_NAME.match(entry.name) and entry.is_file():
            entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed


@contextlib.contextmanager
def _atomic_stream(path: Path, **open_kwargs: Any) -> Iterator[IO[str]]:
    """Like :func:`alkextract.io.write_atomic`, for a file written line by line."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", **open_kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give what open() would
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@functools.lru_cache(maxsize=1)
def _umask() -> int:
    # Read once, in the parent, before any thread of ours could create a file while
    # the umask is briefly 0.
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_aggregates(outdir: Path, records: Iterator[dict[str, Any]]) -> None:
    """Stream manifest, findings.jsonl and findings.csv in the order records come."""
    with (
        _atomic_stream(outdir / MANIFEST, newline="") as manifest,
        _atomic_stream(outdir / FINDINGS_JSONL, newline="") as fjsonl,
        _atomic_stream(outdir / FINDINGS_CSV, newline="") as fcsv,
    ):
        writer = csv.writer(fcsv)
        writer.writerow(CSV_COLUMNS)
        for record in records:
            manifest.write(json.dumps(record, ensure_ascii=False) + "\n")
            if record["status"] == "error":
                continue
            result = _read_result(outdir / f"{record['doc_id']}.json")
            for finding in result.get("findings") or []:
                fjsonl.write(json.dumps({"doc_id": record["doc_id"], **finding}, ensure_ascii=False) + "\n")
                writer.writerow(csv_row(record["doc_id"], finding))


def _read_result(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def csv_row(doc_id: str, f: dict[str, Any]) -> list[Any]:
    """One finding flattened for a spreadsheet: lists joined with "; "."""

    def join(items: list[str] | None) -> str:
        return "; ".join(items) if items else ""

    value, ci, p, tp, ev = f.get("value") or {}, f.get("ci") or {}, f.get("p_value") or {}, f.get("timepoint"), f.get("evidence") or {}
    span = f.get("span") or [None, None]
    return [
        doc_id, f.get("endpoint"), f.get("endpoint_text"), f.get("measure"),
        value.get("low"), value.get("high"), value.get("qualifier"), value.get("unit"), value.get("not_reached"),
        ci.get("low"), ci.get("high"), ci.get("level"), p.get("value"), p.get("qualifier"),
        join(f.get("intervention")), join(f.get("comparator")), f.get("trial"), join(f.get("registry_ids")),
        join(f.get("population")), f.get("line"),
        f"{tp['value']:g} {tp['unit']}" if tp else None,
        span[0], span[1], ev.get("page"), " ".join((ev.get("text") or "").split()),
    ]


# ---------------------------------------------------------------------------
# Terminal report (what the CLI prints; the library itself prints nothing)


def parse_size(text: str) -> int:
    """``"10M"`` → 10485760; plain digits are bytes; k/M/G are powers of 1024."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)i?[bB]?\s*", text)
    if not m:
        raise ValueError(f"--max-bytes: expected a size like 500k, 10M or 1G, got {text!r}")
    scale = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}[m.group(2).lower()]
    return int(float(m.group(1)) * scale)


class BatchReporter:
    """A live progress bar (documents/s, errors) and an end-of-run summary.

    ``quiet``: no bar; each failure as one ``Error: PATH: reason`` line on stderr
    as it happens, and a one-line summary, which suits logs and CI.
    """

    def __init__(self, quiet: bool = False) -> None:
        from rich.console import Console

        self.quiet = quiet
        self.err = Console(stderr=True, highlight=False, soft_wrap=True)
        self.out = Console(highlight=False, soft_wrap=True)
        self._progress: Any = None
        self._task: Any = None
        self._errors = 0

    def __enter__(self) -> BatchReporter:
        if not self.quiet:
            from rich.progress import (
                BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("[bold]extracting"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]:>6.1f} docs/s"),
                TextColumn("[red]{task.fields[errors]} errors"),
                TimeElapsedColumn(),
                TextColumn("eta"),
                TimeRemainingColumn(),
                console=self.err,
            )
            self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)

    def start(self, total: int) -> None:
        if self._progress is not None:
            self._task = self._progress.add_task("extract", total=total, rate=0.0, errors=0)

    def advance(self, record: dict[str, Any]) -> None:
        if record["status"] == "error":
            self._errors += 1
            if self.quiet:
                self.err.print(f"Error: {record['path']}: {record['error']}", markup=False)
        if self._progress is not None:
            task = self._progress.tasks[0]
            elapsed = task.elapsed or 0.0
            rate = (task.completed + 1) / elapsed if elapsed > 0 else 0.0
            self._progress.update(self._task, advance=1, rate=rate, errors=self._errors)

    def summary(self, s: BatchSummary) -> None:
        rate = s.done / s.seconds if s.seconds > 0 else 0.0
        line = (
            f"{s.done} of {s.total} documents in {s.seconds:.1f} s ({rate:.1f}/s): "
            f"{s.ok} ok, {s.warning} with warnings, {s.skipped} skipped (unchanged), {s.error} failed"
            + ("; stopped at the first failure (--fail-fast)" if s.stopped else "")
            + f" -> {s.outdir}"
        )
        if not self.quiet:
            for path, reason in s.errors:
                self.err.print(f"Error: {path}: {reason}", markup=False)
            if s.error > len(s.errors):
                self.err.print(f"… and {s.error - len(s.errors)} more; see {s.outdir / MANIFEST}", markup=False)
        self.out.print(line, markup=False)
