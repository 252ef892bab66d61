"""Machine translation engines behind one small interface.

`translate_batch(texts, source, target) -> list[str]` in our language codes (markets.toml: nb, sv,
da, fi, de, nl, en). Each engine's own codes differ (SPECS Part B §2): Google calls Bokmål `no`,
MyMemory wants locale codes (`nb-NO`, and rejects plain `en`), deep-translator's DeepL and Libre
maps lack some of our languages. Unsupported pairs are refused before anything is sent.

Errors are sorted into what the caller can act on: TransientError (HTTP 429, timeouts, network,
5xx: back off and retry), TextRejected (this one text cannot be translated: skip it) and
FatalError (bad key, unsupported language: stop). Each carries the translations completed before
it, so nothing already paid for is lost.
"""

from __future__ import annotations

import importlib
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator, Mapping, Protocol

import requests


class BackendError(Exception):
    def __init__(self, message: str, completed: list[str] | None = None) -> None:
        super().__init__(message)
        self.completed = completed or []


class TransientError(BackendError):
    """Worth retrying after a pause: rate limit, timeout, connection or server trouble."""


class TextRejected(BackendError):
    """The engine cannot translate this text (too long, nothing found); the others may still go."""


class FatalError(BackendError):
    """Stop: a configuration problem no retry will fix."""


class UnsupportedLanguage(FatalError):
    pass


class Backend(Protocol):
    name: str
    max_chars: int | None  # longest text the engine accepts, or None

    def check_language(self, language: str) -> None:
        """Raise UnsupportedLanguage if the engine cannot handle `language` (no network)."""

    def preflight(self) -> None:
        """Raise FatalError if a run could not even start (e.g. no API key); no network."""

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]: ...


# ----------------------------------------------------------------------------- deterministic fake
@dataclass
class FakeBackend:
    """For tests and offline demos: `[de] text`, or scripted failures keyed by call number (0-based)."""

    name: str = "fake"
    max_chars: int | None = None
    failures: dict[int, BackendError] = field(default_factory=dict)
    transform: Callable[[str, str], str] = lambda text, target: f"[{target}] {text}"
    unsupported: frozenset[str] = frozenset()
    calls: list[tuple[str, str, str]] = field(default_factory=list)  # (source, target, text) per text sent

    def check_language(self, language: str) -> None:
        if language in self.unsupported:
            raise UnsupportedLanguage(f"{self.name} does not support {language!r}")

    def preflight(self) -> None:
        pass

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        done: list[str] = []
        for text in texts:
            number = len(self.calls)
            self.calls.append((source, target, text))
            if number in self.failures:
                error = self.failures.pop(number)
                error.completed = list(done)
                raise error
            done.append(self.transform(text, target))
        return done


# ----------------------------------------------------------------------------- deep-translator engines
@dataclass(frozen=True)
class Engine:
    name: str
    class_name: str  # in deep_translator
    aliases: Mapping[str, str]  # our code -> the engine's, where they differ or need a locale
    codes_constant: str | None  # deep_translator.constants map of the engine's codes; None: fetched online
    max_chars: int | None  # deep-translator refuses texts of this length or longer
    key_variable: str | None = None
    refusals: Mapping[str, str] = field(default_factory=dict)  # our code -> why it cannot be offered
    note: str = ""


