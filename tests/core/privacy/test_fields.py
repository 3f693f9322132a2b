"""One field hidden, a record's attributes and reference, the strictest of maskings, and a
policy's own patterns (RE2)."""

from __future__ import annotations

import pytest

from relais.core.privacy import (
    CLOSED,
    OPEN,
    Masking,
    PatternError,
    compile_patterns,
    mask_address,
    mask_attributes,
    mask_email,
    mask_name,
    mask_phone,
    mask_reference,
    mask_text,
    parse_patterns,
    pattern_check,
    strictest,
)
from relais.core.privacy.patterns import MAX_PATTERN_CHARS, MAX_PATTERNS


def test_each_field_keeps_only_what_identifies_nobody() -> None:
    assert mask_name("Ana Martin Lopez") == "Ana L."
    assert mask_name("Ana") == "Ana"
    assert mask_email("ana.martin@example.fr") == "a•••@example.fr"
    assert mask_email("no-at-sign") == "•••"
    assert mask_phone("+33 6 12 34 56 78") == "•••78"
    assert mask_phone("123") == "•••"
    assert mask_address("12 rue de la Paix, 75002 Paris") == "•••"
    assert (mask_email(""), mask_phone(""), mask_address("")) == ("", "", "")


def test_a_reference_is_masked_as_what_it_is() -> None:
    assert mask_reference("ana@example.fr", CLOSED) == "a•••@example.fr"
    assert mask_reference("+33 6 12 34 56 78", CLOSED) == "•••78"
    assert mask_reference("CRM-4411", CLOSED) == "CRM-4411"  # the integration's identifier
    assert mask_reference("ana@example.fr", OPEN) == "ana@example.fr"


def test_attributes_that_name_reach_or_locate_the_customer_are_masked() -> None:
    attributes = {
        "name": "Ana Martin",
        "email": "ana@example.fr",
        "phone": "0612345678",
        "address": "1 rue X",
        "message": "IBAN FR7630006000011234567890189",
        "topic": "orders",
        "count": 3,
    }
    assert mask_attributes(attributes, CLOSED) == {
        "name": "Ana M.",
        "email": "a•••@example.fr",
        "phone": "•••78",
        "address": "•••",
        "message": "IBAN FR••• 0189",
        "topic": "orders",
        "count": 3,
    }
    shown = mask_attributes(attributes, OPEN)
    assert shown["name"] == "Ana Martin"
    assert shown["message"] == "IBAN FR••• 0189"


def test_e_mail_addresses_in_a_message_follow_the_e_mail_field() -> None:
    text = "écrivez à ana.martin@example.fr svp"
    assert mask_text(text, CLOSED) == "écrivez à a•••@example.fr svp"
    assert mask_text(text, OPEN) == text


def test_the_strictest_masking_hides_what_any_hides() -> None:
    inshore = Masking(surname=False, email=False, phone=False, address=False)
    partner = Masking(surname=True, email=False, phone=True, address=False, patterns=("A\\d+",))
    assert strictest([inshore, partner]) == partner
    assert strictest([]) == CLOSED


def test_a_policys_own_patterns_are_masked() -> None:
    masking = Masking(
        surname=False, email=False, phone=False, address=False, patterns=(r"CLT-\d{6}",)
    )
    assert mask_text("client CLT-123456 ici", masking) == "client ••• ici"
    assert mask_text("client CLT-12 ici", masking) == "client CLT-12 ici"


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(a)\\1", "invalid"),  # a back-reference: RE2 cannot run it in linear time
        ("(?=a)b", "invalid"),  # a look-ahead, likewise
        ("([a-z]", "invalid"),
        ("x" * (MAX_PATTERN_CHARS + 1), "too_long"),
        ("a*", "matches_empty"),
    ],
)
def test_a_pattern_re2_cannot_run_safely_is_refused(pattern: str, reason: str) -> None:
    with pytest.raises(PatternError) as refused:
        pattern_check(pattern)
    assert refused.value.reason == reason


def test_too_many_patterns_are_refused_and_blank_lines_ignored() -> None:
    assert parse_patterns("a\n\n  b  \n") == ("a", "b")
    with pytest.raises(PatternError) as refused:
        compile_patterns(tuple(f"p{i}" for i in range(MAX_PATTERNS + 1)))
    assert refused.value.reason == "too_many"


def test_a_pattern_that_backtracks_in_other_engines_runs_on_a_long_text() -> None:
    # RE2 has no backtracking: this finishes (Python's re would take exponential time)
    masking = Masking(patterns=("(a+)+b",))
    assert mask_text("a" * 5000 + "!", masking) == "a" * 5000 + "!"


def test_a_stored_pattern_refused_since_hides_the_whole_text() -> None:
    assert mask_text("bonjour", Masking(patterns=("(a)\\1",))) == "•••"
