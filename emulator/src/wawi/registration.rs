//! The two-step Wawi app registration (facts §5.1).
//!
//! `POST /authentication` (also `/v1/authentication` and `/v2/authentication`, as JTL's pages
//! name it) with `x-challengecode`, `tenant-id` (or `x-tenant-id`) and the app's description
//! opens a request the user answers in JTL-Wawi (here: the admin API, or automatically after
//! `wawi_auto_approve_ms`). It answers 201 `RegistrationRequestStatusInfo`. `GET
//! /authentication/{id}` with the same headers answers `RegistrationInformation`: a nested
//! `RequestStatusInfo` whose `Status` is 0 pending, 1 rejected, 2 accepted, and on acceptance
//! `Token.ApiKey` and `GrantedScopes`. Once an answer was delivered, later polls get 410.
//! v1 and the unversioned path answer in PascalCase, v2 in camelCase.

use std::{sync::Arc, time::Instant};

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use base64::Engine as _;
use serde_json::{json, Map, Value};

use crate::{
    service::{error_response, error_with_details, Service},
    state::{
        wawi::{Decision, Registration},
        Shared,
    },
    Error,
};

/// Longest challenge code JTL-Wawi accepts.
const MAX_CHALLENGE_LEN: usize = 30;

/// The body fields `CreateAppRegistrationRequest` requires (facts §5.1), as JTL spells them.
const REQUIRED_TEXT: [&str; 7] = [
    "AppId",
    "DisplayName",
    "Description",
    "Version",
    "ProviderName",
    "ProviderWebsite",
    "AppIcon",
];

/// Key casing of the answers: v1 and the unversioned path PascalCase, v2 camelCase.
#[derive(Clone, Copy)]
enum Casing {
    Pascal,
    Camel,
}

pub(crate) fn routes() -> Router<Arc<Shared>> {
    let mut router = Router::new();
    for (prefix, casing) in [
        ("/api/eazybusiness", Casing::Pascal),
        ("/api/eazybusiness/v1", Casing::Pascal),
        ("/api/eazybusiness/v2", Casing::Camel),
    ] {
        router = router
            .route(
                &format!("{prefix}/authentication"),
                post(move |state, headers, body| request(state, headers, body, casing)),
            )
            .route(
                &format!("{prefix}/authentication/{{id}}"),
                get(move |state, path, headers| poll(state, path, headers, casing)),
            );
    }
    router
}

fn fail(status: StatusCode, code: &str, message: &str) -> Response {
    error_response(Service::WawiRegistration, status, code, message)
}

/// The headers every registration call needs: `x-challengecode` (1–30 characters) and
/// the tenant (`tenant-id` in the OAS, `x-tenant-id` in later docs; a UUID).
fn registration_headers(headers: &HeaderMap) -> Result<String, Response> {
    let challenge = match headers.get("x-challengecode").and_then(|v| v.to_str().ok()) {
        Some(code) if !code.is_empty() && code.chars().count() <= MAX_CHALLENGE_LEN => {
            code.to_owned()
        }
        Some(code) if !code.is_empty() => {
            return Err(fail(
                StatusCode::BAD_REQUEST,
                "INVALID_CHALLENGE_CODE",
                &format!(
                    "x-challengecode must be at most {MAX_CHALLENGE_LEN} characters; found {}",
                    code.chars().count()
                ),
            ))
        }
        _ => {
            return Err(fail(
                StatusCode::BAD_REQUEST,
                "MISSING_CHALLENGE_CODE",
                "the x-challengecode header is required (at most 30 characters, the same on every call)",
            ))
        }
    };
    let tenant = ["tenant-id", "x-tenant-id"]
        .iter()
        .find_map(|name| headers.get(*name))
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    match tenant {
        Some(t) if uuid::Uuid::parse_str(t).is_ok() => Ok(challenge),
        Some(t) => Err(fail(
            StatusCode::BAD_REQUEST,
            "INVALID_TENANT_ID",
            &format!("the tenant-id header must be a UUID; found {t:?}"),
        )),
        None => Err(fail(
            StatusCode::BAD_REQUEST,
            "MISSING_TENANT_ID",
            "the tenant-id (or x-tenant-id) header is required: the tenant's id, a UUID",
        )),
    }
}

