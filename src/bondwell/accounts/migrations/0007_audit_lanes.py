# The audit chain in lanes (issue 18): every existing event stays in lane 0, its chain unchanged; new writers on
# PostgreSQL each lease a lane of their own (bondwell.accounts.audit_chain). Stop every web process and worker
# before migrating: code from before this migration chains on the newest event of any lane.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_mother_birth_date_contact_times'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='lane',
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['lane', 'id'], name='accounts_audit_lane_id'),
        ),
    ]
