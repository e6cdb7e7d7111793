"""What the watch-list costs the person logging, and what it costs someone guessing its words.

    python benchmarks/watchlist_cost.py [--words 20] [--guesses 100000]

Prints, on this machine:

- the privacy check of one generous log (ten free-text answers, every distinct word
  looked up) with the watch-list loaded from its files, as `alliance log` does it;
- the time to try GUESSES names against the list: with the list file alone (it needs the
  256-bit key, so the figure is the size of the key space), with the list and its key (the
  whole home folder), with a list of the old form (salted SHA-256), and with the design the
  issue sketched (one scrypt key derived from the list's salt per run, then a fast keyed
  hash per word), to show the guesser pays that derivation once, not per guess;
- the best a per-word slow hash could do while the check stays within 50 ms: the check
  hashes every distinct word of the log, a guesser hashes every guess, so 100,000 guesses
  cost 100,000 / (distinct words) times the check, however slow the function.

All in a temporary home folder; nothing of yours is read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NAMES = ["Marguerite", "Okonkwo", "Lisbeth", "Rotterdam", "Anouk", "Bram", "Hendrika", "Sven", "Ilse", "Joost"]


def median_ms(fn: Callable[[], object], runs: int = 21) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def seconds(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def say_duration(s: float) -> str:
    if s < 120:
        return f"{s:.2f} s"
    if s < 7200:
        return f"{s / 60:.1f} min"
    return f"{s / 3600:.1f} hours"


def generous_log() -> dict[str, str]:
    """Ten free-text answers of two to four sentences, from the synthetic privacy corpus."""
    lines = (REPO / "tests" / "data" / "privacy_corpus.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines[:10]]
    return {f"text_{i}": text for i, text in enumerate(texts)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=20, help="words on the watch-list")
    parser.add_argument("--guesses", type=int, default=100_000, help="names a guesser tries")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="alliance-watchlist-bench-"))
    os.environ.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"))
    from alliance_cli.core.privacy import find_identifiers
    from alliance_cli.settings.watchlist import Watchlist, change_watchlist, load_watchlist, split_words

    words = [f"{NAMES[i % len(NAMES)]}{'x' * (i // len(NAMES))}" for i in range(args.words)]
    change_watchlist(words)
    answers = generous_log()
    distinct = {w.casefold() for text in answers.values() for w in split_words(text)}

    def check(watchlist: Watchlist | None) -> None:
        for text in answers.values():
            find_identifiers(text, watchlist)

    with_list = median_ms(lambda: check(load_watchlist()))  # load (both files) + every word, cache cold
    without = median_ms(lambda: check(None))
    print(f"A log of {len(answers)} free-text answers, {len(distinct)} distinct words; {args.words} words on the list.")
    print(f"  privacy check with the watch-list loaded:  {with_list:6.2f} ms  (without a watch-list {without:.2f} ms)")

    guesses = [f"guess{i}" for i in range(args.guesses)]
    watchlist = load_watchlist()
    assert watchlist is not None
    keyed = seconds(lambda: [watchlist.digest(g) for g in guesses])
    salt = secrets.token_bytes(16)
    sha = seconds(lambda: [hashlib.sha256(salt + g.encode()).hexdigest() for g in guesses])
    started = time.perf_counter()
    sketch_key = hashlib.scrypt(b"", salt=salt, n=2**14, r=8, p=1, dklen=32, maxmem=2**26)
    derivation = time.perf_counter() - started
    sketch = derivation + seconds(lambda: [hashlib.blake2b(g.encode(), key=sketch_key).hexdigest() for g in guesses])

    n = f"{args.guesses:,}"
    print(f"\nTrying {n} names against the list:")
    print("  with watchlist.json alone (no key):        not possible: the 256-bit key must be guessed first (2^256)")
    print(f"  with the list and its key (whole home):    {say_duration(keyed)}")
    print(f"  old form, salted SHA-256 (version 1):      {say_duration(sha)}")
    print(
        f"  sketch: scrypt(salt) once + keyed hash:    {say_duration(sketch)} "
        f"(the {derivation * 1000:.0f} ms derivation is paid once, by the guesser too)"
    )

    budget = 0.050
    per_word = budget / len(distinct)
    floor = per_word * args.guesses
    k = 1
    while k < 20:
        cost = seconds(lambda k=k: [hashlib.scrypt(w.encode(), salt=salt, n=2**k, r=8, p=1) for w in distinct])
        if cost > budget:
            break
        k += 1
    fitting = max(k - 1, 1)
    per = seconds(lambda: [hashlib.scrypt(w.encode(), salt=salt, n=2**fitting, r=8, p=1) for w in distinct])
    print(f"\nA slow hash per word, tuned so this log's check stays within {budget * 1000:.0f} ms:")
    print(
        f"  at most {per_word * 1000:.2f} ms a word, so {n} guesses take at most {say_duration(floor)}; "
        f"scrypt N=2^{fitting} fits ({per * 1000:.0f} ms for the log) and gives "
        f"{say_duration(per / len(distinct) * args.guesses)}"
    )
    print("  (and export checks every text of the journal, thousands of distinct words, at that cost per word)")


if __name__ == "__main__":
    main()
