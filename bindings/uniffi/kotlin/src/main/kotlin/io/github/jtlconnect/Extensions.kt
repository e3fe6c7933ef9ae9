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

private class Fields(
    val code: String,
    val description: String,
    val status: Int?,
    val errorCode: String?,
    val reason: String?,
    val retryAfterSeconds: Double?,
    val validationErrors: Map<String, String>,
)

private fun JtlException.fields(): Fields = when (this) {
    is JtlException.InvalidInput -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors)
    is JtlException.Config -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors)
    is JtlException.InvalidCredentials -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors)
    is JtlException.Unauthorized -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors)
    is JtlException.Forbidden -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors)
    is JtlException.NotFound -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors)
    is JtlException.Conflict -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors)
    is JtlException.RateLimited -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors)
    is JtlException.Api -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors)
    is JtlException.Network -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors)
    is JtlException.Timeout -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors)
    is JtlException.TokenInvalid -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors)
    is JtlException.Store -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors)
    is JtlException.RegistrationRejected -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors)
    is JtlException.Other -> Fields(code, description, status, errorCode, reason, retryAfterSeconds, validationErrors)
}

/** Every remaining record (JSON text), fetched page by page as the sequence is consumed. */
fun Paginator.asSequence(): Sequence<String> = generateSequence { nextItem() }
