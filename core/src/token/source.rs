//! The two token sources that talk to JTL: the client-credentials grant and the SCX
//! refresh-token exchange.

use std::{fmt, sync::Arc, time::SystemTime};

use reqwest::{Method, Url};
use serde_json::Value;
use tracing::debug;

use super::{response, TokenFuture, TokenSource};
use crate::{
    http::{Auth, Call, Flavor, Transport},
    ClientCredentials, Secret,
};

/// `POST <token URL>` with HTTP Basic and `grant_type=client_credentials`, as JTL documents.
pub(crate) struct ClientCredentialsSource {
    transport: Transport,
    token_url: Url,
    credentials: Arc<ClientCredentials>,
}

impl ClientCredentialsSource {
    pub(crate) fn new(
        transport: Transport,
        token_url: Url,
        credentials: ClientCredentials,
    ) -> Self {
        Self {
            transport,
            token_url,
            credentials: Arc::new(credentials),
        }
    }
}

impl fmt::Debug for ClientCredentialsSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentialsSource")
            .field("token_url", &self.token_url.as_str())
            .field("client_id", &self.credentials.client_id())
            .finish()
    }
}

impl TokenSource for ClientCredentialsSource {
    fn fetch(&self) -> TokenFuture {
        let transport = self.transport.clone();
        let mut call = Call::new(Method::POST, self.token_url.clone(), Flavor::TokenEndpoint);
        call.body = Some((
            "grant_type=client_credentials".into(),
            "application/x-www-form-urlencoded",
        ));
        // Asking for another token changes nothing on the server: safe to repeat.
        call.idempotent = true;
        let auth = Auth::Basic {
            user: self.credentials.client_id().to_owned(),
            password: self.credentials.client_secret().clone(),
        };
        let client_id = self.credentials.client_id().to_owned();
        Box::pin(async move {
            let requested = SystemTime::now();
            let answer = transport.send(call, &auth).await?;
            let token = response::oauth(&answer.json::<Value>()?, requested)?;
            debug!(client_id = %client_id, token = %token.value.fingerprint(), lifetime_s = token.lifetime.as_secs(), "access token issued");
            Ok(token)
        })
    }
}

/// SCX `POST /v1/auth` with the refresh token as form field `refreshToken`; if the server
/// says the field is missing (as one deployment expects a query parameter), once more with
/// `?refreshToken=`.
pub(crate) struct ScxRefreshSource {
    transport: Transport,
    auth_url: Url,
    refresh_token: Secret,
    accept_language: Option<reqwest::header::HeaderValue>,
}

impl ScxRefreshSource {
    pub(crate) fn new(
        transport: Transport,
        scx_base: &Url,
        refresh_token: Secret,
        accept_language: Option<&str>,
    ) -> crate::Result<Self> {
        let auth_url = scx_base.join("auth").map_err(|e| {
            crate::Error::invalid_input(format!("SCX base: cannot derive /auth ({e})"))
        })?;
        let accept_language = accept_language
            .map(reqwest::header::HeaderValue::from_str)
            .transpose()
            .map_err(|_| {
                crate::Error::invalid_input("accept_language: not a valid header value")
            })?;
        Ok(Self {
            transport,
            auth_url,
            refresh_token,
            accept_language,
        })
    }
}

impl fmt::Debug for ScxRefreshSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScxRefreshSource")
            .field("auth_url", &self.auth_url.as_str())
            .field("refresh_token", &self.refresh_token)
            .finish()
    }
}

impl TokenSource for ScxRefreshSource {
    fn fetch(&self) -> TokenFuture {
        let transport = self.transport.clone();
        let url = self.auth_url.clone();
        let refresh_token = self.refresh_token.clone();
        let language = self.accept_language.clone();
        let new_call = move |url: Url| {
            let mut call = Call::new(Method::POST, url, Flavor::ScxAuth);
            // Asking for another token changes nothing on the server: safe to repeat.
            call.idempotent = true;
            if let Some(language) = &language {
                call.headers
                    .push((reqwest::header::ACCEPT_LANGUAGE, language.clone()));
            }
            call
        };
        Box::pin(async move {
            let requested = SystemTime::now();
            let form: String = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("refreshToken", refresh_token.expose())
                .finish();
            let mut call = new_call(url.clone());
            call.body = Some((form.into(), "application/x-www-form-urlencoded"));
            let answer = match transport.send(call, &Auth::None).await {
                Err(e) if e.detail().and_then(|d| d.error_code.as_deref()) == Some("VAL100") => {
                    debug!("SCX wants the refresh token as a query parameter");
                    let mut url = url;
                    url.query_pairs_mut()
                        .append_pair("refreshToken", refresh_token.expose());
                    transport.send(new_call(url), &Auth::None).await
                }
                other => other,
            }
            // The transport of an `ScxClient` already knows the refresh token; a source built
            // on another transport gets the same every-field cleaning here.
            .map_err(|e| {
                let mut redactor = crate::redact::Redactor::default();
                redactor.add(refresh_token.expose());
                redactor.error(e)
            })?;
            let token = response::scx(&answer.json::<Value>()?, requested)?;
            debug!(token = %token.value.fingerprint(), lifetime_s = token.lifetime.as_secs(), "SCX auth token issued");
            Ok(token)
        })
    }
}
