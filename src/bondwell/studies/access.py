"""Who may open which study, and which participant. Built on the scoping layer of bondwell.accounts.access.

- Clinicians and site leads see the studies their site takes part in; a participant's record opens only
  through `access_mother` (their own site's mothers, audited).
- Researchers see the studies they are members of, and only pseudonymised, study-level pages and exports.
- The trial statistician (unblinded) sees the studies she is a member of, their by-arm results while the trial
  runs (for the data-monitoring committee) and locks the database; never a mother's record.
- Blinding: until the database is locked, everyone else (site staff who recruit, researchers) sees follow-up
  pooled over the arms and gets 403 on by-arm results (`sees_by_arm`).
- Everyone else sees no study.
A study outside the user's scope answers 404, like a mother's record.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from bondwell.accounts.access import access_mother, audit
from bondwell.accounts.models import User
from bondwell.accounts.roles import Purpose, Role
from bondwell.studies.models import Participant, Study

SITE_STAFF = frozenset({Role.CLINICIAN, Role.SITE_LEAD})
STUDY_ROLES = frozenset({Role.CLINICIAN, Role.SITE_LEAD, Role.RESEARCHER, Role.STATISTICIAN})
MANAGERS = frozenset({Role.SITE_LEAD, Role.RESEARCHER})
MEMBER_ROLES = frozenset({Role.RESEARCHER, Role.STATISTICIAN})  # see a study through StudyMember
UNBLINDED = frozenset({Role.STATISTICIAN})


def studies_for(user: User) -> QuerySet[Study]:
    if not user.is_authenticated or not user.is_active:
        return Study.objects.none()
    if user.role in SITE_STAFF and user.site_id is not None:
        return Study.objects.filter(sites=user.site_id).distinct()
    if user.role in MEMBER_ROLES:
        return Study.objects.filter(members__user=user).distinct()
    return Study.objects.none()


def signed_in(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in first.")
    return user


def access_study(request: HttpRequest, study_id: int, *, roles: frozenset[str] = STUDY_ROLES,
                 action: str = "") -> Study:
    """Open one study: 404 outside the user's studies, 403 for a role this page is not for."""
    user = signed_in(request)
    study = studies_for(user).filter(pk=study_id).first()
    if study is None:
        raise Http404("No such study.")
    if user.role not in roles:
        raise PermissionDenied("This part of the study is not part of your role.")
    if action:
        audit(request, action, obj=study, detail=f"study={study.code}")
    return study


def access_participant(
    request: HttpRequest, study: Study, participant_id: int, purpose: Purpose, *, action: str = ""
) -> Participant:
    """One participant of a study, opened through the mother's record scope (404 / 403, audited)."""
    participant = (
        Participant.objects.filter(study=study, pk=participant_id).select_related("mother", "site").first()
    )
    if participant is None:
        raise Http404("No such participant.")
    access_mother(request, participant.mother_id, purpose, action=action or f"view:study-{purpose.value}")
    return participant


def is_locked(study: Study) -> bool:
    return hasattr(study, "database_lock")


def sees_by_arm(user: User, study: Study) -> bool:
    """By-arm outcomes: the unblinded statistician always; everyone else once the database is locked.
    A single-arm study has no arms to compare, so nothing is blinded."""
    return not study.is_randomised or user.role in UNBLINDED or is_locked(study)


def require_by_arm(request: HttpRequest, study: Study) -> None:
    """403 on a by-arm page for a blinded user (audited as a refusal)."""
    user = signed_in(request)
    if not sees_by_arm(user, study):
        audit(request, "refused:study-by-arm-blinded", obj=study, detail=f"study={study.code}")
        raise PermissionDenied(
            "By-arm results stay with the trial statistician until the database is locked (blinding)."
        )
