"""Command-line entry points: `flask --app run seed`, and role sync after upgrades."""

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate.cli import db as db_group


@click.command("seed")
@click.option("--if-empty", is_flag=True, help="Only when no service centre exists yet.")
@with_appcontext
def seed_command(if_empty):
    """Load the demo data (idempotent) and re-apply the role table."""
    if not current_app.config.get("DEMO_MODE"):
        raise click.ClickException("seed is refused under the production config (生产环境禁止加载演示数据)")
    from seeds.demo import database_has_data, load_demo

    if if_empty and database_has_data():
        click.echo("database already has data: seed skipped")
        return

    counts = load_demo(progress=click.echo)
    click.echo("seed done: " + ", ".join(f"{k}={v}" for k, v in counts.items()))


@click.command("sync")
@with_appcontext
def sync_command():
    """Make roles match app.security.ROLE_GRANTS and create missing approval chains."""
    from app.services.reference import sync_reference_data

    sync_reference_data()
    click.echo("roles synced")


@click.group("approval")
def approval_group():
    """Decide approvals from the command line (same rules as the UI and API)."""


def _decide_command(name: str, action: str):
    @approval_group.command(name)
    @click.argument("approval_id", type=int)
    @click.option("--user", "username", required=True, help="The approver's login name.")
    @click.option("--comment", default="")
    @with_appcontext
    def command(approval_id, username, comment):
        from flask import g

        from app.errors import DomainError
        from app.extensions import db
        from app.services import approvals

        user = current_app.appbuilder.sm.find_user(username=username)
        if user is None or not user.active:
            raise click.ClickException(f"no active user {username!r}")
        with current_app.test_request_context():
            g.user = user  # the acting user, for scope checks and the audit trail
            try:
                getattr(approvals, action)(approval_id, actor=user, comment=comment)
            except DomainError as e:
                db.session.rollback()
                raise click.ClickException(str(e)) from None
        click.echo(f"approval {approval_id}: {name} by {username}")

    return command


_decide_command("approve", "approve")
_decide_command("reject", "reject")
_decide_command("return", "return_for_revision")


@click.group("personnel")
def personnel_group():
    """Personnel jobs (人员)."""


