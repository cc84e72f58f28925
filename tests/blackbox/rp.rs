//! A strict relying party — the `openidconnect` crate — through discovery,
//! the code flow with PKCE and nonce, ID token validation (signature, iss,
//! aud, nonce, at_hash), UserInfo, and refresh.

use keyward_tests::flow::{self, Agent, PASSWORD, REDIRECT_URI, param};
use keyward_tests::{TestServer, on_both_databases};
use openidconnect::core::{
    CoreClient, CoreJwsSigningAlgorithm, CoreProviderMetadata, CoreResponseType, CoreUserInfoClaims,
};
use openidconnect::{
    AccessTokenHash, AuthenticationFlow, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
};
use serde_json::json;

on_both_databases!(openidconnect_crate_completes_the_code_flow);

async fn openidconnect_crate_completes_the_code_flow(server: TestServer) {
    flow::create_user(&server, "ann").await;
    // The default client gets RS256 ID tokens, as OpenID Connect expects.
    let secret = flow::web_app(&server, json!({})).await;
    code_flow(&server, "web", secret, CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256).await;
    // A client may choose ES256 instead, for its ID and access tokens.
    let es256 =
        json!({ "clientId": "web-es256", "idTokenSignedResponseAlg": "ES256", "accessTokenSigningAlg": "ES256" });
    let secret = flow::web_app(&server, es256).await;
    code_flow(&server, "web-es256", secret, CoreJwsSigningAlgorithm::EcdsaP256Sha256).await;
}

async fn code_flow(server: &TestServer, client_id: &str, secret: String, alg: CoreJwsSigningAlgorithm) {
    let http = openidconnect::reqwest::ClientBuilder::new()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let metadata = CoreProviderMetadata::discover_async(IssuerUrl::new(server.url.clone()).unwrap(), &http)
        .await
        .expect("discovery document accepted");
    let client =
        CoreClient::from_provider_metadata(metadata, ClientId::new(client_id.into()), Some(ClientSecret::new(secret)))
            .set_redirect_uri(RedirectUrl::new(REDIRECT_URI.into()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = client
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("profile".into()))
        .add_scope(Scope::new("email".into()))
        .set_pkce_challenge(challenge)
        .url();

    // The user signs in on the hosted page.
    let agent = Agent::new(server);
    let login = agent.get(url.as_str().trim_start_matches(&server.url)).await;
    assert_eq!(login.status, 200);
    let back = agent.sign_in(&login, "ann", PASSWORD).await.location.expect("redirect to the client");
    assert_eq!(param(&back, "state").as_deref(), Some(state.secret().as_str()));
    let code = param(&back, "code").unwrap();

    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("code exchanged");
    let id_token = tokens.id_token().expect("an ID token");
    let verifier = client.id_token_verifier().set_allowed_algs([alg.clone()]);
    let claims = id_token.claims(&verifier, &nonce).expect("the ID token validates");
    assert_eq!(id_token.signing_alg().unwrap(), &alg);
    let at_hash = AccessTokenHash::from_token(
        tokens.access_token(),
        id_token.signing_alg().unwrap(),
        id_token.signing_key(&verifier).unwrap(),
    )
    .unwrap();
    assert_eq!(claims.access_token_hash(), Some(&at_hash));
    assert!(claims.auth_time().is_some());

    let info: CoreUserInfoClaims = client
        .user_info(tokens.access_token().clone(), Some(claims.subject().clone()))
        .unwrap()
        .request_async(&http)
        .await
        .expect("UserInfo answered");
    assert_eq!(info.preferred_username().map(|u| u.as_str()), Some("ann"));
    assert_eq!(info.email().map(|e| e.as_str()), Some("ann@example.com"));
    assert_eq!(info.email_verified(), Some(true));

    let refreshed = client
        .exchange_refresh_token(tokens.refresh_token().expect("a refresh token"))
        .unwrap()
        .request_async(&http)
        .await
        .expect("refresh accepted");
    assert_ne!(refreshed.access_token().secret(), tokens.access_token().secret());
    let refreshed_id = refreshed.id_token().expect("an ID token on refresh");
    let again = refreshed_id.claims(&verifier, |_: Option<&Nonce>| Ok(())).expect("the refreshed ID token validates");
    assert_eq!(again.subject(), claims.subject());
}
