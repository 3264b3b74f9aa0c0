"""Error types of the HTTP layer. They extend kg.errors (same JSON shape, stable codes): E5xx are the API's own."""
from __future__ import annotations

from kg.errors import CrmkgError, QueryError


class QueryTimeout(QueryError):
    """A SPARQL query ran longer than CRMKG_QUERY_TIMEOUT seconds; it was stopped."""

    code = "E410"
    status = 503


class ResultLimitExceeded(QueryError):
    """A query returned more rows or triples than CRMKG_RESULT_LIMIT."""

    code = "E411"
    status = 400


class NotFound(CrmkgError):
    """No entity, document or route under this address."""

    code = "E500"
    status = 404


class Unauthorized(CrmkgError):
    """A write needs `Authorization: Bearer <CRMKG_TOKEN>` and none was given."""

    code = "E501"
    status = 401


class Forbidden(CrmkgError):
    """The bearer token is wrong, or the operation (SPARQL Update) is disabled on this server."""

    code = "E502"
    status = 403


class NotAcceptable(CrmkgError):
    """None of the media types in `Accept` (or the suffix) can be produced for this resource."""

    code = "E503"
    status = 406


class UnsupportedMediaType(CrmkgError):
    """The request body has a content type this route does not read."""

    code = "E504"
    status = 415


class InvalidRequest(CrmkgError):
    """A parameter is missing or out of range."""

    code = "E505"
    status = 422


class Busy(CrmkgError):
    """Every query worker is busy (or an upload is being ingested); retry in a moment."""

    code = "E506"
    status = 503


class PayloadTooLarge(CrmkgError):
    """The request body is over the limit: 50 MiB for a document, 1 MiB for a query or question (api/limits.py)."""

    code = "E508"
    status = 413


class HTTPProblem(CrmkgError):
    """Any other HTTP-level refusal (method not allowed, body too large, ...); `status` is set per instance."""

    code = "E507"


class InternalError(CrmkgError):
    """A bug: the server failed; the message names the exception."""

    code = "E000"
    status = 500
