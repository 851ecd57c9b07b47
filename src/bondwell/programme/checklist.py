"""The educator's structured observation of a massage class: Bondwell's own checklist, NOT a validated measure.

Validated observational measures of mother–infant interaction (e.g. the NCAST feeding and teaching scales, the
CARE-Index) need licensed training and coding from video, which a tablet in class cannot offer. This checklist
only records what the educator saw; every screen and export labels it non-validated, and it is never a study
outcome by default (`STUDY_OUTCOME_BY_DEFAULT`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

NON_VALIDATED_LABEL = "Non-validated checklist: notes by the educator, not a validated measure of bonding"
STUDY_OUTCOME_BY_DEFAULT = False
VERSION = "1"


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    hint: str


ITEMS: tuple[ChecklistItem, ...] = (
    ChecklistItem("eye_contact", "Eye contact", "Mother and baby look at each other during the massage."),
    ChecklistItem(
        "responds_to_cues", "Responds to the baby's cues",
        "She pauses, slows or soothes when the baby turns away, fusses or tires.",
    ),
    ChecklistItem("talks_to_baby", "Talks or sings to the baby", "Voice, smiles, naming what she does."),
    ChecklistItem("gentle_touch", "Gentle, rhythmic touch", "Strokes are slow and even; pressure suits the baby."),
    ChecklistItem("baby_engagement", "Baby's engagement", "The baby looks, smiles, stays calm and alert."),
)
ITEM_KEYS = tuple(item.key for item in ITEMS)

# How often the educator saw it during the massage part of the class.
SCALE: tuple[tuple[int, str], ...] = ((0, "Not seen"), (1, "Sometimes"), (2, "Often"), (3, "Throughout"))
SCALE_MAX = SCALE[-1][0]


def checklist_sum(values: Mapping[str, int]) -> int:
    """The sum of the items (0–15), shown only as a non-validated summary next to the items themselves."""
    missing = [key for key in ITEM_KEYS if key not in values]
    if missing:
        raise ValueError(f"missing checklist items: {', '.join(missing)}")
    bad = [key for key in ITEM_KEYS if not 0 <= int(values[key]) <= SCALE_MAX]
    if bad:
        raise ValueError(f"checklist items out of range 0–{SCALE_MAX}: {', '.join(bad)}")
    return sum(int(values[key]) for key in ITEM_KEYS)
