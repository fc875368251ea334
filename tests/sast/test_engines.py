

def test_checkov_sees_from_lines_with_their_build_arg_defaults() -> None:
    from lockgate.sast.checkov import resolve_from_args

    text = "ARG BASE=registry.local/py:3.11\nFROM ${BASE} AS build\nRUN true\nFROM $BASE\nFROM ${UNSET}\n"
    out = resolve_from_args(text).splitlines()
    assert out == [
        "ARG BASE=registry.local/py:3.11",
        "FROM registry.local/py:3.11 AS build",
        "RUN true",
        "FROM registry.local/py:3.11",
        "FROM ${UNSET}",
    ]
