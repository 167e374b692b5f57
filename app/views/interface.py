"""The data interface every register view and API uses.

It applies centre scope and hides soft-deleted rows inside FAB's one query
path (`_apply_inner_all`), which serves lists, counts, `get` (show, edit,
delete, actions — FAB's actions skip base_filters) and related-field
dropdowns (FAB builds those from `self.__class__`). Deletes only mark.

List pages (`query`) load only what a row shows (issue 8): collections that
the model loads eagerly for its detail page (a work order's events, an
approval's steps, a user's centres behind a many-to-one) are loaded lazily
instead, unless a list column names them — one query per page, not one per
collection; a template that does read one still gets it, just lazily.
"""

from flask import g
from flask_appbuilder.exceptions import DatabaseException
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext as _
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import defaultload, joinedload, lazyload

from app.errors import Busy, Conflict, DomainError
from app.models.mixins import SoftDeleteMixin
from app.services.records import visible

_EAGER = {"selectin", "joined", "subquery", "immediate"}
#: From this many rows skipped on, a list page selects its ids first (see _deep_page).
DEEP_OFFSET = 1_000


class AtLeast(int):
    """A row count that stopped counting: shown as "10000+" (the pager still works)."""

    capped = True

    def __str__(self):
        return f"{int(self)}+"


def _eager_collections(mapper):
    return [rel for rel in mapper.relationships if rel.uselist and rel.lazy in _EAGER]


def list_load_options(model, select_columns=None, shown=()) -> list:
    """Lazy loading for eager collections of `model` and of its many-to-one targets;
    joined loading for the lazy many-to-one relations a list column shows (`shown`),
    e.g. a payment's cashier: one query for the page, not one per row."""
    named = {c.split(".")[0] for c in select_columns or ()}
    mapper = inspect(model)
    options = [lazyload(getattr(model, rel.key)) for rel in _eager_collections(mapper) if rel.key not in named]
    shown_roots = {c.split(".")[0] for c in shown}
    for rel in mapper.relationships:
        if rel.uselist:
            continue
        if rel.lazy == "select" and rel.key in shown_roots:
            loader = joinedload(getattr(model, rel.key))
        elif rel.lazy in _EAGER:
            loader = defaultload(getattr(model, rel.key))
        else:
            continue
        target = rel.mapper.class_
        subs = _eager_collections(rel.mapper)
        options += [loader.lazyload(getattr(target, sub.key)) for sub in subs] if subs else [loader]
    return options


class ScopedInterface(SQLAInterface):
    #: Stop counting a list's rows past this many (set by ScopedModelView for its own
    #: interface; None = exact, as the REST API and dropdowns keep it). At least the
    #: rows up to two pages past the one shown are always counted.
    count_cap: int | None = None
    #: The list's columns (set by ScopedModelView): lazy relations among them are joined.
    shown_columns: tuple[str, ...] = ()
    #: Named orders of several columns (set by ScopedModelView; app/views/list_orders.py).
    compound_orders: dict = {}

    def apply_order_by(self, query, order_column, order_direction, *args, **kwargs):
        """FAB's one-column order, or a named order of several columns."""
        order = self.compound_orders.get(order_column)
        if order is None:
            return super().apply_order_by(query, order_column, order_direction, *args, **kwargs)
        return order(query, order_direction != "desc")

    def _apply_inner_all(self, query, filters=None, *args, **kwargs):
        return super()._apply_inner_all(query.filter(*visible(self.obj)), filters, *args, **kwargs)

    def query(self, filters=None, order_column="", order_direction="", page=None, page_size=None,
              select_columns=None, outer_default_load=False):
        """FAB's list query (count, then one page) with list_load_options. Without
        paging (the related rows of a filter dropdown) the count is the rows' number:
        no COUNT query."""
        paged = page is not None or page_size is not None
        count = self._count(filters, select_columns, page, page_size) if paged else None
        if paged and not select_columns and (page or 0) * (page_size or 0) >= DEEP_OFFSET:
            return count, self._deep_page(filters, order_column, order_direction, page, page_size)
        query = self.apply_all(
            self.session.query(self.obj).options(*list_load_options(self.obj, select_columns, self.shown_columns)),
            filters, order_column, order_direction, page, page_size, select_columns, outer_default_load,
        )
        results = query.all()
        if results and hasattr(results[0], self.obj.__name__):
            results = [getattr(item, self.obj.__name__) for item in results]
        return (len(results) if count is None else count), results

    def _deep_page(self, filters, order_column, order_direction, page, page_size) -> list:
        """A far page: skip the OFFSET rows on ids alone (index only), then load the page's
        rows with their joins — not every skipped row's joins."""
        ids = [row[0] for row in self.apply_all(self.session.query(self.obj.id), filters, order_column,
                                                order_direction, page, page_size)]
        if not ids:
            return []
        rows = self.session.query(self.obj).options(*list_load_options(self.obj, None, self.shown_columns))
        by_id = {item.id: item for item in rows.filter(self.obj.id.in_(ids)).all()}
        return [by_id[i] for i in ids if i in by_id]

    def _count(self, filters, select_columns, page, page_size) -> int:
        if not self.count_cap:
            return self.query_count(self.session.query(self.obj), filters, select_columns)
        cap = max(self.count_cap, ((page or 0) + 3) * (page_size or 0))
        inner = self._apply_inner_all(self.session.query(self.obj.id), filters, select_columns=select_columns,
                                      aliases_mapping={})
        found = inner.limit(cap + 1).count()
        return AtLeast(cap) if found > cap else found

    def add(self, item, commit: bool = True) -> None:
        self._saving(super().add, item, commit)

    def edit(self, item, commit: bool = True) -> None:
        self._saving(super().edit, item, commit)

    def _saving(self, save, item, commit) -> None:
        """FAB's add re-raises the database error (a REST 500) and edit answers its English
        text: the user gets a Chinese refusal instead, and nothing is written. The
        services and services.input_guard refuse first; this is the last line."""
        try:
            save(item, commit)
        except DomainError:
            self.session.rollback()
            raise
        except (SQLAlchemyError, DatabaseException) as e:
            self.session.rollback()
            cause = e.__cause__ if isinstance(e, DatabaseException) else e
            refusal = _retryable(cause)  # lost optimistic lock (409) / SQLite busy (503)
            if refusal is not None:
                raise refusal from e
            if isinstance(cause, IntegrityError):
                raise Conflict(_("与已有记录重复或冲突（如编号已被使用），请检查后重试")) from e
            raise DomainError(_("输入的数据无法保存，请检查各项后重试")) from e

    def delete(self, item, commit: bool = True) -> None:
        """The view's pre_delete already marked the row; persist the mark."""
        if not isinstance(item, SoftDeleteMixin):
            return super().delete(item, commit)
        self.edit(item, commit)

    def delete_all(self, items) -> None:
        for item in items:
            self.delete(item, commit=False)
        self.session.commit()


def _retryable(error):
    """A lost optimistic lock or SQLite's writer lock as the user's refusal (409 / 503),
    remembered for the web form's flash (FAB flashes its own text for failed saves)."""
    from app.views.errors import BUSY_MESSAGE, STALE_MESSAGE, fault_status

    status = fault_status(error)
    if status is None:
        return None
    refusal = Conflict(STALE_MESSAGE) if status == 409 else Busy(BUSY_MESSAGE)
    g.database_refusal = refusal
    return refusal
