import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Apart from 0003: PostgreSQL alters no table with the updates' checks still pending."""

    dependencies = [("satisfaction", "0003_fcr_cells")]

    operations = [
        migrations.AlterField(
            model_name="fcrjudgement",
            name="cell",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="satisfaction.fcrcell",
                verbose_name="cell",
            ),
        ),
    ]
