"""Who is asking: a bearer token becomes a `Principal` with a role (credgraph.api.roles).

Two kinds of token, both checked with well-kept libraries:

* API keys, `cgk_<id>.<secret>`, issued by `credgraph keys add` into the keys file. The
  file keeps only the SHA-256 of each secret: a secret is 256 random bits, so a fast hash
  is as safe as a slow one and costs nothing per request. Edits to the file (a revoked
  key) are seen at the next request.
* JWTs of the department's OpenID Connect provider: RS256 or ES256 only, signature checked
  against the provider's JWKS, issuer, audience and expiry required (PyJWT). The role and
  an enterprise caller's USCC come from claims named in the settings.

No token is the public role. With neither a keys file nor an issuer configured, a server
on loopback only treats everyone as the local admin (a desktop database is its owner's);
`access_for` refuses any other address unless `insecure` is given.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import os
import secrets
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import jwt
import orjson

from credgraph.exc import AuthenticationError, ConfigurationError
from credgraph.graph.ids import enterprise_key
from credgraph.settings import Settings

KEY_PREFIX = "cgk_"
JWT_ALGORITHMS = ("RS256", "ES256")
"""Asymmetric only: `none` and HMAC (a public key misused as a secret) are refused."""
CLOCK_SKEW_SECONDS = 30

PUBLIC, ENTERPRISE, REGULATOR, ADMIN = "public", "enterprise", "regulator", "admin"
"""The role names auth hands out itself; the role table (roles.yaml) defines what they mean."""


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller of one request."""

    role: str
    subject: str
    """Who, as the audit log names them: a key's owner, a JWT's `sub`, `anonymous`, `local`."""
    method: str
    """key, oidc, anonymous or local."""
    key_id: str | None = None
    """What rate limits count per caller (key id or issuer subject); None: per address."""
    uscc: str | None = None
    """An enterprise caller's own USCC."""

    @property
    def owner(self) -> str:
        """Whose watchlists and alerts these are (credgraph.watch.userdata): a key's owner or
        a token's subject, told apart by how they signed in."""
        return f"{self.method}:{self.subject}"


ANONYMOUS = Principal(PUBLIC, "anonymous", "anonymous")
LOCAL_ADMIN = Principal(ADMIN, "local", "local")


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def own_uscc(value: str | None) -> str | None:
    """An enterprise caller's USCC, checked (ConfigurationError when it is not one)."""
    if value is None:
        return None
    try:
        return enterprise_key(value)
    except ValueError as e:
        raise ConfigurationError(f"{value!r} is not an enterprise's USCC: {e}") from e


@dataclass(frozen=True, slots=True)
class ApiKey:
    """One issued key as the keys file keeps it: never the secret itself."""

    id: str
    hash: str
    role: str
    owner: str
    created: str
    expires: str | None = None
    revoked: str | None = None
    uscc: str | None = None

    def state(self, now: datetime.datetime) -> str:
        if self.revoked:
            return "revoked"
        if self.expires and datetime.datetime.fromisoformat(self.expires) <= now:
            return "expired"
        return "active"


