"""Twenty acceptances at once for ten places, on the database ATTUNE_DATABASE_URL names.

Run by ``test_retreat_places.py`` in a subprocess against a fresh PostgreSQL database, so the
threads hold real, separate connections (the tests' in-memory SQLite shares one cache and locks
whole tables instead). Prints one JSON line: what each thread got and what the table holds.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading

import django

PLACES = 10
APPLICANTS = 20


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attune.web.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from attune.web.retreats import actions
    from attune.web.retreats.models import Application, State
    from tests.web.retreat_helpers import applied, retreat_led_by

    call_command("migrate", verbosity=0)
    users = get_user_model().objects
    guide = users.create_user("gwen", is_guide=True)
    retreat = retreat_led_by(guide, capacity=PLACES, starts_on=dt.date(2030, 6, 1))
    applications = [applied(users.create_user(f"member{i}"), retreat) for i in range(APPLICANTS)]
    connection.close()

    start = threading.Barrier(APPLICANTS)
    outcomes: list[str] = []
    backends: set[int] = set()

    def accept(application: Application) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backends.add(cursor.fetchone()[0])
            start.wait(timeout=30)
            actions.accept(application)
            outcomes.append("accepted")
        except actions.Full:
            outcomes.append("full")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    accepted = Application.objects.filter(retreat=retreat, state=State.ACCEPTED).count()
    print(json.dumps({"outcomes": sorted(outcomes), "connections": len(backends), "accepted_rows": accepted}))


if __name__ == "__main__":
    main()
