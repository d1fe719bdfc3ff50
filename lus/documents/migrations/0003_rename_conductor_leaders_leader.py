"""One name for the leader's leader in code (column rename; filed rows are not touched)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_filedrecord_immutable"),
    ]

    operations = [
        migrations.RenameField(
            model_name="filedrecord",
            old_name="conductor",
            new_name="leaders_leader",
        ),
        migrations.RenameField(
            model_name="filedrecord",
            old_name="approved_by_conductor_at",
            new_name="approved_by_leaders_leader_at",
        ),
    ]
