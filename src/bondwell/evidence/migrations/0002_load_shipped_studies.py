"""Load the shipped studies (data/studies.yaml) into the tables; re-run later with `bondwell evidence sync`."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from bondwell.evidence.shipped import sync_shipped_studies

    sync_shipped_studies(apps.get_model("evidence", "EvidenceStudy"), apps.get_model("evidence", "EvidenceOutcome"))


def unload(apps: Any, schema_editor: Any) -> None:
    apps.get_model("evidence", "EvidenceStudy").objects.filter(added_by_user=False).delete()


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
