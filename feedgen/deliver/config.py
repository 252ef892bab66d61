"""DATA/delivery.toml: where each channel's published files go, read strictly.

Every problem is an InputError naming the file, the line and the key (exit 2), found before anything
is sent: an unknown key is a typo that would otherwise silently send to the wrong place or skip a
safety check. Secrets are never in this file, only the names of the environment variables holding
them; the values are read by `resolve_secrets` and wrapped in `Secret`, whose repr hides them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import SplitResult, unquote, urlsplit

from feedgen.config.schema import (
    REQUIRED, Field, Kind, Place, Table, any_value, boolean, checked, in_table, list_of, seconds, text, top,
)
from feedgen.errors import InputError
from feedgen.config.tomlfile import TomlFile, read_toml

DELIVERY = "delivery.toml"
SCHEMES = ("sftp", "s3", "file", "sp-api")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_TEMPLATE_FIELD = re.compile(r"\{([^{}]*)\}")
TEMPLATE_FIELDS = ("path", "name", "stem", "suffix", "market", "MARKET", "channel", "part")

COMMON = {"name", "channel", "url", "markets", "remote_name", "max_drop", "timeout"}
# Optional read-back after an upload, as tables on sftp/s3/file destinations (feedgen.deliver.hooks):
# which channel each serves, its keys, the required ones, and the table mapping remote names to remote ids.
HOOKS: dict[str, dict[str, Any]] = {
    "meta": {"channel": "meta", "keys": {"token_env", "file_url", "product_feeds", "graph_url", "max_wait",
                                          "api_version"},
             "required": ("token_env", "file_url", "product_feeds"), "ids": "product_feeds"},
    "google": {"channel": "google", "keys": {"credentials_env", "account_id", "data_sources", "endpoint", "max_wait"},
               "required": ("credentials_env", "account_id", "data_sources"), "ids": "data_sources"},
}
BY_SCHEME: dict[str, set[str]] = {
    "sftp": {"password_env", "identity_file", "passphrase_env", "known_hosts", "check_host_key", *HOOKS},
    "s3": {"endpoint_url", "region", "access_key_id_env", "secret_access_key_env", "session_token_env", *HOOKS},
    "file": {*HOOKS},
    "sp-api": {"endpoint", "token_url", "refresh_token_env", "client_id_env", "client_secret_env", "max_wait"},
}
SECRET_KEYS = ("password_env", "passphrase_env", "access_key_id_env", "secret_access_key_env", "session_token_env",
               "refresh_token_env", "client_id_env", "client_secret_env")
# Variables without which the scheme cannot log in at all (S3 may use the standard AWS variables instead).
REQUIRED_SECRETS = {"sp-api": ("refresh_token_env", "client_id_env", "client_secret_env")}


class Secret:
    """A credential read from the environment. Its str and repr name only the variable, so a secret
    that slips into an f-string, a log call or an exception shows as `$GMC_SFTP_PASSWORD`."""

    __slots__ = ("_value", "env")

    def __init__(self, env: str, value: str) -> None:
        self.env = env
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"${self.env}"

    __str__ = __repr__


@dataclass(frozen=True)
class Destination:
    """One [[destination]] table. `line` is where it starts in delivery.toml, for messages."""

    name: str
    channel: str
    scheme: str
    url: str
    parts: SplitResult
    options: dict[str, Any]
    path: Path  # delivery.toml, for messages and relative paths
    index: int
    markets: tuple[str, ...] | None = None
    remote_name: str = "{path}"
    max_drop: float = 20.0
    timeout: float = 30.0
    secrets: dict[str, Secret] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return self.parts.hostname or ""

    @property
    def display_url(self) -> str:
        """The URL as configured; config refuses URLs with a password, so this is safe to print."""
        return self.url

    def secret(self, key: str) -> str | None:
        found = self.secrets.get(key)
        return found.reveal() if found is not None else None

    def relative(self, value: str) -> Path:
        """A path option (known_hosts, identity_file) relative to the delivery file's folder."""
        path = Path(value).expanduser()
        return path if path.is_absolute() else self.path.parent / path

    def fail(self, key: str | None, message: str) -> InputError:
        """An InputError at this destination's line for `key` in delivery.toml (read again: problems
        found after parsing, such as a missing variable or a remote name a file renders badly)."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except OSError:
            lines = []
        return _fail(TomlFile(path=self.path, data={}, lines=lines), self.index, key, message)

    def with_secrets(self, secrets: dict[str, Secret]) -> Destination:
        return Destination(**{**self.__dict__, "secrets": secrets})


def load_destinations(path: Path) -> list[Destination]:
    """Parse delivery.toml; the first problem is an InputError with file, line and key."""
    if not path.exists() and not path.is_symlink():  # a first `feedgen deliver`: say what the file is for
        raise InputError(path, "file not found: it lists the destinations, one [[destination]] table each "
                         "(name, channel, url); see README \"Delivering\"")
    toml = read_toml(path, "a delivery file")
    tables = FILE.read(toml.data, top(toml))["destination"]
    if not isinstance(tables, list) or not tables:
        raise toml.fail("no [[destination]] table: nothing to deliver to")
    destinations: list[Destination] = []
    seen: dict[str, int] = {}
    for index, table in enumerate(tables):
        destination = _destination(toml, index, table)
        if destination.name in seen:
            raise _fail(toml, index, "name", f"{destination.name!r} is already the name of destination "
                        f"{seen[destination.name] + 1}: names must be unique (receipts and --to use them)")
        seen[destination.name] = index
        destinations.append(destination)
    return destinations


FILE = Table((Field("destination", any_value, None),), unknown="unknown key {key!r} (allowed: [[destination]] tables)",
             unknown_sorted=True)


def _place(toml: TomlFile, index: int) -> Place:
    """The nth [[destination]]: messages `destination[N].key: …` at the key's line."""
    return in_table(toml, f"destination[{index + 1}]", "[[destination]]", index)


