"""What the entry points put in the process environment before Django starts: writes only, never a read.

Configuration is read in one place, `settings.py`. A few defaults must still be *set* before it runs, and this
module is the one place that does so: `DJANGO_SETTINGS_MODULE` (the CLI, the WSGI app, the server commands),
`MATPLOTLIBRC` (the package itself), `DEBUG` under pytest, and the address `bondwell serve` hands on to the
processes it starts. It imports nothing of Bondwell or Django, so the pure cores may import it.
`tests/test_configuration_reads.py` holds that nothing outside settings.py reads the environment.
"""

from __future__ import annotations

from os import environ
from pathlib import Path

SETTINGS_MODULE = "bondwell.settings"


def set_default(name: str, value: str) -> None:
    """Set `name` unless the environment already gives it (the operator's value wins)."""
    environ.setdefault(name, value)


def hand_on(name: str, value: str) -> None:
    """Set `name` for this process and the processes it starts (e.g. the worker beside `bondwell serve`)."""
    environ[name] = value


def use_bondwell_settings() -> None:
    """Point Django at `bondwell.settings` unless DJANGO_SETTINGS_MODULE names another module."""
    set_default("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)


def plain_text_charts() -> None:
    """Text in every chart is plain text, never mathematics: "$5 - 50% off $10" in a course name must not crash
    a page. Set before matplotlib is imported anywhere (security/matplotlibrc: text.parse_math False)."""
    set_default("MATPLOTLIBRC", str(Path(__file__).resolve().parent / "security" / "matplotlibrc"))
