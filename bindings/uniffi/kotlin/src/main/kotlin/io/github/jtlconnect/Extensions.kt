// Hand-written conveniences over the generated bindings (no logic: field access and iteration).
package io.github.jtlconnect

/** The stable error code (`invalid_input`, `not_found`, `token_invalid`, ...) of any [JtlException]. */
val JtlException.code: String
    get() = fields().code

/** What was expected and what was found; never a secret. */
val JtlException.description: String
    get() = fields().description

/** The HTTP status of an error answer from JTL, if this is one. */
val JtlException.status: Int?
    get() = fields().status

/** JTL's own error code (ERP `errorCode`, SCX `errorList[0].code`, OAuth `error`), if any. */
val JtlException.errorCode: String?
    get() = fields().errorCode

/** Why a session token was refused (`expired`, `bad_signature`, ...), for `token_invalid`. */
val JtlException.reason: String?
    get() = fields().reason

/** How long JTL asked to wait, in seconds, for `rate_limited`. */
val JtlException.retryAfterSeconds: Double?
    get() = fields().retryAfterSeconds

/** Field-level problems JTL reported, field to message. */
val JtlException.validationErrors: Map<String, String>
    get() = fields().validationErrors

/** For `graphql`: every entry of the answer's `errors` (empty for other codes). */
val JtlException.graphqlErrors: List<GraphqlErrorEntry>
    get() = fields().errors

/** For `graphql`: the partial `data` (JSON text) that came with the errors, if any. */
val JtlException.graphqlData: String?
    get() = fields().data

private class Fields(
    val code: String,
    val description: String,
    val status: Int?,
    val errorCode: String?,
    val reason: String?,
    val retryAfterSeconds: Double?,
    val validationErrors: Map<String, String>,
    val errors: List<GraphqlErrorEntry>,
    val data: String?,
)

private fun JtlException.fields(): Fields = when (this) {
    is JtlException.InvalidInput -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors, errors, data)
    is JtlException.Config -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors, errors, data)
    is JtlException.InvalidCredentials -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors, errors, data)
    is JtlException.Unauthorized -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors, errors, data)
    is JtlException.Forbidden -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors, errors, data)
    is JtlException.NotFound -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors, errors, data)
    is JtlException.Conflict -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors, errors, data)
    is JtlException.RateLimited -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors, errors, data)
    is JtlException.Api -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors, errors, data)
    is JtlException.Network -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors, errors, data)
    is JtlException.Timeout -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors, errors, data)
    is JtlException.TokenInvalid -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors, errors, data)
    is JtlException.Store -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors, errors, data)
    is JtlException.RegistrationRejected -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors, errors, data)
    is JtlException.Graphql -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors, errors, data)
    is JtlException.SignInRequired -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors, errors, data)
    is JtlException.StateMismatch -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors, errors, data)
    is JtlException.Other -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors, errors, data)
}

/** Every remaining record (JSON text), fetched page by page as the sequence is consumed. */
fun Paginator.asSequence(): Sequence<String> = generateSequence { nextItem() }