def _fail(toml: TomlFile, index: int, key: str | None, message: str) -> InputError:
    return _place(toml, index).fail(message, key)


_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_string = checked(any_value, (lambda v: isinstance(v, str), "must be a string"))
_env = checked(_string, (lambda v: bool(_ENV_NAME.match(v)), lambda v: f"{v!r} is not an environment variable name "
                         "(the file names the variable; the secret itself lives only in the environment)"))
_http = checked(_string, (lambda v: urlsplit(v).scheme in ("http", "https"), lambda v: f"{v!r} is not an http(s) URL"))


def _remote_name(value: Any, place: Place, key: str) -> str:
    value = _string(value, place, key)
    check_template(value, lambda message: place.fail(message, key))
    return value


# The keys of a destination table and how each is read; which of them a destination may have depends on
# its URL's scheme (COMMON | BY_SCHEME), the read-back tables on its channel (_hook).
KINDS: dict[str, Kind] = {
    "name": _string, "channel": _string, "url": _string, "remote_name": _remote_name,
    "markets": list_of(lambda m: isinstance(m, str) and bool(m.strip()), "must be a non-empty list of market ids"),
    "max_drop": seconds(0, 100), "timeout": seconds(1, 3600), "max_wait": seconds(0, 86400),
    "check_host_key": boolean(), "endpoint": _http, "token_url": _http, "endpoint_url": _http,
    **{key: _env for key in SECRET_KEYS},
}
DEFAULTS = {"remote_name": "{path}", "max_drop": 20.0, "timeout": 30.0, "markets": None}


def _sftp_login(values: dict[str, Any], place: Place) -> None:
    if values.get("known_hosts") is None and values.get("check_host_key") in (None, True):
        raise place.fail("an sftp destination needs known_hosts = \"FILE\" (the server's host key; "
                         "`ssh-keyscan -p PORT HOST`), or check_host_key = false to opt out explicitly")
    if values.get("password_env") is None and values.get("identity_file") is None:
        raise place.fail("an sftp destination needs password_env or identity_file")


def _required_secrets(scheme: str) -> Callable[[dict[str, Any], Place], None]:
    def check(values: dict[str, Any], place: Place) -> None:
        for key in REQUIRED_SECRETS.get(scheme, ()):
            if values.get(key) is None:
                raise place.fail(f"a {scheme}:// destination needs {key}")
    return check


def _options(scheme: str, channel: str) -> Table:
    """All keys a destination with this scheme may have (name, channel and url were read by _head)."""
    keys = sorted(COMMON | BY_SCHEME[scheme])
    fields = tuple(Field(key, _hook(key, channel) if key in HOOKS else KINDS.get(key, _string), DEFAULTS.get(key))
                   for key in keys)
    return Table(fields, unknown=f"unknown key {{key!r}} for a {scheme}:// destination (allowed: {{allowed}})",
                 checks=((_sftp_login,) if scheme == "sftp" else ()) + (_required_secrets(scheme),))


