"""One service convention: `verb_noun(obj, *, by: User, …)`, never the HTTP request.

Walks every `services.py` and the service modules named after their thing, and fails if a public function takes
a parameter named `request` or annotated `HttpRequest`, or still carries the old `do_` prefix, or changes state
(opens a transaction or writes an audit event) without naming who does it as a keyword `by`. Views parse the
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
# What changes state without a `by`, and why no user is named. Keep this short: a new entry needs a reason
# that is true of the real world, not of convenience.
WITHOUT_BY = {
    # Steps of another service, called inside its transaction: its `by` is the actor (the assessment's
    # `entered_by` for the pathway steps and the alerts a result raises).
    ("screening/alerts.py", "raise_alert"): "a step of record_assessment / save_answers",
    ("pathway/services.py", "start_follow_ups"): "a step of record_assessment",
    ("pathway/services.py", "close_repeats_answered"): "a step of record_assessment",
    ("pathway/services.py", "keep_released_after_correction"): "a step of record_assessment",
    # Nobody acts: the worker does, on the clock.
    ("screening/alerts.py", "escalate_overdue"): "worker job: an unacknowledged alert goes to the next tier",
    ("pathway/services.py", "escalate_overdue"): "worker job: an overdue follow-up goes to the next tier",
    ("api/tokens.py", "count_request"): "the API's rate-limit counter for the token calling, not a user's act",
    ("mfa/services.py", "enrol_demo_totp"): "demo set-up only: synthetic staff get the published demo key",
}
# A public function that calls one of these changes state: it is a service and names its actor.
STATE_CHANGES = {"atomic", "audit"}


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


def _changes_state(function: ast.FunctionDef) -> bool:
    called = {
        call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
        for call in ast.walk(function) if isinstance(call, ast.Call)
    }
    return bool(called & STATE_CHANGES)


def _names_its_actor(function: ast.FunctionDef) -> bool:
    return any(a.arg == "by" for a in function.args.kwonlyargs)


def _public_functions() -> list[tuple[str, ast.FunctionDef]]:
    """(module relative to src/bondwell, function) for every public function of every service module, less the
    HTTP-layer plug-ins."""
    found = []
    for path in _service_modules():
        relative = path.relative_to(SRC).as_posix()
        for node in ast.parse(path.read_text(), filename=str(path)).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and (
                (relative, node.name) not in HTTP_HANDLERS
            ):
                found.append((relative, node))
    return found


def _without_by() -> list[str]:
    return [
        f"{relative}:{node.lineno} {node.name}" for relative, node in _public_functions()
        if (relative, node.name) not in WITHOUT_BY and _changes_state(node) and not _names_its_actor(node)
    ]


def _offences() -> list[str]:
    offences = []
    for relative, node in _public_functions():
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


def test_every_service_names_who_acts_as_by() -> None:
    offences = _without_by()
    assert not offences, (
        "a function that changes state is a service: `verb_noun(obj, *, by: User, …)` (or say in WITHOUT_BY why "
        "no user acts):\n" + "\n".join(offences)
    )


def test_every_exemption_from_by_is_still_needed() -> None:
    stale = []
    for relative, name in WITHOUT_BY:
        tree = ast.parse((SRC / relative).read_text())
        found = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]
        if not found or _names_its_actor(found[0]) or not _changes_state(found[0]):
            stale.append(f"{relative} {name}")
    assert not stale, f"no longer needed in WITHOUT_BY: {stale}"


def test_the_check_sees_a_state_change_without_by() -> None:
    source = (
        "def a(x):\n    with transaction.atomic():\n        pass\n"
        "def b(x, *, now):\n    audit(None, 'a:b', obj=x)\n"
        "def c(x, *, by: User):\n    with transaction.atomic():\n        audit(None, 'a:b', obj=x, actor=by)\n"
        "def d(x):\n    return x.objects.filter(pk=1).first()\n"
    )
    functions = [n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)]
    assert [_changes_state(f) and not _names_its_actor(f) for f in functions] == [True, True, False, False]


def test_the_check_sees_a_request_by_name_or_by_annotation() -> None:
    source = (
        "def a(request, x): ...\n"
        "def b(x, *, req: HttpRequest | None = None): ...\n"
        "def c(x, *, by: User): ...\n"
    )
    functions = [n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)]
    assert [_takes_request(f) for f in functions] == [["request"], ["req"], []]
