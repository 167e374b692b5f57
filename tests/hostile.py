"""Hostile input (issue 9 §2), generated from the app's own schemas and forms.

Every REST resource's add/edit schema (marshmallow) and every screen's
add/edit form (WTForms) is read from the registered views; each field gets
the payloads that fit its kind (text, number, date, related row, choice, bool)
plus the wrong-type ones. Nothing here lists a register or a field by hand:
a new register is covered the day it is registered.

A base body (every field valid-ish) is taken from an existing row, then one
field at a time is replaced by a hostile value: that isolates which field
broke, and keeps the other fields from refusing the request for their own
reasons.
"""

from datetime import date, datetime, time
from decimal import Decimal

from flask_appbuilder import ModelRestApi, ModelView
from marshmallow import fields as mf
from sqlalchemy import inspect
from sqlalchemy.orm import RelationshipProperty
from wtforms import fields as wf

from app.extensions import db
from app.models.mixins import SoftDeleteMixin

MISSING_ID = 999999999

#: Text a user may legitimately type: accepted ones must come back escaped / neutralised / byte-for-byte.
VALID_TEXT = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "=HYPERLINK(\"http://127.0.0.1/x\",\"点我\")",
    "+1",
    "-1",
    "@SUM(A1:A9)",
    "' OR 1=1 --",
    "Robert'); DROP TABLE household;--",
    "\u202eRTL覆盖\u202c",
    "零\u200b宽\u200d字\ufeff符",
    "表情😀🏠",
    "e\u0301\u0301\u0301组合字符",
    "{{7*7}}${7*7}",
]
#: Text that must never reach the database (NUL: PostgreSQL refuses it; a lone surrogate is no text at all).
INVALID_TEXT = ["含\x00空字符", "\x00", "孤立代理\ud800"]
DATES = ["2026-02-30", "9999-99-99", "", "0000-00-00", "2026-13-01", "昨天", "2026-01-01T25:61", "1e9"]
NUMBERS = ["-1", "1e20", "NaN", "Infinity", "1,000", "12.3456789", "99999999999999.99", "", "一百", "0x10"]
WRONG_TYPES = [None, [], {}, ["a"], {"a": 1}, True, 1.5, 10**30]
IDS = [MISSING_ID, -1, 0, "abc", 10**20]
PHONE_LIKE = ["12345", "1380013800０", "phone", "+86 138 0013 8000 ext 99999999999"]


def text_payloads(max_len: int | None) -> list:
    over = ["长" * ((max_len or 255) + 1), "a" * ((max_len or 255) * 4 + 7)]
    return VALID_TEXT + INVALID_TEXT + over + PHONE_LIKE


def _column_length(model, name: str) -> int | None:
    columns = inspect(model).columns
    if name in columns and getattr(columns[name].type, "length", None):
        return columns[name].type.length
    return None


# -- REST resources ------------------------------------------------------------------------

def api_views(app) -> list[ModelRestApi]:
    return [v for v in app.appbuilder.baseviews if isinstance(v, ModelRestApi)]


def api_payloads(api, name: str, field) -> list:
    """The hostile values for one schema field of a REST resource."""
    model = api.datamodel.obj
    if isinstance(field, (mf.Nested, mf.List)) or name.endswith("_id") or type(field).__name__ == "Related":
        return IDS + ["", "1 OR 1=1", [1], {"id": 1}]
    if isinstance(field, (mf.Decimal, mf.Float, mf.Integer, mf.Number)):
        return NUMBERS + WRONG_TYPES + ["<script>alert(1)</script>"]
    if isinstance(field, (mf.DateTime, mf.Date, mf.Time)):
        return DATES + WRONG_TYPES
    if isinstance(field, mf.Boolean):
        return ["maybe", "", 2, [], {}]
    return text_payloads(_column_length(model, name)) + WRONG_TYPES


def base_body(api, row, schema) -> dict:
    """A body built from an existing row: what a client resending it would send."""
    body = {}
    for name, field in schema.fields.items():
        if field.dump_only:
            continue
        value = getattr(row, name, None)
        if hasattr(value, "__table__"):
            value = getattr(value, "id", value)
        body[name] = jsonable(value)
    return body


def jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [getattr(v, "id", v) for v in value]
    return value


# -- screens -----------------------------------------------------------------------------

def model_views(app) -> list[ModelView]:
    return [v for v in app.appbuilder.baseviews if isinstance(v, ModelView)]


def form_payloads(view, name: str, field) -> list:
    """The hostile values for one WTForms field (all travel as form text)."""
    model = view.datamodel.obj
    kind = type(field.field_class if hasattr(field, "field_class") else field).__name__
    klass = getattr(field, "field_class", type(field))
    if issubclass(klass, (wf.DecimalField, wf.IntegerField, wf.FloatField)):
        return NUMBERS + ["<script>alert(1)</script>"]
    if issubclass(klass, (wf.DateField, wf.DateTimeField, wf.TimeField)) or "Date" in kind:
        return DATES
    if issubclass(klass, wf.BooleanField):
        return ["maybe", "y\x00"]
    if issubclass(klass, (wf.SelectField, wf.SelectMultipleField)) or "Select" in klass.__name__ \
            or "Query" in klass.__name__:
        return [str(MISSING_ID), "-1", "abc", "\x00", "' OR 1=1 --", "长" * 300]
    return [p for p in text_payloads(_column_length(model, name)) if "\ud800" not in p]


#: The tests act as admin1: its own user row and role are never the row a test changes
#: (renaming the admin role would take away its scope for the rest of the session).
ACTING_USER, ACTING_ROLE = "admin1", "admin"


def not_the_actor(model) -> list:
    """WHERE criteria keeping the acting user's own user and role rows out of reach."""
    from flask_appbuilder.security.sqla.models import Role, User

    if model is User:
        return [User.username != ACTING_USER]
    if model is Role:
        return [Role.name != ACTING_ROLE]
    return []


def first_row(datamodel):
    model = datamodel.obj
    query = datamodel.session.query(model).filter(*not_the_actor(model))
    if issubclass(model, SoftDeleteMixin):
        query = query.filter(model.deleted_on.is_(None))
    return query.order_by(*inspect(model).primary_key).first()


def form_data(app, view, route, pk, suffix="·审计") -> list[dict]:
    """Form posts of the row as it is, each with one text field changed by `suffix`."""
    with app.app_context(), app.test_request_context():
        form = (view.add_form if route == "add" else view.edit_form)()
        row = db.session.get(view.datamodel.obj, pk)
        base, texts = {}, []
        for field in form:
            value = getattr(row, field.name, None)
            if isinstance(getattr(type(row), field.name, None), property):
                value = None
            prop = getattr(getattr(type(row), field.name, None), "property", None)
            if isinstance(prop, RelationshipProperty):
                value = [v.id for v in value] if prop.uselist and value is not None else getattr(value, "id", None)
            value = jsonable(value)
            if value is None or value is False:
                continue
            base[field.name] = "y" if value is True else value
            if isinstance(value, str) and type(field).__name__ in ("StringField", "TextAreaField"):
                texts.append(field.name)
        db.session.remove()
    return [{**base, name: base[name] + suffix} for name in texts] or [base]
