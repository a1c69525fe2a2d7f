"""POSTed fields from a JSON object or an ordinary form, for the endpoints that take either.

The result goes to a Django form, which validates every field; this only decodes the body and
refuses what cannot be a set of fields, with a sentence that says why.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django import forms
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext


class BadBody(ValueError):
    """The body is not a JSON object of fields (or not JSON at all)."""


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def posted_fields(request: HttpRequest) -> Mapping[str, Any]:
    """The request's fields: a JSON object's members when the body is JSON, else ``request.POST``."""
    if request.content_type != "application/json":
        return request.POST
    try:
        data = json.loads(request.body or b"{}", parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise BadBody(gettext("The request body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise BadBody(gettext("The request body must be a JSON object."))
    return data


def first_error(form: forms.BaseForm) -> str:
    """The form's first error as one sentence, for a JSON answer's ``error``."""
    for errors in form.errors.values():
        for error in errors:
            return str(error)
    return "Those values were not accepted."


def errors_response(form: forms.BaseForm) -> JsonResponse:
    """A 400 answer naming every field's errors: ``{"ok": false, "errors": {field: [sentence, ...]}}``."""
    errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
    return JsonResponse({"ok": False, "errors": errors}, status=400)


class FlagField(forms.Field):
    """A yes/no flag: true for ``true``, ``1``, ``yes`` or ``on`` (any case) and JSON ``true``; false otherwise."""

    def to_python(self, value: Any) -> bool:
        return value is True or (isinstance(value, str) and value.strip().lower() in {"1", "true", "yes", "on"})

    def validate(self, value: Any) -> None:
        pass
