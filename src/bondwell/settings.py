"""Django settings, read from the environment: the only module that reads it.

Local use needs nothing: an embedded SQLite database under var/, mail and texts written to files under var/.
Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, BONDWELL_BASE_URL, DATABASE_URL, EMAIL_URL and SMS_URL
(see docs/deployment.md and the README's table). A missing or malformed value stops start-up with a message
naming the variable.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_noop  # menu labels: marked here, translated when shown

# Lets generic Django classes (ModelForm[User], QuerySet[Mother]) be subscripted at run time for mypy.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("BONDWELL_VAR_DIR", Path.cwd() / "var"))
# Licensed questionnaire wording installed by `bondwell instruments install-text` (docs/instruments.md).
BONDWELL_TEXT_DIR = Path(os.environ.get("BONDWELL_TEXT_DIR") or Path.cwd() / "var" / "text-packs")


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _env_bool(name: str, default: bool) -> bool:
    """1/true/yes/on or 0/false/no/off (any case); anything else stops start-up naming the variable."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    word = value.strip().lower()
    if word not in _TRUE | _FALSE:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a yes/no value: use 1, true, yes, on, 0, false, no or off."
        )
    return word in _TRUE


def _env_number(name: str, default: float, *, minimum: float = 0) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name}={value!r} must be at least {minimum:g}.")
    return number


DEBUG = _env_bool("DEBUG", False)  # production unless asked: `make run` and the tests set DEBUG=1



def _local_secret_key() -> str:
    """With DEBUG on and no SECRET_KEY: a random key made once under var/ (never a key committed to the code)."""
    path = VAR_DIR / "local-secret-key"
    for _ in range(50):
        try:
            key = path.read_text().strip()
        except FileNotFoundError:
            VAR_DIR.mkdir(parents=True, exist_ok=True)
            try:
                handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue  # another process is writing it
            key = secrets.token_urlsafe(50)
            with os.fdopen(handle, "w") as stream:
                stream.write(key)
            return key
        if key:
            return key
        time.sleep(0.01)
    raise RuntimeError(f"{path}: empty; delete it and start again.")


SECRET_KEY = os.environ.get("SECRET_KEY", "") or (_local_secret_key() if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off, as it is by default (production). For local use "
                       "set DEBUG=1, as `make run` does; see docs/deployment.md.")

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "bondwell.web",
    "bondwell.accounts",
    "bondwell.notify",
    "bondwell.evidence",
    "bondwell.programme",
    "bondwell.screening",
    "bondwell.studies",
    "bondwell.progress",
    "bondwell.pathway",
    "bondwell.workspace",
    "ninja",
    "bondwell.api",
]

MIDDLEWARE = [
    # First, so every audit event written while the request is served records its client address and browser.
    "bondwell.accounts.request_context.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "bondwell.web.sessions.IdleTimeoutMiddleware",
    # Dates and times on the signed-in person's site clock (read at sign-in, kept in the session).
    "bondwell.web.site_clock.SiteTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bondwell.urls"
WSGI_APPLICATION = "bondwell.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bondwell.web.navigation.navigation",
                "bondwell.notify.health.banner",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'bondwell.sqlite3'}"),
        conn_max_age=int(_env_number("DB_CONN_MAX_AGE", 60)),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Django's backend, with the write transactions of a server process queued on one lock instead of polling
    # SQLite's busy handler (bondwell.sqlite_backend, issue 18).
    DATABASES["default"]["ENGINE"] = "bondwell.sqlite_backend"
    # WAL and a busy timeout let the web server and the worker share the embedded database safely.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests run on an in-memory database, as Django's SQLite does by default; said outright because pytest-django
    # recognises only Django's own engine name as SQLite and would otherwise name a file per xdist worker.
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
    # Kept open like PostgreSQL's (DB_CONN_MAX_AGE): one connection per server thread, no open transaction between
    # requests, so no lock is held; reopening it (and its pragmas and functions) cost every request ~0.5 ms.

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock-out after repeated failed logins, per account and address, for one hour.
AXES_FAILURE_LIMIT = int(_env_number("AXES_FAILURE_LIMIT", 5, minimum=1))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"

# Health data: sessions end after an hour without activity (renewed at most every 5 minutes, so page views
# do not each write to the database) and when the browser closes.
SESSION_COOKIE_AGE = int(_env_number("SESSION_COOKIE_AGE", 60 * 60, minimum=60))
SESSION_RENEW_SECONDS = 5 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en-au"
TIME_ZONE = os.environ.get("TIME_ZONE", "Australia/Sydney")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG


