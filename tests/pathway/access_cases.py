"""Every pathway view in the role × view matrix (see tests/access_matrix.py)."""

from tests.access_matrix import Case, RolePage, everyone
from tests.pathway.helpers import EPDS_17


def _follow_up(world, mother):  # type: ignore[no-untyped-def]
    from datetime import date

    from bondwell.pathway.models import FollowUp
    from bondwell.screening.services import new_submission_key, record_assessment

    clinician = world.users["clinician"] if mother.site_id == world.site_a.pk else world.users_b["clinician"]
    assessment = record_assessment(
        mother, "epds", EPDS_17, source="paper", by=clinician, answered_on=date.today(),
        idempotency_key=new_submission_key(),
    )
    return {"follow_up_id": FollowUp.objects.get(assessment=assessment).pk}


def _mother(world, mother):  # type: ignore[no-untyped-def]
    return {"mother_id": mother.pk}


CASES = [
    # Site leads are told of overdue follow-ups (Purpose.ALERTS) and may open them; only clinicians act.
    Case("pathway-follow-up", _follow_up, own=everyone(403, clinician=200, site_lead=200)),
    Case("pathway-mother", _mother, own=everyone(403, clinician=200)),
]

ROLE_PAGES = [
    RolePage("pathway-worklist", everyone(403, clinician=200, site_lead=200)),
]
