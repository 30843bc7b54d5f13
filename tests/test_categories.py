"""Recognising publishers' codes, the taxonomy, and classifying the real samples."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES

from bestvalue import InputError, classify, evaluate_classifier, ingest
from bestvalue.categories import at_level, needs_classifying, taxonomy, unspsc_code
from bestvalue.categories.evaluate import evaluate_examples
from bestvalue.categories.model import DEFAULT_THRESHOLD
from bestvalue.categories.recognise import Crosswalk, ItemKey, recognise

DNCP = (
    "Catálogo de productos, bienes y servicios de la Dirección Nacional de Contrataciones "
    "Públicas del Paraguay"
)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("30181503-001", "30181503"),  # Paraguay DNCP: commodity + suffix
        ("801116", "80111600"),  # Colombia: a class
        ("80000000", "80000000"),
        ("43-21-15-07", "43211507"),
        ("4321 1507", "43211507"),
        ("4321150701", "43211507"),  # business-function suffix
        ("43", "43000000"),
        ("T004Q", None),  # GSIN
        ("007-011", None),  # Jalisco family-subfamily
        ("", None),
        ("00123456", None),
        ("123", None),
    ],
)
def test_unspsc_code(raw, code):
    assert unspsc_code(raw) == code


def test_taxonomy_levels_titles_and_newer_codes():
    tax = taxonomy()
    assert (
        tax.title("43000000", "es")
        == "Telecomunicaciones y radiodifusión de tecnología de la información"
    )
    assert tax.title("10101501", "fr") == "Chats"
    assert at_level("43211507", "family") == "43210000"
    assert at_level("43000000", "class") == "43000000"  # coarser codes stay as they are
    assert tax.deepest_known("43211599") == "43211500"  # a commodity v7 does not list
    assert tax.deepest_known("95121500") == "95121500"  # segment 95 is newer than v7
    assert "not in edition v7" in tax.label("95121500")


def test_recognise_what_publishers_send():
    py = recognise(ItemKey(DNCP, "27111602-001", "", "Martillo para carpinteria", DNCP))
    assert (py.code, py.method, py.source_scheme) == ("27111602", "code", "DNCP-PY")
    assert py.text == "Martillo para carpinteria"  # the scheme's name repeated is dropped
    no_scheme = recognise(ItemKey("", "30181503-001", "", "Inodoro"))
    assert no_scheme.code == "30181503" and "DNCP pattern" in no_scheme.note
    co = recognise(ItemKey("UNSPSC", "", "801116", "Servicios de personal temporal"))
    assert (co.code, co.note) == ("80111600", "item.id")
    ca = recognise(ItemKey("GSIN", "T004Q"))
    assert ca.code is None and ca.text == "" and ca.source_scheme == "GSIN"
    extra = json.dumps([{"scheme": "UNSPSC", "id": "44121701"}])
    assert (
        recognise(ItemKey("FAM-GOB-JAL", "014-002", "", "Boligrafo", "", extra)).code == "44121701"
    )
    cpv = recognise(ItemKey("CPV", "30192000-1", "", "Toner"))
    assert cpv.code is None and cpv.source_scheme == "CPV" and "Office machinery" in cpv.text


def test_user_crosswalk_and_its_errors(tmp_path):
    good = tmp_path / "walk.csv"
    good.write_text(
        "scheme,code,unspsc,basis\n"
        "FAM-GOB-JAL,017-005,42000000,Jalisco family 'Material de curacion' = UNSPSC segment 42\n"
        "GSIN,N70*,43210000,GSIN group 70 (ADP equipment) = UNSPSC family 4321\n"
    )
    walk = Crosswalk.read([good])
    found = recognise(ItemKey("FAM-GOB-JAL", "017-005", "", "Banda dental"), walk)
    assert (found.code, found.method) == ("42000000", "crosswalk") and "curacion" in found.note
    assert recognise(ItemKey("GSIN", "N7021"), walk).code == "43210000"
    bad = tmp_path / "bad.csv"
    bad.write_text("scheme,code,unspsc,basis\nGSIN,T004Q,43210000,\n")
    with pytest.raises(InputError) as err:
        Crosswalk.read([bad])
    assert "bad.csv" in str(err.value) and "line 2" in str(err.value) and "basis" in str(err.value)


def test_every_real_item_is_classified_or_honestly_unclassified(classified):
    items = classified.table("items").to_pandas()
    assert len(items) == 1181
    assert set(items.category_method) <= {"code", "crosswalk", "model", "none"}
    assert items.category_method.notna().all()
    coded = items[items.category_method == "code"]
    assert (coded.category_scheme == "UNSPSC").all() and (coded.category_confidence == 1).all()
    unclassified = items[items.category_method == "none"]
    assert unclassified.category_code.isna().all() and unclassified.category_scheme.isna().all()
    model = items[items.category_method == "model"]
    assert (model.category_confidence >= DEFAULT_THRESHOLD).all()


def test_publishers_codes_are_read_as_sent(classified):
    items = classified.table("items").to_pandas()
    py = items[items.classification_scheme.str.startswith("Catálogo", na=False)]
    assert len(py) == 638 and (py.category_code == py.classification_id.str[:8]).all()
    co = items[(items.classification_scheme == "UNSPSC") & items.classification_id.isna()]
    assert len(co) == 61
    assert (co.category_code == co.item_id.str.ljust(8, "0")).all()
    ca = items[items.classification_scheme == "GSIN"]
    assert len(ca) == 11 and (ca.category_method == "none").all()  # no text, no crosswalk


def test_the_model_places_jalisco_families_where_a_person_would(classified):
    """Jalisco's own family titles, read by a person, name one UNSPSC segment each."""
    expected = {
        "ARTICULOS  Y MATERIALES DE ESCRITORIO": {"44", "14", "30"},  # office / paper supplies
        "ACCESORIOS UTENSILIOS Y EQ. DE LIMPIEZA": {"47"},  # cleaning
        "ARTICULOS CONSUMIBLES DE LIMPIEZA": {"47"},
        "MATERIAL DE CURACION": {"42"},  # medical supplies
        "PAQUETES Y PROGRAMAS(SOFTWARE)": {"43"},  # software
    }
    items = classified.table("items").to_pandas()
    model = items[
        (items.classification_scheme == "FAM-GOB-JAL") & (items.category_method == "model")
    ]
    assert len(model) >= 50
    right = [
        code[:2] in expected.get(family, set())
        for family, code in zip(model.classification_description, model.category_code, strict=True)
    ]
    assert sum(right) / len(right) >= 0.85


