"""The evaluation-form editor: a new form, a new version of one, and refusals that keep what
was typed."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from relais.apps.audit.models import AuditEntry
from relais.apps.quality.models import Criterion, EvaluationForm, FormVersion
from tests.apps.conftest import World
from tests.apps.quality.fixtures import QualityWorld, quality_world
from tests.apps.signin import logged_in


@pytest.fixture
def qw(world: World) -> QualityWorld:
    return quality_world(world)


def _rows(**extra: str) -> dict[str, str]:
    rows = {
        "name": "Écrit",
        "passing_score": "75",
        "s0-title": "Relation client",
        "s0-weight": "2",
        "s0-c0-label": "Reformule la demande",
        "s0-c0-soft_skill": "rephrasing",
        "s0-c0-weight": "1",
        "s0-c0-scale_max": "4",
        "s0-c0-na": "on",
        "s0-c1-label": "Annonce le délai exact",
        "s0-c1-soft_skill": "",
        "s0-c1-weight": "2",
        "s0-c1-scale_max": "1",
        "s0-c1-critical": "on",
        # a blank criterion and a blank section: left out
        "s0-c2-label": "",
        "s0-c2-weight": "1",
        "s0-c2-scale_max": "4",
        "s1-title": "",
        "s1-weight": "1",
        "s1-c0-label": "",
        "save": "1",
    }
    return rows | extra


def test_an_analyst_writes_a_new_form(qw: QualityWorld) -> None:
    client = logged_in(qw.world.users["quality_analyst"])

    response = client.post(reverse("quality:form_new"), _rows())

    assert response.status_code == 302
    version = FormVersion.objects.get(form__name="Écrit")
    assert version.number == 1
    assert version.passing_score == 75
    (section,) = version.sections.all()
    assert (section.title, section.weight) == ("Relation client", 2)
    criteria = list(section.criteria.all())
    assert [(c.label, c.soft_skill, c.critical, c.allows_not_applicable) for c in criteria] == [
        ("Reformule la demande", "rephrasing", False, True),
        ("Annonce le délai exact", "", True, False),
    ]
    entry = AuditEntry.objects.get(action="quality.form_version.create", object_id=str(version.pk))
    assert entry.changes["form"] == "Écrit"


def test_editing_a_form_makes_a_version_and_keeps_the_old_one(qw: QualityWorld) -> None:
    client = logged_in(qw.world.users["quality_analyst"])
    form = qw.version.form
    before = list(Criterion.objects.filter(section__version=qw.version).values_list("label"))

    page = client.get(reverse("quality:form_edit", args=[form.pk]))
    # the editor shows the latest version's rows, and the name cannot change
    html = page.content.decode()
    assert all(label in html for (label,) in before)
    response = client.post(reverse("quality:form_edit", args=[form.pk]), _rows(name="Autre nom"))

    assert response.status_code == 302
    assert list(form.versions.order_by("number").values_list("number", flat=True)) == [1, 2]
    assert not EvaluationForm.objects.filter(name="Autre nom").exists()
    assert list(Criterion.objects.filter(section__version=qw.version).values_list("label")) == (
        before
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("s0-c0-weight", "beaucoup"),
        ("s0-c1-scale_max", "2.5"),
        ("passing_score", "120"),
        ("s0-c0-soft_skill", "charisma"),
        ("s0-title", ""),
    ],
)
def test_bad_rows_are_refused_and_what_was_typed_stays(
    qw: QualityWorld, field: str, value: str
) -> None:
    analyst = qw.world.users["quality_analyst"]
    analyst.language = "fr"
    analyst.save(update_fields=["language"])
    client = logged_in(analyst)

    response = client.post(reverse("quality:form_new"), _rows(**{field: value}))

    assert response.status_code == 400
    html = response.content.decode()
    assert "La grille ne peut pas être enregistrée" in html
    assert "Annonce le délai exact" in html  # nothing typed is lost
    assert not EvaluationForm.objects.filter(name="Écrit").exists()


def test_a_taken_name_is_refused_for_a_new_form(qw: QualityWorld) -> None:
    client = logged_in(qw.world.users["quality_analyst"])

    response = client.post(reverse("quality:form_new"), _rows(name=qw.version.form.name))

    assert response.status_code == 400
    assert qw.version.form.versions.count() == 1


def test_more_rows_adds_room_without_saving(qw: QualityWorld) -> None:
    client = logged_in(qw.world.users["quality_analyst"])
    rows: dict[str, Any] = _rows()
    del rows["save"]

    response = client.post(reverse("quality:form_new"), rows | {"more": "1"})

    assert response.status_code == 200
    assert response.content.decode().count('data-testid="criterion-row"') == 2 + 2 + 3
    assert not EvaluationForm.objects.filter(name="Écrit").exists()


def test_a_script_in_a_label_is_shown_as_text(qw: QualityWorld) -> None:
    client = logged_in(qw.world.users["quality_analyst"])
    client.post(reverse("quality:form_new"), _rows(**{"s0-c0-label": "<script>alert(1)</script>"}))

    html = client.get(reverse("quality:forms")).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
