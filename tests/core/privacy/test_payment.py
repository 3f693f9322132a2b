"""Card numbers (Luhn) and IBANs (mod 97) in free text: found when valid, left otherwise."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relais.core.privacy import CLOSED, OPEN, card_numbers, iban_valid, ibans, luhn_valid, mask_text

VALID_CARDS = [
    "4111111111111111",  # Visa
    "4111 1111 1111 1111",
    "4111-1111-1111-1111",
    "5555 5555 5555 4444",  # Mastercard
    "3782 822463 10005",  # American Express, 15 digits
    "6011111111111117",  # Discover
]
VALID_IBANS = [
    "FR7630006000011234567890189",
    "FR76 3000 6000 0112 3456 7890 189",
    "DE89 3704 0044 0532 0130 00",
    "GB82 WEST 1234 5698 7654 32",
    "ro49 aaaa 1b31 0075 9384 0000",  # lower case, as people type it
]


@pytest.mark.parametrize("card", VALID_CARDS)
def test_a_valid_card_number_is_masked_for_everybody_but_its_last_four(card: str) -> None:
    # given a message carrying a card number, read with nothing else masked
    text = f"Voici ma carte {card}, merci"
    # when it is masked
    shown = mask_text(text, OPEN)
    # then the number is gone but its last four digits, the rest is untouched
    digits = card.replace(" ", "").replace("-", "")
    assert digits[:-4] not in shown.replace(" ", "").replace("-", "")
    assert shown == f"Voici ma carte ••• {digits[-4:]}, merci"


@pytest.mark.parametrize(
    "text",
    [
        "commande 4111111111111112",  # a card's shape, Luhn fails
        "colis 1234567890123",  # 13 digits, Luhn fails
        "appelez le +33 6 12 34 56 78",  # a phone number: too short for a card
        "suivi 12345678901234567890123",  # longer than any card
        "le 12/03/2026 à 14h30, 3 articles",
    ],
)
def test_a_number_that_fails_the_luhn_check_is_left_alone(text: str) -> None:
    assert list(card_numbers(text)) == []
    assert mask_text(text, OPEN) == text


@pytest.mark.parametrize("iban", VALID_IBANS)
def test_a_valid_iban_is_masked_for_everybody_but_its_country_and_last_four(iban: str) -> None:
    compact = iban.replace(" ", "").upper()
    shown = mask_text(f"IBAN : {iban} pour le remboursement", OPEN)
    assert shown == f"IBAN : {compact[:2]}••• {compact[-4:]} pour le remboursement"


def test_an_iban_running_into_the_next_word_is_cut_where_its_checksum_holds() -> None:
    text = "FR76 3000 6000 0112 3456 7890 189 OK MERCI"
    found = list(ibans(text))
    assert [compact for _, _, compact in found] == ["FR7630006000011234567890189"]
    assert mask_text(text, OPEN) == "FR••• 0189 OK MERCI"


@pytest.mark.parametrize(
    "text",
    [
        "FR76 3000 6000 0112 3456 7890 188",  # one digit off: mod 97 fails
        "REF AB12 CDEF GHIJ KLMN",  # an IBAN's shape, not one
        "FR76",
    ],
)
def test_an_iban_that_fails_its_checksum_is_left_alone(text: str) -> None:
    assert list(ibans(text)) == []
    assert mask_text(text, OPEN) == text


def test_the_checksums_themselves() -> None:
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")
    assert not luhn_valid("4111 1111")  # digits only
    assert iban_valid("GB82WEST12345698765432")
    assert not iban_valid("GB82WEST12345698765433")
    assert not iban_valid("GB82")


def _luhn_completed(body: str) -> str:
    for last in "0123456789":
        if luhn_valid(body + last):
            return body + last
    raise AssertionError("one check digit always completes a number")


@given(st.text(alphabet="0123456789", min_size=15, max_size=15))
def test_any_luhn_valid_sixteen_digits_are_masked_whatever_the_masking(body: str) -> None:
    card = _luhn_completed(body)
    grouped = " ".join(card[i : i + 4] for i in range(0, 16, 4))
    for masking in (OPEN, CLOSED):
        shown = mask_text(f"carte {grouped} fin", masking)
        assert shown == f"carte ••• {card[-4:]} fin"
