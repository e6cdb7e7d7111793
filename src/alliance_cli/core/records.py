"""Sessions and drafts as plain data: what the store writes and returns, what the screens show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass
class NewSession:
    """A complete, validated session ready to be written."""

    client: str
    date: date
    modality: str
    answers: dict[str, Any]  # prompt id -> typed value, in prompt-set order
    kinds: dict[str, str]  # prompt id -> prompt kind
    prompt_set_version: int
    prompt_set_snapshot: str
    prompt_set_digest: str
    uuid: str | None = None
    logged_at: str | None = None


@dataclass
class Draft:
    id: int
    command: str
    session_id: int | None
    state: dict[str, Any]
    created_at: str
    updated_at: str


@dataclass
class SavedSession:
    id: int
    uuid: str
    session_number: int


@dataclass
class StoredSession:
    id: int
    uuid: str
    client: str
    date: str
    modality: str
    session_number: int
    logged_at: str
    edited_at: str | None
    prompt_set_version: int
    prompt_set: dict[str, Any]
    answers: dict[str, Any] = field(default_factory=dict)


@dataclass
class ClientSummary:
    client: str
    sessions: int
    first_date: str
    last_date: str
    recent_mean: float | None
    session_means: list[float | None] = field(default_factory=list)
    open_ruptures: int = 0


@dataclass(frozen=True)
class Goal:
    """A learning goal: one skill to practise for weeks (`store.goals`); dates are ISO."""

    id: int
    text: str
    principle: str | None  # the principle whose rating follows it, if any
    started: str
    ended: str | None  # None while active
