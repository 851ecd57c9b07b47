"""Every row that belongs to one mother: her record, her account, and the rows that refer to those, recursively.

Walks foreign keys downwards from her Mother row and her User row (never upwards, so a site or a course is not
hers). Staff-authored rows about her (an alert, a follow-up) are reached through her record.
"""

from __future__ import annotations

from collections import defaultdict

from django.apps import apps
from django.db import models

from bondwell.accounts.models import Mother

MAX_DEPTH = 4


def _foreign_keys() -> dict[type[models.Model], list[tuple[type[models.Model], str]]]:
    """target model -> [(model holding the key, field name)]."""
    found: dict[type[models.Model], list[tuple[type[models.Model], str]]] = defaultdict(list)
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey | models.OneToOneField):
                target = field.related_model
                if isinstance(target, type):
                    found[target].append((model, field.name))
    return found


def reachable(mother: Mother) -> dict[type[models.Model], set[object]]:
    """Model -> primary keys of her rows."""
    from bondwell.accounts.models import User

    rows: dict[type[models.Model], set[object]] = defaultdict(set)
    rows[Mother].add(mother.pk)
    if mother.user_id is not None:
        rows[User].add(mother.user_id)
    keys = _foreign_keys()
    frontier: dict[type[models.Model], set[object]] = {Mother: {mother.pk}}
    if mother.user_id is not None:
        frontier[User] = {mother.user_id}
    for _ in range(MAX_DEPTH):
        next_frontier: dict[type[models.Model], set[object]] = defaultdict(set)
        for target, ids in frontier.items():
            for model, name in keys.get(target, []):
                if model is User or (model is Mother and target is not User):
                    continue  # never upwards into staff accounts; a mother's own record is reached directly
                found = set(model._default_manager.filter(**{f"{name}__in": ids}).values_list("pk", flat=True))
                new = found - rows[model]
                if new:
                    rows[model] |= new
                    next_frontier[model] |= new
        if not next_frontier:
            break
        frontier = next_frontier
    return {model: ids for model, ids in rows.items() if ids}
