"""Move the messages of the old screening outbox into the one outbox (pending ones are then sent from here)."""

from django.db import migrations

PURPOSES = {"alert", "escalation", "invitation", "reminder"}


def copy(apps, schema_editor):  # type: ignore[no-untyped-def]
    Notification = apps.get_model("screening", "Notification")
    Message = apps.get_model("notify", "Message")
    rows = []
    for old in Notification.objects.select_related("alert__mother", "scheduled__mother").iterator():
        mother = old.alert.mother if old.alert_id else (old.scheduled.mother if old.scheduled_id else None)
        topic = f"alert:{old.alert_id}" if old.alert_id else (f"scheduled:{old.scheduled_id}" if old.scheduled_id else "")
        rows.append(Message(
            dedupe_key=old.dedupe_key, channel=old.channel or "email", recipient=old.recipient, subject=old.subject,
            body=old.body, purpose=old.purpose if old.purpose in PURPOSES else "reminder", topic=topic,
            site_id=mother.site_id if mother else None, urgent=bool(old.alert_id), status=old.status,
            created_at=old.created_at, next_attempt_at=old.next_attempt_at, attempts=old.attempts,
            last_error=old.last_error, sent_at=old.sent_at,
            deliver_by=old.alert.ack_due_at if old.alert_id and old.status == "pending" else None,
        ))
    Message.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0001_initial"),
        ("screening", "0002_infant_harm_alert"),
    ]

    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
