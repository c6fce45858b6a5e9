"""The configuration: `[tool.aggqlint]` in pyproject.toml, or the top level of aggqlint.toml.

Each checked file gets the config nearest to it, found by walking up from its directory
(`aggqlint.toml` before `pyproject.toml` in one directory; a pyproject.toml without
`[tool.aggqlint]` is skipped), unless `--config` names one file for all. The config and the
command-line overrides become one `Policy` per file.

A profile's limits reach the rules as written in the config, with durations canonical:
`{"profile": "prod", "max-interval": "PT4H", "max-buckets": 8,
"endpoints": {"conversations/aggregates": {"max-interval": "P1D"}}}`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from aggqlint.api.endpoints import EndpointError, resolve_endpoint
from aggqlint.config.codes import UnknownRule, did_you_mean, selector
from aggqlint.config.globs import Glob, exclude_glob
from aggqlint.config.policy import Policy
from aggqlint.diagnostics import Severity
from aggqlint.loading.inputs import (
    DEFAULT_GLOBS,
    UsageError,
    display_path,
    is_virtualenv,
    matches_any,
)

if TYPE_CHECKING:
    from aggqlint.checks.registry import Option

CONFIG_FILES = ("aggqlint.toml", "pyproject.toml")  # looked for in this order in a directory
COMMAND_LINE = ""  # ConfigError.file for a bad option: the message then starts at the option

_TOP_KEYS = (
    "select",
    "ignore",
    "severity",
    "per-file-ignores",
    "endpoints",
    "fail-on",
    "profile",
    "profiles",
    "exclude",
    "extend-exclude",
    "cache",
)

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


class ConfigError(UsageError):
    """A config file (or a command-line override) that cannot be used as written: exit 2."""

    def __init__(self, file: str, key: str | None, message: str) -> None:
        self.file = file
        self.key = key
        self.message = message
        where = ": ".join(part for part in (file, key) if part)
        super().__init__(f"{where}: {message}")


class CliOverrides(Struct, frozen=True):
    """What `aggqlint check` options say; they win over every config file."""

    select: tuple[str, ...] = ()  # replaces the config's select when given
    ignore: tuple[str, ...] = ()  # added to the config's ignore
    profile: str | None = None
    fail_on: str | None = None


class Config(Struct, frozen=True):
    path: Path  # absolute
    select: frozenset[str] | None = None  # None: every rule
    ignore: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)
    per_file_ignores: tuple[tuple[Glob, frozenset[str]], ...] = ()
    endpoints: tuple[tuple[Glob, str], ...] = ()  # first matching glob wins
    fail_on: Severity | None = None
    profile: str | None = None
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    exclude: tuple[Glob, ...] | None = None  # None: inputs.DEFAULT_EXCLUDE
    extend_exclude: tuple[Glob, ...] = ()
    cache: bool | None = None  # false: check keeps no results between runs

    @property
    def name(self) -> str:
        return display_path(self.path)


def load_config(path: Path) -> Config | None:
    """The config in one file; None for a pyproject.toml without [tool.aggqlint]."""
    path = Path(os.path.abspath(path))
    shown = display_path(path)
    import tomllib  # here: most runs find no config file and never need the TOML parser

    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(shown, None, f"cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(shown, None, f"not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(shown, None, "not valid TOML: the file is not UTF-8") from None
    if path.name == "pyproject.toml":
        tool = document.get("tool")
        table = tool.get("aggqlint") if isinstance(tool, dict) else None
        if table is None:
            return None
        reader = _Reader(shown, ("tool", "aggqlint"))
        if not isinstance(table, dict):
            raise reader.error((), "must be a table")
    else:
        table = document
        reader = _Reader(shown, ())
    return reader.config(path, table)


class _Reader:
    """Validates one config table, naming the file and the dotted key in every error."""

    def __init__(self, file: str, prefix: tuple[str, ...]) -> None:
        self.file = file
        self.prefix = prefix

    def error(self, key: tuple[str, ...], message: str) -> ConfigError:
        parts = [*self.prefix, *key]
        dotted = ".".join(p if _BARE_KEY.fullmatch(p) else f'"{p}"' for p in parts)
        return ConfigError(self.file, dotted or None, message)

    def config(self, path: Path, table: dict[str, Any]) -> Config:
        self.known_keys(table, _TOP_KEYS, ())
        profiles = {
            name: self.profile(self.table(limits, ("profiles", name)), ("profiles", name))
            for name, limits in self.table(table.get("profiles", {}), ("profiles",)).items()
        }
        profile = table.get("profile")
        if profile is not None:
            self.check_profile(self.string(profile, ("profile",)), profiles, ("profile",))
        select = None
        if "select" in table:
            select = self.codes(table["select"], ("select",))
            if not select:
                raise self.error(("select",), "is empty and would check nothing; remove it")
        fail_on = table.get("fail-on")
        return Config(
            path=path,
            select=select,
            ignore=self.codes(table.get("ignore", []), ("ignore",)),
            severity=self.severities(table.get("severity", {})),
            per_file_ignores=tuple(self.per_file_ignores(table.get("per-file-ignores", {}))),
            endpoints=tuple(self.endpoint_globs(table.get("endpoints", {}))),
            fail_on=self.severity(fail_on, ("fail-on",)) if fail_on is not None else None,
            profile=profile,
            profiles=profiles,
            exclude=self.globs(table["exclude"], ("exclude",)) if "exclude" in table else None,
            extend_exclude=self.globs(table.get("extend-exclude", []), ("extend-exclude",)),
            cache=self.boolean(table["cache"], ("cache",)) if "cache" in table else None,
        )

    def boolean(self, value: Any, key: tuple[str, ...]) -> bool:
        if not isinstance(value, bool):
            raise self.error(key, f"must be true or false, not {_toml_type(value)}")
        return value

    def globs(self, value: Any, key: tuple[str, ...]) -> tuple[Glob, ...]:
        if not isinstance(value, list):
            hint = f' (write ["{value}"])' if isinstance(value, str) else ""
            raise self.error(key, f"must be a list of path patterns, not {_toml_type(value)}{hint}")
        return tuple(self.glob(self.string(item, key), key, exclude_glob) for item in value)

    def per_file_ignores(self, value: Any) -> Iterable[tuple[Glob, frozenset[str]]]:
        for pattern, codes in self.table(value, ("per-file-ignores",)).items():
            key = ("per-file-ignores", pattern)
            yield self.glob(pattern, key), self.codes(codes, key)

    def endpoint_globs(self, value: Any) -> Iterable[tuple[Glob, str]]:
        for pattern, name in self.table(value, ("endpoints",)).items():
            key = ("endpoints", pattern)
            yield self.glob(pattern, key), self.endpoint(name, key)

    def known_keys(
        self, table: dict[str, Any], known: tuple[str, ...], key: tuple[str, ...]
    ) -> None:
        for name in table:
            if name in known:
                continue
            hint = did_you_mean(name.replace("_", "-").lower(), known)
            if not self.prefix and not key and name == "tool":
                hint = "; in aggqlint.toml the settings are top-level: drop [tool.aggqlint]"
            raise self.error((*key, name), f"unknown key{hint} (known: {', '.join(known)})")

    def table(self, value: Any, key: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(key, f"must be a table, not {_toml_type(value)}")
        return value

    def string(self, value: Any, key: tuple[str, ...]) -> str:
        if not isinstance(value, str):
            raise self.error(key, f"must be a string, not {_toml_type(value)}")
        return value

    def codes(self, value: Any, key: tuple[str, ...]) -> frozenset[str]:
        if not isinstance(value, list):
            hint = f' (write ["{value}"])' if isinstance(value, str) else ""
            raise self.error(key, f"must be a list of rule codes, not {_toml_type(value)}{hint}")
        codes = set()
        for item in value:
            try:
                codes.add(selector(self.string(item, key)))
            except UnknownRule as err:
                raise self.error(key, str(err)) from None
        return frozenset(codes)

    def severity(self, value: Any, key: tuple[str, ...]) -> Severity:
        try:
            return Severity.parse(self.string(value, key))
        except ValueError as err:
            raise self.error(key, str(err)) from None

    def severities(self, value: Any) -> dict[str, Severity]:
        out = {}
        for code, level in self.table(value, ("severity",)).items():
            try:
                out[selector(code)] = self.severity(level, ("severity", code))
            except UnknownRule as err:
                raise self.error(("severity", code), str(err)) from None
        return out

    def glob(self, pattern: str, key: tuple[str, ...], kind: Callable[[str], Glob] = Glob) -> Glob:
        try:
            return kind(pattern)
        except ValueError as err:
            raise self.error(key, f"bad glob '{pattern}': {err}") from None

    def endpoint(self, value: Any, key: tuple[str, ...]) -> str:
        try:
            return resolve_endpoint(self.string(value, key)).name
        except EndpointError as err:
            raise self.error(key, err.message) from None

    def profile(self, table: dict[str, Any], key: tuple[str, ...]) -> dict[str, Any]:
        self.known_keys(table, (*_rule_options(), "endpoints"), key)
        limits = self.limits(table, key)
        per_endpoint = self.table(table.get("endpoints", {}), (*key, "endpoints"))
        if per_endpoint:
            limits["endpoints"] = {}
            for name, values in per_endpoint.items():
                where = (*key, "endpoints", name)
                values = self.table(values, where)
                self.known_keys(values, tuple(_rule_options()), where)
                limits["endpoints"][self.endpoint(name, where)] = self.limits(values, where)
        return limits

    def limits(self, table: dict[str, Any], key: tuple[str, ...]) -> dict[str, Any]:
        """The rules' options a profile sets, each parsed by its declaration."""
        out: dict[str, Any] = {}
        for name, option in _rule_options().items():
            if name not in table:
                continue
            where = (*key, name)
            try:
                out[name] = option.parse(table[name])
            except TypeError as err:  # the wrong TOML type: said as for every other key
                raise self.error(where, f"must be {err}, not {_toml_type(table[name])}") from None
            except ValueError as err:
                raise self.error(where, str(err)) from None
        return out

    def check_profile(self, name: str, profiles: dict[str, Any], key: tuple[str, ...]) -> None:
        if name in profiles:
            return
        known = ", ".join(profiles) if profiles else "none (add [profiles.<name>] tables)"
        raise self.error(
            key, f"unknown profile '{name}'{did_you_mean(name, profiles)}; defined: {known}"
        )


