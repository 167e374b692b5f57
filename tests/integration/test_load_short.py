"""Issue 9 §4, short form of `make load` (CI): 10 simulated staff for 20 s against
gunicorn on 127.0.0.1, on a database of its own (fresh_app: the simulated staff approve,
pay and dispatch, which would change the demo data other tests count on). Zero 5xx, no
dropped connection, and every write locust saw succeed is a row in the database."""

from benchmarks.load.run import report, run_load


def test_short_load_has_no_5xx_and_every_write_is_accounted_for(fresh_app, tmp_path):
    db_url = fresh_app("load").config["SQLALCHEMY_DATABASE_URI"]
    figures = run_load(db_url, users=10, seconds=20, workdir=tmp_path, workers=2)
    print(report(figures))
    assert figures["requests"] > 50, figures                 # the run really happened
    assert figures["5xx"] == 0 and figures["dropped"] == 0, figures
    assert sum(figures["writes_reported"].values()) > 0, figures
    assert figures["writes_accounted"], report(figures)
