"""Erasure on request: a mother asks, her site lead carries it out (one audited step each).

Carrying it out follows bondwell.rights.policy for each record type that belongs to her: rows are deleted,
anonymised (listed fields emptied) or kept. Then her name, email and phone are replaced wherever they still
appear in any text in the database (e.g. a message to a clinician that named her), and her sign-in account,
sessions and sign-in logs go.
"""

from __future__ import annotations

import re
from typing import Any

import phonenumbers
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.utils import timezone

from bondwell.accounts.access import audit
from bondwell.accounts.models import Mother, User
from bondwell.append_only import AppendOnlyModel
from bondwell.errors import BondwellError
from bondwell.rights import policy
from bondwell.rights.graph import reachable
from bondwell.rights.models import ErasureRequest

ERASED = "[erased]"


class ErasureError(BondwellError):
    pass


def request_erasure(mother: Mother, *, by: User | None) -> ErasureRequest:
    """Record her request to be erased (made by her, or by her site lead for her); a pending one is reused."""
    with transaction.atomic():
        pending = ErasureRequest.objects.filter(mother=mother, status=ErasureRequest.Status.PENDING).first()
        if pending is not None:
            return pending
        made = ErasureRequest.objects.create(
            mother=mother, requested_by=by
        )
        audit(None, "request:erasure", mother=mother, obj=made, actor=by)
    return made


def identifiers(mother: Mother) -> list[str]:
    found = {mother.full_name, mother.email, mother.phone}
    if mother.user is not None:
        found |= {mother.user.email, mother.user.full_name}
    # Not her baby's first name: swept across every table it would also hit other people named the same.
    if mother.phone:
        for region in (mother.site.country if mother.site.country != "UK" else "GB", None):
            try:
                number = phonenumbers.parse(mother.phone, region)
            except phonenumbers.NumberParseException:
                continue
            found.add(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
            found.add(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
            break
    return sorted((s.strip() for s in found if s and len(s.strip()) >= 3), key=len, reverse=True)


def _text_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        f for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField) and not f.choices and not f.primary_key
    ]


def _sweep(words: list[str]) -> int:
    """Replace her identifiers in every text field of every table (append-only tables hold none)."""
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in words), re.IGNORECASE)
    changed = 0
    for model in apps.get_models():
        if issubclass(model, AppendOnlyModel) or model._meta.label in policy.SIGN_IN_LOGS:
            continue
        for field in _text_fields(model):
            query = models.Q()
            for word in words:
                query |= models.Q(**{f"{field.name}__icontains": word})
            for pk, value in model._default_manager.filter(query).values_list("pk", field.name):
                new = pattern.sub(ERASED, value)
                if new != value:
                    model._default_manager.filter(pk=pk).update(**{field.name: new[: field.max_length or None]})
                    changed += 1
    return changed


def _end_sessions(user_id: int) -> None:
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            session.delete()


def erase(erasure: ErasureRequest, *, by: User) -> dict[str, int]:
    """Carry out one erasure request. Returns rows touched per record type (for the site lead's message)."""
    with transaction.atomic():
        erasure = ErasureRequest.objects.select_for_update().get(pk=erasure.pk)
        if erasure.status != ErasureRequest.Status.PENDING:
            raise ErasureError("This request has already been carried out.")
        mother = Mother.objects.select_related("user", "site").get(pk=erasure.mother_id)
        words = identifiers(mother)
        user = mother.user
        touched: dict[str, int] = {}
        for model, ids in reachable(mother).items():
            label = model._meta.label
            rule = policy.BY_LABEL.get(label)
            rows = model._default_manager.filter(pk__in=ids)
            if rule is None or rule.on_erasure == "keep" or issubclass(model, AppendOnlyModel):
                continue
            if rule.on_erasure == "delete":
                touched[label], _ = rows.delete()
            elif rule.clear:
                touched[label] = rows.update(**rule.clear)
        Mother.objects.filter(pk=mother.pk).update(full_name=f"Erased ({mother.pseudonym})", email="", phone="")
        if user is not None:
            email = user.email
            user.email = f"erased-{user.pk}@erased.invalid"
            user.full_name = "Erased"
            user.is_active = False
            user.set_unusable_password()
            user.save(update_fields=["email", "full_name", "is_active", "password"])
            _end_sessions(user.pk)
            for label in policy.SIGN_IN_LOGS:
                try:
                    log = apps.get_model(label)
                except LookupError:
                    continue
                log._default_manager.filter(username__iexact=email).delete()
        touched["text elsewhere"] = _sweep(words) if words else 0
        ErasureRequest.objects.filter(pk=erasure.pk).update(
            status=ErasureRequest.Status.DONE, processed_at=timezone.now(),
            processed_by=by,
        )
        audit(None, "erase:mother", mother=mother, obj=erasure, actor=by)
    return touched
