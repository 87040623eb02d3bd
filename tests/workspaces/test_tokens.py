"""Personal API tokens: shown once, stored hashed, revocable."""

from __future__ import annotations

import pytest
from django.test import Client

from leadline.workspaces.models import ApiToken

pytestmark = pytest.mark.django_db


def test_a_token_is_shown_once_and_stored_only_as_a_hash(make_user, client_for):
    user = make_user("tina")
    client = client_for(user)
    page = client.post("/account/tokens/", {"name": "laptop"}).content.decode()
    token = ApiToken.objects.get(user=user)
    raw = page.split("data-new-token>")[1].split("<")[0].strip()
    assert raw.startswith("ll_")
    assert raw not in (token.digest, token.lookup)
    again = client.get("/account/tokens/").content.decode()
    assert raw not in again
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").json()["username"] == "tina"


def test_a_revoked_token_no_longer_works(make_user, client_for, api_for):
    user = make_user("rory")
    api = api_for(user)
    assert api.get("/api/v1/me").status_code == 200
    token = ApiToken.objects.get(user=user)
    client_for(user).post("/account/tokens/", {"revoke": token.pk})
    assert api.get("/api/v1/me").status_code == 401


def test_a_user_cannot_revoke_someone_elses_token(make_user, client_for, api_for):
    owner, other = make_user("own"), make_user("oth")
    api = api_for(owner)
    token = ApiToken.objects.get(user=owner)
    assert client_for(other).post("/account/tokens/", {"revoke": token.pk}).status_code == 404
    assert api.get("/api/v1/me").status_code == 200
