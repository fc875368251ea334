"""The local OSV directory source: indexing, withdrawn records, ecosystem coverage, the index cache."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from lockgate.deps.model import Dependency, Ecosystem
from lockgate.deps.osv import match
from lockgate.deps.sources.local_dir import SYNC_STAMP, LocalDirSource


def dep(eco: Ecosystem, name: str, version: str) -> Dependency:
    return Dependency(eco, name, version, "lock", 1, True)


def test_matches_across_ecosystems_and_ignores_withdrawn(ghsa: Path) -> None:
    source = LocalDirSource(ghsa)
    jwt = dep(Ecosystem.NUGET, "microsoft.identitymodel.jsonwebtokens", "6.20.0")
    rack = dep(Ecosystem.RUBYGEMS, "rack", "2.2.8")
    answer = source.query([jwt, rack])
    assert answer.error is None and {"NuGet", "RubyGems"} <= answer.covered
    matches, error = match(
        jwt, answer.advisories[("NuGet", "microsoft.identitymodel.jsonwebtokens")]
    )
    assert error is None
    assert [m.advisory.id for m in matches] == ["GHSA-59j7-ghrg-fj52"]  # GHSA-8g9c is withdrawn
    assert matches[0].fixed == "6.34.0"
    rack_ids = {m.advisory.id for m in match(rack, answer.advisories[("RubyGems", "rack")])[0]}
    assert rack_ids == {"GHSA-22f2-v57c-j9cx", "GHSA-54rr-7fvw-6x8f"}


def test_ecosystem_without_data_is_unchecked_not_clean(ghsa: Path) -> None:
    answer = LocalDirSource(ghsa / "npm").query(
        [dep(Ecosystem.NPM, "lodash", "4.17.15"), dep(Ecosystem.RUBYGEMS, "jquery-rails", "4.0.0")]
    )
    # the npm folder names jquery-rails inside an npm record: RubyGems is still not covered
    assert answer.covered == {"npm"}
    assert ("npm", "lodash") in answer.advisories
    assert ("RubyGems", "jquery-rails") not in answer.advisories


def test_missing_or_empty_directory_is_an_error(tmp_path: Path) -> None:
    d = dep(Ecosystem.NPM, "lodash", "4.17.15")
    missing = LocalDirSource(tmp_path / "nope").query([d])
    assert missing.error and "does not exist" in missing.error and not missing.covered
    (tmp_path / "empty").mkdir()
    empty = LocalDirSource(tmp_path / "empty").query([d])
    assert empty.error and "no OSV records" in empty.error


def test_index_is_cached_and_rebuilt_when_the_directory_changes(
    ghsa: Path, tmp_path: Path, isolated_cache: Path
) -> None:
    db = shutil.copytree(ghsa / "npm", tmp_path / "db")
    first = LocalDirSource(db)
    first.index()
    before = first.state()
    assert list((isolated_cache / "advisory-index").glob("*.json"))
    again = LocalDirSource(db)
    assert again.state() == before and again.index().records == first.index().records
    (db / "GHSA-xvch-5gv4-984h.json").unlink()
    changed = LocalDirSource(db)
    assert changed.state() != before
    assert len(changed.index().records) == len(first.index().records) - 1


def test_unreadable_records_are_listed_and_the_stamp_dates_the_data(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{ not json")
    record = {
        "id": "GHSA-test",
        "modified": "2020-01-01T00:00:00Z",
        "affected": [
            {
                "package": {"ecosystem": "npm", "name": "x"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}],
            }
        ],
    }
    (tmp_path / "GHSA-test.json").write_text(json.dumps(record))
    source = LocalDirSource(tmp_path)
    assert source.bad_files() == ["bad.json: not valid JSON (JSONDecodeError)"]
    assert source.index().newest == "2020-01-01T00:00:00Z"
    (tmp_path / SYNC_STAMP).write_text(json.dumps({"synced_at": "2026-11-01T00:00:00Z"}))
    (tmp_path / "GHSA-test.json").touch()
    assert LocalDirSource(tmp_path).index().newest == "2026-11-01T00:00:00Z"