def _email_settings(url: str) -> dict[str, object]:
    """Translate EMAIL_URL (file://PATH, console://, smtp://user:pass@host:port, smtp+tls://…, smtp+ssl://…)."""
    parsed = urlparse(url)
    scheme = parsed.scheme
    if scheme in {"console", ""}:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": unquote(parsed.netloc + parsed.path) or str(VAR_DIR / "mail"),
        }
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme not in {"smtp", "smtp+tls", "smtp+ssl"}:
        raise RuntimeError(f"EMAIL_URL: unsupported scheme {scheme!r} (use console, smtp, smtp+tls or smtp+ssl)")
    query = parse_qs(parsed.query)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or (465 if scheme == "smtp+ssl" else 587 if scheme == "smtp+tls" else 25),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_TLS": scheme == "smtp+tls",
        "EMAIL_USE_SSL": scheme == "smtp+ssl",
        "EMAIL_TIMEOUT": int(query.get("timeout", ["10"])[0]),
    }


# Locally, mail lands in files under var/mail/ so the worker's messages do not bury the demo logins.
_email = _email_settings(os.environ.get("EMAIL_URL", f"file://{VAR_DIR / 'mail'}" if DEBUG else "console://"))
EMAIL_BACKEND = str(_email["EMAIL_BACKEND"])
EMAIL_HOST = str(_email.get("EMAIL_HOST", "localhost"))
EMAIL_PORT = int(str(_email.get("EMAIL_PORT", 25)))
EMAIL_HOST_USER = str(_email.get("EMAIL_HOST_USER", ""))
EMAIL_HOST_PASSWORD = str(_email.get("EMAIL_HOST_PASSWORD", ""))
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS", False))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL", False))
EMAIL_TIMEOUT = int(str(_email.get("EMAIL_TIMEOUT", 10)))
if "EMAIL_FILE_PATH" in _email:
    EMAIL_FILE_PATH = str(_email["EMAIL_FILE_PATH"])
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Bondwell <no-reply@bondwell.invalid>")


def _base_url() -> str:
    """Where links in messages point. Required with DEBUG off; locally the address `bondwell serve` listens on."""
    value = os.environ.get("BONDWELL_BASE_URL", "").strip()
    if not value:
        if not DEBUG:
            raise ImproperlyConfigured(
                "BONDWELL_BASE_URL must be set when DEBUG is off: the public address (https://…) that links in "
                "alerts, reminders and password emails point to (see docs/deployment.md)."
            )
        value = os.environ.get("BONDWELL_SERVE_ADDRESS", "").strip() or "http://127.0.0.1:8000"
    parsed = urlparse(value)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise ImproperlyConfigured(f"BONDWELL_BASE_URL={value!r} is not an http(s) address such as https://care.example.org.")
    return value.rstrip("/")


BONDWELL_BASE_URL = _base_url()


def _sms_settings(url: str) -> dict[str, object]:
    """Translate SMS_URL: twilio://SID:TOKEN@api.twilio.com?from=+614…, file:///path, console://, locmem://."""
    if not url:
        return {}
    parsed = urlparse(url)
    scheme = parsed.scheme
    query = {key: values[0] for key, values in parse_qs(parsed.query).items()}
    if scheme in {"console", "locmem"}:
        return {"kind": scheme}
    if scheme == "file":
        return {"kind": "file", "path": unquote(parsed.netloc + parsed.path) or str(VAR_DIR / "sms")}
    if scheme not in {"twilio", "twilio+http"}:
        raise ImproperlyConfigured(f"SMS_URL: unsupported scheme {scheme!r} (use twilio, file, console or locmem).")
    if not parsed.username or not parsed.password or not parsed.hostname:
        raise ImproperlyConfigured("SMS_URL: give the account and token, e.g. twilio://SID:TOKEN@api.twilio.com?from=…")
    if not query.get("from"):
        raise ImproperlyConfigured("SMS_URL: add ?from= with the sending number or sender name.")
    http = "http" if scheme == "twilio+http" else "https"
    port = f":{parsed.port}" if parsed.port else ""
    try:
        timeout = float(query.get("timeout", "10"))
    except ValueError:
        raise ImproperlyConfigured(f"SMS_URL: timeout={query['timeout']!r} is not a number of seconds.") from None
    idempotent = query.get("idempotent", "1").lower()
    if idempotent not in _TRUE | _FALSE:
        raise ImproperlyConfigured(f"SMS_URL: idempotent={idempotent!r} is not a yes/no value.")
    return {
        "kind": "twilio", "endpoint": f"{http}://{parsed.hostname}{port}", "account": unquote(parsed.username),
        "token": unquote(parsed.password), "sender": query["from"], "timeout": timeout,
        "idempotent": idempotent in _TRUE,
    }


