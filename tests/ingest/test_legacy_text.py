"""Legacy Vietnamese encodings, TCVN3 and VNI, read back as Unicode (pipeline/legacy_text.py).

The encoders below are written from the standard charts laid out differently from the module
(TCVN3 by byte value, VNI by modifier and tone), so a round trip checks one chart against the other.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.ingest.legacy_text import ENCODINGS, TCVN3, VIETNAMESE_LETTERS, VNI, detect_legacy, fix_legacy, to_unicode

TONES = {"sac": "\u0301", "huyen": "\u0300", "hoi": "\u0309", "nga": "\u0303", "nang": "\u0323"}
VOWELS = "aăâeêioôơuưy"
LOWER = sorted({unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES.values()} | set("ăâêôơưđ"))
LETTERS = LOWER + [letter.upper() for letter in LOWER]
UNTONED_CAPITALS = set("ĂÂÊÔƠƯĐ")

# TCVN3 (ABC) chart by byte, 0xA0-0xFF, sixteen to a row; "_" marks a byte that is not a letter.
TCVN3_ROWS = (
    "_ĂÂÊÔƠƯĐăâêôơưđ_",
    "_____àảãáạ_ằẳẵắ_",
    "______ặầẩẫấậè_ẻẽ",
    "éẹềểễếệìỉ___ĩíịò",
    "_ỏõóọồổỗốộờởỡớợù",
    "_ủũúụừửữứựỳỷỹýỵ_",
)
TCVN3_CODES = {
    letter: chr(0xA0 + 16 * row + col) for row, line in enumerate(TCVN3_ROWS) for col, letter in enumerate(line) if letter != "_"
}

# VNI Windows: a tone after the vowel; circumflex and breve combine with the tone in one character.
VNI_TONE = {None: "", "sac": "ù", "huyen": "ø", "hoi": "û", "nga": "õ", "nang": "ï"}
VNI_CIRCUMFLEX = {None: "â", "sac": "á", "huyen": "à", "hoi": "å", "nga": "ã", "nang": "ä"}
VNI_BREVE = {None: "ê", "sac": "é", "huyen": "è", "hoi": "ú", "nga": "ü", "nang": "ë"}
VNI_I = {None: "i", "sac": "í", "huyen": "ì", "hoi": "æ", "nga": "ó", "nang": "ò"}
VNI_HORN = {"o": "ô", "u": "ö"}

PHRASES = [
    "Phường Quyết Thắng",
    "Ủy ban Mặt trận Tổ quốc Việt Nam",
    "Quỹ “Vì người nghèo”",
    "30 triệu đồng",
    "Xã San Thàng",
    "Đoàn Kết",
    "Hội Liên hiệp Phụ nữ phường Đông Phong",
    "Tổng số hộ nghèo: 125 hộ, giảm 3,2%",
    "Nguyễn Thị Quỳnh – Chủ tịch",
    "Thị trấn Tam Đường, tỉnh Lai Châu",
]
UNICODE_PHRASES = PHRASES + [
    "Tỷ lệ hộ nghèo ≥ 5% – cần rà soát",
    "Cà Mau",
    "Cô Tô",
    "Tây Ninh",
    "Ý Yên",
    "Gò Công",
    "mét",
    "Hà Nội “Thủ đô”",
    "Số người ≥ 60 tuổi: 1.250 (chiếm 12,5%)",
    "UBND xã Nậm Loỏng",
    "Diện tích 3×4 m",
    "Café «Tây Bắc»",
    "25°C",
    "© 2024 UBND",
    "Müller, São Paulo, naïve",
]


def _tone_of(letter: str) -> tuple[str, str | None]:
    """Split a letter into its toneless letter and tone name."""
    parts = unicodedata.normalize("NFD", letter)
    tone = next((name for name, mark in TONES.items() if mark in parts), None)
    return unicodedata.normalize("NFC", parts.replace(TONES.get(tone, "\0"), "")), tone


def encode_tcvn3(text: str) -> str:
    """Unicode to TCVN3; toned capitals exist only in H fonts, so encode those from lower case."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        if char in LETTERS and char not in TCVN3_CODES:
            raise ValueError(f"{char!r} has no TCVN3 code outside the H fonts")
        out.append(TCVN3_CODES.get(char, char))
    return "".join(out)


