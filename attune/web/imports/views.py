"""The import page, the upload, one import's progress, and the body-over-time page.

Everything here belongs to one member: anyone else gets 404, guides included (imported values
are never shared).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from attune.web.accounts.http import AuthedRequest, signed_in
from attune.web.common.said import from_stored, in_language
from attune.web.imports import actions, trends, uploads
from attune.web.imports.models import Import
from attune.web.imports.uploads import ImportUploadHandler, StoredUpload, UploadRefused

RECENT_IMPORTS = 20


def _get_import_for_user(request: AuthedRequest, pk: uuid.UUID) -> Import:
    """The import ``pk`` if it belongs to the signed-in member; 404 for anyone else."""
    return get_object_or_404(Import.objects.select_related("job"), pk=pk, owner_id=request.user.pk)


def error_in_language(imp: Import) -> str:
    """The import's error in the active language: the worker keeps it with its template and values.

    An import that failed before they were kept (``error_words`` empty) shows its English text.
    """
    said = from_stored(imp.error_words)
    return in_language(said) if said is not None else imp.error


def status_payload(imp: Import) -> dict[str, Any]:
    """What the progress bar shows: read from the Job and Import records, so it survives a reload."""
    job = imp.job
    return {
        "state": imp.state,
        "state_label": imp.get_state_display(),
        "finished": imp.finished,
        "percent": 100 if imp.state == "done" else (job.percent if job else 0),
        "records": max(imp.records_read, job.records if job else 0),
        "added": imp.added,
        "duplicates": imp.duplicates,
        "skipped": imp.skipped,
        "not_kept": imp.not_kept,
        "error": error_in_language(imp),
        "cancelling": bool(job and job.cancel_requested and not imp.finished),
    }


def _index_context(request: AuthedRequest, error: str = "") -> dict[str, Any]:
    return {
        "imports": Import.objects.filter(owner=request.user).select_related("job")[:RECENT_IMPORTS],
        "max_bytes": settings.IMPORT_MAX_BYTES,
        "error": error,
    }


@signed_in("GET")
def index(request: AuthedRequest) -> HttpResponse:
    return render(request, "imports/index.html", _index_context(request))


@csrf_exempt  # the upload handler must be in place before the CSRF check reads the body; see _upload
@signed_in("POST")
def upload(request: AuthedRequest) -> HttpResponse:
    handler = ImportUploadHandler(request)
    request.upload_handlers = [handler]
    try:
        return _upload(request, handler)
    finally:  # refused by the CSRF check or the form: the part written to disk goes
        if handler.path is not None:
            uploads.remove(handler.path)


@csrf_protect
def _upload(request: AuthedRequest, handler: ImportUploadHandler) -> HttpResponse:
    stored = request.FILES.get(uploads.FIELD)
    if handler.too_large:
        gb = settings.IMPORT_MAX_BYTES / 1e9
        message = gettext("This file is larger than %(gb)s GB, the most this server accepts.") % {"gb": f"{gb:g}"}
        return _refused(request, message, 413)
    if not isinstance(stored, StoredUpload):
        message = gettext("Choose a file to import: nothing arrived (the upload may have been cut short).")
        return _refused(request, message, 400)
    try:
        imp = actions.start(request.user, stored)
    except UploadRefused as exc:
        return _refused(request, str(exc), 400)
    return redirect("imports:detail", pk=imp.pk)


def _refused(request: AuthedRequest, message: str, status: int) -> HttpResponse:
    return render(request, "imports/index.html", _index_context(request, message), status=status)


@signed_in("GET")
def detail(request: AuthedRequest, pk: uuid.UUID) -> HttpResponse:
    imp = _get_import_for_user(request, pk)
    return render(request, "imports/detail.html", {"imp": imp, "status": status_payload(imp)})


@signed_in("GET")
def status(request: AuthedRequest, pk: uuid.UUID) -> JsonResponse:
    return JsonResponse(status_payload(_get_import_for_user(request, pk)))


@signed_in("POST")
def cancel(request: AuthedRequest, pk: uuid.UUID) -> HttpResponse:
    imp = _get_import_for_user(request, pk)
    if not imp.finished:
        actions.cancel(imp)
    return redirect("imports:detail", pk=imp.pk)


@signed_in("GET")
def body(request: AuthedRequest) -> HttpResponse:
    context = trends.body_over_time(request.user)
    return render(request, "imports/body.html", context)
