"""Request types shared by the views.

Django types ``HttpRequest.user`` as ``User | AnonymousUser``. Views behind ``login_required``
always see a signed-in member, so they annotate their request as :class:`AuthedRequest` and
get ``request.user`` typed as attune's ``User``. This is a typing aid only: at run time the
request is the same ``HttpRequest`` object.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from attune.web.accounts.models import User


class AuthedRequest(HttpRequest):
    """An ``HttpRequest`` whose ``user`` is signed in (any view behind ``login_required``)."""

    user: User
