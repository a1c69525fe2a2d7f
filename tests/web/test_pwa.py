"""Installing attune: the manifest, the service worker at the site root, and what it keeps offline."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from attune.web.middleware import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.django_db


def test_every_page_links_the_manifest_and_loads_the_worker_from_a_file(owner_client: Client) -> None:
    html = owner_client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<script type="module" src="/static/js/pwa.js"></script>' in html


def test_the_manifest_makes_attune_installable(anon_client: Client) -> None:
    response = anon_client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    body = response.json()
    assert (body["start_url"], body["scope"], body["display"]) == ("/", "/", "standalone")
    assert body["theme_color"] == "#f6f1ea"
    sizes = {(i["sizes"], i["purpose"]) for i in body["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in body["icons"]:
        got = anon_client.get(icon["src"])
        assert got.status_code == 200, icon["src"]
        data = b"".join(got.streaming_content) if got.streaming else got.content
        if icon["type"] == "image/png":
            assert data.startswith(b"\x89PNG\r\n\x1a\n")
            width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
            assert f"{width}x{height}" == icon["sizes"]


def test_the_worker_is_served_from_the_root_with_its_scope_allowed(anon_client: Client) -> None:
    response = anon_client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    body = response.content.decode()
    assert "{{" not in body and "{%" not in body
    assert "addEventListener('fetch'" in body and "addEventListener('push'" in body


def test_a_visitor_is_offered_only_the_static_files(anon_client: Client) -> None:
    body = anon_client.get("/offline/pages.json").json()
    assert "/static/js/pwa.js" in body["static"] and "/static/css/attune.css" in body["static"]
    assert body["pages"] == body["shell"] == ["/offline/"]


def test_a_member_gets_today_the_library_and_every_practice_to_keep(owner_client: Client) -> None:
    body = owner_client.get("/offline/pages.json").json()
    assert {"/", "/checkins/new/", "/practices/", "/practices/pacer/"} <= set(body["shell"])
    assert "/practices/one-slow-minute/" in body["pages"]
    assert "/practices/one-slow-minute/play/" in body["pages"]
    assert "/history/" not in body["pages"]
    for path in body["pages"]:
        assert owner_client.get(path).status_code == 200, path


def test_the_offline_page_says_what_still_works(anon_client: Client) -> None:
    response = anon_client.get("/offline/")
    assert response.status_code == 200
    assert "This page needs the network" in response.content.decode()


def test_the_worker_script_changes_when_a_static_file_does(anon_client: Client, settings: Any, tmp_path: Any) -> None:
    from attune.web.today import pwa

    before = pwa._uncached_version()
    extra = tmp_path / "static"
    (extra / "js").mkdir(parents=True)
    (extra / "js" / "new.js").write_text("export const x = 1;\n")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, extra]
    try:
        assert pwa._uncached_version() != before
    finally:
        settings.STATICFILES_DIRS = settings.STATICFILES_DIRS[:-1]
        pwa._uncached_version()
