"""From mentions to distinct lesions: the ``locaudit_lesions`` pipeline component.

Reads the concept mentions, their context and the sections; writes ``doc._.locaudit_facts``
(:class:`locaudit.facts.NoteFacts`). This module is the sentence loop; the steps live apart:

- :mod:`locaudit.nlp.mentions` reads concept spans into plain mentions and interprets values;
- :mod:`locaudit.nlp.events` turns one sentence's mentions into placement events. A device is
  placed *now* when it is affirmed, sits in a section that can report today's procedure (not
  history, comparison or plan), is not in a non-breast or intraoperative sentence, and shares
  its clause with an affirmed placement act;
- here, the *focus* carries what the last sentences of the same section said ('Lesion 2: left
  breast, 10:00.' followed by 'A wire was advanced...') to events that do not say it;
- :mod:`locaudit.nlp.grouping` groups the events into lesions, and :mod:`locaudit.nlp.fills`
  completes them from the rest of the note (labels, named clips, clock sides, addenda);
- :mod:`locaudit.nlp.places` holds the clock-face and quadrant geometry they share.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from locaudit.facts import LesionFact, NoteFacts
from locaudit.nlp import fills, kinds, timing
from locaudit.nlp.context import AFFIRMED
from locaudit.nlp.events import (
    BODY_SECTIONS,
    CARRIED,
    CLAUSE_BREAKS,
    WEAK_SECTIONS,
    Event,
    Inventory,
    dates_a_localization,
    is_summary,
    other_session,
    refers_to_other,
    sentence_events,
)
from locaudit.nlp.extensions import forget_text, note_lowers, note_text, register_extensions
from locaudit.nlp.grouping import LesionGrouper
from locaudit.nlp.lists import PROCEDURE_FIELD, ListReader
from locaudit.nlp.mentions import (
    EQUIPMENT_NOUNS,
    LOCALIZING,
    MARKERS,
    PLACEABLE,
    QUADRANTS,
    Mention,
    SentenceMentions,
    clock_value,
    clock_values,
    count_value,
    depth_of,
    finding_kind,
    gap,
    lesion_number,
    marker_name,
    nipple_cm,
    position_key,
    read_mentions,
    real_guides,
    sides_disagree,
)
from locaudit.nlp.places import clock_distance, quadrant_has
from locaudit.nlp.sections import section_at
from locaudit.nlp.segment import sentence_bounds
from locaudit.rules import load_finding_kinds

Sections = list[tuple[int, int, str]]  # (start char, end char, section name), in text order

EXCLUDED_SECTIONS = frozenset(
    {"history", "comparison", "plan", "consult", "attachment", "charges", "ancillary"}
)
SURGICAL_HEAD = 400  # a specimen or operative report says so in its first lines
# a sentence that opens with the imaging after placement, where no header says so
POST_IMAGING = re.compile(
    r"\s*(?:post[- ]?(?:procedure|procedural|localization|localisation|placement|deployment|loc)?"
    r"|check|confirmatory|control)\b[^.:\n]{0,40}?"  # ('Post CC/ML: ...' too)
    r"(?:mammo\w*|views?|images?|films?|cc\s*/\s*ml|cc and ml)"
    r"\s*(?::|shows?\b|demonstrates?\b|confirms?\b)",
    re.IGNORECASE,
)
# guidance named by what was done at the unit ('stereo pair', 'stereotactic unit', 'scout')
AT_THE_TABLE = re.compile(r"\b(?:pairs?|unit|table|scouts?|attachment)\b", re.IGNORECASE)
# 'Procedure: [Stereotactic biopsy] + [Stereotactic wire localization]'
PICKED_FIELD = re.compile(
    r"[A-Za-z][A-Za-z ()/]{0,30}:\s*\[[^\]\n]*\](?:\s*[+,;&]\s*\[[^\]\n]*\])*"
)
# a field of a lesion's block ('  Result: not placed - vasovagal episode')
# a lesion block's field ('Result: not placed', 'Device ......... not placed today')
BLOCK_FIELD = re.compile(r"\s*[A-Za-z][A-Za-z /()-]{1,24}(?::|\s*\.{3,})")
# a lesion block's side field left blank ('Side: ___', 'Laterality: N/A', 'Side: {Right/Left}')
BLOCK_SIDE_BLANK = re.compile(
    r"\s*(?:side|laterality|breast)\s*:\s*" + fills.BLANK_VALUE, re.IGNORECASE
)
BLANK_LINE = re.compile(r"\n[ \t\r]*\n")
EARLIER = "session.unclear.earlier."  # concept ids of a device placed earlier, sitting unsaid
REPORTED_ELSEWHERE = "session.other.report."  # concept ids of 'see separate report'
DAY_WORDS = ("today", "this morning", "this afternoon", "current")


@dataclass(slots=True)
class Walked:
    """What the sentence loop gathered, for grouping and the fills after it."""

    events: list[Event]
    amendments: list[fills.Amendment]  # (lesion label or clock, corrected side or guidance)
    retracted: set[int | None]  # lesion labels an addendum withdraws
    retracted_clocks: list[float]  # places an addendum says got no device today
    withdrawn: bool  # an addendum withdraws the whole report
    side_amended: bool  # an addendum settles the sides
    stated_sides: set[str]  # sides the title and impression give the whole note
    scoped_guides: set[tuple[int, int]]  # guidance said in one labelled lesion's paragraph
    scoped_sides: set[tuple[int, int]]  # sides said in one labelled lesion's paragraph
    acted: bool  # a placement verb in the body, not only device lines
    denied: bool  # 'No needle placed.'
    one_amended: bool  # an addendum says the devices mark one lesion
    interrupted: bool  # equipment failed or the room changed mid-session
    side_doubts: set[int | None]  # labels whose side an addendum leaves open
    side_doubt_clocks: list[float]  # ... and the clock faces, for lesions named by place
    # guidance fields of a labelled lesion's block said after its device line ('Lesion 2 /
    # Device: Magseed / Guidance: Stereo + tomo')
    block_guides: list[tuple[int, Mention]]
    labels_named: int  # lesions the note names by label 1..N anywhere, else 0


class LesionBuilder:
    """Pipeline component: placement events grouped into distinct lesions."""

    def __init__(
        self,
        clock_tolerance: float = 1.0,
        focus_sentences: int = 6,
        patterns_dir: str | None = None,
    ) -> None:
        register_extensions()
        self.clock_tolerance = clock_tolerance
        self.focus_sentences = focus_sentences
        self.kinds = load_finding_kinds(patterns_dir)  # finding word -> kind ('calcs')

    def __call__(self, doc: Doc) -> Doc:
        """Set ``doc._.locaudit_facts``."""
        doc._.locaudit_facts = self.extract(doc)
        forget_text(doc)
        return doc

    def extract(self, doc: Doc) -> NoteFacts:
        """Walk the note sentence by sentence, keeping the focus, collecting placement events
        and note-level facts; then group the events into lesions and fill them in."""
        facts = NoteFacts()
        mentions = read_mentions(doc, self.kinds)
        if not mentions:
            return facts
        sections = doc._.locaudit_sections or [(0, len(note_text(doc)), "other")]
        facts.breast_note = self._breast_note(mentions, sections)
        by_sentence: SentenceMentions = []
        lowers = note_lowers(doc)  # once per note: sentences look words up in it
        index = 0
        sents = [doc[start:end] for start, end in sentence_bounds(doc)]
        for sent in sents:
            bucket = []
            while index < len(mentions) and mentions[index].start < sent.end:
                bucket.append(mentions[index])
                index += 1
            by_sentence.append((sent, bucket))
        seed_kind = self._seed_kind(mentions, note_text(doc))
        facts.places_stated = _places_stated(mentions)
        events: list[Event] = []
        told_earlier: list[Event] = []  # devices the history says went in earlier today
        focus: dict = {}
        focus_section = None
        focus_age = 0
        labels_seen = 0
        labels_named = _labels_named(by_sentence)
        listed: list[float | str] = []  # places named so far (clock or quadrant), indication too
        positions: dict[str, int] = {}  # 'anterior' -> the label of 'the anterior site'
        # this sitting's biopsies (sentence no, span), known before the loop: the clip may be
        # named before its biopsy ('DEVICE: CLIP ... Comment: 9G VAB, 10 cores')
        biopsies_at = [
            (n, b[0].span)
            for n, (sent, found) in enumerate(by_sentence)
            for b in [[m for m in found if m.label == "BIOPSY" and m.affirmed]]
            if b and section_at(sections, sent.start_char) not in EXCLUDED_SECTIONS
        ]
        # ... and the lesions each sentence names ('Target 1 (... IDC on US bx)'): a biopsy
        # said of one lesion is not the next lesion's ('Target 2: ... HydroMARK deployed')
        named_in = {
            n: {lesion_number(m.text) for m in found if m.label == "LESION" and not m.value}
            - {None}
            for n, (_sent, found) in enumerate(by_sentence)
        }
        # guidance and sides said in one labelled lesion's paragraph are that lesion's only
        scoped_guides: set[tuple[int, int]] = set()
        scoped_sides: set[tuple[int, int]] = set()
        acted = denied = one_amended = interrupted = False
        side_doubts: set[int | None] = set()  # labels whose side an addendum leaves open
        side_doubt_clocks: list[float] = []
        amendments: list[fills.Amendment] = []  # what addenda say of a named lesion
        block_guides: list[tuple[int, Mention]] = []
        correcting = False  # an addendum has said it corrects the report
        # A consult or H&P (review of systems, physical exam...) narrates history and plans:
        # its unheaded paragraphs are history too, only a procedure header reports today.
        consult = any(name == "consult" for _, _, name in sections)
        retracted: set[int | None] = set()
        replaced = any(m.label == "REPLACED" for _s, found in by_sentence for m in found)
        # 'Wire withdrawn. Not replaced - the surgeon will excise by the clip.'
        not_replaced = any(
            m.label == "REPLACED" and m.context.status == "negated"
            for _s, found in by_sentence
            for m in found
        )
        retracted_clocks: list[float] = []  # places an addendum says got no device today
        withdrawn = False  # an addendum withdraws the whole report
        side_amended = False
        stated_sides: set[str] = set()  # sides the title and impression give the whole note
        first_sent = sents[0] if sents else None
        first_line_end = note_text(doc).find("\n")
        if first_line_end < 0 or first_line_end > TITLE_CHARS:
            # one line, or a first line that is a whole paragraph: the title, if any, is its
            # first sentence
            first_line_end = first_sent.end_char if first_sent is not None else 0
        text, prev_end = note_text(doc), 0
        named_line = -1  # the line of a procedure field that names the procedures
        lists = ListReader()  # items under a heading that places, or under a procedures field
        side_blank = False  # a side field was left blank and no device has been placed since
        # where each addendum began: (its start, events and amendments so far)
        addenda: dict[int, tuple[int, int]] = {}
        for number, (sent, found) in enumerate(by_sentence):
            if BLOCK_SIDE_BLANK.match(sent.text):
                # ' Side: ___' in a lesion's block: the device placed next has no side
                # documented (not the block before's, nor the note's)
                side_blank = True
            elif any(m.label in ("LATERALITY", "LESION") for m in found):
                side_blank = False
            if not found:
                continue
            section = section_at(sections, sent.start_char)
            if section == "addendum":
                begun = _section_start(sections, sent.start_char)
                addenda.setdefault(begun, (len(events), len(amendments)))
            if consult and section in ("other", "title"):  # a consult's procedure line is its plan
                section = "history"
            if section in BODY_SECTIONS and POST_IMAGING.match(sent.text):
                # 'Post procedure CC and ML mammogram: ribbon clip at the 11 o'clock biopsy site,
                # SCOUT reflector at 7 o'clock' inside a paragraph: a restatement, like findings
                section = "findings"
            sent_span = _trim(sent)
            words = set(lowers[sent.start : sent.end])
            unsettled = any(m.label == "SESSION" and m.value == "unclear" for m in found) or (
                # 'The laterality of the 3:00 ADH site stated above is in question'
                section == "addendum" and bool(words & SIDE_DOUBT_WORDS)
            )
            if unsettled and words & SIDE_WORDS:
                # 'The laterality of lesion 2 is under review': that lesion's side is open, not
                # the session
                named = [m for m in found if m.label == "LESION" and m.value != "next"]
                side_doubts |= {lesion_number(m.text) for m in named} or {focus.get("label")}
                here = set(clock_values(found))
                if not named and len(here) == 1:
                    side_doubt_clocks.extend(here)  # (the place it names)
                elif not named and focus.get("label") is None and focus.get("clock") is not None:
                    # '... which list the left breast 6 o'clock. I am unable to confirm the
                    # side ...': the side of the lesion the addendum spoke of
                    side_doubt_clocks.append(focus["clock"])
                found = [m for m in found if not (m.label == "SESSION" and m.value == "unclear")]
            said_earlier = any(m.label == "SESSION" and m.rule.startswith(EARLIER) for m in found)
            if said_earlier:
                # 'Site 1 was localized ... earlier today by Dr. Whitaker (see separate
                # report)': another report of today, whose sitting is open (GUIDELINES)
                found = [m for m in found if not m.rule.startswith(REPORTED_ELSEWHERE)]
            # 'Right 10:00 ...: 7 cm wire ... This wire was placed on 07/21/2025 by Dr.
            # Rosenthal, not today as originally dictated.': that lesion is another session's
            back = focus.get("clock") if _refers_back(found, lowers) else None
            retracted_clocks.extend(self._session_facts(facts, found, sent_span, section, back))
            if section not in ("comparison", "plan", "consult"):
                _list_places(found, listed)
            if said_earlier and (
                section == "history"
                # ('The right 3:00 site was localized ... earlier today by Dr. Aho (see his
                # note).' in the paragraph before the procedure: told as history there too)
                or (
                    section in BODY_SECTIONS | {"impression"}
                    # (what the sentence places today it places itself)
                    and not (
                        any(m.label == "PLACE" and m.affirmed for m in found)
                        and any(
                            m.label == "DEVICE" and m.value in PLACEABLE and m.affirmed
                            for m in found
                        )
                    )
                )
            ):
                # 'A SCOUT reflector had already been placed at the left 1:00 site earlier
                # today ... by Dr. Hale (see his report)': a device of today whose sitting is
                # open stays a lesion (GUIDELINES), restated like a summary
                said = [_as_said(m) for m in found if m.context.status != "negated"]
                # (a lesion's own block: 'LESION 2: Left 5:00 ... A SCOUT reflector was placed
                # at this site earlier ...' is that lesion's place)
                at = {} if section == "history" else dict(focus)
                earlier = sentence_events(
                    doc, said, sent_span, "summary", at, seed_kind,
                    [i for i in range(sent.start, sent.end) if lowers[i] in CLAUSE_BREAKS],
                )  # fmt: skip
                for event in earlier:
                    event.earlier = True
                told_earlier.extend(earlier)
            if section in EXCLUDED_SECTIONS:
                continue
            if words & SEPARATE_WORDS and any(
                (m.label in ("COUNT", "LESION") or (m.label == "BREAST" and m.value == "finding"))
                and m.affirmed
                for m in found
            ):  # 'The two lesions are 6 cm apart and are separate lesions'
                facts.separate_stated = True
            if section != focus_section or focus_age > self.focus_sentences:
                focus, focus_section, focus_age = {}, section, 0
            elif (
                "label" in focus
                and BLANK_LINE.search(text, prev_end, sent.start_char)
                and any(m.label == "LOCATION" and m.value != "distance" for m in found)
                and not any(m.label == "LESION" for m in found)
            ):
                # a blank line after 'Lesion 3: Side: N/A ...' ends that lesion's block: a
                # paragraph below it that says its own place ('L 12:00 calcs ...') is not
                # lesion 3's unless it names it
                focus.pop("label")
            prev_end = sent.start_char + len(sent.text.rstrip())
            focus_age += 1
            acts = any(m.label == "PLACE" and m.affirmed for m in found)
            undone = _undone(found, acts)
            if (
                not acts
                and any(m.label == "PLACE" and m.context.status == "negated" for m in found)
                and not any(m.label in ("LESION", "LOCATION", "BRACKET", "ONE_SITE") for m in found)
            ):  # ('Localization of this site was deferred' denies one site's)
                if (
                    focus.get("label") is not None
                    and section in BODY_SECTIONS
                    and BLOCK_FIELD.match(sent.text) is not None
                    and not any(m.label == "DEVICE" for m in found)
                ):
                    # 'Lesion 2 ... Result: not placed - vasovagal episode': that lesion got
                    # nothing, not the whole procedure
                    retracted.add(focus["label"])
                else:
                    denied = True  # 'No needle placed.', 'no localization performed'
            labels = [
                m
                for m in found
                if m.label == "LESION"
                and not undone
                and m.context.status not in ("negated", "hypothetical")
                and (m.value != "next" or acts)  # 'a separate lesion' names one only when placed
            ]
            if any(m.value != "next" for m in labels):  # 'Lesion 2 is the separate cluster'
                labels = [m for m in labels if m.value != "next"]
            numbered = [m for m in labels if m.value not in ("next", "position")]
            for ref in labels:
                value = lesion_number(ref.text) if ref.value not in ("next", "position") else None
                if ref.value == "position":
                    # 'Anterior site: ...' names one lesion throughout the note; beside a
                    # number ('Lesion 2 (posterior site)') it is that lesion's other name
                    key = position_key(ref.text)
                    if numbered and key not in positions:
                        positions[key] = lesion_number(numbered[-1].text) or 0
                    value = positions.get(key) or None
                if value is None:  # 'a separate lesion': one after those placed so far
                    unlabelled = any(e.label is None and e.section in BODY_SECTIONS for e in events)
                    value = max(labels_seen, len({e.label for e in events if e.label}), unlabelled)
                    value += 1
                    if ref.value == "position":
                        positions[position_key(ref.text)] = value
                labels_seen = max(labels_seen, value)
                ref.value = str(value)
            # a lesion named only to measure from ('separate bx site ~8 cm from lesion 1') is
            # not what the sentence is about
            subjects = [m for m in labels if not refers_to_other(lowers, m.start)]
            if subjects and len(subjects) < len(labels):
                labels = subjects
            elif labels and not subjects and focus.get("label") is not None:
                labels = []
            # the lesion a line opens with is its subject ('Target 2: L 11:00 ... separate
            # lesion ~9 cm from target 1'); elsewhere the last one named
            heading = labels[0] if labels and labels[0].start - sent.start <= 1 else None
            if heading is not None and len(labels) > 1 and labels[-1].value != heading.value:
                labels = [*labels, heading]
            if labels and focus.get("label") != int(labels[-1].value):
                # 'Lesion 1: prone stereotactic table ... Lesion 2: a seed was deployed':
                # what one lesion's paragraph says of its guidance is not the next one's
                scoped = focus.get("guidance_label") is not None
                focus = {k: v for k, v in focus.items() if k in CARRIED and not scoped}
                focus.update(label=int(labels[-1].value), inherited=True)
                depth = POSITION_DEPTHS.get(position_key(labels[-1].text))
                if depth is not None:  # 'Anterior cluster: ... Posterior cluster: ...'
                    focus["depth"] = depth
            if any(m.label in ("LESION", "LOCATION", "LATERALITY") for m in found):
                focus_age = 0  # the focus is as old as the last sentence that said where
            if any(m.label == "INTERRUPT" and m.affirmed for m in found):
                # 'Then the table locked up ... I finished the 9 o'clock site': what guided the
                # first lesion is not carried to the next, nor given to the note as a whole
                focus.pop("guidance", None)
                focus.pop("tomo", None)
                interrupted = True
            if focus.get("side_on_table") and any(
                m.label == "REPOSITION" and not m.value and m.affirmed for m in found
            ):
                # 'The right breast was positioned ... The patient was repositioned for the 2:00
                # target': the breast on the table may now be the other one (a side given for
                # the whole procedure, 'Right breast localization: prone table', stays)
                focus.pop("laterality", None)
            if undone:  # 'Les 3: R 11 o'c - NOT DONE.': no place for later devices
                focus = {k: v for k, v in focus.items() if k in CARRIED}
            else:
                self._update_focus(focus, found, lowers, equipment=bool(words & EQUIPMENT_NOUNS))
            if LIST_ITEM.match(text, sent.start_char):  # '2) L 4:00, 5 cm FN.' opens an item
                item_clocks = set(clock_values(found))
                focus["item_clock"] = item_clocks.pop() if len(item_clocks) == 1 else None
            in_item = focus.get("item_clock") is not None  # (a numbered item's own words)
            if (focus.get("label") is not None or in_item) and section not in WEAK_SECTIONS:
                scoped_guides.update(m.span for m in found if m.label == "GUIDANCE")
                scoped_sides.update(m.span for m in found if m.label == "LATERALITY")
            nonbreast = any(m.label == "NONBREAST" for m in found) and not any(
                m.label == "BREAST" and m.value != "surgery" for m in found
            )  # 'chest wall nodule lateral to the mastectomy scar' is not breast tissue
            breast_place = any(
                (m.label == "BREAST" and m.value == "finding")
                or (m.label == "LOCATION" and m.value in ("clock", *QUADRANTS))
                for m in found
            )
            if nonbreast:
                focus["nonbreast"] = True  # 'The clipped node was found in the low axilla.'
            elif breast_place:
                focus.pop("nonbreast", None)
            elif focus.get("nonbreast"):
                nonbreast = True  # '... and a Magseed was deployed adjacent to the clip.'

            breaks = (
                [i for i in range(sent.start, sent.end) if lowers[i] in CLAUSE_BREAKS]
                if words & CLAUSE_BREAKS
                else []
            )
            # the note's first line names the procedure ('Stereotactic biopsy and stereotactic
            # wire localization, left breast.'): a restatement unless it says where
            heading = sent.start_char < first_line_end and not any(
                m.label == "LOCATION" and (m.value == "clock" or m.value in QUADRANTS)
                for m in found
            )
            # ... and so does a form's procedure field ('Procedure: [Stereotactic biopsy] +
            # [Stereotactic wire localization]'): a pick-list value, not what was done where
            picked = bool(PICKED_FIELD.fullmatch(sent.text.strip())) and not any(
                m.label == "LOCATION" for m in found
            )
            # ... and a procedure field naming the procedure ('Procedure: Needle localization,
            # right breast (mammographic)'): no verb, no place of its own
            # (and the field's next name on its line: 'PROCEDURES: Stereotactic seed
            # localization, left breast (2). MRI-guided seed localization, left breast (1).')
            line_start = text.rfind("\n", 0, sent.start_char) + 1
            # ... and the items listed under a procedures field ('PROCEDURES (same session):'
            # then 'A. Stereotactic wire localization, right breast, two lesions' and 'B.
            # Stereotactic vacuum-assisted biopsy, left breast, with clip placement')
            field_item = lists.procedure_item(text, line_start, found)
            named = field_item or (
                (PROCEDURE_FIELD.match(sent.text) is not None or line_start == named_line)
                and not any(m.label == "LOCATION" for m in found)
                and all(m.value == "localization" for m in found if m.label == "PLACE")
            )
            listing = named and any(m.label == "PLACE" for m in found)
            named_line = line_start if listing else -1
            summary = (
                is_summary(found) or heading or picked or named
            ) and section not in WEAK_SECTIONS
            where = "summary" if summary else section
            # 'Localization of three separate lesions, all placed this morning:' and then
            # 'A. Left 12:00 ... X-shaped clip - one I-125 seed.': an item under a heading
            # that places names the device it got, with no verb of its own
            item, names_device = lists.placed_item(
                text, line_start, sent.text, found, focus, section
            )
            if names_device:
                focus["list_item"] = True
            new = sentence_events(
                doc, found, sent_span, where, focus, seed_kind, breaks, labels_seen,
                Inventory(labels_named, tuple(listed), facts.stated_count),
            )  # fmt: skip
            focus.pop("list_item", None)
            lists.close(sent.text, found, item, field_item)
            if side_blank and new:
                for event in new:
                    if event.laterality is None:
                        event.side_conflict = True
                side_blank = False
            if said_earlier:
                for event in new:  # 'placed earlier today': the sitting is open
                    event.earlier = True
            if (
                new
                and section not in WEAK_SECTIONS
                and len(set(clock_values(found))) == 1
                and not words & EQUIPMENT_NOUNS
            ):
                # a lesion's own sentence: its guidance is not the whole note's
                scoped_guides.update(m.span for m in found if m.label == "GUIDANCE")
            if not new and focus.get("label") is not None and section in BODY_SECTIONS:
                block_guides.extend(
                    (focus["label"], m) for m in found if m.label == "GUIDANCE" and m.affirmed
                )
            if other_session(found):
                focus = {}  # 'Lesion B: reflector placed on 02/11': later lines are not about B
            retracted_clocks.extend(_nothing_stayed(found, lowers))
            if section == "addendum":
                # 'ADDENDUM - LATERALITY CORRECTION:' heads the sentences that correct
                correcting = correcting or any(m.label == "CORRECTION" for m in found)
                amendments.extend(fills.amendments(found, correcting))
                counts = [
                    count_value(m.text)
                    for m in found
                    if m.label == "COUNT" and m.affirmed and not _quoted(doc, m)
                ]  # (not the words it corrects: '"2 right breast lesions" above should read')
                if (
                    1 in counts
                    and any(m.label in ("BRACKET", "DEVICE") for m in found)
                    and not any(m.label == "LESION" and m.affirmed for m in found)
                ):
                    # 'Amendment: both wires mark ONE lesion', '... bracketing, single lesion'
                    # (not 'wires 1 and 2 bracket ONE lesion ...; wire 3 localizes the second,
                    # separate lesion')
                    one_amended = True
                elif any(n >= 2 for n in counts if n):
                    one_amended = False  # 'Two lesions were localized, not three.'
                brackets = {m.span for m in found if m.label == "BRACKET"}
                if any(
                    m.label == "PLACE" and m.context.status == "negated" and m.span not in brackets
                    for m in found
                ) and not _side_corrected(found):
                    # 'Correction: the 2:00 Magseed was NOT placed today.' (not 'two separate
                    # lesions, not one bracketed lesion: 11:00 ... and 2:00 ...')
                    retracted_clocks.extend(clock_values(found))
            removed = _removed_from(found, lowers, focus, terse=not_replaced)
            if removed is not None and (not replaced or not_replaced):
                # 'The lesion 2 wire had retracted ...; it was removed on the table. The patient
                # declined a further attempt.': that lesion has no device left
                facts.negated_placements.append(sent_span)  # a placement undone
                if isinstance(removed, int):
                    retracted.add(removed)
                else:
                    retracted_clocks.append(removed)
            if (
                section == "addendum"
                and any(m.label == "PLACE" and m.context.status == "negated" for m in found)
                and not any(m.label == "PLACE" and m.affirmed for m in found)
                and not any(m.label in ("LESION", "LOCATION", "DEVICE") for m in found)
                and words & {"localization", "procedure"}
                and words & {"cancelled", "canceled", "postponed"}
            ):
                # 'AMENDMENT: This report was pre-populated from the order. The procedure was
                # NOT performed: ... the localization was cancelled before she entered the
                # room.': the report above documents nothing
                withdrawn = True
            if any(m.label == "CORRECTION" and m.value == "retract" for m in found):
                # 'Disregard the Lesion 2 paragraph above.'
                named = [m for m in found if m.label == "LESION" and m.value != "next"]
                retracted |= {lesion_number(m.text) for m in named}
                if section == "addendum" and "addendum" in words and len(addenda) >= 2:
                    # 'ADDENDUM #2: Please disregard Addendum #1. It was entered on this
                    # accession in error.': what the earlier addenda placed or amended is void
                    first = min(addenda.values())
                    now = addenda[_section_start(sections, sent.start_char)]
                    del events[first[0] : now[0]]
                    del amendments[first[1] : now[1]]
                if (
                    not named
                    and section == "addendum"
                    and words & WHOLE_REPORT
                    and not words & ATTRIBUTE_WORDS  # 'the laterality ... above is incorrect'
                    and words & {"disregard", "error", "deleted", "void", "withdrawn"}
                ):
                    withdrawn = True  # 'Please disregard the procedure and impression above.'
            # 'Laterality: [Left]' in the header of a form states the procedure's side
            side_field = (
                bool(words & SIDE_WORDS)
                and focus.get("label") is None
                and section not in EXCLUDED_SECTIONS
                and not any(m.label in ("LESION", "LOCATION") for m in found)
            )
            stated_sides |= _stated_sides(found, section, summary or side_field)
            if section == "addendum" and any(m.label == "LATERALITY" for m in found):
                side_amended = True  # an addendum settles the sides: no conflict to report
            if nonbreast:
                if new:
                    facts.nonbreast_devices.append(sent_span)
                continue
            for event in new:
                if event.device in MARKERS:
                    near = [
                        span
                        for n, span in biopsies_at
                        if abs(number - n) <= 2
                        and (event.label is None or not named_in[n] or event.label in named_in[n])
                    ]
                    event.biopsy = near[0] if near else None
            facts.intraoperative.extend(e.sentence for e in new if e.intraop)
            events.extend(new)
            if new and acts and section not in WEAK_SECTIONS:
                acted = True  # a placement verb in the body, not only device lines
        stamp = (
            timing.doubtful_times(doc, mentions)
            or timing.other_placement_day(doc)
            or timing.dated_placement(
                doc,
                [
                    m
                    for m in mentions
                    if m.label == "PLACE"
                    and m.affirmed
                    # (a technologist's log beside the report: its days count for the sitting)
                    and section_at(sections, m.start_char) in BODY_SECTIONS | {"ancillary"}
                ],
            )
        )
        if told_earlier and any(e.section in BODY_SECTIONS and e.device for e in events):
            events.extend(told_earlier)  # (beside a placement of this report's own only)
            # 'A wire at the right 11:00 site was placed earlier today by Dr. Reinholt': whether
            # that was this sitting is open (GUIDELINES)
            facts.session_unclear.append(told_earlier[0].sentence)
        if stamp is not None:  # 'reflector deployed 13:35' after 'End 08:20'
            facts.session_unclear.append(stamp)
            facts.session_stamped = True
        accession = timing.separate_accessions(doc)
        if accession is not None:  # two reports' accessions: one sitting unless said
            facts.session_unclear.append(accession)
        surgical = any(
            name == "surgical" and start < SURGICAL_HEAD for start, _, name in sections
        ) and not any(  # '... the surgeon-performed stereotactic localization: the 2:00 clip
            # targeted with a stereo pair and a 9 cm Kopans wire placed' (before the operation),
            # not 'arrived from radiology with two stereotactically placed wires'
            e.guidance_own
            and e.guidance_span is not None
            and e.section not in WEAK_SECTIONS
            and not e.intraop
            and AT_THE_TABLE.search(note_text(doc), *e.guidance_span) is not None
            for e in events
        )
        if facts.breast_note and not surgical:  # not another organ's, nor a surgeon's report
            walked = Walked(
                events, amendments, retracted, retracted_clocks, withdrawn, side_amended,
                stated_sides, scoped_guides, scoped_sides, acted, denied, one_amended,
                interrupted, side_doubts, side_doubt_clocks, block_guides, labels_named,
            )  # fmt: skip
            facts.lesions = self._lesions(doc, facts, mentions, sections, by_sentence, walked)
            second = timing.other_service_date(doc)
            starts = [les.evidence[0][0] for les in facts.lesions if les.evidence]
            if second is not None and min(starts, default=second[0]) < second[0] < max(
                starts, default=second[0]
            ):  # two reports with two dates of service, a lesion in each
                facts.session_unclear.append(second)
        return facts

    def _lesions(
        self,
        doc: Doc,
        facts: NoteFacts,
        mentions: list[Mention],
        sections: Sections,
        by_sentence: SentenceMentions,
        walked: Walked,
    ) -> list[LesionFact]:
        """The events grouped into lesions, then what the rest of the note says of them:
        fills, corrections, withdrawals, contradictions."""
        w = walked
        # an exported record's tech log, nursing notes and supply log fill nothing in (the
        # report beside them documents the lesions)
        by_sentence = [
            (sent, found)
            for sent, found in by_sentence
            if section_at(sections, sent.start_char) != "ancillary"
        ]
        # several devices placed in one place are as many lesions (and the decision asks)
        # unless the note says they bracket or mark one lesion
        one_said = any(
            (m.label == "BRACKET" or (m.label == "COUNT" and count_value(m.text) == 1))
            and m.context.status != "negated"
            for m in mentions
        )
        grouper = LesionGrouper(self.clock_tolerance)
        default_side = self._default_laterality(by_sentence, sections, w.scoped_sides)
        default_guidance = None
        if not w.interrupted:
            default_guidance = self._default_guidance(mentions, sections, w.scoped_guides)
        if kinds.kinds_apart(facts, w.events, by_sentence):
            kinds.place_by_kind(w.events, by_sentence)
        else:
            for event in w.events:
                event.finding = None
        lesions = grouper.group(
            w.events, default_side, default_guidance, facts.stated_count, w.side_amended
        )
        if (
            (w.one_amended or fills.single_stated(by_sentence))
            and fills.alike(lesions)
            and not facts.separateness_unclear  # 'two lesions or the same area': left open
        ):
            lesions = fills.merged(lesions)
        body_sentences = [
            (sent, found)
            for sent, found in by_sentence
            if section_at(sections, sent.start_char) in BODY_SECTIONS
        ]
        lesions = fills.bracket_pairs(lesions, body_sentences)
        localizing = [les for les in lesions if les.purpose == "localization"]
        restated_bracket = _bracket_only_restated(localizing, w.events)
        if (
            restated_bracket is not None
            and facts.separate_stated
            and not facts.separateness_unclear
        ):
            facts.separateness_unclear.append(restated_bracket)
        if len(localizing) == 1:
            (only,) = localizing
            more, doubt = _unjoined(only, w.events, facts, mentions, one_said)
            lesions = [*lesions, *(copy.deepcopy(only) for _ in range(more))]
            if doubt is not None:
                facts.separateness_unclear.append(doubt)
        fills.place_labelled(lesions, by_sentence)
        fills.guide_by_block(lesions, w.block_guides)
        fills.amend(lesions, w.amendments)
        if fills.label_the_rest(lesions, w.labels_named):
            fills.place_labelled(lesions, by_sentence)
        fills.side_by_clock(lesions, by_sentence)
        if not w.side_amended:
            restated = [
                (sent, found)
                for sent, found in by_sentence
                if section_at(sections, sent.start_char) in ("title", "impression")
            ]
            fills.side_conflicts(lesions, restated)
        fills.place_by_marker(lesions, by_sentence)
        fills.unstated_guidance(lesions, by_sentence)
        fills.side_of_note(lesions, by_sentence, note_text(doc))
        body_devices = [
            m
            for m in mentions
            if m.label == "DEVICE"
            and m.affirmed
            and section_at(sections, m.start_char) not in EXCLUDED_SECTIONS
        ]
        fills.devices_from_list(lesions, body_devices, doc)
        body = any(e.section not in WEAK_SECTIONS for e in w.events)
        if not body and any(
            m.label == "ELSEWHERE"
            and m.context.status != "negated"
            # ('... views after stereotactic wire localization of two sites (see separate
            # procedure report)': historical to its sentence, but not the history's)
            and (m.affirmed or section_at(sections, m.start_char) not in EXCLUDED_SECTIONS)
            for m in mentions
        ):
            # a post-procedure mammogram: 'Two wires are present ... See the procedure report
            # for placement details': it restates placements another report documents
            return []
        if w.withdrawn or (facts.negated_placements and (not body or (w.denied and not w.acted))):
            # 'STX LOC WIRE RT BREAST x2 ... Procedure not performed', 'Pulled: SAVI SCOUT x2
            # ... No needle placed': a title or a device list is no placement
            return []
        lesions = [
            les
            for les in lesions
            if les.label not in w.retracted - {None}
            and not (
                les.clock is not None
                and any(clock_distance(les.clock, c) < 0.5 for c in w.retracted_clocks)
            )
        ]
        if not w.side_amended:
            _side_conflicts(lesions, w.stated_sides)
        for lesion in lesions:
            doubted_place = lesion.clock is not None and any(
                clock_distance(lesion.clock, c) < 0.5 for c in w.side_doubt_clocks
            )
            if (lesion.label is not None and lesion.label in w.side_doubts) or doubted_place:
                lesion.laterality = None
        return lesions

    def _breast_note(self, mentions: list[Mention], sections: Sections) -> bool:
        """Is this note about the breast today? Not when its title names another body part
        ('CT guided hookwire localization of lung nodules'), nor when the breast appears only in
        the history ('history of right breast cancer'). A clock-face location or a breast-only
        device (seed, reflector, tag) is breast enough for terse notes."""
        first = mentions[0].start_char
        head = [m for m in mentions if m.start_char < first + 200]
        if any(m.label == "NONBREAST" for m in head[:12]) and not any(
            m.label == "BREAST" and m.value != "finding" for m in head[:12]
        ):
            return False
        for m in mentions:
            if m.context.status in ("negated", "historical"):
                continue
            if section_at(sections, m.start_char) in EXCLUDED_SECTIONS:
                continue
            if m.label == "BREAST" and m.value != "finding":
                return True
            if m.label == "LOCATION" and m.value == "clock":
                return True
            if m.label == "DEVICE" and m.value in LOCALIZING - {"wire"}:
                return True
        return False

    def _seed_kind(self, mentions: list[Mention], text: str) -> str | None:
        """What a bare 'seed' is: magnetic when the note names a magnetic seed anywhere,
        radioactive when it names a radioactive one or its isotope, activity or probe, else
        unnamed ('one localization seed deployed at each clip': GUIDELINES, devices [])."""
        if any(m.label == "DEVICE" and m.value == "magnetic_seed" for m in mentions):
            return "magnetic_seed"
        if any(m.label == "DEVICE" and m.value == "radioactive_seed" for m in mentions):
            return "radioactive_seed"
        return "radioactive_seed" if RADIOACTIVE.search(text) else None

    def _default_laterality(
        self, by_sentence: SentenceMentions, sections: Sections, scoped: set[tuple[int, int]]
    ) -> str | None:
        """The side stated for the whole note (title, 'the left breast was prepped'...).

        Mentions in a sentence that names a lesion or a clock/quadrant belong to that lesion,
        not to the note, so a second lesion without a side is not given the first one's. Nor
        does the side of the breast put on the table ('The right breast was compressed ...
        The patient was then repositioned. The second target ...') when the patient was
        repositioned later: it is the breast the first placement was made in.
        """
        repositioned = max(
            (
                m.start_char
                for _s, found in by_sentence
                for m in found
                if m.label == "REPOSITION"
                and not m.value  # 'repositioned', not 'positioned'
                and m.affirmed
                and section_at(sections, m.start_char) not in EXCLUDED_SECTIONS
            ),
            default=None,
        )
        sides = set()
        for sent, found in by_sentence:
            section = section_at(sections, sent.start_char)
            if section in EXCLUDED_SECTIONS:
                continue
            if (
                section != "title"
                and any(m.label in ("LESION", "LOCATION") for m in found)
                and not _side_of_all(found)
            ):
                continue
            if (
                repositioned is not None
                and sent.end_char <= repositioned
                and any(m.label == "REPOSITION" and m.value == "on_table" for m in found)
            ):
                continue
            sides.update(
                m.value
                for m in found
                if m.label == "LATERALITY"
                and m.context.status not in ("negated", "historical", "hypothetical")
                and m.span not in scoped  # 'FINDING 1  Side: LEFT' is finding 1's side
            )
        return next(iter(sides)) if len(sides) == 1 and sides <= {"left", "right"} else None

    def _default_guidance(
        self, mentions: list[Mention], sections: Sections, scoped: set[tuple[int, int]]
    ) -> tuple | None:
        """The one modality the note's body names (stereo wins over tomosynthesis), if one;
        not what one labelled lesion's paragraph says of that lesion alone (``scoped``)."""
        found: dict[str, tuple[int, int]] = {}
        for m in mentions:
            if (
                m.label == "GUIDANCE"
                and m.affirmed
                and m.span not in scoped
                and (section_at(sections, m.start_char) not in EXCLUDED_SECTIONS)
            ):
                found.setdefault(m.value, m.span)
        kinds = set(found) - {"tomosynthesis"}
        if len(kinds) == 1:
            kind = kinds.pop()
            return (kind, found[kind])
        return None

    def _update_focus(
        self, focus: dict, found: list[Mention], lowers: list[str], equipment: bool = False
    ) -> None:
        """What the last sentences said about the lesion being worked on. A clock face far
        from the focus's, or outside its quadrant, opens another lesion: its side and place
        are not carried over."""
        clocks = [
            clock_value(m.text) for m in found if m.label == "LOCATION" and m.value == "clock"
        ]
        old = focus.get("clock")
        first = clocks[0] if clocks else None
        side = focus.get("laterality")
        if first is not None and (
            (old is not None and clock_distance(first, old) > self.clock_tolerance)
            or (
                # 'the 8 o'clock lesion' after the upper outer quadrant calcifications
                old is None
                and "quadrant" in focus
                and not quadrant_has(focus["quadrant"], first, {side[0]} if side else set())
            )
        ):
            kept = {k: v for k, v in focus.items() if k in CARRIED}
            if focus.get("side_ahead") and "laterality" in focus:
                # 'LEFT BREAST' heading its block, then 'Location: 4 o'clock': the side said
                # just before, with no place of its own, is this place's
                kept["laterality"] = focus["laterality"]
            at = focus.get("guidance_at")
            if at is not None and clock_distance(first, at) > self.clock_tolerance:
                kept.pop("guidance", None)  # said of the lesion before only: not carried
            focus.clear()
            focus.update(kept, inherited=True)
        places = [m for m in found if m.label == "LOCATION"]
        focus.pop("side_ahead", None)
        if places:
            focus["location"] = places
            # a sentence that lists lesions ('calcifications in the UOQ and a separate mass
            # at 6 o'clock') points at none of them: the next placement must say which
            quadrants = {m.value for m in found if m.label == "LOCATION" and m.value in QUADRANTS}
            sides = {m.value for m in found if m.label == "LATERALITY"}
            focus["several"] = (
                len({v for v in clocks if v is not None}) >= 2
                or len(quadrants - {"central"}) >= 2
                # 'the UOQ calcifications and a separate mass at 6 o'clock' (not '11 o'clock
                # ... this is a separate cluster': that one place is the sentence's lesion)
                or (
                    any(m.label == "LESION" and m.value == "next" for m in found)
                    # (a quadrant holding the clock face said is one place: '(2) L 11:00, ...
                    # separate lesion, UIQ')
                    and len([c for c in clocks if c is not None])
                    + len(
                        [
                            q
                            for q in quadrants
                            if not any(quadrant_has(q, c, sides) for c in clocks if c is not None)
                        ]
                    )
                    >= 2
                )
                or any(
                    not quadrant_has(q, c, sides)
                    for q in quadrants
                    for c in clocks
                    if c is not None
                )
            )
        for m in found:
            if (
                m.label == "LATERALITY"
                and m.value in ("left", "right")
                and m.context.status != "negated"
            ):
                focus["laterality"] = (m.value, m.span)
                focus["side_ahead"] = not places
                focus["side_on_table"] = any(
                    r.label == "REPOSITION" and r.value == "on_table" for r in found
                )
                focus.pop("side_conflict", None)
            elif m.label == "LOCATION" and m.value == "clock":
                focus["clock"] = clock_value(m.text)
            elif m.label == "LOCATION" and m.value in QUADRANTS:
                focus["quadrant"] = m.value
            elif m.label == "DEVICE" and marker_name(m) is not None:
                focus["marker"] = marker_name(m)
            elif m.label == "LOCATION" and m.value == "depth":
                focus["depth"] = depth_of(m)
            elif m.label == "LOCATION" and m.value == "distance":
                focus["nipple_cm"] = nipple_cm(m)
        if sides_disagree(found, lowers):
            # 'Breast / Mama: Left / Derecha': the form's two columns give two sides
            focus.pop("laterality", None)
            focus["side_conflict"] = True
        named_kinds = {finding_kind(m) for m in found} - {None}
        if len(named_kinds) == 1:
            focus["finding"] = named_kinds.pop()
        elif named_kinds:
            focus.pop("finding", None)  # 'the calcifications and the mass': neither
            # in the order said, for 'the former ... the latter' in the next sentence
            ordered = [finding_kind(m) for m in found if finding_kind(m)]
            focus["kinds_listed"] = list(dict.fromkeys(ordered))
        # the latest guidance said wins: 'Targeted by tomosynthesis alone' after the first
        # lesion's stereo pair; within one sentence a real modality beats tomosynthesis
        # (what the sentence said before a move to another room or unit is left behind)
        moved = max((m.end for m in found if m.label == "INTERRUPT" and m.affirmed), default=-1)
        guides = [m for m in found if m.label == "GUIDANCE" and m.affirmed and m.start > moved]
        real = real_guides(guides)
        if real:
            focus["guidance"] = (real[-1].value, real[-1].span)
            focus["guidance_label"] = focus.get("label")
            # said in the sentence of one lesion at one clock face ('LT 2:00: prone stereo,
            # stereo pair, wire deployed'): that lesion's guidance, not the next one's
            # (not the table or unit she lies on, which serves every lesion)
            here = set(clock_values(found))
            focus["guidance_at"] = here.pop() if len(here) == 1 and not equipment else None
            if not here and not equipment and focus.get("item_clock") is not None:
                # '1) L 1:00, 6 cm FN. Upright stereo, stereo pair. Wire through ribbon clip.
                # 2) L 4:00 ...': said in one item of a list of lesions, that item's
                focus["guidance_at"] = focus["item_clock"]
            focus.pop("tomo", None)
            focus.pop("inherited", None)
        elif guides:
            focus["tomo"] = True  # with this lesion's own stereo pair it is still stereotactic
            on_equipment = any(m.value != "tomosynthesis" for m in guides)
            if focus.pop("inherited", False) or on_equipment:
                # ('under 3D guidance on the prone table': the table said before was no method)
                focus.pop("guidance", None)

    def _session_facts(
        self,
        facts: NoteFacts,
        found: list[Mention],
        span: tuple[int, int],
        section: str,
        focus_clock: float | None = None,
    ) -> list[float]:
        """Note-level statements about sessions and counts: same-session ties, devices placed
        on another day or at an unclear date, negated and planned placements, the stated
        number of lesions. ``focus_clock`` is the place the sentences before spoke of when this
        one refers back to its device: a sentence that dates it to another day ('This wire was
        placed on 07/21') returns it, the place of a lesion that is not this session's."""
        dated_away: list[float] = []
        if section not in ("history", "comparison") and any(
            m.label == "SEPARATENESS" for m in found
        ):  # its wording is mostly negated ('not certain whether'): the doubt is what is said
            facts.separateness_unclear.append(span)
        unclear = any(m.label == "SESSION" and m.value == "unclear" for m in found)
        if unclear and section not in ("history", "comparison"):
            # 'She felt faint, left the department and came back later'; 'I cannot confirm
            # whether both seeds were placed at the same visit'
            facts.session_unclear.append(span)
        if not unclear and any(
            m.label == "SESSION"
            and m.value == "same"
            and m.affirmed
            and not m.text.lower().startswith(DAY_WORDS)
            for m in found
        ):  # 'same sitting', 'one session' tie lesions together; 'today' alone does not
            facts.same_session_statements.append(span)
        brackets = {m.span for m in found if m.label == "BRACKET"}
        # 'this is a separate lesion, not bracketing': no placement is denied
        places = [m for m in found if m.label == "PLACE" and m.span not in brackets]
        devices = [m for m in found if m.label == "DEVICE"]
        if not places and not devices:
            return dated_away
        statuses = {m.context.status for m in places + devices}
        has_place = bool(places) or any(d.value == "wire" for d in devices)
        localizing = any(d.value in PLACEABLE for d in devices) or any(
            p.value == "localization" for p in places
        )
        other = dates_a_localization(found)
        if unclear and localizing:
            # 'Magseed at the seven o'clock lesion; date of placement to be clarified'
            facts.other_session.append(span)
            facts.other_session_clocks.extend(clock_values(found))
        if other and localizing and statuses & {"historical", "hypothetical"}:
            facts.other_session.append(span)
            # a wire or seed placed on another day (not a biopsy clip, not a plan)
            placed_before = any(d.value in PLACEABLE for d in devices) and any(
                m.context.status == "historical" for m in places + devices
            )
            if placed_before:
                facts.other_session_clocks.extend(clock_values(found))
                if not clock_values(found) and focus_clock is not None:
                    dated_away.append(focus_clock)
                elif section == "addendum" and any(m.label == "CORRECTION" for m in found):
                    # 'ADDENDUM: Correction - the seed at left 9:00 was placed on 06/02/2025
                    # during the prior visit, not today as dictated above': not this sitting's
                    dated_away.extend(clock_values(found))
        if section in ("history", "comparison", "ancillary"):
            # (a supply log's 'opened 3, used 2' counts no lesions, denies nothing)
            return dated_away
        if has_place and "negated" in statuses:
            facts.negated_placements.append(span)
            if localizing or devices:
                facts.negated_devices.append(span)
        elif has_place and "hypothetical" in statuses and localizing:
            facts.planned_placements.append(span)
        for m in found:
            if (
                m.label == "COUNT"
                and m.affirmed
                and any(p.affirmed for p in places)
                # 'wires x2' counts wires; 'seed localization x3' the localizations
                and (
                    not any(0 <= m.start - d.end <= 1 for d in devices)
                    or any(p.end == m.start and p.value == "localization" for p in places)
                )
            ):
                value = count_value(m.text)
                in_body = section not in WEAK_SECTIONS
                if value and (
                    # the procedure's own count ('Two lesions were localized in this session')
                    # governs a title's or impression's ('... of three lesions')
                    (in_body and not facts.stated_count_in_body)
                    or (
                        in_body == facts.stated_count_in_body and value >= (facts.stated_count or 0)
                    )
                ):
                    facts.stated_count, facts.stated_count_span = value, m.span
                    facts.stated_count_in_body = in_body
        return dated_away


SUMMARIES = frozenset({"title", "impression", "summary"})


def _side_of_all(found: list[Mention]) -> bool:
    """'Stereotactic needle localization, left breast, two sites: 1) 12:00 ... 2) 3:00': one
    side said just before a count of two or more lesions is every one's."""
    sides = [m for m in found if m.label == "LATERALITY" and m.value in ("left", "right")]
    if len({m.value for m in sides}) != 1:
        return False
    return any(
        m.label == "COUNT"
        and (count_value(m.text) or 0) >= 2
        and any(0 <= m.start - side.end <= 3 for side in sides)
        for m in found
    )


def _as_said(m: Mention) -> Mention:
    """A mention read as said of today ('had already been placed ... earlier today')."""
    if m.context.status in ("historical", "hypothetical") and m.label != "SESSION":
        return dataclasses.replace(m, context=AFFIRMED)
    return m


def _bracket_only_restated(
    lesions: list[LesionFact], events: list[Event]
) -> tuple[int, int] | None:
    """The body places devices at two lesions and says nothing of a bracket, and only a
    summary (title, impression) calls them the bracket of one ('Findings: ... argue for two
    separate lesions ... Impression: DCIS bracketed with two wires'): when the note also calls
    them separate it contradicts itself on what was localized, so the decision asks."""
    if len(lesions) != 2 or any(e.bracket for e in events if e.section not in SUMMARIES):
        return None
    return next((e.sentence for e in events if e.bracket and e.section in SUMMARIES), None)


def _unjoined(
    only: LesionFact,
    events: list[Event],
    facts: NoteFacts,
    mentions: list[Mention],
    one_said: bool,
) -> tuple[int, tuple[int, int] | None]:
    """How many more lesions the one localized lesion stands for, and where the note leaves
    their separateness open (R25: the decision asks), when nothing says the devices bracket or
    mark one lesion:

    - several devices placed in one place ('two SCOUT reflectors were placed in the UOQ
      calcifications'): as many lesions;
    - the note doubts they are one lesion ('Wire 2 to what appears to be a further group, which
      may be part of the same segment'): each body placement is one;
    - a second device placed in the body ('A second wire was placed in the calcifications 2 cm
      away'), not said to replace the first and under the same guidance: two."""
    body = [e for e in events if e.section not in WEAK_SECTIONS]
    several = max((e.several for e in events), default=0)
    if (
        not one_said
        and several >= 2
        and not facts.separate_stated
        and not facts.negated_placements  # 'two sites planned ... the second aborted'
    ):
        return several - 1, only.evidence[0]
    if facts.separateness_unclear and not only.bracketed:  # (the doubt is recorded already)
        placed = {e.sentence for e in body if e.device is not None and not e.intraop}
        # ('A Magseed was placed at the anterior group, and a second Magseed ... at the
        # posterior group': two in one sentence)
        more = [e for e in body if e.device in PLACEABLE and e.another and not e.intraop]
        return max(len(placed), 1 + len(more)) - 1, None
    aimed = {e.marker for e in body if e.device in PLACEABLE and e.marker}
    if facts.separateness_unclear and len(aimed) >= 2:
        # 'Whether this is two foci or one tumour ... I cannot say', and a reflector at each
        # of two biopsy clips 'so the surgeon has both ends': the bracket does not settle it
        return len(aimed) - 1, None
    if (
        one_said
        or only.bracketed
        or facts.negated_placements
        or any(m.label == "REPLACED" for m in mentions)
    ):
        return 0, None
    seconds = [e for e in body if e.device in PLACEABLE and (e.another or e.numbered)]
    if (
        seconds
        and seconds[0].sentence != only.evidence[0]
        and seconds[0].guidance in (None, only.guidance)
    ):
        return 1, seconds[0].sentence
    return 0, None


def _places_stated(mentions: list[Mention]) -> int:
    """How many distinct places the note names anywhere (history included): clock faces and
    quadrants, or depth thirds when they outnumber them ('12:00 anterior ... 12:00 posterior')."""
    named = [m for m in mentions if m.label == "LOCATION" and m.context.status != "negated"]
    clocks = {clock_value(m.text) for m in named if m.value == "clock"} - {None}
    quadrants = {m.value for m in named if m.value in QUADRANTS}
    depths = {depth_of(m) for m in named if m.value == "depth"} - {None}
    return max(len(clocks) + len(quadrants), len(depths))


def _section_start(sections: list[tuple[int, int, str]], offset: int) -> int:
    """Where the section holding a character offset begins."""
    return next((start for start, end, _name in sections if start <= offset < end), 0)


def _refers_back(found: list[Mention], lowers: list[str]) -> bool:
    """Is a wire, seed or reflector of the sentence one said before ('This wire', 'the
    seed'; not 'yesterday's wires', which the sentence dates itself)?"""
    return any(
        m.label == "DEVICE"
        and m.value in PLACEABLE
        and m.start > 0
        and lowers[m.start - 1] in ("this", "that", "the", "these", "those")
        for m in found
    )


def _removed_from(
    found: list[Mention], lowers: list[str], focus: dict, terse: bool = False
) -> int | float | None:
    """The lesion (label, or else its one clock face) whose wire, seed or reflector the
    sentence says was taken out ('The lesion 2 wire had retracted ...; it was removed on the
    table'), or None. The device is the subject: just before 'was removed', or 'it' after it
    ('the introducer needle was removed' takes out no device). 'The wire was withdrawn.'
    after 'The 9:00 wire could not be seated' is the focus's lesion's; with ``terse`` (the
    note says it was not replaced), so is a log's 'Wire withdrawn.' after its lesion's line."""
    devices = [m for m in found if m.label == "DEVICE" and m.value in PLACEABLE]
    for gone in (m for m in found if m.label == "REMOVED" and m.affirmed):
        subject = lowers[gone.start - 1] if gone.start > 0 else ""
        said = any(d.end == gone.start for d in devices) or (
            subject in ("it", "they") and any(d.end < gone.start for d in devices)
        )
        if not said:
            if terse and subject == "it" and not any(m.label == "DEVICE" for m in found):
                # '... the 7:00 wire was found 3 cm deep to the coil clip. It was withdrawn in
                # the procedure room. ... it was not replaced': the device said just before
                return focus.get("label") or focus.get("clock")
            continue
        if any(m.label == "PLACE" and m.affirmed and m.start > gone.end for m in found):
            continue  # '... this wire was withdrawn and a repeat hookwire was placed',
            # 'The wire was withdrawn and re-inserted once before final deployment.'
        labels = {
            lesion_number(m.text)
            for m in found
            if m.label == "LESION" and m.value not in ("next", "position")
        } - {None}
        if len(labels) == 1:
            return labels.pop()
        clocks = set(clock_values(found))
        if not labels and len(clocks) == 1:
            return clocks.pop()
        # ('The wire was withdrawn.', or a terse line's 'Wire withdrawn.' after its lesion's)
        heads = terse and devices[0].start == found[0].start and devices[0].end == gone.start
        if not labels and not clocks and (_refers_back(found, lowers) or heads):
            return focus.get("label") or focus.get("clock")
    return None


def _quoted(doc: Doc, m: Mention) -> bool:
    """Is the mention inside quotation marks ('the words "2 right breast lesions" above')?"""
    text = note_text(doc)
    return m.start_char > 0 and text[m.start_char - 1] in QUOTES


QUOTES = frozenset("\"'“‘«")


def _undone(found: list[Mention], acts: bool) -> bool:
    """Does the sentence say a lesion got no device? 'Les 3: R 11 o'c - NOT DONE.', 'Site 2
    (LT 4:00) NOT localized.' (but not 'Site 2 (6:00): the distortion is not seen')."""
    negated = [m for m in found if m.context.status == "negated"]
    labels = [m for m in negated if m.label == "LESION"]
    unseen = any(
        m.label in ("BREAST", "GUIDANCE") and not any(_overlap(m, lab) for lab in labels)
        for m in negated
    )
    if unseen:
        return False
    if any(m.label in ("LESION", "LOCATION") for m in negated):
        return True
    place_denied = not acts and any(m.label == "PLACE" for m in negated)
    return place_denied and any(m.label in ("LESION", "LOCATION") for m in found)


def _overlap(a: Mention, b: Mention) -> bool:
    return a.start < b.end and b.start < a.end


def _trim(sent: Span) -> tuple[int, int]:
    """A sentence's character span without its surrounding whitespace: the cited evidence."""
    text = note_text(sent.doc)[sent.start_char : sent.end_char]
    start = sent.start_char + (len(text) - len(text.lstrip()))
    end = sent.start_char + len(text.rstrip())
    return (start, max(start, end))


def _stated_sides(found: list[Mention], section: str, summary: bool) -> set[str]:
    if section not in ("title", "impression") and not summary:
        return set()
    return {
        m.value
        for m in found
        if m.label == "LATERALITY" and m.value in ("left", "right", "bilateral") and m.affirmed
    }


def _side_conflicts(lesions: list[LesionFact], stated: set[str]) -> None:
    """Title and impression say 'left breast' only, the body puts a lesion in the right: the
    note contradicts itself, so that lesion's side is not documented (the decision asks)."""
    if len(stated) != 1 or "bilateral" in stated:
        return
    (side,) = stated
    for lesion in lesions:
        if lesion.laterality and lesion.laterality != side:
            lesion.laterality = None


# a lesion named by its position in depth ('the posterior cluster') lies in that third
POSITION_DEPTHS = {
    "anterior": "anterior",
    "superficial": "anterior",
    "posterior": "posterior",
    "deep": "posterior",
}
TITLE_CHARS = 200  # a first line longer than this is a paragraph, not a title
SEPARATE_WORDS = frozenset({"separate", "distinct", "different", "discrete"})
SIDE_WORDS = frozenset({"laterality", "side", "sides"})
# what makes a bare 'seed' radioactive: its isotope, activity, probe or log
RADIOACTIVE = re.compile(
    r"\bI-?125\b|\bmCi\b|\bMBq\b|\biodine\b|\bradioactive\b|\bRSL\b|\bisotope"
    r"|\bsurvey meter|\bgamma probe|\bneoprobe|\bradiation safety|\bhot lab",
    re.IGNORECASE,
)
LIST_ITEM = re.compile(r"[ \t]*\(?\d{1,2}[.)][ \t]+")  # a numbered list item's opening
SIDE_DOUBT_WORDS = frozenset({"question", "questioned", "uncertain", "unconfirmed", "disputed"})
WHOLE_REPORT = frozenset(
    {"report", "procedure", "sections", "section", "above", "impression", "items"}
)
ATTRIBUTE_WORDS = frozenset({"laterality", "side", "guidance", "device", "location", "clock"})


@Language.factory(
    "locaudit_lesions",
    assigns=["doc._.locaudit_facts"],
    requires=["doc._.locaudit_context", "doc._.locaudit_sections"],
    default_config={"clock_tolerance": 1.0, "focus_sentences": 6, "patterns_dir": None},
)
def make_lesions(
    nlp: Language,
    name: str,
    clock_tolerance: float,
    focus_sentences: int,
    patterns_dir: str | None,
) -> LesionBuilder:
    """The registered factory: ``nlp.add_pipe("locaudit_lesions")``."""
    return LesionBuilder(clock_tolerance, focus_sentences, patterns_dir)


def _labels_named(by_sentence: SentenceMentions) -> int:
    """How many lesions the note names by label anywhere ('Site A ... Site B ... Site C' in
    its indication): N when the labels are exactly 1..N, else 0."""
    numbers = {
        lesion_number(m.text)
        for _sent, found in by_sentence
        for m in found
        if m.label == "LESION"
        and m.value not in ("next", "position")
        and m.context.status != "negated"
    } - {None}
    return len(numbers) if numbers == set(range(1, len(numbers) + 1)) else 0


def _list_places(found: list[Mention], listed: list[float | str]) -> None:
    """Add the places a sentence names to the note's list: its clock faces, and its quadrants
    that stand without a clock face beside them ('the subareolar calcifications', 'in the
    axillary tail')."""
    # a lesion's place said with its history is still where it is ('Lesion 1: L 10:00, prior
    # biopsy site'); a negated or planned one is not
    named = [
        m
        for m in found
        if m.label == "LOCATION" and m.context.status not in ("negated", "hypothetical")
    ]
    clocks = [m for m in named if m.value == "clock"]
    for m in named:
        if m.value == "clock":
            clock = clock_value(m.text)
            if clock is None or clock in listed:
                continue
            # 'the upper outer quadrant mass' and later 'at 10:00': one place
            listed[:] = [
                p for p in listed if not (isinstance(p, str) and quadrant_has(p, clock, set()))
            ]
            listed.append(clock)
        elif (
            m.value in QUADRANTS
            and m.value not in listed
            and not any(gap(m, c) <= 4 for c in clocks)
            and not any(isinstance(p, float) and quadrant_has(m.value, p, set()) for p in listed)
        ):
            listed.append(m.value)


def _nothing_stayed(found: list[Mention], lowers: list[str]) -> set[float]:
    """The one clock face of a sentence that says nothing stayed there ('No wire at 12:00.',
    'Left 6:00 site not localized (not accessible).'), whatever was tried: empty otherwise."""
    places = set(clock_values(found))
    denied = any(
        (
            m.label == "DEVICE"
            and m.value in PLACEABLE
            and m.start > 0
            and lowers[m.start - 1] == "no"
        )
        or (m.label == "PLACE" and m.value == "localization")
        for m in found
        if m.context.status == "negated"
    )
    placed = any(m.label in ("DEVICE", "PLACE") and m.affirmed for m in found)
    # (not 'Ultrasound localization of the 1:00 site was abandoned': that method was given up,
    # the site may still have been localized another way)
    method = any(m.label == "GUIDANCE" and m.context.status == "negated" for m in found)
    return (
        places
        if len(places) == 1 and denied and not placed and not method and not _side_corrected(found)
        else set()
    )


def _side_corrected(found: list[Mention]) -> bool:
    """Does the sentence move a lesion to the other breast ('lesion 2 is in the RIGHT breast at
    7:00 (not left, as dictated); the left breast was not imaged or localized')? Its denial is
    of the breast named wrongly, not of the lesion."""
    sides = {m.context.status == "negated" for m in found if m.label == "LATERALITY"}
    return sides == {True, False}