def _destination(toml: TomlFile, index: int, table: Any) -> Destination:
    place = _place(toml, index)
    head = HEAD.read(table, place)
    parts: SplitResult = head["url"]
    values = _options(parts.scheme, head["channel"]).read(table, place)
    return Destination(
        name=head["name"], channel=head["channel"], scheme=parts.scheme, url=table["url"], parts=parts,
        options={k: v for k, v in table.items() if k not in COMMON}, path=toml.path, index=index,
        markets=tuple(m.strip().upper() for m in values["markets"]) if values["markets"] else None,
        remote_name=values["remote_name"], max_drop=values["max_drop"], timeout=values["timeout"],
    )


def _hook(hook: str, channel: str) -> Kind:
    """[destination.meta] / [destination.google]: strict like the rest; ids are digits (Graph and
    Merchant API ids), and the remote names they map must be names this destination sends."""
    spec = HOOKS[hook]
    schema = Table(tuple(Field(key, _HOOK_KINDS.get(key, _hook_text),
                               REQUIRED if key in spec["required"] else None)
                         for key in (*spec["required"], *sorted(spec["keys"] - set(spec["required"])))),
                   unknown="unknown key (allowed: {allowed})", missing_sorted=False)

    def read(value: Any, place: Place, key: str) -> Any:
        if not isinstance(value, dict):
            raise place.fail("must be a table", key)
        if channel != spec["channel"]:
            raise place.fail(f"a {hook} read-back needs channel = \"{spec['channel']}\"", key)
        # every message at the table's own key, worded `destination[N].meta: meta.file_url: …`
        inner = Place(place.toml, f"{place.where}.{hook}: {hook}", lambda _: place.line(key))
        return schema.read(value, inner)
    return read


_hook_text = text()


def _hook_env(value: Any, place: Place, key: str) -> str:
    value = text()(value, place, key)
    if not _ENV_NAME.match(value):
        raise place.fail("not an environment variable name")
    return value


def _ids(value: Any, place: Place, key: str) -> dict:
    if not isinstance(value, dict) or not value or not all(
            isinstance(v, str) and re.fullmatch(r"[0-9]{1,30}", v) for v in value.values()):
        raise place.fail('must map remote file names to numeric ids, e.g. { "main.csv" = "1234567890" }', key)
    return value


def _file_url(value: Any, place: Place, key: str) -> str:
    value = text()(value, place, key)
    unknown = [f for f in _TEMPLATE_FIELD.findall(value) if f not in (*TEMPLATE_FIELDS, "remote")]
    if unknown:
        raise place.fail(f"unknown field {{{unknown[0]}}} (use {{remote}})", key)
    if urlsplit(value).scheme != "https" and not value.startswith("http://127.0.0.1"):
        raise place.fail("Meta fetches https:// URLs", key)
    return value


_HOOK_KINDS: dict[str, Kind] = {
    "token_env": _hook_env, "credentials_env": _hook_env, "product_feeds": _ids, "data_sources": _ids,
    "file_url": _file_url, "graph_url": checked(text(), (lambda v: urlsplit(v).scheme in ("http", "https"),
                                                         lambda v: f"{v!r} is not an http(s) URL")),
    "max_wait": checked(any_value, (lambda v: not isinstance(v, bool) and isinstance(v, (int, float)) and 0 <= v <= 3600,
                                    "must be seconds from 0 to 3600")),
}
_HOOK_KINDS["endpoint"] = _HOOK_KINDS["graph_url"]


def hook_secrets(options: dict[str, Any]) -> list[tuple[str, str]]:
    """(key, variable) of the secrets the read-back tables name, e.g. ("meta.token_env", "META_TOKEN")."""
    found = []
    for hook in HOOKS:
        for key in ("token_env", "credentials_env"):
            if key in options.get(hook, {}):
                found.append((f"{hook}.{key}", options[hook][key]))
    return found


# What a destination URL must be, in the order checked: (schemes it applies to or None for all, test, problem).
_URL_RULES: tuple[tuple[tuple[str, ...] | None, Callable[[SplitResult], bool], str], ...] = (
    (None, lambda p: p.scheme in SCHEMES, "the scheme must be one of " + ", ".join(s + "://" for s in SCHEMES)),
    (None, lambda p: p.password is None, ""),
    (None, lambda p: not (p.query or p.fragment), "a ?query or #fragment means nothing here"),
    (None, lambda p: ".." not in PurePosixPath(unquote(p.path)).parts, "'..' in the path"),
    (("sftp",), lambda p: bool(p.hostname and p.username), "an sftp URL names user and host: sftp://USER@HOST:PORT/PATH"),
    (("s3",), lambda p: bool(p.hostname), "no bucket"),
    (("sp-api",), lambda p: bool(p.hostname), "no host"),
    (("sp-api",), lambda p: p.path in ("", "/"), "an sp-api URL is only the endpoint host"),
    (("file",), lambda p: p.netloc in ("", "localhost") and p.path.startswith("/"),
     "a file URL is file:///ABSOLUTE/FOLDER"),
    (None, lambda p: p.port is None or 0 < p.port < 65536, "bad port"),
)


