#!/usr/bin/env python3
"""Makes api/fonts/wqy-microhei-subset.ttf, the font the PDF documents embed.

The source is WenQuanYi Micro Hei 0.2.0-beta (Debian's fonts-wqy-microhei, Apache-2.0, see
LICENSE-wqy-microhei.txt). The subset keeps what an office's documents hold: every character of
the Table of General Standard Chinese Characters (通用规范汉字表, 2013: the list names are
written from) and of GB 2312, as Unicode's Unihan database tags them (kTGH, kGB0; Debian's
unicode-data), GB 2312's other symbols, ASCII, Latin-1, general and CJK punctuation, and
full-width forms. A character outside it is drawn as a white square (□) but is still
extracted as itself (the text layer keeps every character).

Run from the repository root, with fonttools installed:
    apt-get install fonts-wqy-microhei unicode-data
    pip install fonttools
    python3 api/fonts/subset.py
"""

import bz2
import pathlib
import subprocess
import sys
import tempfile

SOURCE = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
UNIHAN = pathlib.Path("/usr/share/unicode")
TARGET = pathlib.Path(__file__).with_name("wqy-microhei-subset.ttf")
RANGES = [(0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2460, 0x24FF), (0x25A0, 0x25FF),
          (0x3000, 0x303F), (0xFF00, 0xFFEF)]


def unihan_tagged(tags):
    found = set()
    for path in sorted(UNIHAN.glob("Unihan_*.txt.bz2")):
        with bz2.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                fields = line.split("\t")
                if len(fields) >= 2 and fields[1] in tags:
                    found.add(int(fields[0][2:], 16))
    return found


def gb2312():
    found = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                found.add(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return found


def main():
    points = unihan_tagged({"kTGH", "kGB0"}) | gb2312()
    for first, last in RANGES:
        points.update(range(first, last + 1))
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as listing:
        listing.write(",".join(f"U+{point:04X}" for point in sorted(points)))
        listing.flush()
        subprocess.run(
            [sys.executable, "-m", "fontTools.subset", SOURCE, "--font-number=0",
             f"--unicodes-file={listing.name}", "--layout-features=*", "--name-IDs=*",
             "--notdef-outline", "--no-hinting", f"--output-file={TARGET}"],
            check=True,
        )
    print(f"{TARGET}: {TARGET.stat().st_size} bytes, {len(points)} characters asked for")


if __name__ == "__main__":
    main()
