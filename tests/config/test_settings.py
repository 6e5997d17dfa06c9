"""Configuration: merging, environment substitution, validation, aliases and messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from openchoreo_catalog.config import (
    ConfigError,
    database_url,
    load_settings,
    redacted,
    settings_from_mapping,
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_match_the_documented_values() -> None:
    settings = settings_from_mapping({})
    incremental = settings.openchoreo.incremental
    assert (incremental.burst_length, incremental.burst_interval, incremental.rest_length) == (
        10,
        30,
        30,
    )
    assert incremental.chunk_size == 512
    assert incremental.backoff == [30, 60, 300, 1800]
    assert incremental.reject_removals_above_percentage is None
    assert incremental.reject_empty_source_collections is False
    assert incremental.max_concurrent_requests == 5
    assert incremental.batch_delay_ms == 100
    assert incremental.max_requests_per_second is None
    assert incremental.fetch_component_details == "services"
    assert settings.openchoreo.schedule.frequency == 30
    assert settings.openchoreo.schedule.timeout == 120
    assert settings.openchoreo.default_owner == "guests"
    assert settings.openchoreo.mode == "incremental"
    assert settings.backend.listen.host == "127.0.0.1"
    assert settings.backend.listen.port == 7007
    assert settings.backend.database.client == "sqlite3"
    assert settings.backend.auth.dangerously_disable_default_auth_policy is False
    assert settings.backend.auth.protect_reads is False


def test_later_files_override_earlier_ones_key_by_key(tmp_path: Path) -> None:
    base = write(
        tmp_path,
        "a.yaml",
        "openchoreo:\n  baseUrl: http://a/api/v1\n  incremental:\n"
        "    burstLength: 20\n    backoff: [1, 2, 3]\n",
    )
    local = write(
        tmp_path, "b.yaml", "openchoreo:\n  incremental:\n    burstInterval: 40\n    backoff: [9]\n"
    )
    settings = load_settings([base, local])
    assert settings.openchoreo.base_url == "http://a/api/v1"
    assert settings.openchoreo.incremental.burst_length == 20
    assert settings.openchoreo.incremental.burst_interval == 40
    assert settings.openchoreo.incremental.backoff == [9]


def test_environment_substitution_with_and_without_defaults(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "c.yaml",
        "openchoreo:\n  baseUrl: ${OC_URL}\n  token: ${OC_TOKEN:-fallback-token}\n"
        "  defaultOwner: team-$${literal}\n",
    )
    settings = load_settings([path], environ={"OC_URL": "https://oc.example/api/v1/"})
    assert settings.openchoreo.base_url == "https://oc.example/api/v1"
    assert settings.openchoreo.token is not None
    assert settings.openchoreo.token.get_secret_value() == "fallback-token"
    assert settings.openchoreo.default_owner == "team-${literal}"


def test_missing_environment_variable_names_the_key(tmp_path: Path) -> None:
    path = write(tmp_path, "d.yaml", "openchoreo:\n  token: ${NOT_SET_ANYWHERE}\n")
    with pytest.raises(ConfigError) as caught:
        load_settings([path], environ={})
    assert caught.value.problems == [
        "openchoreo.token: environment variable NOT_SET_ANYWHERE is not set "
        "(use ${NOT_SET_ANYWHERE:-default} to give a default)"
    ]


@pytest.mark.parametrize(
    ("tree", "expected"),
    [
        (
            {"openchoreo": {"incremental": {"burstLength": 301}}},
            "openchoreo.incremental.burstLength: 301 is not allowed: "
            "Input should be less than or equal to 300",
        ),
        (
            {"openchoreo": {"incremental": {"burstInterval": 4}}},
            "openchoreo.incremental.burstInterval: 4 is not allowed: "
            "Input should be greater than or equal to 5",
        ),
        (
            {"openchoreo": {"incremental": {"restLength": 1441}}},
            "openchoreo.incremental.restLength: 1441 is not allowed: "
            "Input should be less than or equal to 1440",
        ),
        (
            {"openchoreo": {"incremental": {"chunkSize": 0}}},
            "openchoreo.incremental.chunkSize: 0 is not allowed: "
            "Input should be greater than or equal to 1",
        ),
        (
            {"openchoreo": {"incremental": {"rejectRemovalsAbovePercentage": 101}}},
            "openchoreo.incremental.rejectRemovalsAbovePercentage: 101 is not allowed: "
            "Input should be less than or equal to 100",
        ),
        (
            {"openchoreo": {"incremental": {"maxConcurrentRequests": 51}}},
            "openchoreo.incremental.maxConcurrentRequests: 51 is not allowed: "
            "Input should be less than or equal to 50",
        ),
        (
            {"openchoreo": {"incremental": {"batchDelayMs": 10001}}},
            "openchoreo.incremental.batchDelayMs: 10001 is not allowed: "
            "Input should be less than or equal to 10000",
        ),
        (
            {"openchoreo": {"incremental": {"fetchComponentDetails": "some"}}},
            "openchoreo.incremental.fetchComponentDetails: 'some' is not allowed: "
            "Input should be 'services', 'all' or 'none'",
        ),
        (
            {"openchoreo": {"incremental": {"backoff": [30, -1]}}},
            "openchoreo.incremental.backoff[1]: -1 is not allowed: Input should be greater than 0",
        ),
        (
            {"openchoreo": {"incremental": {"burstLenght": 3}}},
            "openchoreo.incremental.burstLenght: unknown key (check its spelling)",
        ),
        (
            {"openchoreo": {"baseUrl": "ftp://somewhere"}},
            "openchoreo.baseUrl: 'ftp://somewhere' is not allowed: must be an http:// or "
            "https:// URL, e.g. http://openchoreo:8080/api/v1",
        ),
        (
            {"openchoreo": {"mode": "streaming"}},
            "openchoreo.mode: 'streaming' is not allowed: Input should be 'incremental' or 'full'",
        ),
        (
            {"backend": {"database": {"client": "oracle"}}},
            "backend.database.client: 'oracle' is not allowed: Input should be 'sqlite3', "
            "'better-sqlite3', 'pg', 'mysql' or 'mysql2'",
        ),
    ],
)
def test_invalid_values_give_one_line_naming_key_value_and_rule(
    tree: dict[str, object], expected: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from_mapping(tree)
    assert caught.value.problems == [expected]


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from_mapping(
            {"openchoreo": {"incremental": {"burstLength": 0, "chunkSize": 5000}, "mode": "x"}}
        )
    assert len(caught.value.problems) == 3


def test_secrets_never_appear_in_messages() -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from_mapping(
            {
                "backend": {
                    "database": {
                        "client": "pg",
                        "connection": {"password": "hunter2-secret", "port": "nope"},
                    },
                    "auth": {"externalAccess": [{"type": "static", "options": {"token": "short"}}]},
                },
                "openchoreo": {"token": ["not", "a", "string", "hunter3-secret"]},
            }
        )
    text = str(caught.value)
    assert "hunter2-secret" not in text
    assert "hunter3-secret" not in text
    assert "short" not in text.replace("at least", "")
    assert "backend.auth.externalAccess[0].options.token: must be at least 8 characters" in text


def test_documented_aliases_are_accepted() -> None:
    settings = settings_from_mapping(
        {
            "openchoreo": {
                "api": {"baseUrl": "http://oc:8080/api/v1/", "token": "tok-12345"},
                "maxConcurrentRequests": 9,
                "batchDelayMs": 0,
            }
        }
    )
    assert settings.openchoreo.base_url == "http://oc:8080/api/v1"
    assert settings.openchoreo.token is not None
    assert settings.openchoreo.token.get_secret_value() == "tok-12345"
    assert settings.openchoreo.incremental.max_concurrent_requests == 9
    assert settings.openchoreo.incremental.batch_delay_ms == 0


def test_canonical_keys_win_over_aliases() -> None:
    settings = settings_from_mapping(
        {
            "openchoreo": {
                "baseUrl": "http://canonical/api/v1",
                "api": {"baseUrl": "http://alias/api/v1"},
                "maxConcurrentRequests": 9,
                "incremental": {"maxConcurrentRequests": 3},
            }
        }
    )
    assert settings.openchoreo.base_url == "http://canonical/api/v1"
    assert settings.openchoreo.incremental.max_concurrent_requests == 3


def test_page_size_never_exceeds_the_server_maximum() -> None:
    settings = settings_from_mapping({"openchoreo": {"incremental": {"chunkSize": 1000}}})
    assert settings.openchoreo.incremental.page_size == 512
    small = settings_from_mapping({"openchoreo": {"incremental": {"chunkSize": 7}}})
    assert small.openchoreo.incremental.page_size == 7


def test_unknown_top_level_sections_are_ignored() -> None:
    settings = settings_from_mapping({"app": {"title": "Backstage"}, "catalog": {"rules": []}})
    assert settings.openchoreo.mode == "incremental"


@pytest.mark.parametrize(
    ("database", "expected"),
    [
        (
            {"client": "better-sqlite3", "connection": "/data/cat.db"},
            "sqlite+aiosqlite:////data/cat.db",
        ),
        (
            {"client": "pg", "connection": "postgresql://app:pw@db:5432/catalog"},
            "postgresql+asyncpg://app:***@db:5432/catalog",
        ),
        (
            {"client": "pg", "connection": {"host": "db", "user": "app", "password": "pw"}},
            "postgresql+asyncpg://app:***@db:5432/openchoreo_catalog",
        ),
        (
            {"client": "mysql2", "connection": {"host": "db", "database": "cat"}},
            "mysql+aiomysql://root@db:3306/cat",
        ),
        (
            {"client": "mysql", "connection": "mysql://u@h/x"},
            "mysql+aiomysql://u@h/x",
        ),
    ],
)
def test_database_settings_become_async_urls(database: dict[str, object], expected: str) -> None:
    settings = settings_from_mapping({"backend": {"database": database}})
    assert redacted(database_url(settings.backend.database)) == expected


def test_memory_sqlite() -> None:
    settings = settings_from_mapping({"backend": {"database": {"connection": ":memory:"}}})
    url = database_url(settings.backend.database)
    assert (url.drivername, url.database) == ("sqlite+aiosqlite", ":memory:")


def test_default_database_is_a_sqlite_file_in_the_working_directory(tmp_path: Path) -> None:
    settings = settings_from_mapping({})
    url = database_url(settings.backend.database, cwd=tmp_path)
    assert url.database == str(tmp_path / "openchoreo-catalog.sqlite")


def test_connection_string_must_fit_the_client() -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from_mapping(
            {"backend": {"database": {"client": "pg", "connection": "mysql://x/y"}}}
        )
    assert caught.value.problems == [
        "backend.database: a pg connection string must start with postgresql://"
    ]


def test_listen_accepts_backstage_string_form() -> None:
    settings = settings_from_mapping({"backend": {"listen": ":7100"}})
    assert (settings.backend.listen.host, settings.backend.listen.port) == ("127.0.0.1", 7100)


def test_static_tokens_map_to_subjects() -> None:
    settings = settings_from_mapping(
        {
            "backend": {
                "auth": {
                    "externalAccess": [
                        {"type": "static", "options": {"token": "a-long-token", "subject": "ci"}}
                    ]
                }
            }
        }
    )
    assert settings.backend.auth.static_tokens() == {"a-long-token": "ci"}


def test_unreadable_and_invalid_files_are_reported(tmp_path: Path) -> None:
    broken = write(tmp_path, "broken.yaml", "openchoreo: [unclosed\n")
    listed = write(tmp_path, "list.yaml", "- a\n- b\n")
    with pytest.raises(ConfigError) as caught:
        load_settings([tmp_path / "missing.yaml", broken, listed])
    problems = caught.value.problems
    assert problems[0] == f"{tmp_path / 'missing.yaml'}: config file not found"
    assert problems[1].startswith(f"{broken}: invalid YAML at line 2")
    assert problems[2] == f"{listed}: the top level must be a mapping of keys, not a list"
