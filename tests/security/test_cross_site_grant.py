"""A site lead cannot give a researcher export access to a study that includes another site's mothers."""

from __future__ import annotations

from typing import Any

import pytest

from bondwell.studies.models import StudyMember
from bondwell.studies.services import StudyError, StudyPlan, add_study_member, create_study


def _study(world: Any, sites: tuple[Any, ...], code: str) -> Any:
    plan = StudyPlan(title=f"Trial {code}", code=code, design="two_arm", sites=sites, consent_text="I agree.",
                     consent_version="1.0", baby_age_max_days=3650)
    return create_study(plan, by=world.users["researcher"])


def test_a_lead_cannot_grant_access_to_a_study_with_another_sites_mothers(world: Any) -> None:
    shared = _study(world, (world.site_a, world.site_b), "SHARED")
    with pytest.raises(StudyError, match="other sites' mothers"):
        add_study_member(shared, world.users["researcher"].email, by=world.users_b["site_lead"])
    assert not StudyMember.objects.filter(study=shared, added_by=world.users_b["site_lead"]).exists()


def test_a_lead_grants_access_to_a_study_of_her_own_site(world: Any) -> None:
    own = _study(world, (world.site_b,), "OWNB")
    StudyMember.objects.filter(study=own).delete()
    member = add_study_member(own, world.users["researcher"].email, by=world.users_b["site_lead"])
    assert member.study == own
