def test_login_page_is_chinese(client):   # DESIGN: Chinese UI by default
    r = client.get("/login/")
    assert r.status_code == 200
    assert "登录" in r.get_data(as_text=True)


def test_frontdesk_logs_in(logged_in):
    c = logged_in("frontdesk1")
    assert c.get("/householdview/list/").status_code == 200
