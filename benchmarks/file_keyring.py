"""A keyring backend in a private file, for benchmarks on a machine without an OS keyring.

    PYTHON_KEYRING_BACKEND=file_keyring.FileKeyring FILE_KEYRING=/tmp/x/ring.json

Never for real use: the file holds the remembered keys in the clear (an OS keyring keeps
them encrypted at rest)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def _path(self) -> Path:
        return Path(os.environ["FILE_KEYRING"])

    def _load(self) -> dict[str, str]:
        try:
            return dict(json.loads(self._path().read_text()))
        except FileNotFoundError:
            return {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\0{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        ring = self._load()
        ring[f"{service}\0{username}"] = password
        fd = os.open(self._path(), os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(ring, handle)

    def delete_password(self, service: str, username: str) -> None:
        ring = self._load()
        ring.pop(f"{service}\0{username}", None)
        self._path().write_text(json.dumps(ring))
