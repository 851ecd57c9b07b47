"""Studies: design, arms, schedule, screening log, participants, concealed allocations and scheduled visits.

What is secret stays in its own tables: the randomisation seed (RandomisationKey) and each participant's date
shift (Participant.date_shift_days) are never rendered or exported. Allocations are append-only.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from bondwell.accounts.fields import user_link
from bondwell.accounts.models import Mother, Site, User
from bondwell.append_only import AppendOnlyModel


class Design(models.TextChoices):
    SINGLE_ARM = "single_arm", "Single-arm cohort"
    TWO_ARM = "two_arm", "Two-arm randomised (infant massage vs standard postnatal care)"
    WAIT_LIST = "wait_list", "Wait-list control (randomised)"


class StudyStatus(models.TextChoices):
    SETUP = "setup", "Being set up"
    RECRUITING = "recruiting", "Recruiting"
    CLOSED = "closed", "Closed to recruitment"


class Method(models.TextChoices):
    BLOCKS = "blocks", "Permuted blocks of random sizes"
    MINIMISATION = "minimisation", "Minimisation (Pocock–Simon)"


class Anchor(models.TextChoices):
    ENROLMENT = "enrolment", "Enrolment"
    BIRTH = "birth", "Baby's birth"


class Study(models.Model):
    title = models.CharField(max_length=200)
    code = models.SlugField(
        max_length=12, unique=True,
        help_text="Short code used in participant study IDs, e.g. HAPPI gives HAPPI-0001.",
    )
    design = models.CharField(max_length=20, choices=Design.choices, default=Design.TWO_ARM)
    status = models.CharField(max_length=20, choices=StudyStatus.choices, default=StudyStatus.SETUP)
    sites = models.ManyToManyField(Site, related_name="studies")
    # Eligibility
    epds_min = models.PositiveSmallIntegerField(
        default=13, help_text="Eligible at or above this EPDS total at screening."
    )
    baby_age_min_days = models.PositiveSmallIntegerField(default=0)
    baby_age_max_days = models.PositiveSmallIntegerField(default=84)
    # Consent
    consent_text = models.TextField()
    consent_version = models.CharField(max_length=20, default="1.0")
    # Randomisation
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.BLOCKS)
    block_sizes = models.CharField(max_length=40, default="4,6", help_text="Comma-separated, e.g. 4,6.")
    stratify_by_site = models.BooleanField(default=True)
    stratify_by_severity = models.BooleanField(default=True)
    severity_cutoff = models.PositiveSmallIntegerField(
        default=20, help_text="Baseline EPDS at or above this is the 'high' severity stratum."
    )
    minimisation_probability = models.FloatField(default=0.8)
    # Schedule and outcomes
    anchor = models.CharField(max_length=20, choices=Anchor.choices, default=Anchor.ENROLMENT)
    schedule_weeks = models.CharField(
        max_length=80, default="0,6,13,26,52", help_text="Weeks after the anchor; 0 is the baseline."
    )
    window_days = models.PositiveSmallIntegerField(default=14, help_text="A visit counts within ± this many days.")
    primary_outcome = models.CharField(max_length=20, default="epds", editable=False)
    secondary_outcomes = models.CharField(max_length=80, blank=True, help_text="Instrument names, e.g. gad7.")
    per_protocol_minutes = models.FloatField(
        null=True, blank=True,
        help_text="Per-protocol sensitivity analysis: mean home-practice minutes a week an intervention "
        "mother must reach (blank: received the intervention at all).",
    )
    shift_dates = models.BooleanField(
        default=True, help_text="Shift every date in exports by a random per-participant number of days."
    )
    created_by = user_link()
    created_at = models.DateTimeField(default=timezone.now)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name_plural = "studies"

    def __str__(self) -> str:
        return self.title

    @property
    def is_randomised(self) -> bool:
        return self.design != Design.SINGLE_ARM

    @property
    def secondary(self) -> tuple[str, ...]:
        """The secondary outcome instruments, e.g. ("gad7",)."""
        return tuple(s.strip() for s in self.secondary_outcomes.split(",") if s.strip())


class Arm(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="arms")
    code = models.CharField(max_length=20)  # "intervention" / "control": the codes the statistics expect
    label = models.CharField(max_length=120)
    ratio = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["-code"]  # intervention before control
        constraints = [models.UniqueConstraint(fields=["study", "code"], name="studies_arm_unique_code")]

    def __str__(self) -> str:
        return self.label


class Timepoint(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="timepoints")
    week = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=40)
    window_days = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["week"]
        constraints = [models.UniqueConstraint(fields=["study", "week"], name="studies_timepoint_unique_week")]

    def __str__(self) -> str:
        return self.label


class StudyMember(models.Model):
    """A researcher working on a study: sees its pseudonymised data and exports, never names."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="study_memberships")
    added_by = user_link()
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["study", "user"], name="studies_member_unique")]

    def __str__(self) -> str:
        return f"member {self.user_id} of study {self.study_id}"


