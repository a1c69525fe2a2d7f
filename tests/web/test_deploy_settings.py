"""Deployment mode: one variable, ATTUNE_PUBLIC_URL, turns on HTTPS-behind-a-proxy settings.

Each case runs `attune manage` in a subprocess, as an operator would, with only the variables it names
(every other ATTUNE_ variable of the test run is removed) and its own data folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PUBLIC_URL = "https://attune.example.test"


def _manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ATTUNE_", "DJANGO_"))}
    clean.update({"ATTUNE_DATA_DIR": str(tmp_path / "data"), **env})
    return subprocess.run(
        [sys.executable, "-m", "attune.cli", "manage", *args],
        cwd=REPO, env=clean, capture_output=True, text=True, timeout=120, check=False,
    )


def _settings(tmp_path: Path, **env: str) -> dict[str, object]:
    names = ["ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SITE_URL", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
             "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
             "SECURE_HSTS_INCLUDE_SUBDOMAINS", "DATABASES"]
    code = (
        "import json; from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}}, default=str))"
    )
    done = _manage(tmp_path, "shell", "-c", code, **env)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_check_deploy_is_clean_with_a_public_url(tmp_path: Path) -> None:
    done = _manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", ATTUNE_PUBLIC_URL=PUBLIC_URL)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output and "?: (" not in output, output


def test_without_a_public_url_check_deploy_asks_for_https(tmp_path: Path) -> None:
    done = _manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    output = done.stdout + done.stderr
    assert done.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in output, output


def test_the_embedded_default_is_unchanged(tmp_path: Path) -> None:
    got = _settings(tmp_path)
    assert got["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]"]
    assert got["CSRF_TRUSTED_ORIGINS"] == []
    assert got["SITE_URL"] == "http://127.0.0.1:8000"
    assert got["SESSION_COOKIE_SECURE"] is False and got["SECURE_SSL_REDIRECT"] is False
    assert got["SECURE_PROXY_SSL_HEADER"] is None and got["SECURE_HSTS_SECONDS"] == 0
    assert "sqlite3" in str(got["DATABASES"])


def test_a_public_url_switches_on_https_behind_a_proxy(tmp_path: Path) -> None:
    got = _settings(tmp_path, ATTUNE_PUBLIC_URL=PUBLIC_URL + "/")
    assert got["ALLOWED_HOSTS"] == ["attune.example.test"]
    assert got["CSRF_TRUSTED_ORIGINS"] == [PUBLIC_URL]
    assert got["SITE_URL"] == PUBLIC_URL
    assert got["SESSION_COOKIE_SECURE"] is True and got["CSRF_COOKIE_SECURE"] is True
    assert got["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert got["SECURE_SSL_REDIRECT"] is True
    assert got["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600 and got["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True


def test_explicit_variables_still_win_over_the_public_url(tmp_path: Path) -> None:
    got = _settings(tmp_path, ATTUNE_PUBLIC_URL="https://[::1]:8443", ATTUNE_HSTS_SECONDS="300",
                    ATTUNE_CSRF_TRUSTED_ORIGINS="https://a.test,https://b.test")
    assert got["ALLOWED_HOSTS"] == ["[::1]"]
    assert got["CSRF_TRUSTED_ORIGINS"] == ["https://a.test", "https://b.test"]
    assert got["SECURE_HSTS_SECONDS"] == 300


def test_a_public_url_that_is_not_an_https_origin_is_refused(tmp_path: Path) -> None:
    for wrong in ("http://attune.example.test", "https://attune.example.test/app", "attune.example.test"):
        done = _manage(tmp_path, "check", ATTUNE_PUBLIC_URL=wrong)
        assert done.returncode != 0
        assert "ATTUNE_PUBLIC_URL must be the https origin" in done.stderr, done.stderr


def test_kept_database_connections_are_refused_under_asgi(tmp_path: Path) -> None:
    # docs/recordings.md once advised ATTUNE_DATABASE_CONN_MAX_AGE=600 for PostgreSQL. Under ASGI each
    # request runs in a thread of its own and a kept connection stays behind with it: bench_live's
    # two processes reached PostgreSQL's 100 clients after a few hundred sign-ups and answered 500.
    done = _manage(tmp_path, "check", ATTUNE_DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
                   ATTUNE_DATABASE_CONN_MAX_AGE="600")
    assert done.returncode != 0
    assert "ATTUNE_DATABASE_CONN_MAX_AGE must be 0, not 600" in done.stderr, done.stderr
