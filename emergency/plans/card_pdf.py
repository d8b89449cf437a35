"""The carer's emergency card (credit-card size, front and back) and the letter that comes with
it, as PDFs. Pure: plain values in, bytes out. The card carries the line's number, the card
number and the carer's first name, and nothing else personal: it may be lost or read by anyone."""
import unicodedata
from dataclasses import dataclass
from datetime import date

from fpdf import FPDF

from emergency.plans.cards import format_card_number
from emergency.plans.letter_layout import BODY_BOTTOM, BODY_TOP_LATER, LetterHead, start_letter

CARD_WIDTH_MM, CARD_HEIGHT_MM = 85.6, 54.0
CALL_OR_TEXT = "Call or text this number and give the card number"
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


def card_pdf(card: CardDetails) -> bytes:
    pdf = FPDF(unit="mm", format=(CARD_WIDTH_MM, CARD_HEIGHT_MM))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_title(f"{LINE_NAME} card")
    pdf.add_page()
    _front(pdf, 0, 0, card)
    pdf.add_page()
    _back(pdf, 0, 0, card)
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
    _back(pdf, left + CARD_WIDTH_MM, top + 6, card)
    return bytes(pdf.output())


def _front(pdf: FPDF, x: float, y: float, card: CardDetails) -> None:
    pdf.set_fill_color(*DARK_BLUE)
    pdf.rect(x, y, CARD_WIDTH_MM, 12, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("Helvetica", "B", 12)
    pdf.set_xy(x + 4, y + 3)
    pdf.cell(CARD_WIDTH_MM - 8, 6, LINE_NAME)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("Helvetica", size=8)
    pdf.set_xy(x + 4, y + 15)
    pdf.cell(CARD_WIDTH_MM - 8, 4, "In an emergency, call or text")
    pdf.set_font("Helvetica", "B", 16)
    pdf.set_xy(x + 4, y + 20)
    pdf.cell(CARD_WIDTH_MM - 8, 8, card.line_number)
    pdf.set_font("Helvetica", size=8)
    pdf.set_xy(x + 4, y + 31)
    pdf.cell(CARD_WIDTH_MM - 8, 4, "and give the card number")
    pdf.set_font("Courier", "B", 15)
    pdf.set_xy(x + 4, y + 36)
    pdf.cell(CARD_WIDTH_MM - 8, 8, format_card_number(card.card_number))
    pdf.set_font("Helvetica", size=7)
    pdf.set_xy(x + 4, y + 46)
    pdf.cell(CARD_WIDTH_MM - 8, 4, "If anyone is in danger, call 999.")


def _back(pdf: FPDF, x: float, y: float, card: CardDetails) -> None:
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("Helvetica", "B", 10)
    pdf.set_xy(x + 4, y + 5)
    pdf.multi_cell(CARD_WIDTH_MM - 8, 5, printable(f"I am a carer. My name is {card.carer_first_name}."))
    pdf.set_font("Helvetica", size=8)
    pdf.set_xy(x + 4, y + 18)
    pdf.multi_cell(CARD_WIDTH_MM - 8, 4,
                   "Someone depends on me for care. If I cannot look after them, please:")
    pdf.set_font("Helvetica", "B", 9)
    pdf.set_xy(x + 4, y + 28)
    pdf.multi_cell(CARD_WIDTH_MM - 8, 4.5, f"{CALL_OR_TEXT}: {card.line_number}, card "
                                          f"{format_card_number(card.card_number)}.")
    pdf.set_font("Helvetica", size=7)
    pdf.set_xy(x + 4, y + 45)
    pdf.cell(CARD_WIDTH_MM - 8, 4, "The line answers day and night.")