class RandomisationKey(AppendOnlyModel):
    """The study's secret seed. Never rendered, exported or logged; fixed once made."""

    study = models.OneToOneField(Study, on_delete=models.PROTECT, related_name="randomisation_key")
    seed = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"randomisation key of study {self.study_id}"


class ExclusionReason(models.TextChoices):
    EPDS_BELOW = "epds_below", "EPDS below the threshold"
    NO_EPDS = "no_epds", "No EPDS result at screening"
    BABY_AGE = "baby_age", "Baby outside the age window"
    NO_BABY = "no_baby", "No baby recorded"
    DECLINED = "declined", "Declined to participate"
    OTHER = "other", "Other reason"


NOT_ELIGIBLE = frozenset({ExclusionReason.EPDS_BELOW, ExclusionReason.NO_EPDS, ExclusionReason.BABY_AGE,
                          ExclusionReason.NO_BABY})


class ScreeningEntry(models.Model):
    """One mother assessed for eligibility (the screening log that feeds CONSORT)."""

    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="screening_entries")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    mother = models.ForeignKey(Mother, on_delete=models.PROTECT, related_name="study_screenings")
    screened_at = models.DateTimeField(default=timezone.now)
    screened_by = user_link()
    epds_total = models.PositiveSmallIntegerField(null=True, blank=True)
    epds_source = models.CharField(max_length=60, blank=True)
    epds_answered_on = models.DateField(null=True, blank=True)
    baby_age_days = models.IntegerField(null=True, blank=True)
    eligible = models.BooleanField()
    exclusion_reason = models.CharField(max_length=20, choices=ExclusionReason.choices, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-screened_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["study", "mother"], name="studies_screening_once")]
        indexes = [models.Index(fields=["study", "site", "-screened_at"])]

    def __str__(self) -> str:
        return f"screening {self.pk} of study {self.study_id}"


class ParticipantStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    WITHDRAWN = "withdrawn", "Withdrawn"
    LOST = "lost", "Lost to follow-up"


class WithdrawalScope(models.TextChoices):
    INTERVENTION = "intervention", "Stops the intervention, stays in follow-up"
    FOLLOW_UP = "follow_up", "No further contact; data given so far is kept"


class Participant(models.Model):
    """A consented, enrolled mother. Her name stays with the site; studies use `code`."""

    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="participants")
    mother = models.ForeignKey(Mother, on_delete=models.PROTECT, related_name="study_participations")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    screening = models.OneToOneField(ScreeningEntry, on_delete=models.PROTECT, related_name="participant")
    code = models.CharField(max_length=24)
    consent_version = models.CharField(max_length=20)
    consented_at = models.DateTimeField()
    enrolled_at = models.DateTimeField(default=timezone.now)
    enrolled_by = user_link()
    baseline_epds = models.PositiveSmallIntegerField(null=True)
    anchor_date = models.DateField()
    status = models.CharField(max_length=20, choices=ParticipantStatus.choices, default=ParticipantStatus.ACTIVE)
    withdrawal_scope = models.CharField(max_length=20, choices=WithdrawalScope.choices, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.CharField(max_length=200, blank=True)
    received_intervention = models.BooleanField(null=True)
    # Held server-side only: the shift applied to this participant's dates in exports.
    date_shift_days = models.SmallIntegerField(default=0)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["study", "mother"], name="studies_participant_once"),
            models.UniqueConstraint(fields=["study", "code"], name="studies_participant_code"),
        ]
        indexes = [models.Index(fields=["study", "site", "status"])]

    def __str__(self) -> str:
        return self.code


