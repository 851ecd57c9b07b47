"""Small builders for the programme tests (on top of the shared `world`)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from bondwell.accounts.models import Mother, Site, User
from bondwell.programme.models import Course


def course(world: Any, capacity: int = 2, starts_on: date | None = None, educator: User | None = None) -> Course:
    return Course.objects.create(
        site=world.site_a, title="Tuesday class", educator=educator or world.users["educator"], place="Room 2",
        capacity=capacity, starts_on=starts_on or timezone.localdate(),
    )


def mothers(site: Site, count: int, prefix: str = "Waiting") -> list[Mother]:
    return [Mother.objects.create(site=site, full_name=f"{prefix} {i}") for i in range(count)]


def mother_user(site: Site, email: str) -> tuple[User, Mother]:
    from tests.conftest import PASSWORD

    user = User.objects.create_user(email, PASSWORD, full_name=email.split("@")[0], role="mother", site=site)
    return user, Mother.objects.create(site=site, user=user, full_name=user.full_name, email=email)


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=hour))


def load_programme_demo(settings: Any) -> None:
    """The demo's people and its programme (courses, classes, practice), without the rest of the demo."""
    from bondwell.demo import load

    settings.BONDWELL_DEMO_LOADERS = ["bondwell.demo.accounts.load", "bondwell.programme.demo.load"]
    load(reset=False)


def pass_the_safety_check(page: Any, url: str) -> None:
    """In the browser: open the guided routine at `url` and answer yes to each safety question."""
    page.goto(url)
    for fieldset in page.locator("fieldset.yes-no").all():
        fieldset.get_by_text("Yes").click()
    page.get_by_role("button", name="Continue").click()
    page.locator('[data-phase="before"]').wait_for()
