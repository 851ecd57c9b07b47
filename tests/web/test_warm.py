"""A web process settles before its first request (bondwell.web.warm): its pages' code imported, then frozen."""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Iterator

import pytest

from bondwell.web import warm


@pytest.fixture
def unfrozen_afterwards() -> Iterator[None]:
    yield
    gc.unfreeze()


def test_settle_imports_the_pages_and_sets_them_aside_from_the_collector(unfrozen_afterwards: None) -> None:
    gc.unfreeze()
    settle_before = gc.get_freeze_count()
    assert settle_before == 0
    warm.settle()
    assert gc.get_freeze_count() > 0
    for name in ("bondwell.progress.charts", "bondwell.stats.meta.plots", "bondwell.progress.views"):
        assert name in sys.modules, name
    # What start-up made is not walked again: the collector tracks (almost) nothing right after settling.
    assert len(gc.get_objects()) < gc.get_freeze_count() / 10


def test_the_wsgi_entry_point_settles(unfrozen_afterwards: None) -> None:
    gc.unfreeze()
    sys.modules.pop("bondwell.wsgi", None)
    wsgi = importlib.import_module("bondwell.wsgi")
    assert callable(wsgi.application)
    assert gc.get_freeze_count() > 0
