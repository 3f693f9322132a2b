import django.db.models.deletion
from django.db import migrations, models

CELL_FIELDS = (
    "agent_id",
    "team_id",
    "site_id",
    "site_kind",
    "partner_id",
    "queue_id",
    "reason",
    "wait_band",
)


def number_cells(apps, schema_editor):
    """The judgements already there get their cells, in two statements (the next
    `relais fcr` numbers them anew); 0 stands for no one, whom no id is."""
    judgement = apps.get_model("satisfaction", "FcrJudgement")._meta.db_table
    cell = apps.get_model("satisfaction", "FcrCell")._meta.db_table
    names = ", ".join(CELL_FIELDS)
    same = " AND ".join(
        f"COALESCE(j.{name}, 0) = COALESCE(c.{name}, 0)"
        if name.endswith("_id")
        else f"j.{name} = c.{name}"
        for name in CELL_FIELDS
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {cell} (code, {names}) SELECT ROW_NUMBER() OVER (), {names}"
            f" FROM (SELECT DISTINCT {names} FROM {judgement}) d"
        )
        cursor.execute(
            f"UPDATE {judgement} AS j SET cell_id = c.code FROM {cell} AS c WHERE {same}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0002_site_allowed_networks"),
        ("routing", "0007_queuehold"),
        ("satisfaction", "0002_keypad_survey"),
    ]

    operations = [
        migrations.CreateModel(
            name="FcrCell",
            fields=[
                (
                    "site_kind",
                    models.CharField(
                        choices=[
                            ("inshore", "Inshore"),
                            ("offshore", "Offshore"),
                            ("homeshore", "Homeshore"),
                        ],
                        max_length=16,
                        verbose_name="site kind",
                    ),
                ),
                (
                    "reason",
                    models.CharField(blank=True, max_length=40, verbose_name="contact reason"),
                ),
                (
                    "wait_band",
                    models.CharField(
                        choices=[
                            ("0-20s", "under 20 s"),
                            ("20-60s", "20 s to 1 min"),
                            ("1-3min", "1 to 3 min"),
                            ("3min+", "over 3 min"),
                        ],
                        max_length=8,
                        verbose_name="waiting band",
                    ),
                ),
                (
                    "code",
                    models.PositiveIntegerField(
                        primary_key=True, serialize=False, verbose_name="code"
                    ),
                ),
                (
                    "agent",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisation.agent",
                        verbose_name="agent",
                    ),
                ),
                (
                    "partner",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisation.partner",
                        verbose_name="partner",
                    ),
                ),
                (
                    "queue",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="routing.queue",
                        verbose_name="queue",
                    ),
                ),
                (
                    "site",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisation.site",
                        verbose_name="site",
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisation.team",
                        verbose_name="team",
                    ),
                ),
            ],
            options={
                "verbose_name": "first-contact resolution cell",
                "verbose_name_plural": "first-contact resolution cells",
            },
        ),
        migrations.AddField(
            model_name="fcrjudgement",
            name="cell",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="satisfaction.fcrcell",
                verbose_name="cell",
            ),
        ),
        migrations.RunPython(number_cells, migrations.RunPython.noop),
    ]
