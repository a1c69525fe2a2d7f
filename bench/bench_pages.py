"""Server time and query count of Today and History for a member with three years of history.

    python bench/bench_pages.py [--runs 30] [--budget-ms 50]

Builds a throwaway SQLite database in a temporary folder (ATTUNE_DATA_DIR), creates one member
with three years of daily check-ins (some days two) and a practice session nearly every day,
warms up, then times GET /, GET /history/ (90 days) and GET /history/?range=all through
django.test.Client. Prints the median (and
90th percentile) server time in ms and the query count of each page, and PASS or FAIL against
the budget. Then it prints the gzipped JavaScript each page ships, via scripts/js-size.mjs.
Exits 1 if any page is over budget.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zoneinfo
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DAYS = 3 * 365
# History opens on its default 90 days; "all time" is the heaviest view a member can ask for.
PAGES = {"Today": "/", "History": "/history/", "History, all time": "/history/?range=all"}


def setup_django(data_dir: str) -> None:
    os.environ["ATTUNE_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "attune.web.settings"
    os.environ.pop("ATTUNE_DATABASE_URL", None)
    (Path(data_dir) / "static").mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def build_member() -> object:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from attune.web.demo.data import build_history
    from attune.web.practices.library import current_library

    tz = zoneinfo.ZoneInfo("Europe/Berlin")
    user = get_user_model().objects.create_user("bench", "bench@example.invalid", "a long bench passphrase")
    user.timezone = "Europe/Berlin"
    user.save(update_fields=["timezone"])
    end = timezone.now().astimezone(tz).date()
    n_c, n_s = build_history(
        user,
        current_library(),
        days=DAYS,
        end=end,
        tz=tz,
        seed=3,
        skip_day_chance=0.0,
        session_chance=1.0,
        not_after=timezone.now(),
    )
    # A check-in today, so Today shows the suggestion as well as the form.
    from attune.web.checkins.models import CheckIn

    CheckIn.objects.create(
        user=user,
        created_at=timezone.now(),
        state="activated",
        felt_safety=4,
        breath=2,
        muscles=2,
        attention=3,
        felt_connection=5,
    )
    print(f"member: {n_c + 1} check-ins and {n_s} practice sessions over {DAYS} days")
    return user


def time_pages(user: object, runs: int) -> dict[str, tuple[float, float, int, str]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    results: dict[str, tuple[float, float, int, str]] = {}
    for name, url in PAGES.items():
        for _ in range(5):  # warm up: templates, content cache, SQLite pages
            assert client.get(url).status_code == 200
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        p90 = statistics.quantiles(times, n=10)[-1] if len(times) >= 10 else max(times)
        results[name] = (statistics.median(times), p90, len(queries), html)
    return results


IMPORT_RE = re.compile(r"""(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\s*['"](\.[^'"]+)['"]""")


def shipped_js(html: str) -> list[Path]:
    """The JavaScript files a page loads: its <script src> plus their static ES-module imports."""
    static = REPO / "attune" / "web" / "static"
    todo = [static / src for src in re.findall(r'<script[^>]*\ssrc="/static/([^"?]+)"', html)]
    seen: list[Path] = []
    while todo:
        path = todo.pop().resolve()
        if path in seen or not path.is_file():
            continue
        seen.append(path)
        for a, b in IMPORT_RE.findall(path.read_text(encoding="utf-8")):
            todo.append(path.parent / (a or b))
    return sorted(seen)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--budget-ms", type=float, default=50.0)
    args = parser.parse_args(argv)

    data_dir = tempfile.mkdtemp(prefix="attune-bench-")
    try:
        setup_django(data_dir)
        user = build_member()
        results = time_pages(user, args.runs)
        ok = True
        for name, (median, p90, queries, _) in results.items():
            verdict = "PASS" if median < args.budget_ms else "FAIL"
            ok &= verdict == "PASS"
            print(
                f"{name:17s} median {median:6.1f} ms  p90 {p90:6.1f} ms  {queries:2d} queries  "
                f"{verdict} (< {args.budget_ms:g} ms)"
            )
        script = REPO / "scripts" / "js-size.mjs"
        node = shutil.which("node")
        if script.exists() and node:
            pages = {name: html for name, (_, _, _, html) in results.items()}
            from django.test import Client

            client = Client()
            client.force_login(user)
            for extra in ("/practices/", "/practices/pacer/", "/practices/six-breaths-a-minute/play/"):
                pages[extra] = client.get(extra).content.decode()
            for name, html in pages.items():
                files = [str(p.relative_to(REPO)) for p in shipped_js(html)]
                print(f"== JavaScript shipped by {name}")
                proc = subprocess.run(
                    [node, str(script), *files], cwd=REPO, capture_output=True, text=True, check=False
                )
                print(proc.stdout.rstrip() or proc.stderr.rstrip())
                ok &= proc.returncode == 0
        else:
            print("(scripts/js-size.mjs or node not found: JavaScript size not measured)")
        return 0 if ok else 1
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
