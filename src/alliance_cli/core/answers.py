"""Answers against a prompt set: typing raw values, `when:` conditions, what is missing.

The same rules serve the interactive log (one answer at a time), `--set` flags and
`--answers` files, so a value accepted in one way is accepted in all of them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from alliance_cli.core.inputs import is_text
from alliance_cli.core.messages import Hint, ordinal, repeatable
from alliance_cli.errors import AnswerError

if TYPE_CHECKING:
    from alliance_cli.core.models import Prompt, PromptSet

MAX_TEXT = 20_000
# A rating is a whole number in ASCII digits, and a number a decimal one, as a person types
# them; what else Python's int() and float() take (1_0, ٣, +7, 1e1 for a rating, inf) is not.
_WHOLE = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_SPACE = " \t\r\n"
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def coerce(prompt: Prompt, raw: Any) -> Any:
    """The typed value of one answer, or None for a skipped one; ValueError says why not."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    kind = prompt.kind
    if kind == "rating":
        return _rating(prompt, raw)
    if kind == "number":
        return _number(prompt, raw)
    if kind == "yesno":
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in _YES:
            return True
        if word in _NO:
            return False
        raise ValueError("answer yes or no")
    if kind == "choice":
        value = _choice_text(raw)
        if value not in (prompt.choices or []):
            raise ValueError(f"choose one of: {', '.join(prompt.choices or [])}")
        return value
    if kind == "multi":
        items = raw if isinstance(raw, list) else str(raw).split(";")
        values = [_choice_text(v).strip() for v in items if _choice_text(v).strip()]
        wrong = [v for v in values if v not in (prompt.choices or [])]
        if wrong:
            raise ValueError(f"choose from: {', '.join(prompt.choices or [])} (separate several with ';')")
        return [c for c in (prompt.choices or []) if c in values] or None
    return written(raw)


def written(raw: Any) -> str | None:
    """A written answer as it is kept (stripped; None when blank), or ValueError saying why
    it cannot be: not text, not valid UTF-8, or too long."""
    if not isinstance(raw, str):
        raise ValueError("expected text")
    if not is_text(raw):
        raise ValueError("is not valid UTF-8 text")
    text = raw.strip()
    if len(text) > MAX_TEXT:
        raise ValueError(f"is longer than {MAX_TEXT} characters")
    return text or None


def _choice_text(raw: Any) -> str:
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    return str(raw).strip()


def _rating(prompt: Prompt, raw: Any) -> int:
    """A whole number from min to max: an integer (or a float with nothing after the point,
    as a journal may hand one back), or text of ASCII digits with spaces around at most."""
    lo, hi = int(prompt.min or 0), int(prompt.max or 0)
    message = f"expected a whole number from {lo} to {hi}"
    if isinstance(raw, bool):
        raise ValueError(message)
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and _WHOLE.fullmatch(digits := raw.strip(_SPACE)):
        digits = digits.lstrip("0") or "0"
        if len(digits) > 9:  # no rating is that large (and int() of thousands of digits is slow)
            raise ValueError(message)
        value = int(digits)
    else:
        raise ValueError(message)
    if not lo <= value <= hi:
        raise ValueError(message)
    return value


def _number(prompt: Prompt, raw: Any) -> int | float:
    """A finite decimal number: an int or a float, or text such as 7, -2.5 or 1.5e-3."""
    message = "expected a number"
    if isinstance(raw, bool):
        raise ValueError(message)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        value = float(raw) if abs(raw) < 1e300 else float("inf")
    elif isinstance(raw, str) and len(text := raw.strip(_SPACE)) <= 100 and _DECIMAL.fullmatch(text):
        value = float(text)
    else:
        raise ValueError(message)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(message)
    if prompt.min is not None and value < prompt.min or prompt.max is not None and value > prompt.max:
        raise ValueError(f"expected a number from {prompt.min:g} to {prompt.max:g}")
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


NO_HISTORY: frozenset[str] = frozenset()
# Two facts beside the history ones, for sessions logged before a rule that now shapes the log
# (an edit of one, an import of an older export), so what they recorded stays valid as it is:
# EACH_MOMENT: every prompt whose `when:` has `most_extreme_of` applies on its own test alone,
# as before one moment a log; KIND_AS_RECORDED: the rupture kind is asked and kept as
# answered, not taken from the markers (`follows`).
EACH_MOMENT = "each_moment"
KIND_AS_RECORDED = "kind_as_recorded"


def applies(prompt: Prompt, answers: Mapping[str, Any], history: frozenset[str] = NO_HISTORY) -> bool:
    """Whether the prompt is asked, given the answers so far and the facts about earlier
    sessions with this client that hold (`history`, see `store_continuity`)."""
    when = prompt.when
    if when is None:
        return True
    if when.history is not None:
        return when.history in history
    if not when.holds(answers.get(when.prompt or "")):
        return False
    return EACH_MOMENT in history or when.most_extreme(answers)


def follows(ps: PromptSet, prompt: Prompt, answers: Mapping[str, Any], history: frozenset[str] = NO_HISTORY) -> Any:
    """The answer `prompt` takes from earlier answers instead of being asked, or None when it
    is asked: the rupture kind, from the markers chosen (`core.ruptures.kind_from`)."""
    if KIND_AS_RECORDED in history:
        return None
    source = ps.kind_source(prompt.id)
    if source is None or not source.kinds:
        return None
    from alliance_cli.core.ruptures import kind_from

    return kind_from(answers.get(source.id), source.kinds)


