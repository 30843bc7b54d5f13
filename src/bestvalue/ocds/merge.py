"""The OCDS merge, done directly on dicts: same result as ocdsmerge, several times faster.

ocdsmerge flattens every release into JSON paths and rebuilds the compiled release; ocdsmerge-rs
does the same in Rust but pays for converting nested Python objects both ways. Merging the dicts
in place is cheaper. The behaviour follows ocdsmerge (the reference implementation of
https://standard.open-contracting.org/1.1/en/schema/merging/) case by case, and
``tests/test_merge.py`` checks the two agree on real, generated and random data:

- objects merge recursively; arrays of objects merge by ``id`` (``1`` and ``"1"`` are one id, as
  in ocdsmerge), objects without ``id`` are appended;
- arrays of non-objects, and arrays the schema marks ``wholeListMerge``, are replaced whole;
  fields marked ``omitWhenMerged`` are left out;
- ``null`` removes a value, but not an object's fields set by earlier releases; empty objects and
  arrays change nothing; a value never replaces an object, and an object replacing a value is a
  type conflict (:class:`MergeConflict`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from typing import Any

from ..messages import message

__all__ = ["MergeConflict", "merge_releases", "merge_rules"]

Path = tuple[str, ...]
OMIT, WHOLE = "omit", "whole"


class MergeConflict(ValueError):
    """A field is an object in one release and a plain value in another."""

    def __init__(self, before: Any, kind: str) -> None:
        super().__init__()
        self.before, self.kind = before, kind
        self.path: list[str] = []

    def __str__(self) -> str:
        path = "/" + "/".join(self.path)
        return message("merge_conflict", path=path, before=repr(self.before), then=self.kind)


@lru_cache(maxsize=1)
def merge_rules() -> dict[Path, str]:
    """Paths (object keys only, no array positions) that are omitted or replaced whole."""
    text = resources.files("bestvalue").joinpath("data/ocds-schema/release-schema.json")
    schema = json.loads(text.read_text(encoding="utf-8"))
    return dict(_rules(schema["properties"], schema, ()))


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"only local $ref are supported, got {ref}")
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _types(node: dict[str, Any]) -> list[str]:
    kind = node.get("type", [])
    return [kind] if isinstance(kind, str) else list(kind)


def _rules(
    properties: dict[str, Any], root: dict[str, Any], path: Path
) -> Iterator[tuple[Path, str]]:
    for key, raw in properties.items():
        node, here = _resolve(raw, root), (*path, key)
        types = _types(node)
        if node.get("omitWhenMerged") or node.get("mergeStrategy") == "ocdsOmit":
            yield here, OMIT
        elif "array" in types and (
            node.get("wholeListMerge") or node.get("mergeStrategy") == "ocdsVersion"
        ):
            yield here, WHOLE
        elif "object" in types and "properties" in node:
            yield from _rules(node["properties"], root, here)
        elif "array" in types and "items" in node:
            items = _resolve(node["items"], root)
            item_types = _types(items)
            # Arrays of anything but objects, or of objects without an id, are replaced whole.
            if any(t != "object" for t in item_types):
                yield here, WHOLE
            elif "object" in item_types and "properties" in items:
                if "id" not in items["properties"]:
                    yield here, WHOLE
                else:
                    yield from _rules(items["properties"], root, here)


@lru_cache(maxsize=1)
def _trie() -> dict[str, Any]:
    """The rules as a trie: key -> (rule, children), walked along with the data."""
    root: dict[str, Any] = {}
    for path, rule in merge_rules().items():
        node = root
        for key in path[:-1]:
            node = node.setdefault(key, [None, {}])[1]
        node.setdefault(path[-1], [None, {}])[0] = rule
    return root


def merge_releases(releases: list[dict[str, Any]]) -> dict[str, Any]:
    """Merge releases, already in date order, into a compiled release."""
    merger = _Merger()
    compiled: dict[str, Any] = {"tag": ["compiled"]}
    trie = _trie()
    for release in releases:
        body = {k: v for k, v in release.items() if k != "tag"}
        merger.object(compiled, body, trie)
        compiled["id"] = f"{release.get('ocid')}-{release.get('date')}"
        compiled["date"] = release.get("date")
        compiled["ocid"] = release.get("ocid")
    if merger.null_ids:
        _drop_null_ids(compiled)
    return compiled


def _objects_only(value: list[Any]) -> bool:
    return bool(value) and all(type(v) is dict for v in value)


def _drop_null_ids(value: Any) -> None:
    """Objects whose id was null are matched by that null, but carry no id (as in ocdsmerge)."""
    if isinstance(value, dict):
        for child in value.values():
            _drop_null_ids(child)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and "id" in item and item["id"] is None:
                del item["id"]
            _drop_null_ids(item)


_NO_RULES: dict[str, Any] = {}


class _Merger:
    """Walks each release along with the rule trie; this loop is the hot path of ingest."""

    def __init__(self) -> None:
        self.null_ids = False

    def object(
        self,
        target: dict[str, Any],
        source: dict[str, Any],
        rules: dict[str, Any],
        matched: bool = False,
    ) -> bool:
        """Merge ``source`` into ``target``; True if any value (even null) was met beneath.

        As in ocdsmerge, an object or array comes into being only when a value is set in it.
        """
        touched = False
        for key, value in source.items():
            node = rules.get(key) if rules else None
            rule, children = (node[0], node[1]) if node else (None, _NO_RULES)
            if rule == OMIT or (matched and key == "id"):  # a matched object keeps its id
                continue
            kind = type(value)
            if kind is list:
                leaf = rule == WHOLE or any(type(item) is not dict for item in value)
            else:
                leaf = kind is not dict
            if leaf:
                touched = True
                current = target.get(key)
                if type(current) is dict or (
                    type(current) is list and rule != WHOLE and _objects_only(current)
                ):
                    continue  # a value, or null, never replaces an object's fields
                if value is None:
                    target.pop(key, None)
                else:
                    target[key] = value
            elif value:  # empty objects and arrays change nothing
                try:
                    touched |= self.nonempty(target, key, value, children)
                except MergeConflict as exc:
                    exc.path.insert(0, key)
                    raise
        return touched

    def nonempty(self, target: dict[str, Any], key: str, value: Any, rules: dict[str, Any]) -> bool:
        current = target.get(key)
        kind = type(value)
        conflict = current is not None and type(current) is not kind
        node = kind() if current is None or conflict else current
        touched = (
            self.object(node, value, rules) if kind is dict else self.array(node, value, rules)
        )
        if touched and conflict:  # only a real value inside makes it a conflict
            raise MergeConflict(current, kind.__name__)
        if touched and current is None:
            target[key] = node
        return touched

    def array(
        self, current: list[dict[str, Any]], items: list[dict[str, Any]], rules: dict[str, Any]
    ) -> bool:
        by_id = {str(o["id"]): o for o in current if type(o) is dict and "id" in o}
        touched = False
        for item in items:
            if not item:
                continue
            if "id" in item and type(item["id"]) not in (dict, list):
                self.null_ids |= item["id"] is None
                obj = by_id.get(str(item["id"]))
                if obj is None:
                    obj = by_id[str(item["id"])] = {"id": item["id"]}
                    current.append(obj)
                self.object(obj, item, rules, matched=True)
                touched = True
            else:
                obj = {}
                if self.object(obj, item, rules):
                    current.append(obj)
                    touched = True
        return touched
