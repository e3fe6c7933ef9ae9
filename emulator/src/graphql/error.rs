//! Resolver errors as JTL's GraphQL answers them. A leaf, so that the schema and the
//! connections (which both raise errors) need not import each other.

use async_graphql::ErrorExtensions;

/// A resolver error with `extensions.code` (facts §1.7: `message`, `path`, `extensions`).
pub(crate) fn error(code: &'static str, message: impl Into<String>) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, e| e.set("code", code))
}
