"""Draw the integration's brand images (icon, icon@2x, logo) with Pillow.

Run once after changing the design: ``.venv/bin/python scripts/tools/draw_brand.py``.
The picture: a printer frame with a nozzle laying a green layer line and a spark for "IQ".
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BRAND_DIR = Path(__file__).resolve().parents[2] / "custom_components" / "bambuprint_iq" / "brand"
GREEN = (0, 174, 66, 255)
DARK = (38, 42, 48, 255)
LIGHT = (235, 238, 240, 255)


def draw_icon(size: int) -> Image.Image:
    """Square icon: frame, gantry, nozzle and printed layers, scaled from a 256 grid."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    s = size / 256

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        return (x0 * s, y0 * s, x1 * s, y1 * s)

    d.rounded_rectangle(box(8, 8, 248, 248), radius=44 * s, fill=DARK)
    d.rounded_rectangle(box(40, 40, 216, 216), radius=14 * s, outline=LIGHT, width=round(10 * s))
    d.rectangle(box(52, 84, 204, 96), fill=LIGHT)  # gantry
    d.polygon([(112 * s, 96 * s), (144 * s, 96 * s), (128 * s, 124 * s)], fill=LIGHT)  # nozzle
    for i, width in enumerate((120, 104, 88)):  # layers, widest at the bottom
        top = 184 - i * 18
        d.rounded_rectangle(
            box(128 - width / 2, top, 128 + width / 2, top + 12), radius=5 * s, fill=GREEN
        )
    d.ellipse(box(180, 52, 204, 76), fill=GREEN)  # the "IQ" spark
    return img


def draw_logo(height: int) -> Image.Image:
    """Wide logo: the icon followed by the product name."""
    icon = draw_icon(height)
    font = ImageFont.load_default(size=int(height * 0.42))
    text = "BambuPrint IQ"
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    left, top, right, bottom = probe.textbbox((0, 0), text, font=font)
    width = height + int(height * 0.15) + (right - left) + int(height * 0.1)
    img = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    img.paste(icon, (0, 0), icon)
    ImageDraw.Draw(img).text(
        (height + int(height * 0.15), (height - (bottom - top)) / 2 - top),
        text,
        font=font,
        fill=DARK,
    )
    return img


def main() -> None:
    """Write the PNG files HACS and Home Assistant look for."""
    BRAND_DIR.mkdir(parents=True, exist_ok=True)
    draw_icon(256).save(BRAND_DIR / "icon.png", optimize=True)
    draw_icon(512).save(BRAND_DIR / "icon@2x.png", optimize=True)
    draw_logo(256).save(BRAND_DIR / "logo.png", optimize=True)


if __name__ == "__main__":
    main()