def _url(value: Any, place: Place, key: str) -> SplitResult:
    url = text()(value, place, key)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - parsing the port is what raises for a bad one
    except ValueError as error:
        raise place.fail(f"{url!r} is not a URL ({error})", key) from None
    for schemes, ok, problem in _URL_RULES:
        if (schemes is None or parts.scheme in schemes) and not ok(parts):
            if not problem:  # a password: said without the URL, which holds it
                raise place.fail("holds a password: name an environment variable in password_env instead "
                                 "(delivery.toml is committed; secrets live only in the environment)", key)
            raise place.fail(f"{url!r}: {problem}", key)
    return parts


# name, channel and url: the URL's scheme decides which other keys the destination may have.
HEAD = Table(
    (Field("name", checked(text(), (_NAME.match, lambda v: f"{v!r}: use letters, digits, '.', '_' and '-' "
                                    "(it names a receipt file)"))),
     Field("channel", checked(text(), (re.compile(r"^[a-z][a-z0-9_-]*$").match,
                                       lambda v: f"{v!r} is not a channel name"))),
     Field("url", _url)),
    closed=False,
)


def check_template(template: str, fail) -> None:
    """A remote name template may use only the known {fields}; the result is checked again per file."""
    for match in _TEMPLATE_FIELD.finditer(template):
        if match[1] not in TEMPLATE_FIELDS:
            raise fail(f"unknown field {{{match[1]}}} (known: {', '.join('{' + f + '}' for f in TEMPLATE_FIELDS)})")
    leftover = _TEMPLATE_FIELD.sub("", template)
    if "{" in leftover or "}" in leftover:
        raise fail(f"{template!r}: unbalanced braces")
    if template.startswith("/") or "\\" in template:
        raise fail(f"{template!r}: a remote name is relative to the destination and has no backslash")


def render_template(template: str, values: Mapping[str, str]) -> str:
    """Fill the {fields}. Plain substitution, not str.format: no attribute access from a template."""
    return _TEMPLATE_FIELD.sub(lambda match: values[match[1]], template)


def safe_remote_name(name: str) -> str | None:
    """Why `name` could escape its destination (or confuse a server), or None if it is safe."""
    if not name or name.startswith("/") or "\\" in name:
        return "absolute, empty or with a backslash"
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "has an empty, '.' or '..' part"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "has a control character"
    if any(part.startswith(".") for part in parts):
        return "a part starts with '.' (hidden and temporary names are feedgen's own)"
    return None


def resolve_secrets(destination: Destination, environ: Mapping[str, str]) -> Destination:
    """Read the variables the destination names; a missing or empty one is an InputError at its line,
    raised before anything is sent to any destination."""
    secrets: dict[str, Secret] = {}
    named = [(key, destination.options[key]) for key in SECRET_KEYS if key in destination.options]
    for key, env in named + hook_secrets(destination.options):
        value = environ.get(env, "")
        if not value:
            raise destination.fail(key.split(".")[0], f"the environment variable {env} is not set or empty")
        secrets[key] = Secret(env, value)
    check_files(destination)
    return destination.with_secrets(secrets)


def check_files(destination: Destination) -> None:
    """Local files the destination names (known_hosts, identity_file): missing is a configuration
    error, not a retry. Needs no secret, so --dry-run checks it too."""
    for key in ("identity_file", "known_hosts"):
        if key in destination.options and (key != "known_hosts" or destination.options.get("check_host_key", True)):
            if not destination.relative(destination.options[key]).is_file():
                raise destination.fail(key, f"{destination.relative(destination.options[key])}: no such file")


def missing_variables(destination: Destination, environ: Mapping[str, str]) -> list[str]:
    """The environment variables a real run would need and `environ` lacks (for --dry-run's plan)."""
    named = [env for key, env in [(k, destination.options[k]) for k in SECRET_KEYS if k in destination.options]
             + hook_secrets(destination.options)]
    return [env for env in named if not environ.get(env)]


def needs_secrets(destination: Destination) -> bool:
    return any(key in destination.options for key in SECRET_KEYS) or bool(hook_secrets(destination.options))


def secret_values(destinations: list[Destination]) -> list[str]:
    """Every secret value in play, longest first, for scrubbing text that came from a library."""
    values = {s.reveal() for d in destinations for s in d.secrets.values() if len(s.reveal()) >= 4}
    return sorted(values, key=len, reverse=True)
