"""The carer's emergency card (credit-card size, front and back) and the letter that comes with
it, as PDFs. Pure: plain values in, bytes out. The card carries the line's number, the card
number and the carer's first name, and nothing else personal: it may be lost or read by anyone.

With the Noto fonts (card_fonts.py) the card's back is in the carer's preferred language, its
front in English: bilingual. A large-print card is A6, nothing smaller than 16 point."""
import unicodedata
from dataclasses import dataclass
from datetime import date

from fpdf import FPDF

from emergency.plans.card_fonts import Fonts
from emergency.plans.cards import format_card_number
from emergency.plans.letter_layout import BODY_BOTTOM, BODY_TOP_LATER, LetterHead, start_letter
from emergency.wording import phrase

CARD_WIDTH_MM, CARD_HEIGHT_MM = 85.6, 54.0
LINE_NAME = "Carers Emergency Line"
DARK_BLUE = (0, 48, 135)
# Letters that Unicode does not decompose into a Latin-1 letter and an accent.
_PLAIN_LETTERS = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Œ": "OE",
                                "œ": "oe", "Ŧ": "T", "ŧ": "t"})


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


def printable(text: str) -> str:
    """The PDF's built-in fonts cover Latin-1 only: keep what they can show, drop accents they
    cannot (Łukasz -> Lukasz), and mark anything else with ?."""
    kept = []
    for character in text.translate(_PLAIN_LETTERS):
        if character.encode("latin-1", "ignore"):
            kept.append(character)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", character) if c.encode("latin-1", "ignore")
                       and not unicodedata.combining(c))
        kept.append(base or "?")
    return "".join(kept)


class _Lettering:
    """Fonts per language: Noto, shaped by HarfBuzz, where installed; else the PDF's built-in
    Latin-1 fonts, in English, with names kept as printable() can."""

    def __init__(self, pdf: FPDF, fonts: Fonts | None):
        self.pdf, self.fonts = pdf, fonts
        if fonts:
            pdf.add_font("noto", "", str(fonts.regular))
            pdf.add_font("noto", "B", str(fonts.bold))
            for code, (path, _, _) in fonts.scripts.items():
                pdf.add_font(f"noto-{code}", "", str(path))

    def language(self, wanted: str) -> str:
        """The language the card can be printed in: the one wanted where the fonts cover it."""
        return wanted if self.fonts and self.fonts.covers(wanted) else "en"

    def right_to_left(self, language: str) -> bool:
        return bool(self.fonts) and language in self.fonts.scripts

    def font(self, language: str, style: str = "", size: float = 10) -> None:
        if not self.fonts:
            self.pdf.set_font("Helvetica", style, size)
        elif language in self.fonts.scripts:
            _, script, tag = self.fonts.scripts[language]
            self.pdf.set_font(f"noto-{language}", "", size)
            self.pdf.set_text_shaping(use_shaping_engine=True, direction="rtl", script=script, language=tag)
        else:
            self.pdf.set_font("noto", style, size)
            self.pdf.set_text_shaping(use_shaping_engine=True, direction="ltr")

    def text(self, words: str) -> str:
        return words if self.fonts else printable(words)


def card_pdf(card: CardDetails, fonts: Fonts | None = None) -> bytes:
    if card.large_print:
        return _large_print_card(card, fonts)
    pdf = FPDF(unit="mm", format=(CARD_WIDTH_MM, CARD_HEIGHT_MM))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_title(f"{LINE_NAME} card")
    lettering = _Lettering(pdf, fonts)
    pdf.add_page()
    _front(pdf, 0, 0, card)
    pdf.add_page()
    _back(pdf, 0, 0, card, lettering)
    return bytes(pdf.output())


LARGE_PRINT_POINTS = 16  # RNIB's clear print guidance: 16 to 18 point for large print


def _large_print_card(card: CardDetails, fonts: Fonts | None) -> bytes:
    """A6, one side English and the other the carer's language, every word 16 point or more."""
    pdf = FPDF(unit="mm", format=(105, 148))  # A6
    pdf.set_auto_page_break(False)
    pdf.set_margins(8, 8, 8)
    pdf.set_title(f"{LINE_NAME} card (large print)")
    lettering = _Lettering(pdf, fonts)
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
    return bytes(pdf.output())


