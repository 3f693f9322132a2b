"""The chain is keyed from now on (HMAC-SHA256, audit/chain.py): the entries written before
are version 1 (unkeyed SHA-256), and the first keyed entry links to the last of them."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="chain_version",
            field=models.PositiveSmallIntegerField(
                default=1,
                help_text="1: unkeyed SHA-256 (before 2026-12); 2: HMAC-SHA256.",
                verbose_name="chain version",
            ),
            preserve_default=False,
        ),
    ]
