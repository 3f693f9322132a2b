"""The desktop's masking policies (per site: e-mail, surname) become privacy's.

Phone and postal address did not exist: they are masked (failing closed, docs/privacy.md).
Backwards, each site's policy goes back to the desktop (partners' policies cannot)."""

from django.db import migrations


def forwards(apps, schema_editor):
    old = apps.get_model("desktop", "MaskingPolicy")
    new = apps.get_model("privacy", "MaskingPolicy")
    for policy in old.objects.all():
        new.objects.update_or_create(
            site_id=policy.site_id,
            defaults={
                "mask_email": policy.mask_email,
                "mask_surname": policy.mask_surname,
                "mask_phone": True,
                "mask_address": True,
            },
        )


def backwards(apps, schema_editor):
    old = apps.get_model("desktop", "MaskingPolicy")
    new = apps.get_model("privacy", "MaskingPolicy")
    for policy in new.objects.filter(site__isnull=False):
        old.objects.update_or_create(
            site_id=policy.site_id,
            defaults={"mask_email": policy.mask_email, "mask_surname": policy.mask_surname},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("desktop", "0002_wrap_up_reasons"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
