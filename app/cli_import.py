"""`flask --app run import households|employees FILE [--dry-run] [--user NAME]`.

The same dry run and one-transaction import as the 导入 pages. With --user the
import acts as that user (their centre scope, their name in the audit trail);
without it, as the system (every centre). Problems are printed one a line and
the command exits non-zero, having written nothing.
"""

from contextlib import nullcontext

import click
from flask import current_app, g
from flask.cli import with_appcontext


@click.group("import")
def import_group():
    """Import units/households or the staff roster from a template .xlsx file."""


def _command(name: str):
    @import_group.command(name)
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--dry-run", is_flag=True, help="Check every row, write nothing.")
    @click.option("--user", "username", default=None, help="Act as this user (scope and audit trail).")
    @with_appcontext
    def command(path, dry_run, username):
        from app.services import import_employees, import_households, importing

        importer = {"households": import_households, "employees": import_employees}[name].IMPORTER
        user = None
        if username:
            user = current_app.appbuilder.sm.find_user(username=username)
            if user is None or not user.active:
                raise click.ClickException(f"no active user {username!r}")
        with current_app.test_request_context() if user else nullcontext():
            if user:
                g.user = user
            try:
                report = importing.dry_run(importer, path) if dry_run else importing.run(
                    importer, path, click.format_filename(path))
            except importing.ImportRefused as e:
                raise click.ClickException(str(e)) from None
            for p in sorted(report.problems, key=lambda p: p.row):
                click.echo(f"row {p.row}\t{p.column}\t{p.message}\t{p.value}")
            if not report.ok:
                raise click.ClickException(f"{len(report.problems)} problem(s) in {report.rows} rows: nothing written")
        counts = ", ".join(f"{k}={v}" for k, v in report.counts.items())
        click.echo(f"{report.rows} rows {'checked, would add' if dry_run else 'imported, added'}: {counts}")

    return command


_command("households")
_command("employees")


def register(app) -> None:
    app.cli.add_command(import_group)
