"""DESIGN.md "Renovation" deadline and money rules (app/workflows/renovation.py), no DB."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from app.workflows import renovation as rules

D = date.fromisoformat


def test_decision_within_three_calendar_days():   # 装修申报 decided within 3 days
    submitted = datetime(2026, 11, 2, 9, 30)
    deadline = rules.decision_deadline(submitted)
    assert deadline == datetime(2026, 11, 5, 9, 30)
    assert not rules.decision_overdue("pending", deadline, datetime(2026, 11, 5, 9, 30))
    assert rules.decision_overdue("pending", deadline, datetime(2026, 11, 5, 9, 31))
    # decided in time is never overdue; decided late stays marked
    assert not rules.decision_overdue("approved", deadline, datetime(2026, 12, 1), datetime(2026, 11, 4, 8, 0))
    assert rules.decision_overdue("approved", deadline, datetime(2026, 12, 1), datetime(2026, 11, 6, 8, 0))
    assert not rules.decision_overdue("draft", None, datetime(2026, 12, 1))


def test_inspection_at_least_every_two_days_from_last_or_start():   # 巡查 every 2 days
    assert rules.inspection_due(D("2026-11-02"), D("2026-10-20")) == D("2026-11-04")
    assert not rules.inspection_overdue(D("2026-11-02"), D("2026-10-20"), D("2026-11-04"))
    assert rules.inspection_overdue(D("2026-11-02"), D("2026-10-20"), D("2026-11-05"))
    # never inspected: counted from the start of works
    assert not rules.inspection_overdue(None, D("2026-11-01"), D("2026-11-03"))
    assert rules.inspection_overdue(None, D("2026-11-01"), D("2026-11-04"))
    assert rules.days_without_inspection(None, D("2026-11-01"), D("2026-11-04")) == 3


def test_rectification_overdue_only_while_open():
    assert rules.rectification_overdue(True, D("2026-11-10"), D("2026-11-11"))
    assert not rules.rectification_overdue(True, D("2026-11-10"), D("2026-11-10"))
    assert not rules.rectification_overdue(False, D("2026-11-10"), D("2026-11-20"))


def test_acceptance_within_three_days_of_the_owners_request():   # 竣工验收
    assert rules.acceptance_deadline(D("2026-11-10")) == D("2026-11-13")
    assert not rules.acceptance_overdue(D("2026-11-10"), D("2026-11-13"))
    assert rules.acceptance_overdue(D("2026-11-10"), D("2026-11-14"))
    assert not rules.acceptance_overdue(D("2026-11-10"), D("2026-11-30"), done_on=D("2026-11-12"))
    assert rules.acceptance_overdue(D("2026-11-10"), D("2026-11-30"), done_on=D("2026-11-14"))


def test_refund_within_one_day_after_acceptance():
    assert rules.refund_deadline(D("2026-11-13")) == D("2026-11-14")
    assert not rules.refund_overdue(D("2026-11-13"), D("2026-11-14"))
    assert rules.refund_overdue(D("2026-11-13"), D("2026-11-15"))


def test_refund_is_deposit_less_deductions_half_up():   # hand-checked: 3000.00 − 450.50 = 2549.50
    assert rules.refund_amount(Decimal("3000.00"), [Decimal("300.00"), "150.50"]) == (
        Decimal("450.50"), Decimal("2549.50"))
    assert rules.refund_amount("2000", []) == (Decimal("0.00"), Decimal("2000.00"))
    assert rules.refund_amount("100.00", ["0.005"]) == (Decimal("0.01"), Decimal("99.99"))  # half-up
    assert rules.refund_amount("500.00", ["500.00"]) == (Decimal("500.00"), Decimal("0.00"))


def test_refund_never_negative_and_no_floats():
    with pytest.raises(ValueError):
        rules.refund_amount("3000.00", ["2000.00", "1000.01"])
    with pytest.raises(ValueError):
        rules.refund_amount("3000.00", ["-1.00"])
    with pytest.raises(TypeError):
        rules.refund_amount("3000.00", [0.1])


def test_pass_shows_revoked_expired_or_not_yet_valid():   # 出入证 validity
    from app.models.renovation import RenovationPass

    p = RenovationPass(valid_from=D("2026-11-01"), valid_to=D("2026-11-30"))
    assert [p.state(D(d)) for d in ("2026-10-31", "2026-11-01", "2026-11-30", "2026-12-01")] == [
        "future", "valid", "valid", "expired"]
    p.revoked_at = datetime(2026, 11, 10, 8, 0)
    assert p.state(D("2026-11-15")) == "revoked"
