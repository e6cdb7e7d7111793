"""An independent corpus for the privacy guard, generated with Faker (issue 12).

    from privacy_faker_corpus import make
    records = make()  # seeded: the same list every time

Each record is `{"text", "region", "planted": [{"kind", "format", "start", "end"}]}`. The
identifiers come from Faker in seven English-speaking locales (en_US, en_GB, en_IE, en_CA,
en_AU, en_NZ, en_IN) where Faker has them (e-mail, web addresses, phone numbers, postal
addresses, dates, US SSN, Canadian SIN, Aadhaar), and otherwise from each identifier's
published rule (UK National Insurance, NHS, Irish PPS, Australian TFN and Medicare, with
their check digits), rendered in the written forms issue 12 lists. They are planted in
sentence shapes a clinician might write. About a fifth of the sentences are clean: clinical
notes full of numbers that identify no one ("PHQ-9 of 14", "50 mg", "session 12", "at
10:30"). `region` is the country of the locale, which the guard is told as the clinician's
region setting would tell it.

This file was written from the categories of the issue, not from the guard's patterns
(`alliance_cli.core.privacy` is not imported here); see benchmarks/privacy_recall.py for the
figures and for how far they may flatter.
"""

from __future__ import annotations

import random
import string
from datetime import date
from typing import Any

from faker import Faker

SEED = 12
LOCALES = {"en_US": "US", "en_GB": "GB", "en_IE": "IE", "en_CA": "CA", "en_AU": "AU", "en_NZ": "NZ", "en_IN": "IN"}
KINDS = ("email", "url", "national_id", "phone", "date", "address", "age")

# -- sentence shapes ----------------------------------------------------------------------
# {x} is where the identifier goes. Numbers a clinician writes anyway ({n}, {s}, {phq}) are
# filled in too, so the identifier always sits among ordinary clinical numbers.

CONTACT_SHAPES = [
    "She gave me {x} in case the session needed to move.",
    "The client asked me to note {x} for the referral letter.",
    "{x} is what he wrote on the intake form, which I had not expected.",
    "Toward the end of session {s} she read out {x} and asked if I would keep it.",
    "He mentioned {x} twice; I wondered what he wanted me to do with it.",
    "I noticed I wanted to write down {x} straight away, before the feeling was gone.",
    "After a PHQ-9 of {phq}, we talked about the support line ({x}).",
    'They said: "you can always reach me at {x}", and I felt the pull to rescue.',
    "Note to self: {x}",
    "Her sister's details, {x}, came up when we discussed the crisis plan.",
    "We spent {n} minutes on the letter; he wanted it sent to {x}.",
    "The GP's contact is {x} - ask before using it.",
    "At 10:30 she texted {x} to me, which crossed a boundary we had agreed.",
    "{x}",
    "He left {x} on the whiteboard and I rubbed it out after he had gone.",
    "I was unsure whether to record {x} here at all.",
    "She insisted I keep {x}, then apologised for pushing.",
    "Contact via {x} only, never the home number, she said.",
    "We reviewed the plan from session {s}; the new contact is {x}.",
    "The interpreter left {x} for next time.",
    "His mother wanted updates at {x} but he had not consented.",
    "Old contact crossed out, new one: {x}.",
    "(contact: {x})",
    "When the alarm went off we lost {n} minutes, and she repeated {x} to be sure I had it.",
    "The card said {x}; I handed it back.",
]

ID_SHAPES = [
    "She read out her {label} {x} from the letter.",
    "His {label} is {x}, which I should not have written here.",
    "{label}: {x}",
    "The form asked for the {label} ({x}) and she felt exposed by it.",
    "I copied the {label}, {x}, from the referral by mistake.",
    "We needed the {label} {x} for the benefits appeal; he got angry at the system.",
    "Her {label} - {x} - was on the discharge summary she brought.",
    "In session {s} he recited his {label}, {x}, to prove he remembered it.",
]
BARE_ID_SHAPES = [
    "The number on her card was {x}, she said, as if it were a name.",
    "He wrote {x} on the worksheet instead of his initials.",
    "{x} was printed on the letter she brought from the agency.",
    "She repeated {x} until it felt like hers again.",
    "Paperwork again: {x} on every page.",
]

DATE_SHAPES = [
    "She was born on {x}, the same week as her cousin.",
    "The accident happened on {x} and he still counts from it.",
    "Date of birth {x}; she said the year out loud as if it were a weight.",
    "He was admitted on {x} and discharged a month later.",
    "The court hearing is set for {x}, which she is dreading.",
    "Her father died {x}, and the anniversary is coming up.",
    "DOB: {x}",
    "They married on {x} and separated after {n} years.",
    "I noticed she gave the exact date ({x}) without hesitating.",
    "On {x} the first panic attack came, in the car park.",
    "The letter was dated {x}; PHQ-9 was {phq} at the time.",
    "We looked back at {x}, the day she left home.",
    "{x} - that was the day he stopped drinking.",
    "Session {s}: she mentioned {x} again, the date of the assault.",
    "Born {x}, raised by her grandparents.",
]
DAY_MONTH_SHAPES = [
    "Her birthday is on {x} and she dreads it every year.",
    "The anniversary of his brother's death is {x}.",
    "She was discharged on {x} and came straight here.",
    "They have a hearing on {x}.",
]

