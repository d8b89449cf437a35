import pytest

from emergency.phones import PhoneNumberError, is_mobile, labelled_phone, normalise_mobile, normalise_phone
from emergency.postcodes import PostcodeError, normalise_postcode, normalise_postcode_or_district, postcode_district


@pytest.mark.parametrize(
    "typed", ["07911 123456", "+44 (0)7911 123456", "0044 7911 123456", "+447911123456", "07911-123-456"]
)
def test_uk_mobiles_written_any_usual_way_become_e164(typed):
    assert normalise_phone(typed) == "+447911123456"


def test_landlines_and_foreign_numbers_become_e164():
    assert normalise_phone("0113 496 0100") == "+441134960100"
    assert normalise_phone("+33 1 42 68 53 00") == "+33142685300"


@pytest.mark.parametrize("typed", ["0123", "not a number", "07911 12345", "+44 7911 1234567890", ""])
def test_impossible_numbers_are_refused_with_an_example_of_a_good_one(typed):
    with pytest.raises(PhoneNumberError, match="like 07700 900982"):
        normalise_phone(typed)


@pytest.mark.parametrize("typed", ["07700 900000", "07700 900456", "+44 7700 900999", "07911 123456", "+33 6 12 34 56 78"])
def test_mobiles_are_accepted_where_texts_go_ofcoms_drama_range_included(typed):
    assert is_mobile(normalise_mobile(typed)) and normalise_phone(typed) == normalise_mobile(typed)


@pytest.mark.parametrize("typed, kind", [("0113 496 0100", "a landline"), ("020 7946 0456", "a landline"),
                                         ("0800 123 4567", "a freephone"), ("+33 1 42 68 53 00", "a landline")])
def test_a_number_that_cannot_take_texts_is_refused_where_texts_go_saying_what_it_is(typed, kind):
    with pytest.raises(PhoneNumberError, match=f"is {kind} number, and texts cannot reach it: enter a mobile number"):
        normalise_mobile(typed)


@pytest.mark.parametrize("stored, shown", [
    ("+447700900456", "07700 900456 (mobile)"), ("+441134960123", "0113 496 0123 (landline)"),
    ("+33612345678", "+33 6 12 34 56 78 (mobile)"), ("+441134960888", "0113 496 0888 (landline)"),
    ("cora@council.example", "cora@council.example"), (None, ""),
])
def test_numbers_are_shown_the_uk_way_with_what_kind_they_are(stored, shown):
    assert labelled_phone(stored) == shown


@pytest.mark.parametrize("typed, stored", [("ls61hr", "LS6 1HR"), (" sw1a 1aa ", "SW1A 1AA"), ("M1 1AE", "M1 1AE")])
def test_postcodes_are_stored_upper_case_with_one_space(typed, stored):
    assert normalise_postcode(typed) == stored


@pytest.mark.parametrize("typed", ["LS6", "12345", "LS6 1H", "", "ZZZZ 9ZZ"])
def test_things_that_are_not_postcodes_are_refused(typed):
    with pytest.raises(PostcodeError, match="LS6 2AB"):
        normalise_postcode(typed)


def test_a_search_may_name_a_whole_postcode_or_just_the_district():
    assert normalise_postcode_or_district("ls6") == "LS6"
    assert normalise_postcode_or_district("ls6 1hr") == "LS6 1HR"
    assert postcode_district("LS6 1HR") == "LS6"
    with pytest.raises(PostcodeError):
        normalise_postcode_or_district("Leeds")
