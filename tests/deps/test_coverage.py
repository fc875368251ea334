"""Which ecosystems a local advisory folder covers, how old its data is per ecosystem, and records
that cannot be read: counted and named, never fatal, never silently dropped."""

from __future__ import annotations

import json
from pathlib import Path

from lockgate.deps.model import Dependency, Ecosystem
from lockgate.deps.sources.local_dir import SYNC_STAMP, LocalDirSource
from lockgate.deps.sync import write_manifest
from tests.deps.osvdb import iso, record, write

JINJA = Dependency(Ecosystem.PYPI, "jinja2", "2.10", "requirements.txt", 1, True)
JSON_NET = Dependency(Ecosystem.NUGET, "Newtonsoft.Json", "12.0.3", "packages.lock.json", 5, True)


def test_a_nuget_folder_does_not_cover_pypi_whatever_its_first_record_names(tmp_path: Path) -> None:
    db = write(
        tmp_path / "db",
        # sorted first, and its first affected package is PyPI: a cross-ecosystem record
        record("GHSA-0000-mixed", [("PyPI", "jinja2"), ("NuGet", "Jinja.Net")], fixed="9.9"),
        record("GHSA-1111-nuget", [("NuGet", "Newtonsoft.Json")], fixed="13.0.1"),
    )
    answer = LocalDirSource(db).query([JINJA, JSON_NET])
    assert answer.covered == {"NuGet"}
    assert ("PyPI", "jinja2") not in answer.advisories


def test_the_sync_manifest_declares_coverage_and_dates_each_ecosystem(tmp_path: Path) -> None:
    db = write(tmp_path / "db", record("GHSA-1111-nuget", [("NuGet", "Newtonsoft.Json")]))
    write_manifest(db, "NuGet", iso(2), 1, "https://osv.example.invalid")
    write_manifest(db, "PyPI", iso(400), 3, "https://osv.example.invalid")  # synced, then not
    write_manifest(db, "npm", iso(1), 0, "https://osv.example.invalid")  # an empty export
    manifest = json.loads((db / SYNC_STAMP).read_text())
    assert set(manifest["ecosystems"]) == {"NuGet", "PyPI", "npm"}  # earlier syncs kept
    answer = LocalDirSource(db).query([JINJA, JSON_NET])
    assert answer.covered == {"NuGet", "PyPI"}
    assert answer.data_times["PyPI"] < answer.data_times["NuGet"]


def test_records_date_their_ecosystem_when_there_is_no_manifest(tmp_path: Path) -> None:
    db = write(
        tmp_path / "db",
        record("PYSEC-1", [("PyPI", "jinja2")], modified="2024-10-10T00:00:00Z"),
        record("GHSA-2", [("NuGet", "Newtonsoft.Json")], modified=iso(1)),
    )
    answer = LocalDirSource(db).query([JINJA])
    assert answer.data_times["PyPI"] == "2024-10-10T00:00:00Z"
    assert answer.data_times["NuGet"] > answer.data_times["PyPI"]


def test_malformed_and_unreadable_records_are_counted_and_named(tmp_path: Path) -> None:
    good = record("PYSEC-GOOD", [("PyPI", "jinja2")], fixed="2.10.1")
    db = write(
        tmp_path / "db",
        good,
        "{ not json",
        json.dumps([1, 2, 3]),
        {"id": "BAD-PACKAGE", "affected": [{"package": "jinja2"}]},
        {
            "id": "BAD-EVENT",
            "affected": [
                {
                    "package": {"ecosystem": "PyPI", "name": "jinja2"},
                    "ranges": [{"type": "ECOSYSTEM", "events": [{}]}],
                }
            ],
        },
        {"id": "BAD-ALIASES", "aliases": "CVE-1", "affected": []},
        {"id": 7},
    )
    (db / "latin1.json").write_bytes(b'{"id": "caf\xe9"}')
    answer = LocalDirSource(db).query([JINJA])
    assert [a.id for a in answer.advisories[("PyPI", "jinja2")]] == ["PYSEC-GOOD"]
    named = {b.split(":", 1)[0]: b for b in answer.bad_records}
    assert set(named) == {
        "raw-1.json",
        "raw-2.json",
        "BAD-PACKAGE.json",
        "BAD-EVENT.json",
        "BAD-ALIASES.json",
        "raw-6.json",
        "latin1.json",
    }
    assert "not valid JSON" in named["raw-1.json"] and "not UTF-8" in named["latin1.json"]