ADDRESS_SHAPES = [
    "She has moved to {x} and seems relieved.",
    "He lives at {x} with his aunt, which is close to the school.",
    "The new flat is at {x}; she says the stairs are a problem.",
    "Address for letters: {x}",
    "Home visit to {x} was cancelled at short notice.",
    "She grew up at {x} and still dreams about the kitchen.",
    "I realised I had written down {x} from the referral without thinking.",
    "The refuge ({x}) has a waiting list.",
    "Session {s}: he talked about the house at {x}, where it all started.",
    "Post goes to {x} now, she said, not to her mother's.",
    "{x} - the address he gave the police.",
    "They are staying with a friend at {x} until the repairs are done.",
    "The shelter on {x} took her in for {n} nights.",
    "We talked about moving back to {x}, and the fear of it.",
]
POSTCODE_SHAPES = [
    "She lives in {x} now, near the park.",
    "His postcode is {x}, he said, as if that explained everything.",
    "They moved to {x} after the eviction.",
    "Postcode {x} came up when we filled in the housing form.",
]

# Ages: the shape carries the phrasing; {a} is a number from 90 up, {w} the same in words.
AGE_SHAPES = [
    ("is", "Her grandmother is {a} and still lives alone."),
    ("is", "He worries because his father is {a} now."),
    ("bracket", "She talked about Mum ({a}) and the care home."),
    ("bracket", "Visiting Grandad ({a}) every Sunday wears him out."),
    ("commas", "His wife, {a}, had a fall last week."),
    ("commas", "Her neighbour, {a}, is the only one who checks on her."),
    ("label", "Age: {a}"),
    ("label", "Patient's mother, age {a}, lives with them."),
    ("yr-old", "Her {a}-yr-old nan still phones every day."),
    ("year-old", "She cares for a {a}-year-old aunt on her own."),
    ("years old", "Her grandfather turned out to be {a} years old, not 80 as I had assumed."),
    ("aged", "The client's mother, aged {a}, moved in with them."),
    ("turned", "His grandmother turned {a} last month and he could not visit."),
    ("birthday", "They celebrated her mother's {a}th birthday at the weekend."),
    ("decade", "His father is in his mid-90s and refuses help."),
    ("decade", "Her grandmother is in her late nineties and very sharp."),
    ("decade", "Her aunt, now in her early 90s, raised her."),
    ("words", "Her grandmother is {w} and still drives, which frightens everyone."),
    ("words", "His great-aunt turned {w} in the spring."),
    ("yo", "The client looks after a {a}yo father with dementia."),
    ("was", "She was {a} when she died, and he was with her."),
    ("of age", "The resident, {a} years of age, is the client's only relative."),
    ("yrs", "Grandmother {a} yrs, lives in sheltered housing."),
]
UNITS_WORDS = {
    90: "ninety",
    91: "ninety-one",
    92: "ninety-two",
    93: "ninety-three",
    94: "ninety-four",
    95: "ninety-five",
    96: "ninety-six",
    97: "ninety-seven",
    98: "ninety-eight",
    99: "ninety-nine",
    100: "a hundred",
    101: "a hundred and one",
    102: "one hundred and two",
    104: "a hundred and four",
}

