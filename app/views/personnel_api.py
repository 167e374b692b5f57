"""人事 REST resources (DESIGN.md "Interfaces": stable field names).

The same service hooks as the screens (app/services/personnel.py) run on every
write, and requests start their approval chain with `POST /<id>/submit`, so a
rule holds whichever route a client takes.
"""

from flask import g
from flask_appbuilder.api import expose as api_expose
from flask_appbuilder.api import protect, safe
from marshmallow import fields as ma_fields
from marshmallow.validate import OneOf

from app.models.personnel import (
    APPOINTMENT_KINDS,
    DISMISSAL_REASONS,
    GENDERS,
    LEAVE_KINDS,
    LEVELS,
    RESIGNATION_KINDS,
    Appointment,
    Employee,
    Leave,
    Requisition,
    Resignation,
)
from app.security import METHOD_PERMISSIONS, WRITE
from app.services import approvals, personnel
from app.validators import check_id_number, check_phone
from app.views.base import ScopedModelRestApi, comment_of, interface
from app.views.fields import api_check
from app.views.personnel_columns import LABELS


class PersonnelApi(ScopedModelRestApi):
    service = personnel
    label_columns = LABELS

    def _init_model_schemas(self):
        """FAB leaves `<relation>_id` columns untyped (marshmallow "Inferred", never
        null): declare them as integers, nullable where the column is, so a PUT of an
        employee without a department works and "abc" is a 400, not a lookup."""
        super()._init_model_schemas()
        self.add_model_schema = self._typed_keys(self.add_model_schema, add=True)
        self.edit_model_schema = self._typed_keys(self.edit_model_schema, add=False)

    def _typed_keys(self, schema, add):
        columns = self.datamodel.obj.__table__.columns
        declared = {
            name: ma_fields.Integer(allow_none=columns[name].nullable, required=add and not columns[name].nullable)
            for name, field in schema.fields.items() if isinstance(field, ma_fields.Inferred) and name in columns
        }
        return type(type(schema).__name__, (type(schema),), declared)() if declared else schema


class SubmitApi(PersonnelApi):
    """A request resource with `POST /<id>/submit` (body {"comment": ...})."""

    method_permission_name = {**METHOD_PERMISSIONS, "submit": WRITE}

    @api_expose("/<int:pk>/submit", methods=["POST"])
    @protect()
    @safe
    def submit(self, pk):
        """Start the approval chain of a draft or returned request."""
        return self._run(pk, lambda item, body: approvals.submit(item, actor=g.user, comment=comment_of(body)))


_REQUEST_READONLY = ["status", "approval_id"]


class EmployeeApi(PersonnelApi):
    resource_name = "employee"
    datamodel = interface(Employee)
    class_permission_name = "Employee"
    add_columns = edit_columns = [
        "center_id", "employee_no", "name", "gender", "level", "department_id", "position_id", "salary_grade",
        "hire_date", "probation_months", "phone", "id_number", "note",
    ]
    list_columns = show_columns = ["id", *add_columns, "regular_date", "status", "last_change_date", "left_date"]
    order_columns = ["id", "employee_no", "name", "hire_date"]
    search_columns = ["center_id", "employee_no", "name", "level", "status", "department_id", "position_id"]
    mask_columns = ("id_number",)
    validators_columns = {
        "phone": api_check(check_phone), "id_number": api_check(check_id_number),
        "gender": OneOf(list(GENDERS)), "level": OneOf(list(LEVELS)),
    }


class RequisitionApi(SubmitApi):
    resource_name = "requisition"
    datamodel = interface(Requisition)
    class_permission_name = "Requisition"
    add_columns = edit_columns = ["center_id", "department_id", "position_id", "headcount", "required_by", "reason"]
    list_columns = show_columns = ["id", *add_columns, *_REQUEST_READONLY]
    order_columns = ["id", "required_by"]
    search_columns = ["center_id", "status", "department_id", "position_id"]


class AppointmentApi(SubmitApi):
    resource_name = "appointment"
    datamodel = interface(Appointment)
    class_permission_name = "Appointment"
    add_columns = edit_columns = ["employee_id", "kind", "new_position_id", "new_level", "new_salary_grade",
                                  "reason"]
    list_columns = show_columns = [
        "id", "center_id", *add_columns, "old_position_id", "old_level", "old_salary_grade", *_REQUEST_READONLY,
        "special_approval", "effective_date",
    ]
    order_columns = ["id", "effective_date"]
    search_columns = ["center_id", "employee_id", "kind", "status"]
    validators_columns = {"kind": OneOf(list(APPOINTMENT_KINDS)), "new_level": OneOf(list(LEVELS))}


class ResignationApi(SubmitApi):
    resource_name = "resignation"
    datamodel = interface(Resignation)
    class_permission_name = "Resignation"
    add_columns = edit_columns = ["employee_id", "kind", "notice_date", "last_day", "reason", "dismissal_reason"]
    list_columns = show_columns = ["id", "center_id", *add_columns, "notice_override", *_REQUEST_READONLY,
                                   "completed_on"]
    order_columns = ["id", "notice_date", "last_day"]
    search_columns = ["center_id", "employee_id", "kind", "status"]
    validators_columns = {"kind": OneOf(list(RESIGNATION_KINDS)), "dismissal_reason": OneOf(list(DISMISSAL_REASONS))}


class LeaveApi(SubmitApi):
    resource_name = "leave"
    datamodel = interface(Leave)
    class_permission_name = "Leave"
    add_columns = edit_columns = ["employee_id", "kind", "start_date", "end_date", "days", "reason"]
    list_columns = show_columns = ["id", "center_id", *add_columns, *_REQUEST_READONLY]
    order_columns = ["id", "start_date"]
    search_columns = ["center_id", "employee_id", "kind", "status"]
    validators_columns = {"kind": OneOf(list(LEAVE_KINDS))}
