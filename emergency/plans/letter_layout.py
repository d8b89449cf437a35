"""The page every letter the line posts is laid out on: GOV.UK Notify's specification for
precompiled letters (A4 portrait; the recipient's address in the address block, which shows
through the envelope's window; nothing in the reserved areas, where Notify and the printer put
their own marks). Pure geometry and writing: plain values in, an FPDF document out.

All measures are millimetres from the page's top-left corner. On the first page content may
only go in four areas (the logo area, the sender's area down the right, the address block and
the body below them); on later pages only in the body, which then starts near the top. The
margins of 15 mm left and right and 5 mm top and bottom are Notify's printable area; the layout
keeps a few millimetres inside every area, so that text never grazes a boundary."""
from collections.abc import Sequence
from dataclasses import dataclass

from fpdf import FPDF

from emergency.plans.card_fonts import Fonts, Lettering, output
from emergency.wording.catalogs import SOURCE_LANGUAGE

PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0
ADDRESS_LINES_LEAST, ADDRESS_LINES_MOST = 3, 7  # Notify's rule: 3 to 7 lines, the last a postcode


@dataclass(frozen=True)
class Area:
    left: float
    top: float
    right: float
    bottom: float

    def holds(self, left: float, top: float, right: float, bottom: float) -> bool:
        return self.left <= left and right <= self.right and self.top <= top and bottom <= self.bottom


LOGO_AREA = Area(15.0, 5.0, 125.0, 30.0)
SENDER_AREA = Area(125.0, 5.0, 195.0, 95.0)
ADDRESS_AREA = Area(24.6, 39.5, 120.0, 66.3)
FIRST_PAGE_BODY = Area(15.0, 95.0, 195.0, 292.0)
LATER_PAGE_BODY = Area(15.0, 5.0, 195.0, 292.0)
FIRST_PAGE_AREAS = (LOGO_AREA, SENDER_AREA, ADDRESS_AREA, FIRST_PAGE_BODY)
LATER_PAGE_AREAS = (LATER_PAGE_BODY,)

# Where the layout writes, a little inside those areas.
BODY_LEFT, BODY_RIGHT = 20.0, 190.0
BODY_TOP_FIRST, BODY_TOP_LATER, BODY_BOTTOM = 100.0, 15.0, 282.0
ADDRESS_FONT_SIZES = (9.0, 8.0, 7.0)  # the largest that fits each line's width is used
ADDRESS_LINE_HEIGHT = 3.6  # 7 lines fit the block's 26.8 mm
BODY_FONT_SIZE, BODY_LINE_HEIGHT = 11.0, 5.2
LARGE_PRINT_POINTS = 16  # RNIB's clear print guidance: 16 to 18 point for large print
NASTALIQ_LEADING = 1.8  # Nastaliq's letters climb and fall far more than Latin's: its lines need more room


class AddressUnfit(ValueError):
    """An address Notify would not post: too few or too many lines."""


@dataclass(frozen=True)
class LetterHead:
    title: str  # the document's title, in its properties
    heading: str  # across the top, in the logo area: the line's (or council's) name
    sender_lines: Sequence[str]  # down the right: who writes, how to reach them, the date
    address_lines: Sequence[str]  # the recipient: name first, postcode last


def address_fit(lines: Sequence[str], *, for_post: bool = True) -> tuple[str, ...]:
    """The address lines as posted: blank lines dropped, 3 to 7 of them, or AddressUnfit. A
    letter printed to hand over or send by other means may have fewer."""
    kept = tuple(line.strip() for line in lines if line and line.strip())
    if not (ADDRESS_LINES_LEAST if for_post else 1) <= len(kept) <= ADDRESS_LINES_MOST:
        raise AddressUnfit(f"an address to post to needs {ADDRESS_LINES_LEAST} to {ADDRESS_LINES_MOST} lines, "
                           f"not {len(kept)}")
    return kept


