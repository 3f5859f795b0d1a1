"""The README's pictures of the round on the web, from the browser test's screenshots.

    make screenshots      # runs the browser tests with TONGHOP_SCREENSHOTS=build/screenshots, then this

Crops each chosen page to its top, scales it down, puts the phone pages side by side, and saves
them as small palette PNGs in docs/anh/ (so the repository stays light).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
OUT = HERE / "anh"
WIDTH = 900  # desktop pages are scaled to this width
PHONE_HEIGHT = 1000  # phone pages are cut at this height (CSS pixels) before scaling
DESKTOP = {  # picture: (screenshot, height kept in CSS pixels)
    "web_1_tao_dot.png": ("01_dashboard", 420),
    "web_2_duong_dan.png": ("03_links", 620),
    "web_3_bang_tinh_hinh.png": ("24_board_after_office_drop", 1000),
    "web_4_mot_don_vi.png": ("07b_office_unit_versions", 700),
}
PHONES = {
    "xa_nop_bao_cao.png": ("04_unit_phone", "05_unit_error", "06_unit_accepted", "09_unit_returned_phone"),
    "xa_nhap_so_lieu.png": ("40_entry_screen_error", "41_entry_screen_offline", "42_entry_screen_restored", "32_entry_phone_sent"),
    "tk_xa_gui_len_tinh.png": ("tk_1_dang_nhap", "tk_2_xa_gui_len", "tk_3_tinh_trang_chu"),
    "tk_tai_khoan_chi_xem.png": ("tk_6_tai_khoan", "tk_5_chi_xem"),
}


def _save(image: Image.Image, name: str) -> None:
    image.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(OUT / name, optimize=True)


def desktop(shots: Path, name: str, shot: str, height: int) -> None:
    page = Image.open(shots / f"{shot}.png")
    page = page.crop((0, 0, page.width, min(page.height, height)))
    _save(page.resize((WIDTH, round(page.height * WIDTH / page.width)), Image.Resampling.LANCZOS), name)


def phones(shots: Path, name: str, names: tuple[str, ...]) -> None:
    pages = [Image.open(shots / f"{n}.png") for n in names]
    pages = [p.crop((0, 0, p.width, min(p.height, PHONE_HEIGHT))) for p in pages]
    gap = 16
    strip = Image.new("RGB", (sum(p.width for p in pages) + gap * (len(pages) - 1), max(p.height for p in pages)), "white")
    x = 0
    for page in pages:
        strip.paste(page, (x, 0))
        x += page.width + gap
    scale = 1100 / strip.width
    _save(strip.resize((1100, round(strip.height * scale)), Image.Resampling.LANCZOS), name)


def main(shots: Path) -> None:
    OUT.mkdir(exist_ok=True)
    for name, (shot, height) in DESKTOP.items():
        desktop(shots, name, shot, height)
    for name, names in PHONES.items():
        phones(shots, name, names)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
