"""Reading a card number out of what Twilio's speech recognition wrote down."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emergency.telephony.spoken_digits import read_back, spoken_digits


@pytest.mark.parametrize("said, digits", [
    ("three one five four", "3154"),
    ("double four", "44"),
    ("treble two", "222"),
    ("oh", "0"),
    ("four oh two", "402"),
    ("Nought nine", "09"),
    ("dim un dau tri pedwar pump chwech saith wyth naw", "0123456789"),
    ("dwbl naw", "99"),
    ("five hundred", "500"),
    ("three hundred and four", "304"),
    ("to too for", "224"),
    ("thirty one fifty four", "3154"),
    ("3154 583 684", "3154583684"),
    ("It's 3 1 5 4.", "3154"),
    ("um, the number is five five four five", "5545"),
    ("٥٥٤٥", "5545"),
    ("", ""),
    ("hello", ""),
])
def test_spoken_digits(said, digits):
    assert spoken_digits(said) == digits


def test_digits_are_read_back_one_by_one():
    assert read_back("3154583684") == "3 1 5 4 5 8 3 6 8 4"


@given(st.text(max_size=200))
def test_anything_said_gives_digits_or_nothing(said):
    assert spoken_digits(said).isdigit() or spoken_digits(said) == ""