# Locally, texts land in files under var/sms/ beside the mail.
SMS_BACKEND = _sms_settings(os.environ.get("SMS_URL", f"file://{VAR_DIR / 'sms'}" if DEBUG else "").strip())

# A worker silent for longer than this makes /healthz answer 503 and shows staff a banner.
BONDWELL_WORKER_STALE_SECONDS = int(_env_number("BONDWELL_WORKER_STALE_SECONDS", 120, minimum=10))
# /metrics answers only requests bearing this token (Authorization: Bearer …); unset, it answers 404.
BONDWELL_METRICS_TOKEN = os.environ.get("BONDWELL_METRICS_TOKEN", "").strip()
# Told when a site has set no fallback contact of its own (an email address, e.g. a regional on-call team).
BONDWELL_FALLBACK_CONTACT_EMAIL = os.environ.get("BONDWELL_FALLBACK_CONTACT_EMAIL", "").strip()
if BONDWELL_FALLBACK_CONTACT_EMAIL:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    try:
        validate_email(BONDWELL_FALLBACK_CONTACT_EMAIL)
    except ValidationError:
        raise ImproperlyConfigured(
            f"BONDWELL_FALLBACK_CONTACT_EMAIL={BONDWELL_FALLBACK_CONTACT_EMAIL!r} is not an email address."
        ) from None
# Called as hook(message, event, now) when a message is sent or given up ("sent", "failed").
BONDWELL_NOTIFY_HOOKS: list[str] = ["bondwell.screening.alerts.on_message_event"]
# What an acknowledgement link does, per topic prefix: handler(topic, request) -> url.
BONDWELL_ACK_HANDLERS: dict[str, str] = {"alert": "bondwell.screening.alerts.acknowledge_from_link"}
# Extra lines for /metrics: f(now) -> list[str].
BONDWELL_METRICS_HOOKS: list[str] = ["bondwell.screening.alerts.metrics"]
# Extra checks for /healthz, the banner and `bondwell status`: f(now, site_id) -> list[Problem].
BONDWELL_HEALTH_HOOKS: list[str] = ["bondwell.screening.alerts.health_problems"]

# Navigation per role: (roles, label, url name). Capabilities append their own entries.
BONDWELL_NAV: list[tuple[frozenset[str], str, str]] = [
    (frozenset({"mother", "educator", "clinician", "site_lead", "researcher", "admin"}), gettext_noop("Home"), "home"),
    (frozenset({"mother"}), gettext_noop("My details"), "my-record"),
    (frozenset({"educator", "clinician", "site_lead"}), gettext_noop("Mothers"), "mother-list"),
    (frozenset({"mother"}), gettext_noop("Questionnaires"), "screening-my"),
    (frozenset({"clinician", "site_lead"}), gettext_noop("Alerts"), "screening-queue"),
    (frozenset({"clinician", "site_lead"}), gettext_noop("Follow-ups"), "pathway-worklist"),
    (frozenset({"site_lead", "admin"}), gettext_noop("Staff"), "staff-list"),
    (frozenset({"site_lead"}), gettext_noop("On-call rota"), "notify-rota"),
    (frozenset({"clinician", "site_lead"}), gettext_noop("My alert contact"), "notify-contact"),
    (frozenset({"mother"}), gettext_noop("Practice"), "programme-practice"),
    (frozenset({"mother", "educator", "clinician", "site_lead"}), gettext_noop("Classes"), "programme-courses"),
    (frozenset({"mother"}), gettext_noop("My progress"), "progress-mine"),
    (frozenset({"site_lead"}), gettext_noop("Programme dashboard"), "progress-dashboard"),
    (frozenset({"educator"}), gettext_noop("Observe a class"), "programme-observe"),
    (frozenset({"clinician", "site_lead", "researcher", "statistician"}), gettext_noop("Studies"), "study-list"),
    (frozenset({"clinician", "site_lead", "researcher", "admin"}), gettext_noop("Evidence"), "evidence"),
]

