"""Typer's coercion of option values, without pydantic for the plain ones.

Typer turns every option's value into its type through a pydantic `TypeAdapter`, built the
first time the option is processed, given or not: every command paid for importing
pydantic and building an adapter per option (about 35 ms before the first question of
`alliance log`, which needs none of it, and all of pydantic for `list`, `clients` and
`search`). Here an option of a plain type (a string, a flag, a list of strings, a path, a
whole number without bounds or a list of them, a choice of words, `--format` once its own
parser has read it) is coerced as the adapter would coerce it, by the same code Typer's
path adapter calls; an option not given costs nothing; any other type, or a value of an
unexpected kind, goes to Typer's own adapter as before. `install()` puts it in place once,
from `cli.root`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from typer import _coercion as coercion
from typer._param_types import coerce_cli_path, routes_to_path
from typer.core import _TyperParameter


@dataclass(frozen=True)
class _Plain(coercion.RuntimeParam):
    """A str, bool, int, list[str], list[int], Path or str-valued Enum option: values of
    that kind coerced here, others by Typer."""

    shape: str = "str"
    _typer: list[coercion.RuntimeParam] = field(default_factory=list, compare=False)

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        if (self.shape == "str" and isinstance(value, str)) or (self.shape == "bool" and isinstance(value, bool)):
            return value
        if self.shape == "int" and _whole(value):
            return int(value)
        if self.shape == "ints" and isinstance(value, list | tuple) and all(map(_whole, value)):
            return [int(v) for v in value]
        if self.shape == "parsed":
            made = _parsed(self.parameter_info.parser, value)
            if isinstance(made, self.annotation):
                return made
        if self.shape == "enum" and isinstance(value, str):
            members = {m.value: m for m in self.annotation}  # Choice has checked it, case folded too
            if value in members:
                return members[value]
        if self.shape == "list" and isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return list(value)
        if self.shape == "path" and isinstance(value, str | Path) and str(value):
            return coerce_cli_path(Path(value), self.parameter_info, path_type=Path, param=param, ctx=ctx)
        if not self._typer:  # anything else: Typer's adapter, built now
            self._typer.append(coercion.build_runtime_param(_descriptor(self)))
        return self._typer[0]._coerce_value(value, param=param, ctx=ctx)


_WHOLE = re.compile(r"[+-]?[0-9]+")


def _whole(value: Any) -> bool:
    """A whole number, or its digits as typed (anything else, e.g. "1_000", goes to Typer)."""
    return type(value) is int or isinstance(value, str) and _WHOLE.fullmatch(value) is not None


def _parsed(parser: Any, value: Any) -> Any:
    """What the option's own parser makes of `value`; None when it refuses it (Typer then
    asks it again, and says why as it always has)."""
    try:
        return parser(value)
    except Exception:  # noqa: BLE001 - refused: Typer's own path reports it
        return None


def _descriptor(plain: _Plain) -> coercion.TypeDescriptor:
    return coercion.resolve_type_descriptor(plain.annotation, plain.parameter_info)


def _shape(descriptor: coercion.TypeDescriptor) -> str | None:
    """Which plain kind an option is, or None when Typer's adapter must do it all."""
    try:
        return _plain_shape(descriptor)
    except AttributeError:  # a Typer whose descriptors changed: its own adapter
        return None


def _plain_shape(descriptor: coercion.TypeDescriptor) -> str | None:
    info, annotation = descriptor.parameter_info, descriptor.annotation
    if getattr(info, "click_type", None) is not None or descriptor.is_file:
        return None
    words = (
        isinstance(annotation, type)
        and issubclass(annotation, Enum)
        and all(isinstance(m.value, str) for m in annotation)
    )
    if info.parser is not None:  # `--format`: its own parser has made the value already
        return "parsed" if words else None
    if annotation is str or annotation is bool:
        return annotation.__name__
    if annotation is int and info.min is None and info.max is None and not info.clamp:  # else Typer's bounds
        return "int"
    if words:
        return "enum"
    if annotation == list[str]:
        return "list"
    if annotation == list[int] and info.min is None and info.max is None and not info.clamp:
        return "ints"
    if annotation is Path and routes_to_path(annotation, info) and getattr(info, "path_type", None) is None:
        return "path"
    return None


def _runtime_param(self: Any) -> coercion.RuntimeParam:
    if self._runtime_param is None:
        descriptor = self.type_descriptor
        shape = _shape(descriptor)
        if shape is None:
            self._runtime_param = coercion.build_runtime_param(descriptor)
        else:
            self._runtime_param = _Plain(descriptor.parameter_info, descriptor.annotation, shape)
    result: coercion.RuntimeParam = self._runtime_param
    return result


def install() -> None:
    """Typer's parameters build their coercion through `_runtime_param` from now on (with a
    Typer that builds it otherwise, nothing is replaced)."""
    if callable(getattr(_TyperParameter, "get_runtime_param", None)):
        setattr(_TyperParameter, "get_runtime_param", _runtime_param)  # noqa: B010 - Typer's own method, replaced