class LetterPdf(FPDF):
    """An A4 letter whose later pages start their body near the top, inside the printable area.
    Written in the Noto fonts, embedded, where they are installed (`fonts`), else in the PDF's
    built-in Latin-1 fonts; `languages` are the languages it is written in, English first. In
    large print every word of the body is 16 point or more (the address and sender's blocks keep
    the sizes Notify's areas hold)."""

    def __init__(self, fonts: Fonts | None = None, languages: Sequence[str] = (SOURCE_LANGUAGE,),
                 large_print: bool = False):
        super().__init__(unit="mm", format="A4")
        self.least_size = LARGE_PRINT_POINTS if large_print else 0
        self.lettering = Lettering(self, fonts, tuple(languages))
        self.languages = tuple(dict.fromkeys(self.lettering.language(code) for code in languages))
        self.set_margins(BODY_LEFT, BODY_TOP_LATER, PAGE_WIDTH - BODY_RIGHT)
        self.set_auto_page_break(True, margin=PAGE_HEIGHT - BODY_BOTTOM)

    def clean(self, text: str) -> str:
        """The text as the letter's font can print it."""
        return self.lettering.text(text)

    def write_in(self, language: str = SOURCE_LANGUAGE, style: str = "", size: float = BODY_FONT_SIZE) -> None:
        self.lettering.font(language, style, size)

    def sized(self, size: float) -> float:
        """A size for the body: as asked, or large print's least."""
        return max(size, self.least_size)

    # Writing in the body: each starts at the left margin and ends on a new line.

    def heading(self, text: str, size: float = 14, language: str = SOURCE_LANGUAGE) -> None:
        size = self.sized(size + 4 if self.least_size else size)
        self._room_for(12)
        self.write_in(language, "B", size)
        self.multi_cell(0, size * 0.5, self.clean(text), align=self.lettering.align(language),
                        new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def paragraph(self, text: str, *, bold: bool = False, size: float = BODY_FONT_SIZE,
                  language: str = SOURCE_LANGUAGE) -> None:
        size = self.sized(size)
        self.write_in(language, "B" if bold else "", size)
        self.multi_cell(0, BODY_LINE_HEIGHT * size / BODY_FONT_SIZE * self._leading(language), self.clean(text),
                        align=self.lettering.align(language), new_x="LMARGIN", new_y="NEXT")
        self.ln(2.5)

    def fields(self, rows: Sequence[tuple[str | Sequence[tuple[str, str]], str]], label_width: float = 55) -> None:
        """Label and value side by side, the value wrapping in its column; empty values left out.
        A label is words in English, or (language, words) pairs written one under the other."""
        size = self.sized(10)
        label_width, line = max(label_width, label_width * size / 14), 5 * size / 10
        for label, value in rows:
            if not value:
                continue
            self._room_for(line * (2 + len(self.languages)))
            top = self.get_y()
            for language, words in ((SOURCE_LANGUAGE, label),) if isinstance(label, str) else label:
                self.write_in(language, "B", size)
                self.set_x(BODY_LEFT)
                self.multi_cell(label_width - 3, line * self._leading(language), self.clean(words),
                                align=self.lettering.align(language), new_x="LMARGIN", new_y="NEXT")
            label_bottom, label_page = self.get_y(), self.page
            self.set_xy(BODY_LEFT + label_width, top)
            self.write_in(SOURCE_LANGUAGE, "", size)
            self.multi_cell(0, line, self.clean(value), new_x="LMARGIN", new_y="NEXT")
            if self.page == label_page:
                self.set_y(max(self.get_y(), label_bottom))
            self.ln(1.5)
        self.ln(2)

    def room_left(self) -> float:
        return BODY_BOTTOM - self.get_y()

    def _leading(self, language: str) -> float:
        return NASTALIQ_LEADING if self.lettering.right_to_left(language) else 1.0

    def _room_for(self, height: float) -> None:
        if self.room_left() < height:
            self.add_page()

    def output_bytes(self) -> bytes:
        return output(self)


def start_letter(head: LetterHead, fonts: Fonts | None = None, languages: Sequence[str] = (SOURCE_LANGUAGE,), *,
                 for_post: bool = True, large_print: bool = False) -> LetterPdf:
    """A letter's first page with its heading, the sender's block and the recipient's address
    in place, ready for its body (which starts below the address block)."""
    address = address_fit(head.address_lines, for_post=for_post)
    pdf = LetterPdf(fonts, languages, large_print)
    pdf.set_title(pdf.clean(head.title))
    pdf.add_page()
    pdf.write_in(SOURCE_LANGUAGE, "B", 16)
    pdf.set_xy(LOGO_AREA.left + 5, LOGO_AREA.top + 8)
    pdf.cell(LOGO_AREA.right - LOGO_AREA.left - 10, 8, pdf.clean(head.heading))
    _sender_block(pdf, head.sender_lines)
    _address_block(pdf, address)
    pdf.set_xy(BODY_LEFT, BODY_TOP_FIRST)
    pdf.write_in(SOURCE_LANGUAGE, "", BODY_FONT_SIZE)
    return pdf


def _sender_block(pdf: LetterPdf, lines: Sequence[str]) -> None:
    left, width = SENDER_AREA.left + 5, SENDER_AREA.right - SENDER_AREA.left - 10
    pdf.write_in(SOURCE_LANGUAGE, "", 9)
    pdf.set_xy(left, SENDER_AREA.top + 10)
    for line in lines:
        if pdf.get_y() > SENDER_AREA.bottom - 12:
            break  # the sender's block never runs into the body
        pdf.set_x(left)
        pdf.multi_cell(width, 4.2, pdf.clean(line), new_x="LEFT", new_y="NEXT")


def _address_block(pdf: LetterPdf, lines: Sequence[str]) -> None:
    left, width = ADDRESS_AREA.left + 1, ADDRESS_AREA.right - ADDRESS_AREA.left - 2
    top = ADDRESS_AREA.top + 1
    for number, line in enumerate(lines):
        text = pdf.clean(line)
        size = next((s for s in ADDRESS_FONT_SIZES if _width(pdf, text, s) <= width), ADDRESS_FONT_SIZES[-1])
        pdf.write_in(SOURCE_LANGUAGE, "", size)
        while pdf.get_string_width(text) > width:
            text = text[:-1]  # a line too long even in the smallest size loses its end, not the block
        pdf.set_xy(left, top + number * ADDRESS_LINE_HEIGHT)
        pdf.cell(width, ADDRESS_LINE_HEIGHT, text)


def _width(pdf: LetterPdf, text: str, size: float) -> float:
    pdf.write_in(SOURCE_LANGUAGE, "", size)
    return pdf.get_string_width(text)
