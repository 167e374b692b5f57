"""Column labels, formatters and form fields of the 人事 register, shared by
its screens (app/views/personnel.py) and REST resources (personnel_api.py) so
both show the same names and store the same codes.
"""

from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectField
from wtforms.validators import DataRequired, Optional

from app.extensions import db
from app.models.personnel import (
    APPLICANT_DECISIONS,
    DISMISSAL_REASONS,
    GENDERS,
    LEVELS,
    Employee,
    HandoverChecklist,
    Requisition,
    Resignation,
)
from app.services.records import scoped_select
from app.views.base import masked_unless_privileged
from app.views.fields import SearchSelectField
from app.workflows.chains import STATUS_LABELS

LABELS = {
    "id": _l("编号"), "name": _l("名称"), "note": _l("备注"), "notes": _l("备注"),
    "center": _l("服务中心"), "center_id": _l("服务中心"),
    "department": _l("部门"), "department_id": _l("部门"),
    "position": _l("岗位"), "position_id": _l("岗位"), "level": _l("级别"),
    "employee": _l("员工"), "employee_id": _l("员工"), "employee_no": _l("工号"),
    "gender": _l("性别"), "id_number": _l("身份证号"), "phone": _l("电话"),
    "salary_grade": _l("工资等级"), "hire_date": _l("入职日期"), "probation_months": _l("试用期(月)"),
    "regular_date": _l("转正日期"), "status": _l("状态"), "last_change_date": _l("上次调整日期"),
    "left_date": _l("离职日期"), "user": _l("登录账号"),
    "employee.department": _l("部门"), "employee.position": _l("岗位"),
    "employee.level": _l("级别"), "employee.hire_date": _l("入职日期"),
    "headcount": _l("需求人数"), "required_by": _l("需到岗日期"), "reason": _l("原因"),
    "applied_on": _l("申请日期"), "interview_notes": _l("面试记录"), "decision": _l("录用结果"),
    "requisition": _l("人员需求"),
    "notice_issued": _l("上岗通知"), "badge_issued": _l("工牌"), "attendance_card_issued": _l("考勤卡"),
    "items_issued": _l("物品领用"), "training_due": _l("培训截止日期"), "training_done_on": _l("培训完成日期"),
    "kind": _l("类型"), "old_position": _l("原岗位"), "new_position": _l("新岗位"),
    "new_position_id": _l("新岗位"), "old_level": _l("原级别"), "new_level": _l("新级别"),
    "old_salary_grade": _l("原工资等级"), "new_salary_grade": _l("新工资等级"),
    "effective_date": _l("生效日期"), "special_approval": _l("总经理特批"),
    "notice_date": _l("提出日期"), "last_day": _l("最后工作日"), "dismissal_reason": _l("辞退原因"),
    "notice_override": _l("提前期特批"), "completed_on": _l("离职办结日期"),
    "resignation": _l("离职申请"), "resignation_id": _l("离职申请"),
    "work_handover": _l("工作交接"), "public_funds": _l("公款"), "office_supplies": _l("办公用品"),
    "badge_cards": _l("工作证/工牌/出入卡"), "uniform": _l("工作服"), "dorm_checkout": _l("宿舍退房"),
    "work_days": _l("出勤天数"), "base_pay": _l("基本工资"), "overtime_pay": _l("加班工资"),
    "deductions": _l("扣款"), "total": _l("实发合计"),
    "start_date": _l("开始日期"), "end_date": _l("结束日期"), "days": _l("天数"),
    "amount": _l("金额"), "issued_on": _l("通知日期"), "approval_id": _l("审批编号"),
    "created_on": _l("创建时间"), "changed_on": _l("修改时间"),
}
CHECK_ITEMS = list(HandoverChecklist.ITEMS)


def enum_label(mapping):
    return lambda value: "" if value is None else str(mapping.get(value, value))


def yes_no(value):
    return _("是") if value else _("否")


def select_field(label, mapping, optional=False):
    """A Select2 of an enum's codes, showing their labels; optional ones store NULL."""
    choices = [("", "—"), *mapping.items()] if optional else list(mapping.items())
    return SelectField(
        label, choices=choices, widget=Select2Widget(),
        coerce=(lambda v: v or None) if optional else str,
        validators=[Optional()] if optional else [DataRequired()],
    )


def query_select(label, query_func, get_label=str, **kwargs):
    """A Select2 of a short list of rows (the query is the caller's, already scoped)."""
    return QuerySelectField(label, query_func=query_func, get_pk_func=lambda row: row.id, get_label=get_label,
                            widget=Select2Widget(), **kwargs)


def employee_picker():
    return SearchSelectField(_l("员工"), model=Employee, endpoint="EmployeeView.lookup", required=True)


def resignation_picker(states, record):
    """Resignations of the user's centres in `states`, leaving not complete, without a
    `record` (checklist / settlement) yet: a short list; the service re-checks the choice."""

    def open_resignations():
        taken = select(record.resignation_id).where(record.deleted_on.is_(None))
        stmt = scoped_select(Resignation).where(
            Resignation.status.in_(states), Resignation.completed_on.is_(None), Resignation.id.not_in(taken))
        return db.session.scalars(stmt.order_by(Resignation.last_day)).unique().all()

    return query_select(_l("离职申请"), open_resignations, get_label=lambda r: r.approval_title(),
                        validators=[DataRequired()])


def approved_requisitions():
    return db.session.scalars(scoped_select(Requisition).where(Requisition.status == "approved")).unique().all()


def blank(value):
    return "" if value is None else value


#: Nullable columns show empty, not "None".
_NULLABLE = ("regular_date", "last_change_date", "left_date", "salary_grade", "user", "note", "notes",
             "required_by", "requisition", "interview_notes", "items_issued", "training_due", "training_done_on",
             "old_position", "new_position", "old_salary_grade", "new_salary_grade", "effective_date",
             "completed_on", "work_days", "amount", "phone", "department", "position", "reason",
             "employee.department", "employee.position", "created_on", "changed_on")

FORMATTERS = {
    **dict.fromkeys(_NULLABLE, blank),
    "gender": enum_label(GENDERS), "level": enum_label(LEVELS), "old_level": enum_label(LEVELS),
    "new_level": enum_label(LEVELS), "employee.level": enum_label(LEVELS), "status": enum_label(STATUS_LABELS),
    "dismissal_reason": enum_label(DISMISSAL_REASONS),
    "decision": enum_label(APPLICANT_DECISIONS), "id_number": lambda v: blank(masked_unless_privileged(v)),
    **{c: yes_no for c in (*CHECK_ITEMS, "notice_issued", "badge_issued", "attendance_card_issued",
                            "special_approval", "notice_override")},
}
