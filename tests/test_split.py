"""The structural splitter cuts exactly the documents a JSON parser sees, at any chunk size."""

from __future__ import annotations

import io
import json

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bestvalue.ocds.readahead import ahead
from bestvalue.ocds.split import Splitter, Unsupported

TRICKY = [
    'a "quoted" {brace}',
    "back\\slash\\",
    "[not, an, array]",
    "ends with \\\\",
    "é ☃ \\u00e9",
]


def _cut(data: bytes, chunk: int) -> tuple[list[object], list[str], Splitter]:
    splitter = Splitter(io.BytesIO(data), chunk)
    docs, pointers = [], []
    for piece in splitter:
        docs += [json.loads(d) for d in piece.docs]
        pointers += piece.pointers
        # What the DuckDB path is given: the same documents (blanks after them) and pointers.
        texts, prefixes, numbers = piece.arrow()
        assert [json.loads(t) for t in texts.to_pylist()] == [json.loads(d) for d in piece.docs]
        places = zip(prefixes.to_pylist(), numbers.to_pylist(), strict=True)
        assert ["/" if n < 0 else f"{p}{n}" for p, n in places] == piece.pointers
    return docs, pointers, splitter


def _releases(n: int) -> list[dict]:
    return [
        {
            "ocid": f"ocds-{i}",
            "id": str(i),
            "tender": {
                "title": TRICKY[i % len(TRICKY)],
                "items": [{"id": "1", "description": TRICKY[(i + 1) % len(TRICKY)]}],
            },
        }
        for i in range(n)
    ]


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1 << 20])
@pytest.mark.parametrize("indent", [None, 2])
def test_package_at_any_chunk_size(chunk, indent):
    releases = _releases(12)
    package = {"uri": "x", "version": "1.1", "releases": releases, "publisher": {"name": "[}"}}
    docs, pointers, splitter = _cut(json.dumps(package, indent=indent).encode(), chunk)
    assert docs == releases
    assert pointers == [f"/releases/{i}" for i in range(12)]
    assert splitter.mode == "package"
    assert splitter.package() == {"uri": "x", "version": "1.1", "publisher": {"name": "[}"}}


