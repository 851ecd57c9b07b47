from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("evidence", "0005_keep_researcher_added_studies")]
    operations = [
        migrations.RemoveField(model_name="evidencestudy", name="added_by"),
        migrations.DeleteModel(name="EvidenceOutcome"),
        migrations.DeleteModel(name="EvidenceStudy"),
    ]
