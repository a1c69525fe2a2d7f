"""Request types shared by the views, the decorator most of them wear, and early answers.

Django types ``HttpRequest.user`` as ``User | AnonymousUser``. Views behind ``login_required``
always see a signed-in member, so they annotate their request as :class:`AuthedRequest` and
get ``request.user`` typed as attune's ``User``. This is a typing aid only: at run time the
request is the same ``HttpRequest`` object.

:func:`signed_in` is ``login_required`` with the methods a view answers, in the order every view
put the two: a visitor who is not signed in goes to sign in first, whatever the method. It also
gives the answer a view ends with early by raising :class:`Answer`, as :func:`valid` does for a
posted form with errors.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.http import require_http_methods

if TYPE_CHECKING:
    from attune.web.accounts.models import User

V = TypeVar("V", bound=Callable[..., Any])
F = TypeVar("F", bound=forms.BaseForm)


class AuthedRequest(HttpRequest):
    """An ``HttpRequest`` whose ``user`` is signed in (any view behind ``login_required``)."""

    user: User


class Answer(Exception):
    """The response a view under :func:`signed_in` gives, raised from wherever it is decided."""

    def __init__(self, response: HttpResponseBase) -> None:
        super().__init__(response)
        self.response = response


def valid(form: F, otherwise: Callable[[F], HttpResponseBase]) -> F:
    """``form``, once it is valid; with errors, the view ends with ``otherwise(form)``."""
    if not form.is_valid():
        raise Answer(otherwise(form))
    return form


def signed_in(*methods: str) -> Callable[[V], V]:
    """``login_required`` around ``require_http_methods(methods)``: for members only, by these methods only."""

    def decorate(view: V) -> V:
        @functools.wraps(view)
        def answering(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            try:
                return view(request, *args, **kwargs)
            except Answer as answer:
                return answer.response

        return cast(V, login_required(require_http_methods(list(methods))(answering)))

    return decorate
