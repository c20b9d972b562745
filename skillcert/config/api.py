"""The REST API: /api/v1/..., OpenAPI document at /api/openapi.json, docs at /api/docs.
Session (with CSRF) and bearer-token authentication."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Query, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from skillcert.accounts.scope import scope_for
from skillcert.accounts.selectors import api_token_live
from skillcert.accounts.services import api_token_used
from skillcert.certificates.api import router as certificates_router
from skillcert.common.api import ErrorOut
from skillcert.common.errors import DomainError, Forbidden
from skillcert.itembank.api import router as itembank_router
from skillcert.organizations.api import directory_router
from skillcert.organizations.api import router as organizations_router
from skillcert.personnel.api import router as personnel_router
from skillcert.workdays.selectors import workdays_add, workdays_between


class SessionAuth(APIKeyCookie):
    """Django session cookie; CSRF is checked for unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = api_token_live(token=token, now=timezone.now())
        if row is None:
            return None
        api_token_used(token=row)
        request.user = row.user
        return row.user


# Answers any operation can give: every object is fetched through a scope (404 for what the
# caller may not see), authentication and CSRF (401/403), input validation (422), throttling.
COMMON_RESPONSES = {
    "400": "输入不被接受（含控制字符或不可见字符、超长，或业务规则不允许）",
    "401": "未登录或令牌无效",
    "403": "无权操作（或缺少 CSRF 令牌 / 动态口令）",
    "404": "未找到该记录或无权访问",
    "422": "请求参数不符合接口定义",
    "429": "请求过于频繁",
}


