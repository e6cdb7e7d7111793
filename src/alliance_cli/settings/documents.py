"""Files people hand alliance, read within bounds a hostile file cannot get past.

An answers file, a prompt set and the settings file are small, so each is read up to a cap
on its size (`read_capped`; the caps are in the README, "Files alliance reads"), and YAML is
walked through the parser's events, once, without recursion (`load_yaml`, `check_yaml`):

- an alias (`*name`) is refused where it has no use (answers files) and counted where it may
  have one (prompt sets): a document stands for at most MAX_NODES values once its aliases are
  expanded, so a "billion laughs" is refused after one linear read instead of filling memory;
- nesting deeper than MAX_DEPTH is refused before anything recursive sees it;
- a key given twice in one mapping is refused, with the key and both lines (YAML and JSON
  would otherwise keep the last one without a word);
- in an answers file, plain scalars stay the text they are, except null and the yes/no words:
  `1_0`, `0x0a`, `012` and `1:30` (which YAML 1.1 reads as 10, 10, 10 and 90) and
  `2026-11-20` reach the answer checks as typed, and a tag (`!!int`, `!!binary`, `!!set`) is
  refused.
"""

from __future__ import annotations

from typing import IO, Any

from alliance_cli.core.messages import quoted

MAX_DEPTH = 20
MAX_NODES = 100_000
_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_BOOL = {
    word: value
    for words, value in (
        ("yes Yes YES true True TRUE on On ON", True),
        ("no No NO false False FALSE off Off OFF", False),
    )
    for word in words.split()
}
_STR_TAG = "tag:yaml.org,2002:str"
_NO_TAGS = "YAML tags (such as !!int, !!binary or !!set) are not taken here; write the value plainly"
_NO_ALIASES = "YAML anchors and aliases (&name, *name) are not taken here; write each value out"


class DocumentProblem(ValueError):
    """What is wrong with a document, and the line (1-based) where, when known."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class TooLarge(ValueError):
    """A file is larger than the cap on its kind."""


def read_capped(binary: IO[bytes], cap: int) -> bytes:
    """The whole of `binary`, or TooLarge once it holds more than `cap` bytes (read no further)."""
    data = binary.read(cap + 1)
    if len(data) > cap:
        raise TooLarge(cap)
    return data


def size_words(cap: int) -> str:
    """1 MB, 64 KB: a cap as the messages and the README say it."""
    return f"{cap >> 20} MB" if cap >= 1 << 20 else f"{cap >> 10} KB"


def shown_key(key: str) -> str:
    """A mapping key as a message may quote it: only when shaped like an id (`messages.quoted`);
    any other key could be an answer's text written where a key goes."""
    return quoted(key, "a key") if len(key) <= 64 else "a key"


def load_yaml(text: str) -> Any:
    """The one document in `text` (YAML, or JSON, which YAML reads too) as dicts, lists,
    text, None and yes/no; no aliases or anchors, no tags. DocumentProblem says why not."""
    return _Walk(build=True).run(text)


def check_yaml(text: str) -> None:
    """Check `text` before PyYAML builds it (a prompt set): aliases may expand to at most
    MAX_NODES values, nesting is at most MAX_DEPTH deep, no key twice in one mapping."""
    _Walk(build=False).run(text)


class _Frame:
    __slots__ = ("container", "is_map", "key", "seen", "anchor", "start")

    def __init__(self, container: Any, is_map: bool, anchor: str | None, start: int) -> None:
        self.container = container
        self.is_map = is_map
        self.key: Any = _NO_KEY
        self.seen: dict[str, int] = {}
        self.anchor = anchor
        self.start = start


_NO_KEY = object()


