"""Every study view in the role × view matrix.

Study pages are declared as record cases: `kwargs(world, mother)` builds (once) a recruiting two-arm study at
the mother's site, so "own" is a study of the viewer's site (the site-A researcher is a member) and "foreign"
is the site-B study, which every site-A user must get 404 for.
"""

from __future__ import annotations

from typing import Any

from tests.access_matrix import Case, RolePage, everyone

STAFF = {"clinician": 200, "site_lead": 200}


def study_at(world: Any, site: Any) -> Any:
    from bondwell.studies.models import Study, StudyMember
    from bondwell.studies.services import StudyPlan, create_study, set_study_status

    code = f"T{site.pk}"
    study = Study.objects.filter(code=code).first()
    if study is not None:
        return study
    lead = world.users["site_lead"] if site == world.site_a else world.users_b["site_lead"]
    plan = StudyPlan(title=f"Trial at {site.name}", code=code, design="two_arm", sites=(site,),
                     consent_text="I agree.", consent_version="1.0", baby_age_max_days=3650)
    study = create_study(plan, by=lead)
    study = set_study_status(study, "recruiting", by=lead)
    if site == world.site_a:
        StudyMember.objects.create(study=study, user=world.users["researcher"], added_by=lead)
        StudyMember.objects.create(study=study, user=world.users["statistician"], added_by=lead)
    return study


def screened(world: Any, mother: Any) -> Any:
    from django.utils import timezone

    from bondwell.studies.demo import record_epds
    from bondwell.studies.enrolment import screen_mother
    from bondwell.studies.models import ScreeningEntry

    study = study_at(world, mother.site)
    entry = ScreeningEntry.objects.filter(study=study, mother=mother).first()
    if entry is not None:
        return entry
    clinician = world.users["clinician"] if mother.site == world.site_a else world.users_b["clinician"]
    record_epds(mother, 16, timezone.localdate(), clinician)
    return screen_mother(study, mother, by=clinician)


def enrolled(world: Any, mother: Any) -> Any:
    from django.utils import timezone

    from bondwell.studies.enrolment import enrol_participant

    entry = screened(world, mother)
    if hasattr(entry, "participant"):
        return entry.participant
    return enrol_participant(entry, by=entry.screened_by, consent_version="1.0", consented_at=timezone.now())


def _study(world: Any, mother: Any) -> dict[str, Any]:
    return {"study_id": study_at(world, mother.site).pk}


def _mother(world: Any, mother: Any) -> dict[str, Any]:
    return {"study_id": study_at(world, mother.site).pk, "mother_id": mother.pk}


def _entry(world: Any, mother: Any) -> dict[str, Any]:
    entry = screened(world, mother)
    return {"study_id": entry.study_id, "entry_id": entry.pk}


def _participant(world: Any, mother: Any) -> dict[str, Any]:
    participant = enrolled(world, mother)
    return {"study_id": participant.study_id, "participant_id": participant.pk}


def _fmt(fmt: str) -> Any:
    return lambda world, mother: {**_study(world, mother), "fmt": fmt}


STUDY_PAGE = everyone(403, clinician=200, site_lead=200, researcher=200, statistician=200)
STAFF_PAGE = everyone(403, **STAFF)
MANAGERS_REDIRECT = everyone(403, site_lead=302, researcher=302)
# While the study recruits, by-arm results are for the unblinded statistician only: blinded staff and
# researchers get 403 (the record is theirs to see, the by-arm view is not).
BY_ARM_PAGE = everyone(403, statistician=200)
BY_ARM_FOREIGN = everyone(403, clinician=404, site_lead=404, researcher=404, statistician=404)  # not in scope
STATISTICIAN_ONLY = everyone(403, statistician=200)

CASES = [
    Case("study-detail", _study, own=STUDY_PAGE),
    # Recruiting: the protocol is fixed, so the edit page sends managers back to the study.
    Case("study-edit", _study, own=MANAGERS_REDIRECT),
    # Recruitment opens and closes by the study's own site leads only.
    Case("study-status", _study, own=everyone(403, site_lead=302), method="post", data={"status": "setup"}),
    Case("study-members", _study, own=everyone(403, site_lead=200, researcher=200)),
    Case("study-enrol", _study, own=STAFF_PAGE),
    Case("study-screen", _mother, own=STAFF_PAGE),
    Case("study-consent", _entry, own=STAFF_PAGE),
    Case("study-screening-log", _study, own=STAFF_PAGE),
    Case("study-participants", _study, own=STAFF_PAGE),
    Case("study-participant", _participant, own=STAFF_PAGE),
    Case("study-randomise", _participant, own=everyone(403, site_lead=200)),
    Case("study-withdraw", _participant, own=STAFF_PAGE),
    Case("study-participant-update", _participant, own=everyone(403, clinician=302, site_lead=302),
         method="post", data={"change": "received"}),
    Case("study-followup", _study, own=STUDY_PAGE),
    Case("study-analysis", _study, own=BY_ARM_PAGE, foreign=BY_ARM_FOREIGN),
    Case("study-report-pdf", _study, own=BY_ARM_PAGE, foreign=BY_ARM_FOREIGN),
    Case("study-dmc-report", _study, own=STATISTICIAN_ONLY),
    Case("study-lock", _study, own=STATISTICIAN_ONLY),
    Case("study-consort", _fmt("svg"), own=STUDY_PAGE),
    # Individual-level data leaves only as the researchers' pseudonymised exports.
    Case("study-export", _fmt("sav"), own=everyone(403, researcher=200, statistician=200)),
]

ROLE_PAGES = [
    RolePage("study-list", everyone(403, clinician=200, site_lead=200, researcher=200, statistician=200)),
    RolePage("study-new", everyone(403, site_lead=200, researcher=200)),
    RolePage("study-sample-size", everyone(403, clinician=200, site_lead=200, researcher=200, statistician=200)),
]
