"""docs/ARCHITECTURE.md stays true to the code: every app, top-level module, worker job and middleware is named."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "ARCHITECTURE.md").read_text()
SRC = ROOT / "src" / "bondwell"


def test_every_bondwell_app_has_its_row() -> None:
    apps = {path.name for path in SRC.iterdir() if (path / "__init__.py").exists()}
    missing = sorted(app for app in apps if f"| `{app}`" not in DOC)
    assert not missing, f"add these apps to the table in docs/ARCHITECTURE.md: {missing}"


def test_every_top_level_module_is_named() -> None:
    modules = {path.name for path in SRC.glob("*.py")} - {"__init__.py", "__main__.py"}
    private = {name for name in modules if name.startswith("_")}
    missing = sorted(name for name in modules - private if f"`{name}`" not in DOC)
    assert not missing, f"name these modules in docs/ARCHITECTURE.md: {missing}"


def test_every_worker_job_is_in_the_worker_flow() -> None:
    missing = [path for path in settings.BONDWELL_WORKER_JOBS if path.removeprefix("bondwell.") not in DOC]
    assert not missing, f"add these jobs to the worker flow in docs/ARCHITECTURE.md: {missing}"


def test_every_bondwell_middleware_is_in_the_request_flow() -> None:
    ours = [path.rsplit(".", 1)[1] for path in settings.MIDDLEWARE if path.startswith("bondwell.")]
    missing = [name for name in ours if f"`{name}`" not in DOC]
    assert not missing, f"add these middleware to the request flow in docs/ARCHITECTURE.md: {missing}"
