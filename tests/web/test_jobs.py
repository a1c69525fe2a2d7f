"""The Job record: a job's states and progress as its body reports them, cancelling, failing."""

from __future__ import annotations

from typing import Any

import pytest

from attune.web.jobs import actions as jobs
from attune.web.jobs.models import Job, State
from attune.web.jobs.storage import KEY_ATTRIBUTES, RedisHuey


def _fresh(job: Job) -> Job:
    return Job.objects.get(pk=job.pk)


def test_a_job_that_reports_its_way_through_ends_done_at_100_percent(owner: Any) -> None:
    job = jobs.create(owner, "test.count")
    seen: list[tuple[str, int, int]] = []

    def body(progress: jobs.Progress) -> str:
        for done in range(1, 5):
            progress(done, 4, message=f"{done} of 4")
            row = _fresh(job)
            seen.append((row.state, row.percent, row.records))
        return "4 counted"

    assert jobs.run(job.pk, body) == State.DONE
    assert seen == [("running", 25, 1), ("running", 50, 2), ("running", 75, 3), ("running", 100, 4)]
    row = _fresh(job)
    assert (row.state, row.percent, row.records, row.message, row.error) == ("done", 100, 4, "4 counted", "")
    assert row.finished and row.updated_at >= row.created_at


def test_a_job_that_raises_is_failed_with_its_error_and_the_worker_goes_on(owner: Any) -> None:
    job = jobs.create(owner, "test.broken")

    def body(progress: jobs.Progress) -> str:
        progress(1, 3)
        raise ValueError("row 2 has no date")

    assert jobs.run(job.pk, body) == State.FAILED
    row = _fresh(job)
    assert (row.state, row.percent, row.records) == ("failed", 33, 1)
    assert row.error == "ValueError: row 2 has no date"


def test_a_job_cancelled_while_queued_never_runs(owner: Any) -> None:
    job = jobs.create(owner, "test.never")
    jobs.request_cancel(job.pk)
    ran: list[bool] = []

    def body(progress: jobs.Progress) -> str:
        ran.append(True)
        return "ran"

    assert jobs.run(job.pk, body) == State.CANCELLED
    assert ran == [] and _fresh(job).state == "cancelled"


def test_a_running_job_asked_to_stop_stops_at_its_next_report(owner: Any) -> None:
    job = jobs.create(owner, "test.long")
    reached: list[int] = []

    def body(progress: jobs.Progress) -> str:
        for done in range(1, 11):
            if done == 3:
                jobs.request_cancel(job.pk)  # as the person waiting would, from another request
            progress(done, 10)
            reached.append(done)
        return "all ten"

    assert jobs.run(job.pk, body) == State.CANCELLED
    assert reached == [1, 2]
    row = _fresh(job)
    assert (row.state, row.records, row.percent) == ("cancelled", 2, 20)


def test_cancelling_a_finished_job_changes_nothing(owner: Any) -> None:
    job = jobs.create(owner, "test.quick")
    jobs.run(job.pk, lambda progress: "done quickly")
    jobs.request_cancel(job.pk)
    row = _fresh(job)
    assert (row.state, row.cancel_requested, row.message) == ("done", False, "done quickly")


def test_progress_writes_a_long_loop_only_when_the_percent_moves(owner: Any, django_assert_max_num_queries: Any
                                                                 ) -> None:
    job = jobs.create(owner, "test.many")
    jobs.begin(job.pk)
    progress = jobs.Progress(job.pk)
    with django_assert_max_num_queries(101):
        for done in range(1, 10_001):
            progress(done, 10_000)
    assert (_fresh(job).percent, _fresh(job).records) == (100, 10_000)


def test_a_members_jobs_go_when_their_account_goes(owner: Any, other: Any) -> None:
    jobs.create(owner, "test.mine")
    kept = jobs.create(other, "test.theirs")
    system = jobs.create(None, "test.attunes")
    owner.delete()
    assert set(Job.objects.values_list("pk", flat=True)) == {kept.pk, system.pk}


@pytest.mark.django_db
def test_a_job_is_handed_to_the_worker_only_when_its_transaction_commits(
    django_capture_on_commit_callbacks: Any,
) -> None:
    queued: list[str] = []
    job = jobs.create(None, "test.later")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        jobs.enqueue(job, lambda job_id, *args: queued.append(job_id), "extra")
        assert queued == []
    for callback in callbacks:
        callback()
    assert queued == [str(job.pk)]


def test_every_redis_key_of_the_queue_carries_the_servers_prefix() -> None:
    huey = RedisHuey("attune", url="redis://127.0.0.1:6379/0", key_prefix="site-b")
    keys = [getattr(huey.storage, attribute) for attribute in KEY_ATTRIBUTES]
    assert keys and all(key.startswith("site-b:huey.") for key in keys)
    assert huey.storage.priority  # ordered by priority, as the SQLite queue is


def test_a_members_export_holds_their_jobs_and_no_one_elses(owner: Any, other: Any) -> None:
    from attune.web.accounts.export import collect_member_data

    mine = jobs.create(owner, "test.mine")
    jobs.run(mine.pk, lambda progress: "all went well")
    jobs.create(other, "test.theirs")
    jobs.create(None, "test.attunes")
    [row] = collect_member_data(owner)["jobs"]
    assert (row["id"], row["kind"], row["state"]) == (str(mine.pk), "test.mine", "done")
    assert row["message"] == "all went well"
