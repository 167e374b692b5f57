"""Indexes for the filters and sorts the list screens offer (perf, issue 8).

Each list orders by its base order (or a column the user picks) under the
centre scope, the soft-delete filter and at most one search filter, so the
useful index is (filter column, order column): the database walks it in
order and stops after one page instead of sorting every matching row. Kept
here, next to each other, rather than spread over the register models.

On soft-deleted registers the indexes are partial (WHERE deleted_on IS NULL,
the condition every scoped query carries), so a list's capped count is read
from the index alone. The id closes the order-serving indexes: FAB adds the primary key
to every ORDER BY, and PostgreSQL keeps equal keys in heap order, not id order, so without
it a page of one period's bills sorted 100k rows.
"""

from sqlalchemy import Index, func, text

from app.models.approvals import Approval
from app.models.billing import Bill, Payment
from app.models.estate import Building, Household, Unit
from app.models.sort_keys import (
    APPROVAL_NO_DEADLINE,
    APPROVAL_PENDING_FIRST,
    WORK_ORDER_NO_DEADLINE,
    WORK_ORDER_URGENCY,
)
from app.models.work_orders import WorkOrder, WorkOrderEvent

_ACTIVE = text("deleted_on IS NULL")
#: Expression indexes are created by their migration and left out of `db check` (migrations/env.py).
_EXPRESSION = {"expression": True}


def _active(name, *cols):
    return Index(name, *cols, sqlite_where=_ACTIVE, postgresql_where=_ACTIVE)


PERF_INDEXES = [
    # 工单: base order received_at desc; filters kind/status/source/severity/phone; centre scope; the desk
    _active("ix_work_order_received_active", WorkOrder.received_at, WorkOrder.id),
    _active("ix_work_order_center_received", WorkOrder.center_id, WorkOrder.received_at),
    _active("ix_work_order_kind_received", WorkOrder.kind, WorkOrder.received_at),
    _active("ix_work_order_status_received", WorkOrder.status, WorkOrder.received_at),
    _active("ix_work_order_source_received", WorkOrder.source, WorkOrder.received_at),
    _active("ix_work_order_severity_received", WorkOrder.severity, WorkOrder.received_at),
    _active("ix_work_order_status_complete_due", WorkOrder.status, WorkOrder.complete_due),
    _active("ix_work_order_center_status_due", WorkOrder.center_id, WorkOrder.status, WorkOrder.complete_due),
    _active("ix_work_order_contact_phone", WorkOrder.contact_phone),
    # 工单 list's default order (issue 7): urgency, then the completion deadline (app/models/sort_keys.py)
    Index("ix_work_order_urgency", WORK_ORDER_URGENCY, WORK_ORDER_NO_DEADLINE, WorkOrder.complete_due, WorkOrder.id,
          sqlite_where=_ACTIVE, postgresql_where=_ACTIVE, info=_EXPRESSION),
    # 账单: base order period desc; filters centre/status; sort by amount
    _active("ix_bill_period_active", Bill.period, Bill.id),
    _active("ix_bill_center_period", Bill.center_id, Bill.period, Bill.id),
    _active("ix_bill_status_period", Bill.status, Bill.period, Bill.id),
    _active("ix_bill_amount", Bill.amount, Bill.id),
    # 收款: base order paid_at desc; filters centre/method/status; sorts receipt_no, amount
    Index("ix_payment_center_paid_at", Payment.center_id, Payment.paid_at, Payment.id),
    Index("ix_payment_method_paid_at", Payment.method, Payment.paid_at, Payment.id),
    Index("ix_payment_status_paid_at", Payment.status, Payment.paid_at),
    Index("ix_payment_receipt_no", Payment.receipt_no, Payment.id),
    Index("ix_payment_amount", Payment.amount),
    # 业户: filter kind (base order id)
    _active("ix_household_kind", Household.kind),
    # 住户 / 房屋 default order (list_orders.households_by_room): building, room in natural order
    Index("ix_building_natural", func.length(Building.name), Building.name, Building.id, info=_EXPRESSION),
    Index("ix_unit_natural", Unit.building_id, func.length(Unit.room_no), Unit.room_no, Unit.id, info=_EXPRESSION),
    # 审批: base order submitted_at desc; filters status/request_type; centre scope; the inbox
    Index("ix_approval_submitted_at", Approval.submitted_at),
    Index("ix_approval_status_submitted", Approval.status, Approval.submitted_at),
    Index("ix_approval_type_submitted", Approval.request_type, Approval.submitted_at),
    Index("ix_approval_center_submitted", Approval.center_id, Approval.submitted_at),
    Index("ix_approval_inbox", Approval.status, Approval.required_role, Approval.due_at),
    # 审批记录's default order (issue 7): pending first, then by due date
    Index("ix_approval_pending_due", APPROVAL_PENDING_FIRST, APPROVAL_NO_DEADLINE, Approval.due_at, Approval.id,
          info=_EXPRESSION),
]

_UNPAID = text("status = 'unpaid' AND deleted_on IS NULL")

#: 经营看板 (issue 7, 8): each dashboard query reads one index, not the table. The KPIs
#: count by four dates, each index holding the columns its criteria read (centre first:
#: SQLite then prefers it to ix_work_order_center_status_due; deleted_on last: SQLite
#: 3.40 treats a partial index as covering only if it holds the columns of its WHERE
#: too); the callback events by action/time with their order and outcome; 收缴率 of two periods and the
#: arrears of every household (covering: period/centre/status/item/amount, and the
#: unpaid bills' household, due date, item and amount).
DASHBOARD_INDEXES = [
    _active("ix_work_order_kpi_due", WorkOrder.center_id, WorkOrder.complete_due, WorkOrder.kind,
            WorkOrder.severity, WorkOrder.completed_at, WorkOrder.deleted_on),
    _active("ix_work_order_kpi_completed", WorkOrder.center_id, WorkOrder.completed_at, WorkOrder.kind,
            WorkOrder.visited_at, WorkOrder.deleted_on),
    _active("ix_work_order_kpi_visited", WorkOrder.center_id, WorkOrder.visited_at, WorkOrder.satisfaction,
            WorkOrder.deleted_on),
    Index("ix_work_order_event_kpi", WorkOrderEvent.action, WorkOrderEvent.at, WorkOrderEvent.order_id,
          WorkOrderEvent.to_status),
    _active("ix_bill_period_center_cover", Bill.period, Bill.center_id, Bill.status, Bill.charge_item_id, Bill.amount),
    Index("ix_bill_unpaid_cover", Bill.center_id, Bill.household_id, Bill.due_date, Bill.charge_item_id,
          Bill.amount, Bill.status, Bill.deleted_on, sqlite_where=_UNPAID, postgresql_where=_UNPAID),
]