# Clean clinical sentences: numbers that identify no one.
CLEAN_SHAPES = [
    "PHQ-9 of {phq} today, down from {phq2} at intake.",
    "GAD-7 was {g} and she said the week felt lighter.",
    "Sertraline {mg} mg since session {s}; sleep is a bit better.",
    "Session {s} of {s2}; we reviewed the formulation.",
    "We met at {hh}:{mm} instead of the usual time.",
    "She rated the alliance {r}/10, up from {r2}/10.",
    "He arrived {n} minutes late and apologised twice.",
    "We ran {n} minutes over; the 50-minute hour is a fiction.",
    "The 5-4-3-2-1 grounding worked after about {n} seconds.",
    "They slept {h} hours a night on average this week.",
    "Mood {r} out of 10, anxiety {r2} out of 10.",
    "Homework done on {d} of 7 days.",
    "She has been in therapy since {y} and says this is the first time it feels safe.",
    "In {y} things were better; from {y} to {y2} no therapy at all.",
    "Since May {y} steadier; the court date is on the {o}.",
    "BP {bp1}/{bp2}, heart rate {hr}, according to the GP letter.",
    "He walked {n} blocks down the road before calling, to calm down.",
    "She is {young} years old and feels behind her friends.",
    "Her {old}-year-old mother is still working part-time.",
    "They are in their {dec}s and thinking about children.",
    "We agreed on {n} sessions, then a review at session {s}.",
    "WSAS {w} this week; work is the hardest domain.",
    "CORE-10 score {c}, below the clinical cut-off for the first time.",
    "The session was 90 minutes because of the interpreter.",
    "Lorazepam 0.5 mg as needed, used {d} times this week.",
    "Drinking down to {d} units a week from {n}.",
    "We did {d} rounds of box breathing, 4-4-4-4.",
    "I asked {d} open questions before offering anything.",
    "She scored {pct}% on the quiz and laughed about it.",
    "Exposure ladder step {d} of 10 done, SUDS from {su} to {su2}.",
    "Weight {kg} kg, which she did not want to talk about.",
    "The meeting is at {hh}.{mm} on Thursday, room {room}.",
    "Fourth session in {d} weeks; the gaps are getting shorter.",
    "He quoted chapter {d}, verse {n} at me, half joking.",
    "I noticed I talked for {pct}% of the session, far too much.",
    "We reviewed the thought record: belief {pct}% before, {pct2}% after.",
    "Between {h} and {h2} cigarettes a day now.",
    "A 10-15 minute check-in by video next week.",
    "He has {d} children and {d2} grandchildren, the youngest {young2} years old.",
    "Her email to the manager went unanswered for {d} days.",
    "He checked the website of the support group twice during the week.",
    "We talked about the phone call with her sister for {n} minutes.",
    "They said the street where they grew up still feels unsafe.",
    "I looked at the clock at {hh}:{mm} and felt guilty for it.",
    "The session started at {hh}:{mm} and ended at {hh2}:{mm}.",
    "Scores over the last three weeks: {q}, {q2}, {q3}.",
    "Audit-C {d}, so we talked about alcohol for a while.",
    "Sleep diary: {h} h, {h2} h, {h} h, {h2} h.",
    "The client said 'at least it's not {y} again' and smiled.",
    "We set the next review for week {d}.",
    "She takes {mg} mg of quetiapine at night and feels flat in the morning.",
    "Dose went from {mg} mg to {mg2} mg after the psychiatry review.",
    "He ran {km} km on Saturday and felt proud.",
    "They were in room {room} on floor {d} of the clinic.",
    "We used a 1-10 scale for urges; peak was {r}.",
    "Step {d}: notice, name, and then breathe for {n} seconds.",
    "She turned {young} this year and the birthday was hard.",
    "He is {old} and still working on the farm.",
    "Her daughter is {young2} and just started school.",
    "We did {n} minutes of imagery rescripting.",
    "Chapter {d} of the workbook, pages {p1}-{p2}.",
    "Session {s}: rupture around the fee, repaired by the end.",
    "The waiting list is {d} months long in this area.",
    "He has been sober for {n} days and counts every one.",
    "The client's score on the EDE-Q was {ede}.",
    "We met at {hh}:{mm} and again at {hh2}.{mm}.",
    "I felt tired after {d} back-to-back sessions.",
    "She said she feels about {pct}% better than in {y}.",
    "He talked about being at work by 7 and leaving at 6.",
    "At {hh}:{mm} she said she wanted to stop, and we did.",
    "The group has {n} members now, {d} of them new.",
    "Her K10 was {k10}; the DASS-21 subscales were {d}, {d2} and {r}.",
    "We changed the frequency to every {d} weeks.",
    "Rated empathy {r}/10; respect {r2}/10.",
    "Took {d} deep breaths before answering, which I noticed and named.",
    "He said the 3 of them never talk about it.",
    "Part {d} of the trauma narrative today, about {n} minutes.",
    "Cost of the private sessions is {money} pounds, a real worry.",
    "She saved {money} dollars for the course.",
    "A 2-hour drive each way; we moved to video.",
    "We had {d} cancellations in {d2} months, mostly around payday.",
    "Her son is {young} and her daughter {young2}.",
    "The hospital is about {km} miles from her house.",
    "Twice a week at {hh}:{mm} for {d} weeks, then review.",
    "Methadone {mg} ml daily; she wants to taper.",
    "Gave her the 24/7 crisis line card, no numbers written here.",
    "Used the 7-day sleep log and the 3-column thought record.",
    "She listens to the {n}-minute body scan most nights.",
    "He said he was 1 of {d} siblings, the middle one.",
    "Question {d} on the form upset her.",
    "The last time was {n} days ago, she said.",
    "We are at week {d} of the 12-week protocol.",
    "Nearly {pct} percent of the session was silence, and it felt right.",
    "Grandmother is 85 and lives nearby.",
    "His father is 88, still sharp, still critical.",
    "She met her partner at 19 and married at 23.",
    "They spoke about {y}, the year of the flood.",
    "On the 3rd attempt she managed the exposure.",
    "I'm at session {s} with him and still not sure of the formulation.",
    "Score {q} on the PCL-5, down {d} points.",
    "Email and phone contact only through the clinic, as agreed.",
    "She gave me her address but I did not write it down.",
    "We looked at her phone together; the messages were hard to read.",
    "He wants a letter for his landlord; we talked about what to put in it.",
    "They live on a busy road and the noise keeps them up.",
]


# -- held-out shapes ------------------------------------------------------------------------
# Written after the guard was tuned on the shapes above, and measured without tuning again:
# `make(held_out=True)` (another seed, these shapes) shows how far the figures on the first
# corpus flatter.

