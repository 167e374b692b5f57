"""Timing, SQL query counting and memory figures for the benchmarks."""

import statistics
import time
from contextlib import contextmanager

from sqlalchemy import event


class QueryCounter:
    """Counts statements sent to the database (SQLAlchemy before_cursor_execute)."""

    def __init__(self, engine):
        self.count = 0
        self.statements: list[str] = []
        self.keep = False
        event.listen(engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1
        if self.keep:
            self.statements.append(statement)

    @contextmanager
    def counting(self, keep=False):
        self.count, self.statements, self.keep = 0, [], keep
        yield self
        self.keep = False


def percentile(samples, pct: float) -> float:
    ordered = sorted(samples)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def time_requests(client, url: str, counter: QueryCounter, repeat: int) -> dict:
    """One warm-up request, then `repeat` timed ones: median/p95 ms, bytes and queries of the last."""
    response = client.get(url)
    if response.status_code != 200:
        return {"status": response.status_code, "error": response.get_data(as_text=True)[:300]}
    samples = []
    for _ in range(repeat):
        with counter.counting():
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
            queries = counter.count
    return {"status": response.status_code, "median_ms": round(statistics.median(samples), 1),
            "p95_ms": round(percentile(samples, 95), 1), "bytes": len(response.data), "queries": queries}


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


@contextmanager
def peak_rss_growth():
    """Peak resident memory growth (MB) during the block: the kernel's high-water mark is
    reset first (/proc/self/clear_refs 5), then compared with the RSS before."""
    result = {}
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass
    before = _status_kb("VmRSS")
    started = time.perf_counter()
    yield result
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["peak_growth_mb"] = round((_status_kb("VmHWM") - before) / 1024, 1)
