"""欠费 Arrears: who owes what and for how long, what to send this month,
the owners'-committee list and the aging report (DESIGN.md "Fees").

A household is in arrears when it has an unpaid, non-deleted bill past its
due date, or an unpaid late fee. Its months overdue count from the oldest
such bill's due date (app.workflows.arrears.months_overdue); principal and
late fees are summed separately. Everything reads through the caller's
centre scope (records.visible), so a centre's cashier never sees another
centre's households on any page or export.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from app import timeutil
from app.errors import NotFound
from app.extensions import db
from app.models.billing import Bill, ChargeItem
from app.models.collections import ArrearsContact
from app.models.estate import Household, ServiceCenter, Unit
from app.services import records
from app.services.fee_policy import policies
from app.services.late_fees import LATE_FEE_KIND
from app.workflows import arrears as rules

ZERO = Decimal("0.00")


@dataclass
class HouseholdArrears:
    household: Household
    oldest_due: date
    months: int
    bucket: str
    principal: Decimal = ZERO
    late_fees: Decimal = ZERO
    bills: int = 0
    is_large: bool = False
    due: tuple = ()
    pending: tuple = ()
    done: list = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return self.principal + self.late_fees

    @property
    def center_id(self) -> int:
        return self.household.center_id

    @property
    def building(self) -> str:
        unit = self.household.unit
        return unit.building.name if unit is not None and unit.building is not None else ""


def _bill_rows(as_of: date, center_ids=None, household_ids=None):
    """(household_id, amount, due_date, kind) of every visible arrears bill."""
    stmt = (select(Bill.household_id, Bill.amount, Bill.due_date, ChargeItem.kind)
            .join(ChargeItem, ChargeItem.id == Bill.charge_item_id)
            .where(*records.visible(Bill), Bill.status == "unpaid",
                   or_(Bill.due_date < as_of, ChargeItem.kind == LATE_FEE_KIND)))
    if center_ids is not None:
        stmt = stmt.where(Bill.center_id.in_(list(center_ids)))
    if household_ids is not None:
        stmt = stmt.where(Bill.household_id.in_(list(household_ids)))
    return db.session.execute(stmt).all()


def household_arrears(as_of: date | None = None, center_ids=None, household_ids=None) -> list[HouseholdArrears]:
    """Every visible household in arrears as of `as_of` (default today), oldest first."""
    as_of = as_of or timeutil.today()
    sums: dict[int, dict] = defaultdict(lambda: {"principal": ZERO, "late": ZERO, "oldest": None, "n": 0})
    for household_id, amount, due, kind in _bill_rows(as_of, center_ids, household_ids):
        s = sums[household_id]
        s["late" if kind == LATE_FEE_KIND else "principal"] += amount
        s["oldest"] = due if s["oldest"] is None else min(s["oldest"], due)
        s["n"] += 1
    if not sums:
        return []
    households = {h.id: h for h in db.session.scalars(
        select(Household).where(Household.id.in_(list(sums)), Household.deleted_on.is_(None))).unique()}
    limits = _large_limits({h.center_id for h in households.values()})
    result = []
    for household_id, s in sums.items():
        h = households.get(household_id)
        if h is None or s["principal"] + s["late"] <= 0:
            continue
        months = rules.months_overdue(s["oldest"], as_of)
        area = h.unit.area if h.unit is not None else ZERO
        large = rules.is_large_customer(area, *limits[h.center_id])
        result.append(HouseholdArrears(h, s["oldest"], months, rules.bucket(months), s["principal"], s["late"],
                                       s["n"], large, rules.actions_due(months, large)))
    result.sort(key=lambda a: (a.oldest_due, -a.total, a.household.id))
    return result


def _large_limits(center_ids) -> dict[int, tuple[Decimal, Decimal]]:
    """centre → (managed area, permille): the managed area, or the sum of the
    centre's unit areas when the centre has none recorded."""
    ids = list(center_ids)
    managed = dict(db.session.execute(select(ServiceCenter.id, ServiceCenter.managed_area)
                                      .where(ServiceCenter.id.in_(ids))).all())
    summed = dict(db.session.execute(select(Unit.center_id, func.sum(Unit.area)).where(
        Unit.center_id.in_(ids), Unit.deleted_on.is_(None)).group_by(Unit.center_id)).all())
    pol = policies(ids)
    return {cid: (Decimal(managed.get(cid) or summed.get(cid) or 0), pol[cid].large_customer_permille)
            for cid in ids}


