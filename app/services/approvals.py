"""The approval engine: submit, approve, reject, return, withdraw.

One function per action, the same for the web UI, the REST API and the CLI.
Each checks the manual's rules, writes the decision and an append-only
history event, runs the request's effects on final approval, and commits
once. Refusals raise WorkflowError subclasses with a translated message.
"""

from collections.abc import Callable
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm.exc import StaleDataError

from app import timeutil
from app.errors import Conflict, DomainError, ScopeError
from app.extensions import db
from app.models.approvals import Approval, ApprovalChain, ApprovalEvent, ApprovalStep
from app.security import COMPANY_WIDE_ROLES, center_scope, role_names
from app.services import notifications
from app.workflows.chains import DEFAULT_CHAINS, STATUS_LABELS


class WorkflowError(DomainError):
    status = 409


class NotAllowed(WorkflowError):
    status = 403


#: request_type → model class (filled by register_request)
REQUEST_MODELS: dict[str, type] = {}
#: request_type → fn(obj, approval, actor) run in the final approval's transaction
EFFECTS: dict[str, Callable] = {}
#: request_type → fn(obj, approval, step, actor, override) checked before a decision to
#: approve; raises to refuse, returns True when it used the override (recorded).
GUARDS: dict[str, Callable] = {}
#: request_type → fn(obj, approval, actor) when the request is rejected or withdrawn
ON_CLOSED: dict[str, Callable] = {}


def register_request(model):
    REQUEST_MODELS[model.REQUEST_TYPE] = model
    return model


def on_approved(request_type: str):
    def deco(fn):
        EFFECTS[request_type] = fn
        return fn

    return deco


def guard(request_type: str):
    def deco(fn):
        GUARDS[request_type] = fn
        return fn

    return deco


def request_model(request_type: str):
    """The model of a request type: registered, or any ApprovableMixin model."""
    if request_type not in REQUEST_MODELS:
        from app.models.approvals import ApprovableMixin

        for model in ApprovableMixin.__subclasses__():
            REQUEST_MODELS.setdefault(model.REQUEST_TYPE, model)
    return REQUEST_MODELS[request_type]


def request_of(approval: Approval):
    return db.session.get(request_model(approval.request_type), approval.request_id)


# -- chains --------------------------------------------------------------------

def sync_chains() -> None:
    """Create the default chains that do not exist yet (admin edits are kept)."""
    from app.models.approvals import ApprovalChainStep

    for key, (name, steps) in DEFAULT_CHAINS.items():
        if db.session.scalars(select(ApprovalChain).filter_by(request_type=key)).first():
            continue
        chain = ApprovalChain(request_type=key, name=str(name))
        chain.steps = [
            ApprovalChainStep(position=i, role=s.role, scope=s.scope, label=str(s.label), due_hours=s.due_hours)
            for i, s in enumerate(steps, start=1)
        ]
        db.session.add(chain)
    db.session.commit()


def _chain(key: str) -> ApprovalChain:
    chain = db.session.scalars(select(ApprovalChain).filter_by(request_type=key, active=True)).first()
    if chain is None or not chain.steps:
        raise WorkflowError(_("未配置审批流程：%(key)s", key=key))
    return chain


# -- submit / withdraw ---------------------------------------------------------

def submit(obj, *, actor, comment: str = "") -> Approval:
    """Start (or restart after a return) the chain for a request document."""
    if obj.status not in ("draft", "returned"):
        raise WorkflowError(_("只有草稿或退回修改的申请可以提交"))
    chain = _chain(obj.chain_key())
    now = timeutil.now()
    approval = obj.approval
    if approval is None:
        approval = Approval(request_type=obj.REQUEST_TYPE, request_id=obj.id)
        db.session.add(approval)
    approval.chain_key = chain.request_type
    approval.center_id = obj.center_id
    approval.title = obj.approval_title()[:200]
    approval.submitted_by_id = actor.id
    approval.subject_user_id = obj.subject_user_id()
    approval.submitted_at = now
    approval.decided_at = None
    approval.status = "pending"
    if approval.steps:  # resubmission after a return: fresh steps, history stays in events
        approval.steps.clear()
        db.session.flush()
    approval.steps = [
        ApprovalStep(position=s.position, role=s.role, scope=s.scope, label=s.label, due_hours=s.due_hours)
        for s in chain.steps
    ]
    _make_current(approval, 1, now)
    obj.approval = approval
    obj.status = "pending"
    _event(approval, "submit", actor, comment, step=None)
    _commit()
    return approval


def withdraw(approval: Approval, *, actor, comment: str = "") -> None:
    """The submitter takes back a request that is still under way."""
    approval = _locked(approval)
    if approval.submitted_by_id != actor.id:
        raise NotAllowed(_("只有提交人可以撤回申请"))
    if approval.status != "pending":
        raise WorkflowError(_("申请已处理完毕，不能撤回"))
    _finish(approval, "withdrawn", actor)
    _event(approval, "withdraw", actor, comment, step=approval.current_step)
    _close_request(approval, "withdrawn", actor)
    _commit()


# -- decisions -----------------------------------------------------------------

def approve(approval, *, actor, comment: str = "", override: bool = False, step: int | None = None) -> None:
    _decide(approval, "approve", actor, comment, override, step)


