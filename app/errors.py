"""Domain errors: raised by services, shown to the user by views and APIs."""


class DomainError(Exception):
    """A rule said no. `status` is the HTTP code the API answers with."""

    status = 422

    def __init__(self, message, status: int | None = None):
        super().__init__(str(message))
        self.message = message
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return str(self.message)


class ScopeError(DomainError):
    """The row belongs to a service centre the user does not serve."""

    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class Busy(DomainError):
    """The database could not take the write right now (SQLite writer lock): retry."""

    status = 503


def integrity_cause(error: BaseException | None):
    """The database's unique/exclusion refusal behind `error`, however it was wrapped
    (FAB's DatabaseException, the data interface's Conflict), or None."""
    from sqlalchemy.exc import IntegrityError

    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, IntegrityError):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None
