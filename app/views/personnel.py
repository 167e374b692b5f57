"""人事 screens: roster, HR records and the requests that go through an
approval chain (their REST resources are in app/views/personnel_api.py).

Views only declare: columns, labels, pickers, and buttons that call one
service function (app/services/personnel.py, hiring.py, approvals.py) and
show its message. Approvable requests get a 提交审批 button and their chain
on the detail page; the resignation and appointment pages print as the paper
forms (员工离职申请表 / 职务任免及工资审批表, app/static/css/print.css).
"""

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.fieldwidgets import DatePickerWidget, Select2Widget
from flask_appbuilder.forms import DynamicForm
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from app import timeutil
from app.errors import DomainError
from app.extensions import db
from app.models.personnel import (
    APPLICANT_DECISIONS,
    APPOINTMENT_KINDS,
    DISMISSAL_REASONS,
    EMPLOYEE_STATUS,
    GENDERS,
    LEAVE_KINDS,
    LEVELS,
    RESIGNATION_KINDS,
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
from app.security import METHOD_PERMISSIONS, READ, ROLES, WRITE
from app.services import approvals, hiring, personnel
from app.services.records import scoped_select
from app.validators import check_id_number, check_phone
from app.views.approvals import _can_decide
from app.views.base import ScopedModelView, interface
from app.views.fields import wtf_check
from app.views.personnel_columns import (
    CHECK_ITEMS,
    FORMATTERS,
    LABELS,
    approved_requisitions,
    employee_picker,
    enum_label,
    query_select,
    resignation_picker,
    select_field,
)
from app.workflows.chains import EVENT_LABELS, STATUS_LABELS


class PersonnelView(ScopedModelView):
    service = personnel
    label_columns = LABELS
    formatters_columns = FORMATTERS

    def _render_show(self, pk, context):
        """FAB's detail page plus the row and `context(row)` for our templates."""
        pk = self._deserialize_pk_if_composite(pk)
        widgets = self._show(pk)  # 404 outside the user's scope
        item = self.datamodel.get(pk)
        return self.render_template(self.show_template, pk=pk, title=self.show_title, widgets=widgets,
                                    related_views=self._related_views, item=item, **context(item))

    def _may(self, verb, resource=None):
        return self.appbuilder.sm.has_access(f"can_{verb}", resource or self.class_permission_name)


class DepartmentView(PersonnelView):
    datamodel = interface(Department)
    class_permission_name = "Department"
    list_title = show_title = add_title = edit_title = _l("部门")
    list_columns = add_columns = edit_columns = ["name", "note"]
    show_columns = ["name", "note", "created_on", "changed_on"]
    search_columns = order_columns = ["name"]
    base_order = ("name", "asc")
    lookup_columns = ["name"]


class PositionView(PersonnelView):
    datamodel = interface(Position)
    class_permission_name = "Position"
    list_title = show_title = add_title = edit_title = _l("岗位")
    list_columns = add_columns = edit_columns = ["name", "level", "department"]
    show_columns = [*list_columns, "created_on", "changed_on"]
    search_columns = ["name", "level", "department"]
    order_columns = ["name", "level"]
    base_order = ("name", "asc")
    lookup_columns = ["name"]
    add_form_extra_fields = edit_form_extra_fields = {"level": select_field(_l("级别"), LEVELS)}
    search_form_extra_fields = add_form_extra_fields


class EmployeeView(PersonnelView):
    datamodel = interface(Employee)
    class_permission_name = "Employee"
    method_permission_name = {**METHOD_PERMISSIONS, "probation_due": READ}
    list_title = show_title = add_title = edit_title = _l("员工花名册")
    label_columns = {**LABELS, "name": _l("姓名")}
    list_columns = ["employee_no", "name", "gender", "center", "department", "position", "level",
                    "hire_date", "status", "phone", "id_number"]
    show_columns = [*list_columns, "salary_grade", "probation_months", "regular_date", "last_change_date",
                    "left_date", "user", "note", "created_on", "changed_on"]
    add_columns = edit_columns = ["employee_no", "name", "gender", "id_number", "phone", "center", "department",
                                  "position", "level", "salary_grade", "hire_date", "probation_months", "user",
                                  "note"]
    search_columns = ["employee_no", "name", "phone", "center", "department", "position", "level", "status",
                      "hire_date"]
    order_columns = ["employee_no", "name", "hire_date", "level", "status"]
    base_order = ("employee_no", "asc")
    lookup_columns = ["name", "employee_no"]
    lookup_order = "employee_no"
    validators_columns = {"phone": [wtf_check(check_phone)], "id_number": [wtf_check(check_id_number)]}
    description_columns = {
        "id_number": _l("18位居民身份证号；除人事和管理员外仅显示前6位和后4位"),
        "probation_months": _l("默认3个月，最长6个月；转正日期=入职日期+试用期+1天"),
        "user": _l("该员工的系统登录账号：本人相关的申请不能由本人审批"),
    }
    _extra = {
        "gender": select_field(_l("性别"), GENDERS),
        "level": select_field(_l("级别"), LEVELS),
        "status": select_field(_l("状态"), EMPLOYEE_STATUS, optional=True),
    }
    add_form_extra_fields = edit_form_extra_fields = {"gender": _extra["gender"], "level": _extra["level"]}
    search_form_extra_fields = _extra
    formatters_columns = {**FORMATTERS, "status": enum_label(EMPLOYEE_STATUS)}

    @expose("/probation_due/")
    @has_access
    def probation_due(self):
        """试用期到期: employees whose regular date falls within the next 30 days."""
        return self.render_template("personnel/probation_due.html", title=_("试用期到期（30天内）"),
                                    rows=hiring.probation_due(within_days=30), levels=LEVELS)


class ApprovableView(PersonnelView):
    """A request with an approval chain: detail page with the chain, 提交审批."""

    method_permission_name = {**METHOD_PERMISSIONS, "submit": WRITE}
    show_template = "personnel/request_show.html"
    print_title = None  # set when the detail page prints as a paper form

    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        return self._render_show(pk, lambda item: {
            "approval": item.approval,
            "can_decide": item.approval is not None and _can_decide(item.approval),
            "can_submit": item.status in ("draft", "returned") and self._may(WRITE),
            "print_title": self.print_title, "roles": ROLES,
            "status_labels": STATUS_LABELS, "event_labels": EVENT_LABELS,
        })

    @expose("/submit/<int:pk>", methods=["POST"])
    @has_access
    def submit(self, pk):
        """提交审批 (drafts and returned requests); a refusal is flashed."""
        item = self.datamodel.get(pk)
        if item is None:
            abort(404)
        try:
            approvals.submit(item, actor=g.user, comment=(request.form.get("comment") or "")[:2000])
        except DomainError as e:
            db.session.rollback()
            flash(str(e), "danger")
        else:
            flash(_("已提交审批"), "success")
        return redirect(url_for(".show", pk=pk))


_REQUEST_SEARCH = {"status": select_field(_l("状态"), STATUS_LABELS, optional=True)}


class RequisitionView(ApprovableView):
    datamodel = interface(Requisition)
    class_permission_name = "Requisition"
    list_title = show_title = add_title = edit_title = _l("人员需求表")
    list_columns = ["center", "department", "position", "headcount", "required_by", "status"]
    show_columns = [*list_columns, "reason", "created_on", "changed_on"]
    add_columns = edit_columns = ["center", "department", "position", "headcount", "required_by", "reason"]
    search_columns = ["center", "department", "position", "status", "required_by"]
    order_columns = ["required_by", "headcount", "status"]
    search_form_extra_fields = _REQUEST_SEARCH


class ApplicantView(PersonnelView):
    datamodel = interface(Applicant)
    class_permission_name = "Applicant"
    method_permission_name = {**METHOD_PERMISSIONS, "hire": WRITE}
    list_title = show_title = add_title = edit_title = _l("求职申请")
    show_template = "personnel/applicant_show.html"
    label_columns = {**LABELS, "name": _l("姓名"), "position": _l("应聘岗位")}
    list_columns = ["name", "gender", "phone", "position", "center", "applied_on", "decision", "id_number"]
    show_columns = [*list_columns, "requisition", "interview_notes", "created_on", "changed_on"]
    add_columns = edit_columns = ["center", "name", "gender", "phone", "id_number", "position", "requisition",
                                  "applied_on", "interview_notes", "decision"]
    search_columns = ["name", "phone", "center", "position", "decision", "applied_on"]
    order_columns = ["name", "applied_on", "decision"]
    formatters_columns = {**FORMATTERS, "gender": enum_label(GENDERS),
                          "requisition": lambda r: r.approval_title() if r else ""}
    validators_columns = {"phone": [wtf_check(check_phone)], "id_number": [wtf_check(check_id_number)]}
    description_columns = {"decision": _l("录用请在详情页点击“录用”，由系统建立员工档案")}
    _decision = {k: v for k, v in APPLICANT_DECISIONS.items() if k != "hired"}
    add_form_extra_fields = edit_form_extra_fields = {
        "gender": select_field(_l("性别"), GENDERS),
        "decision": select_field(_l("录用结果"), _decision),
        "requisition": query_select(_l("人员需求"), approved_requisitions, get_label=lambda r: r.approval_title(),
                                    allow_blank=True),
    }
    search_form_extra_fields = {"decision": select_field(_l("录用结果"), APPLICANT_DECISIONS, optional=True)}

    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        return self._render_show(pk, lambda item: {
            "can_hire": item.decision != "hired" and self._may(WRITE) and self._may(WRITE, "Employee"),
        })

    @expose("/hire/<int:pk>", methods=["GET", "POST"])
    @has_access
    def hire(self, pk):
        """录用: the hiring form; hiring.hire_applicant creates the employee."""
        applicant = self.datamodel.get(pk)
        if applicant is None:
            abort(404)
        position = applicant.position
        form = HireForm(position=position, level=position.level if position else None, hire_date=timeutil.today(),
                        department=position.department if position else None)
        if form.validate_on_submit():
            try:
                employee = hiring.hire_applicant(
                    applicant, employee_no=form.employee_no.data.strip(), hire_date=form.hire_date.data,
                    department=form.department.data, position=form.position.data, level=form.level.data,
                    actor=g.user,
                )
            except DomainError as e:
                db.session.rollback()
                flash(str(e), "danger")
            else:
                flash(_("已录用，员工档案已建立"), "success")
                return redirect(url_for("EmployeeView.show", pk=employee.id))
        return self.render_template("personnel/hire.html", title=_("录用"), applicant=applicant, form=form)


class HireForm(DynamicForm):
    employee_no = StringField(_l("工号"), validators=[DataRequired(), Length(max=20)])
    hire_date = DateField(_l("入职日期"), widget=DatePickerWidget(), validators=[DataRequired()])
    department = query_select(_l("部门"), lambda: db.session.scalars(
        scoped_select(Department).order_by(Department.name)).all(), validators=[DataRequired()])
    position = query_select(_l("岗位"), lambda: db.session.scalars(
        scoped_select(Position).order_by(Position.name)).all(), validators=[DataRequired()])
    level = SelectField(_l("级别"), choices=list(LEVELS.items()), widget=Select2Widget(),
                        validators=[DataRequired()])


class OnboardingView(PersonnelView):
    datamodel = interface(Onboarding)
    class_permission_name = "Onboarding"
    method_permission_name = {**METHOD_PERMISSIONS, "training_overdue": READ}
    list_title = show_title = add_title = edit_title = _l("入职清单")
    list_columns = ["employee", "center", "notice_issued", "badge_issued", "attendance_card_issued",
                    "training_due", "training_done_on"]
    show_columns = [*list_columns, "items_issued", "created_on", "changed_on"]
    add_columns = ["employee", "notice_issued", "badge_issued", "attendance_card_issued", "items_issued",
                   "training_done_on"]
    edit_columns = add_columns[1:]
    search_columns = ["center", "training_due", "training_done_on"]
    order_columns = ["training_due", "training_done_on"]
    description_columns = {"training_due": _l("入职后一个月内完成入职培训")}
    add_form_extra_fields = {"employee": employee_picker()}

    @expose("/training_overdue/")
    @has_access
    def training_overdue(self):
        """入职培训逾期: onboarding training not done by its due date."""
        return self.render_template("personnel/training_overdue.html", title=_("入职培训逾期"),
                                    rows=hiring.training_overdue())


class AppointmentView(ApprovableView):
    datamodel = interface(Appointment)
    class_permission_name = "Appointment"
    list_title = show_title = add_title = edit_title = _l("职务任免及工资审批")
    print_title = _l("职务任免及工资审批表")
    label_columns = {**LABELS, "kind": _l("任免类型"), "reason": _l("任免理由")}
    list_columns = ["employee", "kind", "new_position", "new_level", "new_salary_grade", "status",
                    "effective_date", "center"]
    show_columns = ["center", "employee", "employee.department", "employee.hire_date", "kind",
                    "old_position", "new_position", "old_level", "new_level", "old_salary_grade",
                    "new_salary_grade", "reason", "special_approval", "effective_date", "status", "created_on"]
    add_columns = ["employee", "kind", "new_position", "new_level", "new_salary_grade", "reason"]
    edit_columns = add_columns[1:]
    search_columns = ["center", "kind", "status", "effective_date"]
    order_columns = ["kind", "status", "effective_date"]
    formatters_columns = {**FORMATTERS, "kind": enum_label(APPOINTMENT_KINDS)}
    _extra = {"kind": select_field(_l("任免类型"), APPOINTMENT_KINDS),
              "new_level": select_field(_l("新级别"), LEVELS, optional=True)}
    add_form_extra_fields = {"employee": employee_picker(), **_extra}
    edit_form_extra_fields = _extra
    search_form_extra_fields = {**_REQUEST_SEARCH, "kind": select_field(_l("任免类型"), APPOINTMENT_KINDS, True)}


class ResignationView(ApprovableView):
    datamodel = interface(Resignation)
    class_permission_name = "Resignation"
    list_title = show_title = add_title = edit_title = _l("员工离职申请")
    print_title = _l("员工离职申请表")
    label_columns = {**LABELS, "kind": _l("离职类型"), "reason": _l("离职原因")}
    list_columns = ["employee", "kind", "notice_date", "last_day", "status", "center"]
    show_columns = ["center", "employee", "employee.department", "employee.position", "employee.level",
                    "employee.hire_date", "kind", "notice_date", "last_day", "reason", "dismissal_reason",
                    "notice_override", "status", "completed_on", "created_on"]
    add_columns = ["employee", "kind", "notice_date", "last_day", "reason", "dismissal_reason"]
    edit_columns = add_columns[1:]
    search_columns = ["center", "kind", "status", "notice_date", "last_day"]
    order_columns = ["notice_date", "last_day", "status"]
    formatters_columns = {**FORMATTERS, "kind": enum_label(RESIGNATION_KINDS)}
    description_columns = {
        "last_day": _l("辞职提前期：主管级及以上30天，主管级以下20天，安全员/保洁15天"),
        "dismissal_reason": _l("辞退时必填"),
    }
    _extra = {"kind": select_field(_l("离职类型"), RESIGNATION_KINDS),
              "dismissal_reason": select_field(_l("辞退原因"), DISMISSAL_REASONS, optional=True)}
    add_form_extra_fields = {"employee": employee_picker(), **_extra}
    edit_form_extra_fields = _extra
    search_form_extra_fields = {**_REQUEST_SEARCH, "kind": select_field(_l("离职类型"), RESIGNATION_KINDS, True)}


class HandoverChecklistView(PersonnelView):
    datamodel = interface(HandoverChecklist)
    class_permission_name = "HandoverChecklist"
    list_title = show_title = add_title = edit_title = _l("离职交接清单")
    list_columns = ["employee", *CHECK_ITEMS, "center"]
    show_columns = ["resignation", "employee", *CHECK_ITEMS, "notes", "center", "created_on", "changed_on"]
    add_columns = ["resignation", *CHECK_ITEMS, "notes"]
    edit_columns = [*CHECK_ITEMS, "notes"]
    search_columns = ["center", *CHECK_ITEMS]
    formatters_columns = {**FORMATTERS, "resignation": lambda r: r.approval_title() if r else ""}
    add_form_extra_fields = {"resignation": resignation_picker(("pending", "approved"), HandoverChecklist)}


class SalarySettlementView(ApprovableView):
    datamodel = interface(SalarySettlement)
    class_permission_name = "SalarySettlement"
    list_title = show_title = add_title = edit_title = _l("离职人员工资结算单")
    list_columns = ["employee", "work_days", "base_pay", "overtime_pay", "deductions", "total", "status", "center"]
    show_columns = ["resignation", *list_columns, "note", "created_on", "changed_on"]
    add_columns = ["resignation", "work_days", "base_pay", "overtime_pay", "deductions", "note"]
    edit_columns = add_columns[1:]
    search_columns = ["center", "status"]
    order_columns = ["total", "status"]
    formatters_columns = {**FORMATTERS, "resignation": lambda r: r.approval_title() if r else ""}
    description_columns = {"deductions": _l("实发合计 = 基本工资 + 加班工资 − 扣款，由系统计算")}
    add_form_extra_fields = {"resignation": resignation_picker(("approved",), SalarySettlement)}
    search_form_extra_fields = _REQUEST_SEARCH


class LeaveView(ApprovableView):
    datamodel = interface(Leave)
    class_permission_name = "Leave"
    list_title = show_title = add_title = edit_title = _l("请假申请")
    label_columns = {**LABELS, "kind": _l("请假类别"), "reason": _l("请假事由")}
    list_columns = ["employee", "kind", "start_date", "end_date", "days", "status", "center"]
    show_columns = [*list_columns, "reason", "created_on", "changed_on"]
    add_columns = ["employee", "kind", "start_date", "end_date", "days", "reason"]
    edit_columns = add_columns[1:]
    search_columns = ["center", "kind", "status", "start_date"]
    order_columns = ["start_date", "days", "status"]
    formatters_columns = {**FORMATTERS, "kind": enum_label(LEAVE_KINDS)}
    description_columns = {"days": _l("以半天为单位；1天及以内由客服主管审批，1天以上由服务中心经理审批")}
    _extra = {"kind": select_field(_l("请假类别"), LEAVE_KINDS)}
    add_form_extra_fields = {"employee": employee_picker(), **_extra}
    edit_form_extra_fields = _extra
    search_form_extra_fields = {**_REQUEST_SEARCH, "kind": select_field(_l("请假类别"), LEAVE_KINDS, True)}


class RewardPenaltyView(PersonnelView):
    datamodel = interface(RewardPenalty)
    class_permission_name = "RewardPenalty"
    list_title = show_title = add_title = edit_title = _l("奖罚通知")
    label_columns = {**LABELS, "kind": _l("奖/罚")}
    list_columns = ["employee", "kind", "amount", "issued_on", "center"]
    show_columns = [*list_columns, "reason", "created_on", "changed_on"]
    add_columns = ["employee", "kind", "amount", "reason", "issued_on"]
    edit_columns = add_columns[1:]
    search_columns = ["center", "kind", "issued_on"]
    order_columns = ["issued_on", "amount"]
    formatters_columns = {**FORMATTERS, "kind": enum_label(personnel.REWARD_KINDS)}
    _extra = {"kind": select_field(_l("奖/罚"), personnel.REWARD_KINDS)}
    add_form_extra_fields = {"employee": employee_picker(), **_extra}
    edit_form_extra_fields = search_form_extra_fields = _extra
