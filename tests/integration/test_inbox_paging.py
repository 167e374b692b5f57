"""Issue 8: 待我审批 shows 50 requests a page, the most urgent first (overdue
ones, then by deadline), says how many wait and how many are overdue, and
pages on to the rest; other centres' requests never appear."""

import re
from datetime import timedelta

from sqlalchemy import delete, select

from app import timeutil
from app.extensions import db
from app.models.approvals import Approval, ApprovalStep
from tests import factories

ROW = re.compile(r'<tr class="(danger|)">\s*<td>[^<]*</td>\s*<td><a href="/approvalview/show/(\d+)">')
SUMMARY = re.compile(r"共 (\d+) 项待审批，其中 (\d+) 项已逾期")


def _waiting(app, n_late: int, n_in_time: int, center="SC01") -> list[int]:
    """Pending supervisor steps submitted by hr1: n_late past their deadline, the rest in time."""
    with app.app_context():
        center_id = factories.center(center).id
        hr = app.appbuilder.sm.find_user(username="hr1").id
        now = timeutil.now()
        ids = []
        for n in range(n_late + n_in_time):
            due = now - timedelta(hours=n + 1) if n < n_late else now + timedelta(hours=n)
            a = Approval(request_type="perf_paging", request_id=900000 + n, chain_key="perf_paging",
                         title=f"分页审批测试 {n:03d}", status="pending", current_step=1,
                         required_role="supervisor", due_at=due, submitted_by_id=hr,
                         submitted_at=now - timedelta(days=1), center_id=center_id)
            a.steps.append(ApprovalStep(position=1, role="supervisor", scope="center", label="主管审批",
                                        due_hours=24, due_at=due))
            db.session.add(a)
            db.session.flush()
            ids.append(a.id)
        db.session.commit()
        return ids


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
        assert set(ours[:5]) <= {pk for _l, pk in rows}
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
