//! Request counters per service and per route, as `GET /_emulator/stats` shows them.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::service::{Service, COUNTED};

/// How many requests each service and each route has received since start or reset.
/// A request is counted when it arrives, before faults or checks, so a test can see
/// exactly how many requests a client sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    #[serde(flatten)]
    services: BTreeMap<&'static str, u64>,
    routes: BTreeMap<String, u64>,
    faults_served: u64,
    /// Records created per resource (REST POST and GraphQL `Create…` mutations), so a test
    /// can prove that a retried or replayed mutation created nothing twice.
    created: BTreeMap<String, u64>,
    /// Mutations answered from the `Idempotency-Key` store instead of being run again.
    idempotent_replays: u64,
    /// SCX events dead-lettered after 10 deliveries without an acknowledgement (facts §6.3).
    scx_dead_lettered: u64,
    /// Token requests per `grant_type` (`client_credentials`, `authorization_code`,
    /// `refresh_token`), counted as they arrive, before any check.
    grants: BTreeMap<String, u64>,
}

impl Stats {
    pub(crate) fn new() -> Self {
        Self {
            services: COUNTED.iter().map(|s| (s.name(), 0)).collect(),
            ..Self::default()
        }
    }

    pub(crate) fn count(&mut self, service: Service, method: &str, route: &str) {
        *self.services.entry(service.name()).or_default() += 1;
        *self.routes.entry(format!("{method} {route}")).or_default() += 1;
    }

    pub(crate) fn count_fault(&mut self) {
        self.faults_served += 1;
    }

    pub(crate) fn count_scx_dead_letter(&mut self) {
        self.scx_dead_lettered += 1;
    }

    /// How many SCX events were dead-lettered (delivered 10 times, never acknowledged).
    pub fn scx_dead_lettered(&self) -> u64 {
        self.scx_dead_lettered
    }

    /// Requests received by `service`.
    pub fn get(&self, service: Service) -> u64 {
        self.services.get(service.name()).copied().unwrap_or(0)
    }

    /// Requests received on one route, named like `"GET /erp/v2/{resource}"`.
    pub fn route(&self, method_and_route: &str) -> u64 {
        self.routes.get(method_and_route).copied().unwrap_or(0)
    }

    /// How many injected faults have been served.
    pub fn faults_served(&self) -> u64 {
        self.faults_served
    }

    pub(crate) fn count_created(&mut self, resource: &str) {
        *self.created.entry(resource.to_owned()).or_default() += 1;
    }

    pub(crate) fn count_replay(&mut self) {
        self.idempotent_replays += 1;
    }

    /// Records created in `resource` (`"items"`, `"customers"`, `"sales-orders"`,
    /// `"categories"`, …) through REST or GraphQL.
    pub fn created(&self, resource: &str) -> u64 {
        self.created.get(resource).copied().unwrap_or(0)
    }

    pub(crate) fn count_grant(&mut self, grant_type: &str) {
        *self.grants.entry(grant_type.to_owned()).or_default() += 1;
    }

    /// Token requests with this `grant_type` (e.g. `"refresh_token"`), valid or not.
    pub fn grants(&self, grant_type: &str) -> u64 {
        self.grants.get(grant_type).copied().unwrap_or(0)
    }

    /// Mutations answered by replaying the first answer for their `Idempotency-Key`.
    pub fn idempotent_replays(&self) -> u64 {
        self.idempotent_replays
    }
}
