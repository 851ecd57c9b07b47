"""The class observation, moved here from progress: programme's `Observation` adopts the table progress made
(`progress_observation`, created by progress 0001), so no row moves and nothing is written to the database."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('programme', '0001_initial'),
        ('progress', '0003_observation_moves_to_programme'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Observation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('eye_contact', models.PositiveSmallIntegerField(choices=[(0, 'Not seen'), (1, 'Sometimes'), (2, 'Often'), (3, 'Throughout')], validators=[django.core.validators.MaxValueValidator(3)])),
                        ('responds_to_cues', models.PositiveSmallIntegerField(choices=[(0, 'Not seen'), (1, 'Sometimes'), (2, 'Often'), (3, 'Throughout')], validators=[django.core.validators.MaxValueValidator(3)])),
                        ('talks_to_baby', models.PositiveSmallIntegerField(choices=[(0, 'Not seen'), (1, 'Sometimes'), (2, 'Often'), (3, 'Throughout')], validators=[django.core.validators.MaxValueValidator(3)])),
                        ('gentle_touch', models.PositiveSmallIntegerField(choices=[(0, 'Not seen'), (1, 'Sometimes'), (2, 'Often'), (3, 'Throughout')], validators=[django.core.validators.MaxValueValidator(3)])),
                        ('baby_engagement', models.PositiveSmallIntegerField(choices=[(0, 'Not seen'), (1, 'Sometimes'), (2, 'Often'), (3, 'Throughout')], validators=[django.core.validators.MaxValueValidator(3)])),
                        ('checklist_sum', models.PositiveSmallIntegerField()),
                        ('checklist_version', models.CharField(max_length=10)),
                        ('note', models.CharField(blank=True, max_length=300)),
                        ('recorded_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('is_synthetic', models.BooleanField(default=False)),
                        ('mother', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='class_observations', to='accounts.mother')),
                        ('observed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='observations', to='programme.classsession')),
                    ],
                    options={
                        'db_table': 'progress_observation',
                        'ordering': ['-recorded_at', '-id'],
                        'indexes': [models.Index(fields=['mother', '-recorded_at'], name='progress_ob_mother__9d4b8b_idx')],
                        'constraints': [models.UniqueConstraint(fields=('session', 'mother'), name='progress_one_observation_per_class')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
