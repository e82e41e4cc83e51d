"""The shared reader of both formats: error classes, JSON paths, typed accessors.

`Reader` reads one parsed JSON value at a time and raises `InstanceError`
(or `ResultError`) with the JSON path of the first problem found.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar

T = TypeVar("T")

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class InstanceError(ValueError):
    """An instance file (or dict) that breaks the contract.

    `str(error)` is the one-line message `SOURCE: PATH: PROBLEM`; the parts are
    kept as attributes so callers (the web app) can present them differently.
    """

    def __init__(self, source: str, path: str, problem: str) -> None:
        self.source = source
        self.path = path
        self.problem = problem
        super().__init__(f"{source}: {path}: {problem}" if path else f"{source}: {problem}")


class ResultError(InstanceError):
    """A result file that breaks the `entremise-result/1` shape (same message style)."""


# --------------------------------------------------------------------------- JSON paths
def child(path: str, key: str | int) -> str:
    """JSON path of a child: `meetings[3]`, `meetings[3].after`, `x["odd key"]`."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _IDENTIFIER.match(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key)}]"


def _type_name(value: object) -> str:
    """JSON name of a parsed value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


class Reader:
    """Typed accessors that raise the right error class with the right path."""

    def __init__(self, source: str, error: type[InstanceError]) -> None:
        self.source = source
        self.error = error

    def fail(self, path: str, problem: str) -> NoReturn:
        raise self.error(self.source, path or "$", problem)

    def obj(
        self, value: object, path: str, allowed: Iterable[str] | None, required: Iterable[str] = ()
    ) -> dict[str, Any]:
        """An object; with `allowed`, any other key is an error; `required` keys must exist."""
        if not isinstance(value, dict):
            self.fail(path, f"expected an object, got {_type_name(value)}")
        if allowed is not None:
            allowed_set = set(allowed)
            for key in value:
                if key not in allowed_set:
                    self.fail(child(path, key), "unknown key")
        for key in required:
            if key not in value:
                self.fail(child(path, key), "missing required key")
        return value

    def array(self, value: object, path: str, min_items: int = 0) -> list[Any]:
        if not isinstance(value, list):
            self.fail(path, f"expected an array, got {_type_name(value)}")
        if len(value) < min_items:
            self.fail(
                path, f"expected at least {min_items} item{'s' * (min_items > 1)}, got {len(value)}"
            )
        return value

    def string(self, value: object, path: str, min_length: int = 0) -> str:
        if not isinstance(value, str):
            self.fail(path, f"expected a string, got {_type_name(value)}")
        if len(value) < min_length:
            self.fail(path, "expected a non-empty string")
        return value

    def integer(self, value: object, path: str, minimum: int | None = None) -> int:
        # JSON Schema's "integer" accepts 3.0 but never true/false.
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, f"expected an integer, got {_type_name(value)}")
        if isinstance(value, float):
            if not math.isfinite(value) or not value.is_integer():
                self.fail(path, f"expected an integer, got {value!r}")
            value = int(value)
        if minimum is not None and value < minimum:
            self.fail(path, f"must be at least {minimum}, got {value}")
        return value

    def number(self, value: object, path: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, f"expected a number, got {_type_name(value)}")
        return float(value)

    def boolean(self, value: object, path: str) -> bool:
        if not isinstance(value, bool):
            self.fail(path, f"expected true or false, got {_type_name(value)}")
        return value

    def optional(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        read: Callable[[object, str], T],
        default: T,
        nullable: bool = False,
    ) -> T:
        """`data[key]` read with `read`, or `default` when absent (or null if `nullable`)."""
        if key not in data:
            return default
        value = data[key]
        if value is None and nullable:
            return default
        return read(value, child(path, key))

    def unique_strings(self, value: object, path: str, min_items: int = 0) -> list[str]:
        items = self.array(value, path, min_items)
        seen: set[str] = set()
        out: list[str] = []
        for i, item in enumerate(items):
            text = self.string(item, child(path, i))
            if text in seen:
                self.fail(child(path, i), f"duplicate {text!r}")
            seen.add(text)
            out.append(text)
        return out

    def strings_or_empty(self, data: Mapping[str, Any], key: str, path: str) -> list[str]:
        """An optional array of distinct strings (empty when absent)."""
        none: list[str] = []
        return self.optional(data, key, path, self.unique_strings, none)

    def array_or_empty(self, data: Mapping[str, Any], key: str, path: str) -> list[Any]:
        """An optional array (empty when absent)."""
        none: list[Any] = []
        return self.optional(data, key, path, self.array, none)

    def obj_or_empty(
        self, data: Mapping[str, Any], key: str, path: str, allowed: Iterable[str] | None
    ) -> dict[str, Any]:
        """An optional object (empty when absent)."""
        none: dict[str, Any] = {}
        return self.optional(data, key, path, lambda v, p: self.obj(v, p, allowed), none)

    def ref(self, value: str, path: str, known: Iterable[str], kind: str) -> str:
        if value not in known:
            self.fail(path, f"unknown {kind} {value!r}")
        return value

    def unique_id(self, value: object, path: str, seen: dict[str, str], kind: str) -> str:
        text = self.string(value, path, min_length=1)
        if text in seen:
            self.fail(path, f"duplicate {kind} id {text!r} (first at {seen[text]})")
        seen[text] = path
        return text

    def datetime_text(self, value: object, path: str) -> str:
        text = self.string(value, path)
        try:
            datetime.fromisoformat(text)
        except ValueError:
            self.fail(path, f"not an ISO 8601 date-time: {text!r}")
        if len(text) <= 10:  # a bare date parses, but the schema asks for a date-time
            self.fail(path, f"not an ISO 8601 date-time: {text!r}")
        return text


def check_header(
    r: Reader, top: Mapping[str, Any], expected_format: str, required: tuple[str, ...]
) -> None:
    """The `format` tag first, then the required top-level keys, each error naming its key."""
    if "format" not in top:
        r.fail("format", "missing required key")
    if top["format"] != expected_format:
        r.fail("format", f"expected {expected_format!r}, got {json.dumps(top['format'])}")
    for key in required:
        if key not in top:
            r.fail(key, "missing required key")


def read_json(path: str | Path, error: type[InstanceError]) -> object:
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise error(source, "", f"cannot read file ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise error(source, "", "not UTF-8 text") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(
            source, f"line {exc.lineno} column {exc.colno}", f"invalid JSON ({exc.msg})"
        ) from exc
