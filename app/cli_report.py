"""`flask --app run report monthly --period YYYY-MM --center <code or id> [--output path]`:
the 月度工作报告 workbook of one centre, written as the system (every centre
visible). Prints the file's path; a bad period or an unknown centre stops
with a message in Chinese and English."""

from pathlib import Path

import click
from flask.cli import with_appcontext


@click.group("report")
def report_group():
    """Reports (报表)."""


@report_group.command("monthly")
@click.option("--period", required=True, help="Period YYYY-MM (账期), a month already begun.")
@click.option("--center", "center_ref", required=True, help="Service centre code (e.g. SC01) or id.")
@click.option("--output", default=None, type=click.Path(dir_okay=False, writable=True),
              help="Where to write the .xlsx (default: monthly-report-<code>-<period>.xlsx here).")
@with_appcontext
def monthly_command(period, center_ref, output):
    """Write one centre's monthly workbook and print its path."""
    from app.errors import DomainError, NotFound
    from app.services import monthly_report
    from app.services.monthly_report_sheets import file_name, write_file

    try:
        report = monthly_report.build(center_ref, period)
    except NotFound:
        raise click.ClickException(f"服务中心不存在：{center_ref} (unknown service centre {center_ref!r})") from None
    except DomainError as e:
        raise click.ClickException(f"{e} (period must be YYYY-MM of a month already begun, got {period!r})") from None
    path = Path(output or file_name(report)).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_file(report, str(path))
    click.echo(str(path))


def register(app) -> None:
    app.cli.add_command(report_group)
