"""The data interface every register view and API uses.

It applies centre scope and hides soft-deleted rows inside FAB's one query
path (`_apply_inner_all`), which serves lists, counts, `get` (show, edit,
delete, actions — FAB's actions skip base_filters) and related-field
dropdowns (FAB builds those from `self.__class__`). Deletes only mark.
"""

from flask_appbuilder.models.sqla.interface import SQLAInterface

from app.models.mixins import SoftDeleteMixin
from app.services.records import visible


class ScopedInterface(SQLAInterface):
    def _apply_inner_all(self, query, filters=None, *args, **kwargs):
        return super()._apply_inner_all(query.filter(*visible(self.obj)), filters, *args, **kwargs)

    def delete(self, item, commit: bool = True) -> None:
        """The view's pre_delete already marked the row; persist the mark."""
        if not isinstance(item, SoftDeleteMixin):
            return super().delete(item, commit)
        self.edit(item, commit)

    def delete_all(self, items) -> None:
        for item in items:
            self.delete(item, commit=False)
        self.session.commit()
