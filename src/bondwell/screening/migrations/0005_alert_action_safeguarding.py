# An infant-harm alert's actions include a safeguarding referral (issue 11).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("screening", "0004_merge_crisis_hours_outbox"),
    ]

    operations = [
        migrations.AlterField(
            model_name="riskalert",
            name="action",
            field=models.CharField(
                blank=True,
                choices=[
                    ("phoned", "Phoned the mother"),
                    ("safety_plan", "Safety plan made or reviewed"),
                    ("referral_gp", "Referred to her GP"),
                    ("referral_pmh", "Referred to perinatal mental health"),
                    ("emergency", "Emergency services called"),
                    ("safeguarding", "Safeguarding referral made"),
                    ("other", "Other (see note)"),
                ],
                max_length=16,
            ),
        ),
    ]