# Home-page panels: dotted paths to functions `panel(request) -> Panel | None`.
BONDWELL_HOME_PANELS: list[str] = [
    "bondwell.accounts.panels.people",
    "bondwell.screening.panels.panel",
    "bondwell.pathway.panels.panel",
    "bondwell.programme.panels.programme",
    "bondwell.studies.panels.studies",
    "bondwell.notify.panels.undelivered",
]

# Which mothers an educator may see: the programme capability provides this (mothers in her classes).
BONDWELL_EDUCATOR_SCOPE = "bondwell.programme.access.mothers_taught_by"

# Background jobs run by `bondwell worker`: dotted paths to functions `run(now) -> int` (items handled).
# The outbox's delivery runs last, so what the other jobs queue goes out in the same tick.
BONDWELL_WORKER_JOBS: list[str] = [
    "bondwell.screening.jobs.escalate",
    "bondwell.pathway.jobs.escalate",
    "bondwell.screening.jobs.remind",
    "bondwell.programme.reminders.run",
    "bondwell.studies.jobs.run",
    "bondwell.notify.jobs.deliver",
]
BONDWELL_WORKER_INTERVAL_SECONDS = _env_number("BONDWELL_WORKER_INTERVAL_SECONDS", 5, minimum=0.1)

# Demo loaders run in order by `bondwell demo`: dotted paths to functions `load(context) -> None`.
BONDWELL_DEMO_LOADERS: list[str] = [
    "bondwell.demo.accounts.load",
    "bondwell.notify.demo.load",  # mobiles, on-call rota, fallback phone (after the accounts)
    "bondwell.screening.demo.load",
    "bondwell.programme.demo.load",
    "bondwell.progress.demo.load",  # after screening and programme: adds a year of follow-up
    "bondwell.studies.demo.load",
    "bondwell.workspace.demo.load",  # educators' concerns (after the programme's bookings)
]

if not DEBUG:
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(_env_number("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"bondwell": {"level": os.environ.get("BONDWELL_LOG_LEVEL", "INFO")}},
}

# ---- Security (issue 20): staff second factor -------------------------------------------------------------
# Every staff role signs in with a second factor (TOTP, a passkey or a recovery code) before any page; mothers
# may opt in. A remembered device skips the second step on that browser for BONDWELL_MFA_REMEMBER_DAYS.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "bondwell.mfa"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("bondwell.web.sessions.IdleTimeoutMiddleware") + 1,
    "bondwell.mfa.middleware.SecondFactorMiddleware",
)
BONDWELL_MFA_REMEMBER_DAYS = int(os.environ.get("BONDWELL_MFA_REMEMBER_DAYS", "30"))
OTP_TOTP_ISSUER = "Bondwell"
BONDWELL_NAV.append(
    (frozenset({"mother", "educator", "clinician", "site_lead", "researcher", "admin"}),
     gettext_noop("Sign-in security"), "mfa-security")
)
# Backups (`bondwell backup` / `restore`): a 32-byte base64 key from `bondwell backup-key`, kept apart from them.
BONDWELL_BACKUP_KEY = os.environ.get("BONDWELL_BACKUP_KEY", "")
BONDWELL_DEMO_LOADERS.append("bondwell.mfa.demo.load")  # after every loader that makes people

# ---- Data rights (issue 20): download, erasure on request, retention per record type (bondwell.rights.policy) --
INSTALLED_APPS += ["bondwell.rights"]
BONDWELL_NAV.append((frozenset({"mother"}), gettext_noop("Your data"), "rights-mine"))
BONDWELL_NAV.append((frozenset({"site_lead"}), gettext_noop("Erasure requests"), "rights-requests"))
BONDWELL_WORKER_JOBS.append("bondwell.rights.jobs.run")

# ---- Security (issue 20): headers, the client's address behind a trusted proxy, lock-out, reset limits -------
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "bondwell.security.headers.SecurityHeadersMiddleware",
)
SECURE_REFERRER_POLICY = "same-origin"
# Proxies whose forwarded-for header is believed (e.g. "127.0.0.1" for nginx on the same machine); none: REMOTE_ADDR.
BONDWELL_TRUSTED_PROXIES = [
    str(__import__("ipaddress").ip_address(p.strip()))
    for p in os.environ.get("BONDWELL_TRUSTED_PROXIES", "").split(",") if p.strip()
]
BONDWELL_CLIENT_IP_META = "HTTP_" + os.environ.get("BONDWELL_CLIENT_IP_HEADER", "X-Forwarded-For").upper().replace(
    "-", "_"
)
MIDDLEWARE.insert(MIDDLEWARE.index("bondwell.security.headers.SecurityHeadersMiddleware") + 1,
                  "bondwell.security.nul.RefuseNulMiddleware")  # PostgreSQL text cannot hold NUL
