"""收费政策 per centre: late-fee rate, large-customer share, owners'-committee thresholds.

`policy(center_id)` answers the centre's row or, without one, the defaults
(千分之三 per day, 1.5‰, 6 months, ¥5000.00). The hooks validate what the
centre manager or admin types, on the web form and the REST API alike.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from app.errors import Conflict, DomainError
from app.extensions import db
from app.models.collections import POLICY_DEFAULTS, CenterFeePolicy
from app.models.mixins import TWO_PLACES
from app.services import records
from app.services.billing import decimal_amount

MAX_DAILY_RATE = Decimal("0.01")  # 1 % a day is far above any contract; a typo guard


@dataclass(frozen=True)
class Policy:
    late_fee_rate: Decimal
    large_customer_permille: Decimal
    committee_months: int
    committee_amount: Decimal


DEFAULT_POLICY = Policy(**POLICY_DEFAULTS)


def _of(row: CenterFeePolicy | None) -> Policy:
    if row is None:
        return DEFAULT_POLICY
    return Policy(Decimal(row.late_fee_rate), Decimal(row.large_customer_permille), int(row.committee_months),
                  Decimal(row.committee_amount))


def policy(center_id: int) -> Policy:
    """The centre's policy (system read: callers have checked the centre's scope)."""
    return _of(db.session.scalars(select(CenterFeePolicy).where(CenterFeePolicy.center_id == center_id)).first())


def policies(center_ids) -> dict[int, Policy]:
    rows = {r.center_id: r for r in db.session.scalars(
        select(CenterFeePolicy).where(CenterFeePolicy.center_id.in_(list(center_ids))))}
    return {cid: _of(rows.get(cid)) for cid in center_ids}


# -- hooks (web form, REST API) ------------------------------------------------------

def before_save(item: CenterFeePolicy) -> None:
    with db.session.no_autoflush:
        records.resolve_center(item)
        _fill_defaults(item)
        rate = decimal_amount(item.late_fee_rate, _("请填写滞纳金日费率"))
        if not Decimal("0") <= rate <= MAX_DAILY_RATE:
            raise DomainError(_("滞纳金日费率应在0到0.01之间（千分之三即0.003）"))
        item.late_fee_rate = rate.quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP)
        permille = decimal_amount(item.large_customer_permille, _("请填写大客户面积比例"))
        if not Decimal("0") < permille <= Decimal("1000"):
            raise DomainError(_("大客户面积比例应大于0‰且不超过1000‰"))
        item.large_customer_permille = permille.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
        try:
            months = int(item.committee_months)
        except (TypeError, ValueError):
            raise DomainError(_("业委会报告欠费月数应为1到120之间的整数")) from None
        if not 1 <= months <= 120:
            raise DomainError(_("业委会报告欠费月数应为1到120之间的整数"))
        item.committee_months = months
        amount = decimal_amount(item.committee_amount, _("请填写业委会报告欠费金额"))
        if amount < 0:
            raise DomainError(_("金额不能为负数"))
        item.committee_amount = amount.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
        _one_per_center(item)


def _fill_defaults(item: CenterFeePolicy) -> None:
    for key, value in POLICY_DEFAULTS.items():
        if getattr(item, key) in (None, ""):
            setattr(item, key, value)


def _one_per_center(item: CenterFeePolicy) -> None:
    stmt = select(CenterFeePolicy.id).where(CenterFeePolicy.center_id == item.center_id)
    if item.id is not None:
        stmt = stmt.where(CenterFeePolicy.id != item.id)
    if db.session.scalars(stmt).first() is not None:
        raise Conflict(_("该服务中心已有收费政策，请修改原记录"))


def before_delete(item: CenterFeePolicy) -> None:
    raise Conflict(_("收费政策不能删除；如需恢复默认值，请修改为默认值"))
