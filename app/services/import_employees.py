"""员工导入: the staff roster of a new centre from its spreadsheet.

Each row is saved through app.services.personnel.before_save like the
花名册 form (工号 unique, ID check digit, phone, probation 1–6 months, the
转正日期 = 入职日期 + 试用期 + 1 天). The file may say an employee is already
正式 (staff who passed probation before the system): then the computed
转正日期 must not lie in the future. Empty 状态 means 正式 when that date has
passed, 试用 otherwise. Departments and positions must exist; 离职 staff are
not imported. No onboarding checklist is created (these staff are on board).
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import timeutil
from app.extensions import db
from app.models.estate import ServiceCenter
from app.models.personnel import GENDERS, LEVELS, Department, Employee, Position
from app.services import personnel, records
from app.services.importing import INVALID, Column, Importer, check_contact, chunks, save_each
from app.workflows import personnel_rules as rules

IMPORT_STATUS = {"probation": _l("试用"), "regular": _l("正式")}

COLUMNS = (
    Column("employee_no", _l("工号"), True, _l("员工工号，全公司唯一，最多20个字符；请按文本填写"), "E0001",
           max_len=20),
    Column("name", _l("姓名"), True, _l("员工姓名"), "李娜", max_len=50),
    Column("gender", _l("性别"), True, _l("男 或 女"), "女", kind="choice", choices=GENDERS),
    Column("id_number", _l("身份证号"), False, _l("可不填；填写时须为18位身份证号（校验位正确），请按文本填写"),
           "110105199001011232", max_len=18, width=22),
    Column("phone", _l("联系电话"), False, _l("11位手机号，或带区号的座机如 0755-12345678"), "13800138000",
           max_len=20),
    Column("center", _l("服务中心编号"), True, _l("员工所属服务中心的编号，如 SC01"), "SC01", max_len=20),
    Column("department", _l("部门"), False, _l("须与系统“部门”中的名称一致；不填时取岗位所属部门"), "客服部",
           max_len=50),
    Column("position", _l("岗位"), False, _l("须与系统“岗位”中的名称一致"), "客服助理", max_len=50),
    Column("level", _l("级别"), False, _l("经理 / 主管 / 员工 / 安全员·保洁；不填时取岗位的级别，无岗位为员工"),
           "员工", kind="choice", choices=LEVELS),
    Column("salary_grade", _l("工资等级"), False, _l("可不填，最多20个字符"), "", max_len=20),
    Column("hire_date", _l("入职日期"), True, _l("日期，如 2024-03-15"), "2024-03-15", kind="date"),
    Column("probation_months", _l("试用期(月)"), False,
           _l("1至6的整数，不填为3；转正日期 = 入职日期 + 试用期 + 1天"), "3", kind="int"),
    Column("status", _l("状态"), False, _l("试用 或 正式（不能导入离职人员）；不填时按转正日期是否已到自动判断"),
           "正式", kind="choice", choices=IMPORT_STATUS),
    Column("note", _l("备注"), False, _l("最多200字"), "", max_len=200, width=24),
)
H = {c.key: c.header for c in COLUMNS}


@dataclass
class Plan:
    rows: list = field(default_factory=list)  # (row number, values)

    def counts(self) -> dict:
        return {"employees": len(self.rows)}


def _names(model) -> dict:
    return {r.name: r for r in db.session.scalars(records.scoped_select(model))}


def validate(rows, report) -> Plan:
    centers = {c.code: c for c in db.session.scalars(records.scoped_select(ServiceCenter))}
    departments, positions = _names(Department), _names(Position)
    nos = {r.values["employee_no"] for r in rows if isinstance(r.values["employee_no"], str)}
    taken = set()
    for chunk in chunks(nos):
        taken |= set(db.session.scalars(select(Employee.employee_no).where(
            Employee.employee_no.in_(chunk), Employee.deleted_on.is_(None))))
    on_roll = dict(db.session.execute(select(Employee.id_number, Employee.employee_no).where(
        Employee.id_number.is_not(None), Employee.deleted_on.is_(None), Employee.status != "left")).all())
    plan, seen_no, seen_id = Plan(), {}, {}
    for row in rows:
        v, n = row.values, row.number
        _lookups(v, n, report, centers, departments, positions)
        _checks(v, n, report)
        no = v["employee_no"]
        if isinstance(no, str):
            first = seen_no.setdefault(no, n)
            if first != n:
                report.add(n, H["employee_no"], _("与第%(row)s行工号重复", row=first), no)
            elif no in taken:
                report.add(n, H["employee_no"], _("系统中已有此工号"), no)
        if isinstance(v["id_number"], str):
            first = seen_id.setdefault(v["id_number"], n)
            if first != n:
                report.add(n, H["id_number"], _("与第%(row)s行身份证号重复", row=first), v["id_number"])
            elif v["id_number"] in on_roll:
                report.add(n, H["id_number"], _("系统中已有该身份证号的在职员工（工号%(no)s）",
                                                no=on_roll[v["id_number"]]), v["id_number"])
        plan.rows.append((n, v))
    return plan


_UNKNOWN = {
    "center": _l("服务中心编号不存在或不在您的服务中心范围内"),
    "department": _l("系统中没有此部门，请先在“部门”中添加"),
    "position": _l("系统中没有此岗位，请先在“岗位”中添加"),
}


def _lookups(v, n, report, centers, departments, positions) -> None:
    """Names → rows; the department follows the position when left empty, the level too."""
    for key, table in (("center", centers), ("department", departments), ("position", positions)):
        if isinstance(v[key], str):
            row = table.get(v[key])
            if row is None:
                report.add(n, H[key], _UNKNOWN[key], v[key])
            v[key] = row if row is not None else INVALID
    position, department = v["position"], v["department"]
    if isinstance(position, Position):
        if department is None:
            v["department"] = position.department
        elif isinstance(department, Department) and position.department_id not in (None, department.id):
            report.add(n, H["position"], _("岗位“%(p)s”不属于部门“%(d)s”", p=position.name, d=department.name))
        if v["level"] is None:
            v["level"] = position.level


def _checks(v, n, report) -> None:
    check_contact(v, n, report, H)
    months = v["probation_months"]
    if months is None:
        v["probation_months"] = months = rules.PROBATION_DEFAULT
    elif months is not INVALID and rules.probation_problem(months):
        report.add(n, H["probation_months"], rules.probation_problem(months), months)
        return
    if v["hire_date"] in (None, INVALID) or months is INVALID:
        return
    regular_on = rules.regular_date(v["hire_date"], int(months))
    if v["status"] is None:
        v["status"] = "regular" if regular_on <= timeutil.today() else "probation"
    elif v["status"] == "regular" and regular_on > timeutil.today():
        report.add(n, H["status"], _("转正日期%(day)s还未到，不能为正式", day=regular_on.isoformat()), v["status"])


def write(plan: Plan, report) -> dict:
    """Each employee through the roster's save hook; those already 正式 keep that status."""
    items = []
    for n, v in plan.rows:
        emp = Employee(
            employee_no=v["employee_no"], name=v["name"], gender=v["gender"], id_number=v["id_number"],
            phone=v["phone"], center_id=v["center"].id, department=v["department"], position=v["position"],
            level=v["level"] or "staff", salary_grade=v["salary_grade"], hire_date=v["hire_date"],
            probation_months=v["probation_months"], note=v["note"])
        items.append((n, emp, v["status"]))
    save_each(((n, emp, H["employee_no"]) for n, emp, _status in items), personnel.before_save, report)
    for _n, emp, status in items:
        if status == "regular":
            emp.status = "regular"  # the date personnel.before_save computed stays the 转正日期
    if report.ok:
        db.session.flush()
    return plan.counts()


IMPORTER = Importer(
    name="employees", table="employee", sheet_title=_l("员工"), columns=COLUMNS, validate=validate, write=write,
    intro=_l("员工导入模板：在“员工”工作表中从第二行起每行填写一名员工。橙色列为必填。上传后系统先检查全部行并"
             "列出问题，检查无误后点击“确认导入”，全部行一次导入，任何一行有问题则都不导入。"),
)
