"""One name for the leader's leader in code (column renames only)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0005_conversation_models_moved"),
    ]

    operations = [
        migrations.RenameField(
            model_name="plan",
            old_name="approved_by_conductor_at",
            new_name="approved_by_leaders_leader_at",
        ),
        migrations.RenameField(
            model_name="plan",
            old_name="approved_by_conductor",
            new_name="approved_by_leaders_leader",
        ),
    ]
