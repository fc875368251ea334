"""key_lines: the line of each TOML key, so config errors point at the right line."""

from __future__ import annotations

import textwrap
import tomllib

from lockgate.config.keylines import key_lines, line_of

SAMPLE = textwrap.dedent('''\
    title = "x"                       # 1
    [project]                         # 2
    name = "svc"                      # 3
    "quoted key" = 1                  # 4
    [stages.lint]                     # 5
    select = [                        # 6
      "E",                            # 7
      "fake = 1",                     # 8
    ]                                 # 9
    fail_on = "low"                   # 10
    [stages."test"]                   # 11
    help = """                        # 12
    looks = "like a key"
    [not.a.header]
    """                               # 15
    coverage.min = 80                 # 16
    [[suppress]]                      # 17
    rule = "A"                        # 18
    [[suppress]]                      # 19
    rule = "B"                        # 20
    [suppress.extra]                  # 21
    note = 'say "hi"'                 # 22
    literal = \'\'\'                  # 23
    x = 1
    \'\'\'                            # 25
    inline = { a = 1, b = [1, 2] }    # 26
    after = true                      # 27
    [[env.checks]]                    # 28
    url = "/"                         # 29
    [[env.checks]]                    # 30
    url = "/health"                   # 31
''')


def _resolve(data: object, path: tuple[str, ...]) -> bool:
    """Whether `path` (table keys, array-of-tables indices) names something in parsed TOML."""
    for part in path:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return False
    return True


def test_every_key_found_is_a_key_tomllib_parses_and_no_table_is_missed() -> None:
    parsed = tomllib.loads(SAMPLE)
    lines = key_lines(SAMPLE)
    phantom = [k for k in lines if not _resolve(parsed, k)]
    assert phantom == []
    assert {k[0] for k in lines} == set(parsed)
    tables = [("stages", "lint"), ("stages", "test"), ("suppress", "0"), ("suppress", "1")]
    assert all(t in lines for t in tables)


def test_lines_of_tables_keys_and_arrays() -> None:
    lines = key_lines(SAMPLE)
    expected = {
        ("title",): 1,
        ("project",): 2,
        ("project", "name"): 3,
        ("project", "quoted key"): 4,
        ("stages",): 5,
        ("stages", "lint"): 5,
        ("stages", "lint", "select"): 6,
        ("stages", "lint", "fail_on"): 10,
        ("stages", "test"): 11,
        ("stages", "test", "help"): 12,
        ("stages", "test", "coverage"): 16,
        ("stages", "test", "coverage", "min"): 16,
        ("suppress", "0"): 17,
        ("suppress", "0", "rule"): 18,
        ("suppress", "1"): 19,
        ("suppress", "1", "rule"): 20,
        ("suppress", "1", "extra"): 21,
        ("suppress", "1", "extra", "note"): 22,
        ("suppress", "1", "extra", "literal"): 23,
        ("suppress", "1", "extra", "inline"): 26,
        ("suppress", "1", "extra", "after"): 27,
        ("env", "checks", "0", "url"): 29,
        ("env", "checks", "1", "url"): 31,
    }
    assert {k: lines.get(k) for k in expected} == expected


def test_text_inside_strings_and_arrays_is_not_a_key() -> None:
    lines = key_lines(SAMPLE)
    assert ("stages", "lint", "fake") not in lines
    assert ("stages", "test", "looks") not in lines
    assert ("not",) not in lines
    assert ("suppress", "1", "extra", "x") not in lines


def test_line_of_falls_back_to_enclosing_table() -> None:
    lines = key_lines(SAMPLE)
    assert line_of(lines, ("stages", "lint", "missing")) == 5
    assert line_of(lines, ("suppress", "1", "reason")) == 19
    assert line_of(lines, ("nothing", "here")) is None


def test_nested_array_index_restarts_under_each_parent() -> None:
    text = "[[a]]\n[[a.b]]\n[[a.b]]\n[[a]]\n[[a.b]]\nk = 1\n"
    lines = key_lines(text)
    assert lines[("a", "0", "b", "1")] == 3
    assert lines[("a", "1", "b", "0")] == 5
    assert lines[("a", "1", "b", "0", "k")] == 6


def test_escaped_quotes_and_comments() -> None:
    text = 'a = "say \\"[\\" here" # [ not an array\nb = 2\n'
    assert key_lines(text) == {("a",): 1, ("b",): 2}


def test_quoted_keys_are_unescaped_like_tomllib() -> None:
    text = '[a]\n"x\\u0041\\"y" = 1\n\'lit\\n\' = 2\n"tab\\tz" = 3\n'
    parsed = tomllib.loads(text)["a"]
    lines = key_lines(text)
    assert [lines[("a", k)] for k in parsed] == [2, 3, 4]
