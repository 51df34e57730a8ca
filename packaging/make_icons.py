"""Draw the app icon (a record with a rising spectrum) at every size; write .ico and .icns.

Run once when the design changes: python packaging/make_icons.py (needs Pillow for .ico/.icns).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QGuiApplication, QImage, QLinearGradient, QPainter, QPainterPath  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 32, 48, 64, 128, 256, 512)


def draw(size: int) -> QImage:
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 512
    bg = QPainterPath()
    bg.addRoundedRect(QRectF(16 * s, 16 * s, 480 * s, 480 * s), 96 * s, 96 * s)
    grad = QLinearGradient(0, 0, size, size)
    grad.setColorAt(0, QColor("#3b2a82"))
    grad.setColorAt(1, QColor("#c2185b"))
    p.fillPath(bg, grad)
    # a record
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(20, 16, 38, 230))
    p.drawEllipse(QPointF(200 * s, 300 * s), 150 * s, 150 * s)
    p.setBrush(QColor("#ffb300"))
    p.drawEllipse(QPointF(200 * s, 300 * s), 45 * s, 45 * s)
    p.setBrush(QColor(20, 16, 38))
    p.drawEllipse(QPointF(200 * s, 300 * s), 9 * s, 9 * s)
    # spectrum bars
    heights = (120, 190, 260, 330)
    for i, h in enumerate(heights):
        x = (300 + i * 44) * s
        p.setBrush(QColor(255, 255, 255, 235))
        p.drawRoundedRect(QRectF(x, (440 - h) * s, 30 * s, h * s), 10 * s, 10 * s)
    p.end()
    return img


def main() -> int:
    QGuiApplication(sys.argv)
    OUT.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        draw(size).save(str(OUT / f"genre-desktop-{size}.png"))
    draw(256).save(str(OUT / "genre-desktop.png"))
    try:
        from PIL import Image
    except ImportError:
        print("Pillow not installed: .ico/.icns not written", file=sys.stderr)
        return 0
    big = Image.open(OUT / "genre-desktop-512.png")
    big.save(OUT / "genre-desktop.ico", sizes=[(s, s) for s in (16, 32, 48, 64, 128, 256)])
    big.save(OUT / "genre-desktop.icns")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
