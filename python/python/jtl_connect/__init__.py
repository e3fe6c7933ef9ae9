"""jtl_connect: connect to JTL (JTL Cloud, JTL-Wawi OnPremise, the SCX Channel API).

    import jtl_connect

    client = jtl_connect.CloudClient.from_env()   # JTL_CLIENT_ID, JTL_CLIENT_SECRET, ...
    items = client.graphql("{ QueryItems(first: 10) { nodes { id sku name } } }")
    for item in client.paginate_graphql(QUERY, connection="QueryItems"):
        ...

Every call releases the GIL and runs on one shared native runtime: clients are safe to
share between threads and keep working after ``os.fork()``. ``jtl_connect.aio`` has the
same clients as coroutines; ``jtl_connect.testing`` an in-process emulator of JTL's
servers for tests. Log records go to the ``jtl_connect`` logger.
"""

from __future__ import annotations

import logging as _logging

from jtl_connect._native import (
    AccessToken,
    Account,
    AccountStore,
    Cancellation,
    CloudClient,
    ConnectionTest,
    Endpoints,
    Page,
    Paginator,
    ProcessedEvents,
    Response,
    ScxClient,
    ScxEvent,
    Secret,
    SellerSignUp,
    SessionClaims,
    SessionVerifier,
    UnverifiedToken,
    WawiApp,
    WawiClient,
    WawiPendingRegistration,
    WawiRegistration,
    __version__,
    decode_unverified,
    option_schemas,
    refresh_log_levels,
    register_wawi_app,
    start_wawi_registration,
)
from jtl_connect.errors import (
    ApiError,
    AuthenticationError,
    ConfigError,
    ConflictError,
    ForbiddenError,
    GraphQLError,
    InvalidInputError,
    JtlError,
    NetworkError,
    NotFoundError,
    RateLimitError,
    RegistrationRejectedError,
    StoreError,
    TimeoutError,
    TokenVerificationError,
)

__all__ = [
    "AccessToken",
    "Account",
    "AccountStore",
    "ApiError",
    "AuthenticationError",
    "Cancellation",
    "CloudClient",
    "ConfigError",
    "ConflictError",
    "ConnectionTest",
    "Endpoints",
    "ForbiddenError",
    "GraphQLError",
    "InvalidInputError",
    "JtlError",
    "NetworkError",
    "NotFoundError",
    "Page",
    "Paginator",
    "ProcessedEvents",
    "RateLimitError",
    "RegistrationRejectedError",
    "Response",
    "ScxClient",
    "ScxEvent",
    "Secret",
    "SellerSignUp",
    "SessionClaims",
    "SessionVerifier",
    "StoreError",
    "TimeoutError",
    "TokenVerificationError",
    "UnverifiedToken",
    "WawiApp",
    "WawiClient",
    "WawiPendingRegistration",
    "WawiRegistration",
    "__version__",
    "decode_unverified",
    "option_schemas",
    "refresh_log_levels",
    "register_wawi_app",
    "start_wawi_registration",
]

# A library leaves output to the application: without a configured handler, records of
# the `jtl_connect` loggers go nowhere (not to logging's last-resort stderr handler).
_logging.getLogger("jtl_connect").addHandler(_logging.NullHandler())
