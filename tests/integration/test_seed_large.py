"""Issue 8: the large dataset never goes into the demo database (seed-large refuses it)."""

from sqlalchemy import func, select

from app.extensions import db
from app.models.estate import Household


def _households(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Household))


def test_seed_large_refuses_the_running_demo_database(app, db_url):
    before = _households(app)
    result = app.test_cli_runner().invoke(args=["seed-large", "--database-url", db_url])
    assert result.exit_code != 0
    assert "own database" in result.output and "独立的数据库" in result.output
    assert _households(app) == before  # nothing written


def test_seed_large_refuses_a_database_that_already_holds_data(app, db_url, monkeypatch):
    """Run as the child process would (bound to the target): a non-empty target is refused."""
    monkeypatch.setenv("_LARGE_SEED_TARGET", db_url)
    before = _households(app)
    result = app.test_cli_runner().invoke(args=["seed-large", "--database-url", db_url])
    assert result.exit_code != 0 and "已有数据" in result.output
    assert _households(app) == before
