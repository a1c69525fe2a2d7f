"""Who may read a shared entry: the guides who lead a cohort the member is in.

The cohorts live in the workbooks app (``Enrolment(user, cohort -> Cohort(guide))``). The journal
asks it lazily and defensively: without that app, or without cohorts, a member has no guides and
nothing can be shared. The same rule is checked again whenever a guide reads, so an entry shared
with a guide stops showing once the member leaves that guide's cohorts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from attune.web.accounts.models import User


def _enrolments() -> Any | None:
    """The workbooks app's Enrolment model, or ``None`` if it is not installed."""
    if not apps.is_installed("attune.web.workbooks"):
        return None
    try:
        return apps.get_model("workbooks", "Enrolment")
    except LookupError:
        return None


def guides_for(user: User | AnonymousUser | None) -> QuerySet[User]:
    """The active guides leading a cohort that ``user`` is enrolled in (never ``user``)."""
    users = get_user_model().objects
    enrolment = _enrolments()
    if enrolment is None or user is None or not user.is_authenticated:
        return users.none()
    guide_ids = enrolment.objects.filter(user_id=user.pk, cohort__isnull=False).values("cohort__guide_id")
    return users.filter(pk__in=guide_ids, is_guide=True, is_active=True).exclude(pk=user.pk).order_by("pk")


def members_for(guide: User | AnonymousUser | None) -> QuerySet[User]:
    """The members enrolled in a cohort that ``guide`` leads."""
    users = get_user_model().objects
    enrolment = _enrolments()
    if enrolment is None or guide is None or not guide.is_authenticated or not guide.is_guide:
        return users.none()
    member_ids = enrolment.objects.filter(cohort__guide_id=guide.pk).values("user_id")
    return users.filter(pk__in=member_ids)


def may_share_with(user: User | AnonymousUser | None, guide: User) -> bool:
    return guides_for(user).filter(pk=guide.pk).exists()
