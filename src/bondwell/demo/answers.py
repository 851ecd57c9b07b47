"""Questionnaire answers for the demo: positions (as printed) whose item scores add up to a chosen total."""

from __future__ import annotations

import random

from bondwell import instruments


def answers_adding_up_to(
    definition: instruments.Instrument, total: int, rng: random.Random | None = None
) -> dict[str, int]:
    """Positions that score `total` (capped at what the items allow), never endorsing self-harm (that item stays at
    its lowest). With `rng` the points are spread over the items at random, as a person might tick them;
    without, each item in turn takes as many as it can."""
    harm = {rule.item for rule in definition.rules if rule.flag == "self_harm"}
    items = [item for item in definition.items if item.key not in harm]
    tops = {item.key: max(option.score for option in item.options) for item in items}
    scores = {item.key: 0 for item in definition.items}
    left = max(0, min(total, sum(tops.values())))
    if rng is None:
        for item in items:
            scores[item.key] = min(tops[item.key], left)
            left -= scores[item.key]
    while left > 0 and rng is not None:
        item = rng.choice([i for i in items if scores[i.key] < tops[i.key]])
        scores[item.key] += 1
        left -= 1
    return {item.key: next(o.position for o in item.options if o.score == scores[item.key])
            for item in definition.items}
