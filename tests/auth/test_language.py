def test_language_switch_stores_choice_in_session(client):
    response = client.post("/language", data={"locale": "en", "next": "/login"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    with client.session_transaction() as session:
        assert session["locale"] == "en"
    assert '<html lang="en">' in client.get("/login").text


def test_language_switch_back_to_korean(client):
    client.post("/language", data={"locale": "en"})

    client.post("/language", data={"locale": "ko"})

    assert '<html lang="ko">' in client.get("/login").text


def test_language_switch_rejects_unknown_language(client):
    response = client.post("/language", data={"locale": "xx"})

    assert response.status_code == 400


def test_language_switch_ignores_foreign_next(client):
    response = client.post(
        "/language", data={"locale": "en", "next": "https://evil.test/"}
    )

    assert response.headers["Location"] == "/"


def test_language_form_is_on_every_page(client):
    page = client.get("/login").text

    assert 'action="/language"' in page
    assert 'value="ko"' in page
    assert 'value="en"' in page