class Allocation(AppendOnlyModel):
    """One randomisation: final, audited, never edited or deleted."""

    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="allocations")
    participant = models.OneToOneField(Participant, on_delete=models.PROTECT, related_name="allocation")
    arm = models.ForeignKey(Arm, on_delete=models.PROTECT, related_name="allocations")
    method = models.CharField(max_length=20, choices=Method.choices)
    stratum = models.CharField(max_length=120)
    sequence = models.PositiveIntegerField(help_text="1-based within the stratum (blocks) or the study.")
    block_number = models.PositiveIntegerField(null=True)
    block_size = models.PositiveSmallIntegerField(null=True)
    allocated_at = models.DateTimeField(default=timezone.now)
    allocated_by = user_link()
    # The safety check shown before randomising: what was open for her, and the decision recorded.
    open_alerts_seen = models.PositiveSmallIntegerField(default=0)
    open_follow_ups_seen = models.PositiveSmallIntegerField(default=0)
    safety_decision = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["allocated_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["study", "stratum", "sequence"], name="studies_allocation_sequence"),
        ]

    def __str__(self) -> str:
        return f"allocation of participant {self.participant_id}"


class Visit(models.Model):
    """A scheduled assessment of one participant at one timepoint, with its window."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="visits")
    timepoint = models.ForeignKey(Timepoint, on_delete=models.PROTECT, related_name="visits")
    due_on = models.DateField()
    opens_on = models.DateField()
    closes_on = models.DateField()
    epds_total = models.PositiveSmallIntegerField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    assessed_on = models.DateField(null=True, blank=True)  # the day she answered
    source = models.CharField(max_length=60, blank=True)  # e.g. "screening.Assessment:42"
    invited = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["participant", "timepoint"], name="studies_visit_once")]
        indexes = [models.Index(fields=["closes_on", "completed_at"])]

    def __str__(self) -> str:
        return f"visit {self.timepoint_id} of participant {self.participant_id}"


class DatabaseLock(AppendOnlyModel):
    """The study's database lock: recorded once, audited, final. The final analysis runs on `snapshot`, the
    long frame (pseudonymised) as it was at the lock; its SHA-256 is kept to show it was not changed."""

    study = models.OneToOneField(Study, on_delete=models.PROTECT, related_name="database_lock")
    locked_at = models.DateTimeField(default=timezone.now)
    locked_by = user_link()
    reason = models.CharField(max_length=300)
    snapshot = models.TextField()  # CSV of frame.long_frame(study) at the lock
    snapshot_sha256 = models.CharField(max_length=64)
    n_participants = models.PositiveIntegerField()
    n_rows = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"database lock of study {self.study_id}"


class ConsentVersion(models.Model):
    """What one version of a study's consent form allows, e.g. which withdrawal choices it offers."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="consent_versions")
    version = models.CharField(max_length=20)
    withdrawal_scopes = models.CharField(
        max_length=80, default="intervention,follow_up",
        help_text="Withdrawal choices this consent form offers: intervention, follow_up.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["study", "version"], name="studies_consent_version_once")]

    def __str__(self) -> str:
        return f"consent {self.version} of study {self.study_id}"

    @property
    def scopes(self) -> tuple[str, ...]:
        return tuple(s.strip() for s in self.withdrawal_scopes.split(",") if s.strip())


class VisitOutcome(models.Model):
    """A secondary outcome (e.g. the GAD-7 total) at one visit, filled like the EPDS from a submitted
    screening Assessment answered inside the visit's window."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="secondary")
    instrument = models.CharField(max_length=20)
    total = models.FloatField()
    assessed_on = models.DateField()
    completed_at = models.DateTimeField()
    source = models.CharField(max_length=60)  # "screening.Assessment:<pk>"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["visit", "instrument"], name="studies_visit_outcome_once")]
        indexes = [models.Index(fields=["instrument", "visit"])]

    def __str__(self) -> str:
        return f"{self.instrument} at visit {self.visit_id}"
