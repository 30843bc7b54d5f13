"""A content security policy on every response, and login throttling."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

__all__ = [
    "ContentSecurityPolicy",
    "attempts_key",
    "client_address",
    "is_locked",
    "record_failure",
]

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicy:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response


def attempts_key(username: str, address: str) -> str:
    return f"login-failures:{username.lower()}:{address}"


def is_locked(username: str, address: str) -> bool:
    return int(cache.get(attempts_key(username, address), 0)) >= settings.LOGIN_ATTEMPTS


def record_failure(username: str, address: str) -> None:
    key = attempts_key(username, address)
    cache.set(key, int(cache.get(key, 0)) + 1, settings.LOGIN_LOCKOUT_SECONDS)


def client_address(request: HttpRequest) -> str:
    """The peer address (behind a proxy, configure it to set REMOTE_ADDR)."""
    return str(request.META.get("REMOTE_ADDR", ""))
