"""Published studies of infant massage for PND and their outcome rows.

Shipped studies come from `data/studies.yaml` (loaded by a data migration and `bondwell evidence sync`);
researchers add more through the page, and those carry who added them and when (`added_by_user`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from bondwell.evidence.data import DESIGN_LABELS


class EvidenceStudy(models.Model):
    class Design(models.TextChoices):
        RCT = "rct", DESIGN_LABELS["rct"]
        QUASI_EXPERIMENTAL = "quasi_experimental", DESIGN_LABELS["quasi_experimental"]
        PRE_POST = "pre_post", DESIGN_LABELS["pre_post"]
        QUALITATIVE = "qualitative", DESIGN_LABELS["qualitative"]
        MIXED_METHODS = "mixed_methods", DESIGN_LABELS["mixed_methods"]
        OTHER = "other", DESIGN_LABELS["other"]

    key = models.SlugField(max_length=80, unique=True)
    short_label = models.CharField(max_length=80)
    citation = models.TextField()
    doi = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    design = models.CharField(max_length=24, choices=Design.choices)
    country = models.CharField(max_length=80, blank=True)
    population = models.TextField(blank=True)
    pnd_definition = models.CharField(max_length=200, blank=True)
    dose = models.TextField(blank=True)
    comparator = models.CharField(max_length=200, blank=True)
    review_inclusion = models.CharField(max_length=20, blank=True)  # shipped studies: in Geary 2023?
    risk_of_bias = models.TextField(blank=True)
    sources = models.JSONField(default=dict, blank=True)  # field path -> where the number was read
    added_by_user = models.BooleanField(default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence_added",
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["year", "short_label", "id"]
        verbose_name_plural = "evidence studies"
        indexes = [models.Index(fields=["added_by_user", "year"])]

    def __str__(self) -> str:
        return self.short_label

    @property
    def link(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else self.url


class EvidenceOutcome(models.Model):
    """One outcome of one study at one time point: massage arm against its comparator."""

    study = models.ForeignKey(EvidenceStudy, on_delete=models.CASCADE, related_name="outcomes")
    measure = models.CharField(max_length=120, default="EPDS")
    time_point = models.CharField(max_length=200)
    primary = models.BooleanField(default=True)
    n_massage = models.PositiveIntegerField(null=True, blank=True)
    mean_massage = models.FloatField(null=True, blank=True)
    sd_massage = models.FloatField(null=True, blank=True)
    n_control = models.PositiveIntegerField(null=True, blank=True)
    mean_control = models.FloatField(null=True, blank=True)
    sd_control = models.FloatField(null=True, blank=True)
    reported_result = models.TextField(blank=True)
    not_poolable_reason = models.TextField(blank=True)
    source = models.TextField(blank=True)

    class Meta:
        ordering = ["study_id", "-primary", "id"]
        indexes = [models.Index(fields=["primary", "measure"])]

    def __str__(self) -> str:
        return f"{self.study} · {self.measure} · {self.time_point}"

    @property
    def complete(self) -> bool:
        numbers = (self.n_massage, self.mean_massage, self.sd_massage, self.n_control, self.mean_control,
                   self.sd_control)  # fmt: skip
        return all(value is not None for value in numbers)

    @property
    def poolable(self) -> bool:
        return self.measure == "EPDS" and self.complete and not self.not_poolable_reason
