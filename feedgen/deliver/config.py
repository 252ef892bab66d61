"""DATA/delivery.toml: where each channel's published files go, read strictly.

Every problem is an InputError naming the file, the line and the key (exit 2), found before anything
is sent: an unknown key is a typo that would otherwise silently send to the wrong place or skip a
safety check. Secrets are never in this file, only the names of the environment variables holding
them; the values are read by `resolve_secrets` and wrapped in `Secret`, whose repr hides them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Mapping
from urllib.parse import SplitResult, unquote, urlsplit

from feedgen.errors import InputError
from feedgen.tomlfile import TomlFile, read_toml

DELIVERY = "delivery.toml"
SCHEMES = ("sftp", "s3", "file", "sp-api")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_TEMPLATE_FIELD = re.compile(r"\{([^{}]*)\}")
TEMPLATE_FIELDS = ("path", "name", "stem", "suffix", "market", "MARKET", "channel")

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

    __slots__ = ("env", "_value")

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

    def with_secrets(self, secrets: dict[str, Secret]) -> "Destination":
        return Destination(**{**self.__dict__, "secrets": secrets})


def load_destinations(path: Path) -> list[Destination]:
    """Parse delivery.toml; the first problem is an InputError with file, line and key."""
    if not path.exists() and not path.is_symlink():  # a first `feedgen deliver`: say what the file is for
        raise InputError(path, "file not found: it lists the destinations, one [[destination]] table each "
                         "(name, channel, url); see README \"Delivering\"")
    toml = read_toml(path, "a delivery file")
    unknown = sorted(set(toml.data) - {"destination"})
    if unknown:
        raise toml.fail(f"unknown key {unknown[0]!r} (allowed: [[destination]] tables)", key=unknown[0])
    tables = toml.data.get("destination")
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


def _fail(toml: TomlFile, index: int, key: str | None, message: str) -> InputError:
    where = f"destination[{index + 1}]" + (f".{key}" if key else "")
    return toml.fail(f"{where}: {message}", header="[[destination]]", nth=index, key=key)


def _text(toml: TomlFile, index: int, table: dict, key: str) -> str:
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        raise _fail(toml, index, key, "must be a non-empty string")
    return value


def _number(toml: TomlFile, index: int, table: dict, key: str, low: float, high: float, default: float) -> float:
    if key not in table:
        return default
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise _fail(toml, index, key, f"must be a number from {low:g} to {high:g}, got {value!r}")
    return float(value)


def _destination(toml: TomlFile, index: int, table: Any) -> Destination:
    if not isinstance(table, dict):
        raise _fail(toml, index, None, "must be a table")
    for key in ("name", "channel", "url"):
        if key not in table:
            raise _fail(toml, index, None, f"missing required key {key!r}")
    name = _text(toml, index, table, "name")
    if not _NAME.match(name):
        raise _fail(toml, index, "name", f"{name!r}: use letters, digits, '.', '_' and '-' (it names a receipt file)")
    channel = _text(toml, index, table, "channel")
    if not re.match(r"^[a-z][a-z0-9_-]*$", channel):
        raise _fail(toml, index, "channel", f"{channel!r} is not a channel name")
    url = _text(toml, index, table, "url")
    parts = _url(toml, index, url)
    allowed = COMMON | BY_SCHEME[parts.scheme]
    for key in table:
        if key not in allowed:
            raise _fail(toml, index, key, f"unknown key {key!r} for a {parts.scheme}:// destination "
                        f"(allowed: {', '.join(sorted(allowed))})")
    for key, value in table.items():
        if key not in ("markets", "max_drop", "timeout", "max_wait", "check_host_key", *HOOKS) \
                and not isinstance(value, str):
            raise _fail(toml, index, key, "must be a string")
    for key in SECRET_KEYS:
        if key in table and not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", table[key]):
            raise _fail(toml, index, key, f"{table[key]!r} is not an environment variable name "
                        "(the file names the variable; the secret itself lives only in the environment)")
    markets = None
    if "markets" in table:
        value = table["markets"]
        if not isinstance(value, list) or not value or not all(isinstance(m, str) and m.strip() for m in value):
            raise _fail(toml, index, "markets", "must be a non-empty list of market ids")
        markets = tuple(m.strip().upper() for m in value)
    remote_name = table.get("remote_name", "{path}")
    check_template(remote_name, lambda message: _fail(toml, index, "remote_name", message))
    if parts.scheme == "sftp":
        if "check_host_key" in table and not isinstance(table["check_host_key"], bool):
            raise _fail(toml, index, "check_host_key", "must be true or false")
        if "known_hosts" not in table and table.get("check_host_key", True):
            raise _fail(toml, index, None, "an sftp destination needs known_hosts = \"FILE\" (the server's host key; "
                        "`ssh-keyscan -p PORT HOST`), or check_host_key = false to opt out explicitly")
        if "password_env" not in table and "identity_file" not in table:
            raise _fail(toml, index, None, "an sftp destination needs password_env or identity_file")
    for key in REQUIRED_SECRETS.get(parts.scheme, ()):
        if key not in table:
            raise _fail(toml, index, None, f"a {parts.scheme}:// destination needs {key}")
    for key in ("endpoint", "token_url", "endpoint_url"):
        if key in table and urlsplit(table[key]).scheme not in ("http", "https"):
            raise _fail(toml, index, key, f"{table[key]!r} is not an http(s) URL")
    for hook in HOOKS:
        if hook in table:
            _hook(toml, index, table, hook, parts.scheme)
    if "max_wait" in table:
        _number(toml, index, table, "max_wait", 0, 86400, 0)
    options = {k: v for k, v in table.items() if k not in COMMON}
    return Destination(
        name=name, channel=channel, scheme=parts.scheme, url=url, parts=parts, options=options, path=toml.path,
        index=index, markets=markets, remote_name=remote_name,
        max_drop=_number(toml, index, table, "max_drop", 0, 100, 20.0),
        timeout=_number(toml, index, table, "timeout", 1, 3600, 30.0),
    )


def _hook(toml: TomlFile, index: int, table: dict, hook: str, scheme: str) -> None:
    """[destination.meta] / [destination.google]: strict like the rest; ids are digits (Graph and
    Merchant API ids), and the remote names they map must be names this destination sends."""
    spec, value = HOOKS[hook], table[hook]
    where = hook
    if not isinstance(value, dict):
        raise _fail(toml, index, hook, "must be a table")
    if table["channel"] != spec["channel"]:
        raise _fail(toml, index, hook, f"a {hook} read-back needs channel = \"{spec['channel']}\"")
    for key in value:
        if key not in spec["keys"]:
            raise _fail(toml, index, hook, f"{where}.{key}: unknown key (allowed: {', '.join(sorted(spec['keys']))})")
    for key in spec["required"]:
        if key not in value:
            raise _fail(toml, index, hook, f"{where}: missing required key {key!r}")
    for key, item in value.items():
        if key == "max_wait":
            if isinstance(item, bool) or not isinstance(item, (int, float)) or not 0 <= item <= 3600:
                raise _fail(toml, index, hook, f"{where}.max_wait: must be seconds from 0 to 3600")
        elif key == spec["ids"]:
            if not isinstance(item, dict) or not item or not all(
                    isinstance(v, str) and re.fullmatch(r"[0-9]{1,30}", v) for v in item.values()):
                raise _fail(toml, index, hook, f"{where}.{key}: must map remote file names to numeric ids, "
                            'e.g. { "main.csv" = "1234567890" }')
        elif not isinstance(item, str) or not item.strip():
            raise _fail(toml, index, hook, f"{where}.{key}: must be a non-empty string")
    if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", value.get("token_env", value.get("credentials_env", "X"))):
        raise _fail(toml, index, hook, f"{where}: not an environment variable name")
    for key in ("graph_url", "endpoint"):
        if key in value and urlsplit(value[key]).scheme not in ("http", "https"):
            raise _fail(toml, index, hook, f"{where}.{key}: {value[key]!r} is not an http(s) URL")
    if "file_url" in value:
        unknown = [f for f in _TEMPLATE_FIELD.findall(value["file_url"]) if f not in (*TEMPLATE_FIELDS, "remote")]
        if unknown:
            raise _fail(toml, index, hook, f"{where}.file_url: unknown field {{{unknown[0]}}} (use {{remote}})")
        if urlsplit(value["file_url"]).scheme != "https" and not value["file_url"].startswith("http://127.0.0.1"):
            raise _fail(toml, index, hook, f"{where}.file_url: Meta fetches https:// URLs")


def hook_secrets(options: dict[str, Any]) -> list[tuple[str, str]]:
    """(key, variable) of the secrets the read-back tables name, e.g. ("meta.token_env", "META_TOKEN")."""
    found = []
    for hook in HOOKS:
        for key in ("token_env", "credentials_env"):
            if key in options.get(hook, {}):
                found.append((f"{hook}.{key}", options[hook][key]))
    return found


def _url(toml: TomlFile, index: int, url: str) -> SplitResult:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise _fail(toml, index, "url", f"{url!r} is not a URL ({error})") from None
    if parts.scheme not in SCHEMES:
        raise _fail(toml, index, "url", f"{url!r}: the scheme must be one of {', '.join(s + '://' for s in SCHEMES)}")
    if parts.password is not None:
        raise _fail(toml, index, "url", "holds a password: name an environment variable in password_env instead "
                    "(delivery.toml is committed; secrets live only in the environment)")
    if parts.query or parts.fragment:
        raise _fail(toml, index, "url", f"{url!r}: a ?query or #fragment means nothing here")
    if ".." in PurePosixPath(unquote(parts.path)).parts:
        raise _fail(toml, index, "url", f"{url!r}: '..' in the path")
    if parts.scheme == "sftp" and (not parts.hostname or not parts.username):
        raise _fail(toml, index, "url", f"{url!r}: an sftp URL names user and host: sftp://USER@HOST:PORT/PATH")
    if parts.scheme in ("s3", "sp-api") and not parts.hostname:
        raise _fail(toml, index, "url", f"{url!r}: no {'bucket' if parts.scheme == 's3' else 'host'}")
    if parts.scheme == "sp-api" and parts.path not in ("", "/"):
        raise _fail(toml, index, "url", f"{url!r}: an sp-api URL is only the endpoint host")
    if parts.scheme == "file" and (parts.netloc not in ("", "localhost") or not parts.path.startswith("/")):
        raise _fail(toml, index, "url", f"{url!r}: a file URL is file:///ABSOLUTE/FOLDER")
    if port is not None and not 0 < port < 65536:
        raise _fail(toml, index, "url", f"{url!r}: bad port")
    return parts


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
