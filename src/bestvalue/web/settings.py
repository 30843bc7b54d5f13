"""Settings from environment variables, with working defaults for a laptop.

Production: set BESTVALUE_WEB_SECRET_KEY, BESTVALUE_WEB_DEBUG=0, BESTVALUE_WEB_ALLOWED_HOSTS and
DATABASE_URL (postgres://user:pass@host:5432/name); `python -m bestvalue.web check --deploy` is
clean with them.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

HERE = Path(__file__).resolve().parent
DEBUG = os.environ.get("BESTVALUE_WEB_DEBUG", "1") == "1"
SECRET_KEY = os.environ.get(
    "BESTVALUE_WEB_SECRET_KEY", "dev-only-insecure-key-change-me" if DEBUG else ""
)
if not SECRET_KEY:
    raise RuntimeError("set BESTVALUE_WEB_SECRET_KEY when BESTVALUE_WEB_DEBUG=0")
ALLOWED_HOSTS = [
    h for h in os.environ.get("BESTVALUE_WEB_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
DATA_DIR = Path(os.environ.get("BESTVALUE_WEB_DATA_DIR", "bestvalue-web-data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def database(url: str) -> dict[str, object]:
    """A Django DATABASES entry from a URL: sqlite:///path or postgres://user:pass@host:port/db."""
    parts = urlparse(url)
    if parts.scheme == "sqlite":
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": unquote(parts.path[1:]) or ":memory:",
        }
    if parts.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": parts.path.lstrip("/"),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
        }
    raise RuntimeError(f"DATABASE_URL: unsupported scheme {parts.scheme!r} (sqlite or postgres)")


DATABASES = {
    "default": database(os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'web.sqlite3'}"))
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "bestvalue.web.agencies",
    "bestvalue.web.duediligence",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "bestvalue.web.security.ContentSecurityPolicy",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "bestvalue.web.urls"
WSGI_APPLICATION = "bestvalue.web.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ]
        },
    }
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
LOGIN_ATTEMPTS = 5  # per username and address
LOGIN_LOCKOUT_SECONDS = 900

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("fr", _("French")),
]
LOCALE_PATHS = [HERE / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 2**20
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 2**20
# thread: load uploads in the web process; queue: leave them to `python -m bestvalue.web work`.
JOBS = os.environ.get("BESTVALUE_WEB_JOBS", "thread")
if JOBS not in ("thread", "queue"):
    raise ImproperlyConfigured("BESTVALUE_WEB_JOBS must be 'thread' or 'queue'")
UPLOAD_ROOTS = [p for p in os.environ.get("BESTVALUE_WEB_SERVER_PATHS", "").split(os.pathsep) if p]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "bestvalue API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "bestvalue.web.apischema.document_errors",
    ],
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("BESTVALUE_WEB_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
