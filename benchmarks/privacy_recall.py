"""Per-kind recall and false alarms of the privacy guard on the synthetic labelled corpus.

    python benchmarks/privacy_recall.py [CORPUS.jsonl]

A planted identifier counts as found when a finding of the same kind overlaps its span. A
false alarm is a clean reflection (nothing planted) with any finding at all. `score` is
also what tests/test_privacy_corpus.py asserts on.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "privacy_corpus.jsonl"


def load(path: Path = CORPUS) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def score(records: list[dict[str, Any]]) -> dict[str, Any]:
    """{'recall': {kind: (found, planted)}, 'false_alarms': (flagged, clean), 'stray': n}."""
    from alliance_cli.core.privacy import find_identifiers

    recall: dict[str, list[int]] = {}
    flagged = clean = stray = 0
    for record in records:
        findings = find_identifiers(record["text"])
        planted = record["planted"]
        if not planted:
            clean += 1
            flagged += bool(findings)
            continue
        for item in planted:
            hit = any(f.kind == item["kind"] and f.start < item["end"] and f.end > item["start"] for f in findings)
            counts = recall.setdefault(item["kind"], [0, 0])
            counts[0] += hit
            counts[1] += 1
        stray += sum(not any(f.start < item["end"] and f.end > item["start"] for item in planted) for f in findings)
    return {
        "recall": {kind: (found, total) for kind, (found, total) in sorted(recall.items())},
        "false_alarms": (flagged, clean),
        "stray": stray,
    }


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS
    records = load(path)
    result = score(records)
    print(f"{len(records)} reflections from {path.name}")
    print(f"{'kind':<10} {'found':>6} {'planted':>8} {'recall':>8}")
    for kind, (found, total) in result["recall"].items():
        print(f"{kind:<10} {found:>6} {total:>8} {found / total:>8.1%}")
    flagged, clean = result["false_alarms"]
    print(f"false alarms: {flagged} of {clean} clean reflections ({flagged / clean:.1%})")
    print(f"stray findings in reflections with planted identifiers: {result['stray']}")


if __name__ == "__main__":
    main()
