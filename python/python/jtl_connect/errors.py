"""The exceptions of jtl_connect: one base class, `JtlError`, with a stable `code`.

Every error the library raises is a `JtlError`. Catch a subclass for one kind of problem,
or look at `code` (the same string in every language jtl-connect supports):

| code | class |
|---|---|
| `invalid_input` | `InvalidInputError` (also a `ValueError`) |
| `config` | `ConfigError` |
| `invalid_credentials`, `unauthorized` | `AuthenticationError` |
| `forbidden` | `ForbiddenError` (an `ApiError`) |
| `not_found` | `NotFoundError` (an `ApiError`) |
| `conflict` | `ConflictError` (an `ApiError`) |
| `rate_limited` | `RateLimitError` (an `ApiError`, with `retry_after`) |
| `api` | `ApiError` (with `status`, `error_code`, `validation_errors`) |
| `network` | `NetworkError` (also a `ConnectionError`) |
| `timeout` | `TimeoutError` (also the builtin `TimeoutError`) |
| `token_invalid` | `TokenVerificationError` (with `reason`) |
| `store` | `StoreError` |
| `registration_rejected` | `RegistrationRejectedError` |
| `graphql` | `GraphQLError` (with `errors` and partial `data`) |
| `sign_in_required` | `SignInRequiredError` (an `AuthenticationError`) |
| `state_mismatch` | `StateMismatchError` (an `AuthenticationError`) |

Messages say what was expected and what was found, and never contain a secret.
"""

from __future__ import annotations

import builtins
from typing import Any

__all__ = [
    "ApiError",
    "AuthenticationError",
    "ConfigError",
    "ConflictError",
    "ForbiddenError",
    "GraphQLError",
    "InvalidInputError",
    "JtlError",
    "NetworkError",
    "NotFoundError",
    "RateLimitError",
    "RegistrationRejectedError",
    "SignInRequiredError",
    "StateMismatchError",
    "StoreError",
    "TimeoutError",
    "TokenVerificationError",
]


class JtlError(Exception):
    """Base class of every jtl_connect error.

    Attributes:
        message: What went wrong (also `str(error)`).
        code: The stable error code, e.g. ``"not_found"``.
        status: The HTTP status of an error answer from JTL, else ``None``.
        error_code: JTL's own code (ERP ``errorCode``, SCX ``errorList[0].code``, OAuth
            ``error``), if JTL sent one.
        validation_errors: Field-level problems JTL reported, field -> message.
        retry_after: Seconds JTL asked to wait (``rate_limited``), else ``None``.
        reason: Why a session token was refused (``token_invalid``), else ``None``.
    """

    default_code = "error"

    message: str
    code: str
    status: int | None
    error_code: str | None
    validation_errors: dict[str, str]
    retry_after: float | None
    reason: str | None

    def __init__(
        self,
        message: str = "",
        *,
        code: str | None = None,
        status: int | None = None,
        error_code: str | None = None,
        validation_errors: dict[str, str] | None = None,
        retry_after: float | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.status = status
        self.error_code = error_code
        self.validation_errors = dict(validation_errors or {})
        self.retry_after = retry_after
        self.reason = reason

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only attributes survive pickling (multiprocessing, concurrent.futures).
        return (type(self), (self.message,), self.__dict__.copy())


class InvalidInputError(JtlError, ValueError):
    """An argument was not valid (``invalid_input``)."""

    default_code = "invalid_input"


class ConfigError(JtlError):
    """The configuration is incomplete or inconsistent, e.g. a missing environment variable
    or no tenant for an ERP call (``config``)."""

    default_code = "config"


class AuthenticationError(JtlError):
    """The credentials were refused (``invalid_credentials``: wrong client id or secret,
    unknown refresh token), or the API answered 401 even after a token refresh
    (``unauthorized``)."""

    default_code = "unauthorized"


class ApiError(JtlError):
    """An error answer from JTL (``api``, and the base of the more specific API errors),
    with ``status``, ``error_code`` and ``validation_errors``."""

    default_code = "api"


class ForbiddenError(ApiError):
    """403: a missing scope or no access to the tenant (``forbidden``)."""

    default_code = "forbidden"


class NotFoundError(ApiError):
    """404 (``not_found``)."""

    default_code = "not_found"


class ConflictError(ApiError):
    """409, e.g. a duplicate SKU (``conflict``)."""

    default_code = "conflict"


class RateLimitError(ApiError):
    """429, and retrying within the deadline was not possible (``rate_limited``);
    ``retry_after`` says how long JTL asked to wait."""

    default_code = "rate_limited"


class NetworkError(JtlError, ConnectionError):
    """The connection failed, or the answer could not be read (``network``)."""

    default_code = "network"


class TimeoutError(JtlError, builtins.TimeoutError):
    """No answer within the timeout or the overall deadline, or a Wawi registration not
    approved in time (``timeout``). Also a builtin ``TimeoutError``."""

    default_code = "timeout"


class TokenVerificationError(JtlError):
    """A session token was not accepted (``token_invalid``); ``reason`` is one of
    ``expired``, ``not_yet_valid``, ``bad_signature``, ``unknown_key``, ``wrong_issuer``,
    ``wrong_audience``, ``malformed``, ``algorithm_not_allowed``, ``too_large``,
    ``missing_claim``, ``lifetime_too_long``."""

    default_code = "token_invalid"


class StoreError(JtlError):
    """The account store failed (``store``)."""

    default_code = "store"


class RegistrationRejectedError(JtlError):
    """A Wawi app registration was rejected in JTL-Wawi (``registration_rejected``)."""

    default_code = "registration_rejected"


class GraphQLError(JtlError):
    """A GraphQL answer carried ``errors`` (``graphql``; JTL answers them with HTTP 200).

    Attributes:
        errors: Every entry of the answer's ``errors`` list, each a dict with ``message``,
            ``locations`` (``[{"line": 1, "column": 3}]``), ``path``
            (``["QueryItems", "nodes", 0, "name"]``) and ``extensions`` (a dict or ``None``).
        data: The partial ``data`` the server sent with the errors, or ``None``.
    """

    default_code = "graphql"

    errors: list[dict[str, Any]]
    data: dict[str, Any] | None

    def __init__(
        self,
        message: str = "",
        *,
        errors: list[dict[str, Any]] | None = None,
        data: dict[str, Any] | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message, **details)
        self.errors = list(errors or [])
        self.data = data


class SignInRequiredError(AuthenticationError):
    """The user has to sign in again (``sign_in_required``): JTL answered ``invalid_grant``
    to a code or refresh token (expired, revoked, used already, or replaced by rotation), the
    user declined at the sign-in page, or the sign-in took too long. Never retried: send the
    user to a new sign-in (``AuthorizationCodeClient.start()``)."""

    default_code = "sign_in_required"


class StateMismatchError(AuthenticationError):
    """The ``state`` that came back to the redirect URI is not the pending sign-in's
    (``state_mismatch``): a forged, stale or crossed callback. Nothing was exchanged."""

    default_code = "state_mismatch"