HELD_OUT: dict[str, list[Any]] = {
    "contact": [
        "Before leaving she pressed a note into my hand: {x}.",
        "I have {x} from the intake pack but will not use it.",
        "Re: the missed appointment, her partner rang from {x}",
        "'{x}' - written on the back of the CORE-10 sheet, score {n}.",
        "we agreed she'd message {x} if the panic came back before session {s}",
        "He kept repeating {x} as though I might forget it.",
        "Outcome: referral sent, copy to {x}.",
        "Her daughter's contact ({x}) is on the safety plan now.",
        "Possibly relevant: {x}; he wants me to look at it before next week.",
        "Supervisor asked whether {x} should be in my notes at all.",
    ],
    "id": [
        "Housing officer needs the {label} ({x}) by Friday.",
        "Wrote the {label} {x} on the form without thinking.",
        "{label} {x} - she read it twice to be sure.",
        "His {label} was {x}; I felt uneasy holding it.",
        "The benefits letter quoted her {label}: {x}.",
    ],
    "bare_id": [
        "On the top of the letter: {x}.",
        "She recited {x} from memory, proud of it.",
        "Reference {x} was on everything the agency sent.",
    ],
    "date": [
        "DoB {x}; turned up early.",
        "Since {x} she has not slept in the bedroom.",
        "Discharged {x} after {n} days on the ward.",
        "The divorce came through on {x}.",
        "Her son was born {x} - the birth was traumatic.",
        "He's due in court {x}, session {s} is the day before.",
        "Anniversary of the fire: {x}.",
    ],
    "day_month": [
        "She dreads {x} every year, her brother's birthday.",
        "Court again on {x}.",
        "He moved out on {x}.",
    ],
    "address": [
        "Her new place: {x}.",
        "Forwarding address {x} (do not share).",
        "He sleeps at his cousin's, {x}, most nights.",
        "Referral letter went to {x} by mistake.",
        "They were evicted from {x} in the spring.",
        "Visited {x} once for a home assessment.",
        "she said she's at {x} now and feels safer",
    ],
    "postcode": [
        "Somewhere around {x}, she thinks.",
        "Her postcode: {x}.",
        "He grew up in {x}.",
    ],
    "age": [
        ("turns", "Granny, who turns {a} in May, is the one she talks to."),
        ("year old", "Her {a} year old mum moved in with them."),
        ("aged words", "The patient's father (aged {w}) lives with them."),
        ("is", "Dad is {a} and refuses carers."),
        ("yo", "Caring for a {a} y.o. grandmother, exhausted."),
        ("nearly", "Her nan is nearly {a} and still drives to church."),
        ("decade", "He visits his great-aunt, in her late 90s, every Sunday."),
        ("birthday", "Planning his grandfather's {a}th birthday party."),
        ("brackets", "Grandma ({a}) fell again last night."),
    ],
    "clean": [
        "Paracetamol 2 x 500mg, then ibuprofen 400 mg.",
        "She had 3-4 drinks most nights, down to 2.",
        "We met in room 2.14 on the second floor.",
        "Score 21/27 on the PHQ-9, 15/21 on the GAD-7.",
        "A 1:1 session instead of the group this week.",
        "Q3 review: {n} clients, {d} discharged.",
        "Fee went up to £{n}.50, which she found hard.",
        "Set {d} goals, achieved {d2} of them by week {s}.",
        "The 12-week course ends in March; we have {d} weeks left.",
        "Heart rate went from {hr} to {hr} bpm during the exposure.",
        "Slept from 11pm to 6am, woke at 3am twice.",
        "Version 2.1 of the workbook has the new chapter {d}.",
        "He lost {kg} kg over {n} weeks, says he is eating again.",
        "Mood 4/10 in the morning, 6/10 by the evening.",
        "Year {d} of her degree and session {s} with me.",
        "At {hh}:{mm} the fire alarm went and we lost {n} minutes.",
        "Took {n} minutes to settle; SUDS peaked at {su}.",
        "Met at 9.15 instead of 10.00, at her request.",
        "He is {young}; his sister, {young2}.",
        "She mentioned the 80s a lot, her teenage years.",
    ],
}


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


# -- national identifiers, from their published rules ---------------------------------------


def _nino(rng: random.Random) -> str:
    first = rng.choice([c for c in string.ascii_uppercase if c not in "DFIQUV"])
    second = rng.choice([c for c in string.ascii_uppercase if c not in "DFIOQUV"])
    if first + second in {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}:
        first, second = "A", "B"
    return first + second + "".join(rng.choice(string.digits) for _ in range(6)) + rng.choice("ABCD")


