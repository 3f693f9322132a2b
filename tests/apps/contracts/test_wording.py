"""Statement lines as people read them: targets and their bands, volume tiers, in French and
English; other labels unchanged."""

from __future__ import annotations

import pytest
from django.utils import translation

from relais.apps.contracts.wording import line_wording


@pytest.mark.parametrize(
    ("label", "english", "french"),
    [
        (
            "service_level/day#1 [0.8, )",
            "Service level per day, target 1: 80 % or more",
            "Niveau de service par jour, objectif 1 : 80 % ou plus",
        ),
        (
            "service_level/day#1 [, 0.8)",
            "Service level per day, target 1: under 80 %",
            "Niveau de service par jour, objectif 1 : moins de 80 %",
        ),
        (
            "abandonment/month#2 [0.05, 0.1)",
            "Abandonment per month, target 2: from 5 % to under 10 %",
            "Abandon par mois, objectif 2 : de 5 % à moins de 10 %",
        ),
        ("csat/month#1", "CSAT per month, target 1", "CSAT par mois, objectif 1"),
        ("1-2000", "1 to 2,000", "1 à 2\u202f000"),
        ("2001+", "from 2,001", "à partir de 2\u202f001"),
        ("minimum", "minimum", "minimum"),
    ],
)
def test_line_wording(label: str, english: str, french: str) -> None:
    with translation.override("en"):
        assert line_wording(label) == english
    with translation.override("fr"):
        assert line_wording(label) == french.replace(" : ", "\u202f: ")