AXES_CLIENT_IP_CALLABLE = "bondwell.security.client_ip.client_address"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # attempts during the lock do not restart the hour
BONDWELL_RESET_LIMIT_PER_EMAIL = 3  # password-reset requests acted on per address per hour
BONDWELL_RESET_LIMIT_PER_CLIENT = 20  # … and per client address per hour
BONDWELL_RESET_MIN_SECONDS = 0.5  # every reset request takes at least this long, known email or not

# ---- Performance and scale (issue 18; docs/scaling.md) ------------------------------------------------------
# The dashboard's per-booking summaries are brought up to date every cycle (bondwell.progress.summary); after
# the outbox's delivery, so no alert waits for it.
BONDWELL_WORKER_JOBS.append("bondwell.progress.summary.run")
BONDWELL_WORKER_JOBS.append("bondwell.progress.baseline.run")  # each mother's first EPDS (the site's baseline SD)
# Several web processes or hosts share one cache and one session store (the web tier keeps no state of its own):
# BONDWELL_CACHE_URL = redis://HOST:6379/0 (Redis), db:// (the database's bondwell_cache table, made by
# `bondwell manage createcachetable`) or locmem:// (one process only: the default, for a single server).
# BONDWELL_SESSION_STORE = db (default: the database), cache (the shared cache, e.g. Redis) or cached_db.
_cache_url = os.environ.get("BONDWELL_CACHE_URL", "locmem://").strip() or "locmem://"
if _cache_url.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}}
elif _cache_url == "db://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "bondwell_cache"}}
elif _cache_url == "locmem://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(
        f"BONDWELL_CACHE_URL={_cache_url!r}: use redis://HOST:PORT/DB, rediss://…, db:// or locmem://."
    )
_session_stores = {"db": "db", "cache": "cache", "cached_db": "cached_db"}
_session_store = os.environ.get("BONDWELL_SESSION_STORE", "db").strip() or "db"
if _session_store not in _session_stores:
    raise ImproperlyConfigured(f"BONDWELL_SESSION_STORE={_session_store!r}: use db, cache or cached_db.")
if _session_store == "cache" and _cache_url == "locmem://":
    raise ImproperlyConfigured("BONDWELL_SESSION_STORE=cache needs a shared BONDWELL_CACHE_URL (redis:// or db://).")
SESSION_ENGINE = f"django.contrib.sessions.backends.{_session_stores[_session_store]}"
# Read-heavy reporting (dashboard figures, study analyses) on a PostgreSQL read replica when DATABASE_REPLICA_URL
# is set (bondwell.db_routers); tests mirror it onto the default database.
if os.environ.get("DATABASE_REPLICA_URL", "").strip():
    DATABASES["replica"] = {
        **dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"].strip(),
                                conn_max_age=int(_env_number("DB_CONN_MAX_AGE", 60)), conn_health_checks=True),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["bondwell.db_routers.ReportingReplicaRouter"]
# PostgreSQL's JIT compiles any query whose estimated cost passes jit_above_cost: for the site's baseline SD (one
# correlated lookup per mother) it spent 0.9 s compiling a query that runs in 0.13 s (issue 18, EXPLAIN ANALYZE in
# docs/performance.md). Short OLTP queries never win it back: off for Bondwell's connections, unless the URL's
# own `options` say otherwise.
for _database in DATABASES.values():
    if _database["ENGINE"].endswith("postgresql"):
        _database.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

# ---- Languages (issue 15, the mother's pages) -------------------------------------------------------------------
# Every string a mother sees is marked for translation; a language is offered here once its catalogue (and, for
# questionnaires, a validated text pack) is installed, so no mother gets English text in a layout set for another
# language. The tests add Arabic to check right-to-left pages, and a pseudo-locale to prove no string was missed.
LANGUAGES = [("en-au", "English")]
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
                  "django.middleware.locale.LocaleMiddleware")