ENGINES: dict[str, Engine] = {
    "google": Engine(
        "google", "GoogleTranslator", {"nb": "no"}, "GOOGLE_LANGUAGES_TO_CODES", 5000,
        note="scrapes translate.google.com (no key); Google may answer 429 or block the address",
    ),
    "mymemory": Engine(
        "mymemory", "MyMemoryTranslator",
        {"en": "en-GB", "nb": "nb-NO", "sv": "sv-SE", "da": "da-DK", "fi": "fi-FI", "de": "de-DE", "nl": "nl-NL"},
        "MY_MEMORY_LANGUAGES_TO_CODES", 500, note="free tier with a daily quota; texts under 500 characters",
    ),
    "microsoft": Engine(
        "microsoft", "MicrosoftTranslator",
        {code: code for code in ("en", "nb", "sv", "da", "fi", "de", "nl")}, None, None, "MICROSOFT_API_KEY",
        note="Azure Translator key in MICROSOFT_API_KEY (and --region); the language list is fetched online",
    ),
    "libre": Engine(
        "libre", "LibreTranslator", {}, "LIBRE_LANGUAGES_TO_CODES", None, "LIBRE_API_KEY",
        note="deep-translator's Libre map has 17 languages: of ours only de (and en)",
    ),
    "deepl": Engine(
        "deepl", "DeeplTranslator", {}, "DEEPL_LANGUAGE_TO_CODE", None, "DEEPL_API_KEY",
        refusals={"nb": "deep-translator's DeepL map has no Norwegian Bokmål (nb); use google, mymemory or microsoft for nb"},
        note="deep-translator 1.11.4 calls DeepL's legacy GET/auth_key API, which DeepL removed in Nov 2025 "
             "(deep-translator issues #299, #304): expect 403 until the wrapper is fixed",
    ),
}


def engine_code(engine: Engine, language: str) -> str:
    """Our language code in the engine's spelling, or UnsupportedLanguage naming the reason."""
    if language in engine.refusals:
        raise UnsupportedLanguage(f"{engine.name} cannot translate {language!r}: {engine.refusals[language]}")
    if language in engine.aliases:
        return engine.aliases[language]
    if engine.codes_constant is None:
        return language
    known = set(getattr(importlib.import_module("deep_translator.constants"), engine.codes_constant).values())
    if language in known:
        return language
    regional = sorted(code for code in known if code.split("-")[0] == language)
    if regional:  # MyMemory style: prefer de-DE over de-AT
        return next((code for code in regional if code == f"{language}-{language.upper()}"), regional[0])
    raise UnsupportedLanguage(
        f"{engine.name} cannot translate {language!r}: not in deep-translator's {engine.name} language list"
    )


