"""dashboard.ArrearsCache (issue 8): the arrears figures of a scope are kept `seconds`,
with the time they were computed; off when seconds is 0."""

from datetime import datetime

from app.services import dashboard

T0, T1 = datetime(2026, 12, 1, 9, 0, 0), datetime(2026, 12, 1, 9, 0, 30)


def counting():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)
    return calls, compute


def test_kept_within_the_seconds_with_the_time_it_was_computed(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(dashboard.time_module, "monotonic", lambda: clock[0])
    cache, (calls, compute) = dashboard.ArrearsCache(60), counting()
    assert cache.get(("a",), T0, compute) == (1, T0)
    clock[0] = 130.0
    assert cache.get(("a",), T1, compute) == (1, T0)
    assert cache.get(("b",), T1, compute) == (2, T1)  # another scope: its own figures
    clock[0] = 161.0
    assert cache.get(("a",), T1, compute) == (3, T1)  # expired: computed again
    assert len(calls) == 3


def test_off_computes_every_time():
    cache, (calls, compute) = dashboard.ArrearsCache(0), counting()
    assert cache.get(("a",), T0, compute) == (1, T0)
    assert cache.get(("a",), T1, compute) == (2, T1)
    assert len(calls) == 2
