"""Who guides whom: the one question the record apps ask about groups, answered by the apps that own them.

A member may share a journal entry (or, later, intake answers) with a guide who leads a group they
are in. The groups live in programme apps above this layer (workbook cohorts today; workshops and
retreats later), and the record apps below them must not know those apps. So each programme app
registers a :class:`Guidance` when it starts (in its ``AppConfig.ready``), and the record apps ask
here. With nothing registered, nobody guides anybody and nothing can be shared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

from django.apps import AppConfig
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from attune.web.accounts.models import User

#: A query of user ids (``.values("...")``) for one member's guides, or one guide's members.
IdQuery = Callable[[int], QuerySet[Any]]


@dataclass(frozen=True)
class Guidance:
    """One kind of group: ``guides_of(member_id)`` and ``members_of(guide_id)`` give user-id queries."""

    name: str
    guides_of: IdQuery
    members_of: IdQuery


_registry: dict[str, Guidance] = {}


def register(guidance: Guidance) -> None:
    """Add (or replace, by name) a kind of group; called from a programme app's ``ready()``."""
    _registry[guidance.name] = guidance


class GuidingConfig(AppConfig):
    """The ``AppConfig`` of a programme app whose groups have guides.

    When the app is ready it registers a :class:`Guidance` named ``groups``, from the
    ``guides_of`` and ``members_of`` of the app's ``models`` module.
    """

    groups: str

    def ready(self) -> None:
        models = import_module(f"{self.name}.models")
        register(Guidance(name=self.groups, guides_of=models.guides_of, members_of=models.members_of))


def _any_of(field: str, queries: list[QuerySet[Any]]) -> Q:
    found = Q(pk__in=[])
    for query in queries:
        found |= Q(**{f"{field}__in": query})
    return found


def guides_for(user: User | AnonymousUser | None) -> QuerySet[User]:
    """The active guides leading a group that ``user`` is in (never ``user``)."""
    users = get_user_model().objects
    if user is None or not user.is_authenticated or not _registry:
        return users.none()
    ids = [g.guides_of(user.pk) for g in _registry.values()]
    return users.filter(_any_of("pk", ids), is_guide=True, is_active=True).exclude(pk=user.pk).order_by("pk")


def members_for(guide: User | AnonymousUser | None) -> QuerySet[User]:
    """The members in a group that ``guide`` leads."""
    users = get_user_model().objects
    if guide is None or not guide.is_authenticated or not getattr(guide, "is_guide", False) or not _registry:
        return users.none()
    return users.filter(_any_of("pk", [g.members_of(guide.pk) for g in _registry.values()]))


def may_share_with(user: User | AnonymousUser | None, guide: User) -> bool:
    return guides_for(user).filter(pk=guide.pk).exists()
