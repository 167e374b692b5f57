"""装修申报 use cases (DESIGN.md "Renovation", approval chain 装修申报).

- the front desk records the application (its submission IS 前台受理) and
  submits it: the decision is due 3 days later (`decision_due_at`);
- 工程审核 (technician) then 服务中心经理批准 decide it through the approval
  engine; on approval the deposit becomes a Bill of the fees register
  (charge item "ZXYJ" 装修押金, source_key "reno:<id>", due today) that the
  cashier collects like any other bill (no bill when the deposit is 0);
- works start (施工中) only once approved, the 装修协议 signed and the
  deposit bill paid.

Each action is one transaction; a refusal raises DomainError and rolls back,
so nothing is written. Passes, inspections, acceptance and the refund are in
app.services.renovation_sites; importing this module imports it, so every
route gets both modules' rules and approval hooks.
"""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from app import timeutil
from app.errors import Conflict, DomainError, NotFound, ScopeError
from app.extensions import db
from app.models.billing import Bill, ChargeItem
from app.models.renovation import (
    Renovation,
    RenovationAcceptance,
    RenovationInspection,
    RenovationPass,
    RenovationRectification,
    RenovationRefund,
)
from app.security import in_scope
from app.services import approvals, records
from app.services.personnel_checks import clean_phone, keep, required_text
from app.workflows import renovation as rules

DEPOSIT_ITEM_CODE = "ZXYJ"
EDITABLE = ("draft", "returned")
#: system-managed columns: a new row gets the default, an edit keeps the stored value
_SYSTEM = {"status": "draft", "approval_id": None, "decision_due_at": None, "site_status": None,
           "deposit_bill_id": None, "work_started_on": None, "accepted_on": None}

approvals.register_request(Renovation)
approvals.register_request(RenovationRefund)


# -- hooks (web form, REST API) -------------------------------------------------

def before_save(item) -> None:
    from app.services import renovation_sites as sites

    with db.session.no_autoflush:
        if isinstance(item, Renovation):
            _application(item)
        else:
            sites.before_save(item)


def before_delete(item) -> None:
    if isinstance(item, Renovation) and item.status not in (*EDITABLE, "rejected", "withdrawn"):
        raise Conflict(_("审批中或已批准的装修申报不能删除"))
    if isinstance(item, RenovationPass):
        raise Conflict(_("出入证不能删除，请使用“注销”"))
    if isinstance(item, RenovationInspection | RenovationRectification | RenovationAcceptance | RenovationRefund):
        raise Conflict(_("巡查、整改、验收和退款记录不能删除"))
    records.soft_delete(item)


def _application(item: Renovation) -> None:
    keep(item, _SYSTEM)
    if item.status not in EDITABLE:
        raise Conflict(_("只有草稿或退回修改的装修申报可以修改"))
    records.resolve_center(item)  # the household's centre, which must be the user's
    item.unit_id = item.household.unit_id
    item.contractor = required_text(item.contractor, _("请填写施工单位"))
    item.contractor_person = required_text(item.contractor_person, _("请填写施工负责人"))
    item.contractor_phone = clean_phone(item.contractor_phone, required=True)
    item.scope_text = required_text(item.scope_text, _("请填写施工范围"))
    if item.worker_count is None or int(item.worker_count) < 1:
        raise DomainError(_("施工人数至少为1人"))
    if item.start_date is None or item.planned_end_date is None:
        raise DomainError(_("请填写开工日期和计划完工日期"))
    if item.planned_end_date < item.start_date:
        raise DomainError(_("计划完工日期不能早于开工日期"))
    item.deposit = _deposit(item.deposit)
    for flag in ("scope_plumbing", "scope_walls", "scope_waterproofing", "scope_doors_windows",
                 "scope_air_conditioning", "agreement_signed"):
        setattr(item, flag, bool(getattr(item, flag)))
    if item.agreement_signed and item.agreement_date is None:
        item.agreement_date = timeutil.today()
    if not item.agreement_signed:
        item.agreement_date = None


def _deposit(value):
    if value is None or value == "":
        return rules.money(0)
    try:
        amount = rules.money(str(value) if isinstance(value, float) else value)
    except (ArithmeticError, ValueError, TypeError):
        raise DomainError(_("金额格式无效，应为如 123.45 的数字")) from None
    if amount < 0:
        raise DomainError(_("装修押金不能为负数"))
    return amount


