"""Screen formatters chosen by column type, so no list forgets one (issue 7).

Every Money column shows as ¥1,234.50, every DateTime to the minute, every Date
as 2026-12-01 — on lists and detail pages, in both languages. A view's own
formatter for a column wins. Floor areas (Area, a Money subtype) stay plain.
"""

from sqlalchemy import Date, DateTime, inspect

from app.formatting import day, minute, money
from app.models.mixins import Area, Money


def _column(model, dotted: str):
    """The mapped column behind `a.b.c`, or None (a property, a method, a relation)."""
    mapper = inspect(model)
    *path, leaf = dotted.split(".")
    for part in path:
        rel = mapper.relationships.get(part)
        if rel is None:
            return None
        mapper = rel.mapper
    return mapper.columns.get(leaf)


def type_formatters(model, columns, money_columns=()) -> dict:
    """{column: formatter} for the money and date columns among `columns`."""
    out = {}
    for name in columns:
        column = _column(model, name)
        kind = getattr(column, "type", None)
        if isinstance(kind, Money) and not isinstance(kind, Area):
            out[name] = money
        elif isinstance(kind, DateTime):
            out[name] = minute
        elif isinstance(kind, Date):
            out[name] = day
    out.update({name: money for name in money_columns})
    return out
