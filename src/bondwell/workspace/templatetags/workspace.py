"""`{% patient_banner mother %}`: the banner at the top of every staff page about a mother."""

from __future__ import annotations

from typing import Any

from django import template

from bondwell.accounts.models import Mother, User
from bondwell.workspace import banner

register = template.Library()


@register.inclusion_tag("workspace/banner.html", takes_context=True)
def patient_banner(context: dict[str, Any], mother: Mother) -> dict[str, Any]:
    user = context["request"].user
    if not isinstance(user, User):
        return {"banner": None}
    return {"banner": banner.build(mother, user)}
