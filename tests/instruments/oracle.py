"""Independent, table-driven reference scoring for the tests.

Typed in from the published scoring keys, not read from the YAML definitions, so that a mistake in a
definition file (or in the loader) shows up as a disagreement instead of being copied into the expected
values.
"""

from __future__ import annotations

# Score of each printed option, top to bottom (Cox, Holden and Sagovsky 1987): items 1, 2 and 4 forward,
# items 3 and 5 to 10 reversed.
EPDS_KEY = {
    1: (0, 1, 2, 3),
    2: (0, 1, 2, 3),
    3: (3, 2, 1, 0),
    4: (0, 1, 2, 3),
    5: (3, 2, 1, 0),
    6: (3, 2, 1, 0),
    7: (3, 2, 1, 0),
    8: (3, 2, 1, 0),
    9: (3, 2, 1, 0),
    10: (3, 2, 1, 0),
}
EPDS_ANXIETY_ITEMS = (3, 4, 5)  # EPDS-3A
EPDS_AU_BANDS = ((0, 9, "unlikely"), (10, 12, "possible"), (13, 30, "likely"))  # COPE 2023

PHQ9_BANDS = ((0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 19, "moderately_severe"),
              (20, 27, "severe"))
GAD7_BANDS = ((0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 21, "severe"))

# PBQ (Brockington et al. 2001, 2006): options Always..Never; positively worded items score Always 0.
PBQ_POSITIVE = frozenset({1, 4, 8, 9, 11, 16, 22, 25})
PBQ_SCALES = {
    "impaired_bonding": (1, 2, 6, 7, 8, 9, 10, 12, 13, 15, 16, 17),
    "rejection_anger": (3, 4, 5, 11, 14, 21, 23),
    "anxiety_about_care": (19, 20, 22, 25),
    "risk_of_abuse": (18, 24),
}
PBQ_SCALE_CUTOFFS = {
    "impaired_bonding": 12,
    "rejection_anger": 13,
    "anxiety_about_care": 10,
    "risk_of_abuse": 2,  # Brockington, Fraser and Wilson 2006 (3 in the 2001 paper)
}
PBQ_TOTAL_CUTOFF = 26


def band_of(bands: tuple[tuple[int, int, str], ...], total: int) -> str:
    for low, high, key in bands:
        if low <= total <= high:
            return key
    raise AssertionError(f"no band for {total}")


def epds_item_score(item: int, position: int) -> int:
    return EPDS_KEY[item][position]


def pbq_item_score(item: int, position: int) -> int:
    return position if item in PBQ_POSITIVE else 5 - position
