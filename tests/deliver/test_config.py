"""delivery.toml is read strictly: every problem is one line naming file, line and key, exit 2,
found before anything is sent."""

from __future__ import annotations

import pytest

from .conftest import deliver, write_destinations as _write_destinations


def write_destinations(project, text):
    """delivery.toml, with the known_hosts file GOOD names (an empty one: nothing connects here)."""
    (project / "product_data" / "known_hosts").write_text("")
    return _write_destinations(project, text)

GOOD = '''[[destination]]
name = "gmc"
channel = "google"
url = "sftp://feeds-user@127.0.0.1:19321/"
password_env = "GMC_SFTP_PASSWORD"
known_hosts = "known_hosts"
'''


@pytest.mark.parametrize("text, line, words", [
    (GOOD + 'pasword_env = "X"\n', 7, "unknown key 'pasword_env'"),
    (GOOD.replace("sftp://feeds-user@", "ftp://feeds-user@"), 4, "the scheme must be one of"),
    (GOOD.replace("feeds-user@", "feeds-user:hunter2@"), 4, "holds a password"),
    (GOOD.replace('known_hosts = "known_hosts"\n', ""), 1, "needs known_hosts"),
    (GOOD + 'remote_name = "{market}/{sku}.xml"\n', 7, "unknown field {sku}"),
    (GOOD + 'remote_name = "../{name}"\n', 7, None),
    (GOOD + GOOD, 8, "names must be unique"),
    (GOOD + "max_drop = 120\n", 7, "from 0 to 100"),
    (GOOD + 'markets = "NO"\n', 7, "non-empty list"),
    ('[[destination]]\nname = "a"\nchannel = "amazon"\nurl = "sp-api://sellingpartnerapi-eu.amazon.com"\n',
     1, "needs refresh_token_env"),
    ('[[destination]]\nname = "x"\nchannel = "google"\nurl = "file://relative/folder"\n', 4, "file:///ABSOLUTE"),
    ('[[destination]]\nname = "x"\nchannel = "google"\nurl = "s3://bucket/p/"\nendpoint_url = "localhost"\n',
     5, "not an http(s) URL"),
    ("[[destination]\n", 1, "invalid TOML"),
    (GOOD + '[destination.google]\ncredentials_env = "K"\naccount_id = "1"\ndata_sources = { "no.xml" = "x1" }\n',
     1, "numeric ids"),
    (GOOD + '[destination.meta]\ntoken_env = "T"\nfile_url = "https://x/{remote}"\nproduct_feeds = { "a" = "1" }\n',
     1, 'needs channel = "meta"'),
    (GOOD + '[destination.google]\ncredentials_env = "K"\naccount = "1"\n', 1, "google.account: unknown key"),
])
def test_bad_configuration_is_one_line_with_file_line_and_key(built, text, line, words):
    path = write_destinations(built, text)
    result = deliver(built, env={"GMC_SFTP_PASSWORD": "x"})
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}, row {line}"), lines
    if words:
        assert words in lines[0]
    assert "hunter2" not in result.output


def test_a_remote_name_that_would_escape_is_refused(built):
    write_destinations(built, GOOD + 'remote_name = "a/../../{name}"\n')
    result = deliver(built, env={"GMC_SFTP_PASSWORD": "x"})
    assert result.exit_code == 2 and "'..' part" in result.output and ", row 7: " in result.output


def test_a_missing_environment_variable_names_its_line_and_nothing_is_sent(built, tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    path = write_destinations(built, f'[[destination]]\nname = "first"\nchannel = "google"\nurl = "file://{share}"\n'
                                     + GOOD)
    result = deliver(built, env={})
    assert result.exit_code == 2
    assert result.output.strip() == (f"error: {path}, row 9: destination[2].password_env: the environment variable "
                                     "GMC_SFTP_PASSWORD is not set or empty")
    assert list(share.iterdir()) == []  # checked before the first destination was sent anything


def test_unknown_to_and_a_market_that_was_not_built(built):
    write_destinations(built, GOOD)
    assert "--to nope: no such destination" in deliver(built, "--to", "nope", "--dry-run").output
    write_destinations(built, GOOD + 'markets = ["XX"]\n')
    result = deliver(built, "--dry-run")
    assert result.exit_code == 2 and "market(s) XX have no 'google' files" in result.output


def test_no_published_build(project):
    write_destinations(project, GOOD)
    result = deliver(project, "--dry-run")
    assert result.exit_code == 2 and "no published build to deliver" in result.output


def test_a_missing_key_or_known_hosts_file_is_a_configuration_error_not_a_retry(built):
    write_destinations(built, GOOD.replace('password_env = "GMC_SFTP_PASSWORD"', 'identity_file = "no-such-key"'))
    result = deliver(built)
    assert result.exit_code == 2 and ", row 5: destination[1].identity_file:" in result.output
    assert "no such file" in result.output


def test_dry_run_checks_local_files_and_names_the_variables_a_real_run_needs(built, monkeypatch):
    """A first `deliver --dry-run` (README "Delivering") meets every problem a real run would meet
    short of credentials: a missing known_hosts is exit 2 here too, not a surprise at night."""
    monkeypatch.delenv("GMC_SFTP_PASSWORD", raising=False)
    write_destinations(built, GOOD)
    result = deliver(built, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "a real run needs GMC_SFTP_PASSWORD set (not set here; --dry-run needs no credentials)" in result.output
    (built / "product_data" / "known_hosts").unlink()
    result = deliver(built, "--dry-run")
    assert result.exit_code == 2 and ", row 6: destination[1].known_hosts:" in result.output
    assert "known_hosts: no such file" in result.output and "would send" not in result.output


def test_dry_run_plans_every_destination_before_printing_any(built):
    write_destinations(built, GOOD + '\n[[destination]]\nname = "site"\nchannel = "nope"\nurl = "file:///srv/x"\n')
    result = deliver(built, "--dry-run")
    assert result.exit_code == 2 and "the published build has no 'nope' files (it has: " in result.output
    assert "gmc (sftp" not in result.output  # no half plan above the error
