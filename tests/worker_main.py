"""`flask jobs worker` in a process that also knows the test job kinds.

With TL_TEST_PAUSE_IMPORT=<file>, an import writes its rows, touches <file> and then waits
inside its open transaction, so a test can SIGKILL the worker mid-import at a known point.
"""

from __future__ import annotations

import os
import sys
import time

from flask.cli import FlaskGroup

import tests.job_kinds  # noqa: F401 - registers the test job kinds
from app import create_app

marker = os.environ.get("TL_TEST_PAUSE_IMPORT")
if marker:
    from suppliers import services

    original = services.finish_import

    def finish_then_wait(session, **kwargs):
        summary = original(session, **kwargs)
        session.flush()
        with open(marker, "w") as f:
            f.write(f"{os.getpid()}\n")
        time.sleep(600)  # the test kills us here, with the rows written but not committed
        return summary

    services.finish_import = finish_then_wait

if __name__ == "__main__":
    FlaskGroup(create_app=create_app).main(args=["jobs", "worker", *sys.argv[1:]],
                                           prog_name="flask")
