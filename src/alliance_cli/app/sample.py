"""Plausible synthetic sessions, for `alliance demo` and the benchmarks.

Nothing here is real: clients are random codes, reflections are stitched from a small bank
of invented phrases. A caseload of weekly clients rotates over time (each client is seen
for a few weeks to a year); ratings drift per client, dip around ruptures and recover
after repairs, so the weekly review has something true-to-life to show.

Most clients also give their own score (the SRS total, 0 to 40): steady and higher than the
clinician's read of them, as clients' ratings tend to be, with now and then a dip the
clinician's own ratings do not show (a discordant session, when those were 8 or more). The
client's side draws from a random stream of its own, so adding it left every other answer
as it was.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from alliance_cli.core.answers import applies
from alliance_cli.core.inputs import MODALITIES
from alliance_cli.core.ruptures import is_open, repairs
from alliance_cli.core.vocabulary import Roles, roles_of

if TYPE_CHECKING:
    from alliance_cli.core.models import PromptSet
    from alliance_cli.core.records import NewSession

WENT_WELL = [
    "We slowed down when the topic of work came up, and the client named the pressure for the first time.",
    "I reflected the frustration back and the client said it felt understood.",
    "We agreed the goal for the next month together.",
    "The client laughed about the week, which felt like trust.",
    "Silence held; the client filled it with something important.",
    "Summarising at the end helped, the client added a piece I had missed.",
]
DO_DIFFERENTLY = [
    "I moved to problem-solving too quickly; stay with the feeling longer.",
    "Ask about the weekend plans they mentioned, I forgot to follow up.",
    "Check the pace earlier; the client seemed rushed by me.",
    "I talked more than I listened in the first half.",
    "Name the missed session directly instead of skirting it.",
]
INTENTIONS = [
    "Open with a check-in on how last session left them.",
    "Ask what they want from the next few sessions.",
    "Name the tension from today, gently, at the start.",
    "Leave more silence after hard questions.",
    "Follow up on the sleep diary.",
]
FOLLOW_UP_NOTES = [
    "Did it at the start; the client seemed relieved.",
    "Remembered only near the end.",
    "The session went elsewhere and it did not fit.",
]
REPAIRS = [
    "Named the strain and asked how the session felt for them.",
    "Owned that I pushed too hard and asked what would help.",
    "Went back to the goal and asked whether it still fits.",
]
FEELINGS = [
    "Tense from the start; I noticed I wanted the hour to end.",
    "Warm, and a little protective of them.",
    "Bored for a stretch, then suddenly moved.",
    "Anxious that I had said the wrong thing.",
]
GOING_ON = [
    "Perhaps they were testing whether I would stay with them when they were angry.",
    "We may both have been avoiding the topic of ending.",
    "I think I was trying to rescue, and they let me.",
]
QUESTIONS = [
    "How do I name the strain without it feeling like blame?",
    "Am I pushing the pace because of my own worry?",
    "How do I bring up ending when they go quiet?",
]
MARKED = 0.03  # the share of sessions marked for supervision
MOMENTS = [
    "When they talked about their father I caught the sadness under the anger.",
    "I checked my understanding twice and got it right both times.",
    "I was distracted after the phone buzzed and missed a key sentence.",
    "I noticed judgement rising when they described the argument.",
]


class _Client:
    def __init__(self, rng: random.Random, code: str, start: date) -> None:
        self.code = code
        self.base = rng.uniform(5.5, 8.5)
        self.trend = rng.uniform(-0.02, 0.03)
        self.sessions = 0
        self.length = rng.randint(6, 45)
        self.weekday = rng.randint(0, 4)
        self.modality = rng.choices(MODALITIES, weights=[6, 3, 1, 0.3])[0]
        self.strain = 0.0
        self.intention_set = False  # the last session set an intention: follow it up
        self.open_rupture = False  # a rupture not (fully) repaired yet
        # The client's own view, from a stream of its own (so the clinician's side is unchanged).
        self.voice = random.Random(f"voice:{code}")
        self.gives_scores = self.voice.random() < 0.85
        self.level = 9.15 + 0.05 * (self.base - 7) + self.voice.uniform(0.0, 0.6)  # on 0 to 10


def generate(
    ps: PromptSet, *, sessions: int, end: date, seed: int = 1, per_weekday: float = 9.6
) -> Iterator[NewSession]:
    """Yield about `sessions` sessions ending on `end`, ~`per_weekday` a weekday, oldest first."""
    from alliance_cli.app.log import new_session

    rng = random.Random(seed)
    roles = roles_of(ps)
    weekdays = int(sessions / per_weekday) + 1
    day = end
    count = 0
    while count < weekdays:  # walk back to the first weekday
        day -= timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    caseload_size = max(4, round(per_weekday * 5 / 1.0 * 0.6))
    serial = 0
    caseload: list[_Client] = []
    made = 0
    while day <= end and made < sessions:
        if day.weekday() < 5:
            while len(caseload) < caseload_size:
                serial += 1
                caseload.append(_Client(rng, f"C-{serial:04d}", day))
            todays = [c for c in caseload if c.weekday == day.weekday()]
            extra = [c for c in caseload if c.weekday != day.weekday()]
            rng.shuffle(extra)
            want = max(1, round(rng.gauss(per_weekday, 1.2)))
            for client in (todays + extra)[:want]:
                if made >= sessions:
                    break
                client.sessions += 1
                answers = _answers(ps, roles, rng, client)
                yield new_session(ps, client.code, day, client.modality, answers)
                made += 1
            caseload = [c for c in caseload if c.sessions < c.length]
        day += timedelta(days=1)


def _answers(ps: PromptSet, roles: Roles, rng: random.Random, client: _Client) -> dict[str, Any]:
    mood = client.base + client.trend * client.sessions - client.strain + rng.gauss(0, 0.9)
    client.strain *= 0.5
    answers: dict[str, Any] = {}
    history = frozenset(
        fact
        for fact, holds in (("intention_set", client.intention_set), ("open_rupture", client.open_rupture))
        if holds
    )
    voice = {roles.client_view, roles.client_score} - {None}
    for prompt in ps.prompts:
        if prompt.id in voice or not applies(prompt, answers, history):
            continue
        value = _answer(prompt, roles, rng, mood)
        if value is not None:
            answers[prompt.id] = value
    if voice:
        answers.update(_voice(ps, roles, client, mood))
        order = [p.id for p in ps.prompts]
        answers = {pid: answers[pid] for pid in order if pid in answers}
    rupture = roles.rupture is not None and answers.get(roles.rupture) is True
    repaired = answers.get(roles.repaired) if roles.repaired else None
    if rupture:
        client.strain += 0.5 if repairs(repaired) else 1.5
    if roles.rupture_revisited and repairs(answers.get(roles.rupture_revisited)):
        client.open_rupture = False
    if rupture and is_open(repaired, closed_later=False):
        client.open_rupture = True
    client.intention_set = bool(roles.intention and answers.get(roles.intention))
    return answers


def _voice(ps: PromptSet, roles: Roles, client: _Client, mood: float) -> dict[str, Any]:
    """Your read of the client (most sessions) and their own score (when they give one)."""
    rng = client.voice
    out: dict[str, Any] = {}
    view = ps.prompt(roles.client_view) if roles.client_view else None
    if view is not None and rng.random() < 0.85:
        lo, hi = int(view.min or 0), int(view.max or 10)
        out[view.id] = max(lo, min(hi, round(mood + rng.gauss(0, 0.6))))
    score = ps.prompt(roles.client_score) if roles.client_score else None
    if score is not None and client.gives_scores and rng.random() < 0.8:
        on_ten = client.level + 0.1 * (mood - client.base) + rng.uniform(-0.06, 0.06)
        if rng.random() < 0.08:  # a dip the clinician's own ratings do not show
            on_ten -= rng.uniform(1.0, 2.5)
        low, high = float(score.min or 0), float(score.max or 40)
        out[score.id] = round(max(low, min(high, low + (high - low) * on_ten / 10)), 1)
    return out


def _answer(prompt: Any, roles: Roles, rng: random.Random, mood: float) -> Any:
    kind = prompt.kind
    if kind == "rating":
        return max(int(prompt.min), min(int(prompt.max), round(mood + rng.gauss(0, 0.7))))
    if kind == "number":
        return round(rng.uniform(prompt.min or 0, prompt.max or 10), 1)
    if prompt.id == roles.rupture:
        return rng.random() < 0.08
    if prompt.id == "for_supervision" or prompt.role == "for_supervision":
        return rng.random() < MARKED
    if prompt.id == "intention_note":
        return rng.choice(FOLLOW_UP_NOTES) if rng.random() < 0.3 else None
    if kind == "yesno":
        return rng.random() < min(0.95, mood / 9)
    if kind == "choice":
        choices = prompt.choices or []
        return choices[0] if rng.random() < mood / 10 else rng.choice(choices)
    if kind == "multi":
        return rng.sample(prompt.choices or [], k=1)
    if prompt.id == roles.intention:
        return rng.choice(INTENTIONS)
    bank = {
        "went_well": WENT_WELL,
        "do_differently": DO_DIFFERENTLY,
        "repair_tried": REPAIRS,
        "feelings": FEELINGS,
        "going_on": GOING_ON,
        "supervision_question": QUESTIONS,
    }.get(prompt.id, MOMENTS)
    return rng.choice(bank)
