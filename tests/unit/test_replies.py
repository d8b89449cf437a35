import pytest
from hypothesis import given
from hypothesis import strategies as st

from emergency.plans.cards import damm_check_digit
from emergency.telephony.replies import card_candidates, keypad_digits, normalise_text, parse_text

CARD = "5545084919"  # a valid Damm number


def test_the_example_card_is_valid():
    assert damm_check_digit(CARD) == "0"


@pytest.mark.parametrize("body, kind, code", [
    ("ACCEPT 42", "accept", "42"), ("accept 42", "accept", "42"), ("  Accept   42 ", "accept", "42"),
    ("A 42", "accept", "42"), ("a42", "accept", "42"), ("ACCEPT #42", "accept", "42"), ("ACCEPT", "accept", None),
    ("DECLINE 7", "decline", "7"), ("d 7", "decline", "7"), ("Decline", "decline", None),
    ("DONE 42", "done", "42"), ("done", "done", None), ("Accept 42!", "accept", "42"),
])
def test_answers_with_and_without_a_code(body, kind, code):
    reply = parse_text(body)
    assert (reply.kind, reply.code) == (kind, code)


@pytest.mark.parametrize("word, kind", [("ACCEPT", "accept"), ("DECLINE", "decline"), ("DONE", "done")])
@pytest.mark.parametrize("shape", [
    "{w} 828", "{W}: 828", "{w} 828 on my way", "{w} #828 🙂", "{w}828", "{W}:828.", "{w} - 828, thanks",
    "{w} ８２８", "{w} \u200b828", "{w} ٨٢٨ ok", "{W} 828🙂", "{w}\n828\nsorry", "\u200b{w} 828",
])
def test_forgiving_answer_shapes(word, kind, shape):
    reply = parse_text(shape.format(w=word, W=word.title()))
    assert (reply.kind, reply.code) == (kind, "828")


@pytest.mark.parametrize("body", ["a lady has fallen", "accepted it", "declined",
                                  "Doner kebab 828", "dear line 828"])
def test_words_that_only_look_like_answers_are_not_answers(body):
    assert parse_text(body).kind not in ("accept", "decline", "done")


@given(code=st.integers(min_value=1, max_value=99_999_999),
       tail=st.text(max_size=30).filter(lambda t: not normalise_text(t)[:1].isdigit()),
       word=st.sampled_from(["accept", "ACCEPT", "Accept", "decline", "Done"]),
       between=st.sampled_from([" ", ": ", " #", "", " - ", "\u200b "]))
def test_any_words_after_the_code_keep_the_answer(code, tail, word, between):
    reply = parse_text(f"{word}{between}{code} {tail}")
    assert (reply.kind, reply.code) == (word.lower(), str(code))


@pytest.mark.parametrize("body, kind", [
    ("STOP", "stop"), ("stop", "stop"), ("Unsubscribe", "stop"), ("STOPALL", "stop"), ("cancel", "stop"),
    ("START", "start"), ("unstop", "start"), ("HELP", "help"), ("help?", "help"),
    ("YES", "unknown"), ("yes 42", "unknown"), ("please stop texting me", "unknown"), ("", "unknown"),
])
def test_keywords_are_whole_messages_and_yes_is_never_an_answer(body, kind):
    assert parse_text(body).kind == kind


@pytest.mark.parametrize("body", [
    "5545084919", "my card is 5545 0849 19 please help", "5545-0849-19", "Card:5545084919.", "5545.0849.19",
    "5545/0849/19", "55 45 08 49 19", "5545\u200b0849\u200b19", "\ufeff5545 0849 19", "５５４５ ０８４９ １９",
    "٥٥٤٥٠٨٤٩١٩", "card\u00a05545\u00a00849\u00a019", "5545\u20600849\u00ad19", "card5545084919!",
])
def test_every_card_shape_is_read(body):
    reply = parse_text(body)
    assert reply.kind == "card" and CARD in reply.card_candidates


@pytest.mark.parametrize("body", [
    "fell 23-11-2026 14 30, card 5545 0849 19", "fell 23-11-2026 14 30 card 5545 0849 19",
    "23/11/2026 14.30 5545 0849 19", "5545 0849 19 at 14:30 on 23.11.2026", "ring 07911 123456 card 5545084919",
])
def test_a_date_or_time_next_to_the_card_never_hides_it(body):
    assert CARD in parse_text(body).card_candidates


def test_every_ten_digit_reading_of_whole_groups_is_a_candidate_in_the_order_written():
    assert card_candidates("23-11-2026 14 30 5545 0849 19") == ("2311202614", "1120261430", "3055450849", CARD)


def test_longer_or_shorter_digit_runs_are_not_card_numbers():
    assert parse_text("call 01134960100 now").kind == "unknown"
    assert parse_text("123456789").kind == "unknown"
    assert parse_text("55450849190").kind == "unknown"


@given(card=st.from_regex(r"[1-9][0-9]{8}", fullmatch=True).map(lambda body: body + damm_check_digit(body)),
       cuts=st.lists(st.integers(min_value=1, max_value=9), max_size=4, unique=True),
       separator=st.sampled_from([" ", ".", "-", "/", "  ", " - ", "\u200b", "\u2009", "\u3000"]),
       before=st.sampled_from(["", "card ", "Help! card no: ", "fell 23-11-2026 14 30, card "]),
       after=st.sampled_from(["", ".", " thanks", " at 14:30"]))
def test_a_valid_card_is_found_however_it_is_split(card, cuts, separator, before, after):
    pieces, last = [], 0
    for cut in sorted(cuts):
        pieces.append(card[last:cut])
        last = cut
    pieces.append(card[last:])
    assert card in parse_text(before + separator.join(pieces) + after).card_candidates


def test_normalising_keeps_words_and_reads_every_scripts_digits():
    assert normalise_text("Ａrthur\u200b  fell\n٣") == "Arthur fell 3"


def test_a_single_digit_is_a_survey_rating():
    assert (parse_text("4").kind, parse_text("4").rating) == ("rating", 4)
    assert parse_text("6").kind == "unknown"


def test_keypad_digits_drop_the_hash_and_anything_else():
    assert keypad_digits("4820175936#") == "4820175936"
    assert keypad_digits(None) == "" and keypad_digits("*#") == "" and keypad_digits("١2") == "2"
