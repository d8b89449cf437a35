"""The card in the carer's language next to English, in fonts that write its script, and in large print."""
import io
import re

import pytest
from fpdf import FPDF
from pypdf import PdfReader

from emergency.plans.card_fonts import DEFAULT_FONT_DIRECTORY, find_fonts, output
from emergency.plans.card_pdf import CardDetails, card_pdf

FONTS = find_fonts(DEFAULT_FONT_DIRECTORY)
needs_fonts = pytest.mark.skipif(FONTS is None or "ur" not in FONTS.scripts,
                                 reason="the Noto fonts are installed at set-up (.ci/run: fonts-noto-core)")


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def card(language, **more):
    return card_pdf(CardDetails("Łucja", "1263250168", "0113 496 0500", language=language, **more), FONTS)


@needs_fonts
def test_a_welsh_card_has_english_on_the_front_welsh_on_the_back_and_relay_uk():
    front, back = pages(card("cy"))
    assert "In an emergency, call or text" in front and "1263 2501 68" in front
    assert "Rwy'n ofalwr. Fy enw i yw Łucja." in back
    assert "Ffoniwch drwy Relay UK: 18001 0113 496 0500" in back


@needs_fonts
def test_a_polish_card_keeps_polish_letters():
    assert "Jestem opiekunem. Nazywam się Łucja." in pages(card("pl"))[1]


@needs_fonts
def test_an_urdu_card_is_written_in_nastaliq_and_shaped():
    pdf = card("ur")
    assert b"NotoNastaliqUrdu" in pdf
    back = pages(pdf)[1]
    assert "نام" in back and "18001" in back  # "name", and Relay UK's prefix

    def drawn(shaped: bool) -> bytes:
        page = FPDF()
        page.add_font("urdu", "", str(FONTS.scripts["ur"][0]))
        page.add_page()
        page.set_font("urdu", size=12)
        if shaped:
            page.set_text_shaping(use_shaping_engine=True, direction="rtl", script="arab", language="urd")
        page.cell(0, 10, "کیئررز")
        return b"".join(p.get_contents().get_data() for p in PdfReader(io.BytesIO(output(page))).pages)

    assert drawn(True) != drawn(False)  # joined, right-to-left glyphs, not the letters one by one


@needs_fonts
def test_a_large_print_card_is_a6_with_nothing_under_16_point_in_english_and_the_carers_language():
    pdf = card("cy", large_print=True)
    reader = PdfReader(io.BytesIO(pdf))
    assert [round(float(value)) for value in reader.pages[0].mediabox[2:]] == [298, 420]  # 105 x 148 mm
    sizes = {float(size) for size in re.findall(rb"/F\d+ ([\d.]+) Tf",
                                                b"".join(page.get_contents().get_data() for page in reader.pages))}
    assert min(sizes) >= 16
    english, welsh = pages(pdf)
    assert "I am a carer. My name is Łucja." in english and "Rwy'n ofalwr." in welsh


def test_without_the_fonts_the_card_is_in_english_in_the_pdfs_own_fonts():
    pdf = card_pdf(CardDetails("Łucja", "1263250168", "0113 496 0500", language="ur"), None)
    back = pages(pdf)[1]
    assert "I am a carer. My name is Lucja." in back and "Relay UK: 18001" in back
