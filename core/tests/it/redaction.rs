//! Issue 14.3: a hostile server (the emulator's `echo` fault) repeats the client's
//! credentials in every field of its error answer, in every dialect; no field of the
//! resulting `Error` may carry one: not the message, not JTL's code, not a validation key
//! or value, not `Debug`. Covered: Cloud (client secret, its HTTP Basic value, access
//! token), Wawi (API key, registration challenge code), SCX (refresh token, auth token).

use std::time::Duration;

use base64::{
    engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD},
    Engine,
};
use jtl_connect::{
    register_wawi_app, ApiClient, ClientCredentials, CloudClient, Error, RegistrationOptions,
    ScxClient, WawiApp, WawiClient,
};
use jtl_emulator::{ClientSpec, EchoShape, Emulator, Fault, Service};
use serde_json::json;

use crate::support::*;

const SHAPES: [Option<EchoShape>; 8] = [
    None,
    Some(EchoShape::Erp),
    Some(EchoShape::Wawi),
    Some(EchoShape::Oauth),
    Some(EchoShape::Scx),
    Some(EchoShape::Problem),
    Some(EchoShape::Text),
    Some(EchoShape::Cut),
];

/// A secret with characters that change under URL-, JSON- and base64 encoding.
const ODD_SECRET: &str = "Zq8/+ sécret=&\"x\\y-7Hk2pLr9";
const ODD_ID: &str = "redaction-client";

/// Every text an error shows: Display, Debug, code, JTL's code, validation keys and values.
fn texts(error: &Error) -> Vec<String> {
    let mut texts = vec![error.to_string(), format!("{error:?}"), error.code().into()];
    if let Some(detail) = error.detail() {
        texts.extend(detail.error_code.clone());
        for (field, message) in &detail.validation_errors {
            texts.push(field.clone());
            texts.push(message.clone());
        }
    }
    texts
}

/// The forms a secret may leak in; `basic` adds the HTTP Basic value of `id:secret`.
fn forms(secret: &str, basic: Option<&str>) -> Vec<String> {
    let mut forms = vec![
        secret.to_owned(),
        url::form_urlencoded::byte_serialize(secret.as_bytes()).collect(),
        STANDARD.encode(secret),
    ];
    if let Some(id) = basic {
        let pair = format!("{id}:{secret}");
        forms.push(pair.clone());
        for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
            forms.push(engine.encode(&pair));
        }
    }
    forms
}

/// Fails if any text of `error` holds a form of a secret, or 8 or more consecutive
/// characters of one that are not also part of the public `id` (a prefix left by a cut).
fn assert_clean(what: &str, error: &Error, secrets: &[(&str, Option<&str>)]) {
    for text in texts(error) {
        for (secret, id) in secrets {
            for form in forms(secret, *id) {
                assert!(!text.contains(&form), "{what}: {form:?} in {text:?}");
            }
            let chars: Vec<char> = secret.chars().collect();
            for window in chars.windows(8) {
                let piece: String = window.iter().collect();
                if id.is_some_and(|id| id.contains(&piece)) {
                    continue;
                }
                assert!(
                    !text.contains(&piece),
                    "{what}: {piece:?} of a secret in {text:?}"
                );
            }
        }
    }
}

fn odd_cloud(emu: &Emulator) -> CloudClient {
    emu.register_client(ClientSpec {
        client_id: ODD_ID.into(),
        client_secret: ODD_SECRET.into(),
        tenants: vec![emu.tenant_id().into()],
        scopes: None,
    })
    .unwrap();
    CloudClient::builder(ClientCredentials::new(ODD_ID, ODD_SECRET).unwrap())
        .endpoints(endpoints(emu))
        .tenant_id(emu.tenant_id())
        .http_options(quick_http())
        .build()
        .unwrap()
}

#[tokio::test]
async fn token_endpoint_echoes_leave_no_client_secret_or_basic_value() {
    let emu = emulator().await;
    let demo = (emu.client_secret(), Some(emu.client_id()));
    for (client, secret) in [
        (cloud(&emu), demo),
        (odd_cloud(&emu), (ODD_SECRET, Some(ODD_ID))),
    ] {
        for shape in SHAPES {
            emu.inject_fault(Fault::echo(Service::Token, shape))
                .unwrap();
            client.token_cache().clear();
            let error = client.access_token().await.unwrap_err();
            assert!(error.status().is_some(), "{error}");
            assert!(error.to_string().contains("***"), "{shape:?}: {error}");
            assert_clean(&format!("token {shape:?}"), &error, &[secret]);
        }
    }
}

