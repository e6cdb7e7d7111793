"""A log or an edit in progress, as kept in a draft: plain data, saved after every answer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class LogState:
    """A log in progress, as kept in a draft."""

    client: str | None = None
    date: str | None = None
    modality: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LogState:
        known = {k: data[k] for k in ("client", "date", "modality", "answers", "asked") if k in data}
        return cls(**known)
