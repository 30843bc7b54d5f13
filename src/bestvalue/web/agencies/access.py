"""Who may see and do what: objects of another agency are not found (404), actions a role may
not take are forbidden (403). Views and the API both use these functions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from .models import CAN, Agency, Membership

__all__ = ["BoundedLookup", "agencies_of", "agency_for", "database_id", "require"]


def agencies_of(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Agency]:
    if not user.is_authenticated:
        return Agency.objects.none()
    return Agency.objects.filter(memberships__user=user)


MAX_ID = 2**63 - 1  # the largest id a database key holds; beyond it nothing can be found


def database_id(value: object) -> int:
    """An id from a URL as a number a database key can hold, or 404 (SQLite would otherwise
    fail on a too-large one with a server error)."""
    try:
        number = int(str(value))
    except ValueError:
        raise Http404("no such object") from None
    if not 0 < number <= MAX_ID:
        raise Http404("no such object")
    return number


def agency_for(user: AbstractBaseUser | AnonymousUser, pk: int | str) -> tuple[Agency, str]:
    """The agency and the user's role in it, or 404 (another agency's id reveals nothing, and
    neither does an id that is not a number or too large for the database)."""
    membership = (
        Membership.objects.filter(user_id=getattr(user, "pk", None), agency_id=database_id(pk))
        .select_related("agency")
        .first()
    )
    if membership is None:
        raise Http404("no such agency")
    return membership.agency, membership.role


def require(role: str, action: str) -> None:
    if role not in CAN[action]:
        raise PermissionDenied(f"the role {role!r} may not {action}")


class BoundedLookup:
    """For API views: an object id that no database key can hold is simply not found."""

    kwargs: dict[str, Any]

    def get_object(self):  # type: ignore[no-untyped-def]
        if self.kwargs.get("pk") is not None:
            database_id(self.kwargs["pk"])
        return super().get_object()  # type: ignore[misc]
