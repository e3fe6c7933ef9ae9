//! The two-step Wawi app registration: `POST /v1/authentication` with `X-ChallengeCode` and the
//! app's description opens a request the user approves in JTL-Wawi (here: the admin API, or
//! automatically after `wawi_auto_approve_ms`); `GET /v1/authentication/{id}` with the same
//! challenge code is polled until it carries `Token.ApiKey` and `GrantedScopes`.

use std::{sync::Arc, time::Instant};

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde_json::{json, Map, Value};

use crate::{
    service::{error_response, error_with_details, Service},
    state::Shared,
    Error,
};

/// Longest challenge code JTL-Wawi accepts.
const MAX_CHALLENGE_LEN: usize = 30;

pub(crate) struct Registration {
    challenge: String,
    app_id: String,
    display_name: String,
    mandatory_scopes: Vec<String>,
    optional_scopes: Vec<String>,
    requested: Instant,
    decision: Decision,
}

#[derive(Clone)]
enum Decision {
    Pending,
    Accepted {
        api_key: String,
        scopes: Vec<String>,
    },
    Rejected,
}

impl Decision {
    /// JTL's `Status` values: 0 pending, 1 accepted, 2 rejected.
    fn status(&self) -> u8 {
        match self {
            Self::Pending => 0,
            Self::Accepted { .. } => 1,
            Self::Rejected => 2,
        }
    }
}

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/api/eazybusiness/v1/authentication", post(request))
        .route("/api/eazybusiness/v1/authentication/{id}", get(poll))
}

fn fail(status: StatusCode, code: &str, message: &str) -> Response {
    error_response(Service::WawiRegistration, status, code, message)
}

fn challenge_code(headers: &HeaderMap) -> Result<String, Response> {
    match headers.get("x-challengecode").and_then(|v| v.to_str().ok()) {
        Some(code) if !code.is_empty() && code.chars().count() <= MAX_CHALLENGE_LEN => Ok(code.to_owned()),
        Some(code) if !code.is_empty() => Err(fail(
            StatusCode::BAD_REQUEST,
            "INVALID_CHALLENGE_CODE",
            &format!("X-ChallengeCode must be at most {MAX_CHALLENGE_LEN} characters; found {}", code.chars().count()),
        )),
        _ => Err(fail(
            StatusCode::BAD_REQUEST,
            "MISSING_CHALLENGE_CODE",
            "the X-ChallengeCode header is required (at most 30 characters, the same on every call)",
        )),
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

async fn request(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let challenge = match challenge_code(&headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&body) else {
        return fail(
            StatusCode::BAD_REQUEST,
            "INVALID_JSON",
            "expected a JSON object with AppId, DisplayName, Description, Version, ProviderName, ProviderWebsite, MandatoryApiScopes, OptionalApiScopes, AppIcon, RegistrationType",
        );
    };
    let mut errors = Map::new();
    let app_id = text(&body, "AppId", &mut errors);
    let display_name = text(&body, "DisplayName", &mut errors);
    text(&body, "Version", &mut errors);
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
    let id = uuid::Uuid::new_v4().to_string();
    shared.lock().wawi.registrations.insert(
        id.clone(),
        Registration {
            challenge,
            app_id: app_id.clone(),
            display_name,
            mandatory_scopes,
            optional_scopes,
            requested: Instant::now(),
            decision: Decision::Pending,
        },
    );
    Json(json!({ "AppId": app_id, "RegistrationRequestId": id, "Status": 0 })).into_response()
}

async fn poll(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let challenge = match challenge_code(&headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let due_for_auto_approval = {
        let inner = shared.lock();
        let auto_approve = inner.settings.wawi_auto_approve_ms;
        let Some(registration) = inner.wawi.registrations.get(&id) else {
            return fail(
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                &format!("no registration request {id:?}"),
            );
        };
        if registration.challenge != challenge {
            return fail(
                StatusCode::FORBIDDEN,
                "CHALLENGE_MISMATCH",
                "X-ChallengeCode differs from the one the registration was requested with",
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
    let Some((app_id, decision)) = shared
        .lock()
        .wawi
        .registrations
        .get(&id)
        .map(|r| (r.app_id.clone(), r.decision.clone()))
    else {
        return fail(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            &format!("no registration request {id:?}"),
        );
    };
    let mut body =
        json!({ "AppId": app_id, "RegistrationRequestId": id, "Status": decision.status() });
    if let Decision::Accepted { api_key, scopes } = decision {
        body["Token"] = json!({ "ApiKey": api_key });
        body["GrantedScopes"] = json!(scopes);
    }
    Json(body).into_response()
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
        let key = format!("wawi-{}", uuid::Uuid::new_v4().simple());
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
                })
            })
            .collect()
    }
}
