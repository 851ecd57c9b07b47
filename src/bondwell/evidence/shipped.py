"""Copy the shipped evidence file into the database, idempotently (insert new keys, refresh existing ones).

Called by the data migration and by `bondwell evidence sync`. Studies added by researchers are never touched.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from bondwell.evidence.data import EvidenceBase, PublishedStudy, load_evidence


def _dose_text(study: PublishedStudy) -> str:
    return study.dose.description


def _risk_of_bias_text(study: PublishedStudy) -> str:
    rob = study.risk_of_bias
    parts = [f"Geary 2023: {rob.geary_2023}" if rob.geary_2023 else "Geary 2023: not available to us"]
    if rob.other:
        parts.append(rob.other)
    return " ".join(parts)


def _study_fields(study: PublishedStudy) -> dict[str, Any]:
    return {
        "short_label": study.short,
        "citation": study.citation,
        "doi": study.doi or "",
        "url": study.url or "",
        "year": study.year,
        "design": study.design,
        "country": study.country or "",
        "population": study.population,
        "pnd_definition": study.pnd_definition,
        "dose": _dose_text(study),
        "comparator": study.comparator,
        "review_inclusion": study.in_geary_2023,
        "risk_of_bias": _risk_of_bias_text(study),
        "sources": dict(study.sources),
        "added_by_user": False,
        "added_by": None,
    }


def _outcome_source(study: PublishedStudy, index: int) -> str:
    prefix = f"outcomes.{index}."
    cited = sorted({text for path, text in study.sources.items() if path.startswith(prefix)})
    return "; ".join(cited)


def sync_shipped_studies(study_model: Any, outcome_model: Any, evidence: EvidenceBase | None = None) -> int:
    """Upsert every shipped study and replace its outcome rows; return how many studies were synced.

    Takes the model classes so that the data migration can pass its historical models.
    """
    evidence = evidence or load_evidence()
    with transaction.atomic():
        for study in evidence.studies:
            # Only the fields the given (possibly historical) model has, so old migrations keep working.
            known = {f.name for f in study_model._meta.get_fields()}
            fields = {name: value for name, value in _study_fields(study).items() if name in known}
            row, _ = study_model.objects.update_or_create(key=study.key, defaults=fields)
            outcome_model.objects.filter(study=row).delete()
            outcome_model.objects.bulk_create(
                outcome_model(
                    study=row,
                    measure=outcome.measure,
                    time_point=outcome.time_point,
                    primary=outcome.primary,
                    n_massage=outcome.massage.n,
                    mean_massage=outcome.massage.mean,
                    sd_massage=outcome.massage.sd,
                    n_control=outcome.control.n,
                    mean_control=outcome.control.mean,
                    sd_control=outcome.control.sd,
                    reported_result=outcome.reported_result or "",
                    not_poolable_reason=outcome.not_poolable_reason or "",
                    source=_outcome_source(study, i),
                )
                for i, outcome in enumerate(study.outcomes)
            )
    return len(evidence.studies)


def sync() -> int:
    """Sync with the current models (for the CLI and tests)."""
    from bondwell.evidence.models import EvidenceOutcome, EvidenceStudy

    return sync_shipped_studies(EvidenceStudy, EvidenceOutcome)
