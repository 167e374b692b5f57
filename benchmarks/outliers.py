"""Where a page's slow requests come from: the same requests as `benchmarks.run`, each
timed with the garbage collections (by generation) and the process CPU time it took.

    LARGE_DATABASE_URL=sqlite:////tmp/perf-large/large.db .venv/bin/python -m benchmarks.outliers \\
        "/workorderview/list/?page_WorkOrderView=499" --user admin1 --repeat 60

A slow request with a generation-2 collection is the collector's; one whose CPU time is far
below its wall time waited for the CPU or the disk (a shared machine, a cold page cache);
one slow in CPU as well is the page's own work. Nothing here changes what `run` measures.
"""

import argparse
import gc
import os
import statistics
import time

from benchmarks.measure import percentile
from benchmarks.run import Clients, make_app


def probe(client, url: str, repeat: int) -> list[dict]:
    collections = []

    def on_gc(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(on_gc)
    try:
        client.get(url)  # warm-up, as in run
        samples = []
        for _ in range(repeat):
            collections.clear()
            wall, cpu = time.perf_counter(), time.process_time()
            client.get(url)
            samples.append({"ms": (time.perf_counter() - wall) * 1000, "cpu_ms": (time.process_time() - cpu) * 1000,
                            "gc2": collections.count(2), "gc": len(collections)})
        return samples
    finally:
        gc.callbacks.remove(on_gc)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--user", default="admin1")
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--database-url", default=os.environ.get("LARGE_DATABASE_URL"))
    args = parser.parse_args(argv)
    samples = probe(Clients(make_app(args.database_url))(args.user), args.url, args.repeat)
    ms = [s["ms"] for s in samples]
    median = statistics.median(ms)
    print(f"{args.url}: median {median:.1f} ms, p95 {percentile(ms, 95):.1f} ms, "
          f"median CPU {statistics.median(s['cpu_ms'] for s in samples):.1f} ms")
    for s in sorted(samples, key=lambda s: -s["ms"])[:max(1, len(samples) // 10)]:
        print(f"  slow: {s['ms']:7.1f} ms wall, {s['cpu_ms']:7.1f} ms CPU, gen-2 collections {s['gc2']}, all {s['gc']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
