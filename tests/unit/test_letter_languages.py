"""The covering letter and the plan's letters in the carer's language next to English, in the
Noto fonts embedded (as GOV.UK Notify wants), still laid out for Notify."""
import io
import re
import unicodedata
from datetime import date

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from emergency.plans.card_fonts import DEFAULT_FONT_DIRECTORY, find_fonts
from emergency.plans.card_pdf import CARD_WIDTH_MM, CardDetails, LetterDetails, letter_pdf
from emergency.plans.letters import confirmation_letter, gp_letter, review_letter
from tests.letter_pages import address_block, all_text, out_of_bounds, read_letter
from tests.unit.test_letter_layout import SENDER, _plan

FONTS = find_fonts(DEFAULT_FONT_DIRECTORY)
pytestmark = pytest.mark.skipif(FONTS is None or "ur" not in FONTS.scripts,
                                reason="the Noto fonts are installed at set-up (.ci/run: fonts-noto-core)")


def covering_letter(language: str, large_print: bool = False) -> bytes:
    card = CardDetails(carer_first_name="Łucja", card_number="1263250168", line_number="0113 496 0500",
                       language=language, large_print=large_print)
    return letter_pdf(LetterDetails(card=card, carer_name="Łucja Kowalska",
                                    address_lines=("12 Acacia Avenue", "Leeds", "LS1 4AP"),
                                    review_due_on=date(2027, 1, 15), written_on=date(2026, 12, 6)), FONTS)


def plan_letter(make, language: str) -> bytes:
    return make(_plan(), SENDER.__class__(**{**SENDER.__dict__, "language": language, "fonts": FONTS}))


def base_fonts(pdf: bytes) -> set[str]:
    return {name.decode().rpartition("+")[2] for name in re.findall(rb"/BaseFont /([A-Za-z0-9+-]+)", pdf)}


def text_of(pdf: bytes) -> str:
    """The words read back, without the control characters the reader puts for zero-width glyphs."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return "".join(character for character in text if unicodedata.category(character) != "Cc" or character == "\n")


LETTERS = {"card": covering_letter, "confirmation": lambda code: plan_letter(confirmation_letter, code),
           "review": lambda code: plan_letter(review_letter, code)}


@pytest.mark.parametrize("language", ["cy", "pl", "ur"])
@pytest.mark.parametrize("kind", sorted(LETTERS))
def test_a_letter_in_the_carers_language_is_laid_out_for_notify_in_embedded_fonts(kind, language):
    pdf = LETTERS[kind](language)
    sizes, placed = read_letter(pdf)
    assert set(sizes) == {(210.0, 297.0)}
    assert out_of_bounds(placed) == []
    assert address_block(placed)[0] == "Łucja Kowalska"  # the name as written, Polish letter kept
    fonts = base_fonts(pdf)
    assert "NotoSans" in fonts and not {"Helvetica", "Courier", "Courier-Bold"} & fonts  # no built-in fonts
    assert ("NotoNastaliqUrdu" in fonts) == (language == "ur")
    assert pdf.count(b"/FontFile2") == len(fonts)  # every font embedded


def test_a_welsh_covering_letter_says_each_paragraph_in_english_then_in_welsh():
    text = all_text(read_letter(covering_letter("cy"))[1])
    assert "Dear Łucja," in text and "Annwyl Łucja," in text
    assert text.index("If anyone is in danger, call 999 first.") < text.index("Os oes unrhyw un mewn perygl")
    assert "Torrwch ar hyd y llinell doredig" in text  # how to cut out the card
    assert "Rwy'n ofalwr. Fy enw i yw Łucja." in text  # the card's back, in Welsh


def test_a_polish_confirmation_letter_labels_the_plan_in_both_languages_and_keeps_the_code_out():
    text = all_text(read_letter(plan_letter(confirmation_letter, "pl"))[1])
    assert "Your emergency plan" in text and "Twój plan awaryjny" in text
    assert "Medication" in text and "Leki" in text and "Donepezil 10 mg at night" in text
    assert "Kod do sejfu na klucz jest zapisany." in text
    assert "holds a key / ma klucz" in text


def test_an_urdu_letter_reads_back_with_its_words_in_nastaliq_shaped():
    pdf = covering_letter("ur")
    text = text_of(pdf)
    assert "Dear Łucja," in text and "محترم" in text and "کارڈ" in text  # "dear", "card"
    assert "1263 2501 68" in text and "18001" in text

    urdu = next(font for font in _embedded_fonts(pdf) if "NotoNastaliqUrdu" in font[0])[1]
    letters_mapped = len(urdu.getBestCmap())
    # Shaped, the words are drawn in the joined forms of their letters (and ligatures), glyphs that no
    # single character maps to; unshaped, each letter would be drawn in its one form from the cmap.
    assert len(urdu.getGlyphOrder()) > 3 * letters_mapped


@pytest.mark.parametrize("language", ["en", "cy", "ur"])
def test_a_large_print_plan_gets_letters_with_every_word_of_the_body_16_point_or_more(language):
    plan = _plan()
    plan["carer"]["large_print"] = True
    sender = SENDER.__class__(**{**SENDER.__dict__, "language": language, "fonts": FONTS})
    for pdf in (confirmation_letter(plan, sender), covering_letter(language, large_print=True)):
        sizes, placed = read_letter(pdf)
        assert out_of_bounds(placed) == []
        cards = [p for p in placed if not p.text and abs(p.right - p.left - 2 * CARD_WIDTH_MM) < 0.5]
        body = [p for p in placed if p.text and (p.page > 1 or p.top > 95) and not _inside(p, cards)]
        assert body and min(p.size for p in body) >= 16, sorted({p.size for p in body})
    ordinary = read_letter(confirmation_letter(_plan(), sender))[1]
    assert min(p.size for p in ordinary if p.text and p.top > 95) < 16


def _inside(placed, cards) -> bool:
    """On the card to cut out, which keeps the card's sizes (the large-print card is printed on its own)."""
    return any(card.page == placed.page and card.left <= placed.left and placed.bottom <= card.bottom + 1
               and card.top - 1 <= placed.top for card in cards)


def test_the_gp_letter_stays_in_english():
    text = all_text(read_letter(gp_letter(_plan(), 1, SENDER.__class__(**{**SENDER.__dict__, "language": "cy",
                                                                         "fonts": FONTS})))[1])
    assert "Dear Doctor," in text and "Annwyl" not in text


def _embedded_fonts(pdf: bytes) -> list[tuple[str, TTFont]]:
    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for reference in page["/Resources"]["/Font"].values():
            font = reference.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            file = descendant["/FontDescriptor"].get_object().get("/FontFile2")
            if file is not None:
                found.append((str(font["/BaseFont"]), TTFont(io.BytesIO(file.get_object().get_data()))))
    return found
