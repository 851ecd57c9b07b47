"""Configuration is read from the environment in one place: `bondwell/settings.py`.

App code asks `django.conf.settings`. The only other touches of the environment are the defaults entry points set
before Django starts, and they all go through `bondwell/bootstrap.py` (`setdefault`, or an assignment for a
child process to inherit). Any read (`os.environ[...]`, `.get`, `os.getenv`, `dict(os.environ)`, …) outside
settings.py fails here; KNOWN_READS lists places still allowed to read, each with its reason (issue 19 emptied
it; it may only stay empty).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "bondwell"
SETTINGS = {"settings.py"}
BOOTSTRAP = "bootstrap.py"

KNOWN_READS: dict[str, str] = {}


def _environ_reads(tree: ast.AST) -> list[int]:
    """Line numbers where the environment is read (a setdefault or an assignment is not a read)."""
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    reads = []
    for node in ast.walk(tree):
        is_environ = (isinstance(node, ast.Attribute) and node.attr == "environ") or (
            isinstance(node, ast.Name) and node.id == "environ"
        )
        is_getenv = (isinstance(node, ast.Attribute) and node.attr in {"getenv", "getenvb"}) or (
            isinstance(node, ast.Name) and node.id in {"getenv", "getenvb"}
        )
        if is_getenv:
            reads.append(node.lineno)
            continue
        if not is_environ:
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.Attribute) and parent.attr == "setdefault":
            continue
        if isinstance(parent, ast.Subscript) and isinstance(parent.ctx, ast.Store):
            continue
        if isinstance(parent, ast.ImportFrom):
            continue
        reads.append(node.lineno)
    return sorted(set(reads))


def _reads_by_file() -> dict[str, list[int]]:
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if relative in SETTINGS or "/migrations/" in relative:
            continue
        lines = _environ_reads(ast.parse(path.read_text(), filename=str(path)))
        if lines:
            found[relative] = lines
    return found


def test_app_code_reads_no_environment_variable_outside_settings() -> None:
    found = _reads_by_file()
    new = {path: lines for path, lines in found.items() if path not in KNOWN_READS}
    assert not new, (
        f"read the environment in settings.py and use django.conf.settings instead: {new} (src/bondwell/…:line)"
    )


def test_the_list_of_known_reads_is_still_true() -> None:
    gone = sorted(set(KNOWN_READS) - set(_reads_by_file()))
    assert not gone, f"these no longer read the environment: remove them from KNOWN_READS: {gone}"


def test_the_check_sees_each_way_of_reading() -> None:
    source = (
        "import os\nfrom os import environ, getenv\n"
        "a = os.environ['X']\nb = os.environ.get('X')\nc = os.getenv('X')\nd = dict(os.environ)\n"
        "e = environ.get('X')\nf = getenv('X')\n"
        "os.environ.setdefault('X', '1')\nos.environ['Y'] = '2'\n"
    )
    assert _environ_reads(ast.parse(source)) == [3, 4, 5, 6, 7, 8]


def test_no_module_but_settings_and_bootstrap_touches_the_environment_at_all() -> None:
    """`grep -rn "os.environ" src/bondwell | grep -v settings.py` finds nothing, and writes go through bootstrap."""
    touching = sorted(
        path.relative_to(SRC).as_posix() for path in SRC.rglob("*.py")
        if path.name not in SETTINGS and path.name != BOOTSTRAP and "/migrations/" not in path.as_posix()
        and re.search(r"\bos\.environ\b|\bos\.getenv|\bos\.putenv|from os import .*\benviron\b", path.read_text())
    )
    assert not touching, f"set defaults through bondwell.bootstrap, read settings in settings.py: {touching}"
