"""A payment at the 收银台, in a real browser (issue 5 "Done when": a Playwright
test takes a payment at the desk and downloads the receipt; DESIGN "Fees":
one payment settles several bills of one household, receipt numbered per
centre and year).

cashier1 opens 收费 → 收银台, finds a centre-1 household by typing part of its
name in the searchable box, sees its unpaid bills (the demo seed leaves every
household's current-month bills open), unticks and reticks a bill (the total
follows), chooses 微信 and presses 收款. The receipt page shows the receipt
number and the 大写 total; the PDF downloads as <receipt no>.pdf and is a PDF;
the household's current-month bills read 已缴 in the bill list.
"""

import re
from decimal import Decimal

from playwright.sync_api import Page, expect

from seeds.payments import PERIODS
from tests.e2e.helpers import money_value, open_menu, sign_in

CURRENT = PERIODS[-1]  # the demo month the seed leaves open


def pick_household(page: Page, typed: str, wanted: str) -> None:
    """The 业户 box asks /cashier/households/ as one types (select2 ajax); choosing submits."""
    page.locator("#household + .select2-container .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    option = page.locator(".select2-container--open .select2-results__option",
                          has_text=re.compile(rf"^\s*{re.escape(wanted)}\s*$"))
    expect(option).to_have_count(1)
    option.click()


def total(page: Page) -> Decimal:
    return money_value(page.locator("#desk-total").inner_text())


def test_cashier_takes_a_wechat_payment_and_downloads_the_receipt(new_page, artifacts_dir):
    page = new_page()
    sign_in(page, "cashier1")
    open_menu(page, "收费", "收银台")
    page.wait_for_url(re.compile(r"/cashier/$"))
    expect(page.locator(".panel-heading")).to_contain_text("收银台")

    found = page.request.get("/cashier/households/?q=1栋-1")
    assert found.ok, found.status
    household = found.json()["results"][0]["text"]          # "陈伟杰 (1栋-101) 13…"
    name = household.split(" (")[0]
    pick_household(page, household.split(" ")[-1], household)   # typed: the phone number
    page.wait_for_url(re.compile(r"/cashier/\?household=\d+$"))
    expect(page.locator("h4.cashier-household-title")).to_contain_text(name)

    rows = page.locator("table.cashier-bills tbody tr.bill-row")
    periods = [c.strip() for c in rows.locator("td:nth-child(2)").all_inner_texts()]
    assert periods == sorted(periods) and CURRENT in periods, periods     # oldest first
    amounts = [money_value(a) for a in rows.locator("td:nth-child(4)").all_inner_texts()]
    full = sum(amounts, Decimal("0.00"))
    assert total(page) == full and page.input_value("#amount") == f"{full:.2f}"
    rows.first.locator("input.bill-tick").uncheck()          # the total follows the ticks
    assert total(page) == full - amounts[0] and page.input_value("#amount") == f"{full - amounts[0]:.2f}"
    rows.first.locator("input.bill-tick").check()
    assert total(page) == full

    page.select_option("#method", label="微信")
    page.screenshot(path=str(artifacts_dir / "e2e-cashier-desk.png"), full_page=True)
    page.locator("#take-payment").click()
    page.wait_for_url(re.compile(r"/cashier/receipt/\d+$"))
    expect(page.locator(".alert-danger")).to_have_count(0)
    receipt_no = page.locator("#receipt-no").inner_text().strip()
    assert re.fullmatch(r"SC01-\d{4}-\d{6}", receipt_no), receipt_no
    expect(page.locator(".alert-success")).to_contain_text(receipt_no)
    expect(page.locator("#receipt-method")).to_have_text("微信")
    expect(page.locator("#total-figures")).to_have_text(f"¥{full:,.2f}")
    assert page.locator("#total-words").inner_text().endswith(("整", "角", "分"))
    expect(page.locator("#receipt")).to_contain_text(name)
    page.screenshot(path=str(artifacts_dir / "e2e-cashier-receipt.png"), full_page=True)

    with page.expect_download() as info:
        page.locator("#download-pdf").click()
    download = info.value
    assert download.suggested_filename == f"{receipt_no}.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"

    # The bill list: this household's current-month bills are now 已缴 (demo renovation
    # deposits of the month are paid too, so only this household's rows are counted).
    page.goto(f"/billview/list/?_flt_3_period={CURRENT}&_flt_3_status=paid&psize_BillView=100")
    listed = page.locator("table tbody tr:has(a[href*='/billview/show/'])", has_text=name)
    expect(listed.first).to_contain_text("已缴")
    texts = listed.all_inner_texts()
    assert len(texts) == periods.count(CURRENT) and all("已缴" in t for t in texts), texts