def check_scope(obj) -> None:
    """Actions fetch rows without the views' filters: the service checks the centre again."""
    if obj is None:
        raise NotFound(_("记录不存在或不在您的服务中心范围内"))
    if not in_scope(obj.center_id):
        raise ScopeError(_("该记录不属于您所在的服务中心"))


def transaction(fn):
    """One commit per user action; a refusal rolls back whatever was set."""
    def run(*args, **kwargs):
        try:
            result = fn(*args, **kwargs)
            db.session.commit()
            return result
        except DomainError:
            db.session.rollback()
            raise
    run.__name__, run.__doc__ = fn.__name__, fn.__doc__
    return run


# -- submit (前台受理) and the approval effect -------------------------------------

def submit(reno: Renovation, *, actor, comment: str = ""):
    """提交审批: starts the chain; the application is to be decided within 3 days."""
    try:
        check_scope(reno)
        reno.decision_due_at = rules.decision_deadline(timeutil.now())
        return approvals.submit(reno, actor=actor, comment=comment)
    except DomainError:
        db.session.rollback()
        raise


@approvals.on_approved("renovation")
def _approved(reno: Renovation, approval, actor) -> None:
    """Approved: the site waits for the agreement and the start; the deposit is billed."""
    reno.site_status = "waiting"
    if reno.deposit and reno.deposit > 0 and reno.deposit_bill_id is None:
        reno.deposit_bill = deposit_bill(reno)


def deposit_item(center_id: int) -> ChargeItem:
    """The centre's 装修押金 charge item (code ZXYJ), created on first use.
    Its kind keeps it out of the monthly per-household generation."""
    item = db.session.scalars(select(ChargeItem).where(
        ChargeItem.center_id == center_id, ChargeItem.code == DEPOSIT_ITEM_CODE,
        ChargeItem.deleted_on.is_(None))).first()
    if item is None:
        item = ChargeItem(center_id=center_id, code=DEPOSIT_ITEM_CODE, name="装修押金", kind="renovation_deposit",
                          basis="fixed", rate=0, active=True, due_day=15, note="装修申报批准时按申报押金生成账单")
        db.session.add(item)
        db.session.flush()
    return item


def deposit_bill(reno: Renovation, today: date | None = None) -> Bill:
    """The deposit as an unpaid bill of the household, due today, period = this month."""
    today = today or timeutil.today()
    bill = Bill(center_id=reno.center_id, household_id=reno.household_id, unit_id=reno.unit_id,
                charge_item_id=deposit_item(reno.center_id).id, period=f"{today:%Y-%m}",
                amount=reno.deposit, due_date=today, status="unpaid", source_key=f"reno:{reno.id}",
                note=f"装修押金（装修申报 #{reno.id}）")
    db.session.add(bill)
    db.session.flush()
    return bill


def deposit_paid(reno: Renovation) -> bool:
    """No deposit asked, or its bill is paid (checked on the bill, not remembered here)."""
    if not reno.deposit or reno.deposit <= 0:
        return True
    bill = db.session.get(Bill, reno.deposit_bill_id) if reno.deposit_bill_id else None
    return bill is not None and bill.status == "paid"


# -- the works ------------------------------------------------------------------------

@transaction
def sign_agreement(reno: Renovation, signed_on: date | None = None) -> None:
    """装修协议 signed (default today)."""
    check_scope(reno)
    if reno.status in ("rejected", "withdrawn") or reno.site_status in ("accepted", "refunded"):
        raise Conflict(_("该装修申报已结束，不能再签订装修协议"))
    reno.agreement_signed, reno.agreement_date = True, signed_on or timeutil.today()


@transaction
def start_work(reno: Renovation) -> None:
    """开工 (施工中): only after approval, the signed agreement and the paid deposit bill."""
    check_scope(reno)
    if reno.status != "approved":
        raise Conflict(_("装修申报尚未批准，不能开工"))
    if reno.site_status != "waiting":
        raise Conflict(_("该装修已开工或已结束"))
    if not reno.agreement_signed:
        raise Conflict(_("尚未签订装修协议，不能开工"))
    if not deposit_paid(reno):
        raise Conflict(_("装修押金账单尚未缴费，不能开工"))
    reno.site_status, reno.work_started_on = "in_progress", timeutil.today()


def find(model, pk):
    """A visible row by id (other centres' rows do not exist for you)."""
    row = records.scoped_get(model, pk)
    if row is None:
        raise NotFound(_("记录不存在或不在您的服务中心范围内"))
    return row


from app.services import renovation_sites  # noqa: E402, F401 - its rules and approval hooks
