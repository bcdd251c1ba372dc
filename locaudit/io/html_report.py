"""The HTML QA report: one self-contained file a coder opens in a browser, no server.

Summary counts (verdicts, findings, error kinds), a filter by verdict, and every note with the
evidence of its lesions and findings highlighted in the text, displaCy-style (a ``<mark>`` with
its label), from the record's character offsets. CSS and JavaScript are inline; nothing is
fetched. Every piece of note text and every id goes through :func:`html.escape`.

Streaming: the header is written first, then one line per note as results arrive, and the
summary last; the stylesheet shows the summary above the notes (flex ``order``), so the file
never has to be held in memory or rewritten. With ``--redact`` the report holds no note text at
all: the notes show ids, verdicts, codes, findings and evidence offsets only.

Filtering works by clicking the verdict boxes, or from the address: ``report.html#verdict=
supported,needs_review`` opens with only those verdicts shown.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from locaudit.io.records import InputRecord
from locaudit.io.writers import RecordWriter, count_lines
from locaudit.models import VERDICTS, Assessment

NOTES_START = "<!-- notes -->"
_ARTICLE = re.compile(
    r'^<article class="note" data-verdict="([a-z_]+)" data-findings="([^"]*)" '
    r'data-error="([^"]*)"'
)

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:0;display:flex;flex-direction:column;
color:#1d2433;background:#f6f7f9}
header{order:1;padding:12px 20px;background:#24324a;color:#fff}
header h1{font-size:18px;margin:0 0 6px}
#summary{order:2;padding:8px 20px;display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
#summary table{border-collapse:collapse;background:#fff}
#summary td,#summary th{border:1px solid #d5d9e0;padding:2px 8px;text-align:left}
#summary td.n{text-align:right}
#filters label{margin-right:12px;cursor:pointer}
main{order:3;padding:0 20px 40px}
.note{background:#fff;border:1px solid #d5d9e0;border-radius:6px;margin:10px 0;padding:8px 12px}
.note[hidden]{display:none}
.note h2{font-size:15px;margin:0 0 4px}
.verdict{border-radius:4px;padding:1px 6px;font-size:12px;color:#fff}
.verdict-supported{background:#1a7f37}.verdict-not_supported{background:#b42318}
.verdict-needs_review{background:#b54708}.verdict-not_applicable{background:#667085}
.verdict-error{background:#6941c6}
.findings{margin:4px 0;padding-left:18px}.sev-warning{color:#b54708}.sev-error{color:#b42318}
pre.text{white-space:pre-wrap;background:#fbfbfc;border:1px solid #eaecf0;padding:8px;
font:13px/1.5 ui-monospace,monospace;max-height:24em;overflow:auto}
mark.ev{background:#fde68a;border-radius:3px;padding:0 2px}
mark.ev .tag{font:10px system-ui,sans-serif;font-weight:600;text-transform:uppercase;
margin-left:4px;color:#7a4b00;vertical-align:middle}
""".replace("\n", "")

SCRIPT = """
(function(){
var boxes=[].slice.call(document.querySelectorAll('#filters input[type=checkbox]'));
var notes=[].slice.call(document.querySelectorAll('article.note'));
var shown=document.getElementById('shown');
function apply(){
 var on={};boxes.forEach(function(b){on[b.value]=b.checked;});
 var n=0;notes.forEach(function(a){var v=!!on[a.dataset.verdict];a.hidden=!v;if(v){n++;}});
 shown.textContent='Showing '+n+' of '+notes.length+' notes';
}
var m=/verdict=([a-z_,]+)/.exec(location.hash);
if(m){var want=m[1].split(',');boxes.forEach(function(b){b.checked=want.indexOf(b.value)>=0;});}
boxes.forEach(function(b){b.addEventListener('change',apply);});
apply();
document.body.setAttribute('data-ready','1');
})();
""".strip()


def _esc(value: Any) -> str:
    """Escaped for HTML text or attributes, line breaks as character references, so a note is
    one line of the file (inside ``<pre>`` the reference still shows as a line break)."""
    text = html.escape(str(value), quote=True)
    return text.replace("\r\n", "&#10;").replace("\r", "&#10;").replace("\n", "&#10;")


_text_html = _esc


def highlighted(text: str, spans: list[tuple[int, int, str]]) -> str:
    """The note with evidence spans marked; overlapping spans merge into one mark that carries
    all their labels (lesion and finding evidence often cover the same words)."""
    valid = sorted((s, e, lab) for s, e, lab in spans if 0 <= s < e <= len(text))
    merged: list[list[Any]] = []
    for start, end, label in valid:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            if label not in merged[-1][2]:
                merged[-1][2].append(label)
        else:
            merged.append([start, end, [label]])
    out, pos = [], 0
    for start, end, labels in merged:
        out.append(_text_html(text[pos:start]))
        tag = _esc(", ".join(labels))
        out.append(
            f'<mark class="ev" title="{tag}">{_text_html(text[start:end])}'
            f'<span class="tag">{tag}</span></mark>'
        )
        pos = end
    out.append(_text_html(text[pos:]))
    return "".join(out)


def evidence_spans(result: Assessment) -> list[tuple[int, int, str]]:
    spans = [
        (ev.start, ev.end, f"lesion {les.index}") for les in result.lesions for ev in les.evidence
    ]
    spans += [(ev.start, ev.end, f.code) for f in result.findings for ev in f.evidence]
    return spans


