import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspira.core.money import NBSP, format_sek, parse_sek


@pytest.mark.parametrize(
    ("ore", "text"),
    [
        (200_000, f"2{NBSP}000{NBSP}kr"),
        (100_000, f"1{NBSP}000{NBSP}kr"),
        (1_000_000, f"10{NBSP}000{NBSP}kr"),
        (125_050, f"1{NBSP}250,50{NBSP}kr"),
        (5, f"0,05{NBSP}kr"),
        (0, f"0{NBSP}kr"),
        (-200_000, f"−2{NBSP}000{NBSP}kr"),
    ],
)
def test_format_sek_is_swedish(ore, text):
    assert format_sek(ore) == text


@pytest.mark.parametrize(
    ("text", "ore"),
    [("2 000", 200_000), ("2000 kr", 200_000), ("1000,50", 100_050), ("1 000,5", 100_050),
     (f"2{NBSP}000{NBSP}kr", 200_000), ("0", 0), ("12.25", 1225)],
)
def test_parse_sek_accepts_what_people_type(text, ore):
    assert parse_sek(text) == ore


@pytest.mark.parametrize("text", ["", "abc", "1,234", "2 000,001", "1.000.000", "kr"])
def test_parse_sek_refuses_nonsense(text):
    with pytest.raises(ValueError):
        parse_sek(text)


@given(st.integers(min_value=0, max_value=10**12))
def test_format_and_parse_round_trip(ore):
    assert parse_sek(format_sek(ore)) == ore
