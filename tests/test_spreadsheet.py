"""`export --excel`: a CSV that Excel and LibreOffice open right by default (UTF-8 with a
byte-order mark, CRLF line ends), read back as a spreadsheet would read it."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FULL_ANSWERS, set_flags

WORLDLY = "Café talk — שלום — 你好, and ü"


def logged(run) -> None:
    answers = {**FULL_ANSWERS, "went_well": WORLDLY, "do_differently": "=1+1 was her joke"}
    assert run("log", "-c", "C-1", "-d", "2026-11-2", *set_flags(answers)).exit_code == 0


def test_excel_csv_starts_with_a_byte_order_mark_and_ends_lines_in_crlf(run, tmp_path):
    logged(run)
    out = tmp_path / "journal.csv"
    result = run("export", "--excel", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfsession_id,")
    assert data.count(b"\n") == data.count(b"\r\n") > 5
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    values = {row["prompt_id"]: row["value"] for row in rows}
    assert values["went_well"] == WORLDLY  # no mojibake once read as UTF-8
    assert values["do_differently"] == "'=1+1 was her joke"  # still inert in a spreadsheet
    assert values["empathy"] == "7"


def test_bom_is_the_same_switch_and_works_on_stdout(run, tmp_path):
    logged(run)
    to_file = tmp_path / "a.csv"
    run("export", "--excel", "-o", str(to_file))
    piped = run("export", "--bom")
    assert piped.exit_code == 0
    assert piped.stdout.startswith("\ufeffsession_id,")
    assert piped.stdout.encode("utf-8").replace(b"\r\n", b"\n") == to_file.read_bytes().replace(b"\r\n", b"\n")


def test_plain_csv_has_no_byte_order_mark(run):
    logged(run)
    assert run("export").stdout.startswith("session_id,")


def test_excel_is_csv_only(run):
    logged(run)
    result = run("export", "--excel", "-f", "json")
    assert result.exit_code == 2 and result.stdout == ""
    assert "--excel writes CSV for a spreadsheet" in result.stderr


def test_an_excel_export_imports_back(run, tmp_path):
    logged(run)
    out = tmp_path / "journal.csv"
    run("export", "--excel", "-o", str(out))
    other = tmp_path / "other.db"
    imported = run("import", str(out), db=other)
    assert imported.exit_code == 0, imported.stderr
    shown = run("export", "-f", "jsonl", "--prompt", "went_well", db=other).stdout
    assert WORLDLY in shown


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui): the export was not opened in it",
)
def test_libreoffice_calc_opens_the_excel_export_as_typed(run, tmp_path):
    """LibreOffice Calc itself reads the file (told only that it is UTF-8, as its import
    dialog preselects for a file with a byte-order mark; headless, it cannot detect it) and
    saves what it read: the first column is named without a stray mark, every character of
    the text survives, and the formula-like answer stays text instead of being run."""
    logged(run)
    out = tmp_path / "journal.csv"
    assert run("export", "--excel", "-o", str(out)).exit_code == 0
    read = libreoffice_reads(out, tmp_path)
    assert read[0][0] == "session_id"
    values = {row[read[0].index("prompt_id")]: row[read[0].index("value")] for row in read[1:]}
    assert values["went_well"] == WORLDLY
    assert values["do_differently"] == "'=1+1 was her joke"  # shown with its mark, never computed
    # the same cell without alliance's escaping is run as a formula: the check can fail
    raw = tmp_path / "raw.csv"
    raw.write_bytes(b"\xef\xbb\xbfa,b\r\nx,=1+1\r\n")
    assert libreoffice_reads(raw, tmp_path)[1] == ["x", "2"]


def libreoffice_reads(path: Path, work: Path) -> list[list[str]]:
    """The rows LibreOffice Calc reads from a CSV file, as it saves them again (UTF-8)."""
    done = work / "calc"
    env = {**os.environ, "HOME": str(work / "lo-home"), "LC_ALL": "C"}
    subprocess.run(
        [SOFFICE or "soffice", "--headless", "--infilter=CSV:44,34,76,1", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(done), str(path)],
        check=True, capture_output=True, timeout=180, env=env,
    )  # fmt: skip
    return list(csv.reader(io.StringIO((done / path.name).read_text("utf-8"), newline="")))
