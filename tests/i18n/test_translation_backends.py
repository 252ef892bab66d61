"""The real deep-translator adapter with its HTTP layer stubbed (no network): codes, answers, failures."""

from __future__ import annotations

import pytest
import requests

from feedgen.i18n.backends import (
    ENGINES,
    DeepTranslatorBackend,
    FatalError,
    TextRejected,
    TransientError,
    UnsupportedLanguage,
    engine_code,
)


class FakeResponse:
    def __init__(self, status_code=200, text="", payload=None):
        self.status_code = status_code
        self.text = text
        self._payload = payload

    def json(self):
        return self._payload

    def close(self):
        pass


class Http:
    """Stands in for requests.get/post: records calls, answers from a script."""

    def __init__(self, monkeypatch, answers):
        self.calls = []
        self.answers = list(answers)
        monkeypatch.setattr(requests, "get", self.get)
        monkeypatch.setattr(requests, "post", self.post)

    def _answer(self, method, url, kwargs):
        recorded = dict(kwargs)
        if isinstance(kwargs.get("params"), dict):
            recorded["params"] = dict(kwargs["params"])  # deep-translator reuses and mutates one dict
        self.calls.append((method, url, recorded))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def get(self, url, **kwargs):
        return self._answer("GET", url, kwargs)

    def post(self, url, **kwargs):
        return self._answer("POST", url, kwargs)


def google_page(text):
    return FakeResponse(200, f'<html><body><div class="result-container">{text}</div></body></html>')


# ----------------------------------------------------------------------------- language codes (SPECS Part B §2)
@pytest.mark.parametrize(("engine", "language", "code"), [
    ("google", "nb", "no"), ("google", "de", "de"), ("google", "en", "en"),
    ("mymemory", "nb", "nb-NO"), ("mymemory", "en", "en-GB"), ("mymemory", "sv", "sv-SE"), ("mymemory", "de", "de-DE"),
    ("deepl", "fi", "fi"), ("libre", "de", "de"), ("microsoft", "nb", "nb"),
])
def test_engine_codes(engine, language, code):
    assert engine_code(ENGINES[engine], language) == code


@pytest.mark.parametrize(("engine", "language", "reason"), [
    ("deepl", "nb", "no Norwegian Bokmål"),
    ("libre", "sv", "not in deep-translator's libre language list"),
    ("libre", "nb", "not in deep-translator's libre language list"),
    ("google", "xx", "not in deep-translator's google language list"),
])
def test_unsupported_languages_are_refused_before_any_call(engine, language, reason, monkeypatch):
    http = Http(monkeypatch, [])
    with pytest.raises(UnsupportedLanguage, match=reason):
        DeepTranslatorBackend(engine).check_language(language)
    assert http.calls == []


# ----------------------------------------------------------------------------- answers
def test_google_translates_with_the_engine_code_and_a_timeout(monkeypatch):
    http = Http(monkeypatch, [google_page("Svart"), google_page("Vanntett støvel")])
    backend = DeepTranslatorBackend("google", timeout=7)
    assert backend.translate_batch(["Black", "Waterproof boot"], "en", "nb") == ["Svart", "Vanntett støvel"]
    method, url, kwargs = http.calls[0]
    assert method == "GET" and url == "https://translate.google.com/m"
    assert kwargs["params"]["tl"] == "no" and kwargs["params"]["sl"] == "en" and kwargs["params"]["q"] == "Black"
    assert kwargs["timeout"] == 7  # deep-translator itself sends none


def test_mymemory_uses_locale_codes(monkeypatch):
    http = Http(monkeypatch, [FakeResponse(200, payload={"responseData": {"translatedText": "Svart"}, "matches": []})])
    assert DeepTranslatorBackend("mymemory").translate_batch(["Black"], "en", "nb") == ["Svart"]
    assert http.calls[0][2]["params"]["langpair"] == "en-GB|nb-NO"


def test_libre_posts_with_the_key(monkeypatch):
    http = Http(monkeypatch, [FakeResponse(200, payload={"translatedText": "Schwarz"})])
    backend = DeepTranslatorBackend("libre", api_key="dummy", options={"custom_url": "https://libre.example/"})
    assert backend.translate_batch(["Black"], "en", "de") == ["Schwarz"]
    method, url, kwargs = http.calls[0]
    assert method == "POST" and url == "https://libre.example/translate" and kwargs["params"]["api_key"] == "dummy"


