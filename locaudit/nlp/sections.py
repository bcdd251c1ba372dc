"""Section spans (history, comparison, procedure, findings, impression, addendum...).

Which section a mention sits in changes its meaning: a wire in the HISTORY is not a wire placed
today, a lesion repeated in the IMPRESSION is not a new lesion, an ADDENDUM may correct a fact.
Headers are regexes from ``patterns/sections.jsonl``, compiled once, anchored at a line start
(after optional bullets or numbering), matched on the original text so offsets never shift.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from locaudit.nlp.extensions import note_text, register_extensions
from locaudit.rules import load_sections

# Title, history, comparison and plan are a paragraph: an unheaded paragraph after them is the
# body of the note ("Consent and time-out... Lesions localized this session: ..."), not more
# history.
PARAGRAPH_SECTIONS = frozenset({"title", "history", "comparison", "plan", "attachment"})
# ... or at the next line that opens with a header of its own ('Breast: prone table...') or
# with today ('Today (no sampling performed): pt prone...')
_PARAGRAPH_END = re.compile(
    r"\n(?:[ \t\r]|&#13;|&nbsp;|\\par\b)*\n"
    r"|\n(?=[ \t]*-{3,}[ \t]*\n)"  # a rule line ('---') closes the paragraph
    r"|\n(?=[ \t]*(?:\d{1,2}[.)][ \t]*|[-*\u2022][ \t]*)?"
    # (a key of an export too: 'LESION_1.SIDE: Right')
    r"(?:[A-Z][A-Za-z0-9 /&(),_.-]{1,40}:(?!\d)|(?i:today|this session)\b"
    # 'LESION 1 (12:00): prone stereotactic table...' (a clock face inside the header)
    r"|(?:[A-Za-z]+[ \t]+)?(?i:lesion|site|target)[ \t]*#?[0-9A-Za-z]{1,2}"
    r"[ \t]*\([^)\n]{1,24}\)[ \t]*:"
    # 'L 11:00: CC appr, stereo pair, 20g wire': a line opening with a side and a clock face
    r"|(?i:[LR]|left|right|lt|rt)\.?[ \t]+\d{1,2}(?::\d{2})?[ \t]*(?i:o'clock)?[ \t]*:"
    # 'Procedure consent time out prone stereotactic table ...': a heading dictated without
    # its colon
    r"|(?i:procedure|technique|findings|impression)[ \t]+(?=[a-z])"
    r"|(?i:prone|upright|pt prone|patient prone|consent|time-?out|scout"
    r"|after (?:informed |written |verbal )?consent)\b"  # (a line dictated without stops)
    # a timed log's first line ('09:40 consent signed; 09:48 time-out.')
    r"|\d{1,2}:?\d{2}[ \t]+(?i:consent|time-?out|pt|patient)\b)"
    r")"
    # ... or, inside a run-on paragraph, at the sentence where today's procedure starts
    r"|(?<=[.;,])\s+(?=(?i:(?:informed |written |verbal )?consent (?:was|is|has|obtained|signed)|"
    r"time[- ]?out (?:done|performed|completed)|"
    r"(?:a )?time[- ]?out (?:was|is)|after (?:informed |written )?consent|"
    r"(?:the patient|she|pt) was (?:placed|positioned|brought)|"
    # 'After we went over the risks and she signed consent, we put her prone ...'
    r"after\b[^.;\n]{0,80}?\bconsent\b|"
    r"(?:we|i) (?:put|placed|positioned|brought) (?:her|the patient)\b))"
)
# bullets, list numbers, HTML tags and spaces, RTF control words ('\\b PROCEDURE:\\b0') before a
# header
_LINE_PREFIX = (
    r"^[ \t]*(?:\\[a-z]{1,12}-?[0-9]{0,4}[ \t]*|</?[a-z]{1,6}/?>[ \t]*)*"
    # an HL7 result segment's fields before its text ('OBX|3|TX|GDT^Report||FINDINGS: ...')
    r"(?:OBX\|\d{1,3}\|[A-Z]{2}\|[^|\n]{0,40}\|[^|\n]{0,20}\|)?"
    r"(?:[-*•#>|=]+|\d{1,2}[.)])?[ \t]*(?:&nbsp;)?[ \t]*"
)


def _prior_results(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """An earlier encounter's result pasted below this one ('Prior result ... Acc: ...'): it
    and the sections under it, down to the next report or title heading, are history."""
    out = []
    inside = False
    for start, end, name in spans:
        if name == "prior":
            inside = True
        elif name in ("report", "final", "title"):
            inside = False
        out.append((start, end, "history" if inside else name))
    return out


def _versions(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A report history ('PRELIMINARY ... FINAL REPORT ...'): the final version is the body
    and a preliminary one before it is superseded (read like history: it documents nothing).
    A preliminary version with no final after it is the report itself."""
    names = [name for _, _, name in spans]
    last_final = max((i for i, name in enumerate(names) if name == "final"), default=-1)
    out = []
    for i, (start, end, name) in enumerate(spans):
        if name == "preliminary":
            name = "history" if i < last_final else "procedure"
        elif name == "final":
            name = "procedure"
        out.append((start, end, name))
    return out


