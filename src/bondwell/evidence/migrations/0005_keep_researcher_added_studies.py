"""Studies researchers added on the old evidence page went public unreviewed (issue 14). Keep them, as records
of the review's draft waiting for full-text screening by two reviewers, with their numbers as extracted."""

from typing import Any

from django.db import migrations

SOURCE = "Added on the earlier evidence page (before issue 14)"
NUMBERS = ("n_massage", "mean_massage", "sd_massage", "n_control", "mean_control", "sd_control")


def copy(apps: Any, schema_editor: Any) -> None:
    Study = apps.get_model("evidence", "EvidenceStudy")
    Outcome = apps.get_model("evidence", "EvidenceOutcome")
    Review = apps.get_model("evidence", "Review")
    Record = apps.get_model("evidence", "Record")
    review = Review.objects.filter(slug="infant-massage-pnd").first()
    if review is None:
        return
    for study in Study.objects.filter(added_by_user=True).order_by("id"):
        outcome = Outcome.objects.filter(study=study, primary=True).first()
        agreed: dict[str, Any] = {
            "label": study.short_label,
            "citation": study.citation,
            "link": f"https://doi.org/{study.doi}" if study.doi else study.url,
            "year": study.year,
            "design": study.design,
            "country": study.country,
            "population": study.population,
            "pnd_definition": study.pnd_definition,
            "dose": study.dose,
            "comparator": study.comparator,
        }
        if outcome is not None:
            agreed.update({name: getattr(outcome, name) for name in NUMBERS})
            agreed.update(
                time_point=outcome.time_point, source=outcome.source, not_poolable_reason=outcome.not_poolable_reason
            )
        Record.objects.create(
            review=review,
            source=SOURCE,
            key=study.key[:80],
            title=study.citation,
            year=study.year,
            doi=study.doi,
            state="full_text",
            agreed=agreed,
        )


class Migration(migrations.Migration):
    dependencies = [("evidence", "0004_publish_shipped_review")]
    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
