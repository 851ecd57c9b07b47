"""Rows written once: the access audit, submitted assessments, randomisation seeds and allocations.

The guard lives on the model and its queryset (the one place no code path can go around): the queryset
refuses update and delete, and an existing row refuses save and delete. Each model words its own refusal.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.db import models

RowT = TypeVar("RowT", bound=models.Model)


class AppendOnlyQuerySet(models.QuerySet[RowT]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError(getattr(self.model, "refused_change", "These rows cannot be changed."))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError(getattr(self.model, "refused_delete", "These rows cannot be deleted."))


class AppendOnlyModel(models.Model):
    refused_change: ClassVar[str] = "These rows are written once and cannot be changed."
    refused_delete: ClassVar[str] = "These rows are written once and cannot be deleted."

    objects = AppendOnlyQuerySet[Any].as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError(self.refused_change)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError(self.refused_delete)
