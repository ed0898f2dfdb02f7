"""Job kinds that exist only for tests: they record which process ran them."""

from __future__ import annotations

import os
import time

from app.jobs.runner import handler


@handler("test.whoami")
def whoami(ctx):
    """Sleep a little (so two workers both get some), then say which process ran it."""
    time.sleep(float(ctx.payload.get("sleep", 0.2)))
    log = ctx.payload.get("log")
    if log:
        with open(log, "a") as f:  # O_APPEND: one whole line per write, from any process
            f.write(f"{ctx.job_id} {os.getpid()}\n")
    return {"pid": os.getpid(), "attempt": ctx.attempt}


FLAKY: dict[int, int] = {}


@handler("test.flaky")
def flaky(ctx):
    """Fails with an unexpected error until attempt `succeed_on`."""
    if ctx.attempt < int(ctx.payload.get("succeed_on", 99)):
        raise RuntimeError(f"flaky on attempt {ctx.attempt}")
    return {"attempt": ctx.attempt}
