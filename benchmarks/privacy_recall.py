"""Recall per kind and format, false alarms and throughput of the privacy guard, on two corpora.

    PYTHONPATH=src python benchmarks/privacy_recall.py            # both corpora
    PYTHONPATH=src python benchmarks/privacy_recall.py --formats  # and recall per written form

The first corpus is independent of the patterns: `tests/privacy_faker_corpus.py` generates it
with Faker (seeded, seven English-speaking locales, about 4,300 planted identifiers and 1,200
clean clinical sentences). The guard was tuned while looking at its misses there, so the same
generator is also run with sentence shapes written after the tuning and another seed (the
held-out run): the gap between the two is a measure of how far the first flatters. The last
is the older hand-written corpus
(`tests/data/privacy_corpus.jsonl`, by `tests/make_privacy_corpus.py`), written by the same
hands as the patterns. Each sentence is checked with its locale's country as the region, as
the `privacy.region` setting would give it (the hand-written corpus: "US").

A planted identifier counts as found when a finding of the same kind overlaps its span; an
address only when the findings cover the whole of it (number, street, unit, town, postcode),
so that redaction leaves none of it readable. A false alarm is a clean sentence (nothing
planted) with any finding at all. Throughput: texts per second through `find_identifiers` on
one core (CPU time), best of three passes over the corpus; the Faker corpus's texts are single
sentences, the hand-written corpus's are whole reflections of four to seven sentences. `score` is also what
tests/test_privacy.py asserts on.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "privacy_corpus.jsonl"
FAKER_CORPUS = ROOT / "tests" / "privacy_faker_corpus.py"
WHOLE = ("address",)  # kinds that count only when the whole span is covered


def load(path: Path = CORPUS) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


HELD_OUT_SEED = 2025


def faker_corpus(held_out: bool = False) -> list[dict[str, Any]]:
    """The independent corpus (needs the `faker` package from the test extra); `held_out`: its
    sentence shapes written after the guard was tuned, with another seed."""
    spec = importlib.util.spec_from_file_location("privacy_faker_corpus", FAKER_CORPUS)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    records: list[dict[str, Any]] = module.make(HELD_OUT_SEED, held_out=True) if held_out else module.make()
    return records


def _covered(item: dict[str, Any], findings: list[Any], text: str) -> bool:
    """Every letter and digit of the planted span lies inside some finding."""
    return all(
        any(f.start <= i < f.end for f in findings) for i in range(item["start"], item["end"]) if text[i].isalnum()
    )


def score(records: list[dict[str, Any]], region: str | None = None) -> dict[str, Any]:
    """{'recall': {kind: (found, planted)}, 'formats': {(kind, format): (found, planted)},
    'false_alarms': (flagged, clean), 'other_kind': n, 'partial': n, 'stray': n}.

    `region`: for records without their own."""
    from alliance_cli.core.privacy import find_identifiers

    recall: dict[str, list[int]] = {}
    formats: dict[tuple[str, str], list[int]] = {}
    flagged = clean = stray = other_kind = partial = 0
    for record in records:
        text = record["text"]
        findings = find_identifiers(text, region=record.get("region", region))
        planted = record["planted"]
        if not planted:
            clean += 1
            flagged += bool(findings)
            continue
        for item in planted:
            same = [f for f in findings if f.kind == item["kind"] and f.start < item["end"] and f.end > item["start"]]
            hit = bool(same)
            if hit and item["kind"] in WHOLE and not _covered(item, findings, text):
                hit = False
                partial += 1
            if not same and any(f.start < item["end"] and f.end > item["start"] for f in findings):
                other_kind += 1
            for counts in (
                recall.setdefault(item["kind"], [0, 0]),
                formats.setdefault((item["kind"], item.get("format", "")), [0, 0]),
            ):
                counts[0] += hit
                counts[1] += 1
        stray += sum(not any(f.start < item["end"] and f.end > item["start"] for item in planted) for f in findings)
    return {
        "recall": {kind: (found, total) for kind, (found, total) in sorted(recall.items())},
        "formats": {key: (found, total) for key, (found, total) in sorted(formats.items())},
        "false_alarms": (flagged, clean),
        "other_kind": other_kind,
        "partial": partial,
        "stray": stray,
    }


def throughput(records: list[dict[str, Any]], region: str | None = None, rounds: int = 3) -> float:
    """Texts per second through `find_identifiers`, best of `rounds` passes of this process's CPU
    time (one core; other work on the machine does not count)."""
    from alliance_cli.core.privacy import find_identifiers

    find_identifiers("warm up: 0161 496 0000, x@example.com", region="GB")
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for record in records:
            find_identifiers(record["text"], region=record.get("region", region))
        best = min(best, time.process_time() - start)
    return len(records) / best


def report(name: str, records: list[dict[str, Any]], region: str | None, formats: bool) -> None:
    result = score(records, region)
    planted = sum(total for _, total in result["recall"].values())
    print(f"\n{name}: {len(records)} texts, {planted} planted identifiers")
    print(f"  {'kind':<12} {'found':>6} {'planted':>8} {'recall':>8}")
    for kind, (found, total) in result["recall"].items():
        print(f"  {kind:<12} {found:>6} {total:>8} {found / total:>8.1%}")
        if formats:
            for (k, form), (f, t) in result["formats"].items():
                if k == kind:
                    print(f"      {form:<44} {f:>5} / {t:<5} {f / t:>7.1%}")
    flagged, clean = result["false_alarms"]
    print(f"  false alarms: {flagged} of {clean} clean sentences ({flagged / clean:.1%})")
    print(
        f"  missed but flagged as another kind: {result['other_kind']}; addresses found but not whole: "
        f"{result['partial']}; findings outside planted spans: {result['stray']}"
    )
    chars = sum(len(r["text"]) for r in records) / len(records)
    rate = throughput(records, region)
    print(f"  throughput: {rate:,.0f} texts/s on one core (texts of {chars:.0f} characters on average)")


def main() -> None:
    formats = "--formats" in sys.argv[1:]
    report("Faker corpus (tests/privacy_faker_corpus.py, seeded)", faker_corpus(), None, formats)
    report("Faker corpus, held-out shapes (written after tuning, another seed)", faker_corpus(True), None, formats)
    report("hand-written corpus (tests/data/privacy_corpus.jsonl)", load(), "US", formats)


if __name__ == "__main__":
    main()
