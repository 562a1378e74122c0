"""Users as the runbook's admin page manages them through the SDK: invite (create in the
dedicated database connection, then a password-change ticket), look up, search with Lucene
queries, change `app_metadata`, block, delete."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from auth0.management import Auth0
from auth0.management.errors import BadRequestError, ConflictError, NotFoundError
from conftest import Emulator


@pytest.fixture(scope="module")
def connection(mgmt: Auth0) -> str:
    """The dedicated database connection, sign-ups disabled (the runbook's invite-only setup)."""
    return mgmt.connections.create(
        name="sdk-dashboard-users", strategy="auth0", options={"disable_signup": True}
    ).name


def invite(mgmt: Auth0, connection: str, email: str, **fields):
    return mgmt.users.create(
        connection=connection,
        email=email,
        password="Initial-Passw0rd!",
        verify_email=False,
        **fields,
    )


def test_an_invited_user_has_auth0s_profile(
    emulator: Emulator, mgmt: Auth0, connection: str, unique: str
) -> None:
    mark = emulator.mark()
    user = invite(
        mgmt, connection, f"ada-{unique}@example.com", app_metadata={"role": "viewer"}
    )

    local_id = user.user_id.removeprefix("auth0|")
    assert user.user_id.startswith("auth0|") and len(local_id) == 24
    [identity] = user.identities
    assert (identity.connection, identity.provider, identity.user_id) == (
        connection,
        "auth0",
        local_id,
    )
    assert identity.is_social is False
    assert user.email_verified is False
    assert user.name == f"ada-{unique}@example.com"
    assert user.nickname == f"ada-{unique}"
    assert user.picture.startswith("https://s.gravatar.com/avatar/")
    assert user.created_at == user.updated_at
    assert user.app_metadata == {"role": "viewer"}
    # The password reached the tenant (and was masked in its log), and is never answered.
    [request] = emulator.since(mark)
    assert request["body"]["password"] == "[SECRET]"
    assert "password" not in user.model_dump()

    assert mgmt.users.get(user.user_id).email == f"ada-{unique}@example.com"


def test_auth0_keeps_a_database_users_email_in_lower_case(
    mgmt: Auth0, connection: str, unique: str
) -> None:
    """Users-by-email, as Auth0 documents it: an Auth0-stored email is saved in lower case
    whatever case it was given in, and the lookup matches the stored case."""
    user = invite(mgmt, connection, f"Grace.Hopper-{unique}@Example.COM")

    assert user.email == f"grace.hopper-{unique}@example.com"
    found = mgmt.users.list_users_by_email(email=f"grace.hopper-{unique}@example.com")
    assert [u.user_id for u in found] == [user.user_id]
    assert mgmt.users.list_users_by_email(email=f"Grace.Hopper-{unique}@Example.COM") == []


def test_inviting_the_same_email_twice_is_a_conflict(
    mgmt: Auth0, connection: str, unique: str
) -> None:
    invite(mgmt, connection, f"twice-{unique}@example.com")
    with pytest.raises(ConflictError) as refused:
        invite(mgmt, connection, f"twice-{unique}@example.com")

    assert refused.value.status_code == 409
    assert refused.value.body == {
        "statusCode": 409,
        "error": "Conflict",
        "message": "The user already exists.",
        "errorCode": "auth0_idp_error",
    }


def test_a_malformed_email_is_refused(mgmt: Auth0, connection: str, unique: str) -> None:
    with pytest.raises(BadRequestError) as refused:
        invite(mgmt, connection, f"not-an-email-{unique}")

    assert refused.value.status_code == 400
    assert refused.value.body["errorCode"] == "invalid_body"
    assert refused.value.body["message"] == (
        "Payload validation error: 'Object didn't pass validation for format email: "
        f"not-an-email-{unique}' on property email (The user's email)."
    )


def test_a_password_the_connections_policy_refuses_is_too_weak(
    mgmt: Auth0, connection: str, unique: str
) -> None:
    """The dedicated connection has Auth0's default policy, `good`: 8 characters, 3 of the 4
    kinds (lower, upper, digit, special)."""
    with pytest.raises(BadRequestError) as refused:
        mgmt.users.create(connection=connection, email=f"weak-{unique}@example.com", password="password")
    assert refused.value.body == {
        "statusCode": 400,
        "error": "Bad Request",
        "message": "PasswordStrengthError: Password is too weak",
    }
    assert mgmt.users.list_users_by_email(email=f"weak-{unique}@example.com") == []

    user = invite(mgmt, connection, f"weak-{unique}@example.com")
    with pytest.raises(BadRequestError):
        mgmt.users.update(user.user_id, password="short")


def test_an_unknown_connection_is_refused(mgmt: Auth0, unique: str) -> None:
    with pytest.raises(BadRequestError) as refused:
        invite(mgmt, f"no-such-connection-{unique}", f"lost-{unique}@example.com")

    assert refused.value.body == {
        "statusCode": 400,
        "error": "Bad Request",
        "message": "The connection does not exist.",
        "errorCode": "inexistent_connection",
    }


def test_lucene_searches_find_users_by_metadata_and_connection(
    emulator: Emulator, mgmt: Auth0, connection: str, unique: str
) -> None:
    roles = ["admin", "viewer", "admin", "viewer", "admin"]
    created = [
        invite(mgmt, connection, f"search-{unique}-{n}@example.com", app_metadata={"role": role, "team": unique})
        for n, role in enumerate(roles)
    ]
    admins = {u.user_id for u, role in zip(created, roles) if role == "admin"}

    query = f'app_metadata.team:"{unique}" AND app_metadata.role:"admin"'
    found = mgmt.users.list(q=query, search_engine="v3", per_page=100)
    assert {u.user_id for u in found.items} == admins
    assert found.response.total == 3

    # Paged: two per page, with the totals, until a page comes back empty.
    mark = emulator.mark()
    team = f'app_metadata.team:"{unique}" AND identities.connection:"{connection}"'
    first = mgmt.users.list(q=team, search_engine="v3", per_page=2, page=0, include_totals=True)
    assert (first.response.start, first.response.limit, first.response.length) == (0, 2, 2)
    assert first.response.total == 5
    walked = [u.user_id for u in mgmt.users.list(q=team, search_engine="v3", per_page=2, sort="email:-1")]
    assert walked == [u.user_id for u in reversed(created)]
    queries = [parse_qs(r["query"]) for r in emulator.since(mark)]
    assert all(q["search_engine"] == ["v3"] and q["q"] == [team] for q in queries)
    assert [q["page"][0] for q in queries] == ["0", "0", "1", "2", "3"]

    # A wildcard on the email.
    prefixed = mgmt.users.list(q=f"email:search-{unique}-1*", search_engine="v3").items
    assert [u.user_id for u in prefixed] == [created[1].user_id]

    # Ranges: created on or after the day they were created, and none before it.
    day = created[0].created_at.date().isoformat()
    since = mgmt.users.list(q=f'app_metadata.team:"{unique}" AND created_at:[{day} TO *]', search_engine="v3")
    assert {u.user_id for u in since.items} == {u.user_id for u in created}
    before = mgmt.users.list(q=f'app_metadata.team:"{unique}" AND created_at:{{* TO {day}}}', search_engine="v3")
    assert before.items == []


def test_a_query_auth0_cannot_parse_is_a_400(mgmt: Auth0) -> None:
    with pytest.raises(BadRequestError) as refused:
        mgmt.users.list(q="email:(", search_engine="v3")

    assert refused.value.body["errorCode"] == "invalid_query_string"
    assert refused.value.body["message"].startswith("Query validation error")
    with pytest.raises(BadRequestError) as unsorted:
        mgmt.users.list(sort="email:descending")
    assert unsorted.value.body["errorCode"] == "invalid_query_string"
    assert unsorted.value.body["message"].endswith("email:descending' on property sort.")


def test_app_metadata_updates_merge_key_by_key(mgmt: Auth0, connection: str, unique: str) -> None:
    user = invite(
        mgmt,
        connection,
        f"meta-{unique}@example.com",
        app_metadata={"role": "viewer", "teams": {"sales": True, "ops": True}, "legacy": 1},
    )

    updated = mgmt.users.update(
        user.user_id, app_metadata={"role": "admin", "teams": {"sales": True}, "legacy": None}
    )

    # Top-level keys merge, null deletes, a nested object is replaced (TestAccUser.yaml).
    assert updated.app_metadata == {"role": "admin", "teams": {"sales": True}}
    assert mgmt.users.get(user.user_id).app_metadata == {"role": "admin", "teams": {"sales": True}}
    # `{}` clears it: Auth0 then leaves app_metadata out of the user.
    cleared = mgmt.users.update(user.user_id, app_metadata={})
    assert cleared.app_metadata is None


def test_blocking_and_unblocking_a_user(mgmt: Auth0, connection: str, unique: str) -> None:
    user = invite(mgmt, connection, f"blocked-{unique}@example.com")
    assert user.blocked is None

    assert mgmt.users.update(user.user_id, blocked=True).blocked is True
    assert mgmt.users.get(user.user_id).blocked is True
    assert mgmt.users.update(user.user_id, blocked=False).blocked is False


def test_a_password_change_ticket_is_a_working_link(
    emulator: Emulator, mgmt: Auth0, connection: str, unique: str
) -> None:
    user = invite(mgmt, connection, f"ticket-{unique}@example.com")

    answer = mgmt.tickets.change_password(
        user_id=user.user_id, result_url="http://localhost:8501", ttl_sec=3600, mark_email_as_verified=True
    )

    url = urlsplit(answer.ticket)
    assert f"{url.scheme}://{url.netloc}" == emulator.domain
    assert url.path == "/u/reset-password"
    assert len(parse_qs(url.query)["ticket"][0]) == 32


def test_a_deleted_user_is_gone(mgmt: Auth0, connection: str, unique: str) -> None:
    user = invite(mgmt, connection, f"deleted-{unique}@example.com")

    assert mgmt.users.with_raw_response.delete(user.user_id).status_code == 204
    with pytest.raises(NotFoundError) as missing:
        mgmt.users.get(user.user_id)
    assert missing.value.body == {
        "statusCode": 404,
        "error": "Not Found",
        "message": "The user does not exist.",
        "errorCode": "inexistent_user",
    }
    assert mgmt.users.list_users_by_email(email=f"deleted-{unique}@example.com") == []
