//! Sign-in through an OpenID Connect provider (a province's unified identity) instead of local
//! passwords. The authorization-code flow with PKCE: `/auth/oidc/start` sends the browser to the
//! provider with a fresh `state`, `nonce` and code challenge (the state also goes into a cookie,
//! so a callback is only accepted in the browser that started it, and only once);
//! `/auth/oidc/callback` exchanges the code at the token endpoint, checks the ID token's
//! signature against the provider's published keys (RS256/ES256 only), its issuer, audience,
//! expiry and nonce, and names the account by one claim (`OIDC_USERNAME_CLAIM`, `sub` by
//! default). The account itself (role, jurisdiction, department, subject) is still created on
//! the server with `api user add --oidc`: the provider says who someone is, never what they
//! may do.

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};

/// The flow cookie holding the `state` between the start and the callback.
pub const STATE_COOKIE: &str = "establishment_oidc_state";
/// How long a started sign-in may take at the provider.
pub const FLOW_TTL: Duration = Duration::from_secs(10 * 60);
/// Longest wait for the provider on any one call.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);
/// The provider's keys are fetched again at most this often when a token names an unknown key.
const KEYS_REFRESH: Duration = Duration::from_secs(60);

pub use crate::config::OidcSettings;

/// The provider as discovered, with its signing keys.
struct Provider {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
    keys: JwkSet,
    keys_fetched: Instant,
}

#[derive(Clone)]
struct Pending {
    nonce: String,
    verifier: String,
}

/// The configured provider of a running server.
pub struct Oidc {
    settings: OidcSettings,
    http: reqwest::Client,
    provider: tokio::sync::RwLock<Option<Arc<Provider>>>,
    /// Started sign-ins by `state`: taken (removed) by their callback.
    pending: moka::sync::Cache<String, Pending>,
}

#[derive(serde::Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
}

#[derive(serde::Deserialize)]
struct TokenAnswer {
    id_token: Option<String>,
}