/// 402 while the installation has no licence for apps (the `wawi_licensed` setting).
fn licensed(shared: &Shared) -> Result<(), Response> {
    if shared.lock().settings.wawi_licensed {
        Ok(())
    } else {
        Err(fail(
            StatusCode::PAYMENT_REQUIRED,
            "LICENSE_REQUIRED",
            "no licence available, or the app is not authorised by JTL",
        ))
    }
}

/// A field of the app body, accepted in PascalCase (v1) or camelCase (v2).
fn field<'a>(body: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    body.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

fn text(body: &Map<String, Value>, name: &str, errors: &mut Map<String, Value>) -> String {
    match field(body, name).and_then(Value::as_str) {
        Some(s) if !s.trim().is_empty() => s.to_owned(),
        _ => {
            errors.insert(name.into(), json!("is required (a non-empty string)"));
            String::new()
        }
    }
}

fn scopes(
    body: &Map<String, Value>,
    name: &str,
    required: bool,
    errors: &mut Map<String, Value>,
) -> Vec<String> {
    match field(body, name) {
        None | Some(Value::Null) if !required => Vec::new(),
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => {
            errors.insert(name.into(), json!("expected an array of scope names"));
            Vec::new()
        }
    }
}

/// Renders a PascalCase answer in the casing of the path it was asked on.
fn answer(status: StatusCode, body: Value, casing: Casing) -> Response {
    let body = match casing {
        Casing::Pascal => body,
        Casing::Camel => camel_case(body),
    };
    (status, Json(body)).into_response()
}

fn camel_case(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let mut chars = k.chars();
                    let key = chars
                        .next()
                        .map(|c| c.to_lowercase().chain(chars).collect())
                        .unwrap_or_default();
                    (key, camel_case(v))
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(camel_case).collect()),
        other => other,
    }
}

async fn request(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
    casing: Casing,
) -> Response {
    let challenge = match registration_headers(&headers).and_then(|c| licensed(&shared).map(|()| c))
    {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&body) else {
        return fail(
            StatusCode::BAD_REQUEST,
            "INVALID_JSON",
            "expected a JSON object with AppId, DisplayName, Description, Version, ProviderName, ProviderWebsite, MandatoryApiScopes, AppIcon (and optionally OptionalApiScopes, RegistrationType)",
        );
    };
    let mut errors = Map::new();
    let mut texts = REQUIRED_TEXT.map(|name| text(&body, name, &mut errors));
    if !texts[6].is_empty()
        && base64::engine::general_purpose::STANDARD
            .decode(texts[6].trim())
            .is_err()
    {
        errors.insert("AppIcon".into(), json!("expected a base64-encoded image"));
    }
    let mandatory_scopes = scopes(&body, "MandatoryApiScopes", true, &mut errors);
    let optional_scopes = scopes(&body, "OptionalApiScopes", false, &mut errors);
    if !errors.is_empty() {
        return error_with_details(
            Service::WawiRegistration,
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "the registration request is incomplete; see ValidationErrors",
            Value::Object(errors),
        );
    }
    let app_id = std::mem::take(&mut texts[0]);
    let display_name = std::mem::take(&mut texts[1]);
    let id = uuid::Uuid::new_v4().to_string();
    {
        let mut inner = shared.lock();
        let registered = inner.wawi.registrations.values().any(|r| {
            r.app_id.eq_ignore_ascii_case(&app_id)
                && matches!(r.decision, Decision::Accepted { .. })
        });
        if registered {
            return fail(
                StatusCode::CONFLICT,
                "APP_ALREADY_REGISTERED",
                &format!("an app with the AppId {app_id:?} is already registered"),
            );
        }
        inner.wawi.registrations.insert(
            id.clone(),
            Registration {
                challenge,
                app_id: app_id.clone(),
                display_name,
                mandatory_scopes,
                optional_scopes,
                requested: Instant::now(),
                decision: Decision::Pending,
                answer_delivered: false,
            },
        );
    }
    answer(
        StatusCode::CREATED,
        json!({ "AppId": app_id, "RegistrationRequestId": id, "Status": 0 }),
        casing,
    )
}

