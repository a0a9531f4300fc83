import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from inspira.schools.validators import (
    normalise_organisation_number,
    normalise_postal_code,
    normalise_unit_code,
    validate_unit_code,
)


@pytest.mark.parametrize("typed", ["212000-0142", "2120000142", " 212000 0142 "])
def test_organisation_number_is_accepted_with_or_without_hyphen_and_normalised(typed):
    assert normalise_organisation_number(typed) == "212000-0142"


def test_organisation_number_with_wrong_check_digit_says_so():
    with pytest.raises(ValidationError) as excinfo:
        normalise_organisation_number("212000-0143")
    assert excinfo.value.code == "checksum"
    with translation.override("en"):
        assert "check digit does not match" in excinfo.value.messages[0]


@pytest.mark.parametrize("typed", ["212000-014", "212000-01422", "16212000-0142", "abcdef-ghij"])
def test_organisation_number_of_wrong_length_or_format_asks_for_ten_digits(typed):
    with pytest.raises(ValidationError) as excinfo:
        normalise_organisation_number(typed)
    assert excinfo.value.code == "format"
    with translation.override("en"):
        assert "ten digits" in excinfo.value.messages[0]


@pytest.mark.parametrize("code", ["12345678", "00000001"])
def test_unit_code_of_eight_digits_is_accepted(code):
    validate_unit_code(code)


@pytest.mark.parametrize("code", ["1234567", "123456789", "1234567a", "１２３４５６７８", ""])
def test_unit_code_must_be_exactly_eight_ascii_digits(code):
    with pytest.raises(ValidationError):
        validate_unit_code(code)


def test_unit_code_typed_with_a_space_is_compacted():
    assert normalise_unit_code("1234 5678") == "12345678"


@pytest.mark.parametrize("typed", ["11122", "111 22", " 111  22 "])
def test_postal_code_is_stored_as_the_post_office_writes_it(typed):
    assert normalise_postal_code(typed) == "111 22"


@pytest.mark.parametrize("typed", ["1112", "111222", "01122", "11a22", ""])
def test_postal_code_must_be_five_digits(typed):
    with pytest.raises(ValidationError):
        normalise_postal_code(typed)
