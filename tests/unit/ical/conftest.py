"""Runners of the two outside parsers that read a file's own VTIMEZONE (ical.js, libical)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
JS_DIR = HERE / "js"
LIBICAL_SCRIPT = HERE / "libical_read.py"
SYSTEM_PYTHON = "/usr/bin/python3"

Runner = Callable[[dict[str, Any], str], dict[str, Any]]


def _run(command: list[str], request: dict[str, Any], local_tz: str) -> dict[str, Any]:
    env = {**os.environ, "TZ": local_tz}
    done = subprocess.run(
        command,
        input=json.dumps(request),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


@pytest.fixture(scope="session")
def icaljs() -> Runner:
    """Run Mozilla ical.js through Node on a request; skip only if Node is absent."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: ical.js checks need Node.js (apt-get install nodejs)")
    # Node present but ical.js missing is a setup error, not a reason to skip.
    assert (JS_DIR / "node_modules" / "ical.js").is_dir(), (
        f"ical.js is not installed: run `npm ci --prefix {JS_DIR}`"
    )
    return lambda request, local_tz: _run([node, str(JS_DIR / "read_ics.mjs")], request, local_tz)


def _has_libical() -> bool:
    if not Path(SYSTEM_PYTHON).exists():
        return False
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import gi; gi.require_version('ICalGLib', '3.0')"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


@pytest.fixture(scope="session")
def libical() -> Runner:
    """Run libical (ICalGLib) through Debian's python3; skip if it is not installed."""
    if not _has_libical():
        pytest.skip("libical GObject bindings missing: apt-get install python3-gi gir1.2-ical-3.0")
    return lambda request, local_tz: _run([SYSTEM_PYTHON, str(LIBICAL_SCRIPT)], request, local_tz)


@pytest.fixture(params=["icaljs", "libical"])
def parser(request: pytest.FixtureRequest) -> Runner:
    """Each outside parser that reads the file's own VTIMEZONE, in turn."""
    runner: Runner = request.getfixturevalue(request.param)
    return runner
