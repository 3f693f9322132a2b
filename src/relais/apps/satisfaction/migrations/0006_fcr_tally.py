from django.db import migrations, models

#: What a judgement adds to its tally, by outcome (FcrOutcome: 0 repeat, 1 resolved,
#: 2 pending, 3 unidentified), in the order of the tally's columns.
COUNTS = {
    "handled": "TRUE",
    "identified": "outcome <> 3",
    "pending": "outcome = 2",
    "judged": "outcome IN (0, 1)",
    "resolved": "outcome = 1",
}
NAMES = ", ".join(COUNTS)

#: PostgreSQL: one statement's rows at once (transition tables), so the `COPY` of a year by
#: `relais fcr` costs one grouping, not a statement per row. With `relais.fcr_tally` set to
#: "aside" in the transaction they do nothing: `relais fcr` deletes every judgement and empties
#: the tally in two plain statements (subtracting a year row by row took minutes).
POSTGRESQL_MONTH = "date_trunc('month', arrived_at AT TIME ZONE 'UTC')::date"
POSTGRESQL_GROUPED = (
    f"SELECT cell_id, {POSTGRESQL_MONTH} AS month, "
    + ", ".join(f"count(*) FILTER (WHERE {when})" for when in COUNTS.values())
    + " FROM {rows} GROUP BY 1, 2"
)
POSTGRESQL = [
    f"""
CREATE FUNCTION satisfaction_fcrtally_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('relais.fcr_tally', true) = 'aside' THEN
        RETURN NULL;  -- `relais fcr` empties the judgements and the tally itself
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE satisfaction_fcrtally AS t SET
            {", ".join(f"{name} = t.{name} - o.{name}" for name in COUNTS)}
        FROM ({POSTGRESQL_GROUPED.format(rows="old_rows")}) AS o (cell, month, {NAMES})
        WHERE t.cell = o.cell AND t.month = o.month;
        DELETE FROM satisfaction_fcrtally AS t
        USING (SELECT DISTINCT cell_id, {POSTGRESQL_MONTH} AS month FROM old_rows) AS o
        WHERE t.cell = o.cell_id AND t.month = o.month AND t.handled = 0;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO satisfaction_fcrtally AS t (cell, month, {NAMES})
        {POSTGRESQL_GROUPED.format(rows="new_rows")}
        ON CONFLICT (cell, month) DO UPDATE SET
            {", ".join(f"{name} = t.{name} + EXCLUDED.{name}" for name in COUNTS)};
    END IF;
    RETURN NULL;
END
$$""",
    """CREATE TRIGGER satisfaction_fcrtally_insert AFTER INSERT ON satisfaction_fcrjudgement
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION satisfaction_fcrtally_keep()""",
    """CREATE TRIGGER satisfaction_fcrtally_update AFTER UPDATE ON satisfaction_fcrjudgement
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION satisfaction_fcrtally_keep()""",
    """CREATE TRIGGER satisfaction_fcrtally_delete AFTER DELETE ON satisfaction_fcrjudgement
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION satisfaction_fcrtally_keep()""",
    """CREATE FUNCTION satisfaction_fcrtally_empty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM satisfaction_fcrtally;
    RETURN NULL;
END
$$""",
    """CREATE TRIGGER satisfaction_fcrtally_truncate AFTER TRUNCATE ON satisfaction_fcrjudgement
    FOR EACH STATEMENT EXECUTE FUNCTION satisfaction_fcrtally_empty()""",
    f"INSERT INTO satisfaction_fcrtally (cell, month, {NAMES}) "
    + POSTGRESQL_GROUPED.format(rows="satisfaction_fcrjudgement"),
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER satisfaction_fcrtally_truncate ON satisfaction_fcrjudgement",
    "DROP TRIGGER satisfaction_fcrtally_delete ON satisfaction_fcrjudgement",
    "DROP TRIGGER satisfaction_fcrtally_update ON satisfaction_fcrjudgement",
    "DROP TRIGGER satisfaction_fcrtally_insert ON satisfaction_fcrjudgement",
    "DROP FUNCTION satisfaction_fcrtally_empty()",
    "DROP FUNCTION satisfaction_fcrtally_keep()",
]

