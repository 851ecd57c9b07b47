"""The class observation moves to programme: progress forgets the model, its table stays where it is.

State only: the table `progress_observation` (with its rows, index and constraint) is kept and programme's
`Observation` adopts it (programme 0002, which runs after this one)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('progress', '0002_bookingsummary_summarystate'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Observation')],
            database_operations=[],
        ),
    ]
