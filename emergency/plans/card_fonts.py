"""The fonts the card is printed in: Noto, installed at set-up from Debian's fonts-noto-core
(never committed). Noto Sans covers Latin (Welsh ŵ, Polish ł) and Noto Nastaliq Urdu writes
Urdu; fpdf2 shapes the text with HarfBuzz so Urdu letters join and run right to left. Without
the fonts the card falls back to the PDF's built-in Latin-1 fonts and English only."""
from dataclasses import dataclass
from pathlib import Path

DEFAULT_FONT_DIRECTORY = "/usr/share/fonts/truetype/noto"
# Scripts other than Latin: the language, the font file, and HarfBuzz's script and language tags.
SCRIPT_FONTS = {"ur": ("NotoNastaliqUrdu-Regular.ttf", "arab", "urd")}


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
