"""Demo data of the shift handover (交接班): posts, shifts, a week of rota and a
few signed handovers per centre. Idempotent (natural keys looked up first).

The demo handovers are history: they are written as they were recorded and
signed (snapshot lines from the open work orders now), not through the
service, whose blockers and server time belong to live handovers.
"""

from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from app import timeutil
from app.extensions import db
from app.models.estate import ServiceCenter
from app.models.handover import Handover, HandoverCheck, Post, RotaEntry, Shift
from app.services.handover import _snapshot, pending_orders
from app.workflows import handover as rules

POSTS = [  # code, name, category, checklist
    ("FD", "前台", "frontdesk", "对讲机、钥匙、现金、资料"),
    ("MON", "监控", "monitor", "对讲机、钥匙、监控记录本"),
    ("ENG", "工程", "engineering", "对讲机、钥匙、工具箱、资料"),
]
SHIFTS = [("早", time(8), time(16)), ("中", time(16), time(0)), ("夜", time(0), time(8))]
#: centre → post code → (早, 中) logins; absent logins are skipped.
ROTA = {
    "SC01": {"FD": ("frontdesk1", "frontdesk3"), "ENG": ("technician1", None)},
    "SC02": {"FD": ("frontdesk2", None), "ENG": ("technician2", None)},
}
ROTA_DAYS = range(-3, 4)  # a week around today


def _get_or_add(model, defaults=None, **key):
    row = db.session.scalars(select(model).filter_by(deleted_on=None, **key)).first()
    if row is None:
        row = model(**key, **(defaults or {}))
        db.session.add(row)
        db.session.flush()
    return row


def _center_setup(center):
    posts = {code: _get_or_add(Post, center_id=center.id, code=code,
                               defaults={"name": name, "category": cat, "checklist_items": items, "active": True})
             for code, name, cat, items in POSTS}
    shifts = {name: _get_or_add(Shift, center_id=center.id, name=name, defaults={"start": start, "end": end})
              for name, start, end in SHIFTS}
    return posts, shifts


def _rota(center, posts, shifts, users, today) -> int:
    added = 0
    for post_code, pair in ROTA.get(center.code, {}).items():
        for offset in ROTA_DAYS:
            day = today + timedelta(days=offset)
            # the two people alternate 早 / 中 day by day
            order = pair if offset % 2 == 0 else pair[::-1]
            for shift_name, username in zip(("早", "中"), order, strict=True):
                user = users.get(username)
                if user is None:
                    continue
                key = {"day": day, "shift_id": shifts[shift_name].id, "user_id": user.id}
                if db.session.scalars(select(RotaEntry).filter_by(deleted_on=None, **key)).first() is None:
                    db.session.add(RotaEntry(center_id=center.id, post_id=posts[post_code].id, **key))
                    added += 1
    return added


def _signed_handover(center, post, shift, outgoing, incoming, day) -> int:
    if db.session.scalars(select(Handover).filter_by(post_id=post.id, shift_id=shift.id, shift_date=day)).first():
        return 0
    handed = datetime.combine(day, shift.end) + timedelta(days=1 if shift.end <= shift.start else 0)
    handed -= timedelta(minutes=5)
    shift_date, shift_end = rules.shift_end(shift.start, shift.end, handed)
    h = Handover(center_id=center.id, post=post, shift=shift, outgoing=outgoing, incoming=incoming,
                 handed_at=handed, shift_date=shift_date, shift_end=shift_end, is_late=False, late_minutes=0,
                 leader_instructions="注意跟进未办结的投诉，重大事项及时上报主管。", notes="交接正常。",
                 status="signed", signed_at=handed + timedelta(minutes=8))
    h.items = [_snapshot(o) for o in pending_orders(post)[:20]]
    h.checks = [HandoverCheck(position=i, name=n, count=1 if n != "现金" else 0, ok=True)
                for i, n in enumerate(rules.checklist_names(post.checklist_items), start=1)]
    db.session.add(h)
    return 1


def load_handover(progress=print) -> dict[str, int]:
    sm = current_app.appbuilder.sm
    today = timeutil.today()
    names = {n for posts in ROTA.values() for pair in posts.values() for n in pair if n}
    users = {n: sm.find_user(username=n) for n in names}
    counts = {"rota": 0, "handovers": 0}
    for center in db.session.scalars(select(ServiceCenter).where(ServiceCenter.code.in_(ROTA),
                                                                 ServiceCenter.deleted_on.is_(None))):
        posts, shifts = _center_setup(center)
        counts["rota"] += _rota(center, posts, shifts, users, today)
        fd = ROTA[center.code]["FD"]
        if users.get(fd[0]) and fd[1] and users.get(fd[1]):
            for offset in (-2, -1):
                day = today + timedelta(days=offset)
                a, b = (users[fd[0]], users[fd[1]]) if offset % 2 == 0 else (users[fd[1]], users[fd[0]])
                counts["handovers"] += _signed_handover(center, posts["FD"], shifts["早"], a, b, day)
        db.session.commit()
        progress(f"  handover {center.code}: posts, shifts and rota ready")
    return counts
