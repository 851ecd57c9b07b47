from tests.access_matrix import Case, RolePage, everyone
from tests.screening.helpers import PHQ9_CALM, alert_for, draft_for, paper


def _draft(world, mother):  # type: ignore[no-untyped-def]
    return {"draft_id": draft_for(mother).pk}


def _assessment(world, mother):  # type: ignore[no-untyped-def]
    from bondwell.pathway.services import release_result

    clinician = world.users["clinician"] if mother.site_id == world.site_a.pk else world.users_b["clinician"]
    assessment = paper(mother, clinician, PHQ9_CALM)
    release_result(assessment, by=clinician)  # entered from paper: she sees it once released (tests/pathway)
    return {"assessment_id": assessment.pk}


def _alert(world, mother):  # type: ignore[no-untyped-def]
    return {"alert_id": alert_for(mother, world.users["clinician"]).pk}


def _mother(world, mother):  # type: ignore[no-untyped-def]
    return {"mother_id": mother.pk}


def _paper(world, mother):  # type: ignore[no-untyped-def]
    return {"mother_id": mother.pk, "instrument": "epds"}


def _in_a_week() -> str:
    from datetime import date, timedelta

    return (date.today() + timedelta(days=7)).isoformat()


MOTHER_ONLY = everyone(403, mother=200)
CLINICIAN_ONLY = everyone(403, clinician=200)

CASES = [
    Case("screening-answer", _draft, own=MOTHER_ONLY),
    Case("screening-support", _draft, own=MOTHER_ONLY),
    Case("screening-result", _assessment, own=MOTHER_ONLY),
    # Site leads receive alerts (Purpose.ALERTS) but never answers or scores (Purpose.CLINICAL).
    Case("screening-alert", _alert, own=everyone(403, clinician=200, site_lead=200)),
    Case("screening-report", _assessment, own=CLINICIAN_ONLY),
    Case("screening-pdf", _assessment, own=CLINICIAN_ONLY),
    Case("screening-correct", _assessment, own=CLINICIAN_ONLY),
    Case("screening-mother", _mother, own=CLINICIAN_ONLY),
    Case("screening-paper", _paper, own=CLINICIAN_ONLY),
    # Posted from her progress page; the scoping layer answers first for staff outside their scope.
    Case("screening-schedule-pbq", _mother, own=everyone(403, clinician=302),
         foreign={"educator": 404, "site_lead": 404}, method="post", data={"due_on": _in_a_week()}),
]

ROLE_PAGES = [
    RolePage("screening-my", MOTHER_ONLY),
    # Opens (or resumes) her draft and redirects to its first question.
    RolePage("screening-start", everyone(403, mother=302), kwargs={"instrument": "phq9"}),
    RolePage("screening-queue", everyone(403, clinician=200, site_lead=200)),
    RolePage("screening-dashboard", everyone(403, clinician=200, site_lead=200)),
    RolePage("screening-overdue", CLINICIAN_ONLY),
]
ROLE_PAGES.append(RolePage("screening-settings", everyone(403, site_lead=200)))