@personnel_group.command("apply-leavers")
@click.option("--today", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Apply as of this date (YYYY-MM-DD); default: today.")
@with_appcontext
def apply_leavers_command(day):
    """Daily: employees whose leaving is complete leave on their last working day."""
    from app.services.leaving import apply_due_leavers

    count = apply_due_leavers(today=day.date() if day else None)
    click.echo(f"{count} employee(s) left")


@click.group("sla")
def sla_group():
    """Work-order SLA jobs (工单时限)."""


@sla_group.command("scan")
@with_appcontext
def sla_scan_command():
    """Warn before deadlines, record breaches, escalate major complaints (idempotent; for cron)."""
    from app.services.sla_scan import scan

    counts = scan(progress=lambda n: click.echo(f"  {n} orders checked"))
    click.echo("sla scan: " + ", ".join(f"{k}={v}" for k, v in counts.items()))


@click.group("parking")
def parking_group():
    """Parking jobs (车位)."""


@parking_group.command("refresh")
@with_appcontext
def parking_refresh_command():
    """Daily: spaces whose rental starts or ends today change status (已出租 / 空闲)."""
    from app.services.parking import refresh_all_spaces

    click.echo(f"{refresh_all_spaces()} space(s) changed")


@click.group("billing")
def billing_group():
    """Fees jobs (收费)."""


@billing_group.command("generate")
@click.option("--period", required=True, help="Billing period YYYY-MM (账期).")
@click.option("--center", "center_code", default=None, help="Only this centre (code, e.g. SC01).")
@with_appcontext
def billing_generate_command(period, center_code):
    """Monthly: bill every household for every active charge item, meter readings,
    parking rentals and paid services (idempotent; one transaction per centre)."""
    from app.errors import DomainError
    from app.services.billing import parse_period
    from app.services.fee_generation import Summary, centers_to_run, generate

    try:
        year, month = parse_period(period)
    except DomainError as e:
        raise click.ClickException(str(e)) from None
    period = f"{year:04d}-{month:02d}"
    centers = [c for c in centers_to_run() if center_code is None or c.code == center_code.strip().upper()]
    if center_code and not centers:
        raise click.ClickException(f"no service centre {center_code!r}")
    summary, lines = Summary(period), []
    with click.progressbar([(c.id, c.code) for c in centers], label=f"billing {period}",
                           item_show_func=lambda c: c[1] if c else "") as bar:
        for center_id, _code in bar:
            summary.merge(generate(period, [center_id], progress=lines.append))
    for line in lines + summary.lines()[1:]:
        click.echo(f"  {line}")
    click.echo(f"billing generate {period}: {summary.total} bill(s) created")


@click.command("backup")
@click.option("--output", type=click.Path(dir_okay=False), default=None,
              help="Target file (default: <instance>/backups/backup-<time>.db or .dump).")
@with_appcontext
def backup_command(output):
    """A consistent copy of the database while the app runs (SQLite backup API; pg_dump on PostgreSQL)."""
    from datetime import datetime

    from app.services.backup import BackupError, backup, default_target

    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    target = output or default_target(current_app.instance_path, url, datetime.now())
    with click.progressbar(length=100, label="backup") as bar:
        def progress(done, total):
            bar.update(int(done * 100 / max(total, 1)) - bar.pos)

        try:
            path = backup(url, target, progress=progress)
        except BackupError as e:
            raise click.ClickException(str(e)) from None
        bar.update(100 - bar.pos)
    click.echo(f"backup written: {path}")


def _sync_roles_after_upgrade() -> None:
    """`flask db upgrade` also re-applies the role table (DESIGN: on upgrade)."""
    upgrade = db_group.commands.get("upgrade")
    if upgrade is None or getattr(upgrade.callback, "_syncs_roles", False):
        return
    migrate_only = upgrade.callback

    def upgrade_then_sync(*args, **kwargs):
        migrate_only(*args, **kwargs)
        if not kwargs.get("sql"):
            from app.services.reference import sync_reference_data

            sync_reference_data()
            click.echo("roles synced")

    upgrade_then_sync._syncs_roles = True
    upgrade.callback = upgrade_then_sync


def register(app) -> None:
    app.cli.add_command(seed_command)
    app.cli.add_command(sync_command)
    app.cli.add_command(approval_group)
    app.cli.add_command(personnel_group)
    app.cli.add_command(sla_group)
    app.cli.add_command(parking_group)
    app.cli.add_command(billing_group)
    app.cli.add_command(backup_command)
    _sync_roles_after_upgrade()
    _register_perf(app)  # perf (issue 8)
    from app import cli_import

    cli_import.register(app)  # 导入 (issue 7)
    _register_report(app)  # 月度工作报告 (issue 7)


def _register_report(app) -> None:
    from app import cli_report

    cli_report.register(app)


# -- perf (issue 8): the large dataset for benchmarks ---------------------------------
def _register_perf(app) -> None:
    from app import cli_large

    cli_large.register(app)


# -- arrears: 滞纳金 (late fees), daily -----------------------------------------------

@billing_group.command("late-fees")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Accrue as of this date (YYYY-MM-DD); default: today (server time).")
@with_appcontext
def billing_late_fees_command(day):
    """Daily: set each overdue bill's late fee (滞纳金) to its figure as of the day (idempotent)."""
    from app import timeutil
    from app.services.late_fees import accrue_late_fees, centers

    as_of = day.date() if day else timeutil.today()
    todo = centers()
    with click.progressbar(length=len(todo), label=f"late fees as of {as_of}") as bar:
        totals = accrue_late_fees(as_of, center_ids=[c[0] for c in todo],
                                  progress=lambda code, name, counts: bar.update(1))
    click.echo(f"billing late-fees {as_of}: " + ", ".join(f"{k}={v}" for k, v in totals.items()))