def letter_pdf(letter: LetterDetails) -> bytes:
    """The covering letter, laid out for posting (emergency.plans.letter_layout), with the card to
    cut out below it, or on a page of its own when the letter leaves no room for it."""
    card = letter.card
    written_on = letter.written_on.strftime("%d %B %Y").lstrip("0")
    pdf = start_letter(LetterHead(title=f"{LINE_NAME}: your emergency card", heading=LINE_NAME,
                                  sender_lines=(LINE_NAME, card.line_number, written_on),
                                  address_lines=(letter.carer_name, *letter.address_lines)), clean=printable)
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 7, f"Your {LINE_NAME} card", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.ln(2)
    paragraphs = [
        f"Dear {printable(card.carer_first_name)},",
        f"Your contingency plan is registered with the {LINE_NAME}. Its card number is "
        f"{format_card_number(card.card_number)}. Please cut out the card below, fold it along the middle "
        f"and keep it in your purse or wallet, where someone helping you would look.",
        "What happens when the line is used:",
        f"If you suddenly cannot care - an accident, or a stay in hospital - whoever is with you calls or texts "
        f"{card.line_number} and gives the card number. The line answers at any time, day or night. It finds "
        f"your plan and asks your emergency contacts, in the order you gave, one after another, until one "
        f"of them says they will go. If none of them can, the council's duty officer arranges help. The "
        f"person who called gets a text when help is on the way. The person who goes is told how to get in "
        f"and what the person you care for needs; nobody else is.",
        "If anyone is in danger, call 999 first.",
        f"We will go through your plan with you again by {letter.review_due_on.strftime('%d %B %Y').lstrip('0')}. "
        f"If anything changes before then - a new contact, a new medicine, a new key safe code - please tell "
        f"us so that the plan is right when it is needed.",
    ]
    for paragraph in paragraphs:
        pdf.multi_cell(0, 5.5, printable(paragraph), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2.5)
    top = BODY_BOTTOM - CARD_HEIGHT_MM - 8
    if pdf.get_y() > top:
        pdf.add_page()
        top = BODY_TOP_LATER
    pdf.set_font("Helvetica", "I", 9)
    pdf.set_xy(20, top)
    pdf.cell(0, 5, "Cut along the dashed line, then fold in the middle.", new_x="LMARGIN", new_y="NEXT")
    left = (210 - 2 * CARD_WIDTH_MM) / 2
    pdf.set_dash_pattern(dash=2, gap=1.5)
    pdf.set_draw_color(80, 80, 80)
    pdf.rect(left, top + 6, 2 * CARD_WIDTH_MM, CARD_HEIGHT_MM)
    pdf.set_dash_pattern()
    _front(pdf, left, top + 6, card)
    _back(pdf, left + CARD_WIDTH_MM, top + 6, card, _Lettering(pdf, None))
    return bytes(pdf.output())


def _front(pdf: FPDF, x: float, y: float, card: CardDetails) -> None:
    pdf.set_fill_color(*DARK_BLUE)
    pdf.rect(x, y, CARD_WIDTH_MM, 12, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("Helvetica", "B", 12)
    pdf.set_xy(x + 4, y + 3)
    pdf.cell(CARD_WIDTH_MM - 8, 6, phrase("card.heading"))
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("Helvetica", size=8)
    pdf.set_xy(x + 4, y + 15)
    pdf.cell(CARD_WIDTH_MM - 8, 4, phrase("card.call_or_text"))
    pdf.set_font("Helvetica", "B", 16)
    pdf.set_xy(x + 4, y + 20)
    pdf.cell(CARD_WIDTH_MM - 8, 8, card.line_number)
    pdf.set_font("Helvetica", size=8)
    pdf.set_xy(x + 4, y + 31)
    pdf.cell(CARD_WIDTH_MM - 8, 4, phrase("card.give_number"))
    pdf.set_font("Courier", "B", 15)
    pdf.set_xy(x + 4, y + 36)
    pdf.cell(CARD_WIDTH_MM - 8, 8, format_card_number(card.card_number))
    pdf.set_font("Helvetica", size=7)
    pdf.set_xy(x + 4, y + 46)
    pdf.cell(CARD_WIDTH_MM - 8, 4, phrase("card.danger"))


def _back(pdf: FPDF, x: float, y: float, card: CardDetails, lettering: _Lettering) -> None:
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
    lettering.font(language, "", 6.5)
    pdf.set_xy(x + 4, y + 42)
    pdf.cell(width, 3.5, lettering.text(phrase("card.day_and_night", language)), align=align)
    pdf.set_xy(x + 4, y + 46.5)
    pdf.cell(width, 3.5, lettering.text(phrase("card.relay", language, number=card.line_number)), align=align)
