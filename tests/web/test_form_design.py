"""The design system's form: on her forms an error summary at the top links to each field, and every message
is in plain words at its field too."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def test_an_empty_session_form_lists_each_problem_in_plain_words(world: Any, client_as: Any) -> None:
    page = client_as(world.users["mother"]).post(reverse("programme-practice-new"), {"minutes": ""}).content.decode()
    assert page.count('class="error-summary"') == 1
    assert "There is a problem" in page
    assert '<a href="#id_started_at">Enter when did you start</a>' in page
    assert '<p class="error" id="id_started_at_error">Enter when did you start' in page
    assert "This field is required." not in page
