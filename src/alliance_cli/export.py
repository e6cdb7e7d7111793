"""Machine formats: CSV (RFC 4180, header always) and JSON, written to a text stream.

Column order is fixed by the caller and documented with each command; values are written
as they are typed (numbers stay numbers in JSON, absent values are null / empty).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any


def write_records(records: Iterable[Mapping[str, Any]], columns: Sequence[str], fmt: str, out: IO[str]) -> None:
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        for rec in records:
            writer.writerow(["" if rec.get(c) is None else rec.get(c) for c in columns])
    elif fmt == "json":
        json.dump([{c: rec.get(c) for c in columns} for rec in records], out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "jsonl":
        for rec in records:
            out.write(json.dumps({c: rec.get(c) for c in columns}, ensure_ascii=False) + "\n")
    else:  # pragma: no cover - the CLI's choices prevent it
        raise ValueError(fmt)
