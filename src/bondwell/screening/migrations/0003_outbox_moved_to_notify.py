# The outbox moved to bondwell.notify (its rows were copied by notify 0002); sites get a fallback mobile number.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0002_infant_harm_alert'),
        ('notify', '0002_copy_screening_outbox'),
    ]

    operations = [
        migrations.AddField(
            model_name='sitesafetysettings',
            name='fallback_phone',
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.DeleteModel(
            name='DeliveryAttempt',
        ),
        migrations.DeleteModel(
            name='Notification',
        ),
    ]
