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
    _sync_roles_after_upgrade()
