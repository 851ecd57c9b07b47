"""A living systematic review: search records, two reviewers' screening and extraction, risk of bias, and
the published versions the public page shows.

The shipped evidence base (data/studies.yaml) is the shipped review's first published version (migration
0004). Every rule these rows follow lives in `bondwell.evidence.review` (no Django); every write goes through
`bondwell.evidence.services`.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from bondwell.accounts.fields import user_link
from bondwell.append_only import AppendOnlyModel
from bondwell.evidence.review import prisma, screening


class Review(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    question = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.title


class SearchImport(models.Model):
    """One file of search results as it was imported (PRISMA counts its records under `source`)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="imports")
    source = models.CharField(max_length=120)
    filename = models.CharField(max_length=200)
    file_format = models.CharField(max_length=8)
    records = models.PositiveIntegerField()
    duplicates = models.PositiveIntegerField()
    imported_by = user_link(null=True)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["imported_at", "id"]

    def __str__(self) -> str:
        return f"{self.source}: {self.filename}"


class Record(models.Model):
    STATES = [(s, s.replace("_", " ")) for s in prisma.STATES]

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="records")
    search = models.ForeignKey(SearchImport, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=120)
    key = models.SlugField(max_length=80)
    title = models.TextField()
    authors = models.JSONField(default=list, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    journal = models.CharField(max_length=300, blank=True)
    doi = models.CharField(max_length=200, blank=True, db_index=True)
    pmid = models.CharField(max_length=20, blank=True)
    abstract = models.TextField(blank=True)
    state = models.CharField(max_length=16, choices=STATES, default=prisma.SCREENING)
    state_reason = models.TextField(blank=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    agreed = models.JSONField(null=True, blank=True)  # the extraction both reviewers agree on (or resolved)
    rob = models.JSONField(null=True, blank=True)  # tool, answers, domain and overall judgements, who and when
    site_own_data = models.BooleanField(default=False)  # a Bondwell study's own, unpublished analysis
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["review", "state"])]
        constraints = [models.UniqueConstraint(fields=["review", "key"], name="evidence_record_key_unique")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.agreed and self.agreed.get("label"):
            return str(self.agreed["label"])
        first = str(self.authors[0]) if self.authors else "Anonymous"
        surname = first.split(",")[0].split(" ")[0]
        return f"{surname} {self.year}" if self.year else surname


class Decision(models.Model):
    """One reviewer's screening decision on one record at one stage."""

    STAGES = [(screening.TITLE_ABSTRACT, "Title and abstract"), (screening.FULL_TEXT, "Full text")]

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="decisions")
    stage = models.CharField(max_length=16, choices=STAGES)
    reviewer = user_link()
    include = models.BooleanField()
    reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "stage", "reviewer"], name="evidence_one_decision_each")
        ]

    def __str__(self) -> str:
        return f"{self.record_id} {self.stage} by {self.reviewer_id}"


class Resolution(models.Model):
    """How a disagreement between two reviewers was settled."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="resolutions")
    stage = models.CharField(max_length=16, choices=Decision.STAGES)
    include = models.BooleanField()
    reason = models.TextField(blank=True)
    resolved_by = user_link()
    resolved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record", "stage"], name="evidence_one_resolution")]

    def __str__(self) -> str:
        return f"{self.record_id} {self.stage} resolved"


class Extraction(models.Model):
    """One reviewer's data extraction for one included record (two per record, compared field by field)."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="extractions")
    reviewer = user_link()
    data = models.JSONField()
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record", "reviewer"], name="evidence_one_extraction_each")]

    def __str__(self) -> str:
        return f"{self.record_id} by {self.reviewer_id}"


class ReviewVersion(AppendOnlyModel):
    """A published, dated version: what the public page shows, frozen (written once)."""

    refused_change = "A published version cannot be changed; publish a new one."
    refused_delete = "A published version cannot be deleted."

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    published_at = models.DateTimeField(default=timezone.now)
    published_by = user_link(null=True, blank=True)
    note = models.TextField(blank=True)
    snapshot = models.JSONField()  # studies, excluded studies, PRISMA counts, analyses
    changes = models.JSONField(default=list)  # plain sentences: what changed since the previous version

    class Meta:
        ordering = ["review", "-number"]
        constraints = [models.UniqueConstraint(fields=["review", "number"], name="evidence_version_unique")]

    def __str__(self) -> str:
        return f"{self.review} v{self.number}"
