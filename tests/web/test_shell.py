"""The shell: health check, role home pages, navigation, static files served without a CDN."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.conftest import ROLES


def test_healthz_checks_the_database(client: Any, db: None) -> None:
    from bondwell import worker

    worker.beat()  # a worker is running (without one, /healthz is degraded: tests/notify/test_health.py)
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"


def test_healthz_reports_a_broken_database(client: Any, db: None, monkeypatch: Any) -> None:
    from django.db import OperationalError

    class BrokenConnection:
        def cursor(self) -> Any:
            raise OperationalError("database is gone")

    monkeypatch.setattr("bondwell.web.views.connection", BrokenConnection())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_anonymous_visitors_are_sent_to_sign_in(client: Any, db: None) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_each_role_gets_its_own_home_and_menu(world: Any, client_as: Any) -> None:
    titles = {"mother": "Your space", "educator": "Your classes", "clinician": "Clinic", "site_lead": "Your site",
              "researcher": "Research", "statistician": "Trial statistics", "admin": "Administration"}
    for role in ROLES:
        page = client_as(world.users[role]).get(reverse("home")).content.decode()
        assert f"<h1>{titles[role]}</h1>" in page
        assert f'data-role-home="{role}"' in page
    mother_page = client_as(world.users["mother"]).get(reverse("home")).content.decode()
    assert ">Mothers<" not in mother_page
    assert ">My details<" in mother_page


def test_pages_load_htmx_from_our_own_static_files(world: Any, client_as: Any) -> None:
    page = client_as(world.users["clinician"]).get(reverse("home")).content.decode()
    assert "/static/bondwell/vendor/htmx-2.0.11.min.js" in page
    assert "https://" not in page.split("<body")[0]
    assert 'name="viewport"' in page
