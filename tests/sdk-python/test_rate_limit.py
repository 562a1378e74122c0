"""The free plan's rate limit (burst 2, 2 requests a second) as the SDK meets it: its 429s carry
Auth0's body and `x-ratelimit-*` headers, and the SDK's own retry, which waits until
`x-ratelimit-reset`, gets every call through. Its own emulator, rate-limited."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import pytest
from auth0.management import Auth0
from auth0.management.errors import TooManyRequestsError
from conftest import Emulator, start_emulator


@pytest.fixture(scope="module")
def limited(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Emulator:
    return start_emulator(
        request, tmp_path_factory.mktemp("sdk-rate-limit") / "emulator", "--rate-limit", "free"
    )


def test_the_sdk_waits_out_429s_and_every_call_succeeds(limited: Emulator) -> None:
    mgmt: Auth0 = limited.management()
    mark = limited.mark()

    names = [mgmt.clients.get(c.client_id).name for c in mgmt.clients.list(per_page=100).items]

    assert "All Applications" in names
    api = [r for r in limited.since(mark) if r["path"].startswith("/api/v2/")]
    statuses = [r["status"] for r in api]
    # More calls than the burst: some were refused, each refusal was retried, and the last
    # answer to every call was a success.
    assert statuses.count(429) >= 1
    assert statuses.count(200) == 1 + len(names)
    assert statuses[-1] == 200
    # A refused request is sent again as it was.
    for refused, retry in zip(api, api[1:]):
        if refused["status"] == 429:
            assert (retry["method"], retry["path"]) == (refused["method"], refused["path"])


def test_a_429_has_auth0s_body_and_says_when_to_come_back(limited: Emulator) -> None:
    mgmt: Auth0 = limited.management()
    no_retry = {"max_retries": 0}

    with pytest.raises(TooManyRequestsError) as refused:
        for _ in range(10):  # the burst is 2: the bucket is empty long before the tenth
            mgmt.tenants.settings.get(request_options=no_retry)

    assert refused.value.status_code == 429
    assert refused.value.body == {
        "statusCode": 429,
        "error": "Too Many Requests",
        "message": "Global limit has been reached",
        "errorCode": "too_many_requests",
    }
    headers = refused.value.headers
    assert (headers["x-ratelimit-limit"], headers["x-ratelimit-remaining"]) == ("2", "0")
    answered = int(parsedate_to_datetime(headers["date"]).timestamp())
    assert 0 <= int(headers["x-ratelimit-reset"]) - answered <= 2
