"""Installing attune and opening it with no network: the web app manifest, the service worker (served
from the site root so that it may look after every page), the list of what it keeps for offline use,
and the page it shows when a page was never kept. docs/offline.md tells the whole story.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

from attune.web.practices.library import current_library

THEME_COLOUR = "#f6f1ea"  # the page colour (attune.css --bg), as in base.html's theme-color
STATIC_FOLDERS = ("css", "js", "img")  # what the worker keeps for offline use (not the vendored charts)


def _static_files() -> list[str]:
    """Every file under static/css, js and img, as names for ``static()``, in a stable order."""
    names: set[str] = set()
    for folder in settings.STATICFILES_DIRS:
        root = Path(folder)
        for sub in STATIC_FOLDERS:
            names.update(p.relative_to(root).as_posix() for p in (root / sub).rglob("*") if p.is_file())
    return sorted(n for n in names if not n.endswith(".map"))


@functools.cache
def _version() -> str:
    """A digest of the files the worker keeps: any change makes a new worker, which drops the old copies."""
    digest = hashlib.sha256()
    for name in _static_files():
        path = finders.find(name)
        if isinstance(path, str):
            digest.update(name.encode())
            digest.update(Path(path).read_bytes())
    digest.update((Path(__file__).parent / "templates" / "today" / "sw.js").read_bytes())
    return digest.hexdigest()[:16]


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    context = {
        "version": _version() if not settings.DEBUG else _uncached_version(),
        "list_url": reverse("today:offline_list"),
        "offline_url": reverse("today:offline"),
        "login_path": reverse("accounts:login"),
        "static_url": settings.STATIC_URL,
        "icon_url": static("img/icon-192.png"),
    }
    response = render(request, "today/sw.js", context, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"  # the browser asks again each time it checks for a new worker
    return response


def _uncached_version() -> str:
    _version.cache_clear()
    return _version()


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    name = settings.SITE_NAME
    icons = [
        {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
        {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
        {"src": static("img/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        {"src": static("img/icon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
    ]
    body = {
        "name": name,
        "short_name": name,
        "description": "A practice companion for noticing your state and finding what helps you feel safe.",
        "id": "/",
        "start_url": reverse("today:today"),
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "background_color": THEME_COLOUR,
        "theme_color": THEME_COLOUR,
        "icons": icons,
    }
    response = JsonResponse(body, content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline_list(request: HttpRequest) -> JsonResponse:
    """What the worker keeps: the static files for everyone; for a member, the pages to open offline.

    ``shell`` is kept when the worker installs; the rest of ``pages`` (each practice and its player)
    once it runs, a page at a time.
    """
    shell: list[str] = [reverse("today:offline")]
    pages: list[str] = []
    if request.user.is_authenticated:
        shell += [
            reverse("today:today"),
            reverse("checkins:new"),
            reverse("practices:library"),
            reverse("practices:pacer"),
        ]
        for practice in current_library():
            pages += [
                reverse("practices:detail", args=[practice.slug]),
                reverse("practices:player", args=[practice.slug]),
            ]
    return JsonResponse(
        {"static": [static(n) for n in _static_files()], "shell": shell, "pages": shell + pages}
    )


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """The page the worker shows for a page it never kept, with no network to fetch it."""
    return render(request, "today/offline.html")
