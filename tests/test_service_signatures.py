"""One service convention: `verb_noun(obj, *, by: User, …)`, never the HTTP request.

Walks every `services.py` and the service modules named after their thing, and fails if a public function takes
a parameter named `request` or annotated `HttpRequest`, or still carries the old `do_` prefix. Views parse the
request, call one service with `by=request.user`, and render; the audit finds the client's address by itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "bondwell"
# Service modules named after the thing they change (docs/ARCHITECTURE.md, "The service convention").
NAMED_SERVICE_MODULES = [
    "rights/erasure.py", "mfa/services.py", "mfa/passkeys.py", "accounts/staff.py", "notify/rota.py",
    "notify/mobile.py",
    "workspace/concerns.py", "studies/enrolment.py", "studies/allocation.py", "studies/locking.py",
    "screening/alerts.py", "api/tokens.py", "api/redcap.py",
]
# HTTP-layer plug-ins that are given the request by contract, not services (BONDWELL_ACK_HANDLERS).
HTTP_HANDLERS = {("screening/alerts.py", "acknowledge_from_link")}


def _service_modules() -> list[Path]:
    found = {path for path in SRC.rglob("services.py") if "/migrations/" not in path.as_posix()}
    found |= {SRC / name for name in NAMED_SERVICE_MODULES}
    return sorted(found)


def _takes_request(function: ast.FunctionDef) -> list[str]:
    arguments = function.args
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    return [
        a.arg for a in every
        if a.arg == "request" or (a.annotation is not None and "HttpRequest" in ast.unparse(a.annotation))
    ]


def _offences() -> list[str]:
    offences = []
    for path in _service_modules():
        relative = path.relative_to(SRC).as_posix()
        for node in ast.parse(path.read_text(), filename=str(path)).body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            if (relative, node.name) in HTTP_HANDLERS:
                continue
            if taken := _takes_request(node):
                offences.append(f"{relative}:{node.lineno} {node.name}({', '.join(taken)})")
            if node.name.startswith("do_"):
                offences.append(f"{relative}:{node.lineno} {node.name}: name it verb_noun, without do_")
    return offences


def test_every_named_service_module_exists() -> None:
    missing = [name for name in NAMED_SERVICE_MODULES if not (SRC / name).exists()]
    assert not missing, f"moved or renamed? update NAMED_SERVICE_MODULES: {missing}"


def test_no_service_takes_the_http_request() -> None:
    offences = _offences()
    assert not offences, "services take `*, by: User`, never the request (views pass by=request.user):\n" + (
        "\n".join(offences)
    )


def test_the_check_sees_a_request_by_name_or_by_annotation() -> None:
    source = (
        "def a(request, x): ...\n"
        "def b(x, *, req: HttpRequest | None = None): ...\n"
        "def c(x, *, by: User): ...\n"
    )
    functions = [n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)]
    assert [_takes_request(f) for f in functions] == [["request"], ["req"], []]
