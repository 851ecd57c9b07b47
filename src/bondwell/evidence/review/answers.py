"""Signalling-question answers shared by RoB 2 and ROBINS-I."""

from __future__ import annotations

Y, PY, PN, N, NI, NA = "Y", "PY", "PN", "N", "NI", "NA"
# ROBINS-I V2 splits some answers into strong and weak: SY/WY (strong/weak yes), SN/WN (strong/weak no).
SY, WY, SN, WN = "SY", "WY", "SN", "WN"
YES = frozenset({Y, PY})
NO = frozenset({N, PN})
ANSWER_LABELS = {
    Y: "Yes", PY: "Probably yes", PN: "Probably no", N: "No", NI: "No information", NA: "Not applicable",
    SY: "Yes, strongly", WY: "Yes, weakly", SN: "No, strongly", WN: "No, weakly",
}  # fmt: skip
BASIC = (Y, PY, PN, N, NI)


class RobError(ValueError):
    """An answer is missing or not allowed; the message names the question."""