def _nhs(rng: random.Random) -> str:
    while True:
        digits = [rng.choice((4, 6, 7))] + [rng.randrange(10) for _ in range(8)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _pps(rng: random.Random) -> str:
    digits = [rng.randrange(10) for _ in range(7)]
    second = rng.choice(["", "", "A", "W", "H"])
    total = sum(d * w for d, w in zip(digits, range(8, 1, -1), strict=True))
    if second:
        total += 9 * (0 if second == "W" else ord(second) - 64)
    check = "W" if total % 23 == 0 else chr(64 + total % 23)
    return "".join(map(str, digits)) + check + second


def _tfn(rng: random.Random) -> str:
    weights = (1, 4, 3, 7, 5, 8, 6, 9, 10)
    while True:
        digits = [rng.randrange(1, 10)] + [rng.randrange(10) for _ in range(8)]
        if sum(d * w for d, w in zip(digits, weights, strict=True)) % 11 == 0:
            return "".join(map(str, digits))


def _medicare(rng: random.Random) -> str:
    digits = [rng.randrange(2, 7)] + [rng.randrange(10) for _ in range(7)]
    check = sum(d * w for d, w in zip(digits, (1, 3, 7, 9, 1, 3, 7, 9), strict=True)) % 10
    return "".join(map(str, digits)) + str(check) + str(rng.randrange(1, 10))


def _aadhaar(rng: random.Random) -> str:
    """Twelve digits, the first 2-9, the last a Verhoeff check digit (Faker's `aadhaar_id`
    uses a Luhn digit instead, which is not the published rule)."""
    d = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
         [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
         [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
         [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]  # fmt: skip
    p = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]
    for _ in range(7):
        p.append([p[-1][x] for x in (1, 5, 7, 6, 2, 8, 3, 0, 9, 4)])
    inverse = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)
    body = [rng.randrange(2, 10)] + [rng.randrange(10) for _ in range(10)]
    c = 0
    for i, digit in enumerate(reversed(body)):
        c = d[c][p[(i + 1) % 8][digit]]
    return "".join(map(str, body)) + str(inverse[c])


NHI_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, no O; A=1 ... Z=24


def _nhi(rng: random.Random) -> str:
    """A New Zealand NHI number: the old AAA9999 form (mod 11) or the new AAA99AA form (mod 23)."""
    while True:
        letters = "".join(rng.choice(NHI_LETTERS) for _ in range(3))
        if rng.random() < 0.5:
            digits = [rng.randrange(10) for _ in range(3)]
            total = sum((NHI_LETTERS.index(c) + 1) * w for c, w in zip(letters, (7, 6, 5), strict=True))
            total += sum(d * w for d, w in zip(digits, (4, 3, 2), strict=True))
            if total % 11 == 0:
                continue
            return letters + "".join(map(str, digits)) + str((11 - total % 11) % 10)
        digits = [rng.randrange(10) for _ in range(2)]
        fifth = rng.choice(NHI_LETTERS)
        total = sum((NHI_LETTERS.index(c) + 1) * w for c, w in zip(letters, (7, 6, 5), strict=True))
        total += digits[0] * 4 + digits[1] * 3 + (NHI_LETTERS.index(fifth) + 1) * 2
        if total % 23 == 0:
            continue
        return letters + "".join(map(str, digits)) + fifth + NHI_LETTERS[23 - total % 23 - 1]


def _ird(rng: random.Random) -> str:
    """A New Zealand IRD number: 8 or 9 digits with a mod-11 check digit (two weightings)."""
    while True:
        number = rng.randrange(10_000_000, 150_000_000) // 10
        body = [int(c) for c in f"{number:08d}"]
        for weights in ((3, 2, 7, 6, 5, 4, 3, 2), (7, 4, 3, 2, 5, 2, 7, 6)):
            rem = sum(d * w for d, w in zip(body, weights, strict=True)) % 11
            check = 0 if rem == 0 else 11 - rem
            if check != 10:
                break
        else:
            continue
        text = "".join(map(str, body[1:] if body[0] == 0 else body)) + str(check)
        return text


def _group(digits: str, sizes: tuple[int, ...], sep: str) -> str:
    out, at = [], 0
    for size in sizes:
        out.append(digits[at : at + size])
        at += size
    return sep.join(out)


def _national_id(fakes: dict[str, Faker], rng: random.Random, locale: str) -> tuple[str, str, str]:
    """(identifier, format, label a clinician would write beside it)."""
    country = LOCALES[locale]
    if country == "US":
        ssn = fakes[locale].ssn()
        form = rng.choice(["dashes", "dashes", "spaces", "digits"])
        text = {"dashes": ssn, "spaces": ssn.replace("-", " "), "digits": ssn.replace("-", "")}[form]
        return text, f"US SSN, {form}", rng.choice(["SSN", "social security number", "Social Security no."])
    if country == "CA":
        sin = fakes[locale].ssn().replace(" ", "")
        form = rng.choice(["spaces", "dashes", "digits"])
        text = {"spaces": _group(sin, (3, 3, 3), " "), "dashes": _group(sin, (3, 3, 3), "-"), "digits": sin}[form]
        return text, f"Canadian SIN, {form}", rng.choice(["SIN", "social insurance number", "S.I.N."])
    if country == "GB":
        if rng.random() < 0.5:
            nino = _nino(rng)
            form = rng.choice(["packed", "pairs", "spaced"])
            text = {
                "packed": nino,
                "pairs": f"{nino[:2]} {nino[2:4]} {nino[4:6]} {nino[6:8]} {nino[8]}",
                "spaced": f"{nino[:2]} {nino[2:8]} {nino[8]}",
            }[form]
            label = rng.choice(["NI number", "National Insurance number", "NINO", "NI no."])
            return text, f"UK National Insurance, {form}", label
        nhs = _nhs(rng)
        form = rng.choice(["spaces", "spaces", "digits", "dashes"])
        text = {"spaces": _group(nhs, (3, 3, 4), " "), "dashes": _group(nhs, (3, 3, 4), "-"), "digits": nhs}[form]
        return text, f"NHS number, {form}", rng.choice(["NHS number", "NHS no.", "NHS No"])
    if country == "IE":
        pps = _pps(rng)
        form = rng.choice(["packed", "spaced"])
        text = pps if form == "packed" else pps[:7] + " " + pps[7:]
        return text, f"Irish PPS, {form}", rng.choice(["PPS number", "PPSN", "PPS no."])
    if country == "AU":
        if rng.random() < 0.5:
            tfn = _tfn(rng)
            form = rng.choice(["spaces", "digits"])
            return (tfn if form == "digits" else _group(tfn, (3, 3, 3), " ")), f"Australian TFN, {form}", "TFN"
        medicare = _medicare(rng)
        form = rng.choice(["card", "digits", "card with IRN"])
        text = {
            "card": _group(medicare, (4, 5, 1), " "),
            "digits": medicare,
            "card with IRN": _group(medicare, (4, 5, 1), " ") + f"-{rng.randrange(1, 6)}",
        }[form]
        return text, f"Australian Medicare, {form}", rng.choice(["Medicare number", "Medicare card", "Medicare no."])
    if country == "IN":
        aadhaar = _aadhaar(rng)
        form = rng.choice(["spaces", "spaces", "digits", "dashes"])
        text = {
            "spaces": _group(aadhaar, (4, 4, 4), " "),
            "dashes": _group(aadhaar, (4, 4, 4), "-"),
            "digits": aadhaar,
        }[form]
        return text, f"Aadhaar, {form}", rng.choice(["Aadhaar", "Aadhaar number", "Aadhaar no."])
    # New Zealand: the National Health Index number, or the IRD (tax) number.
    if rng.random() < 0.5:
        nhi = _nhi(rng)
        return nhi, "NZ NHI", rng.choice(["NHI", "NHI number", "NHI no."])
    ird = _ird(rng)
    form = rng.choice(["dashes", "digits"])
    text = ird if form == "digits" else (_group(ird, (2, 3, 3), "-") if len(ird) == 8 else _group(ird, (3, 3, 3), "-"))
    return text, f"NZ IRD, {form}", rng.choice(["IRD number", "IRD no."])


# -- the other kinds --------------------------------------------------------------------


def _email(fake: Faker, rng: random.Random) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.45:
        return rng.choice([fake.email, fake.free_email, fake.company_email])(), "address"
    if roll < 0.55:
        return f"{fake.first_name()}.{fake.last_name()}@{fake.free_email_domain()}", "capitalised"
    if roll < 0.65:
        user, domain = fake.free_email().split("@")
        return f"{user}+{rng.choice(['therapy', 'news', 'x'])}@{domain}", "with a tag"
    if roll < 0.72:
        return f"mailto:{fake.email()}", "mailto"
    user, domain = fake.free_email().split("@")
    at, dot = rng.choice(
        [(" at ", " dot "), (" [at] ", " [dot] "), ("(at)", "(dot)"), (" AT ", " DOT "), (" at ", ".")]
    )
    return user + at + domain.replace(".", dot), "written out"


SHORTENERS = ["bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly", "youtu.be", "rb.gy", "lnkd.in"]
OTHER_TLDS = [
    "health", "clinic", "care", "doctor", "kiwi", "scot", "wales", "london", "blog", "online", "site", "xyz",
    "page", "space", "ai", "tv", "me", "co.za", "org.au", "ac.uk", "nhs.uk", "gov.ie", "ca", "in", "nz",
    "life", "love", "family", "support", "help", "app", "dev", "io", "info", "art", "photography", "coach",
]  # fmt: skip


def _url(fake: Faker, rng: random.Random) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.25:
        return fake.url(), "with scheme"
    if roll < 0.4:
        return fake.uri(), "with scheme and path"
    if roll < 0.55:
        return f"{fake.domain_name()}/{fake.uri_path()}", "bare domain with a path"
    if roll < 0.65:
        return f"www.{fake.domain_name()}", "www"
    if roll < 0.8:
        code = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(rng.randint(5, 8)))
        return f"{rng.choice(SHORTENERS)}/{code}", "short link"
    name = f"{fake.domain_word()}.{rng.choice(OTHER_TLDS)}"
    shape = rng.choice(["bare", "path", "scheme"])
    if shape == "path":
        name += "/" + fake.uri_path()
    elif shape == "scheme":
        name = "https://" + name
    return name, "any top-level domain"


