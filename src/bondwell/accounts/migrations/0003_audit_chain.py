# Tamper-evident audit: each event carries its own hash and the previous event's (bondwell.accounts.audit_chain).

from django.db import migrations, models


def chain_existing_events(apps, schema_editor):
    from bondwell.accounts.audit_chain import GENESIS, HASHED_FIELDS, event_hash

    AuditEvent = apps.get_model("accounts", "AuditEvent")
    prev = GENESIS
    for row in AuditEvent.objects.order_by("id").values("id", *HASHED_FIELDS).iterator(chunk_size=2000):
        digest = event_hash(prev, row)
        AuditEvent.objects.filter(pk=row["id"]).update(prev_hash=prev, hash=digest)
        prev = digest


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_site_hours"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(chain_existing_events, migrations.RunPython.noop),
    ]
