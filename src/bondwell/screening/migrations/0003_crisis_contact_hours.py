# Site crisis contacts are added beside the national lines and say their hours (issue 11).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("screening", "0002_infant_harm_alert"),
    ]

    operations = [
        migrations.AddField(
            model_name="sitecrisiscontact",
            name="open_24_7",
            field=models.BooleanField(default=False, verbose_name="Open 24 hours, 7 days"),
        ),
        migrations.AddField(
            model_name="sitecrisiscontact",
            name="days",
            field=models.CharField(
                blank=True, default="01234", help_text="Days open, 0 = Monday … 6 = Sunday.", max_length=7
            ),
        ),
        migrations.AddField(
            model_name="sitecrisiscontact",
            name="opens_at",
            field=models.TimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="sitecrisiscontact",
            name="closes_at",
            field=models.TimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="sitecrisiscontact",
            name="is_crisis_line",
            field=models.BooleanField(
                default=False,
                help_text="Answers people in crisis. Leave unticked for a support or call-back service.",
            ),
        ),
        migrations.AlterField(
            model_name="sitecrisiscontact",
            name="phone",
            field=models.CharField(help_text="A number that can be dialled in the site's country.", max_length=40),
        ),
        migrations.AlterField(
            model_name="sitecrisiscontact",
            name="when",
            field=models.CharField(
                blank=True, help_text="Anything to add about the hours, e.g. 'not on public holidays'.", max_length=120
            ),
        ),
    ]