class _TimeoutRequests:
    """deep-translator calls requests.get/post without a timeout, so a stalled server hangs forever.
    Swapped in for the engine module's `requests` while we call it; everything else passes through."""

    def __init__(self, timeout: float) -> None:
        self._timeout = timeout

    def get(self, *args, **kwargs):
        kwargs.setdefault("timeout", self._timeout)
        return requests.get(*args, **kwargs)

    def post(self, *args, **kwargs):
        kwargs.setdefault("timeout", self._timeout)
        return requests.post(*args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(requests, name)


_SERVER_TRANSIENT = {"ERR_TOO_MANY_REQUESTS", "ERR_INTERNAL_SERVER_ERROR", "ERR_SERVICE_NOT_AVAIBLE", "API server error"}


class DeepTranslatorBackend:
    """One deep-translator engine. One request per text (that is all deep-translator does anyway),
    with a pause between requests to stay polite to free services."""

    def __init__(
        self,
        engine: str,
        *,
        api_key: str | None = None,
        options: Mapping[str, object] | None = None,
        timeout: float = 20.0,
        pause: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if engine not in ENGINES:
            raise UnsupportedLanguage(f"unknown engine {engine!r} (known: {', '.join(ENGINES)})")
        self.engine = ENGINES[engine]
        self.name = engine
        self.max_chars = self.engine.max_chars
        self._api_key = api_key or (os.environ.get(self.engine.key_variable) if self.engine.key_variable else None)
        self._options = dict(options or {})
        self._timeout = timeout
        self._pause = pause
        self._sleep = sleep
        self._translators: dict[tuple[str, str], object] = {}
        self._sent = 0  # requests so far, for the pause between them

    def check_language(self, language: str) -> None:
        engine_code(self.engine, language)

    def preflight(self) -> None:
        """Offline checks before the first request: an engine that needs a key has one."""
        if self.engine.key_variable and not self._api_key:
            raise FatalError(f"{self.name} needs an API key: set {self.engine.key_variable}")

    @contextmanager
    def _calling(self, module) -> Iterator[None]:
        original = module.requests
        module.requests = _TimeoutRequests(self._timeout)
        try:
            yield
        finally:
            module.requests = original

    def _translator(self, source: str, target: str):
        pair = (engine_code(self.engine, source), engine_code(self.engine, target))
        if pair not in self._translators:
            package = importlib.import_module("deep_translator")
            cls = getattr(package, self.engine.class_name)
            kwargs = dict(self._options)
            if self.engine.key_variable:
                if not self._api_key:
                    raise FatalError(f"{self.name} needs an API key: set {self.engine.key_variable}")
                kwargs["api_key"] = self._api_key
            with self._calling(importlib.import_module(cls.__module__)):
                self._translators[pair] = self._call(lambda: cls(source=pair[0], target=pair[1], **kwargs))
        return self._translators[pair]

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        done: list[str] = []
        try:
            translator = self._translator(source, target)
            module = importlib.import_module(type(translator).__module__)
            for text in texts:
                if self._sent and self._pause:
                    self._sleep(self._pause)
                self._sent += 1
                with self._calling(module):
                    result = self._call(lambda: translator.translate(text))
                if not isinstance(result, str) or not result.strip():
                    raise TextRejected(f"{self.name} returned no translation for {text[:60]!r}")
                done.append(result)
        except BackendError as error:
            error.completed = done
            raise
        return done

    def _call(self, function):
        """Run one engine call, turning deep-translator's and requests' exceptions into ours."""
        from deep_translator import exceptions as dt

        try:
            return function()
        except dt.TooManyRequests:
            raise TransientError(f"{self.name}: too many requests (HTTP 429)") from None
        except requests.exceptions.Timeout:
            raise TransientError(f"{self.name}: no answer within {self._timeout:g} s") from None
        except requests.exceptions.RequestException as exc:
            raise TransientError(f"{self.name}: network error ({type(exc).__name__})") from None
        except dt.RequestError:
            raise TransientError(f"{self.name}: the request failed (non-2xx answer)") from None
        except dt.ServerException as exc:
            message = str(exc.args[0]) if exc.args else str(exc)
            if message in _SERVER_TRANSIENT:
                raise TransientError(f"{self.name}: server error {message}") from None
            raise FatalError(f"{self.name}: server refused the request ({message})") from None
        except (dt.AuthorizationException, dt.ApiKeyException) as exc:
            raise FatalError(f"{self.name}: not authorised ({str(exc).strip()}). {self.engine.note}") from None
        except (dt.LanguageNotSupportedException, dt.InvalidSourceOrTargetLanguage) as exc:
            raise UnsupportedLanguage(f"{self.name}: {exc}") from None
        except (dt.NotValidLength, dt.NotValidPayload, dt.TranslationNotFound) as exc:
            raise TextRejected(f"{self.name}: {exc}") from None
        except dt.MicrosoftAPIerror as exc:
            raise FatalError(f"{self.name}: {exc}") from None
        except AttributeError:
            if self.name == "microsoft":
                # deep-translator's Microsoft wrapper logs a RequestException and then calls .json() on None.
                raise TransientError(f"{self.name}: network error") from None
            raise TransientError(f"{self.name}: unreadable answer (not the JSON or page the engine sends)") from None
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            # A 200 answer that is not the engine's (a captive portal, a proxy error page, truncated
            # JSON) makes the wrappers fail while parsing it; worth a retry, never a traceback.
            raise TransientError(f"{self.name}: unreadable answer ({type(exc).__name__})") from None


def make_backend(name: str, **kwargs) -> Backend:
    return DeepTranslatorBackend(name, **kwargs)