def _phone(fake: Faker, rng: random.Random, locale: str) -> tuple[str, str]:
    roll = rng.random()
    country = LOCALES[locale]
    if roll < 0.7:
        return fake.phone_number(), "Faker, local formats"
    if country == "AU" and roll < 0.85:
        return rng.choice(
            [
                f"13 {rng.randint(10, 99)} {rng.randint(10, 99)}",
                f"1300 {rng.randint(100, 999)} {rng.randint(100, 999)}",
                f"1800 {rng.randint(100, 999)} {rng.randint(100, 999)}",
                f"1300{rng.randint(100000, 999999)}",
            ]
        ), "13/1300/1800"
    if country == "IN" or roll < 0.8:
        first = rng.randint(70000, 99999)
        second = rng.randint(10000, 99999)
        return rng.choice([f"+91-{first}-{second}", f"+91-{first}{second}", f"+91 {first} {second}"]), "+91 long group"
    if roll < 0.9:
        area = rng.choice(["020", "0113", "0161", "0131", "029"])
        rest = rng.randint(1000000, 9999999) if len(area) > 3 else rng.randint(10000000, 99999999)
        rest_s = str(rest)
        return (
            f"({area}) {rest_s[:3]} {rest_s[3:]}" if rng.random() < 0.5 else f"({area}) {rest_s}",
            "UK bracketed area",
        )
    base = fake.phone_number()
    while "x" in base:
        base = fake.phone_number()
    return f"{base} x{rng.randint(10, 9999)}" if rng.random() < 0.5 else f"{base}x{rng.randint(10, 9999)}", "extension"


DATE_FORMATS = [
    ("%d-%b-%Y", "03-Jun-1977"),
    ("%d-%b-%Y upper", "18-FEB-1975"),
    ("%d%b%Y", "28Oct1987"),
    ("%Y/%m/%d", "1997/07/18"),
    ("%m-%d-%y", "10-15-20"),
    ("%Y-%m-%d", "ISO"),
    ("%d/%m/%Y", "day/month/year"),
    ("%m/%d/%Y", "month/day/year"),
    ("%d.%m.%Y", "dotted"),
    ("%d.%m.%y", "dotted, short year"),
    ("{d}/{m}/{yy}", "d/m/yy"),
    ("{d} %B %Y", "3 June 1977"),
    ("{d} %b %Y", "3 Jun 1977"),
    ("%B {d}, %Y", "June 3, 1977"),
    ("%b. {d}, %Y", "Jun. 3, 1977"),
    ("{o} %B %Y", "3rd June 1977"),
    ("the {o} of %B %Y", "the 3rd of June 1977"),
    ("%B {o}, %Y", "June 3rd, 1977"),
    ("%A {d} %B %Y", "weekday 3 June 1977"),
    ("%A, %B {d}, %Y", "weekday, June 3, 1977"),
    ("{d} %B '%y", "3 June '77"),
    ("%d-%m-%Y", "dd-mm-yyyy"),
    ("{d}-%b-%y", "3-Jun-77"),
    ("%d %b %y", "03 Jun 77"),
    ("{d} %B, %Y", "3 June, 1977"),
    ("%B %Y lower", "lower case: 3 june 1977"),
]
DAY_MONTH_FORMATS = [
    ("{d} %B", "3 June"),
    ("%B {o}", "June 3rd"),
    ("the {o} of %B", "the 3rd of June"),
    ("{d} %b", "3 Jun"),
]


