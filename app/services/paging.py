"""One page of a hand-written list (the desk, the inbox): which rows, of how many.

FAB's ModelView pages its own lists; the desk and the inbox are BaseViews with
their own queries, so they share this instead (perf, issue 8: neither renders
hundreds of rows any more)."""

from dataclasses import dataclass, field


@dataclass
class Page:
    rows: list
    total: int  # rows under the chosen filter, on every page
    page: int  # 0-based, already clamped to the last page
    size: int
    counts: dict = field(default_factory=dict)  # whatever the screen shows beside the rows

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_prev(self) -> bool:
        return self.page > 0

    @property
    def has_next(self) -> bool:
        return self.page + 1 < self.pages


def clamp(page: int, total: int, size: int) -> int:
    """A page past the end shows the last one (a bookmarked page 9 of a list that shrank)."""
    return min(max(page, 0), max(1, -(-total // size)) - 1)


def page_arg(args, name: str = "page") -> int:
    """The 0-based page of the query string; anything that is not a number is the first."""
    try:
        return max(int(args.get(name, 0)), 0)
    except (TypeError, ValueError):
        return 0