#: SQLite: row by row (it has no statement triggers); the datetimes are UTC text.
SQLITE_MONTH = "date({row}.arrived_at, 'start of month')"


def _sqlite_add(row: str) -> str:
    values = ", ".join(f"({when.replace('outcome', f'{row}.outcome')})" for when in COUNTS.values())
    return (
        f"INSERT INTO satisfaction_fcrtally (cell, month, {NAMES}) "
        f"VALUES ({row}.cell_id, {SQLITE_MONTH.format(row=row)}, {values}) "
        "ON CONFLICT (cell, month) DO UPDATE SET "
        + ", ".join(f"{name} = {name} + excluded.{name}" for name in COUNTS)
        + ";"
    )


def _sqlite_subtract(row: str) -> str:
    where = f"cell = {row}.cell_id AND month = {SQLITE_MONTH.format(row=row)}"
    values = ", ".join(
        f"{name} = {name} - ({when.replace('outcome', f'{row}.outcome')})"
        for name, when in COUNTS.items()
    )
    return (
        f"UPDATE satisfaction_fcrtally SET {values} WHERE {where}; "
        f"DELETE FROM satisfaction_fcrtally WHERE {where} AND handled = 0;"
    )


SQLITE = [
    "CREATE TRIGGER satisfaction_fcrtally_insert AFTER INSERT ON satisfaction_fcrjudgement "
    f"BEGIN {_sqlite_add('NEW')} END",
    "CREATE TRIGGER satisfaction_fcrtally_update AFTER UPDATE ON satisfaction_fcrjudgement "
    f"BEGIN {_sqlite_subtract('OLD')} {_sqlite_add('NEW')} END",
    "CREATE TRIGGER satisfaction_fcrtally_delete AFTER DELETE ON satisfaction_fcrjudgement "
    f"BEGIN {_sqlite_subtract('OLD')} END",
    f"INSERT INTO satisfaction_fcrtally (cell, month, {NAMES}) "
    f"SELECT cell_id, {SQLITE_MONTH.format(row='j')}, "
    + ", ".join(f"SUM({when.replace('outcome', 'j.outcome')})" for when in COUNTS.values())
    + " FROM satisfaction_fcrjudgement AS j GROUP BY 1, 2",
]
SQLITE_REVERSE = [
    "DROP TRIGGER satisfaction_fcrtally_delete",
    "DROP TRIGGER satisfaction_fcrtally_update",
    "DROP TRIGGER satisfaction_fcrtally_insert",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        with schema_editor.connection.cursor() as cursor:
            for statement in statements[schema_editor.connection.vendor]:
                cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    """The tally of the judgements per cell and month, kept by triggers, and filled with the
    judgements already there (one grouping; about 10 s for 3 million)."""

    dependencies = [
        ("satisfaction", "0005_fcr_judgements_unchecked"),
    ]

    operations = [
        migrations.CreateModel(
            name="FcrTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("cell", models.PositiveIntegerField(verbose_name="cell")),
                ("month", models.DateField(verbose_name="month")),
                ("handled", models.PositiveIntegerField(verbose_name="handled")),
                ("identified", models.PositiveIntegerField(verbose_name="identified")),
                ("pending", models.PositiveIntegerField(verbose_name="pending")),
                ("judged", models.PositiveIntegerField(verbose_name="judged")),
                ("resolved", models.PositiveIntegerField(verbose_name="resolved")),
            ],
            options={
                "verbose_name": "first-contact resolution tally",
                "verbose_name_plural": "first-contact resolution tallies",
                "constraints": [
                    models.UniqueConstraint(fields=("cell", "month"), name="fcr_tally_cell_month")
                ],
            },
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