@pytest.mark.parametrize("ahead", [10, 70_000, 900_000])
def test_a_package_or_line_longer_than_the_first_search_is_cut_all_the_same(ahead):
    """The releases array is looked for in the first 64 kB, then in the first megabyte: behind
    a publisher of any size below that, and after a first line of JSON lines of any size, the
    documents are the same. (Brackets inside the padding's strings are not structure.)"""
    releases = _releases(3)
    padding = "[{" * (ahead // 2)
    package = {"uri": "x", "publisher": {"name": padding}, "releases": releases}
    docs, pointers, splitter = _cut(json.dumps(package).encode(), 1 << 23)
    assert docs == releases and splitter.mode == "package"
    assert pointers == [f"/releases/{i}" for i in range(3)]
    lines = [{**releases[0], "note": padding}, *releases[1:]]
    text = "\n".join(json.dumps(r) for r in lines).encode()
    docs, pointers, splitter = _cut(text, 1 << 23)
    assert docs == lines and splitter.mode == "lines"
    assert pointers == ["line 1", "line 2", "line 3"]


@pytest.mark.parametrize("chunk", [1, 5, 1 << 20])
def test_json_lines_keep_their_line_numbers(chunk):
    releases = _releases(5)
    lines = [json.dumps(r) for r in releases]
    text = "\n".join([lines[0], "", lines[1], lines[2], "  ", lines[3], lines[4], ""])
    docs, pointers, splitter = _cut(text.encode(), chunk)
    assert docs == releases
    assert pointers == ["line 1", "line 3", "line 4", "line 6", "line 7"]
    assert not splitter.alone


@pytest.mark.parametrize("chunk", [3, 1 << 20])
def test_arrays_and_pretty_printed_documents(chunk):
    releases = _releases(3)
    docs, pointers, _ = _cut(json.dumps(releases, indent=1).encode(), chunk)
    assert (docs, pointers) == (releases, ["/0", "/1", "/2"])
    text = "\n".join(json.dumps(r, indent=2) for r in releases).encode()
    docs, pointers, _ = _cut(text, chunk)
    assert (docs, pointers) == (releases, ["/", "/1", "/2"])  # as the streaming reader names them
    docs, pointers, splitter = _cut(json.dumps(releases[0], indent=2).encode(), chunk)
    assert docs == releases[:1] and splitter.alone


@pytest.mark.parametrize(
    "text",
    [
        '{"records": [{"ocid": "x"}]}',  # a record package
        '{"ocid": "x", "releases": [{"ocid": "x", "id": "1"}], "compiledRelease": {}}',
        '{"releases": [{"ocid": "x"}, 5]}',  # not an object
        '{"releases": [{"ocid": "x"},, {"ocid": "y"}]}',
        '{"releases": [{"ocid": "x"},]}',
        '{"releases": [{"ocid": "x"}',  # cut short
        '{"releases": [{"ocid": "x"}]} {"releases": []}',  # two packages
        '[{"ocid": "x"}] junk',
        '"just a string"',
        "",
        '{"ocid": "a"}\n{"ocid": "b", "x": {\n}}',  # a document over two lines after one-liners
    ],
)
def test_what_it_does_not_cut_is_left_to_the_reader(text):
    with pytest.raises(Unsupported):
        _, _, splitter = _cut(text.encode(), 4)
        splitter.package()


text_values = st.text(alphabet=st.sampled_from(list('ab"\\{}[],: \n\té')), max_size=12)
documents = st.lists(
    st.fixed_dictionaries(
        {"ocid": text_values, "id": text_values},
        optional={"tender": st.dictionaries(text_values, text_values | st.lists(text_values))},
    ),
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(documents, st.integers(min_value=1, max_value=40), st.sampled_from([None, 1]))
def test_random_documents_are_cut_as_json_parses_them(releases, chunk, indent):
    package = json.dumps({"version": "1.1", "releases": releases}, indent=indent).encode()
    docs, pointers, splitter = _cut(package, chunk)
    assert docs == releases
    assert splitter.package() == {"version": "1.1"}
    if releases:
        lines = "\n".join(json.dumps(r, ensure_ascii=False) for r in releases).encode()
        assert _cut(lines, chunk)[0] == releases


def test_text_that_is_not_utf8_is_refused_when_handed_to_arrow():
    piece = next(iter(Splitter(io.BytesIO(b'[{"ocid": "a\xff"}, {"ocid": "b"}]'))))
    assert piece.pointers == ["/0", "/1"]
    with pytest.raises(pa.ArrowInvalid):
        piece.arrow()


def test_cutting_ahead_in_a_thread_gives_the_same_pieces_and_errors_in_order():
    data = ("\n".join(json.dumps({"ocid": f"o{i}", "x": "y" * 50}) for i in range(500))).encode()
    direct = [p.docs for p in Splitter(io.BytesIO(data), 1000)]
    assert len(direct) > 20
    assert [p.docs for p in ahead(iter(Splitter(io.BytesIO(data), 1000)), 2)] == direct

    def failing():
        yield 1
        yield 2
        raise Unsupported("third")

    seen = []
    with pytest.raises(Unsupported, match="third"):
        for item in ahead(failing(), 1):
            seen.append(item)
    assert seen == [1, 2]


def test_a_caller_that_stops_early_stops_the_thread():
    import threading

    produced = []

    def endless():
        n = 0
        while True:
            produced.append(n)
            yield n
            n += 1

    for item in ahead(endless(), 2):
        if item == 3:
            break
    assert not [t for t in threading.enumerate() if t.name == "bestvalue-scan"]
    assert len(produced) <= 3 + 1 + 2 + 1  # at most the queue's depth (and one in hand) ahead


def test_a_caller_that_fails_is_not_held_up_by_the_item_in_progress():
    """An error (or Ctrl-C) reaches the caller while the thread is still busy with the next item
    (as hashing the next file can be, for a minute on a large one)."""
    import threading

    back = threading.Event()  # set once the caller has its error
    waited_out: list[bool] = []

    def slow():
        yield 1
        waited_out.append(not back.wait(5))  # True if the caller was held until the wait ran out
        yield 2

    with pytest.raises(ValueError):
        for _ in ahead(slow(), 1):
            raise ValueError("the caller fails")
    assert waited_out == []  # the thread is still busy: the caller did not wait for it
    back.set()


def test_ahead_by_weight_holds_at_most_its_budget_and_always_one():
    """Weighted (bytes of files cut ahead), the thread runs ahead while what it holds for the
    caller fits the budget, and still hands over an item heavier than the whole budget."""
    import time

    produced: list[int] = []

    def weights():
        for w in (3, 3, 3, 10, 1):
            produced.append(w)
            yield w

    got = []
    for item in ahead(weights(), 7, weight=lambda w: w):
        if not got:  # the thread runs ahead meanwhile, as far as its budget goes
            deadline = time.monotonic() + 10
            while len(produced) < 4 and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(0.1)  # (and no further)
            # the caller has the first; the thread holds the next two (6 of 7) and has
            # computed the 10, which waits for the budget
            assert produced == [3, 3, 3, 10]
        got.append(item)
    assert got == [3, 3, 3, 10, 1]
