"""Response time and query count of Today, History and What helps me for a member with three years of history.

    python bench/bench_pages.py [--runs 30] [--budget-ms 50]

Builds a throwaway SQLite database in a temporary folder (ATTUNE_DATA_DIR), creates one member
with three years of daily check-ins (some days two) and a practice session nearly every day,
then starts a real server process (``attune serve``, one process, no worker) on that database
and times each page over HTTP on one kept-alive connection, signed in with a session cookie:
the whole round trip as a browser's request sees it, after a warm-up. Prints the median (and
90th percentile) in ms, the query count of each page (counted in this process through the same
views, since the server's queries are not visible from outside), PASS or FAIL against the
budget, and the load average, since two cores are shared. Then it prints the gzipped JavaScript
each page ships, via scripts/js-size.mjs. Exits 1 if any page is over budget.
"""

from __future__ import annotations

import argparse
import http.client
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
PAGES = {
    "Today": "/",
    "History": "/history/",
    "History, all time": "/history/?range=all",
    "What helps me": "/what-helps/",
    "Your week": "/reflection/",
}
SECRET_KEY = "bench-not-secret"  # noqa: S105 (a throwaway key for a throwaway database)


def setup_django(data_dir: str) -> None:
    os.environ["ATTUNE_DATA_DIR"] = data_dir
    os.environ["ATTUNE_SECRET_KEY"] = SECRET_KEY  # the server process must read the same sessions
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
    # A check-in today, so Today shows the suggestion as well as the form: the demo member's own.
    from attune.web.demo.data import build_today

    n_c += build_today(user, now=timezone.now(), tz=tz) is not None
    print(f"member: {n_c} check-ins and {n_s} practice sessions over {DAYS} days")
    return user


def session_cookie(user: object) -> str:
    """A signed-in session for ``user``, stored in the shared database, as a Cookie header."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def query_counts(user: object) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    counts = {}
    for name, url in PAGES.items():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[name] = len(queries)
    return counts


def time_pages(port: int, cookie: str, runs: int) -> dict[str, tuple[float, float, str]]:
    """Median and 90th percentile (ms) of each page over HTTP, and its HTML."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie, "Host": "127.0.0.1", "Accept-Encoding": "identity"}

    def get(url: str) -> str:
        conn.request("GET", url, headers=headers)
        response = conn.getresponse()
        body = response.read().decode()
        if response.status != 200:
            raise RuntimeError(f"GET {url} answered {response.status}")
        return body

    results: dict[str, tuple[float, float, str]] = {}
    for name, url in PAGES.items():
        for _ in range(5):  # warm up: templates, content cache, the member's cached model, SQLite pages
            get(url)
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            html = get(url)
            times.append((time.perf_counter() - t0) * 1000)
        p90 = statistics.quantiles(times, n=10)[-1] if len(times) >= 10 else max(times)
        results[name] = (statistics.median(times), p90, html)
    conn.close()
    return results


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


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
        queries = query_counts(user)
        cookie = session_cookie(user)
        from tests.e2e.conftest import Server  # the same `attune serve` the browser tests drive

        server = Server(Path(data_dir), {"ATTUNE_SECRET_KEY": SECRET_KEY}, extra_args=("--no-worker",))
        try:
            print(f"before: {load_average()}")
            results = time_pages(server.port, cookie, args.runs)
            print(f"after:  {load_average()}")
        finally:
            server.stop()
        ok = True
        print(f"over HTTP to a real `attune serve` (one process), {args.runs} runs each after 5 to warm up:")
        for name, (median, p90, _) in results.items():
            verdict = "PASS" if median < args.budget_ms else "FAIL"
            ok &= verdict == "PASS"
            print(
                f"{name:17s} median {median:6.1f} ms  p90 {p90:6.1f} ms  {queries[name]:2d} queries  "
                f"{verdict} (goal < {args.budget_ms:g} ms)"
            )
        script = REPO / "scripts" / "js-size.mjs"
        node = shutil.which("node")
        if script.exists() and node:
            pages = {name: html for name, (_, _, html) in results.items()}
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
