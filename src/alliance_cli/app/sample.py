"""Plausible synthetic sessions, for `alliance demo` and the benchmarks.

Nothing here is real: clients are random codes, reflections are stitched from a small bank
of invented phrases. A caseload of weekly clients rotates over time (each client is seen
for a few weeks to a year); ratings drift per client, dip around ruptures and recover
after repairs, so the weekly review has something true-to-life to show. The notes fit the
ratings they stand behind (a low rating's moment is a hard one, a high one's a good one) and
the session's tone; about one session in five has a rupture, with markers of its kind, the
repair tried and how the client responded, and some are left open. With `goal_since`, the
sessions from that day on say whether the learning goal was practised.

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

from alliance_cli.core.answers import applies, follows
from alliance_cli.core.inputs import MODALITIES
from alliance_cli.core.ruptures import is_open, repairs
from alliance_cli.core.vocabulary import Roles, roles_of

if TYPE_CHECKING:
    from alliance_cli.core.models import PromptSet
    from alliance_cli.core.records import NewSession

# The text banks come in two tones: a session that went well reads like one, a hard one
# (low ratings, or a rupture) like a hard one.
WENT_WELL = {
    "good": [
        "We slowed down when the topic of work came up, and the client named the pressure for the first time.",
        "I reflected the frustration back and the client said it felt understood.",
        "We agreed the goal for the next month together.",
        "The client laughed about the week, which felt like trust.",
        "Silence held; the client filled it with something important.",
        "Summarising at the end helped, the client added a piece I had missed.",
    ],
    "hard": [
        "Not much today; the client still came, and stayed to the end.",
        "We kept talking even when it got tense.",
        "Near the end the client said one honest thing about how the week had been.",
        "I managed not to argue back when I felt criticised.",
    ],
}
DO_DIFFERENTLY = {
    "good": [
        "Little; perhaps leave a bit more room at the end.",
        "Ask about the weekend plans they mentioned, I forgot to follow up.",
        "Check the pace once more in the second half.",
        "Keep the summary shorter and let them add to it.",
    ],
    "hard": [
        "I moved to problem-solving too quickly; stay with the feeling longer.",
        "Check the pace earlier; the client seemed rushed by me.",
        "I talked more than I listened in the first half.",
        "Name the missed session directly instead of skirting it.",
        "Ask how the session is going for them when they go quiet, rather than pressing on.",
    ],
}
FEELINGS = {
    "good": [
        "Warm, and a little protective of them.",
        "Settled and curious; I am left with some hope for them.",
        "Moved when they spoke about their sister, and glad we got there.",
        "Light and at ease; we laughed once, and it felt shared.",
        "Attentive throughout; I am left looking forward to next week.",
        "A little tired, but steady, and glad of the work we did.",
    ],
    "hard": [
        "Tense from the start; I noticed I wanted the hour to end.",
        "Anxious that I had said the wrong thing.",
        "Bored for a stretch, then irritated with myself for it.",
        "Stung when they said the sessions were not helping; I am left unsure of myself.",
    ],
}
GOING_ON = {
    "good": [
        "They may be starting to trust that they can bring the difficult things here.",
        "We found a shared pace; they led and I followed.",
        "Perhaps naming the pressure last week made room for today.",
        "They seemed to test a new way of speaking up, and it held.",
        "We were both less guarded; the repair last month may have helped.",
    ],
    "hard": [
        "Perhaps they were testing whether I would stay with them when they were angry.",
        "We may both have been avoiding the topic of ending.",
        "I think I was trying to rescue, and they let me.",
        "Their disappointment with others may have been landing on me today.",
    ],
}
# A moment note for a rating at either end of the scale: a good moment behind a high rating,
# a hard one behind a low rating.
MOMENTS = {
    "good": [
        "When they talked about their father I caught the sadness under the anger.",
        "I checked my understanding twice and got it right both times.",
        "I stayed with a long silence and they went on to something important.",
        "I said plainly that I did not know, and they seemed relieved.",
    ],
    "hard": [
        "I was distracted after the phone buzzed and missed a key sentence.",
        "I noticed judgement rising when they described the argument.",
        "I cut in with advice while they were still speaking.",
        "I hid behind the worksheet when they asked what I really thought.",
    ],
}
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
MY_PART = [
    "I was in a hurry to get to the exercise I had planned.",
    "I hoped for progress this week and they may have felt it as pressure.",
    "I held on to my formulation when they were telling me something else.",
    "I was tired and less patient than usual.",
]
QUESTIONS = {
    "good": [
        "What is helping here, and how do I keep it going without taking over?",
        "They are doing well; is it time to talk about ending?",
        "Am I too comfortable with this client to notice what we avoid?",
        "How do I help them keep the change going between sessions?",
    ],
    "hard": [
        "How do I name the strain without it feeling like blame?",
        "Am I pushing the pace because of my own worry?",
        "How do I bring up ending when they go quiet?",
        "What do I say when they tell me the sessions are not helping?",
    ],
}
MARKED = 0.03  # the share of sessions marked for supervision, the hard ones more often
# Ruptures: about one session in five, most of them withdrawal, some confrontation. The
# chance is RUPTURE_RATE after a session rated 7 on average, more after a harder one, and a
# rupture makes the next sessions harder: over the demo's 800 sessions it comes to 16 to 24%
# whatever the seed (tests/test_demo.py checks 15 to 25%). The markers are drawn for the kind
# (by the markers prompt's `kinds:`), and the kind follows from them, as in a log.
RUPTURE_RATE = 0.185
RUPTURE_LEAN = 0.05  # how much likelier per point the session's mean rating is below 7
KINDS = {"withdrawal": 0.6, "confrontation": 0.28, "both": 0.12}
WITHDRAWAL_MARKERS = slice(0, 5)
CONFRONTATION_MARKERS = slice(5, 9)
# A learning goal: asked whether it was practised while it is active (the demo sets one).
GOAL_LIFT = 0.5  # how much the goal's principle is rated higher while it is practised
PRACTISED = {"yes": 0.45, "partly": 0.25, "no": 0.12, "no opportunity": 0.18}


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
    ps: PromptSet,
    *,
    sessions: int,
    end: date,
    seed: int = 1,
    per_weekday: float = 9.6,
    goal_since: date | None = None,
    goal_principle: str | None = None,
) -> Iterator[NewSession]:
    """Yield about `sessions` sessions ending on `end`, ~`per_weekday` a weekday, oldest first.

    With `goal_since`, a learning goal is active from that day on (the caller stores the goal
    itself), and the sessions from then on say whether it was practised; the rating of
    `goal_principle` then rises a little, as practice tends to do.
    """
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
            goal_active = goal_since is not None and goal_since <= day
            for client in (todays + extra)[:want]:
                if made >= sessions:
                    break
                client.sessions += 1
                lift = {goal_principle: GOAL_LIFT} if goal_active and goal_principle else {}
                answers = _answers(ps, roles, rng, client, goal_active=goal_active, lift=lift)
                yield new_session(ps, client.code, day, client.modality, answers)
                made += 1
            caseload = [c for c in caseload if c.sessions < c.length]
        day += timedelta(days=1)


class _Session:
    """What one session's answers so far say about it: its tone, and the rupture's kind."""

    def __init__(self, roles: Roles, answers: dict[str, Any], lift: dict[str, float]) -> None:
        self.roles = roles
        self.answers = answers
        self.kind: str | None = None
        self.lift = lift  # principle -> how much its rating rises (the learning goal's)

    def mean_rating(self) -> float | None:
        values = [self.answers[pid] for pid in self.roles.rating_ids if pid in self.answers]
        return sum(values) / len(values) if values else None

    def tone(self) -> str:
        rupture = self.roles.rupture is not None and self.answers.get(self.roles.rupture) is True
        mean = self.mean_rating()
        return "hard" if rupture or (mean is not None and mean < 6) else "good"


def _answers(
    ps: PromptSet,
    roles: Roles,
    rng: random.Random,
    client: _Client,
    *,
    goal_active: bool = False,
    lift: dict[str, float] | None = None,
) -> dict[str, Any]:
    mood = client.base + client.trend * client.sessions - client.strain + rng.gauss(0, 0.9)
    client.strain *= 0.5
    answers: dict[str, Any] = {}
    history = frozenset(
        fact
        for fact, holds in (
            ("intention_set", client.intention_set),
            ("open_rupture", client.open_rupture),
            ("goal_active", goal_active),
        )
        if holds
    )
    voice = {roles.client_view, roles.client_score} - {None}
    session = _Session(roles, answers, lift or {})
    for prompt in ps.prompts:
        if prompt.id in voice or not applies(prompt, answers, history):
            continue
        value = follows(ps, prompt, answers, history)  # the kind, from the markers, as a log takes it
        if value is None:
            value = _answer(prompt, roles, rng, mood, session)
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


def _answer(prompt: Any, roles: Roles, rng: random.Random, mood: float, session: _Session) -> Any:
    kind = prompt.kind
    if kind == "rating":
        lifted = mood + session.lift.get(prompt.principle or "", 0.0)
        return max(int(prompt.min), min(int(prompt.max), round(lifted + rng.gauss(0, 0.7))))
    if kind == "number":
        return round(rng.uniform(prompt.min or 0, prompt.max or 10), 1)
    if prompt.id == roles.rupture:
        mean = session.mean_rating()
        lean = 0.0 if mean is None else RUPTURE_LEAN * (7.0 - mean)  # likelier after a harder session
        return rng.random() < max(0.04, min(0.6, RUPTURE_RATE + lean))
    if prompt.id in {roles.rupture_markers, roles.rupture_kind} - {None}:
        if session.kind is None:
            session.kind = _pick(rng, KINDS)
        if prompt.id == roles.rupture_kind:
            return session.kind if session.kind in (prompt.choices or []) else None
        return _markers(rng, prompt.choices or [], session.kind, prompt.kinds)
    if prompt.id == roles.repair_strategies:
        choices = list(prompt.choices or [])
        if rng.random() < 0.15 or len(choices) < 2:
            return choices[-1:]  # not yet addressed
        tried = rng.sample(choices[:-1], k=rng.choice([1, 1, 2, 2, 3]))
        return [c for c in choices if c in tried]  # in the order of the choices, as a log stores them
    if prompt.id == roles.repair_response:
        return _response(rng, prompt.choices or [], session.answers.get(roles.repair_strategies or ""))
    if prompt.id == roles.repaired:
        response = session.answers.get(roles.repair_response) if roles.repair_response else None
        return {"re-engaged": "yes", "partly re-engaged": "partly"}.get(str(response), "no")
    if prompt.id == roles.my_part:
        return rng.choice(MY_PART) if rng.random() < 0.7 else None
    if prompt.id == roles.goal_practised:
        return _pick(rng, {c: PRACTISED.get(c, 0.1) for c in prompt.choices or []})
    if prompt.id == "for_supervision" or prompt.role == "for_supervision":
        return rng.random() < MARKED * (1.5 if session.tone() == "hard" else 0.6)
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
    if prompt.id == "repair_tried":
        addressed = session.answers.get(roles.repair_strategies or "") != ["not yet addressed"]
        return rng.choice(REPAIRS) if addressed and rng.random() < 0.6 else None
    toned = {
        "went_well": WENT_WELL,
        "do_differently": DO_DIFFERENTLY,
        "feelings": FEELINGS,
        "going_on": GOING_ON,
        "supervision_question": QUESTIONS,
    }.get(prompt.id if prompt.role != "supervision_question" else "supervision_question")
    if toned is not None:
        return rng.choice(toned[session.tone()])
    return rng.choice(MOMENTS[_moment_tone(prompt, session)])


def _moment_tone(prompt: Any, session: _Session) -> str:
    """A note asked after a rating (a moment) follows that rating; any other note the session."""
    rated = session.answers.get(prompt.when.prompt) if prompt.when is not None and prompt.when.prompt else None
    if isinstance(rated, int) and not isinstance(rated, bool):
        return "hard" if rated < 5 else "good"
    return session.tone()


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _markers(rng: random.Random, choices: list[str], kind: str, kinds: dict[str, str] | None = None) -> list[str]:
    """One or two markers of the kind's own: by the prompt's `kinds:` map, or in a set without
    one, withdrawal the first five, confrontation the next four."""
    if kinds:
        withdrawal = [c for c in choices if kinds.get(c) == "withdrawal"]
        confrontation = [c for c in choices if kinds.get(c) == "confrontation"]
    else:
        withdrawal, confrontation = choices[WITHDRAWAL_MARKERS], choices[CONFRONTATION_MARKERS]
    if not withdrawal or not confrontation:
        return rng.sample(choices, k=1) if choices else []
    if kind == "both":
        picked = [rng.choice(withdrawal), rng.choice(confrontation)]
    else:
        pool = withdrawal if kind == "withdrawal" else confrontation
        picked = rng.sample(pool, k=rng.choice([1, 1, 2]))
    return [c for c in choices if c in picked]  # in the order of the choices


def _response(rng: random.Random, choices: list[str], strategies: object) -> str | None:
    """How the client responded: not addressed yet when nothing was tried, else mostly re-engaged."""
    if not choices:
        return None
    if isinstance(strategies, list) and strategies == ["not yet addressed"]:
        return choices[-1] if "not addressed" in choices[-1] else rng.choice(choices)
    return _pick(rng, dict(zip(choices[:3], (0.55, 0.3, 0.15), strict=False)))
