"""The demo's quality: a form, a drawn sample, evaluations and a complete calibration session
with Atlas Contact's bias; loaded once."""

from __future__ import annotations

import pytest
from django.test import Client

from relais.apps.accounts.models import User
from relais.apps.organisation.models import Partner
from relais.apps.quality.calibration import calibration_complete, partner_biases
from relais.apps.quality.models import (
    CalibrationSession,
    Criterion,
    Evaluation,
    EvaluationForm,
    SampledContact,
    SoftSkill,
)
from relais.demo.company import load_demo_company
from relais.demo.quality import load_demo_quality
from relais.demo.queues import load_demo_queues


@pytest.fixture
def demo(db: None) -> None:
    load_demo_company()
    load_demo_queues()
    assert load_demo_quality()


def test_the_demo_has_a_soft_skill_form_a_sample_and_evaluations(demo: None) -> None:
    form = EvaluationForm.objects.get()
    skills = set(Criterion.objects.exclude(soft_skill="").values_list("soft_skill", flat=True))

    assert skills == set(SoftSkill.values) - {""}
    assert Criterion.objects.filter(critical=True).count() == 1
    assert form.plans.get().draws.count() == 1
    assert SampledContact.objects.count() == 2 * 7  # two per agent with chats last week
    assert Evaluation.objects.filter(calibration__isnull=True).count() == 6
    assert not load_demo_quality()  # a second run writes nothing
    assert Evaluation.objects.count() == 10


def test_the_calibration_is_complete_and_measures_atlas_bias(demo: None) -> None:
    session = CalibrationSession.objects.get()
    atlas = Partner.objects.get(name="Atlas Contact")

    assert calibration_complete(session)
    bias, measured_in = partner_biases()[atlas.pk]
    assert bias > 0  # Atlas's evaluator scores higher than the client's analyst
    assert measured_in == session
    client = Client()
    client.force_login(User.objects.get(username="qualite"))
    page = client.get("/quality/").content.decode()
    assert 'data-testid="bias"' in page
