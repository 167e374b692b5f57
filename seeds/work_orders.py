"""Demo 工单: about 300 orders per centre over the last three months, in every
state, so that the desk, my orders, the SLA scan and the monthly KPIs have
something to show.

Every order goes through the real service: `before_save` for the intake and
`transition` for each state change, acted by the demo user of that desk in a
request context with g.user set (scope checks and audit trail as if people
had done it). Nothing is monkeypatched: the service stamps each transition
with the server's time, and right after it the seed moves the stamps it
just wrote (dispatched_at, arrived_at, completed_at, visited_at, event.at …)
back to the planned moment; each order ends with `refresh_deadlines` so the
deadlines follow the planned timeline. Plans are drawn from a seeded RNG
(deterministic for a given "now"); an order's steps that would lie in the
future are not fired, so recent orders stay open in whatever state their
timeline has reached.

Idempotent: a centre that already has any work order is left alone (the
demo never mixes made-up orders into a register in use); running twice adds
nothing.

Dispatch needs an active technician of the order's centre: the seed adds
`technician2` / `demo-technician` bound to SC02 (like frontdesk2), if missing.
"""

import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from flask import current_app, g
from sqlalchemy import func, select

from app import timeutil
from app.extensions import db
from app.models.estate import Building, Household, ServiceCenter, Unit
from app.models.work_orders import WorkOrder
from app.services import work_orders as service

#: demo login of SC02's technician (demo mode only, like the other demo users)
TECHNICIAN_SC02 = "technician2"
TECHNICIAN_SC02_PASSWORD = "demo-technician"  # noqa: S105 - demo mode only, listed in the README

ORDERS_PER_CENTER = 290  # plus the dozen "right now" scenarios below
DAYS_BACK = 92
BATCH = 50

#: who does what at each centre: desk (intake, dispatch, callback, close), supervisor
#: (re-arranges reworks, some callbacks), manager (closes major complaints), technician
ACTORS = {
    "SC01": {"desk": "frontdesk1", "supervisor": "supervisor1", "manager": "center_manager1",
             "technician": "technician1"},
    "SC02": {"desk": "frontdesk2", "supervisor": "frontdesk2", "manager": "frontdesk2",
             "technician": TECHNICIAN_SC02},
}

# -- what people report ---------------------------------------------------------------

