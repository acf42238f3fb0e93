"""Typed domain errors and the one error format: RFC 9457 problem details.

A domain error carries its HTTP status and a message a person can act on; the
handlers in `install_error_handlers` turn it — and validation and unexpected
errors — into `application/problem+json`. Services raise these; they never
import FastAPI.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class DomainError(Exception):
    status_code = 400
    title = "请求无法处理 Bad request"
    type_slug = "bad-request"

    def __init__(self, detail: str, *, errors: list[dict[str, str]] | None = None,
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers
        self.extra = extra


class NotAuthenticated(DomainError):
    status_code = 401
    title = "需要登录 Authentication required"
    type_slug = "not-authenticated"


class PermissionDenied(DomainError):
    status_code = 403
    title = "无权操作 Forbidden"
    type_slug = "forbidden"


class NotFound(DomainError):
    status_code = 404
    title = "未找到 Not found"
    type_slug = "not-found"


class Conflict(DomainError):
    status_code = 409
    title = "与当前状态冲突 Conflict"
    type_slug = "conflict"


class InvalidInput(DomainError):
    """A value that passed the schema but breaks a rule (422, naming the field)."""

    status_code = 422
    title = "输入有误 Invalid input"
    type_slug = "invalid-input"

    def __init__(self, field: str, message: str, **extra: Any) -> None:
        super().__init__(message, errors=[{"field": field, "message": message}], **extra)


class TooManyRequests(DomainError):
    status_code = 429
    title = "请求过于频繁 Too many requests"
    type_slug = "too-many-requests"


class PayloadTooLarge(DomainError):
    status_code = 413
    title = "文件过大 Payload too large"
    type_slug = "payload-too-large"


class ServiceUnavailable(DomainError):
    status_code = 503
    title = "服务暂不可用 Service unavailable"
    type_slug = "service-unavailable"


def problem(status: int, title: str, detail: str, slug: str, request: Request,
            errors: list[dict[str, str]] | None = None, headers: dict[str, str] | None = None,
            **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"/problems/{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


# Pydantic's messages are English; the people using this mostly read Chinese first.
_ZH_MESSAGES = {
    "missing": "必填项",
    "string_too_short": "内容过短",
    "string_too_long": "内容过长",
    "string_pattern_mismatch": "格式不正确",
    "greater_than": "数值过小",
    "greater_than_equal": "数值过小",
    "less_than": "数值过大",
    "less_than_equal": "数值过大",
    "enum": "不是允许的选项",
    "literal_error": "不是允许的选项",
    "int_parsing": "应为整数",
    "decimal_parsing": "应为数字",
    "decimal_max_places": "小数位数过多",
    "decimal_max_digits": "数字位数过多",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "datetime_parsing": "应为日期时间",
    "value_error": "",
    "too_long": "条目过多",
    "too_short": "条目过少",
    "extra_forbidden": "不允许的字段",
    "json_invalid": "JSON 格式错误",
    "bool_parsing": "应为是/否",
    "list_type": "应为列表",
}


def _message(error: dict[str, Any]) -> str:
    text = str(error.get("msg", ""))
    if text.startswith("Value error, "):
        return text.removeprefix("Value error, ")
    zh = _ZH_MESSAGES.get(str(error.get("type", "")))
    return f"{zh}。{text}" if zh else text


def _field_name(loc: tuple[int | str, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or "body"


def _malformed_json(exc: RequestValidationError) -> str | None:
    """A body that is not JSON at all, in words, with where it breaks (line and column, from
    1), rather than "Please check: 9" (the character offset FastAPI puts in the location)."""
    found = [e for e in exc.errors() if e.get("type") == "json_invalid"]
    if not found:
        return None
    loc = tuple(found[0].get("loc", ()))
    pos = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
    doc = exc.body.decode("utf-8", "replace") if isinstance(exc.body, bytes) else exc.body
    if pos is None or not isinstance(doc, str):
        return "请求内容不是有效的 JSON。The request body is not valid JSON."
    line = doc.count("\n", 0, pos) + 1
    column = pos - (doc.rfind("\n", 0, pos) + 1) + 1
    return (f"请求内容不是有效的 JSON（第 {line} 行第 {column} 列）。The request body is not "
            f"valid JSON (line {line}, column {column}).")


_STATUS_TEXT = {
    400: ("请求无法处理 Bad request", "bad-request"),
    401: ("需要登录 Authentication required", "not-authenticated"),
    403: ("无权操作 Forbidden", "forbidden"),
    404: ("未找到 Not found", "not-found"),
    405: ("方法不允许 Method not allowed", "method-not-allowed"),
    409: ("与当前状态冲突 Conflict", "conflict"),
    413: ("文件过大 Payload too large", "payload-too-large"),
    415: ("不支持的类型 Unsupported media type", "unsupported-media-type"),
    429: ("请求过于频繁 Too many requests", "too-many-requests"),
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        return problem(exc.status_code, exc.title, exc.detail, exc.type_slug, request,
                       exc.errors, exc.headers, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        malformed = _malformed_json(exc)
        if malformed is not None:
            return problem(422, "输入有误 Invalid input", malformed, "invalid-input", request,
                           [{"field": "body", "message": malformed}])
        errors = [
            {"field": _field_name(tuple(e.get("loc", ()))), "message": _message(e)}
            for e in exc.errors()
        ]
        fields = ", ".join(dict.fromkeys(e["field"] for e in errors))
        return problem(422, "输入有误 Invalid input", f"请检查这些字段 Please check: {fields}",
                       "invalid-input", request, errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        title, slug = _STATUS_TEXT.get(exc.status_code, ("请求失败 Request failed", "http-error"))
        detail = exc.detail if isinstance(exc.detail, str) else title
        return problem(exc.status_code, title, detail, slug, request,
                       headers=getattr(exc, "headers", None))

    @app.exception_handler(StaleDataError)
    async def _stale(request: Request, exc: StaleDataError) -> JSONResponse:
        return problem(409, "与当前状态冲突 Conflict",
                       "该记录刚被他人修改，请刷新后重试。Someone else changed this just now; "
                       "reload and try again.", "conflict", request)

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def _out_of_range(request: Request, exc: Exception) -> JSONResponse:
        # An id or number larger than the database's integers (SQLite raises OverflowError,
        # PostgreSQL a DataError) or a value it otherwise refuses: bad input, not a crash.
        log.warning("value refused by the database on %s %s: %s", request.method,
                    request.url.path, getattr(exc, "orig", exc))
        return problem(422, "输入有误 Invalid input",
                       "数值超出范围或格式无效。A number is out of range or a value is invalid.",
                       "invalid-input", request)

    @app.exception_handler(OperationalError)
    async def _db_down(request: Request, exc: OperationalError) -> JSONResponse:
        log.error("database unavailable: %s", exc.orig)
        return problem(503, "服务暂不可用 Service unavailable",
                       "数据库暂时无法访问，请稍后重试。The database is unreachable; try again shortly.",
                       "service-unavailable", request, headers={"Retry-After": "5"})

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Reached only by an error in a middleware outside middleware.ErrorBoundaryMiddleware
        # (Starlette re-raises it after this response, and the server then drops the
        # connection); the boundary answers every error of the application itself.
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return internal_error(request)


def internal_error(request: Request) -> JSONResponse:
    """The 500 for a bug: a problem+json that says it was logged, and nothing about it."""
    return problem(500, "服务器内部错误 Internal error",
                   "出现了意外错误，已记录。An unexpected error occurred and has been logged.",
                   "internal-error", request)


# --- the OpenAPI document ----------------------------------------------------------------------

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; input errors list `errors` by field (and row).",
    "type": "object",
    "required": ["type", "title", "status", "detail", "instance"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "array", "items": {
            "type": "object", "required": ["field", "message"],
            "properties": {"field": {"type": "string"}, "message": {"type": "string"},
                           "row": {"type": "integer"}},
            "additionalProperties": True}},
    },
    "additionalProperties": True,
}


def document_problems(app: FastAPI) -> None:
    """Make the OpenAPI document say what the handlers above send: FastAPI documents every
    422 as `application/json` HTTPValidationError, but the answer is a problem+json."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()  # FastAPI's, cached on the app; rewriting it twice changes nothing
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = PROBLEM_SCHEMA
        problem_ref = {"application/problem+json": {
            "schema": {"$ref": "#/components/schemas/Problem"}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                response = operation.get("responses", {}).get("422")
                if response is not None:
                    response["content"] = problem_ref
        for name in ("HTTPValidationError", "ValidationError"):  # unused now, unless named alike
            if f'"#/components/schemas/{name}"' not in json.dumps(schema):
                components.pop(name, None)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override
