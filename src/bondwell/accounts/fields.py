"""The one definition of a row's link to a user who acted on it (entered, booked, closed, revoked…) or whom it names.

PROTECT, because users are deactivated, never deleted: what someone did stays theirs in every record. No reverse
accessor (`related_name="+"`): such links are read from the row, never as "everything this user did" from the
user, and a reverse name per row type would only crowd `User`. A link that is read from the user (a course's
educator, a user's API tokens) names its own reverse accessor and does not use this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, overload

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable

    from bondwell.accounts.models import User


@overload
def user_link(
    *, null: Literal[False] = False, blank: Literal[False] = False
) -> models.ForeignKey[User | Combinable, User]: ...


@overload
def user_link(
    *, null: Literal[True], blank: bool = False
) -> models.ForeignKey[User | Combinable | None, User | None]: ...


def user_link(*, null: bool = False, blank: bool = False) -> models.ForeignKey[Any, Any]:
    """`null=True` where the system can act with nobody signed in (a command, the worker); `blank=True` as well
    where a person may leave it empty, or where it stays empty until the act happens."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, null=null, blank=blank, on_delete=models.PROTECT, related_name="+"
    )
