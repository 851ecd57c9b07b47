# Merges the audit chain (issue 20) with the staff contact fields (issue 12).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_audit_chain"),
        ("accounts", "0003_staff_contact"),
    ]

    operations = []
