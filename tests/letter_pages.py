"""A letter PDF read back as Notify's checks read it: each page's size, and where every piece of
text and every drawn rectangle lands, in millimetres from the page's top-left corner."""
import io
from dataclasses import dataclass

from fpdf import FPDF
from pypdf import PdfReader
from pypdf.generic import ContentStream

from emergency.plans.card_fonts import DEFAULT_FONT_DIRECTORY, close_fonts, find_fonts
from emergency.plans.letter_layout import ADDRESS_AREA, FIRST_PAGE_AREAS, LATER_PAGE_AREAS

POINT = 25.4 / 72  # millimetres
_FONTS = {"/Helvetica": ("Helvetica", ""), "/Helvetica-Bold": ("Helvetica", "B"),
          "/Helvetica-Oblique": ("Helvetica", "I"), "/Courier-Bold": ("Courier", "B"), "/Courier": ("Courier", "")}
# Embedded fonts are named with a subset prefix ("/MPDFAA+NotoSans"): measured in the same font.
_EMBEDDED = {"NotoSans": ("noto", ""), "NotoSansBold": ("noto", "B"), "NotoNastaliqUrdu": ("noto-ur", "")}


@dataclass(frozen=True)
class Placed:
    page: int  # from 1
    text: str  # "" for a rectangle
    left: float
    top: float
    right: float
    bottom: float
    size: float = 0  # points, for text


def _measure() -> FPDF:
    pdf = FPDF(unit="mm")
    fonts = find_fonts(DEFAULT_FONT_DIRECTORY)
    if fonts:
        pdf.add_font("noto", "", str(fonts.regular))
        pdf.add_font("noto", "B", str(fonts.bold))
        for code, (path, _, _) in fonts.scripts.items():
            pdf.add_font(f"noto-{code}", "", str(path))
    pdf.add_page()
    return pdf


def _family(base_font: str) -> tuple[str, str]:
    embedded = _EMBEDDED.get(base_font.rpartition("+")[2])
    return embedded if embedded else _FONTS.get(base_font, ("Helvetica", "B"))


def read_letter(data: bytes) -> tuple[list[tuple[float, float]], list[Placed]]:
    """([(width, height)] per page in mm, everything placed on the pages)."""
    reader, measure, placed, sizes = PdfReader(io.BytesIO(data)), _measure(), [], []
    for number, page in enumerate(reader.pages, start=1):
        height_pt = float(page.mediabox.height)
        sizes.append((round(float(page.mediabox.width) * POINT, 1), round(height_pt * POINT, 1)))

        def seen(text, cm, tm, font, size, number=number, height_pt=height_pt):
            if not text.strip() or font is None:
                return
            family, style = _family(str(font.get("/BaseFont")))
            measure.set_font(family, style, size)
            left, baseline = tm[4] * POINT, (height_pt - tm[5]) * POINT
            # Shaped Nastaliq is drawn in joined forms the extracted letters do not measure: where it
            # starts is checked, and multi_cell keeps its lines within the margins.
            width = 0 if family == "noto-ur" else measure.get_string_width(text.strip())
            placed.append(Placed(number, text.strip(), left, baseline - size * POINT * 0.8,
                                 left + width, baseline + size * POINT * 0.25, size))

        page.extract_text(visitor_text=seen)
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"re":
                x, y, w, h = (float(v) for v in operands)
                top, bottom = sorted(((height_pt - y) * POINT, (height_pt - y - h) * POINT))
                placed.append(Placed(number, "", x * POINT, top, (x + w) * POINT, bottom))
    close_fonts(measure)
    return sizes, placed


def out_of_bounds(placed: list[Placed]) -> list[Placed]:
    """What lies outside the areas Notify lets a letter print in (reserved areas included)."""
    return [p for p in placed
            if not any(area.holds(p.left, p.top, p.right, p.bottom)
                       for area in (FIRST_PAGE_AREAS if p.page == 1 else LATER_PAGE_AREAS))]


def address_block(placed: list[Placed]) -> list[str]:
    """The lines that show through the envelope's window, top to bottom."""
    inside = [p for p in placed if p.page == 1 and p.text and ADDRESS_AREA.holds(p.left, p.top, p.right, p.bottom)]
    return [p.text for p in sorted(inside, key=lambda p: p.top)]


def all_text(placed: list[Placed]) -> str:
    return " ".join(p.text for p in placed if p.text)
