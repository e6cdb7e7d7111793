"""Load and validate a prompt set.

Validation happens in two passes: the pydantic model checks each field, then
`check_prompt_set` checks the rules that span fields (unique ids, `when:` pointing at an
earlier prompt, ranges, roles). Every problem in both passes is reported at once, each as one
line `FILE:LINE: FIELD: message`, the line found by walking the YAML node tree along the
error's location.

A set that passed is kept, as canonical JSON, in a private cache file named after its path
(`paths.user_cache_dir`, 0600), keyed by the digest of the file's bytes and by the code
that validated it; the next command reading the same bytes rebuilds the models from it
without YAML or validation (the first question of `alliance log` waits for this). The
cache holds the prompt set alone, never an answer.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from alliance_cli.errors import PromptSetError

if TYPE_CHECKING:
    from collections.abc import Callable

    from alliance_cli.core.measures import Measure
    from alliance_cli.core.models import PromptSet
    from alliance_cli.core.vocabulary import Roles

Loc = tuple[str | int, ...]


MAX_PROMPTS_FILE = 1 << 20  # 1 MB: the built-in set is 10 KB


def load_prompt_set(path: Path, measure: Measure | None = None, *, deferred: bool = False) -> PromptSet:
    """Read and validate the prompt set at `path`; raise PromptSetError listing every problem.

    Its client-score prompt takes the range of `measure` (`core.measures`; the SRS when
    none is given: commands pass the `client_measure` setting). `deferred`: a set found in
    the cache comes back as a `DeferredPromptSet`, its models built on first use (the
    first question of `alliance log` does not wait for them); any other is validated now."""
    from alliance_cli.settings.documents import TooLarge, read_capped, size_words

    try:
        with open(path, "rb") as binary:
            text = read_capped(binary, MAX_PROMPTS_FILE).decode("utf-8")
    except FileNotFoundError:
        raise PromptSetError(f"{path}: prompts file not found") from None
    except TooLarge:
        raise PromptSetError(
            f"{path}: the prompts file is larger than {size_words(MAX_PROMPTS_FILE)}, which no prompt set is"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PromptSetError(f"{path}: cannot read the prompts file ({exc.__class__.__name__})") from None
    from alliance_cli.core.measures import DEFAULT, with_measure

    key = _cache_key(text)
    cache = _cache_file(path)
    if deferred:
        data = _cached_data(cache, key)
        if data is not None:
            return cast("PromptSet", DeferredPromptSet(data, measure or DEFAULT, text, str(path)))
    ps = _cached(cache, key)
    if ps is None:
        ps = parse_prompt_set(text, str(path))
        _keep(cache, key, ps)
    return with_measure(ps, measure or DEFAULT)


CACHE_FORMAT = 1
# The modules whose rules decide whether a set is valid: a change to any of them (an
# upgrade, a checkout) makes every cached set stale.
_RULES = ("core/models.py", "core/vocabulary.py", "settings/prompts.py", "settings/documents.py")


def _cache_key(text: str) -> str:
    from alliance_cli import __version__

    package = Path(__file__).resolve().parent.parent
    code = []
    for name in _RULES:
        try:
            info = (package / name).stat()
            code.append(f"{info.st_size}:{info.st_mtime_ns}")
        except OSError:
            code.append("-")
    seed = f"{CACHE_FORMAT}|{__version__}|{'|'.join(code)}|".encode()
    return hashlib.sha256(seed + text.encode("utf-8")).hexdigest()


def _cache_file(path: Path) -> Path:
    from alliance_cli.settings.paths import user_cache_dir

    name = hashlib.sha256(str(path.absolute()).encode()).hexdigest()[:24]
    return user_cache_dir() / f"prompts-{name}.json"


def _cached(cache: Path, key: str) -> PromptSet | None:
    """The set kept under `key`, rebuilt without validation; None when there is none, it is
    stale or damaged, or the file is not private to this user (then it is validated anew)."""
    data = _cached_data(cache, key)
    if data is None:
        return None
    try:
        return _construct(data)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _cached_data(cache: Path, key: str) -> dict[str, Any] | None:
    """The JSON dump of the set kept under `key` (see `_cached`), or None."""
    import os
    import stat

    try:
        fd = os.open(cache, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > 4 * MAX_PROMPTS_FILE:
            return None
        if os.name == "posix" and (info.st_uid != os.getuid() or info.st_mode & 0o077):
            return None
        with os.fdopen(fd, "rb", closefd=False) as stream:
            kept = json.loads(stream.read())
        if not isinstance(kept, dict) or kept.get("key") != key:
            return None
        data = kept["set"]
        if not isinstance(data, dict) or not isinstance(data.get("prompts"), list):
            return None
        return data
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    finally:
        os.close(fd)


class DeferredPromptSet:
    """A prompt set validated before, read from the cache, standing in for its `PromptSet`:
    the models (pydantic's, about 90 ms to load and build) are built on the first attribute
    asked of it, and every attribute is then the built set's. Until then, `roles()` answers
    from the cached dump, which is all the recap before a log's first question needs. A dump
    that cannot be rebuilt (a damaged cache) is validated from the file's text instead."""

    def __init__(self, data: dict[str, Any], measure: Measure, text: str, source: str) -> None:
        import threading

        self._data = data
        self._measure = measure
        self._text = text
        self._source = source
        self._built: PromptSet | None = None
        self._building = threading.Lock()
        self._started = False

    def built(self) -> PromptSet:
        with self._building:  # built once, by whichever thread asks first; the other waits
            if self._built is None:
                from alliance_cli.core.measures import with_measure

                try:
                    ps = _construct(self._data)
                except (ValueError, KeyError, TypeError, AttributeError):
                    ps = parse_prompt_set(self._text, self._source)
                self._built = with_measure(ps, self._measure)
            return self._built

    def build_in_background(self) -> None:
        """Start building the models in a thread (once), while the person reads a question:
        the questions after it find them ready. A build that fails there is tried again,
        and said, by the first use."""
        if self._started or self._built is not None:
            return
        import threading

        self._started = True

        def build() -> None:
            try:
                self.built()
            except Exception:  # noqa: BLE001, S110 - the first use builds it again and says why
                pass

        threading.Thread(target=build, name="alliance-prompt-set", daemon=True).start()

    def roles(self) -> Roles:
        if self._built is not None:
            from alliance_cli.core.vocabulary import roles_of

            return roles_of(self._built)
        from alliance_cli.core.vocabulary import roles_of_snapshot

        return roles_of_snapshot(self._data)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # its own (before __init__, as copy makes it) or Python's: not the set's
            raise AttributeError(name)
        return getattr(self.built(), name)


def models_meanwhile(ps: PromptSet) -> Callable[[], None] | None:
    """What builds the models of a set read from the cache in the background, to be started
    while a question waits for its answer (`DeferredPromptSet.build_in_background`); None
    for a set whose models are built."""
    if isinstance(ps, DeferredPromptSet):
        return ps.build_in_background
    return None


def prompt_roles(ps: PromptSet) -> Roles:
    """The roles in `ps` (`core.vocabulary.roles_of`), a deferred set's without building it."""
    if isinstance(ps, DeferredPromptSet):
        return ps.roles()
    from alliance_cli.core.vocabulary import roles_of

    return roles_of(ps)


def _keep(cache: Path, key: str, ps: PromptSet) -> None:
    """Keep a validated set for the next command; a cache that cannot be written is no error."""
    from alliance_cli.core.prompt_dump import prompt_set_dump
    from alliance_cli.settings.files import write_private

    body = json.dumps({"key": key, "set": prompt_set_dump(ps)}, separators=(",", ":"))
    try:
        write_private(cache, body)
    except OSError:
        pass


def _construct(data: dict[str, Any]) -> PromptSet:
    """The models of a set validated before, from its JSON dump (`core.prompt_dump`)."""
    from alliance_cli.core.prompt_dump import prompt_set_from_dump

    return prompt_set_from_dump(data)


def parse_prompt_set(text: str, source: str) -> PromptSet:
    import yaml
    from pydantic import ValidationError

    from alliance_cli.core.models import PromptSet
    from alliance_cli.settings.documents import DocumentProblem, check_yaml

    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        check_yaml(text)  # aliases that expand past all bounds, deep nesting, a key given twice
    except DocumentProblem as exc:
        raise PromptSetError(f"{source}:{exc.line or 1}: {exc.message}") from None
    except yaml.YAMLError:
        pass  # said below, with the line and the problem
    try:
        loader = loader_cls(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise PromptSetError(f"{where}: not valid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise PromptSetError(
            f"{source}:1: the prompts file must be a mapping with 'version', 'principles' and 'prompts'"
        )

    problems: list[tuple[Loc, str]] = []
    prompt_set = None
    try:
        prompt_set = PromptSet.model_validate(data)
    except ValidationError as exc:
        problems.extend(_pydantic_problems(exc, data))
    if prompt_set is not None:
        problems.extend(check_prompt_set(prompt_set))
    else:  # some fields are wrong: still check the rules between the parts that are right
        known = {loc for loc, _ in problems}
        problems.extend(found for found in _check_valid_parts(data) if found[0] not in known)
    if problems:
        lines = [_format(source, node, loc, msg) for loc, msg in problems]
        raise PromptSetError(lines[0], lines)
    assert prompt_set is not None
    return prompt_set


def _check_valid_parts(data: dict[str, Any]) -> list[tuple[Loc, str]]:
    """`check_prompt_set` over the areas and prompts that validate on their own, with
    locations pointing back into the file, so one broken prompt does not hide the rest."""
    from pydantic import ValidationError

    from alliance_cli.core.models import Area, Prompt, PromptSet

    kept: dict[str, list[Any]] = {}
    where: dict[str, list[int]] = {}
    for group, model in (("principles", Area), ("practices", Area), ("prompts", Prompt)):
        kept[group], where[group] = [], []
        items = data.get(group)
        for i, raw in enumerate(items if isinstance(items, list) else []):
            try:
                kept[group].append(model.model_validate(raw))
                where[group].append(i)
            except ValidationError:
                pass
    raw_ids = {raw.get("id") for raw in data.get("prompts") or [] if isinstance(raw, dict)}
    partial = PromptSet.model_construct(None, version=1, **kept)
    out = []
    for loc, msg in check_prompt_set(partial):
        if loc[0] == "prompts" and loc[2:4] == ("when", "prompt") and "is not a prompt" in msg:
            target = msg.split("'")[1]
            if target in raw_ids:
                continue  # it exists; it just has problems of its own, reported already
        out.append(((loc[0], where[str(loc[0])][int(loc[1])], *loc[2:]), msg))
    return out


def check_prompt_set(ps: PromptSet) -> list[tuple[Loc, str]]:
    """The rules that span fields; each problem with the location of the field at fault."""
    problems: list[tuple[Loc, str]] = []
    areas: dict[str, Loc] = {}
    for group in ("principles", "practices"):
        for i, area in enumerate(getattr(ps, group)):
            if area.id in areas:
                problems.append(((group, i, "id"), f"duplicate id '{area.id}'"))
            areas.setdefault(area.id, (group, i))
    for i, area in enumerate(ps.principles):
        if not area.tips:
            problems.append((("principles", i, "tips"), "a principle needs at least one growth tip"))

    seen: dict[str, Any] = {}
    played: dict[str, str] = {}  # role -> the prompt playing it
    for i, p in enumerate(ps.prompts):
        at: Loc = ("prompts", i)
        if p.id in seen:
            problems.append(((*at, "id"), f"duplicate prompt id '{p.id}'"))
        if p.principle is not None and p.principle not in areas:
            problems.append(((*at, "principle"), f"unknown principle or practice '{p.principle}'"))
        problems.extend(_check_kind(p, at))
        if p.role is not None:
            problems.extend(_check_role(p, at, played))
        if p.when is not None:
            problems.extend(_check_when(p, at, seen, ps))
        if p.kinds is not None:
            problems.extend(_check_kinds(p, at, ps, first=not any(q.kinds is not None for q in seen.values())))
        seen.setdefault(p.id, p)
    return problems


def _check_kinds(p: Any, at: Loc, ps: PromptSet, *, first: bool) -> list[tuple[Loc, str]]:
    """`kinds:` maps choices of this prompt (the rupture markers) to kinds of rupture that are
    choices of the later prompt with the role rupture_kind ("both" too when both are mapped);
    in a set where no prompt has that role the map is unused."""
    from alliance_cli.core.ruptures import BOTH
    from alliance_cli.core.vocabulary import roles_of

    loc: Loc = (*at, "kinds")
    if not first:
        return [(loc, "give 'kinds' on one prompt only (the rupture markers)")]
    if p.kind not in ("choice", "multi"):
        return [(loc, f"'kinds' needs a choice or multi prompt, not {p.kind}")]
    for choice in p.kinds:
        if choice not in (p.choices or []):
            return [((*loc, choice), f"'{choice}' is not one of the choices of '{p.id}'")]
    kind_id = roles_of(ps).rupture_kind
    if kind_id is None:
        return []  # no prompt records the kind: the map is left unused, as a role nobody plays
    ids = [q.id for q in ps.prompts]
    if ids.index(kind_id) < ids.index(p.id):
        return [(loc, f"'{kind_id}', the rupture kind this map gives, must come after '{p.id}'")]
    target = ps.prompt(kind_id)
    assert target is not None
    wanted = sorted(set(p.kinds.values()), key=list(p.kinds.values()).index)
    if len(wanted) > 1 and p.kind == "multi":
        wanted.append(BOTH)
    for kind in wanted:
        if kind not in (target.choices or []):
            return [(loc, f"'{kind}' is not one of the choices of '{kind_id}', the kind it gives")]
    return []


def _check_kind(p: Any, at: Loc) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    if p.kind == "rating" and (p.min is None or p.max is None):
        problems.append(((*at, "min" if p.min is None else "max"), "a rating needs both min and max"))
    if p.min is not None and p.max is not None and p.min > p.max:
        problems.append(((*at, "min"), f"min ({p.min:g}) is greater than max ({p.max:g})"))
    if p.kind not in ("rating", "number"):
        for field in ("min", "max"):
            if getattr(p, field) is not None:
                problems.append(((*at, field), f"'{field}' only applies to rating and number prompts"))
    whole = p.min is None or p.max is None or (float(p.min).is_integer() and float(p.max).is_integer())
    if p.kind == "rating" and not whole:
        problems.append(((*at, "min"), "a rating's min and max must be whole numbers"))
    if p.labels is not None:
        if p.kind != "rating":
            problems.append(((*at, "labels"), "'labels' only applies to rating prompts"))
        elif p.min is not None and p.max is not None:
            for key in p.labels:
                if not p.min <= key <= p.max:
                    problems.append(((*at, "labels", key), f"label for {key} is outside {p.min:g} to {p.max:g}"))
    if p.kind in ("choice", "multi"):
        if not p.choices:
            problems.append(((*at, "choices"), f"a {p.kind} prompt needs a list of choices"))
        elif len(set(p.choices)) != len(p.choices):
            problems.append(((*at, "choices"), "choices must be different from each other"))
    elif p.choices is not None:
        problems.append(((*at, "choices"), "'choices' only applies to choice and multi prompts"))
    return problems


def _check_role(p: Any, at: Loc, played: dict[str, str]) -> list[tuple[Loc, str]]:
    """Each role at most once, on a prompt whose kind (and choices) fit it (`core.vocabulary`)."""
    from alliance_cli.core.vocabulary import misfit

    if p.role in played:
        return [((*at, "role"), f"'{played[p.role]}' already has the role '{p.role}'; give each role to one prompt")]
    played[p.role] = p.id
    why = misfit(p.role, p.kind, p.choices)
    if why:
        return [((*at, "role"), why)]
    if p.role == "client_score":  # its range is the measure's (`core.measures`), one setting for every score
        return [
            ((*at, field), "the client score's range comes from the client_measure setting; leave min and max out")
            for field in ("min", "max")
            if getattr(p, field) is not None
        ]
    return []


def _check_when(p: Any, at: Loc, seen: dict[str, Any], ps: PromptSet) -> list[tuple[Loc, str]]:
    w = p.when
    loc: Loc = (*at, "when")
    tests = w.tests()
    if w.history is not None:
        if w.prompt is not None or tests or w.most_extreme_of is not None:
            return [(loc, "'history' stands alone: give no prompt and no test beside it")]
        return []
    if w.prompt is None:
        return [(loc, "give the earlier 'prompt' to test, or a 'history' condition")]
    if len(tests) != 1:
        return [(loc, "give exactly one of equals, one_of, between, not_between")]
    if w.prompt not in seen:
        known = ps.prompt(w.prompt) is not None
        why = "comes later; point at an earlier prompt" if known else "is not a prompt in this set"
        return [((*loc, "prompt"), f"'{w.prompt}' {why}")]
    target = seen[w.prompt]
    if tests[0] in ("between", "not_between") and target.kind not in ("rating", "number"):
        return [((*loc, tests[0]), f"'{tests[0]}' needs a rating or number prompt; '{target.id}' is {target.kind}")]
    if w.most_extreme_of is not None:
        return _check_most_extreme(w, loc, seen, ps)
    wanted = [w.equals] if w.equals is not None else (w.one_of or [])
    if target.choices:
        for value in wanted:
            if not isinstance(value, str) or value not in target.choices:
                return [
                    ((*loc, tests[0]), f"'{value}' is not one of the choices of '{target.id}' (quote yes/no in YAML)")
                ]
    if target.kind == "yesno" and any(not isinstance(v, bool) for v in wanted):
        return [((*loc, tests[0]), f"'{target.id}' is a yes/no prompt; use yes or no")]
    return []


def _check_most_extreme(w: Any, loc: Loc, seen: dict[str, Any], ps: PromptSet) -> list[tuple[Loc, str]]:
    """`most_extreme_of`: with `not_between`, listing the tested prompt and other earlier
    rating or number prompts (all answered by the time this one is asked)."""
    at: Loc = (*loc, "most_extreme_of")
    if w.not_between is None:
        return [(at, "'most_extreme_of' goes with 'not_between'")]
    if w.prompt not in w.most_extreme_of:
        return [(at, f"list '{w.prompt}' too, the prompt tested")]
    for other in w.most_extreme_of:
        if other not in seen:
            why = (
                "comes later; list only earlier prompts"
                if ps.prompt(other) is not None
                else "is not a prompt in this set"
            )
            return [(at, f"'{other}' {why}")]
        if seen[other].kind not in ("rating", "number"):
            return [(at, f"'{other}' is {seen[other].kind}; list rating or number prompts")]
    return []


def _pydantic_problems(exc: Any, data: Any) -> list[tuple[Loc, str]]:
    grouped: dict[Loc, list[dict[str, Any]]] = {}
    for err in exc.errors():
        grouped.setdefault(_data_path(data, err["loc"]), []).append(err)
    problems = []
    for loc, errs in grouped.items():
        if len(errs) > 1:
            msg = "has a value of the wrong type"
        elif errs[0]["type"] == "missing" and len(loc) < len(errs[0]["loc"]) and isinstance(_at(data, loc), list):
            msg = "has too few values"  # a position in a list, like between: [1]
        else:
            msg = _in_own_words(errs[0])
        problems.append((loc, msg))
    return problems


_PLAIN = {  # pydantic's error types, in alliance's words; {value} and the error's context fill in
    "int": "{value} is not a whole number",
    "float": "{value} is not a number",
    "bool": "{value} is not yes or no",
    "string_type": "should be text",
    "list_type": "should be a list, such as [a, b]",
    "tuple_type": "should be a list, such as [a, b]",
    "dict_type": "should be a mapping, such as {{key: value}}",
    "model_type": "should be a mapping, such as {{key: value}}",
    "model_attributes_type": "should be a mapping, such as {{key: value}}",
    "string_too_short": "should not be empty",
    "string_too_long": "is longer than {max_length} characters",
    "too_short": "needs at least {min_length} items",
    "too_long": "has more than {max_length} items",
    "greater_than_equal": "should be at least {ge}",
    "greater_than": "should be more than {gt}",
    "less_than_equal": "should be at most {le}",
    "less_than": "should be less than {lt}",
}


def _in_own_words(err: dict[str, Any]) -> str:
    """One of pydantic's errors about a prompt file, said in alliance's words."""
    kind, value, ctx = str(err["type"]), err.get("input"), dict(err.get("ctx") or {})
    shown = _shown(value)
    if kind == "extra_forbidden":
        return "unknown key (check the spelling)"
    if kind == "missing":
        return "is required"
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        return str(ctx["error"]).rstrip(".")
    if kind in ("literal_error", "enum"):
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return f"{shown} is not one of: {', '.join(allowed)}" if allowed else f"{shown} is not allowed here"
    if isinstance(value, bool) and kind.startswith("string"):
        word = "yes" if value else "no"
        return f'{word} is read by YAML as a yes/no value; quote it ("{word}") to mean the word'
    family = kind.split("_")[0] if kind.split("_")[0] in ("int", "float", "bool") else kind
    if family in _PLAIN:
        return _PLAIN[family].format(value=shown, **{k: v for k, v in ctx.items() if k != "value"})
    return f"{shown} cannot be used here"


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (dict, list)):
        return "this value"
    return repr(value) if isinstance(value, str) else str(value)


def _at(data: Any, loc: Loc) -> Any:
    for part in loc:
        data = data[part]
    return data


def _data_path(data: Any, loc: tuple[Any, ...]) -> Loc:
    """The part of a pydantic location that names keys and indexes present in the data."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node or isinstance(node, list) and _index(part) < len(node):
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part.isidentifier() and path[-1:] != [part]:
            path.append(part)  # a missing key: still worth naming
            break
        else:
            break
        path.append(part)
    return tuple(path)


def _index(part: Any) -> int:
    return part if isinstance(part, int) else 1 << 30


def _format(source: str, root: Any, loc: Loc, msg: str) -> str:
    line = _line_of(root, loc)
    where = f"{source}:{line}" if line else source
    field = _dotted(loc) or "(top level)"
    return f"{where}: {field}: {msg}"


def _dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_of(node: Any, loc: Loc) -> int | None:
    """1-based line of the deepest YAML node on the path `loc`."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        child = None
        if node is None:
            break
        if node.id == "mapping":
            for key, value in node.value:
                if str(key.value) == str(part):
                    child = value if value.id != "scalar" or value.value != "" else key
                    line = key.start_mark.line + 1
                    break
        elif node.id == "sequence" and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


def prompt_set_snapshot(ps: PromptSet) -> tuple[str, str]:
    """The set as canonical JSON and its digest, stored beside each session it was answered with."""
    from alliance_cli.core.prompt_dump import prompt_set_dump

    body = json.dumps(prompt_set_dump(ps), sort_keys=True, separators=(",", ":"))
    return body, hashlib.sha256(body.encode()).hexdigest()