def note_html(record: InputRecord, result: Assessment, redact: bool) -> str:
    """One note as ONE line of HTML (the report's unit of streaming and of ``--resume``)."""
    findings = " ".join(f.code for f in result.findings)
    error_kind = result.error.kind if result.error else ""
    parts = [
        f'<article class="note" data-verdict="{_esc(result.verdict)}" '
        f'data-findings="{_esc(findings)}" data-error="{_esc(error_kind)}">',
        f'<h2><span class="id">{_esc(result.id)}</span> '
        f'<span class="verdict verdict-{_esc(result.verdict)}">{_esc(result.verdict)}</span>',
        f' <span class="units">19284 units: {result.units_19284}</span></h2>',
    ]
    if result.codes:
        codes = ", ".join(
            c.code
            + (f"-{'/'.join(c.modifiers)}" if c.modifiers else "")
            + (f" x{c.units}" if c.units > 1 else "")
            for c in result.codes
        )
        parts.append(f'<p class="codes">Codes: {_esc(codes)}</p>')
    if result.lesions:
        items = "".join(
            f"<li>lesion {les.index}: {_esc(les.laterality or 'side?')}, "
            f"{_esc(les.guidance or 'guidance?')}, {_esc('+'.join(les.devices) or 'device?')}, "
            f"{_esc(les.purpose)}{', ' + _esc(les.location) if les.location else ''}</li>"
            for les in result.lesions
        )
        parts.append(f'<ul class="lesions">{items}</ul>')
    if result.findings:
        items = "".join(
            f'<li class="sev-{_esc(f.severity)}"><code>{_esc(f.code)}</code> {_esc(f.message)}</li>'
            for f in result.findings
        )
        parts.append(f'<ul class="findings">{items}</ul>')
    if result.query:
        parts.append(f'<p class="query">Query: {_esc(result.query)}</p>')
    if result.error:
        parts.append(
            f'<p class="error">{_esc(result.error.kind)}: {_esc(result.error.message)}</p>'
        )
    spans = evidence_spans(result)
    if redact:
        where = ", ".join(f"{s}-{e}" for s, e, _ in sorted(set(spans)))
        parts.append(
            '<p class="redacted">Note text withheld (--redact)'
            + (f"; evidence at characters {where}" if where else "")
            + ".</p>"
        )
    elif record.text:
        parts.append(f'<pre class="text">{highlighted(record.text, spans)}</pre>')
    parts.append("</article>")
    return "".join(parts)


class HtmlWriter(RecordWriter):
    name = "html"

    def __init__(self, handle, *, redact: bool = False, state: Any = None) -> None:
        super().__init__(handle, redact=redact, state=state)
        counts = state or {}
        self.verdicts: Counter = counts.get("verdicts", Counter())
        self.findings: Counter = counts.get("findings", Counter())
        self.errors: Counter = counts.get("errors", Counter())

    def begin(self) -> None:
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        boxes = "".join(
            f'<label><input type="checkbox" value="{v}" checked> {v}</label>' for v in VERDICTS
        )
        self.handle.write(
            "<!DOCTYPE html>\n"
            '<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>locaudit QA report</title>"
            f"<style>{STYLE}</style></head>\n"
            "<body>\n"
            f"<header><h1>locaudit QA report</h1><p>Generated {stamp}"
            f"{' (redacted: no note text)' if self.redact else ''}.</p>"
            f'<nav id="filters">Show: {boxes} <span id="shown"></span></nav></header>\n'
            f'<main id="notes">\n{NOTES_START}\n'
        )

    def write(self, record: InputRecord, result: Assessment) -> None:
        self.verdicts[result.verdict] += 1
        self.findings.update(f.code for f in result.findings)
        if result.error:
            self.errors[result.error.kind] += 1
        self.handle.write(note_html(record, result, self.redact) + "\n")

    def end(self) -> None:
        total = sum(self.verdicts.values())
        self.handle.write("</main>\n")
        self.handle.write(
            '<section id="summary">'
            f'<table id="verdict-counts"><tr><th>verdict</th><th>notes</th></tr>'
            f'<tr><td>all</td><td class="n" data-count="total">{total}</td></tr>'
            + "".join(
                f'<tr><td>{v}</td><td class="n" data-verdict="{v}">{self.verdicts.get(v, 0)}'
                "</td></tr>"
                for v in VERDICTS
            )
            + "</table>"
            + _table("finding-counts", "finding", self.findings)
            + _table("error-counts", "error kind", self.errors)
            + "</section>\n"
        )
        self.handle.write(f"<script>{SCRIPT}</script>\n</body></html>\n")

    @classmethod
    def recover(cls, path: Path) -> tuple[int, Any]:
        """Cut the partial report after its last complete note (or after its header), and
        count the notes and their verdicts, findings and errors again from their attributes."""
        count_lines(path, truncate=True)
        verdicts: Counter = Counter()
        findings: Counter = Counter()
        errors: Counter = Counter()
        keep = 0  # byte offset just after the last note line (or the header)
        offset = 0
        with path.open("rb") as handle:
            for raw in handle:
                offset += len(raw)
                line = raw.decode("utf-8", errors="replace")
                match = _ARTICLE.match(line)
                if match:
                    verdicts[match.group(1)] += 1
                    findings.update(html.unescape(match.group(2)).split())
                    if match.group(3):
                        errors[html.unescape(match.group(3))] += 1
                    keep = offset
                elif line.strip() == NOTES_START:
                    keep = offset
        with path.open("r+b") as handle:
            handle.truncate(keep)
        state = {"verdicts": verdicts, "findings": findings, "errors": errors}
        return sum(verdicts.values()), state


def _table(table_id: str, heading: str, counts: Counter) -> str:
    rows = "".join(
        f'<tr><td>{_esc(key)}</td><td class="n">{n}</td></tr>' for key, n in counts.most_common()
    )
    return f'<table id="{table_id}"><tr><th>{heading}</th><th>notes</th></tr>{rows}</table>'
