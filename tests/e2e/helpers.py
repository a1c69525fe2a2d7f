"""Small helpers for the live e2e tests: sign a member in without the login form, run Django code
on the test server's database, and take screenshots.

Import with ``sys.path.insert(0, str(Path(__file__).parent))`` then ``from helpers import ...``.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


def django_json(server: Any, code: str) -> Any:
    """Run ``code`` in ``attune manage shell`` on the server's database; it must print one JSON line."""
    import subprocess

    try:
        out = server.manage("shell", "-c", textwrap.dedent(code))
    except subprocess.CalledProcessError as exc:
        raise AssertionError(f"manage shell failed:\n{exc.stderr}") from None
    lines = [line for line in out.splitlines() if line.strip()]
    return json.loads(lines[-1])


def sign_in(server: Any, context: Any, username: str, *, default_pacer_bpm: float | None = None) -> int:
    """Create ``username`` (if new) and put a signed-in session cookie into the browser ``context``.

    The session counts as having passed the second step (as after a code or a passkey), so a guide
    signed in here is not sent to set up two-step sign-in; test_two_step_screens.py signs in for real.
    """
    data = django_json(
        server,
        f"""
        import json
        from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
        from attune.web.accounts.sessions import SessionStore
        User = get_user_model()
        u, _ = User.objects.get_or_create(username={username!r}, defaults={{"email": {username + "@example.org"!r}}})
        u.default_pacer_bpm = {default_pacer_bpm!r}
        u.save()
        s = SessionStore()
        s[SESSION_KEY] = str(u.pk)
        s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        s[HASH_SESSION_KEY] = u.get_session_auth_hash()
        from attune.web.accounts import mfa
        mfa.mark_session_verified(s, u, "test")
        s.create()
        print(json.dumps({{"user": u.pk, "session": s.session_key}}))
        """,
    )
    context.add_cookies([{"name": "sessionid", "value": data["session"], "url": server.url}])
    return int(data["user"])


def shot(page: Any, name: str, *, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def recording_rows(server: Any, username: str) -> list[dict[str, Any]]:
    """Every recording of ``username`` as ``Recording.export_row()`` (oldest first)."""
    return list(
        django_json(
            server,
            f"""
            import json
            from attune.web.physio.models import Recording
            rows = [r.export_row() for r in Recording.objects.filter(user__username={username!r}).order_by("pk")]
            print(json.dumps(rows, default=str))
            """,
        )
    )
