"""Sites and people through one service each: a site, an account, a mother (with or without her sign-in), her
baby; audited with who did it, refused with the field at fault."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from bondwell.accounts import service_hours, services
from bondwell.accounts.models import AuditEvent, Mother, Site, User


def test_an_administrator_adds_a_site_that_opens_on_its_countrys_clock(world: Any) -> None:
    admin = world.users["admin"]
    site = services.create_site(" Westmead Perinatal ", by=admin, slug="westmead", country="UK", region="SCT")
    assert (site.name, site.zone_name, site.working_days, site.is_synthetic) == (
        "Westmead Perinatal", "Europe/London", "01234", False)
    # Her hours are the default working week until its lead sets them: open on a Tuesday at 10:00 London time.
    tuesday = timezone.make_aware(timezone.datetime(2026, 12, 1, 10, 0), service_hours.zone(site))
    assert service_hours.is_open(site, tuesday)
    event = AuditEvent.objects.get(action="create:site", object_id=str(site.pk))
    assert (event.actor, event.object_type) == (admin, "accounts.Site")


@pytest.mark.parametrize(("changes", "field"), [
    ({"slug": "not a slug"}, "slug"),
    ({"country": "FR"}, "country"),
    ({"region": "XYZ"}, "region"),
    ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ({"name": ""}, "name"),
])
def test_a_site_is_refused_naming_the_field_at_fault(world: Any, changes: dict[str, Any], field: str) -> None:
    values: dict[str, Any] = {"name": "New site", "slug": "new-site", "country": "AU", **changes}
    with pytest.raises(services.AccountError) as refused:
        services.create_site(values.pop("name"), by=None, **values)
    assert refused.value.field == field
    assert not Site.objects.filter(slug__in=["new-site", "not a slug"]).exists()


def test_only_an_administrator_or_the_operator_adds_a_site(world: Any) -> None:
    for role in ("site_lead", "clinician", "researcher"):
        with pytest.raises(services.AccountError):
            services.create_site("Elsewhere", by=world.users[role], slug="elsewhere", country="AU")
    assert not Site.objects.filter(slug="elsewhere").exists()
    assert AuditEvent.objects.get(
        action="create:site", object_id=str(services.create_site("Elsewhere", by=None, slug="elsewhere",
                                                                 country="AU").pk)).actor is None


def test_the_operator_creates_a_clinician_whose_audit_names_no_actor(world: Any) -> None:
    made = services.create_user("New@A.test", by=None, role="clinician", full_name="New", site=world.site_a,
                                password="a-much-longer-password-9")
    assert (made.email, made.site, made.has_usable_password()) == ("new@a.test", world.site_a, True)
    event = AuditEvent.objects.get(action="create:user", object_id=str(made.pk))
    assert event.actor is None


def test_a_site_lead_adds_staff_only_to_her_own_site_and_never_an_administrator(world: Any) -> None:
    lead = world.users["site_lead"]
    made = services.create_user("e@a.test", by=lead, role="educator", full_name="E", site=world.site_a, password=None)
    assert not made.has_usable_password()  # she sets it from the reset link
    assert AuditEvent.objects.get(action="create:user", object_id=str(made.pk)).actor == lead
    for role, site in (("educator", world.site_b), ("admin", None)):
        with pytest.raises(services.AccountError):
            services.create_user("x@a.test", by=lead, role=role, full_name="X", site=site, password=None)
    with pytest.raises(services.AccountError):
        services.create_user("y@a.test", by=world.users["clinician"], role="educator", full_name="Y",
                             site=world.site_a, password=None)
    assert not User.objects.filter(email__in=["x@a.test", "y@a.test"]).exists()


@pytest.mark.parametrize(("changes", "field"), [
    ({"role": "wizard"}, "role"),
    ({"site": None}, "site"),
    ({"password": "123"}, "password"),
    ({"email": "not an address"}, "email"),
])
def test_an_account_is_refused_naming_the_field_at_fault(world: Any, changes: dict[str, Any], field: str) -> None:
    values: dict[str, Any] = {"role": "clinician", "full_name": "N", "site": world.site_a,
                              "password": "a-much-longer-password-9", **changes}
    email = values.pop("email", "n@a.test")
    with pytest.raises(services.AccountError) as refused:
        services.create_user(email, by=None, **values)
    assert refused.value.field == field


def test_a_mother_is_registered_by_her_sites_staff_with_her_sign_in(world: Any) -> None:
    clinician = world.users["clinician"]
    mother = services.register_mother(world.site_a, by=clinician, full_name="Rosa Silva", email="Rosa@A.test",
                                      sign_in=True, password="a-much-longer-password-9")
    assert mother.user is not None
    assert mother.user.role == "mother"
    assert mother.user.site == world.site_a
    assert mother.email == "rosa@a.test"
    event = AuditEvent.objects.get(action="register:mother", object_id=str(mother.pk))
    assert (event.actor, event.mother) == (clinician, mother)
    with pytest.raises(services.AccountError):
        services.register_mother(world.site_b, by=clinician, full_name="Elsewhere")
    with pytest.raises(services.AccountError):
        services.register_mother(world.site_a, by=world.users["researcher"], full_name="Not hers")


def test_a_referral_entered_afterwards_keeps_when_she_was_registered_but_never_a_future_time(world: Any) -> None:
    earlier = timezone.now() - timedelta(days=3)
    mother = services.register_mother(world.site_a, by=world.users["site_lead"], full_name="On paper", at=earlier)
    assert mother.created_at == earlier
    assert mother.user is None
    with pytest.raises(services.AccountError) as refused:
        services.register_mother(world.site_a, by=None, full_name="Later", at=timezone.now() + timedelta(hours=1))
    assert refused.value.field == "at"


def test_a_mother_first_seen_on_paper_is_given_her_sign_in_once(world: Any) -> None:
    lead = world.users["site_lead"]
    user = services.give_sign_in(world.mother_a2, by=lead, email="two@a.test")
    assert Mother.objects.get(pk=world.mother_a2.pk).user == user
    assert not user.has_usable_password()
    assert AuditEvent.objects.get(action="give:sign-in", object_id=str(user.pk)).actor == lead
    with pytest.raises(services.AccountError):
        services.give_sign_in(world.mother_a2, by=lead, email="again@a.test")


def test_a_baby_is_added_synthetic_when_his_mother_is_and_never_born_tomorrow(world: Any) -> None:
    synthetic = services.register_mother(world.site_a, by=None, full_name="Demo", synthetic=True)
    baby = services.add_baby(synthetic, by=world.users["clinician"], name="Kai", birth_date=date(2026, 9, 1))
    assert baby.is_synthetic
    assert AuditEvent.objects.get(action="add:baby", object_id=str(baby.pk)).actor == world.users["clinician"]
    with pytest.raises(services.AccountError) as refused:
        services.add_baby(synthetic, by=None, name="Soon", birth_date=timezone.localdate() + timedelta(days=2))
    assert refused.value.field == "birth_date"


def test_createuser_registers_a_mother_with_her_record_and_sign_in(world: Any) -> None:
    from typer.testing import CliRunner

    from bondwell.cli import app

    result = CliRunner().invoke(app, ["createuser", "m@a.test", "--role", "mother", "--name", "Mia", "--site",
                                      "site-a", "--password", "a-much-longer-password-9"])
    assert result.exit_code == 0, result.output
    mother = Mother.objects.get(user__email="m@a.test")
    assert (mother.site, mother.full_name) == (world.site_a, "Mia")