REPAIRS = {
    ("emergency", "indoor"): [
        "卫生间水管爆裂，水已流到客厅", "厨房进水管接头爆裂，漏水严重", "家中突然停电，总闸合不上",
        "户内配电箱冒烟，有焦味", "楼上渗水到本户天花板，水量较大", "热水器进水阀爆裂，关不住水",
    ],
    ("emergency", "public"): [
        "电梯困人，轿厢内有两名业主", "地下车库消防水管爆裂", "单元走廊整层停电", "电梯故障停在两层之间",
        "小区主供水管漏水，路面大量积水", "配电房跳闸，半栋楼停电",
    ],
    ("minor", "indoor"): [
        "厨房水龙头漏水", "马桶水箱不停流水", "卧室灯不亮，需更换灯管", "插座松动，接触不良",
        "洗手盆下水堵塞", "防盗门锁芯不好用", "阳台地漏返味", "窗户合页松动关不严", "卫生间排气扇不转",
        "可视对讲门铃没有声音", "阳台晾衣架拉绳断了",
    ],
    ("minor", "public"): [
        "楼道灯不亮", "单元门禁刷卡无反应", "小区东门道闸抬杆很慢", "信报箱门损坏", "儿童游乐区秋千螺丝松动",
        "垃圾桶盖损坏", "楼梯扶手松动", "地下车库照明灯不亮", "单元门闭门器漏油，门关不上",
        "电梯按钮失灵，按了没反应",
    ],
    ("medium", "indoor"): [
        "卫生间防水层渗漏，楼下天花板发霉", "外墙渗水导致卧室墙面发霉", "入户门变形，需调整或更换",
        "厨房吊柜松脱，需重新固定", "客厅吊顶开裂下垂",
    ],
    ("medium", "public"): [
        "屋面防水层开裂漏水", "小区围墙部分墙砖脱落", "地下车库排水沟盖板破损", "外墙瓷砖空鼓，有坠落风险",
        "消防栓箱门损坏需更换", "绿化带喷灌管道漏水", "门禁主机损坏，整个单元刷卡失效",
    ],
}
PUBLIC_PLACES = ("电梯厅", "大堂", "楼道", "地下车库B区", "屋面", "北侧绿化带", "单元门口", "消防通道")
COMPLAINTS = {
    "major": [
        "多次报修卫生间漏水仍未解决，业主要求赔偿并投诉维修人员",
        "业主投诉保安态度恶劣，双方发生争执",
        "车辆在地下车库被刮花，要求查看监控并赔偿",
    ],
    "important": [
        "楼上装修噪音，晚上九点后仍在施工", "小区内宠物狗未拴绳，吓到小孩", "自己的车位被他人长期占用",
        "电梯近期故障频繁，影响老人出行", "对本月物业费金额有异议，认为收费不合理", "快递员随意进出小区，门禁形同虚设",
    ],
    "minor": [
        "夜间广场舞音响声音太大", "楼道内堆放杂物无人清理", "垃圾清运不及时，有异味", "绿化修剪后树枝未清理",
        "邻居空调外机滴水到本户阳台", "噪音投诉：楼下商铺早上六点卸货", "保洁员拖地后地面湿滑无警示牌",
    ],
}
CONSULTS = [
    "咨询临时停车收费标准", "咨询月租车位如何办理", "咨询物业费缴纳方式及缴费时间", "咨询装修申报需要哪些资料",
    "咨询门禁卡补办流程及费用", "咨询本月水电费账单明细", "咨询停车月卡续费", "咨询快递柜位置及使用方法",
    "咨询访客车辆如何登记进入", "咨询小区泳池开放时间",
]
SUGGESTIONS = [
    "建议增加小区电动车充电桩", "建议在儿童游乐区加装遮阳棚", "建议绿化带旁增加休息座椅", "建议延长泳池开放时间",
    "建议增设快递柜", "建议地下车库增加指示标识",
]
HELPS_ANSWERED = [
    "老人忘带钥匙被锁在门外，请求帮忙联系家属", "车辆电瓶没电，请求协助搭电", "捡到钱包一个，请求物业招领",
    "家中老人走失，请求查看监控", "请求代收大件快递",
]
HELPS_DISPATCHED = ["钥匙断在门锁里，请求协助开锁", "家中水闸拧不动，请求帮忙关闭", "大件家具搬运请求协助"]
PAID_SERVICES = [
    ("更换厨房水龙头", "水龙头1个、生料带1卷", "80.00"),
    ("疏通主卧卫生间下水道", "疏通机使用费", "120.00"),
    ("安装窗帘轨道两套", "膨胀螺丝12个", "150.00"),
    ("更换客厅及卧室灯具", "LED吸顶灯3个", "360.00"),
    ("空调清洗两台", "清洗剂2瓶", "200.00"),
    ("安装阳台电动晾衣架", "膨胀螺丝8个", "180.00"),
    ("更换马桶进水阀", "进水阀1套", "95.00"),
    ("更换入户门锁芯", "C级锁芯1个", "260.00"),
]
SUSPEND_REASONS = {
    "dispatched": ["业主不在家，约定改天上门", "业主要求周末上门", "需楼上业主配合开门检查，已约好时间"],
    "in_progress": ["缺配件，已订购原厂配件", "需业主确认维修方案及费用", "等待电梯维保公司派员上门",
                    "需停水作业，已与业主约定时间"],
}
RESCHEDULE_REASONS = ["维修人员正在处理急修，与业主改约时间", "业主临时外出，改约时间",
                      "维修人员无法在30分钟内到场，已与业主重新约定"]
CALLBACK_NOTES = {
    "satisfied": ["业主表示满意", "维修及时，业主满意", "", ""],
    "basically": ["业主基本满意，希望下次更快到场", "业主反映维修后现场未清理干净", ""],
    "unsatisfied": ["业主反映问题未彻底解决", "业主对处理时长不满意"],
}
DEFECT_NOTES = ["修好后当晚又开始漏水，需返修", "业主反映问题仍然存在，需返修", "灯具再次不亮，需返修"]
SOURCE_WEIGHTS = {"phone": 40, "visit": 20, "online": 15, "patrol": 9, "letter": 3, "monitor": 5, "other_dept": 8}
#: hour of day → weight of intakes (few at night, peaks in the morning and evening)
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 1, 2, 5, 9, 10, 9, 8, 6, 6, 8, 8, 8, 8, 9, 10, 9, 6, 4, 2]


