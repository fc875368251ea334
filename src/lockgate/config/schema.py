"""Every lockgate.toml key, declared once: type, default and help on one line each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lockgate.config.options import Option, positive
from lockgate.deploy.options import CONTAINER_OPTIONS, DEPLOY_OPTIONS, ENVIRONMENT_OPTIONS
from lockgate.model import Severity
from lockgate.naming.options import NAMING_OPTIONS

CONFIG_FILE = "lockgate.toml"
PYPROJECT_FILE = "pyproject.toml"
PYPROJECT_TABLE = ("tool", "lockgate")


def non_empty(value: Any) -> str | None:
    return None if str(value).strip() else "a non-empty string"


def not_negative(value: Any) -> str | None:
    return None if value >= 0 else "a number of 0 or more"


@dataclass(frozen=True)
class Section:
    """A top-level table; `each=True`: a table of user-named sub-tables, each checked against `options`."""

    name: str
    options: tuple[Option, ...]
    help: str
    each: bool = False


SEVERITIES = tuple(s.value for s in Severity)


def server_address(value: Any) -> str | None:
    """A team server's base URL (lockgate.client.server says what is wrong with one)."""
    from lockgate.client.server import server_url

    try:
        server_url(value)
    except ValueError as exc:
        return str(exc)
    return None


# fmt: off

PROJECT = Section("project", (
    Option("name", "str", None, "Service name in reports and the store; defaults to the project folder's name.", check=non_empty),
    Option("base_branch", "str", "main", "Branch that new-only gating compares against and production deploys come from.", check=non_empty),
    Option("id", "str", None, "Stable identity of the project in a shared store (e.g. github.com/org/repo); defaults to the git remote's URL, else the name.", check=non_empty),
), "The project and its main branch.")

RUN = Section("run", (
    Option("jobs", "int", 0, "Stages run in parallel; 0 = one per CPU core.", check=not_negative),
    Option("timeout", "float", 900.0, "Default time limit of each stage, in seconds.", check=positive),
), "How `lockgate run` schedules stages.")

# Keys every [stages.NAME] table accepts. A stage may re-declare one in its own `options` to change
# its default (its default wins; type and help stay these). GATE_KEYS go to StageSettings.gate.
COMMON: tuple[Option, ...] = (
    Option("enabled", "bool", True, "Run this stage; false skips it."),
    Option("fail_on", "str", "low", "Lowest severity of an open finding that fails the gate.", choices=SEVERITIES),
    Option("new_only", "bool", True, "Fail only on findings not in the baseline (new since the base branch)."),
    Option("timeout", "float", None, "Time limit of this stage in seconds; defaults to run.timeout.", check=positive),
    Option("fail_on_unchecked", "bool", False, "Fail the gate when the stage could not check something (a skipped file, an unchecked package, a scanner that cannot run); false: the run passes WITH UNCHECKED and warns."),
)
GATE_KEYS = ("fail_on", "new_only", "timeout", "fail_on_unchecked")

SUPPRESS = Section("suppress", (
    Option("reason", "str", None, "Why this finding is accepted (required).", check=non_empty),
    Option("expires", "date", None, "Date the suppression stops applying, e.g. 2027-03-31 (required)."),
    Option("stage", "str", None, "Only findings of this stage."),
    Option("rule", "str", None, "Only findings of this rule id, e.g. B101."),
    Option("path", "str", None, "Only findings in files matching this glob, e.g. tests/*."),
    Option("fingerprint", "str", None, "Only the finding with this fingerprint (from the reports)."),
), "Accepted findings, one `[[suppress]]` table each; give at least one of `rule`, `path`, `fingerprint`.")

POLICY = Section("policy", (
    Option("fail_on", "str", None, "Floor for every stage: each fails on this severity or a lower one; a later layer's looser fail_on is a finding.", choices=SEVERITIES),
    Option("required_stages", "list[str]", [], "Stages no later layer may disable."),
    Option("fail_on_unchecked", "bool", False, "true: every stage fails on what it could not check; no later layer may set it false."),
    Option("name_pattern", "str", None, "Regular expression every project name must match (the naming rule).", check=non_empty),
    Option("allowed_suppressions", "list[str]", [], "Stages, or stage:rule pairs, whose findings may be suppressed; empty: any."),
    Option("max_suppression_days", "int", 0, "Longest a suppression may run, in days from today; 0: no limit.", check=not_negative),
), "The org policy: floors that later layers (packs, the project) may tighten but never loosen.")

PORTABILITY = Section("portability", (
    Option("exception", "list[table]", [], "The exceptions register, one [[portability.exception]] each: match (a resource type or SDK, e.g. aws_dynamodb_table or boto3), reason, owner, review (a date); an exception past its review date is a finding."),
), "`lockgate portability`: accepted cloud-specific resources and SDKs.")

SERVER = Section("server", (
    Option("url", "str", None, "The team server (`lockgate serve`) that `lockgate run` and `lockgate deploy` report to, as with --report-to, e.g. https://lockgate.example.org; the token comes from $LOCKGATE_TOKEN, never from this file.", check=server_address),
), "Team mode: the lockgate server runs and deployments are reported to (see `lockgate sync`).")

# Other top-level sections, one line each; `Config.sections[name]` holds their frozen values.
SECTIONS: tuple[Section, ...] = (
    Section("container", CONTAINER_OPTIONS, "How the build stage builds the service's image (engine, Containerfile, base image)."),
    Section("deploy", DEPLOY_OPTIONS, "How `lockgate deploy` deploys: target, health check, drain, the command and kubernetes targets."),
    Section("environments", ENVIRONMENT_OPTIONS, "Deploy environments, one [environments.NAME] table each (default: review, staging, production).", each=True),
    Section("naming", NAMING_OPTIONS, "The organisation's naming policy, checked by the naming stage: casing, templates, required tags, banned words and abbreviations, platform limits."),
    POLICY,
    PORTABILITY,
    SERVER,
)

# fmt: on

RESERVED = ("project", "run", "stages", "suppress", "extends")