def _render_date(day: date, fmt: str) -> str:
    upper = fmt.endswith(" upper")
    if fmt == "%B %Y lower":
        return f"{day.day} {day.strftime('%B').lower()} {day.year}"
    fmt = fmt.removesuffix(" upper")
    text = fmt.format(d=day.day, m=day.month, yy=day.strftime("%y"), o=_ordinal(day.day))
    text = day.strftime(text)
    return text.upper() if upper else text


def _date(fake: Faker, rng: random.Random) -> tuple[str, str]:
    day = fake.date_between(date(1920, 1, 1), date(2030, 12, 31))
    if rng.random() < 0.12:
        fmt, name = rng.choice(DAY_MONTH_FORMATS)
        return _render_date(day, fmt), f"day and month, no year: {name}"
    fmt, name = rng.choice(DATE_FORMATS)
    return _render_date(day, fmt), name


def _flat(text: str) -> str:
    return text.replace("\n", ", ")


def _address(fakes: dict[str, Faker], rng: random.Random, locale: str) -> tuple[str, str, str]:
    """(address, format, shape family): family "postcode" for a postcode alone."""
    fake = fakes[locale]
    country = LOCALES[locale]
    roll = rng.random()
    if roll < 0.4:
        return _flat(fake.address()), "Faker, full", "address"
    if roll < 0.5:
        return _flat(fake.street_address()), "Faker, street only", "address"
    if roll < 0.6:
        return _flat(fake.address()).lower(), "lower case", "address"
    if roll < 0.67:
        direction = rng.choice(["W", "E", "N", "S", "West", "East", ""])
        kind = rng.choice(["St", "Street", "Ave", "Avenue", "Pl"])
        street = " ".join(f"{fake.building_number()} {direction} {_ordinal(rng.randint(1, 240))} {kind}".split())
        if rng.random() < 0.5:
            us = fakes["en_US"]
            street += f", Apt {rng.randint(1, 30)}{rng.choice(['', 'A', 'B'])}, {us.city()}, NY {us.postcode()}"
        return street, "ordinal street", "address"
    if roll < 0.77:
        if country == "AU":
            box = rng.choice(["PO Box", "GPO Box", "Locked Bag", "P.O. Box"])
            return (
                f"{box} {rng.randint(1, 9999)}, {fake.city()} {fake.state_abbr()} {fake.postcode()}",
                "PO Box family",
                "address",
            )
        box = rng.choice(["PO Box", "P.O. Box", "Po Box", "GPO Box", "Locked Bag"])
        tail = rng.choice(["", f", {fake.city()}", f", {fake.city()} {fake.postcode()}"])
        return f"{box} {rng.randint(1, 9999)}{tail}", "PO Box family", "address"
    if roll < 0.87:
        street_types = [
            "Parade", "Rise", "Port", "Esplanade", "Quay", "Circuit", "Close", "Crescent", "Mews", "Grove",
            "Heights", "Gardens", "Vale", "View", "Hill", "Green", "Wharf", "Chase", "Promenade", "Boulevard",
            "Terrace", "Row", "Wynd", "Brae", "Loop", "Track", "Highway", "Concourse", "Glade", "Cove", "Walk",
        ]  # fmt: skip
        unit = rng.choice(
            ["", "", f"Flat {rng.randint(1, 20)}, ", f"Unit {rng.randint(1, 20)}/", f"Apartment {rng.randint(1, 99)}, "]
        )
        town = rng.choice(["", f", {fake.city()}", f", {fake.city()} {fake.postcode()}"])
        return (
            f"{unit}{rng.randint(1, 300)} {fake.last_name()} {rng.choice(street_types)}{town}",
            "street types",
            "address",
        )
    if country in ("GB", "CA") or roll < 0.95:
        postcode_fake = fake if country in ("GB", "CA") else fakes[rng.choice(["en_GB", "en_CA"])]
        return postcode_fake.postcode(), "postcode alone", "postcode"
    return _flat(fake.address()), "Faker, full", "address"


def _age(rng: random.Random, shapes: list[Any] = AGE_SHAPES) -> tuple[str, str, str]:
    """(sentence, format, the span text of the age phrase)."""
    form, shape = rng.choice(shapes)
    age = rng.choice([*range(90, 100), *range(90, 100), *range(100, 106)])
    if form in ("words", "aged words"):
        age = rng.choice(list(UNITS_WORDS))
    words = UNITS_WORDS.get(age, "ninety")
    return shape, form, shape.format(a=age, w=words)


