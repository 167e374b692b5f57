"""All models, imported so that metadata (and Alembic) sees every table."""

from app.models.access import user_center  # noqa: F401
from app.models.approvals import (  # noqa: F401
    Approval,
    ApprovalChain,
    ApprovalChainStep,
    ApprovalEvent,
    ApprovalStep,
)
from app.models.audit import AuditLog  # noqa: F401
from app.models.billing import Bill, ChargeItem, Payment, PaymentBill, ReceiptSequence  # noqa: F401
from app.models.estate import Building, Household, ServiceCenter, Unit  # noqa: F401
from app.models.parking import ParkingRental, ParkingSpace  # noqa: F401
from app.models.personnel import (  # noqa: F401
    Applicant,
    Appointment,
    Department,
    Employee,
    HandoverChecklist,
    Leave,
    Onboarding,
    Position,
    Requisition,
    Resignation,
    RewardPenalty,
    SalarySettlement,
)
from app.models.work_orders import (  # noqa: F401
    Holiday,
    SlaAlert,
    SlaPolicy,
    WorkCalendar,
    WorkOrder,
    WorkOrderEvent,
)

# -- perf (issue 8): list-screen indexes --
# isort: split
from app.models.perf_indexes import PERF_INDEXES  # noqa: F401
