"""Technicians, parking spaces and leave approvals for the large dataset."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import text

from app.extensions import db
from seeds import bulk

TECHS_PER_CENTER = 2


def technicians(centers: dict[str, int]) -> dict[int, list[int]]:
    """Two technicians per centre (technician1/2 for SC01/SC02, new logins elsewhere)."""
    from app.models.estate import ServiceCenter

    sm = current_app.appbuilder.sm
    role = sm.find_role("technician")
    out: dict[int, list[int]] = {}
    for code, center_id in centers.items():
        names = [f"tech_{code.lower()}_{n}" for n in range(1, TECHS_PER_CENTER + 1)]
        if code == "SC01":
            names[0] = "technician1"
        if code == "SC02":
            names[0] = "technician2"
        ids = []
        for name in names:
            user = sm.find_user(username=name)
            if user is None:
                user = sm.add_user(username=name, first_name=name, last_name="维修", email=f"{name}@large.invalid",
                                   role=role, password=f"demo-technician-{code}")
                user.centers = [db.session.get(ServiceCenter, center_id)]
            ids.append(user.id)
        out[center_id] = ids
    db.session.commit()
    return out


SPACE_COLUMNS = ("id", "center_id", "code", "area", "kind", "status", "created_on")


def load_parking(conn, center_ids, count: int, now, tick) -> int:
    first = bulk.next_id(conn, "parking_space")
    per_center = count // len(center_ids)
    rows = ((first + i * per_center + n, center_id, f"L-P{n + 1:04d}", f"地下{n // 250 + 1}层", "leased",
             "available", now)
            for i, center_id in enumerate(center_ids) for n in range(per_center))
    return bulk.insert(conn, "parking_space", SPACE_COLUMNS, rows, tick)


LEAVE_COLUMNS = ("id", "center_id", "employee_id", "kind", "start_date", "end_date", "days", "reason", "status",
                 "approval_id", "created_on")
APPROVAL_COLUMNS = ("id", "center_id", "request_type", "request_id", "chain_key", "title", "status",
                    "current_step", "required_role", "due_at", "submitted_by_id", "submitted_at", "decided_at",
                    "version", "created_on")
STEP_COLUMNS = ("id", "approval_id", "position", "role", "scope", "label", "due_hours", "due_at", "decision",
                "decided_by_id", "decided_by_name", "decided_at", "override")
EVENT_COLUMNS = ("id", "approval_id", "at", "actor_id", "actor_name", "step", "action", "override")
_CHAINS = {"leave.short": ("supervisor", "客服主管审批"), "leave.long": ("center_manager", "服务中心经理审批")}


def load_approvals(conn, count: int, now, tick) -> int:
    """Leave requests by the bulk employees, submitted by hr1; 98 % approved, 2 % still pending."""
    staff = conn.execute(text("SELECT id, center_id, name FROM employee WHERE employee_no LIKE 'L%' ORDER BY id")).all()
    users = dict(conn.execute(text("SELECT username, id FROM ab_user")).all())
    hr, decider = users["hr1"], users["admin1"]
    first = {t: bulk.next_id(conn, t) for t in ("leave_request", "approval", "approval_step", "approval_event")}
    leaves, approvals, steps, events = [], [], [], []
    for n in range(count):
        employee_id, center_id, name = staff[(n * 13) % len(staff)]
        submitted = now - timedelta(days=730) + timedelta(minutes=(730 * 1440 * n) // count)
        days = 1 if n % 2 else 3
        chain = "leave.short" if days <= 1 else "leave.long"
        role, label = _CHAINS[chain]
        pending = n % 50 == 0
        lid, aid = first["leave_request"] + n, first["approval"] + n
        decided = None if pending else submitted + timedelta(hours=3)
        start = submitted.date() + timedelta(days=2)
        leaves.append((lid, center_id, employee_id, "personal", start, start + timedelta(days=days - 1), days,
                       "批量数据：事假", "pending" if pending else "approved", aid, submitted))
        approvals.append((aid, center_id, "leave", lid, chain, f"请假申请：{name} {days}天",
                          "pending" if pending else "approved", 1 if pending else None, role if pending else None,
                          submitted + timedelta(hours=24), hr, submitted, decided, 1, submitted))
        steps.append((first["approval_step"] + n, aid, 1, role, "center", label, 24, submitted + timedelta(hours=24),
                      None if pending else "approve", None if pending else decider,
                      None if pending else "admin1", decided, False))
        events.append((first["approval_event"] + len(events), aid, submitted, hr, "hr1", 1, "submit", False))
        if not pending:
            events.append((first["approval_event"] + len(events), aid, decided, decider, "admin1", 1, "approve",
                           False))
    bulk.insert(conn, "approval", APPROVAL_COLUMNS, approvals, tick)
    bulk.insert(conn, "leave_request", LEAVE_COLUMNS, leaves, tick)
    bulk.insert(conn, "approval_step", STEP_COLUMNS, steps, tick)
    bulk.insert(conn, "approval_event", EVENT_COLUMNS, events, tick)
    return count
