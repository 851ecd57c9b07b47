"""Formerly loaded the shipped studies into EvidenceStudy; those tables are replaced by the review in 0003
and the shipped evidence base is now loaded as the shipped review's first version by 0004."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_initial")]
    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
