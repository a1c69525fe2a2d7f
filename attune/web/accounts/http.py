"""Request types shared by the views, and the decorator most of them wear.

Django types ``HttpRequest.user`` as ``User | AnonymousUser``. Views behind ``login_required``
always see a signed-in member, so they annotate their request as :class:`AuthedRequest` and
get ``request.user`` typed as attune's ``User``. This is a typing aid only: at run time the
request is the same ``HttpRequest`` object.

:func:`signed_in` is ``login_required`` with the methods a view answers, in the order every view
put the two: a visitor who is not signed in goes to sign in first, whatever the method.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.views.decorators.http import require_http_methods

if TYPE_CHECKING:
    from attune.web.accounts.models import User

V = TypeVar("V", bound=Callable[..., Any])


class AuthedRequest(HttpRequest):
    """An ``HttpRequest`` whose ``user`` is signed in (any view behind ``login_required``)."""

    user: User


def signed_in(*methods: str) -> Callable[[V], V]:
    """``login_required`` around ``require_http_methods(methods)``: for members only, by these methods only."""

    def decorate(view: V) -> V:
        return login_required(require_http_methods(list(methods))(view))

    return decorate
