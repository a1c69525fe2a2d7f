"""Records that each belong to one member, through a ``user`` column."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self, TypeVar

from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

_M = TypeVar("_M", bound=models.Model)


class OwnedQuerySet(models.QuerySet[_M]):
    """A queryset of one kind of member record (check-ins, practice sessions, recordings)."""

    def for_user(self, user: AbstractBaseUser) -> Self:
        """The records of ``user`` and of no one else."""
        return self.filter(user=user)
