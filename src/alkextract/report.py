"""Showing an :class:`~alkextract.evaluate.EvalReport`: a rich terminal report, JSON, and one HTML page.

The HTML page is self-contained (inline CSS and SVG, no script, no external asset)
so it can be attached to an issue or opened from a CI artifact as is. Every piece
of document text is HTML-escaped before it is placed in the page.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Iterable, Optional, Sequence

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .evaluate import SLOTS, Counts, ErrorItem, EvalReport
from .io import write_atomic

TYPE_NAMES = {"miss": "miss", "false_positive": "false positive", "boundary": "boundary", "slot": "wrong slot"}


def _pct(x: Optional[float]) -> str:
    return "–" if x is None else f"{x:.3f}"


def _prf(c: Counts) -> list[str]:
    return [_pct(c.precision), _pct(c.recall), _pct(c.f1)]


# --------------------------------------------------------------------------- JSON


def to_json(report: EvalReport) -> str:
    return report.model_dump_json(indent=2) + "\n"


def write_json(report: EvalReport, path: str | Path) -> None:
    write_atomic(path, to_json(report))


# --------------------------------------------------------------------------- Markdown


def to_markdown(report: EvalReport, held_out: Sequence[str] = ()) -> str:
    """The score tables as Markdown (for the README): corpus headline, entities per
    label, findings and trials per document. ``held_out`` doc ids are marked."""
    c = report.corpus
    lines = ["| entities (lenient F1) | " + " | ".join(c.entities.per_label) + " | micro |",
             "|---|" + "---:|" * (len(c.entities.per_label) + 1),
             "| all documents | " + " | ".join(_pct(v.lenient.f1) for v in c.entities.per_label.values())
             + f" | {_pct(c.entities.micro.lenient.f1)} |", ""]
    lines += ["| document | entities lenient F1 | findings core F1 | findings complete F1 | trial pairs F1 |",
              "|---|---:|---:|---:|---:|"]
    for d in report.documents:
        name = d.doc_id + (" (held out)" if d.doc_id in held_out else "")
        lines.append(f"| {name} | {_pct(d.entities.micro.lenient.f1)} | {_pct(d.findings.core.f1)} | "
                     f"{_pct(d.findings.complete.f1)} | {_pct(d.trials.pairs.f1)} |")
    lines.append(f"| **all (micro)** | **{_pct(c.entities.micro.lenient.f1)}** | **{_pct(c.findings.core.f1)}** | "
                 f"**{_pct(c.findings.complete.f1)}** | **{_pct(c.trials.pairs.f1)}** |")
    slots = ", ".join(f"{k} {_pct(v.accuracy)}" for k, v in c.findings.slots.items())
    lines += ["", f"Finding slot accuracy over core-matched pairs: {slots}.", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------- terminal


def entity_table(report: EvalReport) -> Table:
    t = Table(box=box.SIMPLE_HEAD, title="Entities (per label; micro-average last)", title_justify="left", pad_edge=False, collapse_padding=True)
    t.add_column("label", no_wrap=True)
    for col in ("gold", "pred"):
        t.add_column(col, justify="right")
    for kind in ("strict", "lenient"):
        for col in ("P", "R", "F1"):
            # Two-line headers, wide enough not to be cut in an 80-column terminal.
            t.add_column(f"{kind}\n{col}", justify="right", min_width=len(kind))
    ents = report.corpus.entities
    for label, ls in ents.per_label.items():
        c = ls.lenient
        t.add_row(label, str(c.tp + c.fn), str(c.tp + c.fp), *_prf(ls.strict), *_prf(ls.lenient))
    m = ents.micro
    t.add_section()
    t.add_row(Text("micro", style="bold"), str(m.lenient.tp + m.lenient.fn), str(m.lenient.tp + m.lenient.fp), *_prf(m.strict), *_prf(m.lenient), style="bold")
    return t


def counts_table(title: str, rows: Iterable[tuple[str, Counts]]) -> Table:
    t = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left")
    t.add_column("match")
    for col in ("tp", "fp", "fn", "P", "R", "F1"):
        t.add_column(col, justify="right")
    for name, c in rows:
        t.add_row(name, str(c.tp), str(c.fp), str(c.fn), *_prf(c))
    return t


def slot_table(report: EvalReport) -> Table:
    t = Table(box=box.SIMPLE_HEAD, title="Finding slots (accuracy over core-matched pairs)", title_justify="left")
    t.add_column("slot")
    t.add_column("correct", justify="right")
    t.add_column("of", justify="right")
    t.add_column("accuracy", justify="right")
    for s in SLOTS:
        a = report.corpus.findings.slots[s]
        t.add_row(s, str(a.correct), str(a.total), _pct(a.accuracy))
    return t


def document_table(report: EvalReport) -> Table:
    t = Table(box=box.SIMPLE_HEAD, title="Per document (F1)", title_justify="left")
    t.add_column("document", no_wrap=True)
    for col in ("entities strict", "entities lenient", "findings core", "findings complete", "trial pairs"):
        t.add_column(col, justify="right")
    for d in report.documents:
        name = Text(d.doc_id) if d.predicted else Text(f"{d.doc_id} (no prediction)", style="red")
        t.add_row(name, _pct(d.entities.micro.strict.f1), _pct(d.entities.micro.lenient.f1), _pct(d.findings.core.f1), _pct(d.findings.complete.f1), _pct(d.trials.pairs.f1))
    return t


def error_line(e: ErrorItem) -> Text:
    """One error: where, what, and the sentence with the erroneous text highlighted."""
    style = {"miss": "red", "false_positive": "yellow", "boundary": "cyan", "slot": "magenta"}[e.type]
    line = Text()
    line.append(f"{TYPE_NAMES[e.type]:<14}", style=f"bold {style}")
    line.append(f" {e.kind} {e.label}", style="bold")
    where = f" [{e.start}, {e.end})" if e.start is not None else ""
    line.append(f"  {e.doc_id}{where}\n", style="dim")
    c = e.context
    line.append("    ")
    line.append(_one_line(c.before))
    line.append(_one_line(c.text) or _one_line(e.text), style=f"bold reverse {style}")
    line.append(_one_line(c.after))
    if e.detail:
        line.append(f"\n    {e.detail}", style="dim")
    return line


def _one_line(s: str) -> str:
    # Collapse line breaks and runs of spaces, but keep the edges: "with " + "50%" must not fuse.
    return re.sub(r"\s+", " ", s)


def print_report(report: EvalReport, console: Optional[Console] = None, *, max_errors: Optional[int] = 20) -> None:
    """The readable report: score tables, per-document summary, then the errors (first ``max_errors``)."""
    console = console or Console()
    n = len(report.documents)
    console.print(Text(f"Evaluated {n} document{'s' if n != 1 else ''} against {report.gold_dir or 'gold'}" + (f" (predictions: {report.pred_dir})" if report.pred_dir else " (extracted now)"), style="bold"))
    console.print(entity_table(report))
    f = report.corpus.findings
    console.print(counts_table("Findings", [("core (span+endpoint+value)", f.core), ("value (span+value)", f.value), ("complete (core+arms+trial+population)", f.complete)]))
    console.print(slot_table(report))
    tr = report.corpus.trials
    console.print(counts_table("Trials", [("(trial, registry id)", tr.registry), ("(trial, intervention)", tr.intervention), ("all pairs", tr.pairs)]))
    console.print(document_table(report))
    errors = report.errors
    shown = errors if max_errors is None else errors[: max(0, max_errors)]
    console.print(Text(f"Errors: {len(errors)}", style="bold"))
    for e in shown:
        console.print(error_line(e))
    if len(shown) < len(errors):
        console.print(Text(f"… and {len(errors) - len(shown)} more (--errors N to show more; --json/--html for all)", style="dim"))
    for w in report.warnings:
        console.print(Text(f"warning: {w}", style="yellow"))
    if report.unmatched_predictions:
        console.print(Text(f"not scored (no gold document): {', '.join(report.unmatched_predictions)}", style="yellow"))


# --------------------------------------------------------------------------- HTML

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1f2328;margin:24px auto;max-width:1100px;padding:0 16px;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
p.meta{color:#59636e;margin:0 0 12px}
table{border-collapse:collapse;margin:6px 0 14px;font-variant-numeric:tabular-nums}
th,td{border:1px solid #d0d7de;padding:3px 9px;text-align:right}th{background:#f6f8fa}
td:first-child,th:first-child{text-align:left}tr.micro td{font-weight:600;background:#f6f8fa}
.charts{display:flex;flex-wrap:wrap;gap:24px}
svg text{font:12px system-ui,sans-serif;fill:#1f2328}svg text.title{font-weight:600;font-size:13px}
.errors td,.errors th{text-align:left;vertical-align:top}.errors td.ctx{max-width:640px}
mark{padding:0 2px;border-radius:3px}
mark.miss{background:#ffd7d5}mark.false_positive{background:#fff1a8}mark.boundary{background:#c8e6ff}mark.slot{background:#f0d4ff}
.tag{display:inline-block;border-radius:10px;padding:0 7px;font-size:12px;white-space:nowrap}
.tag.miss{background:#ffd7d5}.tag.false_positive{background:#fff1a8}.tag.boundary{background:#c8e6ff}.tag.slot{background:#f0d4ff}
.detail{color:#59636e;font-size:12px}.warn{color:#9a6700}.none{color:#cf222e}
"""


