from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from labapp.db import get_db
from labapp.roster import RosterError, parse_roster
from labapp.schema import roster_imports, users

GOOD = (
    b"username,student_id,name,email,password\ncarol,s003,Carol,carol@example.edu,carol-pass-1\n"
    b"dave,s004,Dave,dave@example.edu,\nalice,s001,Alice Updated,alice@new.example,\n"
)


def _snapshot(app) -> list[tuple]:
    with app.app_context():
        rows = get_db().execute(sa.select(users).order_by(users.c.id)).all()
        imports = get_db().execute(sa.select(sa.func.count()).select_from(roster_imports)).scalar()
    return [tuple(r) for r in rows] + [("imports", imports)]


def _upload(auth, data: bytes, name: str = "roster.csv"):
    return auth.post(
        "/instructor/roster", {"roster": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def test_good_roster_creates_and_updates(app, auth) -> None:
    auth.login("prof")
    response = _upload(auth, GOOD)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 student(s) created, 1 updated" in page
    assert 'id="generated"' in page and "dave" in page  # dave had no password
    auth.logout()
    assert auth.login("carol", "carol-pass-1").status_code == 302
    with app.app_context():
        alice = get_db().execute(sa.select(users).where(users.c.username == "alice")).mappings().one()
    assert alice["display_name"] == "Alice Updated" and alice["email"] == "alice@new.example"


def test_generated_password_works(app, auth) -> None:
    auth.login("prof")
    page = _upload(auth, b"username,student_id\nerin,s009\n").get_data(as_text=True)
    password = page.split("<td>erin</td><td><code>")[1].split("</code>")[0]
    auth.logout()
    assert auth.login("erin", password).status_code == 302


BAD_FILES = [
    (b"", "the file is empty"),
    (b"name,email\nx,y\n", "missing column 'username'"),
    (b"username,student_id,phone\na,1,2\n", "unknown column 'phone'"),
    (b"username,student_id\n", "header but no students"),
    (b"username,student_id\nok.one,s1\nbad name,s2\n", "line 3: username 'bad name' is not valid"),
    (b"username,student_id\nx1,\n", "line 2: student_id is empty"),
    (b"username,student_id,password\nx1,s1,short\n", "shorter than 8"),
    (b"username,student_id\nx1,s1\nx1,s2\n", "line 3: username 'x1' already on line 2"),
    (b"username,student_id\nx1,s1\nx2,s1\n", "line 3: student_id 's1' already on line 2"),
    (b"username,student_id,email\nx1,s1,not-an-email\n", "has no '@'"),
    (b"username,student_id\nx1,s1,extra\n", "more values than columns"),
    (b"username,student_id\n\xff\xfe,s1\n", "not UTF-8"),
    (b"username,student_id\nprof,s7\n", "'prof' is an instructor account"),
    (b"username,student_id\nnewbie,s002\n", "student_id 's002' already belongs to 'bob'"),
]


@pytest.mark.parametrize(("data", "message"), BAD_FILES)
def test_bad_roster_changes_nothing(app, auth, data: bytes, message: str) -> None:
    auth.login("prof")
    before = _snapshot(app)
    response = _upload(auth, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "was not imported; nothing changed" in page
    assert message.replace("'", "&#39;") in page or message in page
    assert _snapshot(app) == before


def test_bad_row_after_good_rows_changes_nothing(app, auth) -> None:
    auth.login("prof")
    before = _snapshot(app)
    data = b"username,student_id\ngood1,s201\ngood2,s202\nbad name,s203\n"
    assert _upload(auth, data).status_code == 400
    assert _snapshot(app) == before


def test_too_large_upload(app, auth) -> None:
    app.config["MAX_UPLOAD_BYTES"] = 64
    auth.login("prof")
    response = _upload(auth, b"username,student_id\n" + b"x" * 100)
    assert response.status_code == 400 and "the limit is 64" in response.get_data(as_text=True)


def test_missing_file(auth) -> None:
    auth.login("prof")
    response = auth.post("/instructor/roster", {}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Choose a CSV file" in response.get_data(as_text=True)


def test_parse_roster_lists_every_problem() -> None:
    with pytest.raises(RosterError) as exc:
        parse_roster(b"username,student_id\nbad name,\n", "r.csv")
    assert exc.value.errors == [
        "line 2: username 'bad name' is not valid (letters, digits, . _ @ -)",
        "line 2: student_id is empty",
    ]
    assert str(exc.value) == "r.csv: 2 problem(s); nothing was imported"