def _toml_type(value: Any) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a float", str: "a string"}
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return names.get(type(value), f"a {type(value).__name__}")


class _Overrides(Struct, frozen=True):
    """CliOverrides checked once: codes resolved, severity parsed."""

    select: frozenset[str]
    ignore: frozenset[str]
    profile: str | None
    fail_on: Severity | None

    @classmethod
    def of(cls, overrides: CliOverrides) -> _Overrides:
        try:
            fail_on = Severity.parse(overrides.fail_on) if overrides.fail_on else None
        except ValueError as err:
            raise ConfigError(COMMAND_LINE, "--fail-on", str(err)) from None
        return cls(
            frozenset(_cli_codes(overrides.select, "--select")),
            frozenset(_cli_codes(overrides.ignore, "--ignore")),
            overrides.profile,
            fail_on,
        )


def _option_items(values: tuple[str, ...]) -> list[str]:
    """A repeatable option's values, each of which may be comma-separated."""
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def _cli_codes(values: tuple[str, ...], option: str) -> list[str]:
    try:
        return [selector(item) for item in _option_items(values)]
    except UnknownRule as err:
        raise ConfigError(COMMAND_LINE, option, str(err)) from None


def _policy(config: Config | None, path: Path, cli: _Overrides) -> Policy:
    """The policy for one checked file under config (None: no config applies to it)."""
    if config is None:
        if cli.profile:
            raise ConfigError(
                COMMAND_LINE,
                "--profile",
                f"no aggqlint config applies to {display_path(path)}, so it has no profile "
                f"'{cli.profile}' (profiles live in [tool.aggqlint.profiles.<name>])",
            )
        return Policy(select=cli.select, ignore=cli.ignore, fail_on=cli.fail_on or Severity.ERROR)
    relative = _relative_to(path, config.path.parent)
    ignore = set(cli.ignore | config.ignore)
    for glob, codes in config.per_file_ignores:
        if glob.matches(relative):
            ignore |= codes
    return Policy(
        select=cli.select or config.select or frozenset(),
        ignore=frozenset(ignore),
        severity=config.severity,
        endpoint=next((name for glob, name in config.endpoints if glob.matches(relative)), None),
        limits=_profile_limits(config, cli.profile),
        fail_on=cli.fail_on or config.fail_on or Severity.ERROR,
        config=config.name,
    )


