import pytest

from emergency.telephony.replies import keypad_digits, parse_text


@pytest.mark.parametrize("body, kind, code", [
    ("ACCEPT 42", "accept", "42"), ("accept 42", "accept", "42"), ("  Accept   42 ", "accept", "42"),
    ("A 42", "accept", "42"), ("a42", "accept", "42"), ("ACCEPT #42", "accept", "42"), ("ACCEPT", "accept", None),
    ("DECLINE 7", "decline", "7"), ("d 7", "decline", "7"), ("Decline", "decline", None),
    ("DONE 42", "done", "42"), ("done", "done", None), ("Accept 42!", "accept", "42"),
])
def test_answers_with_and_without_a_code(body, kind, code):
    reply = parse_text(body)
    assert (reply.kind, reply.code) == (kind, code)


@pytest.mark.parametrize("body, kind", [
    ("STOP", "stop"), ("stop", "stop"), ("Unsubscribe", "stop"), ("STOPALL", "stop"), ("cancel", "stop"),
    ("START", "start"), ("unstop", "start"), ("HELP", "help"),
    ("YES", "unknown"), ("yes 42", "unknown"), ("please stop texting me", "unknown"), ("", "unknown"),
])
def test_keywords_are_whole_messages_and_yes_is_never_an_answer(body, kind):
    assert parse_text(body).kind == kind


@pytest.mark.parametrize("body, digits", [
    ("4820175936", "4820175936"), ("my card is 4820 1759 36 please help", "4820175936"),
    ("4820-1759-36", "4820175936"), ("Card:4820175936.", "4820175936"),
])
def test_a_card_number_is_found_among_any_words(body, digits):
    reply = parse_text(body)
    assert (reply.kind, reply.card_digits) == ("card", digits)


def test_longer_or_shorter_digit_runs_are_not_card_numbers():
    assert parse_text("call 01134960100 now").kind == "unknown"
    assert parse_text("123456789").kind == "unknown"


def test_a_single_digit_is_a_survey_rating():
    assert (parse_text("4").kind, parse_text("4").rating) == ("rating", 4)
    assert parse_text("6").kind == "unknown"


def test_keypad_digits_drop_the_hash_and_anything_else():
    assert keypad_digits("4820175936#") == "4820175936"
    assert keypad_digits(None) == "" and keypad_digits("*#") == "" and keypad_digits("١2") == "2"
