"""Issue 8: 待我审批 shows 50 requests a page, the most urgent first (overdue
ones, then by deadline), says how many wait and how many are overdue, and
pages on to the rest; other centres' requests never appear."""

import re

from sqlalchemy import delete, select

from app.extensions import db
from app.models.approvals import Approval, ApprovalStep
from tests import factories

ROW = re.compile(r'<tr class="(danger|)">\s*<td>[^<]*</td>\s*<td><a href="/approvalview/show/(\d+)">')
SUMMARY = re.compile(r"共 (\d+) 项待审批，其中 (\d+) 项已逾期")


def _waiting(app, n_late: int, n_in_time: int, center="SC01") -> list[int]:
    with app.app_context():
        return factories.pending_approvals(center, "supervisor", n_late, n_in_time)


def _rows(page: str) -> list[tuple[bool, int]]:
    return [(flag == "danger", int(pk)) for flag, pk in ROW.findall(page)]


def _remove(app):
    with app.app_context():
        ids = select(Approval.id).where(Approval.request_type == "perf_paging")
        db.session.execute(delete(ApprovalStep).where(ApprovalStep.approval_id.in_(ids)))
        db.session.execute(delete(Approval).where(Approval.request_type == "perf_paging"))
        db.session.commit()


def test_the_inbox_pages_fifty_most_urgent_first(app, logged_in):
    ours = _waiting(app, n_late=5, n_in_time=60)
    try:
        c = logged_in("supervisor1")
        first = c.get("/inbox/").get_data(as_text=True)
        total, overdue = (int(x) for x in SUMMARY.search(first).groups())
        assert total >= 65 and overdue >= 5
        rows = _rows(first)
        assert len(rows) == 50
        flags = [late for late, _pk in rows]
        assert flags == sorted(flags, reverse=True) and sum(flags) == min(overdue, 50)   # overdue first
        assert ours[:5] == [pk for _l, pk in rows if pk in set(ours)][:5]   # the most overdue first
        assert f"第 1 / {-(-total // 50)} 页" in first and 'rel="next"' in first and 'rel="prev"' not in first
        seen = [pk for _l, pk in rows]
        for n in range(1, -(-total // 50)):
            seen += [pk for _l, pk in _rows(c.get(f"/inbox/?page={n}").get_data(as_text=True))]
        assert len(seen) == len(set(seen)) == total and set(ours) <= set(seen)
        ours_in_order = [pk for pk in seen if pk in set(ours[5:])]
        assert ours_in_order == ours[5:]                # in time: by deadline, the nearest first
        assert _rows(c.get("/inbox/?page=99").get_data(as_text=True))   # past the end: the last page
        assert not set(ours) & {pk for _l, pk in _rows(logged_in("center_manager1").get("/inbox/").get_data(
            as_text=True))}                              # a supervisor step is not the manager's
    finally:
        _remove(app)


def test_other_centres_requests_stay_out_of_the_inbox(app, logged_in):
    theirs = _waiting(app, n_late=1, n_in_time=2, center="SC02")
    try:
        page = logged_in("supervisor1").get("/inbox/").get_data(as_text=True)
        assert not set(theirs) & {pk for _l, pk in _rows(page)}
    finally:
        _remove(app)
