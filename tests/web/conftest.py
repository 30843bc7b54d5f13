"""Two agencies, their members, and a synchronous stand-in for the background worker."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from bestvalue.web.agencies import jobs
from bestvalue.web.agencies.models import Agency, Membership, Role

PASSWORD = "a-long-enough-test-password"
REAL_SUBMIT = jobs.submit  # before the fixture below replaces it


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.UPLOAD_ROOTS = [str(tmp_path / "server")]
    (tmp_path / "server").mkdir()
    return tmp_path


@pytest.fixture(autouse=True)
def fresh_cache():
    """Login throttling counts failures in the cache (one test's failures must not lock out the
    next test's user), and results computed for one test's agency must not serve another's."""
    from django.core.cache import cache

    from bestvalue.web.agencies import services

    cache.clear()
    services.forget()
    yield
    cache.clear()
    services.forget()


@pytest.fixture(autouse=True)
def synchronous_jobs(monkeypatch):
    """Run ingestion in the request (the thread pool is the same function, later)."""
    monkeypatch.setattr(jobs, "submit", jobs.run)


def member(agency: Agency, name: str, role: str):
    user = get_user_model().objects.create_user(name, password=PASSWORD)
    Membership.objects.create(user=user, agency=agency, role=role)
    return user


@pytest.fixture
def world(db):
    a = Agency.objects.create(name="Jalisco", country="MX")
    b = Agency.objects.create(name="DNCP", country="PY")
    return {
        "a": a,
        "b": b,
        "analyst_a": member(a, "ana", Role.ANALYST),
        "supplier_a": member(a, "sup", Role.SUPPLIER),
        "analyst_b": member(b, "bob", Role.ANALYST),
    }
