"""The job queue's own upkeep (procrastinate, in this database; `manage.py procrastinate
worker` runs it).

A worker that dies mid-job (a crash, a killed container) leaves its job marked as being
done for ever; procrastinate notices such workers by their missing heartbeats but leaves it
to the app to put their jobs back. This periodic job does so every 5 minutes, on whichever
worker takes it, so a job is never lost with its worker. A sending job put back is safe to
run again: each email is marked sent in the transaction that sends it.
"""

from __future__ import annotations

from procrastinate.contrib.django import app

UPKEEP_QUEUE = "upkeep"


@app.periodic(cron="*/5 * * * *", periodic_id="retry_stalled_jobs")
@app.task(name="retry_stalled_jobs", queue=UPKEEP_QUEUE, pass_context=True)
async def retry_stalled_jobs(context, timestamp: int) -> int:
    """Put back every job whose worker has stopped sending heartbeats; return how many."""
    manager = context.app.job_manager
    stalled = list(await manager.get_stalled_jobs())
    for job in stalled:
        await manager.retry_job(job)
    return len(stalled)
