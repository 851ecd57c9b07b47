"""The programme's side of the scoping layer: which mothers an educator teaches.

`bondwell.accounts.access.mothers_in_scope` calls `mothers_taught_by` through settings.BONDWELL_EDUCATOR_SCOPE
(and still restricts the answer to the educator's own site).
"""

from __future__ import annotations

from django.db.models import QuerySet

from bondwell.accounts.models import Mother, User
from bondwell.programme.models import Booking

ACTIVE_STATUSES = (Booking.Status.BOOKED, Booking.Status.WAITING)


def mothers_taught_by(user: User) -> QuerySet[Mother]:
    """Mothers booked (or waiting) on a course this educator teaches."""
    # A subquery rather than a join: no duplicates, and callers may paginate or count freely.
    booked = Booking.objects.filter(course__educator=user, status__in=ACTIVE_STATUSES).values("mother_id")
    return Mother.objects.filter(pk__in=booked)