def due_this_month(as_of: date | None = None, center_ids=None) -> list[HouseholdArrears]:
    """本月催缴: households with an escalation action still to record in their
    current arrears month (rules.outstanding: monthly contacts count within the
    month, a lawyer's letter within its stage, a lawsuit once ever)."""
    as_of = as_of or timeutil.today()
    rows = household_arrears(as_of, center_ids)
    if not rows:
        return []
    contacts = db.session.execute(
        select(ArrearsContact.household_id, ArrearsContact.method, ArrearsContact.contacted_at).where(
            *records.visible(ArrearsContact), ArrearsContact.household_id.in_([r.household.id for r in rows]))
    ).all()
    by_household = defaultdict(list)
    for household_id, method, at in contacts:
        by_household[household_id].append((method, at))
    out = []
    for r in rows:
        # (method, arrears month it was recorded in); contacts before these arrears began do not count
        seen = [(m, rules.months_overdue(r.oldest_due, at.date()))
                for m, at in by_household.get(r.household.id, []) if r.oldest_due <= at.date() <= as_of]
        r.done = sorted({m for m, month in seen if month == r.months})
        r.pending = rules.outstanding(r.months, r.is_large, seen)
        if r.pending:
            out.append(r)
    return out


def committee_list(as_of: date | None = None, center_ids=None) -> list[HouseholdArrears]:
    """业主委员会报告: arrears of at least the centre's committee months, or above its amount."""
    rows = household_arrears(as_of, center_ids)
    pol = policies({r.center_id for r in rows})
    return [r for r in rows if rules.for_committee(r.months, r.total, pol[r.center_id].committee_months,
                                                   pol[r.center_id].committee_amount)]


def aging_report(as_of: date | None = None, center_ids=None) -> list[dict]:
    """Per centre and building: households, principal and late fees per bucket
    (each household counted once, in the bucket of its oldest arrears)."""
    groups: dict[tuple, dict] = {}
    for r in household_arrears(as_of, center_ids):
        key = (r.household.center.name if r.household.center else "", r.building)
        g = groups.setdefault(key, {"center": key[0], "building": key[1],
                                    "buckets": {b: {"count": 0, "principal": ZERO, "late_fees": ZERO}
                                                for b in rules.BUCKET_KEYS}})
        cell = g["buckets"][r.bucket]
        cell["count"] += 1
        cell["principal"] += r.principal
        cell["late_fees"] += r.late_fees
    for g in groups.values():
        g["count"] = sum(c["count"] for c in g["buckets"].values())
        g["principal"] = sum((c["principal"] for c in g["buckets"].values()), ZERO)
        g["late_fees"] = sum((c["late_fees"] for c in g["buckets"].values()), ZERO)
    return [groups[k] for k in sorted(groups)]


def notice(household_id, as_of: date | None = None) -> dict:
    """催缴通知书 data: the household (visible to the caller), each unpaid bill and
    late fee, totals, the centre's name and phone, the date."""
    as_of = as_of or timeutil.today()
    household = records.scoped_get(Household, household_id)
    if household is None:
        raise NotFound(_("业户不存在或不在您的服务中心范围内"))
    bills = db.session.scalars(
        select(Bill).join(ChargeItem, ChargeItem.id == Bill.charge_item_id).where(
            *records.visible(Bill), Bill.household_id == household.id, Bill.status == "unpaid")).unique().all()
    principal = sum((b.amount for b in bills if b.charge_item.kind != LATE_FEE_KIND), ZERO)
    late = sum((b.amount for b in bills if b.charge_item.kind == LATE_FEE_KIND), ZERO)
    lines = sorted(({"bill": b, "late": b.charge_item.kind == LATE_FEE_KIND,
                     "days": rules.days_overdue(b.due_date, as_of)} for b in bills),
                   key=lambda line: (line["bill"].period, line["late"], line["bill"].due_date, line["bill"].id))
    return {"household": household, "center": household.center, "lines": lines, "principal": principal,
            "late_fees": late, "total": principal + late, "as_of": as_of}
