"""`flask jobs ...`: run a worker, run the daily tick now, recover jobs of dead workers."""

from __future__ import annotations

import logging
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from app.queue import get_queue, run_daily

jobs_cli = AppGroup("jobs", help="Background jobs and the queue's worker.")


def _logging() -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@jobs_cli.command("worker")
@click.option("--threads", "-t", default=2, show_default=True, help="Jobs run at once.")
@click.option("--no-periodic", is_flag=True, help="Leave the daily tick to other workers.")
def worker(threads: int, no_periodic: bool) -> None:
    """Run a worker: takes jobs from the queue (SQLite file or Redis) until Ctrl-C."""
    from app.jobs.runner import recover_stale

    _logging()
    queue = get_queue()
    queue.bind()
    if queue.huey.immediate:
        click.secho("The queue is in immediate mode (tests): there is nothing to work on.",
                    fg="red", err=True)
        sys.exit(1)
    recover_stale()  # jobs whose worker died while this one was down
    storage = type(queue.huey.storage).__name__
    click.echo(f"Worker on {storage} with {threads} thread(s); Ctrl-C stops it.")
    consumer = queue.huey.create_consumer(
        workers=threads, worker_type="thread", periodic=not no_periodic, max_delay=1.0,
    )
    consumer.run()


@jobs_cli.command("tick")
def tick() -> None:
    """Run every daily hook now (the worker runs them at 02:00 UTC)."""
    _logging()
    outcome = run_daily(current_app._get_current_object())
    for name, result in outcome.items():
        colour = "green" if result == "ok" else "red"
        click.secho(f"{result if result == 'ok' else 'FAILED':<6} {name}"
                    + ("" if result == "ok" else f": {result}"), fg=colour)
    if not outcome:
        click.echo("No daily hooks are registered.")
    if any(result != "ok" for result in outcome.values()):
        sys.exit(1)


@jobs_cli.command("recover")
def recover() -> None:
    """Requeue jobs whose worker died (each worker also does this at start and each minute)."""
    from app.jobs.runner import recover_stale

    outcome = recover_stale()
    click.echo(f"Requeued {len(outcome['requeued'])}, failed {len(outcome['failed'])}.")
