"""Sites and people: a service added, an account made for a member of staff, a mother registered (with or
without a sign-in), her baby.

One function per change, validated, in one transaction with its audit event. `by` is the person who does it; `None`
only for the server's operator at the command line (`bondwell createsite`, `bondwell createuser`, `bondwell demo`),
who has no account.
A site lead (or an administrator) manages her site's staff afterwards through `accounts.staff`.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from bondwell.accounts.access import audit
from bondwell.accounts.models import SITE_BOUND_ROLES, Baby, Mother, Site, User
from bondwell.accounts.roles import Role
from bondwell.accounts.staff import LEAD_MAY_GIVE
from bondwell.errors import BondwellError

# Who registers a mother at her site (besides the operator): the staff who meet her.
REGISTERING_ROLES = frozenset({Role.CLINICIAN, Role.SITE_LEAD, Role.EDUCATOR})


class AccountError(BondwellError):
    """An account, a mother or a baby the rules refuse; the message names what to change."""


def _full_clean(row: Model, *, exclude: list[str] | None = None) -> None:
    try:
        row.full_clean(exclude=exclude)
    except ValidationError as error:
        field, problems = next(iter(error.message_dict.items()))
        raise AccountError(problems[0], field=None if field == NON_FIELD_ERRORS else field) from error


def _check_password(password: str | None, user: User) -> None:
    if password is None:
        return  # no password yet: she cannot sign in until one is set (a reset link sets it)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise AccountError(" ".join(error.messages), field="password") from error


def _check_when(at: datetime | None, now: datetime) -> datetime:
    """`at`: when it happened, for a record entered afterwards (e.g. from paper); never in the future."""
    if at is None:
        return now
    if at > now:
        raise AccountError("That time is in the future.", field="at")
    return at


def _may_act_at(by: User | None, site: Site) -> None:
    if by is None or by.role == Role.ADMIN:
        return
    if by.role not in REGISTERING_ROLES or by.site_id != site.pk or not by.is_active:
        raise AccountError("Only staff of her site register a mother.")


def _new_user(
    email: str, *, role: str, full_name: str, site: Site | None, password: str | None, synthetic: bool
) -> User:
    if role not in Role.values:
        raise AccountError(f"Unknown role {role!r}; choose from {', '.join(Role.values)}.", field="role")
    if not email.strip():
        raise AccountError("Enter an email address.", field="email")
    user = User(
        email=User.objects.normalize_email(email.strip()).lower(), full_name=full_name.strip()[:120], role=role,
        site=site, is_synthetic=synthetic,
    )
    _full_clean(user, exclude=["password"])
    _check_password(password, user)
    user.set_password(password)
    user.save()
    return user


def create_site(
    name: str,
    *,
    by: User | None,
    slug: str,
    country: str,
    region: str = "",
    time_zone: str = "",
    working_days: str = "01234",
    opens_at: time = time(9, 0),
    closes_at: time = time(17, 0),
    synthetic: bool = False,
) -> Site:
    """A service that runs Bondwell (a hospital's perinatal team, a community health centre): by the operator or an
    administrator, with the hours its clinicians work (they decide who an alert reaches and what a mother is
    promised; Monday to Friday, 9:00 to 17:00 by default, in its country's time zone unless `time_zone` names
    another). Its lead then sets alert windows, fallback contact and crisis lines, and changes the hours
    (`update_site_hours`), on *Alert settings* once she has an account (`create_user` with the site)."""
    if by is not None and by.role != Role.ADMIN:
        raise AccountError("Only an administrator adds a site.")
    site = Site(name=name.strip(), slug=slug.strip(), country=country, region=region.strip(),
                time_zone=time_zone.strip(), working_days=working_days.strip(), opens_at=opens_at,
                closes_at=closes_at, is_synthetic=synthetic)
    _full_clean(site)
    with transaction.atomic():
        site.save()
        audit(None, "create:site", obj=site, actor=by, detail=f"slug={site.slug} country={site.country}")
    return site


def update_site_hours(
    site: Site,
    *,
    by: User,
    working_days: str,
    opens_at: time,
    closes_at: time,
    time_zone: str = "",
    region: str = "",
) -> Site:
    """Change when a site's clinicians are at work: by its own lead or an administrator. From the next moment on,
    alerts are routed and mothers are promised by these hours (open alerts keep the deadline they were given).
    Its people's pages run on a changed time zone within a minute (`web/site_clock.py`)."""
    if by.role != Role.ADMIN and not (by.role == Role.SITE_LEAD and by.site_id == site.pk):
        raise AccountError("Only the site's lead or an administrator changes its working hours.")
    with transaction.atomic():
        locked = Site.objects.select_for_update().get(pk=site.pk)
        locked.working_days, locked.opens_at, locked.closes_at = working_days.strip(), opens_at, closes_at
        locked.time_zone, locked.region = time_zone.strip(), region.strip()
        _full_clean(locked)
        locked.save(update_fields=["working_days", "opens_at", "closes_at", "time_zone", "region"])
        audit(None, "update:site-hours", obj=locked, actor=by,
              detail=f"days={locked.working_days} {locked.opens_at:%H:%M}-{locked.closes_at:%H:%M} "
                     f"zone={locked.zone_name} region={locked.region or '-'}")
    return locked


def create_user(
    email: str,
    *,
    by: User | None,
    role: str,
    full_name: str,
    site: Site | None,
    password: str | None,
    synthetic: bool = False,
) -> User:
    """An account for a member of staff (or a researcher, statistician or administrator): by the operator or an
    administrator, or by a site lead for her own site's educators, clinicians and leads (as `accounts.staff`
    allows). Without a password she sets one from a reset link. A mother's sign-in comes with her record:
    `register_mother`."""
    if role == Role.MOTHER:
        raise AccountError("Register a mother with her record (register_mother).", field="role")
    if by is not None and by.role != Role.ADMIN and not (
        by.role == Role.SITE_LEAD and role in LEAD_MAY_GIVE and site is not None and site.pk == by.site_id
    ):
        raise AccountError("A site lead adds educators, clinicians and leads of her own site.")
    if role in SITE_BOUND_ROLES and site is None:
        raise AccountError(f"A {Role(role).label.lower()} must belong to a site.", field="site")
    with transaction.atomic():
        user = _new_user(email, role=role, full_name=full_name, site=site, password=password, synthetic=synthetic)
        audit(None, "create:user", obj=user, actor=by, detail=f"role={role} site={site.slug if site else '-'}")
    return user


def register_mother(
    site: Site,
    *,
    by: User | None,
    full_name: str,
    email: str = "",
    password: str | None = None,
    sign_in: bool = False,
    date_of_birth: date | None = None,
    phone: str = "",
    preferred_contact_times: str = "",
    synthetic: bool = False,
    at: datetime | None = None,
) -> Mother:
    """Register a mother at a site, by its staff (or the operator). With `sign_in` she also gets her own account
    (her email is her sign-in; without a password she sets one through a reset link). `at`: when she was
    registered, for a referral entered afterwards; never in the future."""
    _may_act_at(by, site)
    if not full_name.strip():
        raise AccountError("Enter her full name.", field="full_name")
    registered = _check_when(at, timezone.now())
    with transaction.atomic():
        user = None
        if sign_in:
            user = _new_user(email, role=Role.MOTHER, full_name=full_name, site=site, password=password,
                             synthetic=synthetic)
        mother = Mother(
            site=site, user=user, full_name=full_name.strip()[:120], email=user.email if user else email.strip(),
            phone=phone.strip(), date_of_birth=date_of_birth, preferred_contact_times=preferred_contact_times.strip(),
            created_at=registered, is_synthetic=synthetic,
        )
        _full_clean(mother)
        mother.save()
        audit(None, "register:mother", mother=mother, obj=mother, actor=by,
              detail="with a sign-in" if user else "without a sign-in")
    return mother


def add_baby(
    mother: Mother, *, by: User | None, name: str, birth_date: date, gestation_weeks: int | None = None
) -> Baby:
    """Add her baby to a mother's record (staff of her site, or the operator); synthetic when she is."""
    _may_act_at(by, mother.site)
    if birth_date > timezone.localdate():
        raise AccountError("The birth date cannot be in the future.", field="birth_date")
    with transaction.atomic():
        baby = Baby(mother=mother, name=name.strip()[:80], birth_date=birth_date, gestation_weeks=gestation_weeks,
                    is_synthetic=mother.is_synthetic)
        _full_clean(baby)
        baby.save()
        audit(None, "add:baby", mother=mother, obj=baby, actor=by)
    return baby


def give_sign_in(mother: Mother, *, by: User | None, email: str, password: str | None = None) -> User:
    """A mother first seen on paper gets her own sign-in (to book, answer and log practice herself). Without a
    password she sets one through a reset link sent to `email`."""
    _may_act_at(by, mother.site)
    with transaction.atomic():
        locked = Mother.objects.select_for_update().get(pk=mother.pk)
        if locked.user_id is not None:
            raise AccountError("She already has a sign-in.")
        user = _new_user(email, role=Role.MOTHER, full_name=locked.full_name, site=locked.site,
                         password=password, synthetic=locked.is_synthetic)
        Mother.objects.filter(pk=mother.pk).update(user=user, email=user.email)
        mother.user, mother.email = user, user.email
        audit(None, "give:sign-in", mother=mother, obj=user, actor=by)
    return user
