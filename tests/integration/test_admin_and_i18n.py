"""Issue 2: admin binds users to centres on the user screen; OpenAPI and
Swagger UI are served; Chinese by default with an English switch."""

def test_admin_binds_a_user_to_centres(app, logged_in):
    with app.app_context():
        sm = app.appbuilder.sm
        user = sm.add_user("binding1", "绑定", "测试", "binding1@demo.invalid",
                           sm.find_role("cashier"), password="Cashier-pass-2026")
        uid, role_id = user.id, user.roles[0].id
        from tests.factories import center

        sc2 = center("SC02").id
    c = logged_in("admin1")
    form = c.get(f"/users/edit/{uid}").get_data(as_text=True)
    assert "所属服务中心" in form
    r = c.post(f"/users/edit/{uid}", data={
        "first_name": "绑定", "last_name": "测试", "username": "binding1", "active": "y",
        "email": "binding1@demo.invalid", "roles": [role_id], "centers": [sc2],
    })
    assert r.status_code == 302
    with app.app_context():
        assert [c.code for c in app.appbuilder.sm.get_user_by_id(uid).centers] == ["SC02"]
    listing = logged_in("binding1", "Cashier-pass-2026").get("/householdview/list/").get_data(as_text=True)
    assert "锦绣华庭服务中心" in listing and "阳光花园服务中心" not in listing


def test_only_admin_manages_users(logged_in):
    assert logged_in("center_manager1").get("/users/list/").status_code == 403


def test_openapi_and_swagger_are_served(api, logged_in):
    spec = api("frontdesk1").get("/api/v1/_openapi")
    assert spec.status_code == 200
    paths = spec.json["paths"]
    for resource in ("servicecenter", "building", "unit", "household"):
        assert f"/api/v1/{resource}/" in paths
    assert logged_in("admin1").get("/swagger/v1").status_code == 200


def test_chinese_by_default_and_english_on_request(client):
    assert "登录" in client.get("/login/").get_data(as_text=True)
    client.get("/lang/en")
    page = client.get("/login/").get_data(as_text=True)
    assert "Login" in page or "Sign In" in page
    assert "登录" not in page
    client.get("/lang/zh")
    assert "登录" in client.get("/login/").get_data(as_text=True)


def test_english_ui_shows_english_menu_labels(logged_in):
    c = logged_in("frontdesk1")
    c.get("/lang/en")
    page = c.get("/householdview/list/").get_data(as_text=True)
    assert "Households" in page or "Household" in page
    assert "业户档案" not in page

