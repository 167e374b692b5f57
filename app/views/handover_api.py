"""交接班 REST resources: `handover` (POST /<id>/sign, POST /<id>/checklist),
`shiftswap` (POST /<id>/submit), and `shiftpost`, `shift`, `rota`,
`majorincident`. Same service hooks as the screens (app/services/handover.py,
shift_swaps.py), so locks and refusals hold on every route.
"""

from flask import g, request
from flask_appbuilder.api import expose as api_expose
from flask_appbuilder.api import protect, safe
from marshmallow.validate import OneOf

from app.errors import DomainError
from app.extensions import db
from app.models.handover import POST_CATEGORIES, Handover, MajorIncident, Post, RotaEntry, Shift, ShiftSwap
from app.security import METHOD_PERMISSIONS, WRITE
from app.services import handover as service
from app.services import shift_swaps
from app.views.base import comment_of, interface
from app.views.handover import LABELS
from app.views.personnel_api import PersonnelApi, SubmitApi


def _optional(schema, *names) -> None:
    """Keys the service fills in when they are not given (the signed-in user)."""
    for name in names:
        field = schema.fields[name]
        field.required, field.allow_none = False, True
        schema.load_fields[name] = field


class HandoverApiBase(PersonnelApi):
    """Typed `<relation>_id` keys (PersonnelApi) with the handover service."""

    service = service
    label_columns = LABELS


class PostApi(HandoverApiBase):
    resource_name = "shiftpost"
    datamodel = interface(Post)
    class_permission_name = "ShiftPost"
    add_columns = edit_columns = ["center_id", "code", "name", "category", "checklist_items", "active"]
    list_columns = show_columns = ["id", *add_columns]
    order_columns = ["id", "code"]
    search_columns = ["center_id", "code", "category"]
    validators_columns = {"category": OneOf(list(POST_CATEGORIES))}


class ShiftApi(HandoverApiBase):
    resource_name = "shift"
    datamodel = interface(Shift)
    class_permission_name = "Shift"
    add_columns = edit_columns = ["center_id", "name", "start", "end"]
    list_columns = show_columns = ["id", *add_columns]
    order_columns = ["id", "name", "start"]
    search_columns = ["center_id", "name"]


class RotaApi(HandoverApiBase):
    resource_name = "rota"
    datamodel = interface(RotaEntry)
    class_permission_name = "RotaEntry"
    add_columns = edit_columns = ["day", "post_id", "shift_id", "user_id", "note"]
    list_columns = show_columns = ["id", "center_id", *add_columns]
    order_columns = ["id", "day"]
    search_columns = ["center_id", "day", "post_id", "shift_id", "user_id"]


class MajorIncidentApi(HandoverApiBase):
    resource_name = "majorincident"
    datamodel = interface(MajorIncident)
    class_permission_name = "MajorIncident"
    add_columns = edit_columns = ["center_id", "post_id", "title", "note"]
    list_columns = show_columns = ["id", *add_columns, "opened_at", "closed_at"]
    order_columns = ["id", "opened_at"]
    search_columns = ["center_id", "post_id", "closed_at"]


class HandoverApi(HandoverApiBase):
    resource_name = "handover"
    datamodel = interface(Handover)
    class_permission_name = "Handover"
    method_permission_name = {**METHOD_PERMISSIONS, "sign": WRITE, "checklist": WRITE}
    add_columns = ["post_id", "shift_id", "incoming_id", "outgoing_id", "leader_instructions", "notes",
                   "override_reason"]
    edit_columns = ["incoming_id", "leader_instructions", "notes"]
    list_columns = [
        "id", "center_id", "post_id", "shift_id", "outgoing_id", "incoming_id", "handed_at", "shift_date",
        "shift_end", "is_late", "late_minutes", "status", "signed_at", "override_by_id", "override_at",
        "override_reason", "leader_instructions", "notes",
    ]
    show_columns = list_columns
    order_columns = ["id", "handed_at", "shift_date"]
    search_columns = ["center_id", "post_id", "shift_id", "status", "is_late", "outgoing_id", "incoming_id"]

    def _init_model_schemas(self):
        super()._init_model_schemas()
        _optional(self.add_model_schema, "outgoing_id")

    def pre_get(self, data):
        """The detail carries its snapshot lines and checklist."""
        super().pre_get(data)
        item = self.datamodel.get(data.get("id"))
        if item is not None:
            data["result"]["items"] = [
                {"work_order_id": i.work_order_id, "order_no": i.order_no, "kind": i.kind, "severity": i.severity,
                 "summary": i.summary, "status": i.status, "due_at": i.due_at.isoformat() if i.due_at else None}
                for i in item.items]
            data["result"]["checks"] = [{"id": c.id, "name": c.name, "count": c.count, "ok": c.ok, "note": c.note}
                                        for c in item.checks]

    def _done(self, pk):
        response = self.get_headless(pk)
        return response

    @api_expose("/<int:pk>/sign", methods=["POST"])
    @protect()
    @safe
    def sign(self, pk):
        """签收 by the incoming person (409 when already signed, 403 for anyone else)."""
        item = self.datamodel.get(pk)
        if item is None:
            return self.response_404()
        try:
            service.sign(item, actor=g.user)
        except DomainError as e:
            return self._refusal(e)
        return self._done(pk)

    @api_expose("/<int:pk>/checklist", methods=["POST"])
    @protect()
    @safe
    def checklist(self, pk):
        """Body {"checks": [{"id", "count", "ok", "note"}]} before signing."""
        item = self.datamodel.get(pk)
        if item is None:
            return self.response_404()
        body = request.get_json(silent=True) or {}
        values = {int(c["id"]): c for c in body.get("checks") or [] if isinstance(c, dict) and "id" in c}
        try:
            service.save_checklist(item, values, actor=g.user)
        except DomainError as e:
            db.session.rollback()
            return self._refusal(e)
        return self._done(pk)


class ShiftSwapApi(SubmitApi):
    resource_name = "shiftswap"
    datamodel = interface(ShiftSwap)
    class_permission_name = "ShiftSwap"
    service = shift_swaps
    label_columns = LABELS
    add_columns = ["post_id", "requester_id", "counterpart_id", "swap_date", "requester_shift_id",
                   "counterpart_date", "counterpart_shift_id", "reason"]
    edit_columns = add_columns[2:]
    list_columns = show_columns = ["id", "center_id", *add_columns, "status", "approval_id", "swapped_at"]
    order_columns = ["id", "swap_date"]
    search_columns = ["center_id", "post_id", "requester_id", "counterpart_id", "status", "swap_date"]

    def _init_model_schemas(self):
        super()._init_model_schemas()
        _optional(self.add_model_schema, "requester_id", "counterpart_date")

    @api_expose("/<int:pk>/submit", methods=["POST"])
    @protect()
    @safe
    def submit(self, pk):
        """Start the 换班 chain after checking the swap rules again."""
        return self._run(pk, lambda item, body: shift_swaps.submit(item, actor=g.user, comment=comment_of(body)))