# the column names of a table that lists the lesions localized, one row each
_COLUMNS = frozenset(
    {
        "lesion",
        "site",
        "target",
        "side",
        "laterality",
        "location",
        "clock",
        "position",
        "device",
        "devices",
        "guidance",
        "modality",
        "status",
        "placed",
        "result",
    }
)
_DEVICE_COLUMNS = frozenset({"device", "devices"})
_SIDE_OR_PLACE = frozenset({"side", "laterality", "location", "clock", "position"})
_CELL = re.compile(r"[A-Za-z]+")
_CELL_BREAK = re.compile(r"[|\t]|\",\"|,(?=\s*\"?[A-Z])")  # pipes, tabs, quoted CSV cells


def _lesion_tables(text: str) -> list[int]:
    """Where a table of the lesions localized begins: a header row naming a device column and
    a side or place column ('| Site | Side | Clock | Device |', '"Lesion","Laterality",...',
    tab-separated, or an HTML table flattened one cell per line). Such a table is what was done
    (the body), even under a 'Findings' heading."""
    if "evice" not in text:
        return []
    out: list[int] = []
    lines = text.split("\n")
    offset = 0
    run: list[tuple[int, set[str]]] = []  # consecutive one-cell lines (a flattened table)
    for line in lines:
        words = {w.lower() for w in _CELL.findall(line)}
        cells = [c for c in _CELL_BREAK.split(line) if c.strip(' "-')]
        named = words & _COLUMNS
        if (
            len(cells) >= 3
            and named & _DEVICE_COLUMNS
            and named & _SIDE_OR_PLACE
            and len(words - _COLUMNS) <= len(cells)
        ):
            out.append(offset)
        # (a one-cell line, not a block's 'Device: Magseed' field)
        if 0 < len(words) <= 3 and words & _COLUMNS and len(line) <= 30 and ":" not in line:
            run.append((offset, words))
        else:
            found = set().union(*(w for _, w in run)) if run else set()
            if len(run) >= 3 and found & _DEVICE_COLUMNS and found & _SIDE_OR_PLACE:
                out.append(run[0][0])
            run = []
        offset += len(line) + 1
    return out


_BLOCK_HEADING = re.compile(r"[^A-Za-z]*(?:site|lesion|target)\b", re.IGNORECASE)


