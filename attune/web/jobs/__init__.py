"""Background jobs: the queue attune's worker runs, and the :class:`~attune.web.jobs.models.Job`
record through which a long job shows its progress to the person waiting.

A foundation app: it knows nothing of the other apps. Each app defines its own jobs in its
``tasks.py`` (found by the worker at start-up) and reports progress through :mod:`.actions`.
"""
