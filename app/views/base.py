"""Base classes every register's screens and REST resources derive from.

They wire the house rules once: read/write/export permissions, centre scope
(through ScopedInterface), service hooks that raise DomainError, soft
delete, streamed Excel export of the current filter, and a search endpoint
for searchable selects.
"""

import os
import sys
import tempfile
from datetime import date
from decimal import Decimal

from flask import after_this_request, current_app, g, jsonify, request, send_file
from flask_appbuilder import ModelRestApi, ModelView, expose, has_access
from flask_appbuilder.urltools import get_filter_args, get_order_args
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from sqlalchemy import or_
from sqlalchemy.orm import defaultload, lazyload

from app import timeutil
from app.errors import DomainError
from app.extensions import db
from app.formatting import SCREEN_ONLY
from app.reports.xlsx import write_workbook
from app.security import METHOD_PERMISSIONS, RESOURCE_PERMISSIONS, can_see_id_numbers
from app.services.input_guard import check_row
from app.validators import mask_id_number
from app.views.column_formats import type_formatters
from app.views.errors import api_fault_response
from app.views.fields import typed_row_ids
from app.views.guards import MissingRowGuard
from app.views.interface import ScopedInterface, list_load_options

_CELL_TYPES = (int, str, Decimal, date)


def _unloaded(model, paths) -> list:
    """lazyload() options for dotted relation paths ("unit.building.center")."""
    options = []
    for path in paths:
        cls, attrs = model, []
        for key in path.split("."):
            attr = getattr(cls, key)
            attrs.append(attr)
            cls = attr.property.mapper.class_
        option = defaultload(attrs[0]) if len(attrs) > 1 else lazyload(attrs[0])
        for attr in attrs[1:-1]:
            option = option.defaultload(attr)
        options.append(option.lazyload(attrs[-1]) if len(attrs) > 1 else option)
    return options


def masked_unless_privileged(value):
    return value if can_see_id_numbers() else mask_id_number(value)


def _run_service(fn, item):
    """Call a service hook; on a refusal undo whatever the form already set."""
    try:
        fn(item)
    except DomainError:
        db.session.rollback()
        raise


def _storable(item):
    """The flush would refuse it too; here the form shows the field's message instead of
    FAB's generic "database error"."""
    check_row(db.session, item)


def _text_once(texts: dict, lazy: LazyString) -> str:
    """str(lazy) — gettext — once per distinct message in this export."""
    key = (lazy._func, lazy._args, tuple(lazy._kwargs.items()))
    try:
        if key not in texts:
            texts[key] = str(lazy)
        return texts[key]
    except TypeError:  # unhashable arguments: translate this one directly
        return str(lazy)


class ServiceHooks:
    """FAB's pre_* hooks, routed to the register's service module."""

    service = None  # module with before_save(item) / before_delete(item)

    def pre_add(self, item):
        _run_service(self.service.before_save, item)
        _run_service(_storable, item)

    def pre_update(self, item):
        _run_service(self.service.before_save, item)
        _run_service(_storable, item)

    def pre_delete(self, item):
        _run_service(self.service.before_delete, item)


