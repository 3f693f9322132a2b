from django.db import migrations

REASONS = [
    ("resolved", "Résolu", "Resolved", 10),
    ("information", "Information donnée", "Information given", 20),
    ("escalated", "Transmis au niveau 2", "Escalated to level 2", 30),
    ("complaint", "Réclamation enregistrée", "Complaint recorded", 40),
    ("no_answer", "Client parti sans réponse", "Customer left without an answer", 50),
]


def add_reasons(apps, schema_editor):
    WrapUpReason = apps.get_model("desktop", "WrapUpReason")
    for code, label_fr, label_en, order in REASONS:
        WrapUpReason.objects.get_or_create(
            code=code, defaults={"label_fr": label_fr, "label_en": label_en, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("desktop", "0001_initial")]
    operations = [migrations.RunPython(add_reasons, migrations.RunPython.noop)]
