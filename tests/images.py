"""Small real input files for tests."""

from sandbox.media import png

RED_PNG = png("red test input", size=32)
BLUE_PNG = png("blue test input", size=32)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
