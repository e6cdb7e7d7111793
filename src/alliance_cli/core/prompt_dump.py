"""A prompt set as its JSON dump, and rebuilt from it, without pydantic's validators or serializer.

A set is validated once, when it is read from its file; what alliance keeps of it after
that (each session's snapshot in the journal, `store.review.journal_prompt_set`, and the
prompt cache of `settings.prompts`) is its `model_dump(mode="json", exclude_none=True)`.
`prompt_set_dump` gives that dump from the models' fields, without building pydantic's
serializer first (about 30 ms of CPU of every command that saves a session: a scripted
log, an import). Rebuilding the models from the dump with `model_construct` gives what
validation built (rating labels keyed by number again, ranges as pairs) without building
the validators first: 1 ms instead of 6 to 10 for the review.
"""

from __future__ import annotations

import math
from functools import cache
from types import UnionType
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from alliance_cli.core.models import Area, Prompt, PromptSet, When


def prompt_set_dump(ps: PromptSet) -> dict[str, Any]:
    """`ps.model_dump(mode="json", exclude_none=True)`: each model's fields in their order,
    those set to None left out, nested models as dicts, pairs as lists, rating labels keyed
    by their number as text, a whole number in a field typed `float` as a float (`min: 0`
    is written 0.0, as pydantic writes it). A value JSON has no plain form for (a float that
    is not finite, which no valid set holds) is left to pydantic."""
    try:
        return _fields(ps, PromptSet)
    except _NotPlain:
        return ps.model_dump(mode="json", exclude_none=True)


class _NotPlain(Exception):
    pass


def _fields(model: Any, cls: type[BaseModel]) -> dict[str, Any]:
    out = {}
    floats = _float_fields(cls)
    for name in cls.model_fields:
        value = getattr(model, name)
        if value is None:
            continue
        if name in floats:
            value = [_float(v) for v in value] if isinstance(value, list | tuple) else _float(value)
        out[name] = _plain(value)
    return out


@cache
def _float_fields(cls: type[BaseModel]) -> frozenset[str]:
    """The fields typed `float` or a pair of floats (`min`, `between`), None aside."""
    found = set()
    for name, info in cls.model_fields.items():
        types: set[Any] = (
            set(get_args(info.annotation)) - {type(None)} if isinstance(info.annotation, UnionType) else set()
        )
        (only,) = types if len(types) == 1 else {info.annotation}
        if only is float or get_origin(only) is tuple and set(get_args(only)) == {float}:
            found.add(name)
    return frozenset(found)


def _float(value: Any) -> Any:
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return _fields(value, type(value))
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k if isinstance(k, str) else _key(k): _plain(v) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        raise _NotPlain
    if value is None or isinstance(value, str | int | float):  # (bool is an int)
        return value
    raise _NotPlain


def _key(key: Any) -> str:
    if isinstance(key, int) and not isinstance(key, bool):
        return str(key)
    raise _NotPlain


def prompt_set_from_dump(data: dict[str, Any]) -> PromptSet:
    """The models of a set validated before, from its JSON dump."""
    prompts = []
    for raw in data["prompts"]:
        fields = dict(raw)
        if "labels" in fields:
            fields["labels"] = {int(k): v for k, v in fields["labels"].items()}
        if "when" in fields:
            when = dict(fields["when"])
            for name in ("between", "not_between"):
                if name in when:
                    when[name] = tuple(when[name])
            fields["when"] = When.model_construct(**when)
        prompts.append(Prompt.model_construct(**fields))
    top = {k: v for k, v in data.items() if k not in ("prompts", "principles", "practices")}
    for group in ("principles", "practices"):
        top[group] = [Area.model_construct(**a) for a in data.get(group, [])]
    return PromptSet.model_construct(None, **top, prompts=prompts)