def test_item_categories_has_one_row_per_key(classified):
    lookup = classified.table("item_categories").to_pandas()
    assert not needs_classifying(classified)
    assert len(lookup) == 341 and lookup.category_key.is_unique


def test_a_new_ingest_marks_items_for_classifying_again(tmp_path):
    from bestvalue import open_warehouse

    with open_warehouse(tmp_path / "w.duckdb") as wh:
        ingest([FIXTURES / "colombia-cce"], wh, country="CO", skip_bad=True)
        assert needs_classifying(wh)
        report = classify(wh)
        assert report.methods["code"] == report.keys and not needs_classifying(wh)
        first = wh.table("item_categories").to_pandas()
        classify(wh)
        assert wh.table("item_categories").to_pandas().equals(first)
        ingest([FIXTURES / "canada-buyandsell"], wh, country="CA", skip_bad=True)
        assert needs_classifying(wh)


def test_evaluation_groups_by_text_so_duplicates_cannot_leak():
    """A made-up word seen only with one family: a random split would learn it, ours cannot."""
    texts = ["zzqx widget"] * 10 + ["computadora portatil"] * 5 + ["papel bond carta"] * 5
    families = ["10100000"] * 10 + ["43210000"] * 5 + ["14110000"] * 5
    result = evaluate_examples(texts, families, folds=3)
    assert result.distinct_texts == 3 and result.folds == 3
    loose = result.results[0]
    assert loose.answered < len(texts)  # the made-up word is never answered right


def test_evaluate_on_the_real_coded_items(classified):
    result = evaluate_classifier(classified)
    assert result.examples >= 150 and result.folds == 5
    coverage = [r.coverage for r in result.results]
    assert coverage == sorted(coverage, reverse=True) and coverage[0] > coverage[-1]
    for r in result.results:
        assert r.segment_accuracy is None or 0 <= r.segment_accuracy <= 1
