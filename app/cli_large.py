"""`flask --app run seed-large [--database-url URL]`: the large dataset (issue 8), in its own database.

The running app is bound to the demo database (DATABASE_URL / INSTANCE_PATH), so
the command re-runs itself in a child process bound to the target database:
the target is migrated (`db upgrade`), seeded with the demo users and then
bulk-loaded (seeds/large.py). It refuses the demo database itself, a
production config, and a target that already holds data.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

_CHILD = "_LARGE_SEED_TARGET"


@click.command("seed-large")
@click.option("--database-url", envvar="LARGE_DATABASE_URL", default=None,
              help="Target database (default: sqlite:///<instance>/large.db); never the demo one.")
@click.option("--fraction", type=float, default=1.0, hidden=True, help="Scale every size (tests, trials).")
@with_appcontext
def seed_large_command(database_url, fraction):
    """Load the large dataset (20 centres, 100k households, 1M work orders, 2.4M bills) for benchmarks."""
    from seeds.large import target_refusal

    if not current_app.config.get("DEMO_MODE"):
        raise click.ClickException("seed-large is refused under the production config (生产环境禁止加载演示数据)")
    running = current_app.config["SQLALCHEMY_DATABASE_URI"]
    target = database_url or f"sqlite:///{Path(current_app.instance_path) / 'large.db'}"
    if os.environ.get(_CHILD) == target and running == target:
        return _load_here(fraction)
    refusal = target_refusal(target, running)
    if refusal:
        raise click.ClickException(refusal)
    env = {**os.environ, "DATABASE_URL": target, _CHILD: target}
    cmd = [sys.executable, "-m", "flask", "--app", "run", "seed-large", "--database-url", target,
           "--fraction", str(fraction)]
    sys.exit(subprocess.call(cmd, env=env))  # noqa: S603 - our own interpreter and arguments


def _load_here(fraction: float) -> None:
    from dataclasses import fields

    from flask_migrate import upgrade

    from seeds.demo import load_demo
    from seeds.large import LARGE, Sizes, database_is_empty, load_large

    started = time.monotonic()
    upgrade()
    if not database_is_empty():
        raise click.ClickException("the target database already holds data: use a fresh one (目标数据库已有数据)")
    load_demo(progress=click.echo)
    sizes = LARGE if fraction == 1.0 else Sizes(**{
        f.name: max(int(getattr(LARGE, f.name) * fraction), 2) for f in fields(Sizes) if f.name != "months"})
    with click.progressbar(length=sizes.rows, label="large dataset") as bar:
        counts = load_large(sizes, tick=bar.update, say=lambda line: None)
    click.echo("seed-large done in %.0f s: " % (time.monotonic() - started)
               + ", ".join(f"{k}={v}" for k, v in counts.items()))


def register(app) -> None:
    app.cli.add_command(seed_large_command)
