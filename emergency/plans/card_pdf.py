"""The carer's emergency card (credit-card size, front and back) and the letter that comes with
it, as PDFs. Pure: plain values in, bytes out. The card carries the line's number, the card
number and the carer's first name, and nothing else personal: it may be lost or read by anyone.

With the Noto fonts (card_fonts.py) the card's back is in the carer's preferred language, its
front in English: bilingual. A large-print card is A6, nothing smaller than 16 point."""
from dataclasses import dataclass
from datetime import date

from fpdf import FPDF

from emergency.plans.card_fonts import Fonts, Lettering, output, printable
from emergency.plans.cards import format_card_number
from emergency.plans.letter_layout import BODY_BOTTOM, BODY_TOP_LATER, LetterHead, start_letter
from emergency.wording import phrase

__all__ = ["CardDetails", "LetterDetails", "card_pdf", "letter_pdf", "printable"]

CARD_WIDTH_MM, CARD_HEIGHT_MM = 85.6, 54.0
LINE_NAME = "Carers Emergency Line"
DARK_BLUE = (0, 48, 135)


@dataclass(frozen=True)
class CardDetails:
    carer_first_name: str
    card_number: str
    line_number: str  # as people dial it: 0113 496 0500
    language: str = "en"  # the carer's preferred language: the back of the card is in it
    large_print: bool = False


@dataclass(frozen=True)
class LetterDetails:
    card: CardDetails
    carer_name: str
    address_lines: tuple[str, ...]
    review_due_on: date
    written_on: date


def card_pdf(card: CardDetails, fonts: Fonts | None = None) -> bytes:
    if card.large_print:
        return _large_print_card(card, fonts)
    pdf = FPDF(unit="mm", format=(CARD_WIDTH_MM, CARD_HEIGHT_MM))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_title(f"{LINE_NAME} card")
    lettering = Lettering(pdf, fonts, (card.language,))
    pdf.add_page()
    _front(pdf, 0, 0, card, lettering)
    pdf.add_page()
    _back(pdf, 0, 0, card, lettering)
    return output(pdf)


LARGE_PRINT_POINTS = 16  # RNIB's clear print guidance: 16 to 18 point for large print


