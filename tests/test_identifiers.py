"""Organisation numbers (Luhn check digit) and personal identity numbers."""

import pytest

from flows.common.identifiers import (
    format_orgnr,
    is_valid_orgnr,
    luhn_check_digit,
    normalise_id,
)
from flows.common.personnummer import looks_like_personnummer, pseudonymise


@pytest.mark.parametrize("orgnr", ["2120001967", "212000-1967", "5560360793", "165560360793", " 556036-0793 "])
def test_valid_organisation_numbers(orgnr):
    assert is_valid_orgnr(orgnr)


@pytest.mark.parametrize("orgnr", ["2120001968", "556036079", "55603607931", "abcdefghij", "", None,
                                   # a personnummer has a valid check digit but month < 20
                                   "9001012385"])  # a test personnummer
def test_invalid_organisation_numbers(orgnr):
    assert not is_valid_orgnr(orgnr)


def test_check_digit_of_known_numbers():
    assert luhn_check_digit("212000196") == 7
    assert luhn_check_digit("556036079") == 3


def test_personnummer_detection_uses_skatteverket_test_numbers():
    # 19900101-2385 and 20170101-2393 are from Skatteverket's official series of test numbers
    # (never issued to a real person).
    assert looks_like_personnummer("19900101-2385")
    assert looks_like_personnummer("201701012393")
    assert looks_like_personnummer("900101-2385")
    assert not looks_like_personnummer("2120001967")
    assert not looks_like_personnummer("19900101-2386")


def test_pseudonym_is_keyed_stable_and_not_reversible():
    a = pseudonymise("19900101-2385", b"k1")
    assert a == pseudonymise("199001012385", b"k1") == pseudonymise("9001012385", b"k1")
    assert a != pseudonymise("19900101-2385", b"k2")
    assert a.startswith("pnr:") and "900101" not in a
    with pytest.raises(ValueError):
        pseudonymise("19900101-2385", b"")


def test_normalise_and_format():
    assert normalise_id("165560360793") == "5560360793"
    assert format_orgnr("5560360793") == "556036-0793"
