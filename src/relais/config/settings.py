"""Relais settings: every value comes from the environment (see the README's table)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from relais.apps.telemetry.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent  # src/relais


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DATA_DIR = Path(os.environ.get("RELAIS_DATA_DIR", Path.cwd() / "var")).resolve()

DEBUG = env_bool("RELAIS_DEBUG", default=False)

#: Where `relais demo` keeps the key it generated for this machine (mode 0600).
SECRET_KEY_FILE = DATA_DIR / "secret_key"


def _secret_key() -> tuple[str, str]:
    """The key and where it came from: the environment, the data directory's key file, or,
    without either, a random key for this process only, on which `relais serve` refuses to
    start unless RELAIS_DEBUG (docs/security.md). There is no built-in key."""
    configured = os.environ.get("RELAIS_SECRET_KEY", "").strip()
    if configured:
        return configured, "environment"
    if SECRET_KEY_FILE.is_file():
        return SECRET_KEY_FILE.read_text().strip(), "file"
    return secrets.token_urlsafe(50), "ephemeral"


SECRET_KEY, SECRET_KEY_SOURCE = _secret_key()

ALLOWED_HOSTS = env_list("RELAIS_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("RELAIS_CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000")
#: Where customers reach Relais (links sent to them, such as a survey's): scheme and host.
PUBLIC_URL = os.environ.get("RELAIS_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "relais.apps.realtime",
    "relais.apps.operations",
    "relais.apps.l10n",
    "relais.apps.accounts",
    "relais.apps.audit",
    "relais.apps.organisation",
    "relais.apps.privacy",
    "relais.apps.routing",
    "relais.apps.interactions",
    "relais.apps.router",
    "relais.apps.chat",
    "relais.apps.voice",
    "relais.apps.webhooks",
    "relais.apps.email",
    "relais.apps.desktop",
    "django_tasks_db",
    "relais.apps.simulation",
    "relais.apps.wfm",
    "relais.apps.reporting",
    "relais.apps.satisfaction",
    "relais.apps.briefings",
    "relais.apps.crisis",
    "relais.apps.contracts",
    "relais.apps.supervision",
    "relais.apps.quality",
    "relais.apps.knowledge",
    "relais.apps.compliance",
    "relais.apps.sourcing",
    "relais.demo",
]

MIDDLEWARE = [
    "relais.apps.operations.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "relais.config.nul.NulRefusedMiddleware",  # PostgreSQL stores no U+0000
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "relais.apps.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "relais.apps.accounts.middleware.IdleTimeoutMiddleware",
    "relais.apps.organisation.networks.SiteNetworkMiddleware",
    "relais.apps.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "relais.config.urls"
ASGI_APPLICATION = "relais.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "relais.config.navigation.navigation",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'relais.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A pool of connections shared by the threads that run database calls for ASGI requests
    # and WebSocket consumers; without it every call opens a new connection.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": int(os.environ.get("RELAIS_DB_POOL_SIZE", "20")),
        "timeout": 10,
    }
    # Parameters bound by the server, and a statement run five times on a connection
    # prepared there: the same few statements run for every chat, and parsing and planning
    # them each time was much of PostgreSQL's work (bench.chat_load). The pool is Django's
    # own (no PgBouncer in transaction mode, which would lose prepared statements).
    DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background jobs (simulation runs): `relais db_worker`, or the worker thread of `relais serve`
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # Redis publish/subscribe: a push is one PUBLISH, and each process holds one
            # subscribing connection for all its consumers. What the browsers must not miss
            # is stored first and read back on a gap (docs/events-protocol.md), so the
            # at-most-once delivery of pub/sub is enough. (The list-based
            # channels_redis.core layer cost a Lua script per push and delayed offers under
            # load: docs/desktop.md.) redis-py's 5 s default read timeout cut idle
            # connections under load: 30 s.
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30}]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Realtime (apps/realtime): threads for the consumers' database calls on PostgreSQL
# (docs/desktop.md "Under load"), and the leases that say who is connected (docs/presence.md).
WS_DB_THREADS = int(os.environ.get("RELAIS_WS_DB_THREADS", "2"))
#: Each web process marks its open connections seen this often; one not seen for three
#: heartbeats belongs to a process that died.
LEASE_HEARTBEAT_S = float(os.environ.get("RELAIS_LEASE_HEARTBEAT_S", "5"))
#: An agent whose last desktop connection is gone for longer leaves routing (disconnected).
AGENT_GRACE_S = float(os.environ.get("RELAIS_AGENT_GRACE_S", "20"))
#: A waiting customer whose page was only hidden (a phone switched to another app) is kept
#: this long without a connection; a page that said goodbye, or went silent while shown, gets
#: its queue's grace (`Queue.customer_grace_seconds`).
CUSTOMER_HIDDEN_GRACE_S = float(os.environ.get("RELAIS_CUSTOMER_HIDDEN_GRACE_S", "600"))

# Live connections (docs/security.md, "Live connections"): a signed-in socket reads its
# session again at most this often while it handles messages (a push that closes it may be
# lost); the origins allowed to embed the chat widget (besides Relais's own and
# RELAIS_CSRF_TRUSTED_ORIGINS); the limits on anonymous chat traffic, per IP address and per
# chat (0: no limit).
SESSION_CHECK_S = float(os.environ.get("RELAIS_SESSION_CHECK_S", "5"))
WIDGET_ORIGINS = env_list("RELAIS_WIDGET_ORIGINS", "")
CHAT_CONNECTIONS_PER_MIN = int(os.environ.get("RELAIS_CHAT_CONNECTIONS_PER_MIN", "60"))
CHAT_MESSAGES_PER_10S = int(os.environ.get("RELAIS_CHAT_MESSAGES_PER_10S", "20"))
CHAT_IP_MESSAGES_PER_10S = int(os.environ.get("RELAIS_CHAT_IP_MESSAGES_PER_10S", "60"))
RATE_LIMIT_PREFIX = "relais:rate"  # the buckets' keys in Redis

# Polling: the router reads the event log this often when no notification woke it
# (docs/router.md), and the supervision board reads its new events this often (docs/supervision.md).
ROUTER_POLL_S = float(os.environ.get("RELAIS_ROUTER_POLL_S", "0.25"))

# Voice (docs/voice.md): the SIP domain of the agents' addresses, and the secret that signs
# their short-lived SIP (and TURN) credentials, shared with Kamailio (and coturn). Without
# RELAIS_SIP_SECRET it is derived from the secret key, so every process agrees on it.
SIP_DOMAIN = os.environ.get("RELAIS_SIP_DOMAIN", "relais.invalid")
SIP_SECRET = (
    os.environ.get("RELAIS_SIP_SECRET", "").strip()
    or hmac.new(SECRET_KEY.encode(), b"relais-sip-credentials", hashlib.sha256).hexdigest()
)
# The voice service, `relais voice` (docs/voice.md, "Call control"): its SIP address, rtpengine's
# ng address, the SIP proxy (Kamailio) that reaches agents' addresses of record, the queue
# music (a WAV file; else the prompts' or a generated tone), and how long callers hear ringing
# before the queue answers them.
# The widget's signed customer identity (docs/integrations.md): the secret the brand's site
# signs its logged-in customers with (HS256); by default one derived from the secret key.
WIDGET_IDENTITY_SECRET = (
    os.environ.get("RELAIS_WIDGET_IDENTITY_SECRET", "").strip()
    or hmac.new(SECRET_KEY.encode(), b"relais-widget-identity", hashlib.sha256).hexdigest()
)
# Webhooks (docs/integrations.md): attempts before a delivery is given up, the first retry's
# delay (doubled at each attempt), and each request's timeout.
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("RELAIS_WEBHOOK_MAX_ATTEMPTS", "8"))
WEBHOOK_RETRY_S = float(os.environ.get("RELAIS_WEBHOOK_RETRY_S", "30"))
WEBHOOK_TIMEOUT_S = float(os.environ.get("RELAIS_WEBHOOK_TIMEOUT_S", "10"))

# Surveys by SMS (apps/satisfaction/texting.py): the operator's SMS gateway, an HTTP API taking
# {"to", "from", "text"} with a bearer token; blank URL: no survey by SMS.
SMS_URL = os.environ.get("RELAIS_SMS_URL", "")
SMS_TOKEN = os.environ.get("RELAIS_SMS_TOKEN", "")
SMS_SENDER = os.environ.get("RELAIS_SMS_SENDER", "Relais")
SMS_TIMEOUT_S = float(os.environ.get("RELAIS_SMS_TIMEOUT_S", "10"))
#: Prefixes of mobile numbers beyond the French 06 and 07 ("+2126,+2127" for Moroccan mobiles).
SMS_MOBILE_PREFIXES = [
    p for p in os.environ.get("RELAIS_SMS_MOBILE_PREFIXES", "").split(",") if p.strip()
]
VOICE_SIP_ADDRESS = os.environ.get("RELAIS_VOICE_SIP_ADDRESS", "127.0.0.1:5070")
VOICE_NG_ADDRESS = os.environ.get("RELAIS_VOICE_NG_ADDRESS", "127.0.0.1:2223")
VOICE_PROXY = os.environ.get("RELAIS_VOICE_PROXY", "")
# Where the voice service hears rtpengine's keypad events (rtpengine's --dtmf-log-dest; empty:
# none, so no call.dtmf detail and no keypad survey after calls).
VOICE_DTMF_ADDRESS = os.environ.get("RELAIS_VOICE_DTMF_ADDRESS", "127.0.0.1:2224")
VOICE_MUSIC = os.environ.get("RELAIS_VOICE_MUSIC", "")
VOICE_ANSWER_DELAY_S = float(os.environ.get("RELAIS_VOICE_ANSWER_DELAY_S", "0"))
# Seconds between two announcements of a queued caller's place and wait (0: none).
VOICE_ANNOUNCE_S = float(os.environ.get("RELAIS_VOICE_ANNOUNCE_S", "30"))
# The agents' softphone (docs/desktop.md, "Softphone"): Kamailio's WebSocket for browsers
# (ws://… or wss://…; empty: the softphone is off), the TURN servers handed to the browser
# (comma-separated turn:/turns: URLs, signed with SIP_SECRET like the SIP credentials), and
# how long those credentials last.
SIP_WS_URL = os.environ.get("RELAIS_SIP_WS_URL", "").strip()
TURN_URLS = env_list("RELAIS_TURN_URLS", "")
SIP_CREDENTIAL_TTL_S = int(os.environ.get("RELAIS_SIP_CREDENTIAL_TTL_S", str(12 * 3600)))
# The voice stack (docs/voice.md, "Stack"): generated configs, logs and prompts live under
# VOICE_RUN_DIR; recorded prompts in RELAIS_VOICE_PROMPTS_DIR replace the generated ones by name.
VOICE_RUN_DIR = Path(os.environ.get("RELAIS_VOICE_RUN_DIR", DATA_DIR / "voice")).resolve()
VOICE_PROMPTS_DIR = (
    Path(os.environ["RELAIS_VOICE_PROMPTS_DIR"]).resolve()
    if os.environ.get("RELAIS_VOICE_PROMPTS_DIR")
    else None
)
# E-mail (docs/email.md): the SMTP receiver `relais mail` runs, the relay replies leave by,
# the limits on what is received and sent; attachments are kept under MAIL_DIR.
MAIL_RECEIVER = os.environ.get("RELAIS_MAIL_RECEIVER", "127.0.0.1:2525")
MAIL_RELAY = os.environ.get("RELAIS_MAIL_RELAY", "127.0.0.1:25")
MAIL_RELAY_USER = os.environ.get("RELAIS_MAIL_RELAY_USER", "")
MAIL_RELAY_PASSWORD = os.environ.get("RELAIS_MAIL_RELAY_PASSWORD", "")
MAIL_RELAY_STARTTLS = env_bool("RELAIS_MAIL_RELAY_STARTTLS", default=False)
MAIL_MAX_MESSAGE_MB = int(os.environ.get("RELAIS_MAIL_MAX_MESSAGE_MB", "30"))
MAIL_MAX_ATTACHMENT_MB = int(os.environ.get("RELAIS_MAIL_MAX_ATTACHMENT_MB", "10"))
MAIL_MAX_ATTACHMENTS = int(os.environ.get("RELAIS_MAIL_MAX_ATTACHMENTS", "10"))
MAIL_ATTACHMENT_TYPES = env_list(
    "RELAIS_MAIL_ATTACHMENT_TYPES",
    "application/pdf,image/png,image/jpeg,image/gif,text/plain,text/csv,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/msword,"
    "application/vnd.ms-excel,application/vnd.oasis.opendocument.text,message/rfc822",
)
# Partner statements (docs/contracts.md): dispute attachments, outside the web root.
CONTRACTS_ATTACHMENT_DIR = Path(
    os.environ.get("RELAIS_CONTRACTS_ATTACHMENT_DIR", DATA_DIR / "dispute_attachments")
).resolve()
CONTRACTS_ATTACHMENT_MAX_MB = int(os.environ.get("RELAIS_CONTRACTS_ATTACHMENT_MAX_MB", "5"))
MAIL_DIR = Path(os.environ.get("RELAIS_MAIL_DIR", DATA_DIR / "mail")).resolve()
# The audit log (docs/security.md, "Audit log"): the key of its chain, kept outside the
# database (RELAIS_AUDIT_KEY, else a file in the data directory made on first use, mode 0600),
# the append-only file of its anchors, and how often the active router anchors it.
AUDIT_KEY = os.environ.get("RELAIS_AUDIT_KEY", "").strip()
AUDIT_KEY_FILE = Path(os.environ.get("RELAIS_AUDIT_KEY_FILE", DATA_DIR / "audit_key")).resolve()
AUDIT_ANCHOR_FILE = Path(
    os.environ.get("RELAIS_AUDIT_ANCHOR_FILE", DATA_DIR / "audit_anchors.jsonl")
).resolve()
AUDIT_ANCHOR_EVERY_S = float(os.environ.get("RELAIS_AUDIT_ANCHOR_EVERY_S", "3600"))
# The anchor checks what was written since the previous one; the whole chain this often.
AUDIT_WHOLE_VERIFY_EVERY_S = float(os.environ.get("RELAIS_AUDIT_WHOLE_VERIFY_EVERY_S", "86400"))
# Personal data (docs/privacy.md): a customer's chat token works this long after the chat
# ended (the survey and the last messages), and how often retention is applied.
CHAT_TOKEN_GRACE_S = float(os.environ.get("RELAIS_CHAT_TOKEN_GRACE_S", "1800"))
RETENTION_EVERY_S = float(os.environ.get("RELAIS_RETENTION_EVERY_S", "86400"))
SUPERVISION_POLL_S = float(os.environ.get("RELAIS_SUPERVISION_POLL_S", "0.25"))
#: The reports' interval statistics are updated this often (docs/supervision.md).
STATS_EVERY_S = float(os.environ.get("RELAIS_STATS_EVERY_S", "5"))

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
_PERSON_ATTRIBUTES = ("username", "first_name", "last_name", "email")
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": _PERSON_ATTRIBUTES},
    },
    {
        "NAME": "relais.apps.accounts.passwords.NameNotInPasswordValidator",
        "OPTIONS": {"user_attributes": _PERSON_ATTRIBUTES},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("RELAIS_PASSWORD_MIN_LENGTH", "12"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in (docs/security.md). The login form: django-axes locks a username on one address out
# after RELAIS_LOGIN_FAILURES failures, for RELAIS_LOGIN_COOLOFF_MIN minutes. The address is
# REMOTE_ADDR only (a client's X-Forwarded-For would let it pick a new address per try); behind
# a proxy, the proxy sets it (uvicorn --forwarded-allow-ips).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("RELAIS_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=float(os.environ.get("RELAIS_LOGIN_COOLOFF_MIN", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "relais.apps.accounts.views.locked_out"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
AXES_VERBOSE = False
#: The second factor (TOTP, django-otp): required for administrators, directors, partner managers
#: and superusers (accounts/permissions.py); the name authenticator apps show.
OTP_TOTP_ISSUER = os.environ.get("RELAIS_TOTP_ISSUER", "Relais")
#: The admin never shows a person's TOTP secret or QR code (only the person, at enrolment).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
#: A session unused this long ends; none lives longer than RELAIS_SESSION_HOURS (a shift).
IDLE_TIMEOUT_MIN = float(os.environ.get("RELAIS_IDLE_TIMEOUT_MIN", "30"))
SESSION_COOKIE_AGE = int(float(os.environ.get("RELAIS_SESSION_HOURS", "12")) * 3600)

# Single sign-on with OpenID Connect (mozilla-django-oidc), only when all of these are set. The
# identity provider's claim RELAIS_OIDC_CLAIM (default `email`) names an existing person by
# their RELAIS_OIDC_USER_FIELD (`email` or `username`); nobody is ever created by a sign-on.
OIDC_RP_CLIENT_ID = os.environ.get("RELAIS_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("RELAIS_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("RELAIS_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("RELAIS_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("RELAIS_OIDC_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("RELAIS_OIDC_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("RELAIS_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_CLAIM = os.environ.get("RELAIS_OIDC_CLAIM", "email")
OIDC_USER_FIELD = os.environ.get("RELAIS_OIDC_USER_FIELD", "email")
OIDC_CREATE_USER = False
OIDC_ENABLED = all(
    (
        OIDC_RP_CLIENT_ID,
        OIDC_RP_CLIENT_SECRET,
        OIDC_OP_AUTHORIZATION_ENDPOINT,
        OIDC_OP_TOKEN_ENDPOINT,
        OIDC_OP_USER_ENDPOINT,
        OIDC_OP_JWKS_ENDPOINT,
    )
)
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("relais.apps.accounts.oidc.ExistingPersonBackend")
    OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_authentication_callback"
    LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"

LANGUAGE_CODE = os.environ.get("RELAIS_LANGUAGE", "fr")
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
#: Dates, decimal separator and thousands per language: relais/formats/<lang>/formats.py
#: (French: 06/12/2026, 1 234,5 with U+202F). Thousands are grouped only where a template
#: asks (the filters of `{% load relais_format %}`, docs/i18n.md): with
#: USE_THOUSAND_SEPARATOR every integer would be grouped, ids in attributes and URLs too.
FORMAT_MODULE_PATH = ["relais.formats"]
USE_THOUSAND_SEPARATOR = False
TIME_ZONE = os.environ.get("RELAIS_TIME_ZONE", "Europe/Paris")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("RELAIS_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Over HTTPS (RELAIS_SECURE_COOKIES): plain HTTP is redirected to HTTPS and browsers are told
# to use only HTTPS (HSTS) for a year, subdomains included. Behind a TLS proxy, uvicorn takes
# the scheme from the proxy's X-Forwarded-Proto when the proxy is in FORWARDED_ALLOW_IPS
# (docs/security.md, "Headers").
SECURE_SSL_REDIRECT = env_bool("RELAIS_SSL_REDIRECT", default=SESSION_COOKIE_SECURE)
SECURE_HSTS_SECONDS = (
    int(os.environ.get("RELAIS_HSTS_SECONDS", "31536000")) if SESSION_COOKIE_SECURE else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("RELAIS_HSTS_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("RELAIS_HSTS_PRELOAD", default=True)
# Content-Security-Policy on every page (Django's own middleware; docs/security.md, "Headers"):
# scripts only from Relais's static files, never inline; styles also inline (`style=` with
# server-computed widths, the demo shop's <style>); WebSockets to this origin ('self'), and
# the softphone's SIP WebSocket added by the desktop page (desktop/softphone.py). A view that
# sets its own header (an e-mail attachment, the simulation report) keeps it.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "media-src": [CSP.SELF, "blob:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF, *([OIDC_OP_AUTHORIZATION_ENDPOINT] if OIDC_ENABLED else [])],
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000

# Logs (docs/operations.md, "Logs"): JSON one event a line with the request and contact ids
# (RELAIS_LOG_FORMAT=json), or lines for people (the default, `make demo`); the contact's trail
# (logger `relais.trail`) at INFO when JSON is on.
LOG_JSON = os.environ.get("RELAIS_LOG_FORMAT", "text").strip().lower() == "json"
LOGGING = logging_config(
    json_format=LOG_JSON,
    level=os.environ.get("RELAIS_LOG_LEVEL", "INFO"),
    trail_level=os.environ.get("RELAIS_LOG_TRAIL", "INFO" if LOG_JSON else "WARNING"),
)

# Operations (docs/operations.md): the health listener of the processes that serve no HTTP
# (`relais router`, `relais voice`, `relais db_worker`; empty port: none), the Kamailio address
# the voice service's health asks with SIP OPTIONS (default: RELAIS_VOICE_PROXY), and how long
# a job may wait before the job worker counts as stuck.
HEALTH_HOST = os.environ.get("RELAIS_HEALTH_HOST", "127.0.0.1")
HEALTH_PORT = int(os.environ.get("RELAIS_HEALTH_PORT", "0") or "0")
HEALTH_KAMAILIO = os.environ.get("RELAIS_HEALTH_KAMAILIO", "") or VOICE_PROXY
HEALTH_JOB_WAIT_S = float(os.environ.get("RELAIS_HEALTH_JOB_WAIT_S", "300"))
#: When set, `/metrics` answers only to `Authorization: Bearer <token>`.
METRICS_TOKEN = os.environ.get("RELAIS_METRICS_TOKEN", "").strip()