def _large_print_card(card: CardDetails, fonts: Fonts | None) -> bytes:
    """A6, one side English and the other the carer's language, every word 16 point or more."""
    pdf = FPDF(unit="mm", format=(105, 148))  # A6
    pdf.set_auto_page_break(False)
    pdf.set_margins(8, 8, 8)
    pdf.set_title(f"{LINE_NAME} card (large print)")
    lettering = Lettering(pdf, fonts, (card.language,))
    number = format_card_number(card.card_number)
    for language in dict.fromkeys(("en", lettering.language(card.language))):
        pdf.add_page()
        align = "R" if lettering.right_to_left(language) else "L"
        lines = [("B", 22, phrase("card.heading", language)),
                 ("", LARGE_PRINT_POINTS, phrase("card.call_or_text", language)),
                 ("B", 24, card.line_number), ("", LARGE_PRINT_POINTS, phrase("card.give_number", language)),
                 ("B", 24, number),
                 ("", LARGE_PRINT_POINTS, phrase("card.i_am_a_carer", language, name=card.carer_first_name)),
                 ("", LARGE_PRINT_POINTS, phrase("card.danger", language)),
                 ("", LARGE_PRINT_POINTS, phrase("card.relay", language, number=card.line_number))]
        for style, size, words in lines:
            lettering.font(language, style, size)
            pdf.multi_cell(0, size * 0.45, lettering.text(words), align=align, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
    return output(pdf)


def letter_pdf(letter: LetterDetails, fonts: Fonts | None = None) -> bytes:
    """The covering letter, laid out for posting (emergency.plans.letter_layout), with the card to
    cut out below it, or on a page of its own when the letter leaves no room for it. With the
    fonts, each paragraph in English is followed by the carer's language (where not English)."""
    card = letter.card
    written_on = letter.written_on.strftime("%d %B %Y").lstrip("0")
    pdf = start_letter(LetterHead(title=phrase("letter.card.title", line=LINE_NAME), heading=LINE_NAME,
                                  sender_lines=(LINE_NAME, card.line_number, written_on),
                                  address_lines=(letter.carer_name, *letter.address_lines)),
                       fonts, ("en", card.language), large_print=card.large_print)
    due = letter.review_due_on.strftime("%d %B %Y").lstrip("0")
    for language in pdf.languages:
        pdf.heading(phrase("letter.card.heading", language, line=LINE_NAME), language=language)
    number = format_card_number(card.card_number)
    paragraphs = [lambda lang: phrase("letter.dear", lang, name=card.carer_first_name),
                  lambda lang: phrase("letter.card.registered", lang, line=LINE_NAME, card=number),
                  lambda lang: phrase("letter.card.what_happens", lang),
                  lambda lang: phrase("letter.card.how", lang, number=card.line_number),
                  lambda lang: phrase("letter.in_danger", lang),
                  lambda lang: phrase("letter.card.review", lang, due=due)]
    for said in paragraphs:
        for language in pdf.languages:
            pdf.paragraph(said(language), language=language)
    top = BODY_BOTTOM - CARD_HEIGHT_MM - 3 - pdf.sized(9) / 9 * 5 * len(pdf.languages) * (
        1.5 if pdf.lettering.right_to_left(pdf.languages[-1]) else 1)
    if pdf.get_y() > top:
        pdf.add_page()
        top = BODY_TOP_LATER
    pdf.set_xy(20, top)
    for language in pdf.languages:
        pdf.write_in(language, "I", pdf.sized(9))
        pdf.multi_cell(2 * CARD_WIDTH_MM, pdf.sized(9) / 9 * 5 * (1.5 if pdf.lettering.right_to_left(language) else 1),
                       pdf.clean(phrase("letter.card.cut", language)), align=pdf.lettering.align(language),
                       new_x="LMARGIN", new_y="NEXT")
    card_top = pdf.get_y() + 1
    left = (210 - 2 * CARD_WIDTH_MM) / 2
    pdf.set_dash_pattern(dash=2, gap=1.5)
    pdf.set_draw_color(80, 80, 80)
    pdf.rect(left, card_top, 2 * CARD_WIDTH_MM, CARD_HEIGHT_MM)
    pdf.set_dash_pattern()
    _front(pdf, left, card_top, card, pdf.lettering)
    _back(pdf, left + CARD_WIDTH_MM, card_top, card, pdf.lettering)
    return output(pdf)


def _front(pdf: FPDF, x: float, y: float, card: CardDetails, lettering: Lettering) -> None:
    """In English."""
    pdf.set_fill_color(*DARK_BLUE)
    pdf.rect(x, y, CARD_WIDTH_MM, 12, style="F")
    pdf.set_text_color(255, 255, 255)
    lettering.font("en", "B", 12)
    pdf.set_xy(x + 4, y + 3)
    pdf.cell(CARD_WIDTH_MM - 8, 6, phrase("card.heading"))
    pdf.set_text_color(0, 0, 0)
    lettering.font("en", "", 8)
    pdf.set_xy(x + 4, y + 15)
    pdf.cell(CARD_WIDTH_MM - 8, 4, phrase("card.call_or_text"))
    lettering.font("en", "B", 16)
    pdf.set_xy(x + 4, y + 20)
    pdf.cell(CARD_WIDTH_MM - 8, 8, card.line_number)
    lettering.font("en", "", 8)
    pdf.set_xy(x + 4, y + 31)
    pdf.cell(CARD_WIDTH_MM - 8, 4, phrase("card.give_number"))
    if lettering.fonts:
        lettering.font("en", "B", 15)
    else:
        pdf.set_font("Courier", "B", 15)
    pdf.set_xy(x + 4, y + 36)
    pdf.cell(CARD_WIDTH_MM - 8, 8, format_card_number(card.card_number))
    lettering.font("en", "", 7)
    pdf.set_xy(x + 4, y + 46)
    pdf.cell(CARD_WIDTH_MM - 8, 4, phrase("card.danger"))


def _back(pdf: FPDF, x: float, y: float, card: CardDetails, lettering: Lettering) -> None:
    """In the carer's language where the fonts cover it, else English."""
    language = lettering.language(card.language)
    align = "R" if lettering.right_to_left(language) else "L"
    width = CARD_WIDTH_MM - 8
    pdf.set_text_color(0, 0, 0)
    lettering.font(language, "B", 10)
    pdf.set_xy(x + 4, y + 4)
    pdf.multi_cell(width, 5, lettering.text(phrase("card.i_am_a_carer", language, name=card.carer_first_name)),
                   align=align)
    lettering.font(language, "", 8)
    pdf.set_xy(x + 4, y + 15)
    pdf.multi_cell(width, 4, lettering.text(phrase("card.someone_depends", language)), align=align)
    lettering.font(language, "B", 9)
    pdf.set_xy(x + 4, y + 25)
    pdf.multi_cell(width, 4.5, lettering.text(phrase("card.please_call", language, number=card.line_number,
                                                     card=format_card_number(card.card_number))), align=align)
    for top, words in ((42, phrase("card.day_and_night", language)),
                       (46.5, phrase("card.relay", language, number=card.line_number))):
        lettering.fit(words, width, language, "", 6.5, smallest=5)
        pdf.set_xy(x + 4, y + top)
        pdf.cell(width, 3.5, lettering.text(words), align=align)
