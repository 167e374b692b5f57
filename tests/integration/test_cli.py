"""Issue 2 §7-8: `flask seed` is idempotent and binds demo users to centres;
`flask db upgrade` re-applies the role table; `db check` finds no drift."""

from sqlalchemy import func, select

from app.extensions import db
from app.models.estate import Household, ServiceCenter, Unit


def _counts():
    models = (ServiceCenter, Unit, Household)
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in models}


def test_seed_twice_adds_nothing(app):
    runner = app.test_cli_runner()
    with app.app_context():
        before = _counts()
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "units=0, users=0" in result.output
    with app.app_context():
        assert _counts() == before


def test_seed_if_empty_skips_a_database_with_data(app):
    result = app.test_cli_runner().invoke(args=["seed", "--if-empty"])
    assert result.exit_code == 0 and "skipped" in result.output


def test_demo_data_shape_and_centre_binding(app):
    with app.app_context():
        sm = app.appbuilder.sm
        assert db.session.scalar(select(func.count()).select_from(ServiceCenter)) >= 2
        demo_rooms = Unit.room_no.regexp_match("^[1-5]0[1-4]$")
        seeded_units = db.session.scalar(select(func.count()).select_from(Unit).where(demo_rooms))
        assert seeded_units == 200
        assert [c.code for c in sm.find_user(username="frontdesk1").centers] == ["SC01"]
        assert [c.code for c in sm.find_user(username="frontdesk2").centers] == ["SC02"]
        assert sm.find_user(username="gm1").centers == []


def test_db_upgrade_reapplies_roles_and_schema_is_in_sync(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "roles synced" in result.output
    check = runner.invoke(args=["db", "check"])
    assert check.exit_code == 0, check.output
