"""The pages measured: (name, user, url). FAB list arguments: page_<View> (0-based),
_oc_/_od_<View> (order), _flt_<filter index>_<column> (3 = equal for text,
0 = equal for a relation)."""


def _list(view: str, path: str, flt: str, order: str) -> list[tuple[str, str]]:
    return [
        ("first page", f"/{path}/list/"),
        ("filtered", f"/{path}/list/?{flt}"),
        ("sorted", f"/{path}/list/?_oc_{view}={order}"),
        ("page 500", f"/{path}/list/?page_{view}=499"),
    ]


def pages(center_id: int) -> list[tuple[str, str, str]]:
    """Every list page × (first, filtered, sorted, page 500) as admin1, plus centre-scoped users."""
    lists = {
        "households": _list("HouseholdView", "householdview", "_flt_0_name=王", "name&_od_HouseholdView=asc"),
        "work orders": _list("WorkOrderView", "workorderview", "_flt_3_kind=complaint",
                             "complete_due&_od_WorkOrderView=asc"),
        "bills": _list("BillView", "billview", f"_flt_0_center={center_id}", "amount&_od_BillView=desc"),
        "payments": _list("PaymentView", "paymentview", "_flt_3_method=cash", "receipt_no&_od_PaymentView=asc"),
        "employees": _list("EmployeeView", "employeeview", "_flt_3_status=regular", "hire_date&_od_EmployeeView=desc"),
        "approvals": _list("ApprovalView", "approvalview", "_flt_3_status=pending", "due_at&_od_ApprovalView=asc"),
    }
    out = [(f"{name}: {label}", "admin1", url) for name, variants in lists.items() for label, url in variants]
    out += [
        ("households: first page (frontdesk1, SC01)", "frontdesk1", "/householdview/list/"),
        ("work orders: first page (frontdesk1, SC01)", "frontdesk1", "/workorderview/list/"),
        ("bills: page 50 (cashier1, SC01)", "cashier1", "/billview/list/?page_BillView=49"),
        ("approval inbox (supervisor1, SC01)", "supervisor1", "/inbox/"),
        ("approval inbox (center_manager1, SC01)", "center_manager1", "/inbox/"),
        ("work-order desk (admin1)", "admin1", "/desk/"),
        ("work-order desk (frontdesk1, SC01)", "frontdesk1", "/desk/"),
    ]
    return out


#: 经营看板 (issue 7): one centre, then every centre with the per-centre table (target ≤ 300 ms).
DASHBOARD_PAGES = [
    ("dashboard (center_manager1, SC01)", "center_manager1", "/dashboard/"),
    ("dashboard (gm1, all centres)", "gm1", "/dashboard/"),
    ("dashboard (admin1, all centres)", "admin1", "/dashboard/"),
]

DEFAULT_FAB_PAGE = ("households: first page, default FAB ModelView", "admin1", "/bench_default_household/list/")
OURS_SAME_PAGE = "households: first page"
