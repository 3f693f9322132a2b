# API tokens get scopes, an expiry and the fingerprint of their owner's password (issue 15).
# Tokens made before had neither: they expire at once (created again, with scopes).

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scopes",
            field=models.JSONField(default=list, verbose_name="scopes"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="expires at"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="password_fingerprint",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("revoked", "Revoked by a person"),
                    ("password_changed", "Password changed"),
                ],
                max_length=32,
                verbose_name="why revoked",
            ),
        ),
    ]
