"""The Python SDK against a live server (``cargo xtask sdk smoke`` starts one and
sets KEYWARD_URL and the admin client's credentials): admin calls, the
end-user API, the QR image and a typed error, each checked."""

import os
import sys
from typing import Optional

from keyward_sdk import (
    AdminClientsApi,
    AdminTenantsApi,
    AdminUsersApi,
    AppUsersApi,
    ApiClient,
    AppSettingsUpdate,
    ClientCreate,
    ClientGrantType,
    ClientScope,
    Configuration,
    CustomProperty,
    PasswordSignIn,
    QrPreSignIn,
    SignUp,
    TenantUpdate,
    UserCreate,
)
from keyward_sdk.exceptions import ApiException
from keyward_sdk.keyward import admin_error, bearer_client, client_credentials_token

PNG = b"\x89PNG\r\n\x1a\n"


def check(condition: bool, what: str) -> None:
    if not condition:
        raise AssertionError(f"failed: {what}")
    print(f"ok: {what}")


def refused(error: ApiException, status: int) -> Optional[str]:
    """The message of a typed admin error with ``status``, if it is one."""
    body = admin_error(error)
    return body.message if body is not None and body.code == status else None


def main() -> None:
    url = os.environ["KEYWARD_URL"]
    admin = client_credentials_token(
        url, os.environ["KEYWARD_ADMIN_CLIENT_ID"], os.environ["KEYWARD_ADMIN_CLIENT_SECRET"]
    )
    api = bearer_client(url, admin.access_token)
    clients = AdminClientsApi(api)

    # A client whose id and secret need form-encoding in client_secret_basic.
    client_id = "smoke:py"
    client_secret = "smoke+secret%2F/py-0123456789abcdefghijklmnopqrstuv"
    answer = clients.client_create(
        ClientCreate(
            clientId=client_id,
            clientSecret=client_secret,
            allowedGrantTypes=[ClientGrantType(grantType="client_credentials")],
            allowedScopes=[ClientScope(scope="isms.client.detail")],
        )
    )
    created = answer.data
    check(answer.code == 201 and created.client_id == client_id, f"client {client_id} created (id {created.id}), code 201")
    own = client_credentials_token(url, client_id, client_secret, "isms.client.detail")
    check(bool(own.access_token), "client_credentials token for an id with `:` and a secret with `+`, `%`, `/`")
    viewed = AdminClientsApi(bearer_client(url, own.access_token)).client_view(created.id).data
    check(viewed.client_id == client_id, "the client reads itself with its own token")
    listed = clients.client_list(q_client_id=client_id).data
    check(any(c.id == created.id for c in listed), "the client is listed")
    try:
        clients.client_create(ClientCreate(clientId=client_id))
        check(False, "a duplicate client is refused")
    except ApiException as error:
        message = refused(error, 409)
        check(message is not None and client_id in message, f"a duplicate client is a typed 409: {message}")

    users = AdminUsersApi(api)
    user = users.user_create(UserCreate(userName="smoke-py", password="a long smoke password")).data
    check(users.user_view(user).data.user_name == "smoke-py", f"user created and read (id {user})")
    check(any(u.id == user for u in users.user_list(q_name="smoke-py").data), "the user is listed")
    users.user_delete(user)

    # The end-user API of an app (a client of the tenant).
    app = clients.client_create(ClientCreate(clientId="smoke-py-app")).data.id
    # Sign-up is off until both the app and its tenant open it.
    clients.app_settings_update(app, AppSettingsUpdate(signUpEnabled=True))
    tenants = AdminTenantsApi(api)
    home = next(t for t in tenants.tenant_list().data if t.name == "default")
    properties = [*home.properties, CustomProperty(key="UserRegistration", value="enabled")]
    tenants.tenant_update(home.id, TenantUpdate(properties=properties))
    app_users = AppUsersApi(ApiClient(Configuration(host=url)))
    signed_up = app_users.app_sign_up(app, SignUp(userName="smoke-py-user", pwd="a long password")).data
    check(bool(signed_up.access_token), "end-user sign-up answers a token")
    signed_in = app_users.app_sign_in(app, PasswordSignIn(userName="smoke-py-user", pwd="a long password")).data
    profile = AppUsersApi(bearer_client(url, signed_in.access_token)).app_profile_get(app).data
    check(profile.user_name == "smoke-py-user", "end-user sign-in, then the profile with its token")

    key = app_users.app_qr_pre_sign_in(app, QrPreSignIn(scheme="app")).data
    image = app_users.app_qr_image(app, key)
    check(image.startswith(PNG), f"the QR image is a PNG ({len(image)} bytes)")

    for id in (app, created.id):
        clients.client_delete(id)
    try:
        clients.client_view(created.id)
        check(False, "a deleted client is gone")
    except ApiException as error:
        check(refused(error, 404) is not None, "a deleted client is a typed 404")


if __name__ == "__main__":
    try:
        main()
    except ApiException as error:
        sys.exit(f"{error}\n{admin_error(error)}")
