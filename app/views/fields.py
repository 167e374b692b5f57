"""Form fields: searchable selects for large relations, validator adapters."""

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from marshmallow import ValidationError as MarshmallowValidationError
from marshmallow.fields import Integer as MarshmallowInteger
from wtforms import Field
from wtforms.validators import ValidationError

from app.services.input_guard import int_in_range
from app.services.records import scoped_get


class SearchSelectWidget:
    """A select2 box that asks the server as the user types (never the whole table)."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint

    def __call__(self, field, **kwargs):
        from flask import url_for

        obj = field.data
        option = ""
        if obj is not None:
            option = f'<option value="{escape(obj.id)}" selected>{escape(str(obj))}</option>'
        return Markup(  # noqa: S704 - every interpolated value is escaped  # nosec B704
            f'<select id="{escape(field.id)}" name="{escape(field.name)}" '
            f'class="form-control search-select" style="width:100%" '
            f'data-endpoint="{escape(url_for(self.endpoint))}" '
            f'data-placeholder="{escape(_l("输入关键字搜索"))}">'
            f'<option value=""></option>{option}</select>'
        )


class SearchSelectField(Field):
    """Holds one related row, chosen by id; only rows in the user's scope resolve."""

    def __init__(self, label=None, validators=None, model=None, endpoint=None, required=False, **kwargs):
        super().__init__(label, validators, widget=SearchSelectWidget(endpoint), **kwargs)
        self.model = model
        self.required = required
        self.flags.required = required
        self._raw = None

    def process_formdata(self, valuelist):
        self._raw = valuelist[0] if valuelist else None
        self.data = scoped_get(self.model, self._raw) if self._raw else None

    def pre_validate(self, form):
        if self._raw and self.data is None:
            raise ValidationError(_l("所选记录不存在或不在您的服务中心范围内"))
        if self.required and self.data is None:
            raise ValidationError(_l("此项必填，请输入关键字搜索后选择"))


def wtf_check(check, skip=None):
    """Adapt a pure check (raises ValueError) to a WTForms validator.

    `skip(value)` lets through values the service resolves itself (a masked
    ID number sent back unchanged).
    """

    def validator(form, field):
        if field.data and not (skip and skip(field.data)):
            try:
                field.data = check(field.data)
            except ValueError as e:
                raise ValidationError(str(e)) from None

    return validator


def api_check(check):
    """Adapt a pure check to a marshmallow validator (REST API → 422)."""

    def validator(value):
        if value:
            try:
                check(value)
            except ValueError as e:
                raise MarshmallowValidationError(str(e)) from None

    return validator


class RowId(MarshmallowInteger):
    """A foreign-key field of a REST body: FAB leaves `<name>_id` columns untyped
    (marshmallow's Inferred), so a list or an object reached the service and the
    database driver (a 500). Only a whole number in the database's range passes."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise MarshmallowValidationError(str(_l("请填写有效的记录编号（整数）")))
        try:
            number = int(value)
        except ValueError:
            raise MarshmallowValidationError(str(_l("请填写有效的记录编号（整数）"))) from None
        if not int_in_range(number):
            raise MarshmallowValidationError(str(_l("所选记录不存在或不在您的服务中心范围内")))
        return number


def typed_row_ids(schema, model) -> None:
    """Replace the untyped `<name>_id` fields of a load schema by RowId (in place)."""
    if schema is None:
        return
    columns = {c.key: c for c in model.__table__.columns}
    for name, field in list(schema.fields.items()):
        column = columns.get(name)
        if type(field).__name__ != "Inferred" or column is None or not column.foreign_keys:
            continue
        typed = RowId(allow_none=True, required=field.required, data_key=field.data_key)
        typed._bind_to_schema(name, schema)
        schema.fields[name] = schema.load_fields[name] = typed
        schema.declared_fields[name] = typed
