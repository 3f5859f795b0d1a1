"""Vietnamese typed in the legacy TCVN3 (ABC) and VNI encodings, read back as Unicode.

Officers who still type with ``.VnTime`` or ``VNI-Times`` fonts store font positions, not letters,
so the workbook read as Unicode shows ``ph­êng`` (TCVN3) or ``phöôøng`` (VNI) for ``phường``.
Both charts below are the Windows ones: each legacy byte appears as its Windows-1252 character.

Detection is conservative. Text is called legacy only when

1. every character could be a Windows-1252 byte (legacy text cannot hold ``ệ``, ``đ`` or combining
   marks, so Unicode Vietnamese beyond Latin-1, NFC or NFD, is ruled out at once);
2. every non-ASCII word converts, with nothing left over, to one well-formed Vietnamese syllable
   (with a legacy font, also to ``đ``, ``VNĐ`` or ``trđ``, written after money: ``12.500.000®``);
3. without a font name: some word of two or more characters holds a *signal*, a character that is a
   letter in the encoding but not a letter of the Vietnamese alphabet (``Ö ­ ¸ µ ®`` in TCVN3,
   ``ø û ï ñ ö`` in VNI). Text made of Vietnamese letters, digits and punctuation never has one.
   If both encodings qualify, the one with more signal words wins; a tie is left alone.

A legacy font name (``.Vn*`` for TCVN3, ``VNI-*`` for VNI) replaces rule 3, since it says how the
officer saw the text, and relaxes rule 2 to "more than half the words" to allow for typos.
``.Vn*H`` fonts (``.VnTimeH``) draw upper-case letters at the lower-case positions.
"""

from __future__ import annotations

import re
import unicodedata

TCVN3 = "tcvn3"
VNI = "vni"
ENCODINGS = (TCVN3, VNI)

# Tone marks in chart order: none, sắc, huyền, hỏi, ngã, nặng.
_TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")