def _numbers(rng: random.Random) -> dict[str, Any]:
    r = rng.randint
    return {
        "n": r(2, 45), "s": r(1, 40), "s2": r(8, 24), "phq": r(3, 27), "phq2": r(3, 27), "g": r(2, 21),
        "mg": rng.choice([5, 10, 20, 25, 50, 75, 100, 150, 200]), "mg2": rng.choice([50, 100, 150]),
        "hh": r(7, 19), "hh2": r(8, 20), "mm": rng.choice(["00", "15", "30", "45", "10", "50"]),
        "r": r(1, 10), "r2": r(1, 10), "h": r(3, 9), "h2": r(4, 10), "d": r(2, 9), "d2": r(1, 6),
        "y": r(1995, 2025), "y2": r(1995, 2025), "o": _ordinal(r(1, 28)), "bp1": r(100, 150), "bp2": r(60, 95),
        "hr": r(55, 100), "young": r(18, 60), "young2": r(3, 17), "old": r(61, 89), "dec": rng.choice([20, 30, 40, 50]),
        "w": r(5, 35), "c": r(5, 25), "pct": r(5, 95), "pct2": r(5, 95), "su": r(40, 90), "su2": r(10, 40),
        "kg": r(45, 120), "room": r(1, 40), "q": r(5, 25), "q2": r(5, 25), "q3": r(5, 25), "km": r(2, 30),
        "p1": r(10, 60), "p2": r(61, 99), "ede": round(rng.uniform(0.5, 5.5), 1), "k10": r(10, 50),
        "money": rng.choice([60, 75, 120, 300, 1500, 2000]),
    }  # fmt: skip


def _plant(shape: str, value: str, numbers: dict[str, Any]) -> tuple[str, int, int]:
    before, after = shape.split("{x}", 1)
    before = before.format(**numbers)
    after = after.format(**numbers)
    text = before + value + after
    return text, len(before), len(before) + len(value)


def make(seed: int = SEED, per_kind: int = 600, clean: int = 1200, held_out: bool = False) -> list[dict[str, Any]]:
    """`per_kind` sentences for each of the seven kinds (one identifier each, a few with two),
    then `clean` clean ones, shuffled together. `held_out`: the shapes written after tuning."""
    shapes_of = {
        "contact": CONTACT_SHAPES, "id": ID_SHAPES, "bare_id": BARE_ID_SHAPES, "date": DATE_SHAPES,
        "day_month": DAY_MONTH_SHAPES, "address": ADDRESS_SHAPES, "postcode": POSTCODE_SHAPES, "age": AGE_SHAPES,
        "clean": CLEAN_SHAPES,
    }  # fmt: skip
    if held_out:
        shapes_of = HELD_OUT
    rng = random.Random(seed)
    fakes = {}
    for i, locale in enumerate(LOCALES):
        fake = Faker(locale)
        fake.seed_instance(seed * 100 + i)
        fakes[locale] = fake
    records: list[dict[str, Any]] = []
    locales = list(LOCALES)
    for kind in KINDS:
        for i in range(per_kind):
            locale = locales[i % len(locales)]
            fake = fakes[locale]
            numbers = _numbers(rng)
            if kind == "age":
                shape, form, text = _age(rng, shapes_of["age"])
                records.append({"text": text, "region": LOCALES[locale], "planted": [_age_span(shape, text, form)]})
                continue
            if kind == "email":
                value, form = _email(fake, rng)
                shapes = shapes_of["contact"]
            elif kind == "url":
                value, form = _url(fake, rng)
                shapes = shapes_of["contact"]
            elif kind == "phone":
                value, form = _phone(fake, rng, locale)
                shapes = shapes_of["contact"]
            elif kind == "date":
                value, form = _date(fake, rng)
                shapes = shapes_of["day_month"] if form.startswith("day and month") else shapes_of["date"]
            elif kind == "address":
                value, form, family = _address(fakes, rng, locale)
                shapes = shapes_of["postcode"] if family == "postcode" else shapes_of["address"]
            else:
                value, form, label = _national_id(fakes, rng, locale)
                if rng.random() < 0.75:
                    shapes = [s.replace("{label}", label) for s in shapes_of["id"]]
                else:
                    shapes = shapes_of["bare_id"]
                    form += ", no label"
            text, start, end = _plant(rng.choice(shapes), value, numbers)
            planted = [{"kind": kind, "format": form, "start": start, "end": end}]
            if i % 10 == 0 and kind in ("email", "phone"):  # a second identifier of another kind
                other_kind = "phone" if kind == "email" else "email"
                other, other_form = _phone(fake, rng, locale) if other_kind == "phone" else _email(fake, rng)
                text += f" Also: {other}."
                planted.append(
                    {
                        "kind": other_kind,
                        "format": other_form,
                        "start": len(text) - len(other) - 1,
                        "end": len(text) - 1,
                    }
                )
            records.append({"text": text, "region": LOCALES[locale], "planted": planted})
    for i in range(clean):
        shape = shapes_of["clean"][i % len(shapes_of["clean"])]
        records.append(
            {"text": shape.format(**_numbers(rng)), "region": LOCALES[locales[i % len(locales)]], "planted": []}
        )
    rng.shuffle(records)
    return records


def _age_span(shape: str, text: str, form: str) -> dict[str, Any]:
    """The age phrase's span: the number (or its words) and the words that make it an age."""
    if "{a}" in shape or "{w}" in shape:
        marker = "{a}" if "{a}" in shape else "{w}"
        start = shape.index(marker)
        tail = len(shape) - start - len(marker)
        end = len(text) - tail
    else:  # the decade shapes: "mid-90s", "late nineties", "early 90s"
        for word in ("mid-90s", "late nineties", "early 90s", "late 90s"):
            if word in text:
                start = text.index(word)
                end = start + len(word)
                break
    return {"kind": "age", "format": form, "start": start, "end": end}
