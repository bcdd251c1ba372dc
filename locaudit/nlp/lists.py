"""Lists in a note: which lines are items, and of what kind of list.

Two kinds matter to the lesion step. Items under a heading that places ('Localization of
three separate lesions, all placed this morning:' then 'A. Left 12:00 ... X-shaped clip - one
I-125 seed.') name the device each lesion got, with no verb of their own. Items under a
procedures field ('PROCEDURES (same session, prone table):' then 'A. Stereotactic wire
localization, right breast, two lesions') name procedures, as a title does, not placements.
Kept apart from the lesion loop because it only follows lines and their marks, sentence by
sentence, and knows nothing of lesions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from locaudit.nlp.mentions import PLACEABLE, QUADRANTS, Mention

LIST_MARK = re.compile(r"[ \t]*(?:\d{1,2}|[A-Za-z])[.)][ \t]*")  # '1. ', 'B) '
DEVICE_NUMBER = re.compile(r"[ \t]*#?\d{1,2}[ \t]*[-:\u2013]")  # after 'Seed': ' 1 - ', ' #2:'
PROCEDURE_FIELD = re.compile(
    r"\s*(?:procedures?|exam(?:ination)?|study)\s*(?:\([^)\n]{0,60}\)\s*)?:", re.IGNORECASE
)


@dataclass
class ListReader:
    """Reads one sentence at a time, in order; remembers the list the lines before opened."""

    placing_head: bool = False  # the last sentence was a heading that places, or its item
    item_line: int = -1  # the line of the last item with a place ('1. Left 1:00 ...')
    procedures_listed: bool = False  # a procedures field, or its item, came just before

    def procedure_item(self, text: str, line_start: int, found: list[Mention]) -> bool:
        """Is this sentence an item listed under a procedures field (no place of its own)?"""
        return (
            self.procedures_listed
            and LIST_MARK.match(text, line_start) is not None
            and not any(m.label == "LOCATION" for m in found)
        )

    def placed_item(
        self,
        text: str,
        line_start: int,
        sentence: str,
        found: list[Mention],
        focus: dict,
        section: str,
    ) -> tuple[bool, bool]:
        """(is an item with a place, names the device its lesion got). An item's line may go
        on in another sentence: '1. Left 1:00 - ribbon clip. Superior approach, stereo pair, 9
        cm wire.' An impression's items name their devices under any heading."""
        marked = (
            LIST_MARK.match(text, line_start)
            or LIST_MARK.match(sentence)
            or _device_numbered(text, line_start, found)
        )
        item = marked is not None and (
            any(m.label == "LOCATION" and m.value in ("clock", *QUADRANTS) for m in found)
            or (line_start == self.item_line and "clock" in focus)
        )
        self.item_line = line_start if item else -1
        return item, item and (self.placing_head or section == "impression")

    def close(self, sentence: str, found: list[Mention], item: bool, field_item: bool) -> None:
        """After the sentence: does the next one stand under a list this one opened or
        continued?"""
        opens = sentence.rstrip().endswith(":")
        self.placing_head = (self.placing_head and item) or (
            opens and any(m.label == "PLACE" and m.affirmed for m in found)
        )
        self.procedures_listed = field_item or (
            opens and PROCEDURE_FIELD.match(sentence) is not None
        )


def _device_numbered(text: str, line_start: int, found: list[Mention]) -> re.Match | None:
    """A line that opens with a numbered wire, seed or reflector ('Seed 1 - upper outer
    quadrant, target barbell clip'): an item of the list its heading opened."""
    first = found[0] if found else None
    if first is None or first.label != "DEVICE" or first.value not in PLACEABLE | {"seed"}:
        return None
    if text[line_start : first.start_char].strip():
        return None
    return DEVICE_NUMBER.match(text, first.start_char + len(first.text))
