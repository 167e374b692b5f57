"""Load test (issue 9 §4): a service centre's working day, 50 staff at once.

Front desks take work orders (and dispatch them) and search households,
technicians start and complete the orders dispatched to them, cashiers take
payments of unpaid bills, managers read lists and reports, approvers decide
their inbox. Writes are named "W ..." in the statistics; each one that
succeeded is counted by kind in LOAD_SUMMARY (a JSON file written when the run
stops), with every status code and every response time, so benchmarks.load.run
can report p95 and the 5xx count and match the writes against the rows created.
Only 409/422 are expected refusals (two cashiers picked one bill, two
technicians one order); they are neither successes nor errors.
"""

import json
import os
import random
import re
from collections import Counter

from locust import HttpUser, between, events, task

RUN = os.environ.get("LOAD_RUN_ID", "load")
MARK = f"压测{RUN}"  # contact_name of the work orders this run creates
PASSWORDS = {"frontdesk2": "demo-frontdesk", "frontdesk3": "demo-frontdesk"}
STATS = {"status": Counter(), "writes": Counter(), "times": []}


def password_for(username: str) -> str:
    return PASSWORDS.get(username) or f"demo-{username.rstrip('0123456789')}"


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None, exception=None, **kw):
    STATS["status"][str(getattr(response, "status_code", 0) or 0)] += 1
    STATS["times"].append(response_time)


@events.quitting.add_listener
def _summary(environment, **kw):
    path = os.environ.get("LOAD_SUMMARY")
    if path:
        with open(path, "w") as out:
            json.dump({"status": STATS["status"], "writes": STATS["writes"], "times": STATS["times"]}, out)


class Staff(HttpUser):
    """Signs in through the API (JWT) once; `users` is the pool of demo logins of the role."""

    abstract = True
    users: tuple[str, ...] = ()
    wait_time = between(1, 3)

    def on_start(self):
        self.username = random.choice(self.users)  # noqa: S311 - load pattern, not security
        r = self.client.post("/api/v1/security/login", name="login", json={
            "username": self.username, "password": password_for(self.username), "provider": "db"})
        self.headers = {"Authorization": f"Bearer {r.json()['access_token']}"}

    def get(self, url, name):
        return self.client.get(url, headers=self.headers, name=name)

    def write(self, kind, method, url, body, ok=(200, 201)):
        """A write; refusals 409/422 are not failures of the system, 5xx are."""
        with self.client.request(method, url, json=body, headers=self.headers, name=f"W {kind}",
                                 catch_response=True) as r:
            if r.status_code in ok:
                STATS["writes"][kind] += 1
                r.success()
            elif r.status_code in (409, 422):
                r.success()
            else:
                r.failure(f"{r.status_code}: {r.text[:200]}")
            return r

    def rows(self, url, name):
        r = self.get(url, name)
        return r.json().get("result", []) if r.status_code == 200 else []


class FrontDesk(Staff):
    weight = 15
    users = ("frontdesk1", "frontdesk2", "frontdesk3")

    def on_start(self):
        super().on_start()
        me = self.rows("/api/v1/household/?q=(page_size:50)", "households page")
        self.households = [h["id"] for h in me]
        # ids of technician1 (SC01) / technician2 (SC02), looked up by the runner
        centre = "SC02" if self.username == "frontdesk2" else "SC01"
        self.technician_id = int(os.environ.get(f"LOAD_TECH_{centre}") or 0) or None

    @task(3)
    def search_households(self):
        term = random.choice("王李张刘陈杨1")  # noqa: S311
        self.get(f"/api/v1/household/?q=(filters:!((col:name,opr:ct,value:'{term}')),page_size:20)",
                 "households search")

    @task(2)
    def take_and_dispatch_order(self):
        if not self.households:
            return
        r = self.write("workorder create", "POST", "/api/v1/workorder/", {
            "household_id": random.choice(self.households), "kind": "repair", "severity": "minor",  # noqa: S311
            "repair_scope": "indoor", "source": "phone", "contact_name": MARK, "contact_phone": "13800138000",
            "description": "压测：厨房水龙头漏水"})
        if r.status_code == 201 and self.technician_id:
            self.write("workorder dispatch", "POST", f"/api/v1/workorder/{r.json()['id']}/dispatch",
                       {"assignee_id": self.technician_id})

    @task(1)
    def desk_orders(self):
        self.get("/api/v1/workorder/?q=(order_column:received_at,order_direction:desc,page_size:20)",
                 "desk orders")


class Technician(Staff):
    weight = 10
    users = ("technician1", "technician2")

    @task
    def work_my_orders(self):
        self.advance("dispatched", "start")
        self.advance("in_progress", "complete")

    def advance(self, status, action):
        """Move one of my orders in `status` on by `action` (another technician may be first: 409)."""
        mine = self.rows(f"/api/v1/workorder/?q=(filters:!((col:status,opr:eq,value:{status})),page_size:20)",
                         f"my orders {status}")
        if mine:
            order = random.choice(mine)  # noqa: S311
            self.write(f"workorder {action}", "POST", f"/api/v1/workorder/{order['id']}/{action}", {})


class Cashier(Staff):
    weight = 10
    users = ("cashier1", "cashier2")

    @task
    def take_payment(self):
        unpaid = self.rows("/api/v1/bill/?q=(filters:!((col:status,opr:eq,value:unpaid)),page_size:50)",
                           "unpaid bills")
        if unpaid:
            bill = random.choice(unpaid)  # noqa: S311
            self.write("payment", "POST", "/api/v1/payment/",
                       {"bill_ids": [bill["id"]], "method": "wechat", "amount": str(bill["amount"])})


class Manager(HttpUser):
    """Reads screens through the web login (session cookie + CSRF token), as managers do."""

    weight = 10
    wait_time = between(1, 3)
    pages = ("/workorderview/list/", "/householdview/list/", "/billview/list/", "/paymentview/list/",
             "/inbox/", "/workorderkpi/", "/arrears/aging/", "/feereport/collection/", "/dayclosereport/")

    def on_start(self):
        self.username = random.choice(("center_manager1", "center_manager2", "gm1"))  # noqa: S311
        page = self.client.get("/login/", name="login page").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        self.client.post("/login/", name="login form", data={
            "username": self.username, "password": password_for(self.username),
            "csrf_token": token.group(1) if token else ""})

    @task
    def read(self):
        self.client.get(random.choice(self.pages), name="manager page")  # noqa: S311


class Approver(Staff):
    weight = 5
    users = ("supervisor1", "center_manager1", "hr1")

    @task(3)
    def inbox(self):
        waiting = self.rows("/api/v1/approval/inbox", "approval inbox")
        if waiting:
            a = random.choice(waiting)  # noqa: S311
            self.write("approval approve", "POST", f"/api/v1/approval/{a['id']}/approve",
                       {"step": a.get("current_step"), "comment": "压测同意"})