def test_microsoft_fetches_its_language_list_then_translates(monkeypatch):
    languages = {"translation": {"nb": {"name": "Norwegian"}, "en": {"name": "English"}}}
    http = Http(monkeypatch, [
        FakeResponse(200, payload=languages),
        FakeResponse(200, payload=[{"translations": [{"text": "Svart", "to": "nb"}]}]),
    ])
    backend = DeepTranslatorBackend("microsoft", api_key="key", options={"region": "westeurope"})
    assert backend.translate_batch(["Black"], "en", "nb") == ["Svart"]
    assert [call[0] for call in http.calls] == ["GET", "POST"]
    assert http.calls[1][2]["params"] == {"from": "en", "to": "nb"} and http.calls[1][2]["timeout"] == 20


# ----------------------------------------------------------------------------- failures
def test_http_429_is_transient_and_keeps_what_was_done(monkeypatch):
    Http(monkeypatch, [google_page("Svart"), FakeResponse(429)])
    with pytest.raises(TransientError, match="429") as caught:
        DeepTranslatorBackend("google").translate_batch(["Black", "White", "Red"], "en", "de")
    assert caught.value.completed == ["Svart"]


@pytest.mark.parametrize("error", [requests.exceptions.ReadTimeout("slow"), requests.exceptions.ConnectionError("down")])
def test_timeouts_and_connection_errors_are_transient(monkeypatch, error):
    Http(monkeypatch, [error])
    with pytest.raises(TransientError):
        DeepTranslatorBackend("google").translate_batch(["Black"], "en", "de")


def test_server_error_is_transient(monkeypatch):
    Http(monkeypatch, [FakeResponse(503)])
    with pytest.raises(TransientError):
        DeepTranslatorBackend("google").translate_batch(["Black"], "en", "sv")


def test_microsoft_network_error_is_transient_although_the_wrapper_swallows_it(monkeypatch):
    languages = {"translation": {"nb": {"name": "Norwegian"}, "en": {"name": "English"}}}
    Http(monkeypatch, [FakeResponse(200, payload=languages), requests.exceptions.ConnectTimeout("slow")])
    with pytest.raises(TransientError):
        DeepTranslatorBackend("microsoft", api_key="key").translate_batch(["Black"], "en", "nb")


def test_too_long_text_is_rejected_without_a_request(monkeypatch):
    http = Http(monkeypatch, [])
    with pytest.raises(TextRejected):
        DeepTranslatorBackend("google").translate_batch(["x" * 5000], "en", "de")
    assert http.calls == []


def test_deepl_403_is_fatal_and_explains_the_broken_wrapper(monkeypatch):
    Http(monkeypatch, [FakeResponse(403)])
    with pytest.raises(FatalError, match="#299"):
        DeepTranslatorBackend("deepl", api_key="key").translate_batch(["Black"], "en", "de")


def test_missing_api_key_is_caught_offline(monkeypatch):
    monkeypatch.delenv("MICROSOFT_API_KEY", raising=False)
    http = Http(monkeypatch, [])
    with pytest.raises(FatalError, match="MICROSOFT_API_KEY"):
        DeepTranslatorBackend("microsoft").preflight()
    assert http.calls == []


def test_the_requests_shim_is_removed_after_each_call(monkeypatch):
    import deep_translator.google as google_module

    Http(monkeypatch, [google_page("Svart")])
    DeepTranslatorBackend("google").translate_batch(["Black"], "en", "nb")
    assert google_module.requests is requests


def test_requests_are_spaced_by_the_pause(monkeypatch):
    Http(monkeypatch, [google_page("Svart"), google_page("Hvit"), google_page("Rød")])
    pauses = []
    backend = DeepTranslatorBackend("google", pause=0.5, sleep=pauses.append)
    backend.translate_batch(["Black", "White"], "en", "nb")
    backend.translate_batch(["Red"], "en", "nb")
    assert pauses == [0.5, 0.5]
