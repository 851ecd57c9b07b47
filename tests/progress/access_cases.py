"""Every progress view in the role × view matrix (see tests/access_matrix.py)."""

from tests.access_matrix import Case, RolePage, everyone

_CLINICAL = everyone(403, clinician=200)
# The scoping layer answers first: a mother outside the educator's or site lead's scope is not found.
_STAFF_FOREIGN = {"educator": 404, "site_lead": 404}


def _mother(world, mother):  # type: ignore[no-untyped-def]
    return {"mother_id": mother.pk}


CASES = [
    # Questionnaire results: the clinician only; the educator and the site lead get 403 on their own mothers.
    Case("progress-mother", _mother, own=_CLINICAL, foreign=_STAFF_FOREIGN),
    Case("progress-export", _mother, own=_CLINICAL, foreign=_STAFF_FOREIGN),
]

ROLE_PAGES = [
    RolePage("progress-mine", everyone(403, mother=200)),
    RolePage("progress-summary", everyone(403, mother=200)),
    RolePage("progress-dashboard", everyone(403, site_lead=200)),
    RolePage("progress-dashboard-chart", everyone(403, site_lead=200)),
]
