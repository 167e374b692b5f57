"""Test-only fault points (issue 9 §3): hold a request inside its transaction so a
test can SIGKILL the worker between two writes of one action and then prove that
nothing half-written is left.

Inert unless the environment variable TEST_FAULT_PAUSE names the point
("payment.after_receipt=20"), and never in production: check_production refuses
to start with it set, and pause() ignores it there anyway. When the pause is
reached, the worker's pid is written to TEST_FAULT_MARK (a file path) so the test
knows which process to kill and that the first write is already flushed.
"""

import os
import time

from flask import current_app


def pause(point: str) -> None:
    spec = os.environ.get("TEST_FAULT_PAUSE")
    if not spec or current_app.config.get("ENV_NAME") == "production":
        return
    name, _, seconds = spec.partition("=")
    if name != point:
        return
    mark = os.environ.get("TEST_FAULT_MARK")
    if mark:
        with open(mark, "w") as out:
            out.write(str(os.getpid()))
    time.sleep(float(seconds or 10))