fn random_word() -> String {
    let mut bytes = [0u8; 32];
    rand::Rng::fill(&mut rand::thread_rng(), &mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The provider could not be reached or answered nonsense: logged, and told as unavailable.
fn provider_down(what: &str, error: impl std::fmt::Display) -> ApiError {
    tracing::warn!(%error, "the identity provider: {what}");
    ApiError::Unavailable("the identity provider cannot be reached; try again shortly".into())
}

fn refused(why: impl std::fmt::Display) -> ApiError {
    tracing::info!(%why, "an OpenID Connect sign-in was refused");
    ApiError::Unauthenticated("the identity provider's answer was not accepted; sign in again".into())
}

impl Oidc {
    pub fn new(settings: OidcSettings) -> anyhow::Result<Self> {
        anyhow::ensure!(!settings.client_id.is_empty(), "OIDC_CLIENT_ID is required with OIDC_ISSUER");
        anyhow::ensure!(
            reqwest::Url::parse(&settings.redirect_url).is_ok(),
            "OIDC_REDIRECT_URL must be this server's /auth/oidc/callback as an absolute URL"
        );
        let http =
            reqwest::Client::builder().timeout(PROVIDER_TIMEOUT).redirect(reqwest::redirect::Policy::none()).build()?;
        Ok(Self {
            settings,
            http,
            provider: tokio::sync::RwLock::new(None),
            pending: moka::sync::Cache::builder().max_capacity(100_000).time_to_live(FLOW_TTL).build(),
        })
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> ApiResult<T> {
        let response = self.http.get(url).send().await.map_err(|e| provider_down(url, e))?;
        if !response.status().is_success() {
            return Err(provider_down(url, response.status()));
        }
        let body = response.bytes().await.map_err(|e| provider_down(url, e))?;
        serde_json::from_slice(&body).map_err(|e| provider_down(url, e))
    }

    /// The provider, discovered on first use; its keys are fetched again when `stale_keys` and
    /// the last fetch is old enough (a key rotation).
    async fn provider(&self, stale_keys: bool) -> ApiResult<Arc<Provider>> {
        if let Some(known) = self.provider.read().await.as_ref()
            && (!stale_keys || known.keys_fetched.elapsed() < KEYS_REFRESH)
        {
            return Ok(known.clone());
        }
        let mut slot = self.provider.write().await;
        let discovery = match slot.as_ref() {
            Some(known) => Discovery {
                issuer: known.issuer.clone(),
                authorization_endpoint: known.authorization_endpoint.clone(),
                token_endpoint: known.token_endpoint.clone(),
                jwks_uri: known.jwks_uri.clone(),
            },
            None => {
                let url = format!("{}/.well-known/openid-configuration", self.settings.issuer.trim_end_matches('/'));
                let found: Discovery = self.get_json(&url).await?;
                if found.issuer.trim_end_matches('/') != self.settings.issuer.trim_end_matches('/') {
                    return Err(provider_down("discovery", format!("it names the issuer {}", found.issuer)));
                }
                found
            }
        };
        let keys: JwkSet = self.get_json(&discovery.jwks_uri).await?;
        let provider = Arc::new(Provider {
            issuer: discovery.issuer,
            authorization_endpoint: discovery.authorization_endpoint,
            token_endpoint: discovery.token_endpoint,
            jwks_uri: discovery.jwks_uri,
            keys,
            keys_fetched: Instant::now(),
        });
        *slot = Some(provider.clone());
        Ok(provider)
    }

    /// Starts a sign-in: where to send the browser, and the `state` for the flow cookie.
    pub async fn start(&self) -> ApiResult<(String, String)> {
        let provider = self.provider(false).await?;
        let (state, nonce, verifier) = (random_word(), random_word(), random_word());
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        let mut url = reqwest::Url::parse(&provider.authorization_endpoint)
            .map_err(|e| provider_down("authorization endpoint", e))?;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.settings.client_id)
            .append_pair("redirect_uri", &self.settings.redirect_url)
            .append_pair("scope", &self.settings.scopes)
            .append_pair("state", &state)
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256");
        self.pending.insert(state.clone(), Pending { nonce, verifier });
        Ok((url.into(), state))
    }

    /// Finishes a sign-in: the callback's `state` must be the browser's and still pending; the
    /// code is exchanged and the ID token checked. Answers the account's user name.
    pub async fn finish(&self, state: &str, browser_state: Option<&str>, code: &str) -> ApiResult<String> {
        if browser_state != Some(state) {
            return Err(refused("the state is not this browser's"));
        }
        let pending = self.pending.remove(state).ok_or_else(|| refused("the state is unknown, used or expired"))?;
        let provider = self.provider(false).await?;
        let mut request = self.http.post(&provider.token_endpoint).form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &self.settings.redirect_url),
            ("code_verifier", &pending.verifier),
            ("client_id", &self.settings.client_id),
        ]);
        if let Some(secret) = &self.settings.client_secret {
            // RFC 6749 2.3.1: both parts form-encoded before Basic authentication.
            let encode = |s: &str| form_urlencoded_component(s);
            request = request.basic_auth(encode(&self.settings.client_id), Some(encode(secret)));
        }
        let response = request.send().await.map_err(|e| provider_down("token endpoint", e))?;
        if !response.status().is_success() {
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            return Err(refused(format!(
                "the token endpoint answered {status}: {}",
                body.chars().take(300).collect::<String>()
            )));
        }
        let body = response.bytes().await.map_err(|e| provider_down("token endpoint", e))?;
        let answer: TokenAnswer = serde_json::from_slice(&body).map_err(|e| refused(format!("token answer: {e}")))?;
        let id_token = answer.id_token.ok_or_else(|| refused("no ID token"))?;
        let claims = self.verify(&id_token).await?;
        if claims.get("nonce").and_then(|n| n.as_str()) != Some(pending.nonce.as_str()) {
            return Err(refused("the nonce is not the one sent"));
        }
        claims
            .get(&self.settings.username_claim)
            .and_then(|v| v.as_str())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .ok_or_else(|| refused(format!("the ID token has no `{}` claim", self.settings.username_claim)))
    }

    /// Checks an ID token's signature (a key the provider publishes, RS256 or ES256), issuer,
    /// audience and expiry; answers its claims.
    async fn verify(&self, id_token: &str) -> ApiResult<serde_json::Map<String, serde_json::Value>> {
        let header = jsonwebtoken::decode_header(id_token).map_err(|e| refused(format!("ID token header: {e}")))?;
        if !matches!(header.alg, Algorithm::RS256 | Algorithm::ES256) {
            return Err(refused(format!("the ID token is signed with {:?}", header.alg)));
        }
        let mut provider = self.provider(false).await?;
        let key = loop {
            let found = provider.keys.keys.iter().find(|k| match (&header.kid, &k.common.key_id) {
                (Some(wanted), Some(id)) => wanted == id,
                (None, _) => provider.keys.keys.len() == 1,
                _ => false,
            });
            match found {
                Some(jwk) => break DecodingKey::from_jwk(jwk).map_err(|e| refused(format!("the key: {e}")))?,
                None if provider.keys_fetched.elapsed() >= KEYS_REFRESH => provider = self.provider(true).await?,
                None => return Err(refused("the ID token names a key the provider does not publish")),
            }
        };
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[provider.issuer.as_str()]);
        validation.set_audience(&[self.settings.client_id.as_str()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 30;
        let data = jsonwebtoken::decode::<serde_json::Map<String, serde_json::Value>>(id_token, &key, &validation)
            .map_err(|e| refused(format!("ID token: {e}")))?;
        Ok(data.claims)
    }
}

/// `application/x-www-form-urlencoded` encoding of one value.
fn form_urlencoded_component(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
