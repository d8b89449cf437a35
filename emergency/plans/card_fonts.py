"""The fonts the card and the letters are printed in: Noto, installed at set-up from Debian's
fonts-noto-core (never committed), and embedded in each PDF (GOV.UK Notify wants letters' fonts
embedded). Noto Sans covers Latin (Welsh ŵ, Polish ł) and Noto Nastaliq Urdu writes Urdu; fpdf2
shapes the text with HarfBuzz so Urdu letters join and run right to left. Without the fonts the
card and letters fall back to the PDF's built-in Latin-1 fonts and English only."""
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

DEFAULT_FONT_DIRECTORY = "/usr/share/fonts/truetype/noto"
# Scripts other than Latin: the language, the font file, and HarfBuzz's script and language tags.
SCRIPT_FONTS = {"ur": ("NotoNastaliqUrdu-Regular.ttf", "arab", "urd")}
BUILT_IN = "Helvetica"
# Letters that Unicode does not decompose into a Latin-1 letter and an accent.
_PLAIN_LETTERS = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Œ": "OE",
                                "œ": "oe", "Ŧ": "T", "ŧ": "t"})


@dataclass(frozen=True)
class Fonts:
    regular: Path
    bold: Path
    scripts: dict  # language code -> (font file, HarfBuzz script, HarfBuzz language)

    def covers(self, language: str) -> bool:
        return language not in SCRIPT_FONTS or language in self.scripts


def find_fonts(directory: str | None) -> Fonts | None:
    """The Noto fonts in `directory`, or None when Noto Sans is not there."""
    folder = Path(directory or DEFAULT_FONT_DIRECTORY)
    regular, bold = folder / "NotoSans-Regular.ttf", folder / "NotoSans-Bold.ttf"
    if not (regular.is_file() and bold.is_file()):
        return None
    scripts = {code: (folder / name, script, language) for code, (name, script, language) in SCRIPT_FONTS.items()
               if (folder / name).is_file()}
    return Fonts(regular, bold, scripts)


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


class Lettering:
    """Fonts per language on one PDF: Noto, embedded and shaped by HarfBuzz, where installed;
    else the PDF's built-in Latin-1 fonts, in English, with names kept as printable() can."""

    def __init__(self, pdf: FPDF, fonts: Fonts | None, languages: tuple[str, ...] = ()):
        """`languages`: those written besides English (only their scripts' fonts are embedded)."""
        if fonts:
            fonts = Fonts(fonts.regular, fonts.bold, {code: script for code, script in fonts.scripts.items()
                                                      if code in languages})
            pdf.add_font("noto", "", str(fonts.regular))
            pdf.add_font("noto", "B", str(fonts.bold))
            for code, (path, _, _) in fonts.scripts.items():
                pdf.add_font(f"noto-{code}", "", str(path))
            pdf.set_fallback_fonts(["noto"])  # names and numbers in Latin letters inside Urdu words
        self.pdf, self.fonts = pdf, fonts

    def language(self, wanted: str | None) -> str:
        """The language the PDF can be printed in: the one wanted where the fonts cover it."""
        covered = self.fonts and (wanted not in SCRIPT_FONTS or wanted in self.fonts.scripts)
        return wanted if wanted and covered else "en"

    def right_to_left(self, language: str) -> bool:
        return bool(self.fonts) and language in self.fonts.scripts

    def align(self, language: str) -> str:
        return "R" if self.right_to_left(language) else "L"

    def font(self, language: str = "en", style: str = "", size: float = 10) -> None:
        """Write in `language` from here on (style "" or "B"; "I" where the built-in fonts are used)."""
        if not self.fonts:
            self.pdf.set_font(BUILT_IN, style, size)
        elif language in self.fonts.scripts:
            _, script, tag = self.fonts.scripts[language]
            self.pdf.set_font(f"noto-{language}", "", size)
            self.pdf.set_text_shaping(use_shaping_engine=True, direction="rtl", script=script, language=tag)
        else:
            self.pdf.set_font("noto", style.replace("I", ""), size)
            self.pdf.set_text_shaping(use_shaping_engine=True, direction="ltr")

    def text(self, words: str) -> str:
        return words if self.fonts else printable(words)

    def fit(self, words: str, width: float, language: str, style: str, size: float, smallest: float) -> None:
        """Write in the largest size, from `size` down to `smallest`, at which the words fit `width`."""
        while True:
            self.font(language, style, size)
            if size <= smallest or self.pdf.get_string_width(self.text(words)) <= width:
                return
            size -= 0.5


def output(pdf: FPDF) -> bytes:
    """The PDF's bytes. fpdf2 reads font files lazily and leaves them open: once the PDF is made,
    they are closed here rather than whenever the collector gets to them."""
    try:
        return bytes(pdf.output())
    finally:
        close_fonts(pdf)


def close_fonts(pdf: FPDF) -> None:
    for font in pdf.fonts.values():
        if getattr(font, "ttfont", None) is not None:
            font.ttfont.close()
