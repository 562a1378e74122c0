"""The post-login Action (`/actions/actions`) and its binding through the SDK: create with a
secret and a dependency, deploy, bind, unbind, delete."""

from __future__ import annotations

import pytest
from auth0.management import Auth0
from auth0.management.errors import BadRequestError, NotFoundError
from conftest import Emulator

CODE = """exports.onExecutePostLogin = async (event, api) => {
  if (event.user.app_metadata.role !== "admin") api.access.deny("Invite only");
};
"""
SECRET_VALUE = "sdk-python-action-secret-51d2"
POST_LOGIN = [{"id": "post-login", "version": "v3"}]


def create(mgmt: Auth0, name: str):
    return mgmt.actions.create(
        name=name,
        supported_triggers=POST_LOGIN,
        code=CODE,
        runtime="node22",
        dependencies=[{"name": "lodash", "version": "4.17.21"}],
        secrets=[{"name": "MAILGUN_API_KEY", "value": SECRET_VALUE}],
    )


def test_an_action_is_created_built_and_deployed(
    emulator: Emulator, mgmt: Auth0, unique: str
) -> None:
    mark = emulator.mark()
    action = create(mgmt, f"invite-only-{unique}")

    assert action.all_changes_deployed is False
    assert [(t.id, t.version) for t in action.supported_triggers] == [("post-login", "v3")]
    # The secret's value is taken, masked in the log and never answered.
    [request] = emulator.since(mark)
    assert request["body"]["secrets"] == [{"name": "MAILGUN_API_KEY", "value": "[SECRET]"}]
    assert [s.name for s in action.secrets] == ["MAILGUN_API_KEY"]
    assert SECRET_VALUE not in action.model_dump_json()

    # This emulator builds instantly (--action-build-ms 0).
    built = mgmt.actions.get(action.id)
    assert built.status == "built"
    assert [(d.name, d.version) for d in built.dependencies] == [("lodash", "4.17.21")]

    version = mgmt.actions.deploy(action.id)
    # The deploy answers the new version, not yet marked deployed (TestAccAction.yaml).
    assert version.number == 1
    assert version.deployed is False
    assert version.code == CODE

    deployed = mgmt.actions.get(action.id)
    assert deployed.all_changes_deployed is True
    assert deployed.deployed_version.id == version.id
    assert deployed.deployed_version.deployed is True
    [listed] = mgmt.actions.versions.list(action.id).items
    assert (listed.id, listed.number) == (version.id, 1)


def test_the_binding_list_is_replaced_as_a_whole(mgmt: Auth0, unique: str) -> None:
    first = create(mgmt, f"first-{unique}")
    second = create(mgmt, f"second-{unique}")
    for action in (first, second):
        mgmt.actions.deploy(action.id)

    def ref(action):
        return {"ref": {"type": "action_name", "value": action.name}, "display_name": action.name}

    bound = mgmt.actions.triggers.bindings.update_many("post-login", bindings=[ref(second), ref(first)])
    assert [b.action.id for b in bound.bindings] == [second.id, first.id]
    assert all(b.trigger_id == "post-login" for b in bound.bindings)

    listed = mgmt.actions.triggers.bindings.list("post-login")
    assert [b.display_name for b in listed] == [second.name, first.name]

    mgmt.actions.triggers.bindings.update_many("post-login", bindings=[ref(first)])
    assert [b.action.id for b in mgmt.actions.triggers.bindings.list("post-login")] == [first.id]
    mgmt.actions.triggers.bindings.update_many("post-login", bindings=[])
    assert list(mgmt.actions.triggers.bindings.list("post-login")) == []


def test_an_undeployed_action_cannot_be_bound(mgmt: Auth0, unique: str) -> None:
    action = create(mgmt, f"draft-{unique}")
    with pytest.raises(BadRequestError) as refused:
        mgmt.actions.triggers.bindings.update_many(
            "post-login",
            bindings=[{"ref": {"type": "action_name", "value": action.name}, "display_name": "draft"}],
        )

    assert refused.value.status_code == 400
    assert action.name in refused.value.body["message"]


def test_a_deleted_action_is_gone_and_a_second_delete_is_a_404(mgmt: Auth0, unique: str) -> None:
    action = create(mgmt, f"deleted-{unique}")

    assert mgmt.actions.with_raw_response.delete(action.id).status_code == 204
    for again in (lambda: mgmt.actions.get(action.id), lambda: mgmt.actions.delete(action.id)):
        with pytest.raises(NotFoundError) as missing:
            again()
        # TestActionManager_Delete.yaml: no errorCode on this one.
        assert missing.value.body == {
            "statusCode": 404,
            "error": "Not Found",
            "message": "That action does not exist.",
        }


def test_a_bound_action_is_deleted_only_when_forced(mgmt: Auth0, unique: str) -> None:
    """"An action must be unbound from all triggers before it can be deleted" (the spec);
    `force=true` detaches its bindings, as the Deploy CLI sends it."""
    action = create(mgmt, f"bound-{unique}")
    mgmt.actions.deploy(action.id)
    mgmt.actions.triggers.bindings.update_many(
        "post-login",
        bindings=[{"ref": {"type": "action_name", "value": action.name}, "display_name": "bound"}],
    )

    with pytest.raises(BadRequestError) as refused:
        mgmt.actions.delete(action.id)
    assert refused.value.status_code == 400
    assert refused.value.body["message"].startswith(f"Action '{action.name}' is bound to the post-login trigger")
    assert mgmt.actions.get(action.id).id == action.id

    assert mgmt.actions.with_raw_response.delete(action.id, force=True).status_code == 204
    assert list(mgmt.actions.triggers.bindings.list("post-login")) == []
    with pytest.raises(NotFoundError):
        mgmt.actions.get(action.id)
