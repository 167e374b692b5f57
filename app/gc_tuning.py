"""The garbage collector of a serving process (perf, issue 8).

A full (generation-2) collection walks every object the process holds: after
start-up that is the app, Flask-AppBuilder's registry, the catalogues and the
models, ~350k objects, and each full collection took 200-240 ms in the middle
of some request (the benchmark's p95 misses on SQLite and PostgreSQL alike).
Those objects live as long as the process, so they are frozen out of the
collector's reach after start-up; what requests leave behind is still collected.
"""

import gc


def freeze_startup_objects() -> None:
    """Collect once, then exempt everything alive from later collections (gc.freeze)."""
    gc.collect()
    gc.freeze()
