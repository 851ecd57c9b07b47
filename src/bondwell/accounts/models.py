"""Sites, users with one role each, mothers and their babies, and the append-only access audit."""

from __future__ import annotations

import secrets
from datetime import time
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from bondwell.accounts.roles import Role
from bondwell.append_only import AppendOnlyModel


class Country(models.TextChoices):
    AUSTRALIA = "AU", "Australia"
    UNITED_KINGDOM = "UK", "United Kingdom"
    UNITED_STATES = "US", "United States"


# The time zone a site of each country gets unless it sets its own (`Site.time_zone`).
DEFAULT_TIME_ZONE = {"AU": "Australia/Sydney", "UK": "Europe/London", "US": "America/New_York"}


def _weekdays() -> str:
    return "01234"  # Monday (0) to Friday (4)


def _opens() -> time:
    return time(9, 0)


def _closes() -> time:
    return time(17, 0)


class Site(models.Model):
    """A service (a hospital's perinatal team, a community health centre) running Bondwell.

    Its working hours, working days, time zone and region (for public holidays) say when a clinician is at work:
    `bondwell.accounts.service_hours` answers every "is anyone there now / when next" question from them.
    """

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    country = models.CharField(max_length=2, choices=Country.choices, default=Country.AUSTRALIA)
    region = models.CharField(
        max_length=8, blank=True,
        help_text="State, territory or nation as the public-holiday calendar names it (e.g. NSW, VIC, NIR, SCT, CA).",
    )
    time_zone = models.CharField(
        max_length=64, blank=True, help_text="IANA time zone, e.g. Australia/Perth; blank: the country's default."
    )
    working_days = models.CharField(
        max_length=7, default=_weekdays, help_text="Days clinicians work, 0 = Monday … 6 = Sunday, e.g. 01234."
    )
    opens_at = models.TimeField(default=_opens)
    closes_at = models.TimeField(default=_closes)
    is_synthetic = models.BooleanField(default=False, help_text="Demo data: not a real service.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone_name(self) -> str:
        return self.time_zone or DEFAULT_TIME_ZONE.get(self.country, "Australia/Sydney")

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from bondwell.accounts.service_hours import validate_site_hours

        problems = validate_site_hours(self)
        if problems:
            raise ValidationError(problems)


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("email: an email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(role=Role.ADMIN, is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


SITE_BOUND_ROLES = frozenset({Role.MOTHER, Role.EDUCATOR, Role.CLINICIAN, Role.SITE_LEAD})


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=120)
    role = models.CharField(max_length=20, choices=Role.choices)
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May use Django's own admin (never on by default).")
    date_joined = models.DateTimeField(default=timezone.now)
    is_synthetic = models.BooleanField(default=False)
    # Staff contact for alerts: a mobile number in E.164 form, trusted for SMS only once verified by a code.
    mobile = models.CharField(max_length=20, blank=True)
    mobile_verified_at = models.DateTimeField(null=True, blank=True)
    alerts_by_email = models.BooleanField(default=True)
    alerts_by_sms = models.BooleanField(default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name", "role"]

    class Meta:
        ordering = ["full_name"]
        indexes = [models.Index(fields=["site", "role"])]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    @property
    def verified_mobile(self) -> str:
        """The mobile number texts may go to ("" until its owner has confirmed a code sent to it)."""
        return self.mobile if self.mobile and self.mobile_verified_at is not None else ""

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.role in SITE_BOUND_ROLES and self.site_id is None:
            raise ValidationError({"site": f"A {Role(self.role).label.lower()} must belong to a site."})


def new_pseudonym() -> str:
    # Unambiguous characters only: the code is read aloud and typed by staff.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "BW-" + "".join(secrets.choice(alphabet) for _ in range(8))


class Mother(models.Model):
    """A mother in the service. She may have a login (user) or be entered by staff from paper."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="mothers")
    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="mother_profile"
    )
    full_name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    preferred_contact_times = models.CharField(
        max_length=120, blank=True, help_text="When she would like to be phoned, e.g. 'mornings, not 12–2'."
    )
    pseudonym = models.CharField(max_length=16, unique=True, default=new_pseudonym, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["full_name"]
        indexes = [models.Index(fields=["site", "full_name"]), models.Index(fields=["site", "date_of_birth"])]

    def __str__(self) -> str:
        return self.full_name


class Baby(models.Model):
    mother = models.ForeignKey(Mother, on_delete=models.PROTECT, related_name="babies")
    name = models.CharField(max_length=80)
    birth_date = models.DateField()
    gestation_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["birth_date"]
        verbose_name_plural = "babies"

    def __str__(self) -> str:
        return self.name

    @property
    def born_preterm(self) -> bool:
        return self.gestation_weeks is not None and self.gestation_weeks < 37


class AuditEvent(AppendOnlyModel):
    """Who read or changed which mother's record, in what role, when and from where. Append-only."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="audit_events")
    actor_role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=40)
    mother = models.ForeignKey(Mother, null=True, on_delete=models.PROTECT, related_name="audit_events")
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True)
    user_agent = models.CharField(max_length=200, blank=True)
    # Tamper evidence (bondwell.accounts.audit_chain): the previous event's hash in its lane and this event's own.
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)
    lane = models.PositiveSmallIntegerField(default=0)

    refused_change: ClassVar[str] = "The access audit is append-only: events cannot be changed."
    refused_delete: ClassVar[str] = "The access audit is append-only: events cannot be deleted."

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["mother", "-at"]), models.Index(fields=["actor", "-at"]),
            models.Index(fields=["lane", "id"], name="accounts_audit_lane_id"),  # each lane's head
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_role} {self.action} {self.object_type}:{self.object_id}"
