"""The data-extraction form's fields and their checks, shared by the page, the shipped file and exports
(no database; its labels go through Django's translation).

One primary outcome per study: the EPDS (0-30, higher is worse) at the stated time point, per arm: number
analysed, mean and SD. A number is never required: when one is not reported the reviewer says why, and the
study is listed but not pooled. Every number needs a source (table, page or abstract).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from bondwell.stats.meta.csv_input import MAX_COUNT

EPDS_MAX = 30
DESIGNS = {
    "rct": _("Randomised controlled trial"),
    "quasi_experimental": _("Quasi-experimental (non-randomised allocation)"),
    "pre_post": _("Pre-post (no control group)"),
    "qualitative": _("Qualitative"),
    "mixed_methods": _("Mixed methods"),
    "other": _("Other"),
}
NUMBERS = ("n_massage", "mean_massage", "sd_massage", "n_control", "mean_control", "sd_control")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    required: bool = True
    hint: str = ""
    long: bool = False


FIELDS: tuple[Field, ...] = (
    Field("label", "Short label", hint="First author and year, e.g. Smith 2025."),
    Field("design", "Design"),
    Field("country", "Country", required=False),
    Field("population", "Women included", required=False, long=True),
    Field("pnd_definition", "How postnatal depression was defined", hint="e.g. EPDS 13 or more at 4 weeks."),
    Field("dose", "Massage dose", required=False, hint="Sessions, minutes, weeks."),
    Field("comparator", "Comparator", hint="e.g. routine care, support group."),
    Field("time_point", "EPDS time point", hint="e.g. end of a 6-week course."),
    Field("n_massage", "Massage group: number analysed", required=False),
    Field("mean_massage", "Massage group: mean EPDS", required=False),
    Field("sd_massage", "Massage group: SD of EPDS", required=False),
    Field("n_control", "Comparator group: number analysed", required=False),
    Field("mean_control", "Comparator group: mean EPDS", required=False),
    Field("sd_control", "Comparator group: SD of EPDS", required=False),
    Field("source", "Where the numbers come from", required=False, hint="Table, page or 'abstract'."),
    Field("not_poolable_reason", "Why it cannot be pooled", required=False,
          hint="Only when some of the six numbers are not reported.", long=True),
)  # fmt: skip
FIELD_NAMES = tuple(f.name for f in FIELDS)


def _number(text: str, whole: bool) -> float | int:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError
    if whole:
        if value != int(value):
            raise ValueError
        return int(value)
    return value


def clean(raw: Mapping[str, object]) -> tuple[dict[str, object], dict[str, str]]:
    """The cleaned extraction and the problems, one per field name (empty when it is valid)."""
    data: dict[str, object] = {}
    errors: dict[str, str] = {}
    for f in FIELDS:
        text = str(raw.get(f.name) if raw.get(f.name) is not None else "").strip()
        if f.name in NUMBERS:
            if not text:
                data[f.name] = None
                continue
            try:
                data[f.name] = _number(text, whole=f.name.startswith("n_"))
            except ValueError:
                errors[f.name] = "Enter a whole number." if f.name.startswith("n_") else "Enter a number."
            continue
        if f.required and not text:
            errors[f.name] = f"Enter {f.label.lower()}."
        data[f.name] = text
    if data.get("design") and data["design"] not in DESIGNS:
        errors["design"] = "Choose a design from the list."
    for arm in ("massage", "control"):
        n, mean, sd = data.get(f"n_{arm}"), data.get(f"mean_{arm}"), data.get(f"sd_{arm}")
        if isinstance(n, int) and n < 2:
            errors[f"n_{arm}"] = "A group needs at least 2 women."
        elif isinstance(n, int) and n > MAX_COUNT:
            errors[f"n_{arm}"] = f"No trial group has more than {MAX_COUNT:,} women: check the number."
        if isinstance(mean, int | float) and not 0 <= mean <= EPDS_MAX:
            errors[f"mean_{arm}"] = f"An EPDS mean lies between 0 and {EPDS_MAX}."
        if isinstance(sd, int | float) and sd <= 0:
            errors[f"sd_{arm}"] = "A standard deviation must be greater than 0."
        elif isinstance(sd, int | float) and sd > EPDS_MAX / 2:
            # A score bounded by 0 and EPDS_MAX cannot spread more than half its range.
            errors[f"sd_{arm}"] = f"An EPDS standard deviation cannot be more than {EPDS_MAX / 2:g}."
    given = [n for n in NUMBERS if data.get(n) is not None]
    if given and not data.get("source"):
        errors.setdefault("source", "Say where these numbers come from (table, page or abstract).")
    problem = reason_problem(len(given) == len(NUMBERS), data.get("not_poolable_reason"))
    if problem:
        errors.setdefault("not_poolable_reason", problem)
    return data, errors


# ---- the poolability rule: the one place it is written -------------------------------------------------------


def reason_problem(numbers_complete: bool, reason: object) -> str | None:
    """A study gives all six numbers or says why not, never both: what is wrong, or None."""
    if not numbers_complete and not reason:
        return "Some numbers are missing: say why (e.g. not reported)."
    if numbers_complete and reason:
        return "All six numbers are given, so leave this empty."
    return None


def poolable(numbers_complete: bool, reason: object) -> bool:
    """Pooled when both arms have n, mean and SD and nothing says why it cannot be pooled."""
    return numbers_complete and not reason


def poolable_data(data: Mapping[str, object]) -> bool:
    """`poolable` for an extraction's (or a snapshot study's) plain data."""
    return poolable(all(data.get(n) is not None for n in NUMBERS), data.get("not_poolable_reason"))
