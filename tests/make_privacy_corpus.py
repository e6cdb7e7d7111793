"""Write the synthetic labelled corpus the privacy guard is measured on.

    python tests/make_privacy_corpus.py            # rewrites tests/data/privacy_corpus.jsonl

Every reflection is stitched from invented phrases; every planted identifier is made up
(example.* domains, 555 numbers, random digits, invented streets). Half the reflections are
clean, with the numbers a clinician really writes (ratings, minutes, PHQ-9 scores, years,
"5-4-3-2-1") as near misses; the other half carry one or two planted identifiers, with
their kind and character span. Some planted forms are deliberately hard (a lower-case
address after "and", an age as "she is 93"), so the figures are honest, not flattering.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent / "data" / "privacy_corpus.jsonl"
KINDS = ("email", "url", "phone", "national_id", "date", "address", "age")

OPENINGS = [
    "The client arrived {n} minutes late and apologised twice.",
    "We started with the usual check-in; mood was {r} out of 10 by their own rating.",
    "Session {s} with this client, and the first one on video.",
    "They said the week had been hard, mostly because of work.",
    "A quieter session than last time; long pauses early on.",
    "The client brought the sleep diary, {n} nights filled in.",
    "PHQ-9 went from {p} to {q} since the start.",
    "We did the 5-4-3-2-1 grounding exercise when the panic came up.",
    "GAD-7 was {q} today, down a little.",
    "The 50-minute session felt short; we ran {m} minutes over.",
    "They had moved house back in {y} and still talk about it.",
    "First session after the two-week break.",
    "The client rated the week a {r}/10.",
    "We met at 10:30 instead of the usual time.",
    "Reviewed the goals we set in session {s}.",
]
MIDDLES = [
    "I noticed I was rushing toward solutions instead of staying with the feeling.",
    "When they talked about their mother, the tone changed and I slowed down.",
    "I reflected the frustration back and they said it felt understood.",
    "There was a moment of withdrawal after I asked about the weekend.",
    "We talked about the email from their manager and how it landed.",
    "They mentioned the website they use for mood tracking, which helps.",
    "We looked at the pattern of avoidance over the last {n} weeks.",
    "I asked {n} open questions before I offered anything.",
    "They compared this year to {y}, when things were much better.",
    "I checked my understanding twice; the second time I got it right.",
    "They walked {n} blocks down the road before calling, to calm down.",
    "The phone call with their sister came up again, third time this month.",
    "We agreed to try the exercise {n} times a week.",
    "The client said they were in their 40s when it first started.",
    "I was distracted after my phone buzzed and missed a key sentence.",
    "They scored {q} on the worry scale, the lowest so far.",
    "We spent {m} minutes on the plan for the family visit.",
    "They said the street where they grew up still feels unsafe.",
    "They are 34 years old and feel behind their friends.",
    "The session was 90 minutes because of the interpreter.",
    "Scores over the last three weeks: {q}, {p}, {q}.",
    "They went from 2018 to 2020 without seeing anyone.",
    "We met {n} times in the 2019-2020 school year, then stopped.",
    "They joined a 12-step group and go on Tuesdays at 7.30.",
    "On a scale from 1 to 10 they put hope at {r}.",
    "They take 50 mg in the morning and felt it less this week.",
    "We used page {n} of the workbook, the 1-2-3 breathing.",
    "Their kids are aged 4, 7 and 12, which shapes every evening.",
    "Their father turned 60 in March and the party went badly.",
    "They listen to 90s music when they cannot sleep.",
    "About 95% of the time the worry is about money.",
    "Since May 2023 things have been steadier.",
    "On the 14th they have the court hearing, which looms over everything.",
    "They said St. John's wort did nothing for them.",
    "They said the website and the e-mails from the clinic confuse them.",
    "We sat in room 12 because room 3 was taken.",
    "They sleep 5.5 hours a night, up from 4.",
    "Version 2 of the safety plan is on their phone now.",
    "The ratio of good to bad days was about 3:1.",
    "They walk 10,000 steps a day and it helps.",
    "I said 9/10 people feel this way after a loss, and regretted the number.",
    "They were 19 when it first happened, 31 now.",
]
ENDINGS = [
    "Next time: open with how last session left them.",
    "I want to leave more silence after hard questions.",
    "Bring the rupture from session {s} to supervision.",
    "Follow up on the sleep diary next week.",
    "Ask what they want from the next {n} sessions.",
    "Overall a steady session; rating it {r}.",
    "Remember to name the missed session directly.",
    "Plan: two options for next steps, let them choose.",
    "I felt genuine warmth today; worth noticing why.",
    "Check the pace earlier next time.",
]

NAMES = ["kd", "m.ortega", "jt_1987", "sunny.days", "r.b", "client44", "ab.cd", "lou_k", "pq", "northstar"]
DOMAINS = ["example.com", "example.org", "mail.example.net", "example.co.uk", "uni.example.edu"]
STREETS = ["Baker", "Elm", "Oak", "Mill", "Harbour View", "Queen's Park", "Station", "Church", "Pennsylvania", "Willow"]
SUFFIXES = ["Street", "Road", "Avenue", "Lane", "Drive", "Close", "Crescent", "St", "Rd", "Ave", "Terrace", "Way"]
MONTHS = ["January", "February", "March", "April", "June", "July", "August", "September", "October", "November"]
SHORT_MONTHS = ["Jan", "Feb", "Mar", "Apr", "Aug", "Sept", "Oct", "Nov", "Dec"]


def _email(rng: random.Random) -> str:
    mail = f"{rng.choice(NAMES)}@{rng.choice(DOMAINS)}"
    return mail.upper() if rng.random() < 0.1 else mail


def _url(rng: random.Random) -> str:
    return rng.choice(
        [
            f"https://www.{rng.choice(DOMAINS)}/profile/{rng.randint(10, 9999)}",
            f"www.{rng.choice(DOMAINS)}",
            f"{rng.choice(['blog', 'shop', 'photos'])}.{rng.choice(DOMAINS)}/{rng.choice(NAMES).replace('.', '')}",
            f"http://{rng.choice(DOMAINS)}/u/{rng.randint(1, 999)}",
            f"https://linktr.ee/{rng.choice(NAMES).replace('.', '')}",
            f"{rng.choice(['sunnyyoga', 'thebakery', 'hopehouse'])}.{rng.choice(['com', 'org', 'net', 'nl', 'de'])}",
        ]
    )


def _digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(n))


def _phone(rng: random.Random) -> str:
    a, b, c = "555", _digits(rng, 3), _digits(rng, 4)
    return rng.choice(
        [
            f"({a}) {b}-{c}",
            f"{a}-{b}-{c}",
            f"{a}.{b}.{c}",
            f"+1 {a} {b} {c}",
            f"+44 20 {_digits(rng, 4)} {_digits(rng, 4)}",
            f"020 {_digits(rng, 4)} {_digits(rng, 4)}",
            f"06 {_digits(rng, 4)} {_digits(rng, 4)}",
            f"+31 6 {_digits(rng, 8)}",
            f"+49 30 {_digits(rng, 7)}",
            f"07{_digits(rng, 3)} {_digits(rng, 6)}",
        ]
    )


def _ssn(rng: random.Random) -> str:
    a, b, c = f"{rng.randint(100, 899)}", _digits(rng, 2), _digits(rng, 4)
    return rng.choice([f"{a}-{b}-{c}", f"{a}-{b}-{c}", f"{a} {b} {c}", f"{a}{b}{c}"])


def _date(rng: random.Random) -> str:
    y, m, d = rng.randint(1930, 2026), rng.randint(1, 12), rng.randint(1, 28)
    month = rng.choice(MONTHS)
    ordinal = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd"}.get(d, "th")
    return rng.choice(
        [
            f"{d} {month} {y}",
            f"{month} {d}, {y}",
            f"{y}-{m:02d}-{d:02d}",
            f"{d:02d}/{m:02d}/{y}",
            f"{m}/{d}/{y % 100:02d}",
            f"{d}.{m}.{y}",
            f"the {d}{ordinal} of {month} {y}",
            f"{rng.choice(SHORT_MONTHS)}. {d}, {y}",
            f"{d}{ordinal} {month} {y}",
            f"{d} {rng.choice(SHORT_MONTHS)} '{y % 100:02d}",  # hard: two-digit year with an apostrophe
        ]
    )


def _address(rng: random.Random) -> str:
    n = rng.randint(1, 2400)
    street = rng.choice(STREETS)
    return rng.choice(
        [
            f"{n} {street} {rng.choice(SUFFIXES)}",
            f"{n}B {street} {rng.choice(SUFFIXES)}",
            f"Flat {rng.randint(1, 9)}, {n} {street} {rng.choice(SUFFIXES)}",
            f"{rng.choice(['Haupt', 'Kirch', 'Linden'])}straße {rng.randint(1, 90)}",
            f"{rng.choice(['Kerk', 'Molen', 'Dorps'])}straat {rng.randint(1, 90)}",
            f"PO Box {rng.randint(10, 9999)}",
            f"{n} {street.lower()} {rng.choice(['street', 'road', 'lane'])}",  # hard: lower case
            f"the corner of {street} and 5th",  # hard: no house number
        ]
    )


def _age(rng: random.Random) -> str:
    n = rng.randint(90, 104)
    return rng.choice(
        [
            f"aged {n}",
            f"a {n}-year-old",
            f"{n} years old",
            f"turned {n}",
            "in her nineties",
            f"her {n}th birthday",
            f"she is {n}",  # hard: bare number after 'is'
        ]
    )


MAKERS = {
    "email": _email,
    "url": _url,
    "phone": _phone,
    "national_id": _ssn,
    "date": _date,
    "address": _address,
    "age": _age,
}
CARRIERS = {
    "email": ["They gave me their personal address {x} to send the worksheet.", "Their new e-mail is {x}."],
    "url": ["They shared their blog, {x}, and asked me to read it.", "The group they joined is at {x}."],
    "phone": ["Their mobile changed to {x} this week.", "They asked me to call {x} if they miss the session."],
    "national_id": ["The insurance form had their number {x} on it.", "They read out {x} from the benefits letter."],
    "date": ["Their father died on {x}, and the anniversary is close.", "They were born {x}."],
    "address": ["They moved to {x} with their partner.", "The shelter at {x} has a space for them."],
    "age": ["Their grandmother, {x}, lives with them now.", "They care for a neighbour who is {x}."],
}


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        n=rng.randint(2, 20),
        r=rng.randint(3, 9),
        s=rng.randint(2, 40),
        p=rng.randint(10, 24),
        q=rng.randint(3, 12),
        m=rng.choice([5, 10, 15, 20]),
        y=rng.randint(1995, 2025),
    )


def _reflection(rng: random.Random, planted_kinds: list[str]) -> dict[str, object]:
    parts: list[tuple[str, str | None, str]] = [(_fill(rng.choice(OPENINGS), rng), None, "")]
    parts += [(_fill(m, rng), None, "") for m in rng.sample(MIDDLES, rng.randint(1, 3))]
    for kind in planted_kinds:
        parts.insert(rng.randint(1, len(parts)), (rng.choice(CARRIERS[kind]), kind, MAKERS[kind](rng)))
    parts.append((_fill(rng.choice(ENDINGS), rng), None, ""))
    text, planted = "", []
    for sentence, kind, value in parts:
        text += " " if text else ""
        if kind is None:
            text += sentence
            continue
        before, after = sentence.split("{x}")
        start = len(text) + len(before)
        text += before + value + after
        planted.append({"kind": kind, "start": start, "end": start + len(value)})
    return {"text": text, "planted": planted}


def make(count: int = 600, seed: int = 6) -> list[dict[str, object]]:
    rng = random.Random(seed)
    records = []
    for i in range(count):
        kinds: list[str] = []
        if i % 2:
            kinds.append(KINDS[(i // 2) % len(KINDS)])
            if rng.random() < 0.3:
                kinds.append(rng.choice([k for k in KINDS if k != kinds[0]]))
        records.append({"id": i + 1, **_reflection(rng, kinds)})
    return records


def main() -> None:
    OUT.parent.mkdir(exist_ok=True)
    with OUT.open("w", encoding="utf-8") as handle:
        for record in make():
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