def _e(s: object) -> str:
    return html.escape(str(s), quote=True)


def _table(head: Sequence[str], rows: Iterable[Sequence[object]], cls: str = "", row_classes: Sequence[str] = ()) -> str:
    out = [f'<table class="{cls}">' if cls else "<table>", "<thead><tr>", *(f"<th>{_e(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for i, r in enumerate(rows):
        rc = row_classes[i] if i < len(row_classes) and row_classes[i] else ""
        out.append(f'<tr class="{rc}">' if rc else "<tr>")
        out.extend(f"<td>{c}</td>" for c in r)  # cells are escaped by the caller
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def bar_chart(title: str, series: Sequence[tuple[str, Sequence[tuple[str, Optional[float]]]]], legend: Sequence[tuple[str, str]] = ()) -> str:
    """A horizontal bar chart as inline SVG: one group per row, one bar per series value (0..1)."""
    colors = [c for _, c in legend] or ["#2f81f7"]
    per = max((len(vals) for _, vals in series), default=1)
    bar_h, gap, label_w, plot_w = 12, 10, 190, 320
    group_h = per * bar_h + gap
    top = 30 + (18 if legend else 0)
    height = top + len(series) * group_h + 24
    width = label_w + plot_w + 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{_e(title)}">',
             f'<text class="title" x="0" y="16">{_e(title)}</text>']
    lx = label_w
    for name, color in legend:
        parts.append(f'<rect x="{lx}" y="26" width="10" height="10" fill="{color}"/><text x="{lx + 14}" y="35">{_e(name)}</text>')
        lx += 20 + 8 * len(name)
    for tick in (0, 0.5, 1):
        x = label_w + tick * plot_w
        parts.append(f'<line x1="{x}" y1="{top - 4}" x2="{x}" y2="{height - 20}" stroke="#d0d7de"/><text x="{x}" y="{height - 6}" text-anchor="middle">{tick:g}</text>')
    for gi, (name, vals) in enumerate(series):
        y0 = top + gi * group_h
        parts.append(f'<text x="{label_w - 8}" y="{y0 + per * bar_h / 2 + 4}" text-anchor="end">{_e(name)}</text>')
        for bi, (series_name, v) in enumerate(vals):
            y = y0 + bi * bar_h
            w = 0 if v is None else max(0.0, min(1.0, v)) * plot_w
            shown = "n/a" if v is None else f"{v:.2f}"
            parts.append(f'<rect class="bar" x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" fill="{colors[bi % len(colors)]}" data-value="{shown}"><title>{_e(name)} {_e(series_name)}: {shown}</title></rect>'
                         f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}" font-size="10">{shown}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _marked(e: ErrorItem) -> str:
    c = e.context
    core = c.text or e.text
    return f'{_e(c.before)}<mark class="{e.type}">{_e(core)}</mark>{_e(c.after)}'


def render_html(report: EvalReport, *, max_errors: Optional[int] = None) -> str:
    """The whole report as one self-contained HTML page (no script, no external asset)."""
    c = report.corpus
    ents = c.entities
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             "<title>alkextract evaluation</title>", f"<style>{_CSS}</style></head><body>",
             "<h1>alkextract evaluation</h1>",
             f'<p class="meta">{len(report.documents)} document(s); gold: {_e(report.gold_dir or "–")}; '
             f'predictions: {_e(report.pred_dir or "extracted now")}; {len(report.errors)} error(s)</p>']
    for w in report.warnings:
        parts.append(f'<p class="warn">warning: {_e(w)}</p>')
    if report.unmatched_predictions:
        parts.append(f'<p class="warn">not scored (no gold document): {_e(", ".join(report.unmatched_predictions))}</p>')

    parts.append('<h2 id="entities">Entities</h2>')
    rows, classes = [], []
    for label, ls in [*ents.per_label.items(), ("micro", ents.micro)]:
        g, p = ls.lenient.tp + ls.lenient.fn, ls.lenient.tp + ls.lenient.fp
        rows.append([_e(label), g, p, ls.strict.tp, *_prf(ls.strict), ls.lenient.tp, *_prf(ls.lenient)])
        classes.append("micro" if label == "micro" else "")
    parts.append(_table(["label", "gold", "pred", "strict tp", "strict P", "strict R", "strict F1", "lenient tp", "lenient P", "lenient R", "lenient F1"], rows, "entities", classes))

    f = c.findings
    tr = c.trials
    parts.append('<h2 id="findings">Findings</h2>')
    parts.append(_table(["match", "tp", "fp", "fn", "P", "R", "F1"],
                        [[_e(n), k.tp, k.fp, k.fn, *_prf(k)] for n, k in (("core (span + endpoint + value)", f.core), ("value (span + value)", f.value), ("complete (core + arms, trial, population)", f.complete))], "findings"))
    parts.append(_table(["slot", "correct", "of", "accuracy"], [[_e(s), f.slots[s].correct, f.slots[s].total, _pct(f.slots[s].accuracy)] for s in SLOTS], "slots"))
    parts.append('<h2 id="trials">Trials</h2>')
    parts.append(_table(["pairs", "tp", "fp", "fn", "P", "R", "F1"],
                        [[_e(n), k.tp, k.fp, k.fn, *_prf(k)] for n, k in (("(trial, registry id)", tr.registry), ("(trial, intervention)", tr.intervention), ("all pairs", tr.pairs))], "trials"))

    parts.append('<h2 id="charts">Charts</h2><div class="charts">')
    parts.append(bar_chart("Entity F1 per label", [(lbl, [("strict", ls.strict.f1), ("lenient", ls.lenient.f1)]) for lbl, ls in [*ents.per_label.items(), ("micro", ents.micro)]],
                           legend=[("strict", "#8c959f"), ("lenient", "#2f81f7")]))
    parts.append(bar_chart("Findings F1 and slot accuracy",
                           [("core F1", [("", f.core.f1)]), ("value F1", [("", f.value.f1)]), ("complete F1", [("", f.complete.f1)]),
                            *[(s, [("", f.slots[s].accuracy)]) for s in SLOTS],
                            ("trial registry F1", [("", tr.registry.f1)]), ("trial intervention F1", [("", tr.intervention.f1)])]))
    parts.append("</div>")

    parts.append('<h2 id="documents">Per document</h2>')
    parts.append(_table(["document", "entities strict F1", "entities lenient F1", "findings core F1", "findings complete F1", "trial pairs F1", "gold (ent/find/trials)", "pred (ent/find/trials)"],
                        [[_e(d.doc_id) + ("" if d.predicted else ' <span class="none">(no prediction)</span>'),
                          _pct(d.entities.micro.strict.f1), _pct(d.entities.micro.lenient.f1), _pct(d.findings.core.f1), _pct(d.findings.complete.f1), _pct(d.trials.pairs.f1),
                          "/".join(str(d.gold_counts.get(k, 0)) for k in ("entities", "findings", "trials")),
                          "/".join(str(d.pred_counts.get(k, 0)) for k in ("entities", "findings", "trials"))] for d in report.documents], "documents"))

    errors = report.errors if max_errors is None else report.errors[:max_errors]
    parts.append(f'<h2 id="errors">Errors ({len(report.errors)})</h2>')
    if len(errors) < len(report.errors):
        parts.append(f'<p class="meta">showing the first {len(errors)}; the JSON report lists all</p>')
    rows = []
    for e in errors:
        where = f"[{e.start}, {e.end})" if e.start is not None else ""
        detail = f'<div class="detail">{_e(e.detail)}</div>' if e.detail else ""
        rows.append([f'<span class="tag {e.type}">{_e(TYPE_NAMES[e.type])}</span>', _e(e.kind), _e(e.label), f"{_e(e.doc_id)}<br>{_e(where)}",
                     f'<span class="ctx">{_marked(e)}</span>{detail}'])
    if rows:
        table = _table(["type", "kind", "label", "where", "context"], rows, "errors")
        parts.append(table.replace("<td><span class=\"ctx\">", '<td class="ctx"><span class="ctx">'))
    else:
        parts.append("<p>No errors.</p>")
    parts.append("</body></html>\n")
    return "".join(parts)


def write_html(report: EvalReport, path: str | Path, *, max_errors: Optional[int] = None) -> None:
    write_atomic(path, render_html(report, max_errors=max_errors))