class KeyStore:
    """The keys file: JSON, written whole and atomically, readable by its owner only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._seen: tuple[int, int] | None = None
        self._keys: dict[str, ApiKey] = {}

    def keys(self) -> dict[str, ApiKey]:
        """The keys by id, read again whenever the file changed since the last call."""
        with self._lock:
            try:
                stat = self.path.stat()
            except FileNotFoundError:
                self._seen, self._keys = None, {}
                return self._keys
            seen = (stat.st_mtime_ns, stat.st_size)
            if seen != self._seen:
                try:
                    rows = orjson.loads(self.path.read_bytes()).get("keys", [])
                    self._keys = {row["id"]: ApiKey(**row) for row in rows}
                except (orjson.JSONDecodeError, TypeError, KeyError, AttributeError) as e:
                    raise ConfigurationError(f"{self.path}: not a credgraph keys file: {e}") \
                        from e
                self._seen = seen
            return self._keys

    def _write(self, keys: Sequence[ApiKey]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + ".tmp")
        body = orjson.dumps({"version": 1, "keys": [asdict(k) for k in keys]},
                            option=orjson.OPT_INDENT_2)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(body)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.path)

    def add(self, role: str, owner: str, uscc: str | None = None,
            expires: datetime.datetime | None = None) -> tuple[ApiKey, str]:
        """Issue a key; the token is returned once and never stored."""
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        key = ApiKey(id=key_id, hash=_hash(secret), role=role, owner=owner,
                     created=_now().isoformat(timespec="seconds"),
                     expires=expires.isoformat(timespec="seconds") if expires else None,
                     uscc=own_uscc(uscc))
        self._write([*self.keys().values(), key])
        return key, f"{KEY_PREFIX}{key_id}.{secret}"

    def revoke(self, key_id: str) -> ApiKey:
        keys = self.keys()
        if key_id not in keys:
            raise ConfigurationError(f"no key {key_id} in {self.path}")
        revoked = replace(keys[key_id], revoked=_now().isoformat(timespec="seconds"))
        self._write([revoked if k.id == key_id else k for k in keys.values()])
        return revoked

    def verify(self, token: str) -> Principal:
        key_id, _, secret = token.removeprefix(KEY_PREFIX).partition(".")
        key = self.keys().get(key_id)
        # Compare even for an unknown id, so timing does not tell ids apart.
        stored = key.hash if key is not None else _hash("")
        if not hmac.compare_digest(stored, _hash(secret)) or key is None:
            raise AuthenticationError("the API key is not valid")
        state = key.state(_now())
        if state != "active":
            raise AuthenticationError(f"the API key is {state}")
        return Principal(key.role, key.owner, "key", key_id=f"key:{key.id}", uscc=key.uscc)


class OidcVerifier:
    """JWTs of one OpenID Connect provider, checked against its published keys."""

    def __init__(self, issuer: str, audience: str, jwks_url: str, role_claim: str,
                 uscc_claim: str) -> None:
        self.issuer, self.audience = issuer, audience
        self.role_claim, self.uscc_claim = role_claim, uscc_claim
        self.jwks = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300, timeout=5)

    def verify(self, token: str) -> Principal:
        try:
            signing_key = self.jwks.get_signing_key_from_jwt(token)
            claims: dict[str, Any] = jwt.decode(
                token, signing_key.key, algorithms=list(JWT_ALGORITHMS),
                audience=self.audience, issuer=self.issuer, leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iss", "aud", "sub"]})
        except jwt.PyJWKClientError as e:
            raise AuthenticationError(f"the token's signing key is not known: {e}") from e
        except jwt.InvalidTokenError as e:
            raise AuthenticationError(f"the token is not valid: {e}") from e
        role = claims.get(self.role_claim)
        if not isinstance(role, str):
            raise AuthenticationError(f"the token has no {self.role_claim} claim")
        uscc = claims.get(self.uscc_claim)
        try:
            checked = own_uscc(uscc) if isinstance(uscc, str) else None
        except ConfigurationError as e:
            raise AuthenticationError(f"the token's {self.uscc_claim} claim: {e}") from e
        subject = str(claims["sub"])
        return Principal(role, subject, "oidc", key_id=f"oidc:{subject}", uscc=checked)


class Authenticator:
    """Turns an Authorization header into a Principal, or raises AuthenticationError."""

    def __init__(self, keys: KeyStore | None, oidc: OidcVerifier | None,
                 roles: frozenset[str], local_admin: bool = False) -> None:
        self.keys, self.oidc, self.roles = keys, oidc, roles
        self.local_admin = local_admin

    @property
    def configured(self) -> bool:
        return self.keys is not None or self.oidc is not None

    def needs_thread(self, authorization: str | None) -> bool:
        """A JWT may make the verifier fetch the provider's keys: not on the event loop."""
        return self.oidc is not None and bool(authorization) and KEY_PREFIX not in (
            authorization or "")

    def authenticate(self, authorization: str | None) -> Principal:
        if not authorization:
            return LOCAL_ADMIN if self.local_admin else ANONYMOUS
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise AuthenticationError("use 'Authorization: Bearer <token>'")
        if token.startswith(KEY_PREFIX) and self.keys is not None:
            principal = self.keys.verify(token)
        elif self.oidc is not None and token.count(".") == 2:
            principal = self.oidc.verify(token)
        elif not self.configured:
            raise AuthenticationError("this server does not use sign-in: send no token")
        else:
            raise AuthenticationError("the token is neither an API key nor a JWT accepted here")
        if principal.role not in self.roles:
            raise AuthenticationError(f"the token's role {principal.role!r} is not known here")
        return principal


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def access_for(settings: Settings, roles: frozenset[str], host: str = "127.0.0.1",
               insecure: bool = False) -> Authenticator:
    """The server's authenticator; ConfigurationError when it must not start like this."""
    keys = KeyStore(settings.keys_file) if settings.keys_file is not None else None
    oidc = None
    if settings.oidc_issuer is not None:
        if not settings.oidc_audience or not settings.oidc_jwks_url:
            raise ConfigurationError(
                "CREDGRAPH_OIDC_ISSUER needs CREDGRAPH_OIDC_AUDIENCE and CREDGRAPH_OIDC_JWKS_URL")
        oidc = OidcVerifier(settings.oidc_issuer, settings.oidc_audience,
                            settings.oidc_jwks_url, settings.oidc_role_claim,
                            settings.oidc_uscc_claim)
    if keys is not None or oidc is not None:
        return Authenticator(keys, oidc, roles)
    if not is_loopback(host) and not insecure:
        raise ConfigurationError(
            f"no sign-in is configured (CREDGRAPH_KEYS_FILE or CREDGRAPH_OIDC_ISSUER) and {host} "
            "is not a loopback address: anyone reaching it would be admin. Configure sign-in, "
            "listen on 127.0.0.1, or pass --insecure")
    return Authenticator(None, None, roles, local_admin=True)