# -- plans ----------------------------------------------------------------------------

@dataclass
class Step:
    action: str
    actor: str  # role key in ACTORS
    at: datetime
    details: dict = field(default_factory=dict)
    agreed_at: datetime | None = None  # the planned agreed time (reschedule, suspend)


@dataclass
class Plan:
    kind: str
    severity: str | None
    source: str
    description: str
    received_at: datetime
    repair_scope: str | None = None
    household_id: int | None = None
    location: str | None = None
    department: str | None = None
    quoted_price: Decimal | None = None
    materials: str | None = None
    steps: list[Step] = field(default_factory=list)


class Planner:
    """Draws the orders of one centre: what is reported and its timeline."""

    def __init__(self, rng: random.Random, now: datetime, households: dict[int, str], calendar):
        self.rng, self.now, self.calendar = rng, now, calendar
        self.households = households  # id → name of its building
        self.household_ids = sorted(households)
        self.buildings = sorted(set(households.values()))

    # what
    def order(self, received_at: datetime, kind: str | None = None, severity: str | None = None,
              scope: str | None = None, source: str | None = None) -> Plan:
        r = self.rng
        kind = kind or r.choices(("repair", "complaint", "consult", "suggestion", "help", "paid_service"),
                                 (50, 12, 15, 5, 8, 10))[0]
        source = source or r.choices(list(SOURCE_WEIGHTS), list(SOURCE_WEIGHTS.values()))[0]
        plan = Plan(kind=kind, severity=None, source=source, description="", received_at=received_at)
        if kind == "repair":
            plan.severity = severity or r.choices(("emergency", "minor", "medium"), (12, 60, 28))[0]
            default_scope = "public" if source in ("patrol", "monitor") or r.random() < 0.35 else "indoor"
            plan.repair_scope = scope or default_scope
            text = r.choice(REPAIRS[(plan.severity, plan.repair_scope)])
            plan.department = "engineering"
            if plan.repair_scope == "indoor":
                plan.household_id = r.choice(self.household_ids)
            else:
                if source in ("phone", "visit", "online", "letter"):
                    plan.household_id = r.choice(self.household_ids)  # an owner of that building reported it
                    building = self.households[plan.household_id]
                else:
                    building = r.choice(self.buildings)  # found on patrol or on the cameras
                plan.location = f"{building}{r.choice(PUBLIC_PLACES)}"
                text = f"{building}{text}" if text.startswith(("电梯", "单元", "楼道", "屋面", "外墙")) else text
            plan.description = text
        elif kind == "complaint":
            plan.severity = severity or r.choices(("major", "important", "minor"), (5, 35, 60))[0]
            plan.description = r.choice(COMPLAINTS[plan.severity])
            plan.household_id = r.choice(self.household_ids)
            plan.department = "service"
        elif kind == "paid_service":
            text, materials, price = r.choice(PAID_SERVICES)
            plan.description, plan.materials, plan.quoted_price = text, materials, Decimal(price)
            plan.household_id = r.choice(self.household_ids)
            plan.department = "engineering"
        else:
            texts = {"consult": CONSULTS, "suggestion": SUGGESTIONS, "help": HELPS_ANSWERED + HELPS_DISPATCHED}
            plan.description = r.choice(texts[kind])
            plan.household_id = r.choice(self.household_ids)
            plan.department = "security" if kind == "help" and "监控" in plan.description else "service"
            if plan.source in ("patrol", "monitor"):
                plan.source = "phone"
        return plan

    # when
    def minutes(self, lo: float, hi: float) -> timedelta:
        return timedelta(minutes=self.rng.uniform(lo, hi))

    def working(self, moment: datetime) -> datetime:
        """Desk work (callbacks, closing) happens in the centre's working hours."""
        start = self.calendar.next_working_start(moment)
        return start if start == moment else start + self.minutes(0, 90)

    def timeline(self, plan: Plan, *, late: bool | None = None, suspend: bool | None = None,
                 reschedule: bool | None = None, defect: bool | None = None, late_callback: bool | None = None,
                 work: tuple[float, float] | None = None) -> Plan:
        """The order's natural course from intake to closing (the caller cuts what lies ahead)."""
        r = self.rng
        late = r.random() < 0.08 if late is None else late
        t = plan.received_at
        if plan.kind in ("consult", "suggestion") or (plan.kind == "help" and plan.description in HELPS_ANSWERED):
            t += self.minutes(3, 50)
            plan.steps.append(Step("answer", "desk", t))
            self._callback_and_close(plan, t, defect=False, late_callback=late_callback)
            return plan
        t += self.minutes(1, 4.5) if r.random() < 0.9 else self.minutes(6, 25)
        plan.steps.append(Step("dispatch", "desk", t, {"assignee": True}))
        t = self._visit(plan, t, late=late, suspend=suspend, reschedule=reschedule, work=work)
        self._callback_and_close(plan, t, defect=defect, late_callback=late_callback)
        return plan

    def _visit(self, plan: Plan, dispatched: datetime, *, late: bool, suspend, reschedule, work=None) -> datetime:
        """start … complete, maybe rescheduled or suspended on the way; returns the completion time."""
        r = self.rng
        t = dispatched
        if reschedule is None:
            reschedule = plan.kind in ("repair", "paid_service") and plan.severity != "emergency" and r.random() < 0.08
        if suspend is None:
            suspend = plan.kind in ("repair", "paid_service") and r.random() < 0.09
        if suspend and not reschedule and r.random() < 0.4:
            # the owner is not at home: suspended before anyone went, resumed at the agreed time
            t = self._suspend(plan, t + self.minutes(1, 5), "dispatched") + self.minutes(0, 10)
            suspend = False
        elif reschedule:
            t += self.minutes(2, 20)
            agreed = t + self.minutes(60, 240)
            plan.steps.append(Step("reschedule", r.choice(("desk", "technician")), t,
                                   {"reason": r.choice(RESCHEDULE_REASONS)}, agreed_at=agreed))
            t = agreed + self.minutes(-10, 10)
        elif plan.kind == "complaint":
            t += self.minutes(15, 180)  # the department takes it up
        elif plan.severity == "emergency":
            t += self.minutes(3, 9) if r.random() < 0.85 else self.minutes(11, 25)
        else:
            t += self.minutes(5, 14) if r.random() < 0.85 else self.minutes(16, 45)
        plan.steps.append(Step("start", "technician", t))
        if suspend:
            t = self._suspend(plan, t + self.minutes(15, 60), "in_progress")
        due = self._due_hours(plan)
        if work is not None:
            hours = r.uniform(*work)
        elif due is None:
            hours = r.uniform(0.25, 0.7)
        elif r.random() < 0.7:
            hours = r.uniform(0.3, min(due * 0.5, 6))
        else:
            hours = r.uniform(0.3, due * 0.9)
        done = t + timedelta(hours=hours)
        if due is not None:
            deadline = plan.received_at + timedelta(hours=due) + self._paused(plan)
            if late:
                done = max(done, deadline + timedelta(hours=r.uniform(1, 16)))
            elif done > deadline - timedelta(minutes=5) and deadline - t > timedelta(minutes=40):
                done = t + (deadline - t) * r.uniform(0.3, 0.9)
        plan.steps.append(Step("complete", "technician", done))
        return done

    def _suspend(self, plan: Plan, t: datetime, state: str) -> datetime:
        r = self.rng
        day = (t + timedelta(days=r.choice((1, 1, 2)))).date()
        agreed = datetime.combine(day, time(r.choice((9, 10, 14, 15, 16)), r.choice((0, 30))))
        plan.steps.append(Step("suspend", r.choice(("desk", "technician")), t,
                               {"reason": r.choice(SUSPEND_REASONS[state])}, agreed_at=agreed))
        resume = agreed - self.minutes(5, 20)
        plan.steps.append(Step("resume", "technician", resume))
        return resume

    @staticmethod
    def _paused(plan: Plan) -> timedelta:
        paused = timedelta()
        suspended = None
        for s in plan.steps:
            if s.action == "suspend":
                suspended = s.at
            elif s.action == "resume" and suspended is not None:
                paused += timedelta(minutes=int((s.at - suspended).total_seconds() // 60))
                suspended = None
        return paused

    @staticmethod
    def _due_hours(plan: Plan) -> float | None:
        return {("repair", "emergency"): 24, ("repair", "minor"): 24, ("repair", "medium"): 72,
                ("complaint", plan.severity): 48, ("paid_service", None): 72}.get((plan.kind, plan.severity))

    def _callback_and_close(self, plan: Plan, completed: datetime, *, defect, late_callback) -> None:
        r = self.rng
        late_callback = r.random() < 0.08 if late_callback is None else late_callback
        if late_callback:
            t = self.working(completed + timedelta(days=r.uniform(1.6, 3.5)))
        else:
            t = self.working(completed + self.minutes(20, 240))
        if defect is None:
            defect = plan.kind in ("repair", "paid_service") and r.random() < 0.045
        caller = "supervisor" if r.random() < 0.2 else "desk"
        if defect:
            plan.steps.append(Step("callback", caller, t, {
                "satisfaction": "unsatisfied", "method": "phone", "defect": True, "note": r.choice(DEFECT_NOTES)}))
            t += timedelta(hours=r.uniform(1, 20)) if r.random() < 0.85 else timedelta(hours=r.uniform(26, 40))
            plan.steps.append(Step("dispatch", "supervisor", t, {"assignee": True}))
            t = self._visit(plan, t, late=False, suspend=False, reschedule=False)
            self._callback_and_close(plan, t, defect=False, late_callback=False)
            return
        satisfaction = r.choices(("satisfied", "basically", "unsatisfied"), (74, 19, 7))[0]
        method = "visit" if plan.kind == "complaint" and r.random() < 0.3 or r.random() < 0.08 else "phone"
        plan.steps.append(Step("callback", caller, t, {
            "satisfaction": satisfaction, "method": method, "owner_signed": method == "visit",
            "note": r.choice(CALLBACK_NOTES[satisfaction])}))
        closer = "manager" if plan.kind == "complaint" and plan.severity == "major" else "desk"
        plan.steps.append(Step("close", closer, self.working(t + timedelta(hours=r.uniform(0.5, 40)))))


# -- running the plans through the service ---------------------------------------------

_STAMPS = ("dispatched_at", "responded_at", "arrived_at", "completed_at", "visited_at", "closed_at",
           "suspended_at", "callback_at", "escalated_at", "rework_dispatched_at", "rework_completed_at")


@contextmanager
def _acting(user):
    """A request context signed in as `user` (scope checks and audit trail)."""
    with current_app.test_request_context():
        g.user = user
        yield user


@contextmanager
def _bulk_session():
    """Keep loaded rows across the service's per-transition commits (the seed is
    the only writer meanwhile): without this every commit expires the order,
    its events and the actors' roles and centres, and reloading them triples
    the run time."""
    session = db.session()
    previous = session.expire_on_commit
    session.expire_on_commit = False
    try:
        yield
    finally:
        session.expire_on_commit = previous


class _Numbers:
    """Order numbers of the day the order was received (WO + yymmdd + sequence)."""

    def __init__(self):
        self.last: dict[str, int] = {}

    def next(self, received_at: datetime) -> str:
        prefix = f"WO{received_at:%y%m%d}"
        if prefix not in self.last:
            last = db.session.scalar(select(func.max(WorkOrder.order_no)).where(WorkOrder.order_no.like(prefix + "%")))
            self.last[prefix] = int(last[len(prefix):]) if last else 0
        self.last[prefix] += 1
        return f"{prefix}{self.last[prefix]:04d}"


def _execute(plan: Plan, center_id: int, users: dict, numbers: _Numbers, now: datetime) -> WorkOrder:
    order = WorkOrder(
        center_id=center_id, kind=plan.kind, severity=plan.severity, repair_scope=plan.repair_scope,
        source=plan.source, household_id=plan.household_id, location=plan.location,
        description=plan.description, department=plan.department, quoted_price=plan.quoted_price,
        materials=plan.materials, order_no=numbers.next(plan.received_at), created_on=plan.received_at,
    )
    with _acting(users["desk"]):
        service.before_save(order)
        # the intake happened at the planned moment
        order.received_at = plan.received_at
        if order.escalated_at is not None:
            order.escalated_at = plan.received_at
        db.session.add(order)
        db.session.flush()  # recorded by the desk (audit trail), even if nothing happens next
    for step in plan.steps:
        if step.at >= now:
            break  # still to come: the order stays in the state reached so far
        _fire(order, step, users)
    service.refresh_deadlines(order)
    return order


def _fire(order: WorkOrder, step: Step, users: dict) -> None:
    actor = users[step.actor]
    details = dict(step.details)
    if details.pop("assignee", False):
        details["assignee_id"] = users["technician"].id
    server_now = timeutil.now()
    if step.agreed_at is not None:
        details["agreed_at"] = server_now + timedelta(days=1)  # must lie ahead of the server's clock
    suspended_at, paused = order.suspended_at, order.paused_minutes or 0
    with _acting(actor):
        service.transition(order, step.action, actor=actor, **details)
    # move what the transition stamped "now" back to the planned moment
    for column in _STAMPS:
        value = getattr(order, column)
        if value is not None and value >= server_now:
            setattr(order, column, step.at)
    order.events[-1].at = step.at
    if step.agreed_at is not None:
        order.agreed_at = step.agreed_at
    if step.action == "resume" and suspended_at is not None:
        order.paused_minutes = paused + int((step.at - suspended_at).total_seconds() // 60)


def _technician_sc02(center: ServiceCenter):
    sm = current_app.appbuilder.sm
    user = sm.find_user(username=TECHNICIAN_SC02)
    if user is None:
        user = sm.add_user(
            username=TECHNICIAN_SC02, first_name=TECHNICIAN_SC02, last_name="维修/工程人员",
            email=f"{TECHNICIAN_SC02}@demo.invalid", role=sm.find_role("technician"),
            password=TECHNICIAN_SC02_PASSWORD,
        )
        if not user:
            raise RuntimeError(f"could not create the demo user {TECHNICIAN_SC02}")
    if [c.id for c in user.centers] != [center.id]:
        user.centers = [center]
    db.session.commit()
    return user


# -- the plans of one centre -------------------------------------------------------------

def _received_times(rng: random.Random, now: datetime, count: int) -> list[datetime]:
    times = []
    while len(times) < count:
        day = (now - timedelta(days=rng.randint(0, DAYS_BACK))).date()
        moment = datetime.combine(day, time(rng.choices(range(24), HOUR_WEIGHTS)[0], rng.randrange(60),
                                            rng.randrange(60)))
        if moment < now - timedelta(minutes=30):
            times.append(moment)
    return sorted(times)


def _now_scenarios(p: Planner, now: datetime) -> list[Plan]:
    """A dozen recent orders whose timelines stop in each open state right now."""

    def ago(**kw):
        back = timedelta(**kw)
        if back >= timedelta(hours=1):  # not all on the minute of the seed run
            back += p.minutes(-25, 25)
        return now - back

    def order(received_at, kind, severity=None, scope=None, source="phone", **timeline):
        return p.timeline(p.order(received_at, kind, severity, scope, source), **timeline)

    quiet = {"suspend": False, "reschedule": False, "late": False, "defect": False}
    return [
        # 已受理: just in; and a complaint whose dispatch is overdue
        _stop_before(p, order(ago(minutes=3), "repair", "minor", "indoor", **quiet), "dispatch"),
        _stop_before(p, order(ago(minutes=40), "complaint", "important", source="visit", **quiet), "dispatch"),
        _stop_before(p, order(ago(minutes=12), "consult"), "answer"),
        # 已派工: the technician is on the way; and one rescheduled with the owner
        _stop_before(p, order(ago(minutes=6), "repair", "minor", "public", "patrol", **quiet), "start"),
        _stop_before(p, order(ago(minutes=50), "repair", "minor", "indoor", "online",
                              **{**quiet, "reschedule": True}), "start"),
        # 处理中: one of them already past its completion deadline
        _stop_before(p, order(ago(minutes=45), "repair", "emergency", "public", "monitor", **quiet), "complete"),
        _stop_before(p, order(ago(hours=75), "repair", "medium", "indoor", **{**quiet, "late": True}), "complete"),
        # 挂起: waiting for parts / for the owner, agreed time recorded
        _stop_before(p, order(ago(hours=5), "repair", "medium", "indoor", **{**quiet, "suspend": True}), "resume"),
        _stop_before(p, order(ago(hours=26), "paid_service", source="visit", **{**quiet, "suspend": True}),
                     "resume"),
        # 已完成: callback still due; and a complaint whose callback is late
        _stop_before(p, order(ago(hours=8), "repair", "minor", "indoor", work=(0.3, 2), **quiet), "callback"),
        _stop_before(p, order(ago(days=5), "complaint", "minor", work=(1, 8), **quiet), "callback"),
        # 返修: a callback found a defect, the re-dispatch is still to come
        _stop_before(p, order(ago(days=4), "repair", "minor", "indoor", work=(0.3, 2),
                              **{**quiet, "defect": True}), "dispatch", occurrence=2),
        # 已回访: called back, not closed yet
        _stop_before(p, order(ago(days=4), "repair", "minor", "public", "patrol", work=(0.3, 2), **quiet), "close"),
    ]


def _stop_before(p: Planner, plan: Plan, action: str, occurrence: int = 1) -> Plan:
    """Push the `occurrence`-th `action` and everything after it past now: the order waits there."""
    seen = 0
    for i, step in enumerate(plan.steps):
        seen += step.action == action
        if seen == occurrence:
            last_done = plan.steps[i - 1].at if i else plan.received_at
            if last_done >= p.now:  # the planned course ran late: squeeze it into the past
                span = p.now - timedelta(minutes=2) - plan.received_at
                for n, earlier in enumerate(plan.steps[:i], start=1):
                    earlier.at = plan.received_at + span * n / (i + 1)
            for n, later in enumerate(plan.steps[i:], start=1):
                later.at = max(later.at, p.now + timedelta(hours=1, minutes=n))
            return plan
    raise ValueError(f"no {action} #{occurrence} in the plan")


def _seed_center(center: ServiceCenter, users: dict, numbers: _Numbers, now: datetime) -> int:
    rng = random.Random(f"work-orders-{center.code}")
    households = dict(db.session.execute(
        select(Household.id, Building.name).join(Unit, Unit.id == Household.unit_id)
        .join(Building, Building.id == Unit.building_id)
        .where(Household.center_id == center.id, Household.deleted_on.is_(None))).all())
    if not households:
        return 0
    planner = Planner(rng, now, households, service.calendar_for(center.id))
    plans = [planner.timeline(planner.order(at)) for at in _received_times(rng, now, ORDERS_PER_CENTER)]
    plans += _now_scenarios(planner, now)
    plans.sort(key=lambda p: p.received_at)
    for n, plan in enumerate(plans, start=1):
        _execute(plan, center.id, users, numbers, now)
        if n % BATCH == 0:
            db.session.commit()
    db.session.commit()
    return len(plans)


def load_work_orders(progress=print) -> int:
    """Seed the demo work orders of SC01 and SC02; returns how many were added."""
    sm = current_app.appbuilder.sm
    centers = {c.code: c for c in db.session.scalars(
        select(ServiceCenter).where(ServiceCenter.code.in_(ACTORS), ServiceCenter.deleted_on.is_(None)))}
    if "SC02" in centers:
        _technician_sc02(centers["SC02"])
    now = timeutil.now()
    numbers = _Numbers()
    added = 0
    for code, roles in ACTORS.items():
        center = centers.get(code)
        if center is None:
            continue
        existing = db.session.scalar(select(func.count()).select_from(WorkOrder)
                                     .where(WorkOrder.center_id == center.id))
        if existing:
            progress(f"  work orders {code}: {existing} present, skipped")
            continue
        users = {role: sm.find_user(username=name) for role, name in roles.items()}
        missing = [roles[role] for role, user in users.items() if user is None]
        if missing:
            progress(f"  work orders {code}: demo users missing ({', '.join(missing)}), skipped")
            continue
        with _bulk_session():
            count = _seed_center(center, users, numbers, now)
        added += count
        progress(f"  work orders {code}: {count} added")
    return added
