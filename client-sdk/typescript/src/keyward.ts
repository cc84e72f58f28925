// Written by hand (not generated): what openapi-generator's client does not do
// on its own — client authentication as RFC 6749 §2.3.1 requires it, the
// client_credentials token and a bearer configuration, and the typed error body.

import { Configuration, ResponseError } from './runtime.js';
import { OauthApi } from './apis/index.js';
import type { AdminError, TokenResponse } from './models/index.js';
import { AdminErrorFromJSON } from './models/index.js';

/**
 * The `Authorization` header of `client_secret_basic`: id and secret are each
 * form-urlencoded before `base64(id:secret)` (RFC 6749 §2.3.1). The generated
 * client encodes them raw, so an id with `:`, `+` or `%` would fail.
 */
export function basicCredentials(clientId: string, clientSecret: string): string {
    const encode = (part: string) => new URLSearchParams([['', part]]).toString().slice(1);
    // Every character is ASCII once form-encoded, which `btoa` requires.
    return `Basic ${btoa(`${encode(clientId)}:${encode(clientSecret)}`)}`;
}

/** A client_credentials token of a confidential client (`client_secret_basic`). */
export async function clientCredentialsToken(
    basePath: string,
    clientId: string,
    clientSecret: string,
    scope?: string,
): Promise<TokenResponse> {
    const oauth = new OauthApi(
        new Configuration({ basePath, headers: { Authorization: basicCredentials(clientId, clientSecret) } }),
    );
    return oauth.oauthToken({ grantType: 'client_credentials', scope });
}

/** A configuration whose calls carry `accessToken` as a bearer token. */
export function bearerConfiguration(basePath: string, accessToken: string): Configuration {
    return new Configuration({ basePath, accessToken });
}

/**
 * The typed body of an admin API failure (`{code, codeName, message}`), or
 * undefined when `error` is not an HTTP error answer with such a body.
 */
export async function adminError(error: unknown): Promise<AdminError | undefined> {
    if (!(error instanceof ResponseError)) {
        return undefined;
    }
    try {
        const body: unknown = await error.response.clone().json();
        return typeof body === 'object' && body !== null && 'codeName' in body ? AdminErrorFromJSON(body) : undefined;
    } catch {
        return undefined;
    }
}
