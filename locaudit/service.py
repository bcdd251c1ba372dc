"""``locaudit serve --port``: the HTTP service (FastAPI + uvicorn, the ``server`` extra).

Endpoints: ``POST /v1/check`` (one note), ``POST /v1/check/batch`` (up to
:data:`MAX_BATCH` notes), ``GET /healthz``, ``GET /version``; ``/docs`` and ``/openapi.json``
come from the same pydantic models the CLI writes (:mod:`locaudit.models`).

Notes are protected health information, so the service is careful at its edge
(:class:`Edge`, the outermost ASGI layer): it binds 127.0.0.1 unless told otherwise; it refuses
a body over the size limit with 413 before the app parses it; it writes its own access log
(client, method, path without query string, status, time: never a body or header) instead of
uvicorn's; an exception that escapes is logged by its type only. Validation errors drop the
``input`` and ``ctx`` that FastAPI would echo back. An optional bearer token comes from an
environment variable and guards everything but ``/healthz``.
"""

import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from locaudit.__about__ import __version__
from locaudit.api import Checker
from locaudit.models import Assessment, VersionInfo

MAX_BATCH = 100
DEFAULT_MAX_BODY_BYTES = 1_048_576
DEFAULT_TOKEN_ENV = "LOCAUDIT_TOKEN"

ACCESS_LOG = logging.getLogger("locaudit.access")
ERROR_LOG = logging.getLogger("locaudit.service")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class CheckRequest(BaseModel):
    """One note, shaped like a JSONL input record of ``locaudit batch``."""

    model_config = ConfigDict(extra="ignore")

    id: str | None = Field(
        default=None,
        max_length=256,
        description="Echoed as the record's id; default 'note' (batch: 'note:N').",
    )
    text: str = Field(description="The note text as dictated or exported.")
    billed: str | list[str] | None = Field(
        default=None,
        description="Codes billed for the encounter, e.g. '19283-LT, 19284-LT'. Reserved for "
        "the billed check: accepted, and `billed_check` stays null until that check exists.",
    )


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    notes: list[CheckRequest] = Field(max_length=MAX_BATCH, description="At most 100 notes.")


class BatchResponse(BaseModel):
    results: list[Assessment] = Field(description="One record per note, in request order.")


class Problem(BaseModel):
    """An error response other than 422; never quotes the request."""

    detail: str


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "The body could not be read (e.g. not UTF-8)."},
    401: {"model": Problem, "description": "A token is set and the request lacks it."},
    413: {"model": Problem, "description": "The body is over the size limit."},
}


class Health(BaseModel):
    status: str = Field(description="'ok' once the pipeline is loaded.")


