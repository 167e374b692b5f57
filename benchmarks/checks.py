"""The issue's targets and the one-line verdicts (issue 8, point 3)."""

LIST_MEDIAN_MS = 100
LIST_P95_MS = 250
LIST_MAX_BYTES = 200 * 1024
LIST_MAX_QUERIES = 10
DEEP_PAGE_FACTOR = 2.0
EXPORT_SECONDS = 15
EXPORT_MEMORY_MB = 150
GENERATION_SECONDS = 60
DASHBOARD_MS = 300


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def page_misses(fig: dict) -> list[str]:
    if fig.get("status") != 200:
        return [f"HTTP {fig.get('status')}"]
    out = []
    if fig["median_ms"] > LIST_MEDIAN_MS:
        out.append("median")
    if fig["p95_ms"] > LIST_P95_MS:
        out.append("p95")
    if fig["bytes"] > LIST_MAX_BYTES:
        out.append("bytes")
    if fig["queries"] > LIST_MAX_QUERIES:
        out.append("queries")
    return out


def page_line(name: str, fig: dict, target: bool = True) -> str:
    if fig.get("status") != 200:
        return f"{name:55} HTTP {fig.get('status')} {fig.get('error', '')[:80]!r}  MISS"
    figures = (f"median {fig['median_ms']:7.1f} ms  p95 {fig['p95_ms']:7.1f} ms  "
               f"{fig['bytes'] / 1024:7.1f} KB  {fig['queries']:3d} queries")
    if not target:
        return f"{name:55} {figures}  (comparison, no target)"
    misses = page_misses(fig)
    goal = f"(≤{LIST_MEDIAN_MS}/{LIST_P95_MS} ms, ≤200 KB, ≤{LIST_MAX_QUERIES} q)"
    return f"{name:55} {figures}  {goal}  {_verdict(not misses)}{' ' + ','.join(misses) if misses else ''}"


def compare_line(ours: dict, default: dict) -> str:
    if ours.get("status") != 200 or default.get("status") != 200:
        return "default FAB comparison: not measured"
    label = "households first page: ours vs default FAB"
    return (f"{label:55} {ours['median_ms']:.1f} vs {default['median_ms']:.1f} ms"
            f" median, {ours['bytes'] / 1024:.1f} vs {default['bytes'] / 1024:.1f} KB,"
            f" {ours['queries']} vs {default['queries']} queries")


def deep_page_misses(pages: dict) -> dict[str, tuple[float, float]]:
    out = {}
    for name, fig in pages.items():
        if name.endswith(": page 500"):
            first = pages.get(name.replace("page 500", "first page"), {})
            if fig.get("status") == 200 and first.get("status") == 200:
                out[name] = (fig["median_ms"], first["median_ms"])
    return out


def dashboard_misses(fig: dict) -> list[str]:
    """The dashboard's target: the page within 300 ms (median and p95)."""
    if fig.get("status") != 200:
        return [f"HTTP {fig.get('status')}"]
    return [name for name in ("median_ms", "p95_ms") if fig[name] > DASHBOARD_MS]


def dashboard_line(name: str, fig: dict) -> str:
    if fig.get("status") != 200:
        return f"{name:55} HTTP {fig.get('status')} {fig.get('error', '')[:80]!r}  MISS"
    misses = dashboard_misses(fig)
    return (f"{name:55} median {fig['median_ms']:7.1f} ms  p95 {fig['p95_ms']:7.1f} ms  "
            f"{fig['bytes'] / 1024:7.1f} KB  {fig['queries']:3d} queries  (≤{DASHBOARD_MS} ms)  "
            f"{_verdict(not misses)}{' ' + ','.join(misses) if misses else ''}")


def export_line(fig: dict) -> str:
    ok = fig.get("status") == 200 and fig["seconds"] <= EXPORT_SECONDS and fig["peak_growth_mb"] <= EXPORT_MEMORY_MB
    return (f"{'export households (' + str(fig.get('rows')) + ' rows)':55} {fig['seconds']:7.2f} s  "
            f"peak memory +{fig['peak_growth_mb']:.1f} MB  {fig['bytes'] / 1024 / 1024:.1f} MB xlsx  "
            f"(≤{EXPORT_SECONDS} s, ≤{EXPORT_MEMORY_MB} MB)  {_verdict(ok)}")


def generation_line(fig: dict) -> str:
    ok = fig["seconds"] <= GENERATION_SECONDS
    return (f"{'bill generation ' + fig['period'] + ' (' + str(fig['households']) + ' households)':55} "
            f"{fig['seconds']:7.2f} s  {fig['bills']} bills  (≤{GENERATION_SECONDS} s)  {_verdict(ok)}")


def misses(results: dict) -> list[str]:
    out = []
    pages = results.get("pages", {})
    for name, fig in pages.items():
        if "default FAB" not in name and page_misses(fig):
            out.append(f"{name}: {','.join(page_misses(fig))}")
    for name, (deep, first) in deep_page_misses(pages).items():
        if deep > DEEP_PAGE_FACTOR * first:
            out.append(f"{name}: {deep} ms > {DEEP_PAGE_FACTOR}× first page {first} ms")
    for name, fig in results.get("dashboard", {}).items():
        if dashboard_misses(fig):
            out.append(f"{name}: {','.join(dashboard_misses(fig))}")
    exp = results.get("export")
    if exp and not (exp.get("status") == 200 and exp["seconds"] <= EXPORT_SECONDS
                    and exp["peak_growth_mb"] <= EXPORT_MEMORY_MB):
        out.append("export")
    gen = results.get("generation")
    if gen and gen["seconds"] > GENERATION_SECONDS:
        out.append("generation")
    return out