def reject(approval, *, actor, comment: str = "", step: int | None = None) -> None:
    _decide(approval, "reject", actor, comment, False, step)


def return_for_revision(approval, *, actor, comment: str = "", step: int | None = None) -> None:
    _decide(approval, "return", actor, comment, False, step)


def _decide(approval, decision, actor, comment, override, expected_step) -> None:
    try:
        _apply_decision(approval, decision, actor, comment, override, expected_step)
    except DomainError:
        db.session.rollback()  # nothing half-written, whoever called
        raise


def _apply_decision(approval, decision, actor, comment, override, expected_step) -> None:
    approval = _locked(approval)
    current = _check_can_decide(approval, actor, expected_step)
    if decision in ("reject", "return") and not (comment or "").strip():
        raise WorkflowError(_("驳回或退回时请填写意见"))
    obj = request_of(approval)
    used_override = False
    if decision == "approve" and approval.request_type in GUARDS:
        used_override = bool(GUARDS[approval.request_type](obj, approval, current, actor, override))
    override = used_override
    now = timeutil.now()
    current.decision = decision
    current.decided_by_id = actor.id
    current.decided_by_name = actor.username
    current.decided_at = now
    current.comment = comment or None
    current.override = bool(override)
    _event(approval, decision, actor, comment, step=current.position, override=override)
    if decision == "approve" and approval.step(current.position + 1) is not None:
        _make_current(approval, current.position + 1, now)
    elif decision == "approve":
        _finish(approval, "approved", actor)
        obj.status = "approved"
        if approval.request_type in EFFECTS:
            EFFECTS[approval.request_type](obj, approval, actor)
    elif decision == "reject":
        _finish(approval, "rejected", actor)
        _close_request(approval, "rejected", actor)
    else:
        _finish(approval, "returned", actor)
        obj.status = "returned"
    notifications.approval_decided(approval, actor, comment)  # the submitter hears the outcome
    _commit()


def _check_can_decide(approval: Approval, actor, expected_step):
    if approval.status != "pending":
        raise WorkflowError(
            _("该申请已处理完毕（%(status)s），不能再审批", status=STATUS_LABELS.get(approval.status, approval.status))
        )
    if expected_step is not None and int(expected_step) != approval.current_step:
        raise WorkflowError(_("该步骤已由他人处理，请刷新后查看最新状态"))
    subject = request_of(approval).subject_user_id()  # now, not at submission: a login may be linked later
    if actor.id in (approval.submitted_by_id, approval.subject_user_id, subject):
        raise NotAllowed(_("不能审批本人提交或与本人相关的申请"))
    current = approval.step()
    roles = role_names(actor)
    if current.role not in roles:
        raise NotAllowed(_("您无权审批此步骤：当前步骤“%(label)s”", label=_(current.label)))
    if current.scope == "center" and not roles & COMPANY_WIDE_ROLES:
        scope = center_scope(actor)
        if scope is not None and approval.center_id not in scope:
            raise ScopeError(_("该申请不属于您所在的服务中心"))
    return current


# -- queries -------------------------------------------------------------------

def inbox_query(actor):
    """Approvals whose current step waits for this user (role, scope, not own)."""
    roles = role_names(actor)
    stmt = select(Approval).where(
        Approval.status == "pending",
        Approval.required_role.in_(roles or {""}),
        Approval.submitted_by_id != actor.id,
        or_(Approval.subject_user_id.is_(None), Approval.subject_user_id != actor.id),
    )
    if not roles & COMPANY_WIDE_ROLES:
        scope = center_scope(actor) or frozenset()
        stmt = stmt.where(Approval.center_id.in_(scope))
    return stmt.order_by(Approval.due_at, Approval.id)


def inbox_count(actor) -> int:
    from sqlalchemy import func

    return db.session.scalar(select(func.count()).select_from(inbox_query(actor).order_by(None).subquery()))


# -- helpers -------------------------------------------------------------------

def _locked(approval) -> Approval:
    """Re-read the approval under a row lock (PostgreSQL) with fresh state."""
    approval_id = approval if isinstance(approval, int) else approval.id
    row = db.session.scalars(
        select(Approval)
        .where(Approval.id == approval_id)
        .with_for_update(of=Approval)
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        raise DomainError(_("审批记录不存在"), status=404)
    return row


def _make_current(approval: Approval, position: int, now) -> None:
    step = approval.step(position)
    approval.current_step = position
    approval.required_role = step.role
    step.due_at = now + timedelta(hours=step.due_hours)
    approval.due_at = step.due_at


def _finish(approval: Approval, status: str, actor) -> None:
    approval.status = status
    approval.decided_at = timeutil.now()
    approval.required_role = None
    approval.due_at = None


def _close_request(approval: Approval, status: str, actor) -> None:
    obj = request_of(approval)
    obj.status = status
    if approval.request_type in ON_CLOSED:
        ON_CLOSED[approval.request_type](obj, approval, actor)


def _event(approval, action, actor, comment, step, override=False) -> None:
    approval.events.append(
        ApprovalEvent(
            at=timeutil.now(), actor_id=actor.id, actor_name=actor.username, step=step,
            action=action, comment=(comment or None), override=bool(override),
        )
    )


def _commit() -> None:
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(_("该申请刚刚已被他人处理，请刷新后查看最新状态")) from None
    except Exception:
        db.session.rollback()
        raise
