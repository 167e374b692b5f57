"""房屋及住户导入: units and their households from a new centre's spreadsheet.

One row is one household of one unit; rows of the same unit (owner and
tenant) share it, and a row without a household only creates the (vacant)
unit. Buildings and centres must exist already and be in the user's scope.
Rows for units already in the system add households to them (the area, when
given, must match). Duplicates — the same household of the same unit twice in
the file or already in the system — are refused. validate() applies, row by
row, what app.services.estate.before_save checks on the screens (centre scope,
parent building, area > 0, unique room per building, kind, phone and ID number
through app.validators); write() then inserts in batches through
app.services.bulk_write, which keeps the audit trail and the scope guard
(the ORM path took ~2 ms a row per hook query: a 2000-row file must import
well inside a web worker's timeout).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models.estate import HOUSEHOLD_KINDS, Building, Household, ServiceCenter, Unit
from app.services import records
from app.services.bulk_write import insert_audited
from app.services.importing import INVALID, Column, Importer, check_contact, chunks

COLUMNS = (
    Column("center", _l("服务中心编号"), True, _l("服务中心的编号，如 SC01；只能导入您所在的服务中心"), "SC01",
           max_len=20),
    Column("building", _l("楼栋"), True, _l("楼栋名称，须与系统“楼栋”中该服务中心的楼栋名称一致（请先添加楼栋）"),
           "1栋", max_len=50),
    Column("room_no", _l("房号"), True, _l("房号，同一楼栋内唯一，如 1201；请按文本填写以保留前导0"), "1201",
           max_len=30),
    Column("area", _l("建筑面积(㎡)"), False, _l("新房屋必填：大于0的数字，最多两位小数；系统中已有的房屋可不填"
                                                 "（填写时须与系统一致）"), "89.50", kind="decimal"),
    Column("name", _l("业户姓名"), False, _l("业主或租户姓名；空置房屋可不填业户信息，只建房屋"), "张伟",
           max_len=50),
    Column("kind", _l("业户类型"), False, _l("业主 或 租户，不填为业主"), "业主", kind="choice",
           choices=HOUSEHOLD_KINDS),
    Column("phone", _l("联系电话"), False, _l("填写业户时必填：11位手机号，或带区号的座机如 0755-12345678"),
           "13912345678", max_len=20),
    Column("id_number", _l("身份证号"), False, _l("可不填；填写时须为18位身份证号（校验位正确），请按文本填写"),
           "110105198001011238", max_len=18, width=22),
    Column("note", _l("备注"), False, _l("最多200字"), "", max_len=200, width=24),
)

_HOUSEHOLD_FIELDS = ("name", "kind", "phone", "id_number", "note")
H = {c.key: c.header for c in COLUMNS}


@dataclass
class Plan:
    new_units: dict = field(default_factory=dict)  # (building_id, room_no) → (row number, centre id, area)
    households: list = field(default_factory=list)  # (row number, values, unit key, centre id)
    existing_units: dict = field(default_factory=dict)

    def counts(self) -> dict:
        return {"units": len(self.new_units), "households": len(self.households)}


def _visible(model, *criteria):
    return db.session.scalars(records.scoped_select(model).where(*criteria)).all()


class _Lookups:
    """Centres, buildings, units and households the file refers to, read once (in scope only)."""

    def __init__(self, rows):
        codes = {r.values["center"] for r in rows if isinstance(r.values["center"], str)}
        self.centers = {c.code: c for c in _visible(ServiceCenter, ServiceCenter.code.in_(codes))} if codes else {}
        ids = [c.id for c in self.centers.values()]
        self.buildings = {(b.center_id, b.name): b for b in _visible(Building, Building.center_id.in_(ids))}
        building_ids = [b.id for b in self.buildings.values()]
        self.units, self.households = {}, set()
        for chunk in chunks(building_ids):
            for u in _visible(Unit, Unit.building_id.in_(chunk)):
                self.units[(u.building_id, u.room_no)] = u
        for chunk in chunks([u.id for u in self.units.values()]):
            stmt = select(Household.unit_id, Household.name).where(
                Household.unit_id.in_(chunk), Household.deleted_on.is_(None))
            self.households |= set(db.session.execute(stmt).all())


def validate(rows, report) -> Plan:
    look = _Lookups(rows)
    plan = Plan(existing_units=look.units)
    first_of_unit: dict = {}  # unit key → (row number, area)
    first_of_household: dict = {}
    for row in rows:
        v, n = row.values, row.number
        building = _building(look, v, n, report)
        _household_fields(v, n, report)
        if building is None or not isinstance(v["room_no"], str):
            continue
        key = (building.id, v["room_no"])
        _unit(look, plan, building, v, n, report, first_of_unit)
        if not _has_household(v):
            if key in first_of_unit and first_of_unit[key][0] != n:
                report.add(n, H["room_no"], _("与第%(row)s行是同一房屋，重复", row=first_of_unit[key][0]))
            continue
        if v["name"] in (None, INVALID):
            continue
        seen = first_of_household.setdefault((key, v["name"]), n)
        unit = look.units.get(key)
        if seen != n:
            report.add(n, H["name"], _("与第%(row)s行重复：同一房屋的同一业户", row=seen), v["name"])
        elif unit is not None and (unit.id, v["name"]) in look.households:
            report.add(n, H["name"], _("系统中该房屋已有此业户"), v["name"])
        plan.households.append((n, v, key, building.center_id))
    return plan


def _building(look, v, n, report):
    code = v["center"]
    if not isinstance(code, str):
        return None
    center = look.centers.get(code)
    if center is None:
        report.add(n, H["center"], _("服务中心编号不存在或不在您的服务中心范围内"), code)
        return None
    if not isinstance(v["building"], str):
        return None
    building = look.buildings.get((center.id, v["building"]))
    if building is None:
        report.add(n, H["building"], _("该服务中心没有此楼栋，请先在“楼栋”中添加"), v["building"])
    return building


def _unit(look, plan, building, v, n, report, first_of_unit) -> None:
    key, area = (building.id, v["room_no"]), v["area"]
    existing = look.units.get(key)
    if existing is not None:
        if not _has_household(v):
            report.add(n, H["room_no"], _("系统中已有此房屋"), v["room_no"])
        elif isinstance(area, Decimal) and area != existing.area:
            report.add(n, H["area"], _("与系统中该房屋的建筑面积%(area)s不一致", area=existing.area), area)
        return
    first = first_of_unit.get(key)
    if first is None:
        first_of_unit[key] = (n, area)
        if area is None:
            report.add(n, H["area"], _("新房屋必须填写建筑面积"))
        elif area is not INVALID:
            plan.new_units[key] = (n, building.center_id, area)
    elif area not in (None, INVALID) and first[1] not in (None, INVALID) and area != first[1]:
        report.add(n, H["area"], _("与第%(row)s行同一房屋的建筑面积不一致", row=first[0]), area)


def _has_household(v) -> bool:
    return any(v[k] is not None for k in _HOUSEHOLD_FIELDS)


def _household_fields(v, n, report) -> None:
    """The checks of the 业户 form: name and phone required once any household field is filled."""
    if not _has_household(v):
        return
    if v["name"] is None:
        report.add(n, H["name"], _("填写了业户信息时必须填写业户姓名"))
    if v["phone"] is None:
        report.add(n, H["phone"], _("填写业户时必须填写联系电话"))
    check_contact(v, n, report, H)


def write(plan: Plan, report) -> dict:
    """New units first (households need their ids), then the households, in batched INSERTs
    that fill the audit columns, check the centre scope and write one AuditLog row per row
    (app.services.bulk_write). The rules of estate.before_save were applied row by row in
    validate(); the unique index on units still refuses a unit another user added meanwhile."""
    new_units = [{"center_id": centre, "building_id": key[0], "room_no": key[1], "area": area}
                 for key, (_n, centre, area) in plan.new_units.items()]
    insert_audited(Unit, new_units)
    ids = {key: unit.id for key, unit in plan.existing_units.items()}
    for chunk in chunks({key[0] for key in plan.new_units}):
        ids.update({(b, r): i for i, b, r in db.session.execute(select(Unit.id, Unit.building_id, Unit.room_no).where(
            Unit.building_id.in_(chunk), Unit.deleted_on.is_(None)))})
    insert_audited(Household, [
        {"center_id": centre, "unit_id": ids[key], "name": v["name"], "kind": v["kind"] or "owner",
         "phone": v["phone"], "id_number": v["id_number"], "note": v["note"]}
        for _n, v, key, centre in plan.households])
    return plan.counts()


IMPORTER = Importer(
    name="households", table="household", sheet_title=_l("房屋及住户"), columns=COLUMNS, validate=validate,
    write=write,
    intro=_l("房屋及住户导入模板：在“房屋及住户”工作表中从第二行起每行填写一户（同一房屋的业主和租户各占一行，"
             "空置房屋只填前四列）。橙色列为必填。上传后系统先检查全部行并列出问题，检查无误后点击“确认导入”，"
             "全部行一次导入，任何一行有问题则都不导入。"),
)