def create_app(
    checker: Checker | None = None,
    *,
    token: str | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> ASGIApp:
    """The service as an ASGI app (FastAPI wrapped in :class:`Edge`).

    ``token``: when set, every endpoint but ``/healthz`` needs ``Authorization: Bearer
    <token>``. The Checker is built here if not given, so the first request does not pay for
    the pipeline."""
    checker = checker or Checker()
    bearer = HTTPBearer(auto_error=False, description="Set when the server has a token.")

    def authorize(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> None:
        if token is None:
            return
        given = credentials.credentials if credentials else ""
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise HTTPException(
                status_code=401,
                detail="missing or wrong bearer token",
                headers={"WWW-Authenticate": "Bearer"},
            )

    app = FastAPI(
        title="locaudit",
        version=__version__,
        description="Does this breast-imaging procedure note support billing CPT 19284? "
        "Every response record follows the output contract (`locaudit schema`).",
    )
    app.add_exception_handler(RequestValidationError, _validation_error)
    guarded = [Depends(authorize)]

    @app.post("/v1/check", response_model=Assessment, dependencies=guarded, responses=ERRORS)
    def check(request: CheckRequest) -> Assessment:
        """Assess one note. An empty note gives an `error` record (200), as on the CLI."""
        return checker.check(request.text, request.billed, record_id=request.id or "note")

    @app.post(
        "/v1/check/batch", response_model=BatchResponse, dependencies=guarded, responses=ERRORS
    )
    def check_batch(request: BatchRequest) -> BatchResponse:
        """Assess up to 100 notes in one call: one record per note, in order."""
        notes = [note.model_dump() for note in request.notes]
        return BatchResponse(results=checker.check_many(notes))

    @app.get("/healthz", response_model=Health)
    def healthz() -> Health:
        """Liveness for load balancers; needs no token."""
        return Health(status="ok")

    @app.get("/version", response_model=VersionInfo, dependencies=guarded, responses=ERRORS)
    def version() -> VersionInfo:
        """The version block every record carries: package version and rules hash."""
        return checker.version

    return Edge(app, max_body_bytes)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422, less the parts that can quote the request (``input``, ``ctx``)."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    detail = []
    for error in errors:
        item = {
            "loc": [_safe(part) for part in error.get("loc", ())],
            "msg": _safe(error.get("msg", "")),
            "type": error.get("type", ""),
        }
        if item["type"] == "json_invalid":
            item["msg"] = "the request body is not valid JSON"
        detail.append(item)
    return JSONResponse(status_code=422, content={"detail": detail})


def _safe(part: Any) -> Any:
    """A location part or message that can be written as UTF-8 (keys may hold surrogates)."""
    if isinstance(part, int):
        return part
    return str(part).encode("utf-8", "replace").decode("utf-8")[:200]


class Edge:
    """Outermost ASGI layer: body size limit, PHI-free access log, exception guard.

    The body is read here, up to the limit, before the app sees the request: a declared or
    actual size over the limit gets 413 and the app never parses it. Bodies are small (one
    note is a few kB), so holding one in memory is cheaper than streaming checks."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 0}

        async def send_logged(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            body = await self._read_body(scope, receive)
            if body is None:
                await _send_json(send_logged, 413, {"detail": self._too_large()})
            else:
                await self.app(scope, _replay(body, receive), send_logged)
        except Exception as exc:  # the type only: an exception message may quote the note
            ERROR_LOG.error("unhandled %s in %s %s", type(exc).__name__, *_route(scope))
            if status["code"] == 0:
                await _send_json(send_logged, 500, {"detail": "internal error"})
        finally:
            client = scope.get("client") or ("-", 0)
            ACCESS_LOG.info(
                '%s "%s %s" %d %.1fms',
                client[0],
                *_route(scope),
                status["code"],
                (time.perf_counter() - started) * 1000,
            )

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes | None:
        """The whole request body, or None when it is over the limit."""
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    if int(value) > self.max_body_bytes:
                        return None
                except ValueError:
                    pass
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # http.disconnect: the app will see an empty body and answer into void
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    def _too_large(self) -> str:
        return f"request body over the limit of {self.max_body_bytes} bytes"


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive callable that gives the buffered body once, then defers to the server."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _route(scope: Scope) -> tuple[str, str]:
    """Method and path for logs: never the query string, where a careless client might put a
    note."""
    return scope.get("method", "-"), _safe(scope.get("path", "-"))


async def _send_json(send: Send, status: int, content: Any) -> None:
    body = json.dumps(content).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def log_config() -> dict[str, Any]:
    """uvicorn's logging config with its access log off and ours (``locaudit.access``) on."""
    from uvicorn.config import LOGGING_CONFIG

    config = json.loads(json.dumps(LOGGING_CONFIG))
    config["loggers"]["locaudit"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def serve_http(
    checker: Checker,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    token: str | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> None:
    """Run the service until interrupted (uvicorn, one process; the Checker serialises the
    pipeline, so more threads would not make one process faster)."""
    import uvicorn

    app = create_app(checker, token=token, max_body_bytes=max_body_bytes)
    uvicorn.run(app, host=host, port=port, access_log=False, log_config=log_config())