def _vni_letter(letter: str) -> str:
    if letter == "đ":
        return "ñ"
    bare, tone = _tone_of(letter)
    base = unicodedata.normalize("NFD", bare)[0]
    if bare == "i":
        return VNI_I[tone]
    if bare == "y" and tone == "nang":
        return "î"
    if bare in "âêô":
        return base + VNI_CIRCUMFLEX[tone]
    if bare == "ă":
        return base + VNI_BREVE[tone]
    return (VNI_HORN[base] if bare in "ơư" else base) + VNI_TONE[tone]


def encode_vni(text: str) -> str:
    """Unicode to VNI: capitals are the lower-case sequence in upper case."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        lower = char.lower()
        if lower in LOWER:
            out.append(_vni_letter(lower).upper() if char != lower else _vni_letter(lower))
        else:
            out.append(char)
    return "".join(out)


ENCODERS = {TCVN3: encode_tcvn3, VNI: encode_vni}


# --- the charts -------------------------------------------------------------------------------


def test_alphabet_has_134_letters_with_diacritics():
    assert len(LETTERS) == 134
    assert VIETNAMESE_LETTERS == set(LETTERS)
    assert len(TCVN3_CODES) == 74  # 67 lower-case letters and the 7 capitals Ă Â Ê Ô Ơ Ư Đ


def test_tcvn3_round_trips_every_letter():
    failures = []
    for letter in LETTERS:
        if letter in TCVN3_CODES:
            got = to_unicode(encode_tcvn3(letter), TCVN3)
        else:  # a toned capital: .VnTimeH draws it at the lower-case code
            got = to_unicode(encode_tcvn3(letter.lower()), TCVN3, uppercase=True)
        if got != letter:
            failures.append((letter, got))
    assert failures == []


def test_vni_round_trips_every_letter():
    failures = [(letter, encode_vni(letter)) for letter in LETTERS if to_unicode(encode_vni(letter), VNI) != letter]
    assert failures == []


@pytest.mark.parametrize(
    ("legacy", "encoding", "expected"),
    [
        ("triÖu", TCVN3, "triệu"),
        ("ph\xadêng", TCVN3, "phường"),
        ("Th¾ng MÆt ý kiÕn tÝch cùc", TCVN3, "Thắng Mặt ý kiến tích cực"),
        ("trieäu", VNI, "triệu"),
        ("phöôøng", VNI, "phường"),
        ("Xin chaøo caùc baïn", VNI, "Xin chào các bạn"),
        ("aé aë AÉ AË", VNI, "ắ ặ Ắ Ặ"),  # breve + sắc is "é"; "ë" is breve + nặng
        ("Quyønh Mî nghóa chæ thò", VNI, "Quỳnh Mỵ nghĩa chỉ thị"),
    ],
)
def test_chart_examples(legacy, encoding, expected):
    assert to_unicode(legacy, encoding) == expected
    assert ENCODERS[encoding](expected) == legacy


@pytest.mark.parametrize("phrase", PHRASES)
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_phrases_round_trip(phrase, encoding):
    if encoding == VNI or not any(c in LETTERS and c not in TCVN3_CODES for c in phrase):
        assert to_unicode(ENCODERS[encoding](phrase), encoding) == phrase
    assert to_unicode(ENCODERS[encoding](phrase.lower()), encoding, uppercase=True) == phrase.upper()


def test_output_is_nfc_and_keeps_other_characters():
    assert to_unicode("5 ha – 10% “tèt” ≥ €", TCVN3) == "5 ha – 10% “tốt” ≥ €"
    assert to_unicode("", VNI) == ""
    with pytest.raises(ValueError, match="unknown legacy encoding"):
        to_unicode("abc", "viscii")


# --- detection --------------------------------------------------------------------------------


@pytest.mark.parametrize("phrase", PHRASES)
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_garbled_phrases_are_detected_and_fixed(phrase, encoding):
    legacy = ENCODERS[encoding](phrase.replace("Ủy", "Uỷ") if encoding == TCVN3 else phrase)
    assert detect_legacy(legacy) == encoding
    assert fix_legacy(legacy) == (to_unicode(legacy, encoding), encoding)
    assert fix_legacy(legacy)[0].replace("Uỷ", "Ủy") == phrase


@pytest.mark.parametrize("form", ["NFC", "NFD"])
@pytest.mark.parametrize("phrase", UNICODE_PHRASES)
def test_unicode_phrases_are_never_detected(phrase, form):
    text = unicodedata.normalize(form, phrase)
    for font in (None, "Times New Roman", "Arial"):
        assert detect_legacy(text, font) is None
        assert fix_legacy(text, font) == (text, None)


@pytest.mark.parametrize("text", ["", "abc", "UBND phuong 5", "12.345", "A-B (c)", "Tö", "ñi", "Cá × 2", "5 µ", "«Cà»", "ý kiÕn"])
def test_ascii_and_ambiguous_text_is_left_alone(text):
    assert fix_legacy(text) == (text, None)


@pytest.mark.parametrize(
    ("text", "font", "expected"),
    [
        ("Cã", ".VnTime", ("Có", TCVN3)),  # no signal character: only the font tells
        ("mét", ".VnArial", ("một", TCVN3)),
        ("ph\xadêng §«ng", ".VnTimeH", ("PHƯỜNG ĐÔNG", TCVN3)),
        ("ph\xadêng", " .VnArial NarrowH ", ("PHƯỜNG", TCVN3)),
        ("Quyeát Thaéng", "VNI-Times", ("Quyết Thắng", VNI)),
        ("Quyeát Thaéng", None, ("Quyeát Thaéng", None)),  # without the font, too weak a signal
        ("phöôøng", ".VnTime", ("phường", VNI)),  # the font is wrong; the text is plainly VNI
        ("triÖu", "Times New Roman", ("triệu", TCVN3)),
        ("Xã San Thàng", ".VnTime", ("Xã San Thàng", None)),  # "à" has no TCVN3 code
        ("Phường", ".VnTime", ("Phường", None)),
        ("tong so", ".VnTimeH", ("tong so", None)),
        ("Cafộ", "VNI-Helve", ("Cafộ", None)),
    ],
)
def test_font_names_guide_detection(text, font, expected):
    assert fix_legacy(text, font) == expected


@pytest.mark.parametrize("phrase", PHRASES)
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_fixing_is_idempotent(phrase, encoding):
    fixed, found = fix_legacy(ENCODERS[encoding](phrase.replace("Ủy", "Uỷ")))
    assert found == encoding
    assert fix_legacy(fixed) == (fixed, None)
    if not fixed.isascii() and not all(ord(c) < 256 for c in fixed):
        assert fix_legacy(fixed, ".VnTime") == (fixed, None)
        assert fix_legacy(fixed, "VNI-Times") == (fixed, None)


# --- properties -------------------------------------------------------------------------------

PUNCTUATION = " ,.;:!?()/-–—“”‘’\"'%≥…\n0123456789"
vietnamese_text = st.text(st.sampled_from(LETTERS + list("abcdeghiklmnopqrstuvxyABDGHKLMNPQTVXY" + PUNCTUATION)), max_size=60)

INITIALS = ["", *"b c ch d đ g gh gi h k kh l m n ng ngh nh ph qu s t th tr v x".split()]
RIMES = (
    "a ai ao au ay an ang anh ac ach am ap at ăn ăng ăc ăm ăt âu ây ân âng âc âm ât e eo en em ec et ê êu ên ênh êch êt "
    "i iu in inh ich im it ia iêu iên iêng iêc iêt o oi on ong oc om ot oa oai oay oan oang oanh oach oat oăn oăc oe "
    "ô ôi ôn ông ôc ôm ôt ơ ơi ơn ơm ơt u ui un ung uc um ut ua uân uât uê uy uyên uyêt uynh uya uôi uôn uông uôc "
    "ư ưa ưi ưu ưng ưc ưt ươi ươu ươn ương ươc ươm ươt y yêu yên yêt"
).split()


@st.composite
def syllables(draw, capitals=True):
    rime = draw(st.sampled_from(RIMES))
    vowels = [i for i, char in enumerate(rime) if unicodedata.normalize("NFD", char)[0] in "aeiouy"]
    at, tone = draw(st.sampled_from(vowels)), draw(st.sampled_from(["", *TONES.values()]))
    word = draw(st.sampled_from(INITIALS)) + unicodedata.normalize("NFC", rime[: at + 1] + tone + rime[at + 1 :])
    return draw(st.sampled_from([str.lower, str.title, str.upper]))(word) if capitals else word


vietnamese_phrases = st.lists(syllables(), min_size=1, max_size=8).map(" ".join)
lower_phrases = st.lists(syllables(capitals=False), min_size=1, max_size=8).map(" ".join)


@given(vietnamese_text, st.sampled_from(["NFC", "NFD"]))
def test_unicode_vietnamese_is_never_detected(text, form):
    text = unicodedata.normalize(form, text)
    assert detect_legacy(text) is None
    assert fix_legacy(text) == (text, None)


@given(vietnamese_phrases)
def test_unicode_syllables_are_never_detected(phrase):
    assert fix_legacy(phrase) == (phrase, None)
    assert fix_legacy(unicodedata.normalize("NFD", phrase), ".VnTime") == (unicodedata.normalize("NFD", phrase), None)


@given(vietnamese_phrases)
def test_vni_syllables_round_trip_and_never_detect_wrongly(phrase):
    legacy = encode_vni(phrase)
    assert to_unicode(legacy, VNI) == phrase
    fixed, found = fix_legacy(legacy)
    assert found in (VNI, None)
    assert fixed == (phrase if found else legacy)
    assert fix_legacy(fixed) == (fixed, None)


@given(lower_phrases)
def test_tcvn3_syllables_round_trip_and_never_detect_wrongly(phrase):
    legacy = encode_tcvn3(phrase)
    assert to_unicode(legacy, TCVN3) == phrase
    assert to_unicode(legacy, TCVN3, uppercase=True) == phrase.upper()
    fixed, found = fix_legacy(legacy)
    assert found in (TCVN3, None)
    assert fixed == (phrase if found else legacy)
    assert fix_legacy(fixed) == (fixed, None)


@given(vietnamese_text, st.sampled_from(ENCODINGS))
def test_random_vietnamese_text_round_trips(text, encoding):
    nfc = unicodedata.normalize("NFC", text)
    if encoding == TCVN3:
        nfc = nfc.lower()
    assert to_unicode(ENCODERS[encoding](nfc), encoding) == nfc


fonts = st.none() | st.text(max_size=12) | st.sampled_from([".VnTime", ".VnTimeH", "VNI-Times", "VNI-Helve", "Arial", "H", ".vn", "vni "])


@given(st.text(), fonts)
def test_never_raises(text, font):
    found = detect_legacy(text, font)
    fixed, encoding = fix_legacy(text, font)
    assert found == encoding
    assert encoding in (None, *ENCODINGS)
    if encoding is None:
        assert fixed == text
    else:
        assert fixed == unicodedata.normalize("NFC", fixed) != text
    for name in ENCODINGS:
        assert isinstance(to_unicode(text, name), str)


@given(st.text(st.sampled_from("aeiouyAEIOUYôöÔÖñÑ¸µ¶·¹¨¾»¼½Æ©ÇËÈÉÊÌªÐÎÏñ¬¦\xad®ùøûõïêëéèãäåâ áàíìóòúüýþ×ÝÕÖ"), max_size=20), fonts)
def test_never_raises_on_legacy_looking_text(text, font):
    fixed, encoding = fix_legacy(text, font)
    assert (fixed == text) == (encoding is None)


def test_non_text_is_left_alone():
    assert detect_legacy(None) is None  # type: ignore[arg-type]
    assert fix_legacy(12.5) == (12.5, None)  # type: ignore[arg-type]