class ScopedModelView(MissingRowGuard, ServiceHooks, ModelView):
    """CRUD screens of one register. Subclasses set datamodel, columns, service."""

    method_permission_name = METHOD_PERMISSIONS
    # Screens and API share one resource name: both must declare the same set,
    # or FAB's permission sync deletes what the other one created.
    base_permissions = RESOURCE_PERMISSIONS
    list_template = "register/list.html"
    # FAB's file download route serves UPLOAD_FOLDER, which we never use (photos have their own route).
    exclude_route_methods = {"download"}
    page_size = 20
    base_order = ("id", "desc")
    export_columns: list[str] | None = None
    lookup_columns: list[str] = []
    lookup_order: str = "id"
    #: Properties (not columns) that hold money: shown as ¥1,234.50 like Money columns.
    money_columns: tuple[str, ...] = ()
    #: Default orders of several columns, by name (app/views/list_orders.py): base_order may name one.
    compound_orders: dict = {}

    #: Joined relations the export does not show (dotted paths from the model), left unloaded:
    #: a household's unit shows "1栋-101" and needs neither the unit's nor the building's centre
    #: (100k rows: two objects fewer per row, issue 8's 15 s budget).
    export_unloaded: tuple[str, ...] = ()

    #: Lists count at most this many rows ("10000+"), so a page of a 2.4M-row register
    #: does not scan every row just to print the total (perf, issue 8).
    count_cap = 10_000

    @property
    def database_error_message(self):
        """FAB flashes this when a save fails: say "modified by someone else" / "busy" when so."""
        refusal = g.pop("database_refusal", None)
        return str(refusal) if refusal is not None else _("数据库错误，未保存任何修改，请重试")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if isinstance(self.datamodel, ScopedInterface):
            self.datamodel.count_cap = self.count_cap
            self.datamodel.shown_columns = tuple(self.list_columns or ())
            self.datamodel.compound_orders = self.compound_orders
        shown = [*(self.list_columns or ()), *(self.show_columns or ())]
        self.formatters_columns = {**type_formatters(self.datamodel.obj, shown, self.money_columns),
                                   **self.formatters_columns}
        self.extra_args = {**(self.extra_args or {}), "export_resource": self.class_permission_name}

    # -- export ------------------------------------------------------------
    @expose("/export/")
    @has_access
    def export(self):
        """The current filter and order, every page, as .xlsx (streamed to disk)."""
        columns = self.export_columns or self.list_columns
        # Only the search columns may filter: a filter on a masked column would
        # let a user guess ID numbers digit by digit from the row counts.
        get_filter_args(self._filters, disallow_if_not_in_search=True)
        order_column, order_direction = get_order_args().get(
            self.__class__.__name__, self.base_order or ("", "")
        )
        filters = self._filters.get_joined_filters(self._base_filters)
        model = self.datamodel.obj
        query = self.datamodel.apply_all(
            self.datamodel.session.query(model).options(*list_load_options(model, None, columns),
                                                        *_unloaded(model, self.export_unloaded)),
            filters, order_column, order_direction,
        ).yield_per(current_app.config["EXPORT_BATCH_SIZE"])
        headers = [str(self.label_columns.get(c, c)) for c in columns]
        texts: dict = {}  # translated labels, looked up once per export, not once per row (perf)
        rows = (self._export_row(item, columns, texts) for item in query)
        fd, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        write_workbook(path, str(self.list_title), headers, rows, bool_labels=(_("是"), _("否")))

        @after_this_request
        def _cleanup(response):
            response.call_on_close(lambda: os.path.exists(path) and os.remove(path))
            return response

        name = f"{self.__class__.__name__}-{timeutil.now():%Y%m%d-%H%M}.xlsx"
        return send_file(path, as_attachment=True, download_name=name)

    def _export_row(self, item, columns, texts=None):
        row = []
        for col in columns:
            value = item
            for part in col.split("."):
                value = getattr(value, part, None) if value is not None else None
            if callable(value):
                value = value()
            formatter = self.formatters_columns.get(col)
            if formatter is not None and formatter not in SCREEN_ONLY:  # Excel keeps numbers and dates
                value = formatter(value)
            if isinstance(value, LazyString) and texts is not None:
                value = _text_once(texts, value)
            elif value is not None and not isinstance(value, _CELL_TYPES):
                value = str(value)
            row.append(value)
        return row

    # -- searchable select endpoint ----------------------------------------
    @expose("/lookup/")
    @has_access
    def lookup(self):
        """JSON for select2: visible rows whose lookup columns contain q (max 20)."""
        model = self.datamodel.obj
        term = (request.args.get("q") or "").strip()[:50]
        query = self.datamodel.apply_all(self.datamodel.session.query(model))
        if term:
            query = query.filter(
                or_(*[getattr(model, c).contains(term, autoescape=True) for c in self.lookup_columns])
            )
        items = query.order_by(getattr(model, self.lookup_order)).limit(21).all()
        return jsonify(
            results=[{"id": i.id, "text": str(i)} for i in items[:20]],
            pagination={"more": len(items) > 20},
        )


class ScopedModelRestApi(ServiceHooks, ModelRestApi):
    """REST resource of one register: same permissions, scope and service."""

    method_permission_name = METHOD_PERMISSIONS
    base_permissions = RESOURCE_PERMISSIONS
    allow_browser_login = True
    page_size = 20
    max_page_size = 100
    mask_columns: tuple[str, ...] = ()

    def response_500(self, message=None, **kwargs):
        """FAB's @safe turns every exception of an API route into 500: keep 409/503 apart."""
        return api_fault_response(self, sys.exc_info()[1]) or super().response_500(message=message, **kwargs)

    def _init_model_schemas(self) -> None:
        super()._init_model_schemas()
        for schema in (self.add_model_schema, self.edit_model_schema):
            typed_row_ids(schema, self.datamodel.obj)

    def _refusal(self, error: DomainError):
        db.session.rollback()
        return self.response(error.status, message=str(error))

    def _body(self) -> dict:
        body = request.get_json(silent=True)
        return body if isinstance(body, dict) else {}

    def _run(self, pk, fn, status=200):
        """POST /<id>/<action>: run one service action on a row in scope (404 otherwise);
        a refusal answers 4xx with its message and writes nothing; else the row (or fn's dict)."""
        item = self.datamodel.get(pk)
        if item is None:
            return self.response_404()
        try:
            out = fn(item, self._body())
        except DomainError as e:
            db.session.rollback()
            return self._refusal(e)
        if isinstance(out, dict):
            return self.response(status, **out)
        result = self.show_model_schema.dump(self.datamodel.get(pk))
        self._mask(result)
        return self.response(status, id=pk, result=result)

    def post_headless(self):
        try:
            return super().post_headless()
        except DomainError as e:
            return self._refusal(e)

    def put_headless(self, pk):
        try:
            return super().put_headless(pk)
        except DomainError as e:
            return self._refusal(e)

    def delete_headless(self, pk):
        try:
            return super().delete_headless(pk)
        except DomainError as e:
            return self._refusal(e)

    def pre_get(self, data):
        self._mask(data.get("result") or {})

    def pre_get_list(self, data):
        for row in data.get("result") or []:
            self._mask(row)

    def _mask(self, row: dict) -> None:
        if can_see_id_numbers():
            return
        for col in self.mask_columns:
            if row.get(col):
                row[col] = mask_id_number(row[col])

    def response_404(self, **kwargs):
        return self.response(404, message=_("记录不存在或不在您的服务中心范围内"))


def comment_of(body: dict) -> str:
    """The optional decision/submission comment of a JSON body, at most 2000 characters."""
    return str(body.get("comment") or "")[:2000]


def interface(model):
    return ScopedInterface(model)