async fn poll(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    casing: Casing,
) -> Response {
    let challenge = match registration_headers(&headers).and_then(|c| licensed(&shared).map(|()| c))
    {
        Ok(c) => c,
        Err(r) => return r,
    };
    let not_found = || {
        fail(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            &format!("no registration request {id:?}"),
        )
    };
    let due_for_auto_approval = {
        let inner = shared.lock();
        let auto_approve = inner.settings.wawi_auto_approve_ms;
        let Some(registration) = inner.wawi.registrations.get(&id) else {
            return not_found();
        };
        if registration.challenge != challenge {
            return fail(
                StatusCode::FORBIDDEN,
                "CHALLENGE_MISMATCH",
                "x-challengecode differs from the one the registration was requested with",
            );
        }
        matches!(registration.decision, Decision::Pending)
            && auto_approve
                .is_some_and(|ms| registration.requested.elapsed().as_millis() >= u128::from(ms))
    };
    if due_for_auto_approval {
        // An explicit decision may have come in between: whichever came first stands.
        let _ = shared.decide_wawi_registration(&id, true, None);
    }
    let (app_id, decision) = {
        let mut inner = shared.lock();
        let Some(registration) = inner.wawi.registrations.get_mut(&id) else {
            return not_found();
        };
        if registration.answer_delivered {
            return fail(
                StatusCode::GONE,
                "ALREADY_ANSWERED",
                "the registration request was already answered and its answer delivered",
            );
        }
        if !matches!(registration.decision, Decision::Pending) {
            registration.answer_delivered = true;
        }
        (registration.app_id.clone(), registration.decision.clone())
    };
    let mut body = json!({
        "RequestStatusInfo": { "AppId": app_id, "RegistrationRequestId": id, "Status": decision.status() },
    });
    if let Decision::Accepted { api_key, scopes } = decision {
        body["Token"] = json!({ "ApiKey": api_key });
        body["GrantedScopes"] = json!(scopes);
    }
    answer(StatusCode::OK, body, casing)
}

impl Shared {
    /// Approves (with the granted scopes; default: mandatory + optional) or rejects a pending
    /// registration, as the user would in JTL-Wawi.
    pub(crate) fn decide_wawi_registration(
        &self,
        id: &str,
        approve: bool,
        granted_scopes: Option<Vec<String>>,
    ) -> Result<(), Error> {
        let key = uuid::Uuid::new_v4().to_string();
        let mut inner = self.lock();
        let registration = inner
            .wawi
            .registrations
            .get_mut(id)
            .ok_or_else(|| Error::NotFound(format!("no registration request {id:?}")))?;
        if !matches!(registration.decision, Decision::Pending) {
            return Err(Error::Conflict(format!(
                "registration {id:?} was already decided"
            )));
        }
        if !approve {
            registration.decision = Decision::Rejected;
            return Ok(());
        }
        let scopes = granted_scopes.unwrap_or_else(|| {
            let mut all = registration.mandatory_scopes.clone();
            all.extend(registration.optional_scopes.iter().cloned());
            all
        });
        registration.decision = Decision::Accepted {
            api_key: key.clone(),
            scopes: scopes.clone(),
        };
        inner.wawi.api_keys.insert(key, scopes);
        Ok(())
    }

    /// The registrations, for `GET /_emulator/wawi/registrations`.
    pub(crate) fn wawi_registrations(&self) -> Vec<Value> {
        self.lock()
            .wawi
            .registrations
            .iter()
            .map(|(id, r)| {
                json!({
                    "id": id,
                    "app_id": r.app_id,
                    "display_name": r.display_name,
                    "mandatory_scopes": r.mandatory_scopes,
                    "optional_scopes": r.optional_scopes,
                    "status": r.decision.status(),
                    "answer_delivered": r.answer_delivered,
                })
            })
            .collect()
    }
}
