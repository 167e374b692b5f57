"""通知: event notifications for one user ("your request was approved", "a work
order was assigned to you"), written by the services in the same transaction
as the event, with read/unread state per user.

The text is not stored: `kind` names a translated message and `subject` is
the row's own words (an approval title, an order number), so a notification
reads in the language of whoever opens it. `target_type`/`target_id` name the
row to act on; the view turns them into a link.
"""

from flask_appbuilder.models.sqla import Model
from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Text


class Notification(Model):
    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_read", "user_id", "read_at", "id"),)

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False)
    center_id = Column(Integer, ForeignKey("service_center.id"), index=True)
    kind = Column(String(30), nullable=False)  # approval_approved | approval_rejected | … (see services)
    subject = Column(String(200), nullable=False)
    target_type = Column(String(20))  # approval | work_order
    target_id = Column(Integer)
    actor_name = Column(String(100))
    comment = Column(Text)
    created_at = Column(DateTime, nullable=False)
    read_at = Column(DateTime)

    def __str__(self):
        return self.subject
