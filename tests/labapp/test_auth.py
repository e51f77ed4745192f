from __future__ import annotations

import pytest
from werkzeug.security import check_password_hash

from labapp.accounts import AccountError, create_user, get_user_by_username
from labapp.db import get_db

from .conftest import PASSWORD


def test_login_page(client) -> None:
    page = client.get("/auth/login").get_data(as_text=True)
    assert 'name="csrf_token"' in page and 'autocomplete="current-password"' in page


def test_student_login_goes_to_labs(auth) -> None:
    response = auth.login("alice")
    assert response.status_code == 302 and response.headers["Location"] == "/labs/"


def test_instructor_login_goes_to_dashboard(auth) -> None:
    assert auth.login("prof").headers["Location"] == "/instructor/"


@pytest.mark.parametrize(("username", "password"), [("alice", "wrong-password"), ("nobody", PASSWORD)])
def test_bad_credentials(auth, username: str, password: str) -> None:
    response = auth.login(username, password)
    assert response.status_code == 401
    assert "Unknown username or wrong password." in response.get_data(as_text=True)


def test_next_is_followed_only_for_local_paths(auth) -> None:
    token = auth.token()
    ok = auth.client.post(
        "/auth/login",
        data={"username": "alice", "password": PASSWORD, "csrf_token": token, "next": "/inbox/"},
    )
    assert ok.headers["Location"] == "/inbox/"
    auth.logout()
    token = auth.token()
    evil = auth.client.post(
        "/auth/login",
        data={"username": "alice", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/"},
    )
    assert evil.headers["Location"] == "/labs/"


def test_anonymous_is_sent_to_login(client) -> None:
    response = client.get("/labs/bank-insider")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login?next=")
    assert client.get("/labs/bank-insider/checks.json").status_code == 401


def test_logout_clears_session(auth) -> None:
    auth.login("alice")
    assert auth.client.get("/labs/").status_code == 200
    assert auth.logout().headers["Location"] == "/auth/login"
    assert auth.client.get("/labs/").status_code == 302


def test_logout_needs_post(auth) -> None:
    auth.login("alice")
    assert auth.client.get("/auth/logout").status_code == 405


def test_passwords_are_hashed(app) -> None:
    with app.app_context():
        user = get_user_by_username(get_db(), "alice")
    assert PASSWORD not in user["password_hash"] and check_password_hash(user["password_hash"], PASSWORD)


def test_change_password(auth) -> None:
    auth.login("alice")
    bad = auth.post(
        "/auth/password", {"current": "nope-nope", "new": "another-pass", "confirm": "another-pass"}
    )
    assert "The current password is wrong." in bad.get_data(as_text=True)
    ok = auth.post("/auth/password", {"current": PASSWORD, "new": "another-pass", "confirm": "another-pass"})
    assert ok.status_code == 302
    auth.logout()
    assert auth.login("alice", "another-pass").status_code == 302


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("bad name", "long-enough", "is not valid"),
        ("carol", "short", "at least 8"),
        ("alice", "long-enough", "already taken"),
    ],
)
def test_create_user_errors(app, username: str, password: str, message: str) -> None:
    with app.app_context(), pytest.raises(AccountError, match=message):
        create_user(get_db(), username, password, "student")


def test_create_instructor_command(app) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-instructor", "turing", "--password", "enigma-1936", "--name", "A. Turing"]
    )
    assert result.exit_code == 0 and "instructor 'turing' created" in result.output
    with app.app_context():
        assert get_user_by_username(get_db(), "turing")["role"] == "instructor"
    again = runner.invoke(args=["create-instructor", "turing", "--password", "enigma-1936"])
    assert again.exit_code == 1 and "already taken" in again.output


def test_create_instructor_function(app) -> None:
    from labapp import create_instructor

    user_id = create_instructor(app, "hopper", "cobol-1959")
    with app.app_context():
        assert get_user_by_username(get_db(), "hopper")["id"] == user_id


def test_create_student_command(app) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-student", "self.study", "--password", "learning-1"])
    assert result.exit_code == 0 and "student 'self.study' created" in result.output
    with app.app_context():
        user = get_user_by_username(get_db(), "self.study")
    assert user["role"] == "student" and user["student_id"] == "self.study"
    short = runner.invoke(args=["create-student", "other", "--password", "short"])
    assert short.exit_code == 1 and "at least 8" in short.output
