"""Draw the app's icons once: lms/static/icons/icon-{192,512}.png and lms/static/favicon.ico.

Pure Python (zlib and struct), so nothing is installed for it: a purple square with a white "P" whose
bowl is a ring, drawn by testing each pixel against the shapes, with 4×4 supersampling for smooth edges.
Run it again only to change the drawing: `python -m tools.make_icons`.
"""

import struct
import zlib
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "lms" / "static"
BRAND = (0x6B, 0x2F, 0x8F)
WHITE = (0xFF, 0xFF, 0xFF)


def _inside_p(x: float, y: float) -> bool:
    """Whether the point (0–1 square) falls on the letter: a stem and a ring-shaped bowl."""
    stem = 0.28 <= x <= 0.40 and 0.20 <= y <= 0.82
    cx, cy = 0.47, 0.39
    d2 = (x - cx) ** 2 + (y - cy) ** 2
    bowl = 0.108 ** 2 <= d2 <= 0.205 ** 2 and x >= 0.34
    bar = 0.34 <= x <= 0.47 and (0.185 <= y <= 0.285 or 0.495 <= y <= 0.595)
    return stem or bowl or bar


def draw(size: int) -> bytes:
    """Rows of RGB pixels, each row starting with PNG's filter byte 0."""
    samples = 4
    rows = bytearray()
    for py in range(size):
        rows.append(0)
        for px in range(size):
            hits = sum(_inside_p((px + (i + .5) / samples) / size, (py + (j + .5) / samples) / size)
                       for i in range(samples) for j in range(samples))
            share = hits / samples ** 2
            rows += bytes(round(b + (w - b) * share) for b, w in zip(BRAND, WHITE))
    return bytes(rows)


def png(size: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(draw(size), 9))
            + chunk(b"IEND", b""))


def ico(png_bytes: bytes, size: int) -> bytes:
    """An ICO file holding one PNG image (Windows Vista's format, which every browser reads)."""
    return (struct.pack("<HHH", 0, 1, 1) + struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(png_bytes), 22)
            + png_bytes)


def main() -> None:
    (STATIC / "icons").mkdir(exist_ok=True)
    for size in (192, 512):
        (STATIC / "icons" / f"icon-{size}.png").write_bytes(png(size))
    (STATIC / "favicon.ico").write_bytes(ico(png(32), 32))


if __name__ == "__main__":
    main()
