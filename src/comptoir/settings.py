"""Comptoir settings, read from environment variables with safe defaults.

Embedded default: SQLite and a SqliteHuey task queue in ./var/, a secret key generated once
into ./var/. Production (COMPTOIR_ENV=production) refuses to start without SECRET_KEY.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from comptoir.core import base_url
from comptoir.core.mailers import mailers_from_url
from comptoir.core.taskqueue import huey_settings_from_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("COMPTOIR_VAR_DIR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

ENV = os.environ.get("COMPTOIR_ENV", "development")
PRODUCTION = ENV == "production"
# Off unless asked for (DEBUG=true): error pages never show settings or code to users.
DEBUG = os.environ.get("DEBUG", "false").lower() in {"1", "true", "yes"}


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production (COMPTOIR_ENV=production).")
    path = VAR_DIR / "secret_key"
    try:
        # Created exclusively and private from the start: two processes starting together
        # on a new install agree on one key, and no one else can read it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # the API docs page then serves its own Swagger files (no CDN)
    "huey.contrib.djhuey",
    "allauth",
    "allauth.account",
    "allauth.usersessions",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "comptoir.core",
    "comptoir.calendars",
    "comptoir.accounts",
    "comptoir.catalog",
    "comptoir.tickets",
    "comptoir.sla",
    "comptoir.mail",
    "comptoir.workflow",
    "comptoir.satisfaction",
    "comptoir.dispatch",
    "comptoir.admission",
    "comptoir.requestforms",
    "comptoir.macros",
    "comptoir.outages",
    "comptoir.contact",
    "comptoir.widget",
    "comptoir.campaigns",
    "comptoir.api",
    "comptoir.webhooks",
    "comptoir.kb",
    "comptoir.reports",
    "comptoir.push",
    "comptoir.portal",
    "comptoir.desk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "comptoir.core.middleware.RequestSizeLimitMiddleware",
    "comptoir.core.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "comptoir.accounts.middleware.UserLanguageMiddleware",
    "comptoir.accounts.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "comptoir.urls"
WSGI_APPLICATION = "comptoir.wsgi.application"
ASGI_APPLICATION = "comptoir.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'comptoir.sqlite3'}"
    config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            # Writers queue instead of failing with "database is locked".
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            ),
        }
    else:
        config["CONN_HEALTH_CHECKS"] = True
    # Parallel runs on one PostgreSQL server each name their own test database.
    test_name = os.environ.get("COMPTOIR_TEST_DATABASE_NAME")
    if test_name and config["ENGINE"] != "django.db.backends.sqlite3":
        config["TEST"] = {"NAME": test_name}
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# Signing in: django-allauth (comptoir.accounts.signin). With the login or the e-mail
# address; no self-service sign-up; a wrong password throttled per account and per client
# address (the 6th in a minute for one account is refused).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "comptoir.accounts.signin.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
# Verification is per organisation (Organisation.verify_email, comptoir.accounts.addresses):
# "none" here, "mandatory" for that organisation's requesters through the login form.
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_FORMS = {
    # Single sign-on routing, then the per-organisation e-mail verification.
    "login": "comptoir.accounts.login_forms.LoginForm",
    "reset_password_from_key": "comptoir.accounts.signin.ResetPasswordKeyForm",
}
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
# Single sign-on: an organisation's OpenID Connect provider, set in the administration
# (comptoir.accounts.sign_on); its e-mail domains route to it from the login form.
SOCIALACCOUNT_ADAPTER = "comptoir.accounts.sign_on_adapter.SocialAccountAdapter"
# Each person's sessions are listed in their menu ("Sessions"), where they sign out the
# others. Activity is not tracked: no write on every page.
USERSESSIONS_TRACK_ACTIVITY = False
# Two-factor authentication (allauth.mfa): an authenticator app (TOTP), passkeys (WebAuthn)
# and recovery codes, for everyone, in the menu ("Double authentification"); an
# administrator may require it of staff roles (desk, Sign-in security). A TOTP code is
# refused a second time (remembered in the shared cache below); WebAuthn origins are checked
# (plain http only for localhost: MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN stays off).
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
# A passkey saved as such ("Sign in with this key alone") signs in without the password.
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Comptoir"
ACCOUNT_RATE_LIMITS = {
    "login_failed": os.environ.get("COMPTOIR_LOGIN_LIMITS", "20/m/ip,5/m/key"),
    "reset_password": "20/m/ip,5/m/key",
}
# Where the throttling counters live: shared by every web process (a table in the
# database; ``COMPTOIR_CACHE_URL=redis://…`` for Redis).
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["COMPTOIR_CACHE_URL"],
        }
        if os.environ.get("COMPTOIR_CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "comptoir_cache"}
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# The vendored Bootstrap and htmx and our stylesheet (the package itself is not an app).
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every page (Django's own middleware): scripts only from
# Comptoir itself (an inline script needs the request's nonce, {{ csp_nonce }}), no
# plugins, no framing (the help button's panel sets its own frame-ancestors). Inline
# styles stay allowed: charts and progress bars set widths in style attributes.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "worker-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# HTTPS in production: HSTS (a year, COMPTOIR_HSTS_SECONDS; 0 turns it off) and plain HTTP
# redirected (COMPTOIR_SSL_REDIRECT=false when a proxy already does it). Behind a TLS proxy,
# COMPTOIR_PROXY_SSL_HEADER names the header it sets (e.g. X-Forwarded-Proto: https); only
# set it when the proxy overwrites that header on every request.
SECURE_HSTS_SECONDS = int(os.environ.get("COMPTOIR_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0))
SECURE_SSL_REDIRECT = PRODUCTION and os.environ.get("COMPTOIR_SSL_REDIRECT", "true").lower() == "true"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's probe speaks plain HTTP
if os.environ.get("COMPTOIR_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + os.environ["COMPTOIR_PROXY_SSL_HEADER"].upper().replace("-", "_"),
        "https",
    )
CSRF_FAILURE_VIEW = "comptoir.core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Outbound mail: delivered by the outbox dispatcher through the "default" mailer, set by
# EMAIL_URL (see comptoir.core.mailers: smtp://, smtps://, brevo://KEY, …). Without it,
# every mail is kept in ./var/mail and readable in the desk (Sent mail), so nothing needs a
# mail server to try Comptoir.
MAILERS = mailers_from_url(os.environ.get("EMAIL_URL") or f"file://{VAR_DIR / 'mail'}")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Comptoir <support@comptoir.localhost>")

# Read the same way by every process (web, tasks, `comptoir mail ingest` from an MTA): the
# variable, else the address `comptoir run` recorded in the var dir (comptoir.core.base_url).
COMPTOIR_BASE_URL = base_url.read(os.environ, VAR_DIR)
COMPTOIR_MAX_ATTACHMENT_BYTES = int(os.environ.get("COMPTOIR_MAX_ATTACHMENT_BYTES", 10 * 2**20))
# The files of one message together, and of one ticket over its life; the text of a message
# (the same through every door: a longer mail is shortened, its original kept).
COMPTOIR_MAX_UPLOAD_BYTES = int(os.environ.get("COMPTOIR_MAX_UPLOAD_BYTES", 25 * 2**20))
COMPTOIR_MAX_TICKET_FILES_BYTES = int(os.environ.get("COMPTOIR_MAX_TICKET_FILES_BYTES", 200 * 2**20))
COMPTOIR_MAX_MESSAGE_CHARS = int(os.environ.get("COMPTOIR_MAX_MESSAGE_CHARS", 100_000))
# A request body beyond this is refused (413) before it is read; at most this many files.
COMPTOIR_MAX_REQUEST_BYTES = COMPTOIR_MAX_UPLOAD_BYTES + 2**20
DATA_UPLOAD_MAX_NUMBER_FILES = 20
COMPTOIR_FIRST_TICKET_NUMBER = 100001
# New requests by mail allowed per sender and per domain within an hour (comptoir.mail.inbound.flood).
COMPTOIR_FLOOD_LIMITS = os.environ.get("COMPTOIR_FLOOD_LIMITS", "10/h/sender,100/h/domain")
# Campaigns (outage notices, newsletters): at most this many mails a minute (0: no limit),
# sent in batches of at most COMPTOIR_CAMPAIGN_BATCH.
COMPTOIR_CAMPAIGN_RATE = int(os.environ.get("COMPTOIR_CAMPAIGN_RATE", 600))
COMPTOIR_CAMPAIGN_BATCH = int(os.environ.get("COMPTOIR_CAMPAIGN_BATCH", 100))

# Web Push (comptoir.push.keys): the VAPID key pair, base64url; unset, one is generated on
# first use and kept in the database.
COMPTOIR_VAPID_PRIVATE_KEY = os.environ.get("COMPTOIR_VAPID_PRIVATE_KEY", "")
COMPTOIR_VAPID_PUBLIC_KEY = os.environ.get("COMPTOIR_VAPID_PUBLIC_KEY", "")
COMPTOIR_VAPID_SUBJECT = os.environ.get("COMPTOIR_VAPID_SUBJECT", "")

HUEY = huey_settings_from_url(
    os.environ.get("COMPTOIR_TASKS_URL") or f"sqlite:///{VAR_DIR / 'tasks.sqlite3'}",
    immediate=os.environ.get("COMPTOIR_TASKS_IMMEDIATE", "false").lower() == "true",
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "comptoir.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "huey": {"level": "WARNING"},
    },
}
