"""The HTML supervision brief in a real browser: the demo journal's brief, printed by headless
Chromium to PDF on Letter and on A4, and shown as a PNG.

Checked on the PDF (poppler's pdftotext and pdfinfo): the page count, every case's name and
every section title in the text, each case after the first starting a page of its own, no
word beyond the printable width; and that the screenshot is not blank. `.ci/run` installs
Chromium and poppler-utils from the distribution's packages; without them this file is
skipped, saying why.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
import zlib
from datetime import date
from pathlib import Path

import pytest

from alliance_cli.ui import brief as md

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
POPPLER = shutil.which("pdftotext") and shutil.which("pdfinfo")
pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium): the brief was not printed"
    ),
    pytest.mark.skipif(
        not POPPLER, reason="poppler-utils is not installed (apt-get install poppler-utils): no PDF to read"
    ),
]
TODAY = date(2026, 11, 30)
MARGIN_PT = 15 / 25.4 * 72  # the page's side margin (ui.html: 15 mm)
PAPERS = {"letter": (612, 792), "a4": (595, 842)}


def alliance(*args: str, home: Path) -> str:
    env = {**os.environ, "HOME": str(home), "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("ALLIANCE_DB", None)
    done = subprocess.run(
        [sys.executable, "-m", "alliance_cli", *args], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout


def chromium(*args: str, cwd: Path) -> None:
    assert CHROMIUM is not None
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", *args],
        cwd=cwd,
        capture_output=True,
        timeout=120,
        check=True,
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The demo journal's brief of its last two weeks, for its two busiest clients."""
    from alliance_cli.app.demo import run_demo

    work = tmp_path_factory.mktemp("browser")
    home = work / "home"
    home.mkdir()
    demo = work / "demo.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(home))
        run_demo(demo, today=TODAY)
    rows = alliance("list", "--db", str(demo), "--since", "2026-11-17", "--format", "csv", home=home).splitlines()[1:]
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.split(",")[2]] = counts.get(row.split(",")[2], 0) + 1
    clients = sorted(sorted(counts), key=lambda c: -counts[c])[:2]
    page = work / "brief.html"
    args = ["report", "--db", str(demo), "--supervision", "--since", "2026-11-17", "--until", str(TODAY)]
    alliance(*args, *[f"--client={c}" for c in clients], "--format", "html", "-o", str(page), home=home)
    html = page.read_text()
    out: dict[str, object] = {"clients": clients, "html": html}
    for paper in PAPERS:
        sized = work / f"brief-{paper}.html"
        sized.write_text(html.replace("</head>", f"<style>@page {{ size: {paper}; }}</style>\n</head>"))
        chromium(f"--print-to-pdf={work / paper}.pdf", sized.as_uri(), cwd=work)
        out[paper] = work / f"{paper}.pdf"
    chromium(f"--screenshot={work / 'brief.png'}", "--window-size=900,1400", page.as_uri(), cwd=work)
    out["png"] = work / "brief.png"
    return out


def pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


@pytest.mark.parametrize("paper", list(PAPERS))
def test_the_printed_brief_has_every_case_and_section(rendered, paper):
    pdf = rendered[paper]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    assert size is not None and (round(float(size.group(1))), round(float(size.group(2)))) == PAPERS[paper]
    pages = pdf_pages(pdf)
    assert len(pages) == count
    clients = rendered["clients"]
    # The title and the first case, then each other case and the closing part from a new page.
    assert 3 <= count <= 3 * len(clients) + 2
    text = "\n".join(pages)
    assert md.TITLE in pages[0] and f"Case {clients[0]}" in pages[0]
    starts = [p.strip().splitlines()[0].strip() for p in pages if p.strip()]
    # The closing part: the learning goal (the demo has one), then calibration.
    assert f"Case {clients[1]}" in starts and md.GOAL in starts
    for title in (*md.CASE_SECTIONS, md.GOAL, md.CALIBRATION):
        assert text.count(title) >= (len(clients) if title in md.CASE_SECTIONS else 1), title


@pytest.mark.parametrize("paper", list(PAPERS))
def test_no_text_runs_beyond_the_page_width(rendered, paper, tmp_path):
    boxes = tmp_path / "boxes.html"
    subprocess.run(["pdftotext", "-bbox", str(rendered[paper]), str(boxes)], check=True, capture_output=True)
    found = boxes.read_text()
    width = float(re.search(r'<page width="([\d.]+)"', found).group(1))  # type: ignore[union-attr]
    right = [float(x) for x in re.findall(r'xMax="([\d.]+)"', found)]
    left = [float(x) for x in re.findall(r'xMin="([\d.]+)"', found)]
    assert right and max(right) <= width - MARGIN_PT + 2
    assert min(left) >= MARGIN_PT - 2


def test_the_screenshot_is_not_blank(rendered):
    data = Path(rendered["png"]).read_bytes()  # type: ignore[arg-type]
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (900, 1400)
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        if kind == b"IDAT":
            chunks.append(data[at + 8 : at + 8 + length])
        at += 12 + length
    rows = unfiltered(zlib.decompress(b"".join(chunks)), width, height, {2: 3, 6: 4}[data[25]])
    # Not blank: many rows hold dark pixels (text, lines), and the first pixel is not everywhere.
    inked = sum(1 for row in rows if min(row) < 100)
    assert inked > height // 10
    assert len({bytes(r) for r in rows}) > 50


def unfiltered(raw: bytes, width: int, height: int, bpp: int) -> list[bytearray]:
    """The pixel rows of 8-bit PNG data, its per-row filters undone (PNG spec, section 9)."""
    stride = width * bpp
    rows: list[bytearray] = []
    prior = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prior[i]
            c = prior[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(line)
        prior = line
    return rows
