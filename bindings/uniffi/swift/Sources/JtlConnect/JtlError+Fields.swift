// Hand-written conveniences over the generated bindings (no logic: field access only).
import Foundation

extension JtlError {
    private var fields: (code: String, message: String, status: Int32?, errorCode: String?, reason: String?, retryAfterSeconds: Double?) {
        switch self {
        case let .InvalidInput(code, description, status, errorCode, reason, retry, _, _, _),
             let .Config(code, description, status, errorCode, reason, retry, _, _, _),
             let .InvalidCredentials(code, description, status, errorCode, reason, retry, _, _, _),
             let .Unauthorized(code, description, status, errorCode, reason, retry, _, _, _),
             let .Forbidden(code, description, status, errorCode, reason, retry, _, _, _),
             let .NotFound(code, description, status, errorCode, reason, retry, _, _, _),
             let .Conflict(code, description, status, errorCode, reason, retry, _, _, _),
             let .RateLimited(code, description, status, errorCode, reason, retry, _, _, _),
             let .Api(code, description, status, errorCode, reason, retry, _, _, _),
             let .Network(code, description, status, errorCode, reason, retry, _, _, _),
             let .Timeout(code, description, status, errorCode, reason, retry, _, _, _),
             let .TokenInvalid(code, description, status, errorCode, reason, retry, _, _, _),
             let .Store(code, description, status, errorCode, reason, retry, _, _, _),
             let .RegistrationRejected(code, description, status, errorCode, reason, retry, _, _, _),
             let .Graphql(code, description, status, errorCode, reason, retry, _, _, _),
             let .Other(code, description, status, errorCode, reason, retry, _, _, _):
            return (code, description, status, errorCode, reason, retry)
        }
    }

    /// The stable error code (`invalid_input`, `not_found`, `token_invalid`, ...).
    public var code: String { fields.code }
    /// What was expected and what was found; never a secret.
    public var message: String { fields.message }
    /// The HTTP status of an error answer from JTL, if this is one.
    public var status: Int32? { fields.status }
    /// JTL's own error code, if any.
    public var errorCode: String? { fields.errorCode }
    /// Why a session token was refused (`expired`, `bad_signature`, ...), for `token_invalid`.
    public var reason: String? { fields.reason }
    /// How long JTL asked to wait, in seconds, for `rate_limited`.
    public var retryAfterSeconds: Double? { fields.retryAfterSeconds }
    /// For `graphql`: every entry of the answer's `errors` (empty for other codes).
    public var graphqlErrors: [GraphqlErrorEntry] {
        if case let .Graphql(_, _, _, _, _, _, _, errors, _) = self { return errors }
        return []
    }
    /// For `graphql`: the partial `data` (JSON text) that came with the errors, if any.
    public var graphqlData: String? {
        if case let .Graphql(_, _, _, _, _, _, _, _, data) = self { return data }
        return nil
    }
}