def _profile_limits(config: Config, override: str | None) -> dict[str, Any]:
    name = override or config.profile
    if name is None:
        return {}
    if name not in config.profiles:
        known = ", ".join(config.profiles) or "none"
        raise ConfigError(
            COMMAND_LINE,
            "--profile",
            f"unknown profile '{name}'{did_you_mean(name, config.profiles)}; "
            f"{config.name} defines: {known}",
        )
    return {"profile": name, **config.profiles[name]}


def _relative_to(path: Path, directory: Path) -> str:
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(directory).as_posix()
    except ValueError:  # outside the config's tree (--config elsewhere): only names match
        return absolute.name


def load_policy_factory(
    explicit_config: Path | None, overrides: CliOverrides
) -> Callable[[Path], Policy]:
    """policy_for(path) for one run (see load_settings)."""
    return load_settings(explicit_config, overrides).policy_for


class Settings(Struct, frozen=True):
    """What the configs decide for one run: each file's policy, and which paths a folder
    walk skips."""

    policy_for: Callable[[Path], Policy]
    excluded: Callable[[Path, bool], bool]  # (path, is_folder) -> skip it
    # Whether the working directory's config lets check keep results between runs (asked
    # only by check: the config is then read, which plan and the API never need).
    cache_allowed: Callable[[], bool] = lambda: True


