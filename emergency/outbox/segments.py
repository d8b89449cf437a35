"""How many SMS segments a text costs. Pure. A text written wholly in the GSM 03.38 alphabet
goes as GSM-7 (160 characters in one segment, 153 a segment when split; the extension
characters count twice); one character outside it (Welsh ŵ, Polish ł, any Urdu) sends the
whole text as UCS-2 (70, then 67 a segment, counted in UTF-16 units)."""
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = set("^{}\\[~]|€\f")


def encoding(text: str) -> str:
    """"GSM-7" or "UCS-2"."""
    return "GSM-7" if all(character in GSM7_BASIC or character in GSM7_EXTENSION for character in text) else "UCS-2"


def segments(text: str) -> int:
    if encoding(text) == "GSM-7":
        units = sum(2 if character in GSM7_EXTENSION else 1 for character in text)
        single, each = 160, 153
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, each = 70, 67
    if units <= single:
        return 1
    return -(-units // each)
