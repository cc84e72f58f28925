"""Written by hand (not generated): what openapi-generator's client does not
do on its own — client authentication as RFC 6749 §2.3.1 requires it, the
client_credentials token and a bearer client, and the typed error body."""

import base64
from typing import Optional
from urllib.parse import quote_plus

from keyward_sdk.api.oauth_api import OauthApi
from keyward_sdk.api_client import ApiClient
from keyward_sdk.configuration import Configuration
from keyward_sdk.exceptions import ApiException
from keyward_sdk.models.admin_error import AdminError
from keyward_sdk.models.token_response import TokenResponse


def basic_credentials(client_id: str, client_secret: str) -> str:
    """The ``Authorization`` header of ``client_secret_basic``: id and secret
    are each form-urlencoded before ``base64(id:secret)`` (RFC 6749 §2.3.1).
    The generated client encodes them raw, so an id with ``:``, ``+`` or ``%``
    would fail."""
    pair = f"{quote_plus(client_id, safe='')}:{quote_plus(client_secret, safe='')}"
    return "Basic " + base64.b64encode(pair.encode("ascii")).decode("ascii")


def client_credentials_token(
    host: str, client_id: str, client_secret: str, scope: Optional[str] = None
) -> TokenResponse:
    """A client_credentials token of a confidential client (``client_secret_basic``)."""
    with ApiClient(Configuration(host=host)) as api:
        return OauthApi(api).oauth_token(
            grant_type="client_credentials",
            scope=scope,
            _headers={"Authorization": basic_credentials(client_id, client_secret)},
        )


def bearer_client(host: str, access_token: str) -> ApiClient:
    """An API client whose calls carry ``access_token`` as a bearer token."""
    return ApiClient(Configuration(host=host, access_token=access_token))


def admin_error(error: ApiException) -> Optional[AdminError]:
    """The typed body of an admin API failure (``{code, codeName, message}``),
    or None when the answer had no such body."""
    if isinstance(error.data, AdminError):
        return error.data
    if error.body:
        try:
            return AdminError.from_json(error.body)
        except ValueError:
            return None
    return None
