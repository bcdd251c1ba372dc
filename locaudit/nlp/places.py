"""Geometry of the breast's clock face and quadrants.

Two places in a note are the same lesion or two only by how far apart they lie on the clock
face, and a quadrant and a clock face describe one lesion only if the clock face falls in that
quadrant, which depends on the breast: the clock is read facing the patient, so the upper outer
quadrant is 9 to 12 o'clock on the right and 12 to 3 on the left. Pure functions of numbers and
quadrant names, with no knowledge of mentions.
"""

from __future__ import annotations

import re
from typing import Any

# a clock face written in figures ('10', '10:30'): read by mentions, and by the segmenter
# where a line stops on a side ('left\n5:00')
CLOCK_FACE = re.compile(r"(1[0-2]|0?[1-9])(?::([0-5][0-9]))?")
OPPOSITE = {"left": "right", "right": "left"}  # the breast across from each

# Clock hours (from, to) of each quadrant, by breast, as the viewer facing the patient reads
# them: the right upper outer quadrant runs from 9 to 12 o'clock.
_QUADRANT_HOURS = {
    ("uoq", "right"): (9, 12), ("uoq", "left"): (0, 3),
    ("uiq", "right"): (0, 3), ("uiq", "left"): (9, 12),
    ("loq", "right"): (6, 9), ("loq", "left"): (3, 6),
    ("liq", "right"): (3, 6), ("liq", "left"): (6, 9),
}  # fmt: skip


def quadrant_has(quadrant: str, clock: float, sides: set[str], slack: float = 0.5) -> bool:
    """Could this clock face lie in this quadrant (of the breast named, or of either)?"""
    if quadrant == "central":
        return False  # behind the nipple: a region of its own, not a clock face
    if quadrant == "axtail":
        return 8 <= clock <= 11 or 1 <= clock <= 4
    for side in (sides & {"left", "right"}) or {"left", "right"}:
        start, end = _QUADRANT_HOURS[(quadrant, side)]
        if (clock - start + slack) % 12 <= (end - start) + 2 * slack:
            return True
    return False


def clock_distance(a: float, b: float) -> float:
    """Hours between two clock faces the short way round: 11:00 and 1:00 are 2 hours apart."""
    d = abs(a - b) % 12
    return min(d, 12 - d)


NIPPLE_CM_APART = 2.0  # this much further from the nipple is another lesion at one clock face


def apart_in_depth(one: Any, other: Any) -> bool:
    """Another depth third, or 2 cm or more further from the nipple: not the same lesion
    ('12:00, anterior depth, 2 cm FN' and '12:00, posterior depth, 8 cm FN'). Takes lesions
    or placement events (anything with ``depth`` and ``nipple_cm``)."""
    if one.depth and other.depth and one.depth != other.depth:
        return True
    near, far = one.nipple_cm, other.nipple_cm
    return near is not None and far is not None and abs(near - far) >= NIPPLE_CM_APART