# TCVN 5712:1993 VN3 (ABC): each vowel's code for every tone, in _TONES order.
_TCVN3_VOWELS = {
    "a": "a¸µ¶·¹",
    "ă": "¨¾»¼½Æ",
    "â": "©ÊÇÈÉË",
    "e": "eÐÌÎÏÑ",
    "ê": "ªÕÒÓÔÖ",
    "i": "iÝ×ØÜÞ",
    "o": "oãßáâä",
    "ô": "«èåæçé",
    "ơ": "¬íêëìî",
    "u": "uóïñòô",
    "ư": "\xadøõö÷ù",
    "y": "yýúûüþ",
}
# The only capitals in the chart; toned capitals need an H font (same codes as lower case).
_TCVN3_OTHERS = {"đ": "®", "Ă": "¡", "Â": "¢", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦", "Đ": "§"}

# VNI Windows: a base letter and one mark character (i, ỵ, ơ, ư and đ have characters of their
# own), per tone in _TONES order. Capitals are the same sequences in upper case: ``ÔÙ`` is ``Ớ``.
_VNI_VOWELS = {
    "a": "a aù aø aû aõ aï",
    "ă": "aê aé aè aú aü aë",
    "â": "aâ aá aà aå aã aä",
    "e": "e eù eø eû eõ eï",
    "ê": "eâ eá eà eå eã eä",
    "i": "i í ì æ ó ò",
    "o": "o où oø oû oõ oï",
    "ô": "oâ oá oà oå oã oä",
    "ơ": "ô ôù ôø ôû ôõ ôï",
    "u": "u uù uø uû uõ uï",
    "ư": "ö öù öø öû öõ öï",
    "y": "y yù yø yû yõ î",
}
_VNI_OTHERS = {"đ": "ñ"}


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _build_tcvn3() -> dict[str, str]:
    table = {code: letter for letter, code in _TCVN3_OTHERS.items()}
    for vowel, codes in _TCVN3_VOWELS.items():
        table.update({code: _nfc(vowel + tone) for code, tone in zip(codes, _TONES, strict=True)})
    return {code: letter for code, letter in table.items() if not code.isascii()}


def _build_vni() -> dict[str, str]:
    table = {}
    for vowel, sequences in _VNI_VOWELS.items():
        for sequence, tone in zip(sequences.split(), _TONES, strict=True):
            table[sequence] = _nfc(vowel + tone)
            table[sequence.upper()] = _nfc(vowel + tone).upper()
    for letter, sequence in _VNI_OTHERS.items():
        table.update({sequence: letter, sequence.upper(): letter.upper()})
    return {sequence: letter for sequence, letter in table.items() if not sequence.isascii()}


_TCVN3 = _build_tcvn3()
_VNI = _build_vni()
_TCVN3_TRANSLATION = str.maketrans(_TCVN3)

#: Every letter of the Vietnamese alphabet that carries a diacritic (134: 67 lower, 67 upper).
VIETNAMESE_LETTERS = frozenset(
    letter
    for lower in {_nfc(vowel + tone) for vowel in _TCVN3_VOWELS for tone in _TONES} | {"đ"}
    for letter in (lower, lower.upper())
    if not letter.isascii()
)

_CP1252 = frozenset(map(chr, range(256))) | frozenset(bytes(range(0x80, 0xA0)).decode("cp1252", "ignore"))
_SIGNALS = {
    TCVN3: frozenset(_TCVN3) - VIETNAMESE_LETTERS,
    VNI: frozenset("".join(_VNI)) - VIETNAMESE_LETTERS - frozenset(map(chr, range(128))),
}
_WORDS = {
    encoding: re.compile(f"(?:[^\\W\\d_]|[{re.escape(''.join(sorted(frozenset(''.join(table)))))}])+")
    for encoding, table in ((TCVN3, _TCVN3), (VNI, _VNI))
}

# A syllable with its tone removed: initial consonant, then a rime (glide, vowel, final).
_INITIAL = "(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
_RIME = "|".join(
    (
        "ai|ao|au|ay|âu|ây|eo|êu|ia|iu|iêu|yêu|oai|oao|oay|oeo|oi|ôi|ơi|ua|uây|ui|uôi|uơ|uya|uyu|ưa|ưi|ươi|ươu|ưu",
        "(?:a|e|ê|i|o|ô|ơ|u|ư|y|oa|oe|uê|uy)(?:c|k|m|n|ng|p|t)?",
        "(?:a|ê|i|y|oa|uê|uy)(?:ch|nh)",
        "(?:ă|â|iê|yê|oă|oo|uâ|uô|ươ|uyê)(?:c|k|m|n|ng|p|t)",
    )
)
_SYLLABLE = re.compile(f"{_INITIAL}(?:{_RIME})")
_TONE_MARKS = frozenset("".join(_TONES))
# Words that are no syllable but are written after figures: read only where the font says legacy.
_MONEY_ABBREVIATIONS = frozenset({"đ", "vnđ", "trđ"})


def _is_syllable(word: str) -> bool:
    """Whether *word* (NFC) is one Vietnamese syllable: at most one tone, one case pattern."""
    if not (word.islower() or word.isupper() or word.istitle()):
        return False
    marks = unicodedata.normalize("NFD", word.lower())
    toneless = "".join(char for char in marks if char not in _TONE_MARKS)
    return len(marks) - len(toneless) <= 1 and _SYLLABLE.fullmatch(_nfc(toneless)) is not None


def _decode(text: str, encoding: str) -> tuple[str, bool]:
    """Convert *text*; the flag says whether no non-ASCII letter was left unconverted."""
    table = _TCVN3 if encoding == TCVN3 else _VNI
    parts, clean, index = [], True, 0
    while index < len(text):
        sequence = text[index : index + 2]
        if sequence not in table:
            sequence = text[index]
            clean = clean and (sequence in table or sequence.isascii() or not sequence.isalpha())
        parts.append(table.get(sequence, sequence))
        index += len(sequence)
    return "".join(parts), clean


def to_unicode(text: str, encoding: str, *, uppercase: bool = False) -> str:
    """Convert legacy-encoded *text* to Unicode (NFC); characters outside the chart are kept.

    :param text: the text as read from the workbook (legacy bytes seen as Windows-1252 characters).
    :param encoding: ``"tcvn3"`` or ``"vni"``; anything else raises ``ValueError``.
    :param uppercase: the text was typed in an upper-case-only font such as ``.VnTimeH``.
    """
    encoding = str(encoding).lower()
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown legacy encoding {encoding!r}; expected one of {ENCODINGS}")
    converted = text.translate(_TCVN3_TRANSLATION) if encoding == TCVN3 else _decode(text, VNI)[0]
    return _nfc(converted.upper() if uppercase else converted)


def _font_encoding(font: object) -> str | None:
    name = font.strip().lower() if isinstance(font, str) else ""
    if name.startswith(".vn"):
        return TCVN3
    if name.startswith(("vni-", "vni ")):
        return VNI
    return None


def _is_upper_font(font: object) -> bool:
    return _font_encoding(font) == TCVN3 and str(font).strip().endswith("H")


def _signals(text: str, encoding: str, *, hinted: bool, uppercase: bool = False) -> int | None:
    """Number of signal words in *text* read as *encoding*, or None if that reading is implausible."""
    words = valid = signals = 0
    for token in _WORDS[encoding].findall(text):
        if token.isascii():
            continue
        decoded, clean = _decode(token, encoding)
        if not clean:
            return None
        words += 1
        word = _nfc(decoded.upper() if uppercase else decoded)
        if _is_syllable(word):
            valid += 1
            signals += len(token) > 1 and not _SIGNALS[encoding].isdisjoint(token)
        elif hinted and word.casefold() in _MONEY_ABBREVIATIONS:  # "12.500.000®": đ after a figure
            valid += 1
        elif not hinted:
            return None
    if hinted:
        return signals if words and 2 * valid > words else None
    return signals or None


def detect_legacy(text: str, font: str | None = None) -> str | None:
    """Say whether *text* is TCVN3 or VNI read as Unicode: ``"tcvn3"``, ``"vni"`` or ``None``.

    :param text: a cell's text; anything else, plain ASCII and proper Unicode Vietnamese give ``None``.
    :param font: the cell's font name, if known (``.VnTime``, ``VNI-Times``, ``Arial``...).
    """
    if not isinstance(text, str) or text.isascii() or not _CP1252.issuperset(text):
        return None
    hint = _font_encoding(font)
    if hint and _signals(text, hint, hinted=True, uppercase=_is_upper_font(font)) is not None:
        return hint if to_unicode(text, hint) != text else None
    scores = {encoding: _signals(text, encoding, hinted=False) or 0 for encoding in ENCODINGS}
    best = max(ENCODINGS, key=scores.__getitem__)
    if not scores[best] or scores[TCVN3] == scores[VNI] or to_unicode(text, best) == text:
        return None
    return best


def fix_legacy(text: str, font: str | None = None) -> tuple[str, str | None]:
    """Return *text* converted to Unicode and the encoding found, or *text* unchanged and ``None``.

    :param text: a cell's text.
    :param font: the cell's font name, if known; ``.Vn…H`` fonts give upper-case text.
    """
    encoding = detect_legacy(text, font)
    if encoding is None:
        return text, None
    return to_unicode(text, encoding, uppercase=encoding == TCVN3 and _is_upper_font(font)), encoding
