# Status packs read by stakeholders through a signed link (leadline.cadence).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workspaces", "0005_decision_input_links"),
    ]

    operations = [
        migrations.AlterField(
            model_name="stakeholderlink",
            name="purpose",
            field=models.CharField(
                choices=[
                    ("agreement", "Working agreement"),
                    ("alignment", "Alignment check"),
                    ("decision", "Input to a decision"),
                    ("pack", "Status pack"),
                ],
                max_length=32,
            ),
        ),
    ]
