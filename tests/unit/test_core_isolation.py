"""The Flask-free core imports only the standard library, its listed libraries and itself."""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE_PACKAGES = ("app/matching", "app/scheduling", "app/ical")
# Third-party libraries each core package may use (never a web, ORM or template library).
ALLOWED_THIRD_PARTY = {
    # breaks of all-required events are also searched by CaDiCaL (satbreaks.py)
    "scheduling": {"ortools", "pysat"},
    "ical": {"icalendar"},
    # selection runs on CP-SAT; text similarity needs the numeric stack, French stop words and
    # stemming; imports read spreadsheets and check SIRET and e-mail syntax.
    "matching": {
        "ortools",
        "sklearn",
        "numpy",
        "scipy",
        "openpyxl",
        "stdnum",
        "email_validator",
        "stop_words",
        "snowballstemmer",
    },
}
FORBIDDEN = {
    "flask",
    "flask_sqlalchemy",
    "flask_login",
    "flask_wtf",
    "flask_babel",
    "sqlalchemy",
    "werkzeug",
    "wtforms",
    "jinja2",
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def _core_files() -> list[Path]:
    return sorted(p for pkg in CORE_PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def test_core_files_exist():
    assert _core_files(), "the core packages should contain Python modules"


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_core_module_imports_only_allowed_packages(path):
    own = path.relative_to(ROOT).parts[1]  # matching / scheduling / ical
    bad = []
    for lineno, module in _imports(path):
        top = module.split(".")[0]
        if top == "app":
            # a core package may import itself, never the web app, models or services
            if module.split(".")[1:2] != [own]:
                bad.append((lineno, module))
        elif top in FORBIDDEN or (
            top not in sys.stdlib_module_names and top not in ALLOWED_THIRD_PARTY[own]
        ):
            bad.append((lineno, module))
    assert bad == [], f"{path.name} imports forbidden modules: {bad}"


def test_isolation_check_catches_a_flask_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import flask\nfrom sqlalchemy import select\n", encoding="utf-8")
    assert [m for _, m in _imports(bad)] == ["flask", "sqlalchemy"]
