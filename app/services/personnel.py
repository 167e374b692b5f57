"""Rules of the personnel register (人员). STUB: being filled in.

Views and APIs call before_save(item) / before_delete(item) for every
personnel model; approval effects register with app.services.approvals.
"""

from app.services import records


def before_save(item) -> None:
    records.resolve_center(item)


def before_delete(item) -> None:
    records.soft_delete(item)