def logged_before(ps: PromptSet, answers: Mapping[str, Any], history: frozenset[str] = NO_HISTORY) -> frozenset[str]:
    """Which rules saved `answers` were logged before, as facts that keep them valid on an
    edit: EACH_MOMENT when they hold a moment the one-moment rule (`most_extreme_of`) would
    not ask, KIND_AS_RECORDED when their rupture kind is not the one their markers give."""
    facts: set[str] = set()
    for prompt in ps.prompts:
        when = prompt.when
        saved = answers.get(prompt.id)
        extreme = when is not None and when.most_extreme_of is not None and saved is not None
        if (
            extreme
            and when is not None
            and when.holds(answers.get(when.prompt or ""))
            and not when.most_extreme(answers)
        ):
            facts.add(EACH_MOMENT)
        if applies(prompt, answers, history | facts):
            derived = follows(ps, prompt, answers, history)
            if derived is not None and saved != derived:
                facts.add(KIND_AS_RECORDED)
    return frozenset(facts)


def without_derived(ps: PromptSet, answers: Mapping[str, Any], history: frozenset[str] = NO_HISTORY) -> dict[str, Any]:
    """Saved `answers` without those that follow from others (`follows`): an edit that
    changes the markers finds the kind anew, rather than held to the old one."""
    return {
        pid: value
        for pid, value in answers.items()
        if (prompt := ps.prompt(pid)) is None or follows(ps, prompt, answers, history) is None
    }


def validate_answers(
    ps: PromptSet,
    raw: Mapping[str, Any],
    *,
    complete: bool = True,
    history: frozenset[str] = NO_HISTORY,
    typed: Callable[[Prompt, Any], Any] | None = None,
) -> dict[str, Any]:
    """Typed answers in prompt-set order; AnswerError lists every problem, one per line.

    With `complete=False` a missing required answer is not a problem (the interactive log
    asks for it next). `typed` stands in for `coerce` (import passes one that remembers the
    values it has typed: a file repeats the same few ratings and choices many times).
    """
    typed = typed or coerce
    problems: list[str] = []
    unknown = [pid for pid in raw if ps.prompt(pid) is None]
    for pid in unknown:
        # A key of an answers file that is not id-shaped could be an answer in the wrong place.
        problems.append(f"{pid if repeatable(pid) else 'a key'}: not a prompt in this prompt set ({Hint.PROMPTS})")
    answers: dict[str, Any] = {}
    for prompt in ps.prompts:
        given = prompt.id in raw
        value = None
        if given:
            try:
                value = typed(prompt, raw[prompt.id])
            except ValueError as exc:
                problems.append(f"{prompt.id}: {exc}")
                continue
        if not applies(prompt, answers, history):
            if value is not None and prompt.when is not None:
                instead = _asked_instead(ps, prompt, answers, history)
                here = f": here that is {instead}" if instead else ""
                problems.append(f"{prompt.id}: only asked when {prompt.when.describe()}{here}")
            continue
        derived = follows(ps, prompt, answers, history)
        if derived is not None:
            if value is not None and value != derived:
                source = ps.kind_source(prompt.id)
                named = source.id if source is not None else "the markers"
                problems.append(
                    f"{prompt.id}: the markers chosen in {named} make it {derived}, not {value}; "
                    f"leave {prompt.id} out and it follows from them"
                )
                continue
            answers[prompt.id] = derived
            continue
        if value is None:
            if complete and prompt.required and not (given and _failed(problems, prompt.id)):
                problems.append(f"{prompt.id}: required, but no answer was given")
            continue
        answers[prompt.id] = value
    if problems:
        raise AnswerError(problems[0], problems)
    return answers


def _asked_instead(ps: PromptSet, prompt: Prompt, answers: Mapping[str, Any], history: frozenset[str]) -> str | None:
    """For a moment refused by the one-moment rule (`most_extreme_of`), the moment the answers
    ask instead, if any (the ratings it compares come earlier, so `answers` holds them)."""
    group = prompt.when.most_extreme_of if prompt.when is not None else None
    if not group:
        return None
    return next(
        (
            p.id
            for p in ps.prompts
            if p.id != prompt.id
            and p.when is not None
            and p.when.most_extreme_of == group
            and applies(p, answers, history)
        ),
        None,
    )


def _failed(problems: list[str], pid: str) -> bool:
    return any(p.startswith(f"{pid}: ") for p in problems)


def missing_required(ps: PromptSet, answers: Mapping[str, Any], history: frozenset[str] = NO_HISTORY) -> list[str]:
    return [p.id for p in ps.prompts if p.required and applies(p, answers, history) and answers.get(p.id) is None]


def parse_assignments(items: list[str]) -> dict[str, str]:
    """`--set id=value` flags as a mapping; a malformed one is an AnswerError."""
    out: dict[str, str] = {}
    problems = []
    for number, item in enumerate(items, 1):
        pid, sep, value = item.partition("=")
        if not sep or not pid.strip():
            # The item may hold answer text, which never goes into a message: name its place.
            problems.append(f"--set (the {ordinal(number)} one): expected PROMPT_ID=VALUE")
            continue
        out[pid.strip()] = value
    if problems:
        raise AnswerError(problems[0], problems)
    return out


def to_columns(kind: str, value: Any) -> tuple[Any, Any]:
    """A typed answer as the journal stores it: (value_num, value_text)."""
    if kind == "yesno":
        return (1 if value else 0), None
    if kind in ("rating", "number"):
        return value, None
    if kind == "multi":
        return None, json.dumps(list(value), ensure_ascii=False)
    return None, str(value)


def from_columns(kind: str, num: Any, text: Any) -> Any:
    """The typed answer from the journal's (value_num, value_text)."""
    if kind == "yesno":
        return bool(num)
    if kind in ("rating", "number"):
        return num
    if kind == "multi":
        return json.loads(text)
    return text


def format_value(value: Any) -> str:
    """An answer as a person reads it."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
