"""Password rules: twelve characters at least, not common, not all digits, and not the
person's name (issue 15, finding 6)."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from relais.apps.accounts.models import User
from tests.apps.factories import UserFactory


@pytest.fixture
def person(db: None) -> User:
    return UserFactory(
        username="edupont", first_name="Élodie", last_name="Dupont", email="elodie.d@example.com"
    )


@pytest.mark.parametrize(
    "password",
    [
        "edupont",  # the username
        "EDUPONT-Winter-2027",  # contains it, whatever the case
        "Marmalade-dupont-77",  # the last name
        "elodie-Harbour-Fig-9",  # the first name, accent aside
        "short-Pw1",  # too short
        "123456789012345",  # only digits
        "password1234",  # common
    ],
)
def test_a_weak_password_is_refused(person: User, password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password, person)


def test_a_strong_password_unrelated_to_the_person_is_accepted(person: User) -> None:
    validate_password("Tangerine-Ledger-Harbour-77", person)


def test_the_password_page_refuses_the_persons_name(person: User) -> None:
    from tests.apps.conftest import logged_in
    from tests.apps.factories import PASSWORD

    client = logged_in(person)

    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Dupont-Dupont-2027",
            "new_password2": "Dupont-Dupont-2027",
        },
    )

    person.refresh_from_db()
    assert response.status_code == 200
    assert person.check_password(PASSWORD)
    assert "name" in response.content.decode() or "nom" in response.content.decode()
