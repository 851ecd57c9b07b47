"""Publish the shipped evidence base (data/studies.yaml) as version 1 of the shipped review."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from bondwell.evidence.shipped import load_shipped_review

    load_shipped_review(
        apps.get_model("evidence", "Review"),
        apps.get_model("evidence", "Record"),
        apps.get_model("evidence", "ReviewVersion"),
    )


class Migration(migrations.Migration):
    dependencies = [("evidence", "0003_living_review")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
