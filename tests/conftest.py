"""Shared fixtures: a small two-site world with one person per role, and a real browser for flow tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

# Property tests draw the same examples in every run (the suite is deterministic: a CI run must not fail by the
# luck of the draw), and keep no example database between runs. A test's own @settings still sets its size.
hypothesis_settings.register_profile("bondwell", derandomize=True, database=None, print_blob=True)
# HYPOTHESIS_PROFILE=explore: fresh random examples each run, to hunt for new counter-examples on demand.
hypothesis_settings.register_profile("explore", derandomize=False, database=None, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "bondwell"))

CHROMIUM = os.environ.get("BONDWELL_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "a-long-test-password-42"
ROLES = ("mother", "educator", "clinician", "site_lead", "researcher", "statistician", "admin")


@dataclass
class World:
    """Site A holds the viewer's people; site B and a second site-A mother are the records they must not see."""

    site_a: Any
    site_b: Any
    users: dict[str, Any] = field(default_factory=dict)  # role -> user at site A (researcher/admin: no site)
    users_b: dict[str, Any] = field(default_factory=dict)  # role -> user at site B
    mother_a: Any = None  # the mother user's own record, at site A
    mother_a2: Any = None  # another mother at site A (no login)
    mother_b: Any = None  # a mother at site B (with login)

    def own_mother_for(self, role: str) -> Any:
        return self.mother_a

    def foreign_mothers_for(self, role: str) -> list[Any]:
        return [self.mother_a2, self.mother_b] if role == "mother" else [self.mother_b]


def make_world() -> World:
    from bondwell.accounts.models import Baby, Mother, Site, User

    site_a = Site.objects.create(name="Site A", slug="site-a", country="AU")
    site_b = Site.objects.create(name="Site B", slug="site-b", country="UK")
    world = World(site_a=site_a, site_b=site_b)
    for role in ROLES:
        site = site_a if role not in {"researcher", "statistician", "admin"} else None
        world.users[role] = User.objects.create_user(
            f"{role}@a.test", PASSWORD, full_name=f"{role.title()} A", role=role, site=site
        )
        if site is not None:
            world.users_b[role] = User.objects.create_user(
                f"{role}@b.test", PASSWORD, full_name=f"{role.title()} B", role=role, site=site_b
            )
    world.mother_a = Mother.objects.create(site=site_a, user=world.users["mother"], full_name="Mother A")
    world.mother_a2 = Mother.objects.create(site=site_a, full_name="Mother A Two")
    world.mother_b = Mother.objects.create(site=site_b, user=world.users_b["mother"], full_name="Mother B")
    for mother in (world.mother_a, world.mother_a2, world.mother_b):
        Baby.objects.create(mother=mother, name="Baby", birth_date=date(2026, 9, 1), gestation_weeks=39)
    _book_into_educators_course(world)
    return world


def _book_into_educators_course(world: World) -> None:
    # The educator's scope is the mothers on her courses: mother_a is on one, mother_a2 is not.
    from bondwell.programme.models import Booking, Course

    course = Course.objects.create(
        site=world.site_a, title="Baby massage", educator=world.users["educator"], place="Room 1",
        capacity=6, starts_on=date(2026, 11, 2),
    )
    Booking.objects.create(course=course, mother=world.mother_a, status=Booking.Status.BOOKED)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """argon2 is right for people and far too slow for hundreds of fixture accounts; one test checks argon2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def site_zones_read_afresh() -> None:
    """Each web process keeps its sites' zones (web/site_clock.py); each test starts as a new process would. Kept
    across tests, a zone would outlive its site, and SQLite gives the next test's site the same id."""
    from bondwell.web import site_clock

    site_clock.forget_site_zones()


@pytest.fixture(autouse=True)
def second_step_passed_on_force_login(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test client signed in with force_login has also passed the second factor (staff MFA).

    The session is marked by bondwell.mfa.session.mark_verified, the function every real check (code, passkey,
    recovery code, remembered browser) calls. Sign-ins through the login form still meet the real second step.
    """
    from django.test import Client

    original = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        from bondwell.mfa.session import mark_verified

        original(self, user, backend)
        session = self.session
        mark_verified(session, user, "test-sign-in")
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def world(db: None) -> World:
    return make_world()


@pytest.fixture
def client_as(client: Any) -> Callable[[Any], Any]:
    """Sign the test client in as a user (force_login skips the lock-out machinery on purpose)."""

    def sign_in(user: Any) -> Any:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return sign_in


# ---- real browser -------------------------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
    "--no-first-run", "--disable-component-update", "--disable-sync",
]


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which(CHROMIUM) is not None


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not chromium_available():
        pytest.skip(f"Browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium); skipped.")
    # Playwright's sync API runs an event loop in this thread; the Django ORM calls made by the test itself
    # (creating fixtures, checking rows) are still plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium: Any) -> Iterator[Callable[..., Any]]:
    """Open a fresh browser context (own cookies) with a viewport, default a 390×844 phone.

    Every page fails its test if the browser reports a Content-Security-Policy violation (an inline script or
    handler, or a resource from elsewhere, that the policy refused).
    """
    contexts: list[Any] = []
    violations: list[str] = []

    def watch(message: Any) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append(message.text)

    def open_page(width: int = 390, height: int = 844) -> Any:
        context = chromium.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", watch)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not violations, f"Content-Security-Policy violations in the browser: {violations}"


def enter_password(page: Any, base_url: str, email: str, password: str = PASSWORD) -> None:
    """The first step of signing in only: staff are then asked for their second step."""
    page.goto(f"{base_url}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def browser_login(page: Any, base_url: str, email: str, password: str = PASSWORD) -> None:
    enter_password(page, base_url, email, password)
    if "/mfa/setup/" in page.url or "/mfa/verify/" in page.url:
        pass_second_step(page, email)


def browser_open(page: Any, base_url: str, email: str, link: str) -> None:
    """Sign in as `email` and follow the first link named `link` (a menu entry)."""
    browser_login(page, base_url, email)
    page.get_by_role("link", name=link).first.click()
    page.wait_for_load_state()


def browser_sign_out(page: Any) -> None:
    """Sign out from the menu and wait for the sign-in page, so that the next step starts signed out."""
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login/")


def totp_code(key_b32: str, after_step: int = -1) -> str:
    """The code an authenticator app shows now (or for the next step, if this one was already used)."""
    import time

    import pyotp

    step = max(int(time.time()) // 30, after_step + 1)
    return str(pyotp.TOTP(key_b32).at(step * 30))


def pass_second_step(page: Any, email: str) -> None:
    """Staff meet the second step after the password: set up the authenticator the first time, else enter a code."""
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice

    if "/mfa/setup/" in page.url:
        key = page.locator("[data-totp-key]").inner_text().replace(" ", "")
        page.get_by_label("Code").fill(totp_code(key))
        page.get_by_role("button", name="Confirm").click()
        page.get_by_role("link", name="I have kept my codes").click()
    else:
        device = TOTPDevice.objects.filter(user__email=email, confirmed=True).latest("id")
        key = base64.b32encode(bytes.fromhex(device.key)).decode()
        page.get_by_label("Code").fill(totp_code(key, device.last_t))
        page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("networkidle")


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL; .ci/run does)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