def _targets_listed(text: str, marks: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """'Reason: ...\n  Site 1: left 12:00, ribbon clip ...\n  Site 2: left 4:00 ...' and a
    'Procedure:' heading later: the site lines under the history list the targets (history),
    they are not the procedure's lesion blocks."""
    out: list[tuple[int, str]] = []
    for k, (start, name) in enumerate(marks):
        if (
            name == "procedure"
            and out
            and out[-1][1] == "history"
            and _BLOCK_HEADING.match(text, start)
            and any(
                later == "procedure" and not _BLOCK_HEADING.match(text, at)
                for at, later in marks[k + 1 :]
            )
        ):
            name = "history"
        out.append((start, name))
    return out


def _blocks_in_logs(text: str, marks: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """'TECH WORKSHEET:\n Lesion 1 - RIGHT 10:00 - coil - 9 cm wire\n Lesion 2 - LEFT 6:00 ...':
    lesion lines under a technologist's log or worksheet are the log's, not the report's
    lesion blocks."""
    out: list[tuple[int, str]] = []
    for start, name in marks:
        if (
            name == "procedure"
            and out
            and out[-1][1] == "ancillary"
            and _BLOCK_HEADING.match(text, start)
        ):
            continue  # (the log goes on)
        out.append((start, name))
    return out


def _ancillary(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """An exported record's technologist log, nursing notes, supply log and vitals are ancillary
    only beside a radiologist's report of its own; without one they are the documentation (the
    body). The report's heading opens the body; a supply list before it is the record's log."""
    report = next((start for start, _, name in spans if name == "report"), None)
    # a report signed off with its impression before a technologist's addendum is the
    # radiologist's report too
    impression = next((start for start, _, name in spans if name == "impression"), None)
    out = []
    for start, end, name in spans:
        if name == "supplies" and report is not None and start < report:
            name = "ancillary"  # the record's supply log, before the report
        elif name == "report" or (
            name == "ancillary" and report is None and (impression is None or start < impression)
        ):
            name = "other"
        out.append((start, end, name))
    return out


def _indented_field(text: str, start: int) -> bool:
    """Is the heading at ``start`` an indented 'Field: value' line ('  Post-placement: At
    clip'), as a lesion block's fields are written?"""
    bol = text.rfind("\n", 0, start) + 1
    eol = text.find("\n", start)
    line = text[bol : eol if eol >= 0 else None]
    head, colon, value = line.partition(":")
    return line[:1] in (" ", "\t") and bool(colon) and bool(value.strip()) and len(head) <= 30


class Sections:
    def __init__(self, patterns_dir: str | None = None) -> None:
        register_extensions()
        rules = load_sections(patterns_dir)
        alternatives = "|".join(f"(?P<g{i}>{rule.regex})" for i, rule in enumerate(rules))
        self._names = [rule.section for rule in rules]
        self._regex = re.compile(_LINE_PREFIX + f"(?:{alternatives})", re.IGNORECASE | re.MULTILINE)

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, section) covering the whole text; text before any header is 'other'."""
        found: list[tuple[int, str]] = []
        titles: set[str] = set()
        for match in self._regex.finditer(text):
            group = match.lastgroup
            if group is None:
                continue
            name = self._names[int(group[1:])]
            if name == "title":
                eol = text.find("\n", match.start())
                line = text[match.start() : eol if eol >= 0 else None]
                if line.strip() in titles:
                    continue  # a page header an EHR export repeats mid-note
                titles.add(line.strip())
            found.append((match.start(), name))
        marks: list[tuple[int, str]] = []
        for start, name in _blocks_in_logs(text, _targets_listed(text, found)):
            if (
                marks
                and marks[-1][1] == name
                and name not in ("addendum", "charges")  # each its own block or line
                and name not in PARAGRAPH_SECTIONS  # (those end at their paragraph's end)
            ):
                continue
            marks.append((start, name))
        tables = _lesion_tables(text)
        if tables and all(name != "consult" for _, name in marks):  # (not a booking list)
            marks = sorted(marks + [(start, "procedure") for start in tables])
        if not marks or marks[0][0] > 0:
            marks.insert(0, (0, "other"))
        out = []
        before = "other"
        for (start, name), nxt in zip(marks, [*marks[1:], (len(text), "")]):
            end = nxt[0]
            if name == "charges":  # a charge line or coder comment is one line
                eol = text.find("\n", start)
                if 0 <= eol < end:
                    out.append((start, eol, name))
                    start, name = eol, "other"
            elif name == "findings" and _indented_field(text, start):
                # '  Post-placement: At clip' inside a lesion's block is that lesion's field:
                # the block (and the blocks after it) go on in the section they were in
                eol = text.find("\n", start)
                if 0 <= eol < end:
                    out.append((start, eol, name))
                    start, name = eol, before
            before = name
            if name in PARAGRAPH_SECTIONS:  # history ends at its paragraph's end
                gap = _PARAGRAPH_END.search(text, start, end)
                if gap:
                    out.append((start, gap.start(), name))
                    start, name = gap.start(), "other"
            out.append((start, end, name))
        return _ancillary(_versions(_prior_results(out)))

    def __call__(self, doc: Doc) -> Doc:
        doc._.locaudit_sections = self.spans(note_text(doc))
        return doc


@Language.factory(
    "locaudit_sections",
    assigns=["doc._.locaudit_sections"],
    default_config={"patterns_dir": None},
)
def make_sections(nlp: Language, name: str, patterns_dir: str | None) -> Sections:
    return Sections(patterns_dir)


def section_at(sections: list[tuple[int, int, str]], offset: int) -> str:
    """The section name at a character offset (sections are sorted and contiguous)."""
    for start, end, name in sections:
        if start <= offset < end:
            return name
    return sections[-1][2] if sections else "other"