#[tokio::test]
async fn api_echoes_leave_no_access_token_and_no_client_secret() {
    let emu = emulator().await;
    let client = odd_cloud(&emu);
    for shape in SHAPES {
        let token = client.access_token().await.unwrap();
        emu.inject_fault(Fault::echo(Service::Api, shape)).unwrap();
        let error = client.get("info").await.unwrap_err();
        assert_eq!(error.status(), Some(422), "{error}");
        assert_clean(
            &format!("api {shape:?}"),
            &error,
            &[(token.expose(), None), (ODD_SECRET, Some(ODD_ID))],
        );
    }
    // An API answer that echoes the client secret, although the call never sent it, and
    // its Basic value, in an error code and as a validation key.
    let basic = STANDARD.encode(format!("{ODD_ID}:{ODD_SECRET}"));
    emu.inject_fault(Fault {
        body: Some(json!({
            "errorCode": ODD_SECRET,
            "errorMessage": format!("Basic {basic}"),
            "validationErrors": { ODD_SECRET: basic, basic.clone(): ODD_SECRET },
        })),
        ..Fault::status(Service::Api, 400)
    })
    .unwrap();
    let error = client.get("info").await.unwrap_err();
    assert_eq!(
        error.detail().unwrap().validation_errors.len(),
        2,
        "{error:?}"
    );
    assert_clean("api body", &error, &[(ODD_SECRET, Some(ODD_ID))]);

    // Retried answers (503, until cleared) are cleaned as well.
    let token = client.access_token().await.unwrap();
    emu.inject_fault(Fault {
        status: Some(503),
        ..Fault::echo(Service::Api, Some(EchoShape::Erp)).times(0)
    })
    .unwrap();
    let error = client.get("info").await.unwrap_err();
    assert_eq!(error.status(), Some(503), "{error}");
    assert_clean("api 503", &error, &[(token.expose(), None)]);
}

#[tokio::test]
async fn wawi_echoes_leave_no_api_key_or_challenge_code() {
    let emu = emulator().await;
    let key = emu.issue_wawi_api_key(vec!["all.read".into()]);
    let client = WawiClient::builder(&emu.wawi_base(), key.clone())
        .app_id("MyApp/1.0.0")
        .app_version("1.0.0")
        .http_options(quick_http())
        .build()
        .unwrap();
    for shape in SHAPES {
        emu.inject_fault(Fault::echo(Service::Wawi, shape)).unwrap();
        let error = client.get("v1/items").await.unwrap_err();
        assert_clean(&format!("wawi {shape:?}"), &error, &[(&key, None)]);
    }

    let challenge = "redaction-challenge-4f2a9";
    emu.inject_fault(Fault::echo(Service::WawiRegistration, None))
        .unwrap();
    let error = register_wawi_app(
        &emu.wawi_base(),
        &WawiApp {
            app_id: "com.example.redaction".into(),
            display_name: "Redaction".into(),
            version: "1.0.0".into(),
            mandatory_scopes: vec!["all.read".into()],
            ..WawiApp::default()
        },
        RegistrationOptions {
            challenge_code: Some(challenge.into()),
            poll_interval: Duration::from_millis(20),
            timeout: Duration::from_secs(5),
            http: quick_http(),
            ..RegistrationOptions::default()
        },
    )
    .await
    .unwrap_err();
    assert_clean("registration", &error, &[(challenge, None)]);
}

#[tokio::test]
async fn scx_echoes_leave_no_refresh_token_or_auth_token() {
    let emu = emulator().await;
    let refresh = emu.issue_scx_refresh_token();
    let client = ScxClient::builder(refresh.clone())
        .endpoints(endpoints(&emu))
        .http_options(quick_http())
        .build()
        .unwrap();
    for shape in SHAPES {
        emu.inject_fault(Fault::echo(Service::ScxAuth, shape))
            .unwrap();
        client.token_cache().clear();
        let error = client.access_token().await.unwrap_err();
        assert_clean(&format!("scx_auth {shape:?}"), &error, &[(&refresh, None)]);

        let token = client.access_token().await.unwrap();
        emu.inject_fault(Fault::echo(Service::Scx, shape)).unwrap();
        let error = client.events().await.unwrap_err();
        assert_clean(
            &format!("scx {shape:?}"),
            &error,
            &[(token.expose(), None), (&refresh, None)],
        );
    }
}
