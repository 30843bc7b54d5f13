"""Who may see and do what: objects of another agency are not found (404), actions a role may
not take are forbidden (403). Views and the API both use these functions."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from .models import CAN, Agency, Membership

__all__ = ["agencies_of", "agency_for", "require"]


def agencies_of(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Agency]:
    if not user.is_authenticated:
        return Agency.objects.none()
    return Agency.objects.filter(memberships__user=user)


def agency_for(user: AbstractBaseUser | AnonymousUser, pk: int) -> tuple[Agency, str]:
    """The agency and the user's role in it, or 404 (another agency's id reveals nothing)."""
    membership = (
        Membership.objects.filter(user_id=getattr(user, "pk", None), agency_id=pk)
        .select_related("agency")
        .first()
    )
    if membership is None:
        raise Http404("no such agency")
    return membership.agency, membership.role


def require(role: str, action: str) -> None:
    if role not in CAN[action]:
        raise PermissionDenied(f"the role {role!r} may not {action}")
