"""Sign-in by email and password (Django's ModelBackend), with the signed-in user read in one query.

Every page reads the signed-in user; nearly every page then needs her site, and a mother's pages her own record
(`access.own_mother_record`). Reading them with the user, in the same query, saves each of her requests a query
of its own (issue 18: the mother's questionnaire path).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from bondwell.accounts.models import User


class SignInBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        user = User._default_manager.select_related("site", "mother_profile__site").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