class _Walk:
    """One pass over the parser's events: `build` makes the document (answers: no aliases,
    plain scalars as text); without it only the bounds are checked (prompt sets)."""

    def __init__(self, *, build: bool) -> None:
        self.build = build
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.nodes = 0
        self.sizes: dict[str, int] = {}  # anchor -> the number of values it stands for
        self.open: set[str] = set()  # anchors of containers not closed yet

    def run(self, text: str) -> Any:
        import yaml

        loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        documents = 0
        event: Any
        for event in yaml.parse(text, Loader=loader):
            line = event.start_mark.line + 1 if event.start_mark is not None else None
            kind = type(event)
            if kind is yaml.ScalarEvent:
                self._anchor(event.anchor, line)
                self.nodes += 1
                self._count(line)
                value: Any
                if self._wants_key():
                    value = self._key(event, line)
                else:
                    value = self._scalar(event, line) if self.build else None
                self._add(value, line, container=False)
                if event.anchor is not None:
                    self.sizes[event.anchor] = 1
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                self._anchor(event.anchor, line)
                if len(self.stack) >= MAX_DEPTH:
                    raise DocumentProblem(line, f"nested more than {MAX_DEPTH} levels deep")
                if self.build and event.tag not in (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
                    raise DocumentProblem(line, _NO_TAGS)
                is_map = kind is yaml.MappingStartEvent
                container: Any = ({} if is_map else []) if self.build else None
                self._add(container, line, container=True)
                self.nodes += 1
                self._count(line)
                if event.anchor is not None:
                    self.open.add(event.anchor)
                self.stack.append(_Frame(container, is_map, event.anchor, self.nodes))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                frame = self.stack.pop()
                if frame.anchor is not None:
                    self.open.discard(frame.anchor)
                    self.sizes[frame.anchor] = self.nodes - frame.start + 1
            elif kind is yaml.AliasEvent:
                self._alias(event.anchor, line)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise DocumentProblem(line, "holds more than one YAML document (a second `---`)")
        return self.root

    def _anchor(self, anchor: str | None, line: int | None) -> None:
        if anchor is not None and self.build:
            raise DocumentProblem(line, _NO_ALIASES)

    def _alias(self, anchor: str, line: int | None) -> None:
        if self.build:
            raise DocumentProblem(line, _NO_ALIASES)
        if anchor in self.open:
            raise DocumentProblem(line, f"the alias *{anchor} refers to a value that holds it")
        if anchor not in self.sizes:
            raise DocumentProblem(line, f"the alias *{anchor} refers to no anchor before it")
        self.nodes += self.sizes[anchor]
        self._count(line)
        self._add(None, line, container=False, alias=True)

    def _count(self, line: int | None) -> None:
        if self.nodes > MAX_NODES:
            raise DocumentProblem(line, f"stands for more than {MAX_NODES:,} values once its aliases are expanded")

    def _wants_key(self) -> bool:
        return bool(self.stack) and self.stack[-1].is_map and self.stack[-1].key is _NO_KEY

    def _key(self, event: Any, line: int | None) -> str:
        """A key is its text as written: `yes:` is the key 'yes', `1_0:` is '1_0'."""
        if self.build and event.tag not in (None, "!", _STR_TAG):
            raise DocumentProblem(line, _NO_TAGS)
        return str(event.value)

    def _scalar(self, event: Any, line: int | None) -> Any:
        if event.tag not in (None, "!"):
            if self.build and event.tag != _STR_TAG:
                raise DocumentProblem(line, _NO_TAGS)
            return event.value
        if event.implicit[0]:  # a plain scalar: null and yes/no are read, the rest stays text
            value = event.value
            if value in _NULL:
                return None
            return _BOOL.get(value, value)
        return event.value

    def _add(self, value: Any, line: int | None, *, container: bool, alias: bool = False) -> None:
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        if not top.is_map:
            if self.build:
                top.container.append(value)
            return
        if top.key is _NO_KEY:  # this node is a key
            if container or alias:
                if self.build:
                    raise DocumentProblem(line, "a key must be a plain name, not a list or a mapping")
                top.key = None
                return
            key = str(value)
            first = top.seen.get(key)
            if first is not None:
                lines = f"line {line}" if first == line else f"lines {first} and {line}"
                raise DocumentProblem(line, f"the key {shown_key(key)} is given twice ({lines})")
            top.seen[key] = line or 0
            top.key = key
            return
        if self.build:
            top.container[top.key] = value
        top.key = _NO_KEY
