# Overflow overrides move to the routing app (routing.OverflowStep.override, ...), which the
# router reads; the overrides set so far are carried over before the table is dropped.

from django.db import migrations


def carry_over(apps, schema_editor):
    OverflowOverride = apps.get_model("supervision", "OverflowOverride")
    OverflowStep = apps.get_model("routing", "OverflowStep")
    for override in OverflowOverride.objects.all():
        OverflowStep.objects.filter(pk=override.step_id).update(
            override="open" if override.is_open else "closed",
            override_by_id=override.set_by_id,
            override_at=override.set_at,
            override_reason=override.reason,
        )


class Migration(migrations.Migration):

    dependencies = [
        ("supervision", "0001_initial"),
        ("routing", "0002_overflow_step_override"),
    ]

    operations = [
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.DeleteModel(
            name="OverflowOverride",
        ),
    ]
