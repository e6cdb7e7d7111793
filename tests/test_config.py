"""`alliance config`: the settings file, its checks, and flag > environment > file > default."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from alliance_cli.settings.config import Config, config_path, dumps, load_config
from conftest import FULL_ANSWERS, set_flags


@pytest.fixture
def settings(private_home: Path) -> Path:
    return private_home / ".config" / "alliance" / "config.toml"


def test_config_path_is_in_the_user_config_folder_or_ALLIANCE_CONFIG(run, settings, tmp_path, monkeypatch):
    assert run("config", "path").stdout.strip() == str(settings)
    monkeypatch.setenv("ALLIANCE_CONFIG", str(tmp_path / "elsewhere.toml"))
    assert run("config", "path").stdout.strip() == str(tmp_path / "elsewhere.toml")


def test_set_writes_a_private_toml_file_that_show_reports(run, settings):
    assert run("config", "set", "default_modality", "Video").exit_code == 0
    result = run("config", "set", "report.below_baseline", "2.5")
    assert result.exit_code == 0, result.stderr
    assert "report.below_baseline = 2.5" in result.stderr
    assert tomllib.loads(settings.read_text()) == {"default_modality": "video", "report": {"below_baseline": 2.5}}
    assert settings.stat().st_mode & 0o777 == 0o600
    assert settings.parent.stat().st_mode & 0o777 == 0o700
    shown = run("config", "show").stdout
    assert 'default_modality = "video"  # config file' in shown
    assert "below_baseline = 2.5  # config file" in shown
    assert "falling_sds = 2.5  # default" in shown
    assert "focus_min_ratings = 15  # default" in shown
    assert "low_mean" not in shown  # retired, and not in the file
    tomllib.loads(shown)  # the output is itself valid TOML


def test_unset_brings_the_default_back(run, settings):
    run("config", "set", "report.falling_sessions", "4")
    assert load_config(settings).report.falling_sessions == 4
    assert run("config", "unset", "report.falling_sessions").exit_code == 0
    assert load_config(settings).report.falling_sessions == 3
    assert "was not set" in run("config", "unset", "report.falling_sessions").stderr


def test_unset_of_a_key_that_is_neither_a_setting_nor_in_the_file_is_refused(run, settings):
    run("config", "set", "default_modality", "video")
    before = settings.read_text()
    result = run("config", "unset", "nosuch")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"alliance: nosuch: unknown setting, and not in {settings}; the settings are journal,"
    )
    assert settings.read_text() == before


def test_the_edges_of_the_rating_scale_are_valid_low_means(run, settings):
    assert run("config", "set", "report.low_mean", "0").exit_code == 0
    assert run("config", "set", "report.low_mean", "10").exit_code == 0
    assert load_config(settings).report.low_mean == 10.0


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("jounral", "/tmp/x.db", "jounral: unknown setting"),
        ("default_modality", "bus", "default_modality: must be one of: in person, video, phone, text (got 'bus')"),
        ("report.low_mean", "low", "report.low_mean: must be a number from 0 to 10"),
        ("report.low_mean", "-1", "report.low_mean: must be a number from 0 to 10"),
        (
            "report.low_mean",
            "11",
            "report.low_mean: must be a number from 0 to 10, as ratings are, such as 5.0 (got 11.0)",
        ),
        ("report.low_mean", "10.5", "report.low_mean: must be a number from 0 to 10"),
        ("report.falling_sessions", "1", "report.falling_sessions: must be a whole number of 2 or more"),
        ("report.falling_sessions", "2.5", "report.falling_sessions: must be a whole number of 2 or more"),
    ],
)
def test_set_refuses_unknown_keys_and_bad_values_naming_the_key(run, settings, key, value, message):
    result = run("config", "set", key, "--", value)  # `--` lets a value start with '-'
    assert result.exit_code == 1
    assert message in result.stderr
    assert not settings.exists()


def test_a_file_with_an_unknown_key_or_bad_value_is_refused_by_every_command(run, settings, db_path):
    settings.parent.mkdir(parents=True)
    settings.write_text('jounral = "/tmp/x.db"\n[report]\nfalling_sessions = 1\n')
    result = run("list", db=None)
    assert result.exit_code == 1
    assert f"{settings}: jounral: unknown setting" in result.stderr
    assert f"{settings}: report.falling_sessions: must be a whole number of 2 or more (got 1)" in result.stderr
    assert "Traceback" not in result.stderr
    # set refuses to write on top of a broken file; unset can take the bad key out.
    assert run("config", "set", "default_modality", "video").exit_code == 1
    assert run("config", "unset", "jounral").exit_code == 1  # falling_sessions is still wrong
    settings.write_text('jounral = "/tmp/x.db"\n')
    assert run("config", "unset", "jounral").exit_code == 0
    assert load_config(settings) == Config()


def test_a_file_that_is_not_toml_is_refused(run, settings):
    settings.parent.mkdir(parents=True)
    settings.write_text("journal = [unclosed\n")
    result = run("config", "show")
    assert result.exit_code == 1
    assert "not valid TOML" in result.stderr and str(settings) in result.stderr


def test_journal_precedence_flag_then_environment_then_file_then_default(run, settings, tmp_path, private_home):
    from_file, from_env, from_flag = tmp_path / "file.db", tmp_path / "env.db", tmp_path / "flag.db"
    assert run("config", "set", "journal", str(from_file)).exit_code == 0
    log = ["log", "-c", "C-1", "-d", "2026-11-02", *set_flags(FULL_ANSWERS)]

    assert run(*log, db=None).exit_code == 0
    assert from_file.exists()
    assert run(*log, db=from_env).exit_code == 0  # run() passes ALLIANCE_DB
    assert from_env.exists()
    assert run(*log, "--db", str(from_flag), db=from_env).exit_code == 0
    assert from_flag.exists()
    assert run("config", "unset", "journal").exit_code == 0
    assert run(*log, db=None).exit_code == 0
    assert (private_home / ".local" / "share" / "alliance" / "journal.db").exists()


def test_relative_paths_in_the_file_are_relative_to_its_folder(settings):
    settings.parent.mkdir(parents=True)
    settings.write_text('journal = "notes/journal.db"\nprompts = "~/mine.yaml"\n')
    cfg = load_config(settings)
    assert cfg.journal == settings.parent / "notes" / "journal.db"
    assert cfg.prompts == Path.home() / "mine.yaml"


def test_prompts_path_from_the_file_is_used(run, settings, tmp_path):
    bad = tmp_path / "mine.yaml"
    bad.write_text("version: 1\n")
    run("config", "set", "prompts", str(bad))
    result = run("prompts", "show")
    assert result.exit_code == 1
    assert str(bad) in result.stderr


def test_default_modality_from_the_file_wins_over_the_last_used_but_not_the_flag(run):
    base = ["log", "-c", "C-1", "-d", "2026-11-02", *set_flags(FULL_ANSWERS)]
    assert run(*base, "--modality", "phone").exit_code == 0
    assert run(*base).exit_code == 0  # no setting: the last one used
    assert run("config", "set", "default_modality", "video").exit_code == 0
    assert run(*base).exit_code == 0
    assert run(*base, "-m", "text").exit_code == 0
    rows = json.loads(run("list", "-f", "json").stdout)
    assert [r["modality"] for r in reversed(rows)] == ["phone", "phone", "video", "text"]


def test_report_thresholds_have_defaults_and_read_from_the_file(settings):
    assert load_config(settings).report.thresholds()["below_baseline"] == 2.2
    settings.parent.mkdir(parents=True)
    settings.write_text("[report]\nbelow_baseline = 1.5\nfocus_weeks = 6\n")
    thresholds = load_config().report.thresholds()
    assert (thresholds["below_baseline"], thresholds["focus_weeks"], thresholds["falling_sds"]) == (1.5, 6, 2.5)
    assert config_path() == settings


def test_a_settings_file_from_before_the_baseline_rules_still_loads(run, settings):
    settings.parent.mkdir(parents=True)
    settings.write_text("[report]\nlow_mean = 6\nfalling_sessions = 4\n")
    assert (load_config().report.low_mean, load_config().report.falling_sessions) == (6.0, 4)
    shown = run("config", "show").stdout
    assert "low_mean = 6.0  # config file; no longer used by the review" in shown
    assert "falling_sessions = 4  # config file; no longer used by the review" in shown


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("report.focus_weeks", "2.5", "report.focus_weeks: must be a whole number from 1 to 12 (got '2.5')"),
        ("report.below_baseline", "11", "report.below_baseline: must be a number from 0 to 10 (got 11.0)"),
        ("report.falling_sds", "many", "report.falling_sds: must be a number from 0.5 to 10 (got 'many')"),
    ],
)
def test_a_threshold_outside_its_bounds_is_refused(run, settings, key, value, message):
    result = run("config", "set", key, value)
    assert result.exit_code != 0
    assert message in result.stderr


def test_written_strings_survive_quotes_backslashes_and_accents():
    value = 'C:\\Users\\Zoë "notes"\x7f/journal.db'
    assert tomllib.loads(dumps({"journal": value}))["journal"] == value


def test_help_documents_the_precedence(run):
    text = run("config", "--help").stdout
    assert "first one found wins" in " ".join(text.split())


def test_client_codes_complete_from_the_journal_named_in_the_settings(run, settings, tmp_path):
    from alliance_cli.cli.root import _complete_client

    journal = tmp_path / "configured.db"
    run("config", "set", "journal", str(journal))
    for client in ("C-014", "C-015", "D-1"):
        assert run("log", "-c", client, *set_flags(FULL_ANSWERS), db=None).exit_code == 0
    assert sorted(_complete_client("C-")) == ["C-014", "C-015"]


def test_every_command_refuses_a_settings_file_with_a_typo(run, tmp_path, monkeypatch):
    assert run("log", "-c", "C-1", *set_flags(FULL_ANSWERS)).exit_code == 0
    settings = tmp_path / "settings.toml"
    settings.write_text('jornal = "elsewhere.db"\n')
    monkeypatch.setenv("ALLIANCE_CONFIG", str(settings))
    for args in (["list"], ["show", "1"], ["clients"], ["search", "x"], ["client-code"], ["backup"]):
        result = run(*args)
        assert result.exit_code == 1, args
        assert "jornal" in result.stderr, args
    assert run("config", "unset", "jornal").exit_code == 0  # the way to mend it still works
    assert run("list").exit_code == 0


def test_the_client_measure_is_the_srs_by_default_and_set_in_one_line(run, settings):
    from alliance_cli.core.measures import SRS

    assert load_config(settings).client_measure == SRS
    assert 'client_measure = "SRS"  # default' in run("config", "show").stdout
    result = run("config", "set", "client_measure", "my scale 0 to 100,cutoff 70, drop 5")
    assert result.exit_code == 0, result.stderr
    assert "Set client_measure = my scale 0 to 100, cutoff 70, drop 5" in result.stderr
    measure = load_config(settings).client_measure
    assert (measure.name, measure.low, measure.high, measure.cutoff, measure.drop) == ("my scale", 0, 100, 70, 5)
    shown = run("config", "show").stdout
    assert tomllib.loads(shown)["client_measure"] == "my scale 0 to 100, cutoff 70, drop 5"
    assert shown.index("client_measure") < shown.index("[report]")  # a top-level key, before the table
    assert run("config", "set", "client_measure", "wai-sr").exit_code == 0
    assert tomllib.loads(settings.read_text())["client_measure"] == "WAI-SR"
    assert (load_config(settings).client_measure.low, load_config(settings).client_measure.cutoff) == (12, None)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ORS", "'ORS' is not a measure alliance knows (SRS, WAI-SR); give your own with its range"),
        ("SRS 0 to 50", "SRS runs from 0 to 40; leave the range out"),
        ("SRS, cutoff 41", "the cutoff must be above 0 and at most 40"),
        ("Mine 10 to 10", "the range of 'Mine' must run from a lower to a higher number"),
        ("SRS, drop -1", "drop must be above 0 and at most 40"),
        ("SRS, limit 3", "after the measure, give ', cutoff N' and ', drop N'"),
    ],
)
def test_a_client_measure_that_cannot_be_read_is_refused(run, settings, value, message):
    result = run("config", "set", "client_measure", "--", value)
    assert result.exit_code == 1
    assert f"client_measure: {message}" in result.stderr
    assert not settings.exists()