class SkillcertAPI(NinjaAPI):
    """The document depends only on the code: it is built once per process and root path (a
    build takes 0.1-0.3 s of CPU; /api/openapi.json and /api/docs ask for it on every visit,
    so an uncached document let any visitor spend a core with a few requests a second).
    Each caller gets its own copy."""

    _schemas: dict[str, Any]

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        schemas = self.__dict__.setdefault("_schemas", {})
        if path_prefix not in schemas:
            schemas[path_prefix] = self._schema_built(path_prefix)
        return copy.deepcopy(schemas[path_prefix])

    def _schema_built(self, path_prefix: str) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix)
        for path_item in schema["paths"].values():
            for operation in path_item.values():
                # Ninja keys the declared responses by int; JSON keys are strings, so one
                # code must not be added again as a string (a duplicated key in the document).
                responses = {str(k): v for k, v in operation.get("responses", {}).items()}
                operation["responses"] = responses
                for code, description in COMMON_RESPONSES.items():
                    responses.setdefault(
                        code,
                        {
                            "description": description,
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                    )
        return schema


api = SkillcertAPI(
    title="skillcert API",
    version="1",
    description="职业技能等级认定平台接口。错误响应统一为 {code, message, field}。",
    # Token first: the cookie authenticator enforces CSRF, which a token client cannot send.
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
    openapi_url="/openapi.json",
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """Input the caller can fix is a 400; a refusal (`Forbidden`: the caller sees the object
    but may not do this to it) is a 403, as on the pages."""
    return api.create_response(
        request, exc.as_dict(), status=403 if isinstance(exc, Forbidden) else 400
    )


# pydantic's error types, in words a user can act on; anything else is 格式不正确.
VALIDATION_WORDS = {
    "missing": "必填",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "datetime_parsing": "时间格式应为 YYYY-MM-DDTHH:MM:SS+08:00",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "greater_than_equal": "不能小于 {ge}",
    "greater_than": "应大于 {gt}",
    "less_than_equal": "不能大于 {le}",
    "less_than": "应小于 {lt}",
    "string_too_long": "不能超过 {max_length} 个字符",
    "string_too_short": "至少 {min_length} 个字符",
    "too_long": "最多 {max_length} 项",
    "list_type": "应为列表",
    "json_invalid": "请求体不是有效的 JSON",
    "model_attributes_type": "请求体应为 JSON 对象",
    "dict_type": "请求体应为 JSON 对象",
    "enum": "应为以下之一：{expected}",
    "literal_error": "应为以下之一：{expected}",
}


def _validation_item(error: dict[str, Any]) -> dict[str, Any]:
    location = [
        str(part)
        for part in error.get("loc", ())
        if part not in ("query", "body", "path", "payload", "form")
    ]
    field = ".".join(location) or None
    words = VALIDATION_WORDS.get(str(error.get("type", "")), "格式不正确")
    try:
        words = words.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError, ValueError):
        words = "格式不正确"
    return {"field": field, "message": f"{field}：{words}" if field else words}


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """Input the schema refuses: the same {code, message, field} as every other error, in
    Chinese and naming the field, with every problem listed under `errors`."""
    items = [_validation_item(e) for e in exc.errors] or [
        {"field": None, "message": "请求格式不正确"}
    ]
    body = {
        "code": "invalid_input",
        "message": "；".join(i["message"] for i in items[:5]),
        "field": items[0]["field"],
        "errors": items,
    }
    return api.create_response(request, body, status=422)


@api.exception_handler(OverflowError)
def number_out_of_range(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    """A number larger than a database column holds (an id of forty digits in a list): no
    record has it and the caller can correct it, so it is input to refuse, not a server
    error (SQLite raises OverflowError when such a number reaches a query)."""
    message = "数值超出允许范围，请核对后重新提交"
    body = {
        "code": "invalid_input",
        "message": message,
        "field": None,
        "errors": [{"field": None, "message": message}],
    }
    return api.create_response(request, body, status=422)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    body = {"code": "not_found", "message": "未找到该记录或无权访问", "field": None}
    return api.create_response(request, body, status=404)


class RootOut(Schema):
    version: str
    user: str
    roles: list[str]


@api.get("/v1", response=RootOut, tags=["meta"], summary="API 根：版本与当前用户")
def root(request: HttpRequest) -> dict[str, Any]:
    scope = scope_for(request.user)
    return {"version": "v1", "user": request.user.get_username(), "roles": sorted(scope.roles)}


class WorkdaysAddOut(Schema):
    start: dt.date
    n: int
    date: dt.date


@api.get(
    "/v1/workdays/add",
    response={200: WorkdaysAddOut, 400: ErrorOut},
    tags=["workdays"],
    summary="起始日之后的第 n 个工作日",
)
def api_workdays_add(
    request: HttpRequest, start: dt.date, n: int = Query(..., ge=0, le=1000)
) -> dict[str, Any]:
    return {"start": start, "n": n, "date": workdays_add(start, n)}


class WorkdaysBetweenOut(Schema):
    a: dt.date
    b: dt.date
    workdays: int


@api.get(
    "/v1/workdays/between",
    response={200: WorkdaysBetweenOut, 400: ErrorOut},
    tags=["workdays"],
    summary="(a, b] 之间的工作日数",
)
def api_workdays_between(request: HttpRequest, a: dt.date, b: dt.date) -> dict[str, Any]:
    if abs((b - a).days) > 3660:
        raise DomainError("workdays.span_range", "日期跨度不能超过十年", field="b")
    return {"a": a, "b": b, "workdays": workdays_between(a, b)}


api.add_router("/v1/organizations", organizations_router)
api.add_router("/v1/directory", directory_router)
api.add_router("/v1/personnel", personnel_router)
api.add_router("/v1/itembank", itembank_router)
api.add_router("/v1/applications", "skillcert.applications.api.router")

api.add_router("/v1/certificates", certificates_router)
api.add_router("/v1/supervision", "skillcert.supervision.api.router")
api.add_router("/v1/reporting", "skillcert.reporting.api.router")
api.add_router("/v1/exams", "skillcert.exams.api.router")
api.add_router("/v1/scoring", "skillcert.scoring.api.router")
api.add_router("/v1/enterprise", "skillcert.scoring.api_enterprise.router")
api.add_router("/v1/me", "skillcert.workbench.api.router")
api.add_router("/v1/exchange", "skillcert.exchange.api.router")
