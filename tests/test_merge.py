"""Our direct merge gives exactly what ocdsmerge (the reference implementation) gives."""

from __future__ import annotations

import json
import random
import sys
import warnings
from pathlib import Path

import ocdsmerge
import pytest
from conftest import FIXTURES, releases_by_ocid
from hypothesis import given, settings
from hypothesis import strategies as st

from bestvalue.ocds.merge import MergeConflict, merge_releases, merge_rules

ROOT = Path(__file__).parents[1]
SCHEMA = json.loads((ROOT / "src/bestvalue/data/ocds-schema/release-schema.json").read_text())
REFERENCE = ocdsmerge.Merger(schema=SCHEMA)


def reference(releases: list[dict]) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return REFERENCE.create_compiled_release(releases)


def test_rules_match_ocdsmerge():
    ref = ocdsmerge.merge.get_merge_rules(SCHEMA)
    named = {"omitWhenMerged": "omit", "wholeListMerge": "whole"}
    assert merge_rules() == {path: named[rule] for path, rule in ref.items()}


def _by_date(releases: list[dict]) -> list[dict]:
    return sorted(releases, key=lambda r: r["date"])


@pytest.mark.parametrize(
    "publisher", ["paraguay-dncp", "colombia-cce", "mexico-jalisco", "canada-buyandsell"]
)
def test_real_processes(publisher):
    processes = releases_by_ocid(FIXTURES / publisher)
    assert processes
    for releases in processes.values():
        ordered = _by_date(releases)
        assert merge_releases(ordered) == reference(ordered)


def test_generated_processes():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from ingest import _process

    rng = random.Random(3)
    for n in range(300):
        releases = _process(rng, n)
        assert merge_releases(releases) == reference(releases)


KEYS = st.sampled_from(["title", "status", "value", "items", "amount", "x"])  # ids: below
# String ids only: when one array holds both 0 and "0" (in one release or across releases),
# ocdsmerge's result depends on the order in which its flattened keys collide, an artifact we do
# not copy: we merge them as one object. Real numeric ids (Colombia) are covered by
# test_real_processes.
IDS = st.sampled_from(["0", "1", "2", "a"])
LEAF = st.one_of(
    st.none(), st.integers(-5, 5), st.text(max_size=3), st.lists(st.integers(), max_size=2)
)
OBJ = st.recursive(
    LEAF,
    lambda inner: st.one_of(
        st.dictionaries(KEYS, inner, max_size=4),
        st.lists(st.dictionaries(KEYS, inner, max_size=3).map(lambda d: d), max_size=3),
        st.lists(
            st.builds(lambda i, d: {**d, "id": i}, IDS, st.dictionaries(KEYS, inner, max_size=3)),
            max_size=3,
        ),
    ),
    max_leaves=12,
)
SECTIONS = st.sampled_from(
    ["tender", "awards", "contracts", "planning", "buyer", "parties", "extension"]
)


# derandomize: CI runs the same examples every time; drop it locally to explore more.
@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.dictionaries(SECTIONS, OBJ, max_size=3), min_size=1, max_size=4))
def test_random_releases(bodies):
    releases = [
        {"ocid": "ocds-x", "id": str(i), "date": f"2020-01-0{i + 1}", "tag": ["tender"], **body}
        for i, body in enumerate(bodies)
    ]
    try:
        expected = reference(releases)
    except ocdsmerge.exceptions.InconsistentTypeError:
        with pytest.raises(MergeConflict):
            merge_releases(releases)
        return
    except Exception:  # the reference fails on inputs OCDS does not allow (e.g. list vs dict)
        return
    try:
        got = merge_releases(releases)
    except MergeConflict:
        pytest.fail("conflict where ocdsmerge merged")
    assert got == expected
