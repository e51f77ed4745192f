"""Every state-changing form is refused without the session's CSRF token."""

from __future__ import annotations

import pytest

POSTS = [
    "/auth/login",
    "/auth/logout",
    "/auth/password",
    "/labs/knowledge-check/answers",
    "/submit/bank-insider",
    "/instructor/roster",
    "/instructor/assign",
    "/instructor/regrade",
    "/instructor/replay/",
]


@pytest.mark.parametrize("path", POSTS)
@pytest.mark.parametrize("token", [None, "forged-token"])
def test_post_without_valid_token_is_refused(auth, path: str, token: str | None) -> None:
    auth.login("prof")
    data = {"username": "alice", "password": "x"}
    if token:
        data["csrf_token"] = token
    response = auth.client.post(path, data=data)
    assert response.status_code == 400
    assert "security token is missing or out of date" in response.get_data(as_text=True)


def test_header_token_is_accepted(auth) -> None:
    auth.login("alice")
    response = auth.client.post(
        "/labs/knowledge-check/answers",
        data={"q-config": "AWS Config"},
        headers={"X-CSRFToken": auth.token()},
    )
    assert response.status_code == 302


def test_token_changes_after_login(auth) -> None:
    before = auth.token()
    auth.login("alice")
    assert auth.token() != before


def test_token_of_another_session_is_refused(app, auth) -> None:
    other = app.test_client()
    other_token = type(auth)(other).token()
    auth.login("alice")
    response = auth.client.post("/labs/knowledge-check/answers", data={"csrf_token": other_token})
    assert response.status_code == 400
