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
from app.models.collections import ArrearsContact, CenterFeePolicy  # noqa: F401  (arrears)
from app.models.estate import Building, Household, ServiceCenter, Unit  # noqa: F401
from app.models.fees import ChargeRate, MeterReading  # noqa: F401  (fees: rates, meter readings)
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
from app.models.renovation import (  # noqa: F401
    Renovation,
    RenovationAcceptance,
    RenovationDeduction,
    RenovationInspection,
    RenovationPass,
    RenovationRectification,
    RenovationRefund,
)
from app.models.work_orders import (  # noqa: F401
    Holiday,
    SlaAlert,
    SlaPolicy,
    WorkCalendar,
    WorkOrder,
    WorkOrderEvent,
)

# -- shift handover (交接班) --
# isort: split
from app.models.handover import (  # noqa: F401
    Handover,
    HandoverCheck,
    HandoverItem,
    MajorIncident,
    Post,
    RotaEntry,
    Shift,
    ShiftSwap,
)

# isort: split
# reversal (红冲) and day close (日结)
from app.models.cash import DayClose, PaymentReversal  # noqa: F401

# -- perf (issue 8): list-screen indexes --
# isort: split
from app.models.perf_indexes import PERF_INDEXES  # noqa: F401

# -- notifications (issue 7): 待办与通知 --
# isort: split
from app.models.notifications import Notification  # noqa: F401