def load_settings(
    explicit_config: Path | None, overrides: CliOverrides, excludes: tuple[str, ...] = ()
) -> Settings:
    """Each config file is read once; --config replaces discovery. Overrides, --exclude and
    an explicit config are checked here, so a typo fails first."""
    cli = _Overrides.of(overrides)
    cli_excludes = tuple(_cli_globs(excludes))
    fixed: Config | None = None
    if explicit_config is not None:
        if not explicit_config.is_file():
            raise ConfigError(COMMAND_LINE, "--config", f"no such file: {explicit_config}")
        fixed = load_config(explicit_config)
        if fixed is None:
            raise ConfigError(display_path(explicit_config), None, "has no [tool.aggqlint] table")
        _profile_limits(fixed, cli.profile)
    finder = _ConfigFinder(fixed)

    shared: dict[int, Policy] = {}  # by config: one Policy for every file it applies to alike

    def policy_for(path: Path) -> Policy:
        config = finder.config_for(path)
        if config is not None and (config.per_file_ignores or config.endpoints):
            return _policy(config, path, cli)  # it depends on the file's path
        key = id(config)
        if key not in shared:
            shared[key] = _policy(config, path, cli)
        return shared[key]

    cwd = Path.cwd()  # asked for every file and folder a walk reaches

    def excluded(path: Path, is_folder: bool) -> bool:
        # --exclude patterns are relative to the working directory, a config's to its folder.
        if is_virtualenv(path, is_folder):
            return True
        if cli_excludes and matches_any(cli_excludes, _relative_to(path, cwd), is_folder):
            return True
        config = finder.config_for(path)
        if config is None:
            return matches_any(DEFAULT_GLOBS, path.name, is_folder)
        defaults = DEFAULT_GLOBS if config.exclude is None else config.exclude
        relative = _relative_to(path, config.path.parent)
        if relative == ".":  # the config's own folder (`check . --force-exclude`)
            return False
        return matches_any(defaults + config.extend_exclude, relative, is_folder)

    def cache_allowed() -> bool:
        here = finder.config_for(cwd / "-")  # the config that applies in the working directory
        return here is None or here.cache is not False

    return Settings(policy_for, excluded, cache_allowed)


def _cli_globs(values: tuple[str, ...]) -> list[Glob]:
    globs = []
    for item in _option_items(values):
        try:
            globs.append(exclude_glob(item))
        except ValueError as err:
            raise ConfigError(COMMAND_LINE, "--exclude", f"bad glob '{item}': {err}") from None
    return globs


class _ConfigFinder:
    """The config that applies to a path: --config for every path, else the nearest one
    found upward from the path's folder (each directory looked at once per run)."""

    def __init__(self, fixed: Config | None) -> None:
        self.fixed = fixed
        self.configs: dict[Path, Config | None] = {}
        self.nearest: dict[Path, Path | None] = {}  # directory -> its config file
        self.by_folder: dict[str, Config | None] = {}  # directory as text -> its config
        # The folder as the path writes it -> its config: abspath asks the system for the
        # working directory on every call, and a run names thousands of files in a few folders.
        self.by_written: dict[str, Config | None] = {}

    def config_for(self, path: Path) -> Config | None:
        if self.fixed is not None:
            return self.fixed
        written = os.path.dirname(path)
        if written not in self.by_written:
            directory = os.path.dirname(os.path.abspath(path))
            if directory not in self.by_folder:  # by string: pathlib per file costs more
                config_path = self.discover(Path(directory))
                self.by_folder[directory] = self.read(config_path) if config_path else None
            self.by_written[written] = self.by_folder[directory]
        return self.by_written[written]

    def read(self, path: Path) -> Config | None:
        if path not in self.configs:
            self.configs[path] = load_config(path)
        return self.configs[path]

    def discover(self, directory: Path) -> Path | None:
        if directory in self.nearest:  # a folder an earlier walk upward passed through
            return self.nearest[directory]
        walked = []
        found: Path | None = None
        for folder in (directory, *directory.parents):
            if folder in self.nearest:
                found = self.nearest[folder]
                break
            walked.append(folder)
            candidates = (folder / name for name in CONFIG_FILES)
            found = next((c for c in candidates if c.is_file() and self.read(c) is not None), None)
            if found is not None:
                break
        for folder in walked:
            self.nearest[folder] = found
        return found


def _rule_options() -> dict[str, Option]:
    """The options rules declare (rules/registry.py): a profile's keys."""
    from aggqlint.checks.registry import options

    return options()
