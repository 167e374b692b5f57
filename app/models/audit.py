"""Append-only change log: one row per create / update / delete of a register row."""

from flask_appbuilder.models.sqla import Model
from sqlalchemy import Column, DateTime, Integer, String, Text


class AuditLog(Model):
    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, index=True)
    user_id = Column(Integer, index=True)  # no FK: the log outlives users
    user_name = Column(String(100))
    event = Column(String(30), nullable=False)  # create / update / delete / …
    table_name = Column(String(64), nullable=False, index=True)
    row_id = Column(String(64), index=True)
    before = Column(Text)  # JSON of changed columns
    after = Column(Text)

    def __str__(self):
        return f"{self.table_name}#{self.row_id} {self.event}"
