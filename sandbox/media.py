"""Real, valid output files: a PNG coloured by its prompt, and short MP4 / MP3 samples shipped as assets."""

from __future__ import annotations

import hashlib
import struct
import zlib
from functools import cache
from importlib import resources

COLOURS = {
    "red": (220, 40, 40), "红": (220, 40, 40), "blue": (40, 80, 220), "蓝": (40, 80, 220),
    "green": (40, 170, 70), "绿": (40, 170, 70), "yellow": (235, 205, 40), "黄": (235, 205, 40),
    "orange": (240, 140, 30), "橙": (240, 140, 30), "purple": (140, 60, 190), "紫": (140, 60, 190),
    "pink": (240, 120, 170), "粉": (240, 120, 170), "black": (20, 20, 20), "黑": (20, 20, 20),
    "white": (240, 240, 240), "白": (240, 240, 240),
}


def colour_of(prompt: str) -> tuple[int, int, int]:
    lowered = prompt.lower()
    for word, rgb in COLOURS.items():
        if word in lowered:
            return rgb
    digest = hashlib.sha256(prompt.encode()).digest()
    return digest[0], digest[1], digest[2]


def png(prompt: str, size: int = 256) -> bytes:
    """A gradient in the prompt's colour, so two prompts give visibly different pictures."""
    r, g, b = colour_of(prompt)
    rows = bytearray()
    for y in range(size):
        shade = 0.6 + 0.4 * y / max(1, size - 1)
        rows.append(0)
        rows.extend(bytes((int(r * shade), int(g * shade), int(b * shade))) * size)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 6))
        + chunk(b"IEND", b"")
    )


@cache
def asset(name: str) -> bytes:
    return resources.files("sandbox").joinpath(f"assets/{name}").read_bytes()


def output_for(media: str, prompt: str) -> tuple[bytes, str, str]:
    """(bytes, content type, format) of one generated result."""
    if media == "image":
        return png(prompt), "image/png", "png"
    if media == "video":
        return asset("sample.mp4"), "video/mp4", "mp4"
    return asset("sample.mp3"), "audio/mpeg", "mp3"
