"""Bad input gives one InputError that names what is wrong."""

import numpy as np
import pytest

from expectlab import (
    FiveGapModel,
    ImportancePerformance,
    InputError,
    PenaltyReward,
    ServqualGaps,
    Study,
)


def _gaps(sim, data=None, **kw):
    fit_kw = {"items": sim.items, "dimensions": sim.dimensions}
    fit_kw.update(kw.pop("fit", {}))
    return ServqualGaps(scale=kw.pop("scale", (1, 7)), **kw).fit(
        sim.data if data is None else data, **fit_kw)


def test_missing_column_is_named(two):
    with pytest.raises(InputError, match="per_rel3"):
        _gaps(two, two.data.drop(columns=["per_rel3"]))


def test_text_in_an_item_names_column_and_row(two):
    bad = two.data.copy()
    bad["exp_emp2"] = bad["exp_emp2"].astype(object)
    bad.loc[7, "exp_emp2"] = "n/a?"
    with pytest.raises(InputError, match=r"exp_emp2.*row 7 = 'n/a\?'"):
        _gaps(two, bad)


def test_value_outside_the_declared_scale(two):
    bad = two.data.copy()
    bad.loc[3, "per_tan1"] = 99
    with pytest.raises(InputError, match=r"per_tan1.*outside the declared scale 1-7.*99"):
        _gaps(two, bad)


def test_dimension_without_items(two):
    dims = {**two.dimensions, "price": []}
    with pytest.raises(InputError, match="Dimension 'price' has no items"):
        _gaps(two, fit={"dimensions": dims})


def test_item_in_no_dimension_and_unknown_item(two):
    dims = {k: v for k, v in two.dimensions.items() if k != "empathy"}
    with pytest.raises(InputError, match="belong to no dimension"):
        _gaps(two, fit={"dimensions": dims})
    with pytest.raises(InputError, match="'nope'"):
        _gaps(two, fit={"dimensions": {**two.dimensions, "x": ["nope"]}})


def test_e_and_p_on_different_scales(two):
    data = two.data.copy()
    pcols = [p for _, p in two.items.values()]
    # perception exported on 1-10
    data[pcols] = np.round(data[pcols] * 10 / 7)
    with pytest.raises(InputError, match="different scales.*expectation answers 3 to 7.*"
                                         "perception answers 1 to 10"):
        _gaps(two, data, scale="infer")
    book = {"variables": {**{e: {"scale": [1, 7]} for e, _ in two.items.values()},
                          **{p: {"scale": [1, 10]} for _, p in two.items.values()}}}
    study = Study.from_frame(data, book)
    with pytest.raises(InputError, match="declared on different answer scales.*expectation "
                                         "items on 1-7, perception items on 1-10"):
        ServqualGaps().fit(study, items=two.items, dimensions=two.dimensions)


def test_mixed_formats_and_bad_pairs(two):
    items = dict(two.items)
    items["tan1"] = ("des_x", "ade_x", "per_x")
    with pytest.raises(InputError, match="mixes the two-column format"):
        _gaps(two, fit={"items": items})
    with pytest.raises(InputError, match="more than one role"):
        _gaps(two, fit={"items": {"a": ("x", "y"), "b": ("y", "z")}, "dimensions": None})


def test_scale_must_be_known(two):
    with pytest.raises(InputError, match="not declared"):
        _gaps(two, scale=None)


def test_importance_errors(two):
    with pytest.raises(InputError, match="needs overall="):
        _gaps(two, fit={"importance": "derived"})
    bad = two.data.copy()
    bad.loc[4, "points_rel"] = -5
    with pytest.raises(InputError, match=r"points_rel.*negative.*row 4 = -5"):
        _gaps(two, bad, fit={"importance": two.importance})
    with pytest.raises(InputError, match="missing \\['empathy'\\]"):
        imp = {k: v for k, v in two.importance.items() if k != "empathy"}
        _gaps(two, fit={"importance": imp})


def test_empty_data_and_bad_params(two):
    with pytest.raises(InputError, match="no rows"):
        _gaps(two, two.data.iloc[0:0])
    with pytest.raises(InputError, match="alpha"):
        _gaps(two, alpha=2)
    with pytest.raises(InputError, match="negative"):
        _gaps(two, fit={"weights": np.full(len(two.data), -1.0)})


def test_plot_zone_needs_three_columns(two):
    m = _gaps(two)
    with pytest.raises(InputError, match="three-column"):
        m.plot_zone()


def test_five_gap_errors(two):
    with pytest.raises(InputError, match="not a key of items"):
        FiveGapModel(scale=(1, 7)).fit(two.data, two.management, items=two.items,
                                       management_items={"zzz": {"belief": "belief_tan1"}})
    with pytest.raises(InputError, match="unknown role"):
        FiveGapModel(scale=(1, 7)).fit(two.data, two.management, items=two.items,
                                       management_items={"tan1": {"hope": "belief_tan1"}})
    bad = two.management.copy()
    bad.loc[2, "standard_rel1"] = 12
    with pytest.raises(InputError, match=r"standard_rel1.*outside the declared scale"):
        FiveGapModel(scale=(1, 7)).fit(two.data, bad, items=two.items,
                                       management_items=two.management_items)
    with pytest.raises(InputError, match="delivery_emp5"):
        FiveGapModel(scale=(1, 7)).fit(two.data, two.management.drop(columns="delivery_emp5"),
                                       items=two.items, management_items=two.management_items)


def test_penalty_reward_errors(attrs):
    with pytest.raises(InputError, match="leave no middle answer"):
        PenaltyReward(low_boxes=3, high_boxes=2, scale=(1, 5), n_boot=0).fit(
            attrs.data, attributes=attrs.attributes, overall="overall_satisfaction")
    data = attrs.data.copy()
    data["perf_welcome_gift"] = data["perf_welcome_gift"].clip(lower=3)
    with pytest.raises(InputError, match="'welcome gift'.*no respondent rated it low"):
        PenaltyReward(scale=(1, 5), n_boot=0).fit(
            data, attributes=attrs.attributes, overall="overall_satisfaction")
    with pytest.raises(InputError, match="overall= is required"):
        PenaltyReward(scale=(1, 5)).fit(attrs.data, attributes=attrs.attributes,
                                        overall=None)


def test_ipa_errors(attrs):
    with pytest.raises(InputError, match="importance= .*or overall="):
        ImportancePerformance(scale=(1, 5)).fit(attrs.data, performance=attrs.attributes)
    imp = dict(list(attrs.importance.items())[:2])
    with pytest.raises(InputError, match="no column for attribute"):
        ImportancePerformance(scale=(1, 5)).fit(attrs.data, performance=attrs.attributes,
                                                importance=imp)
    with pytest.raises(InputError, match="crosshair"):
        ImportancePerformance(crosshair="max").fit(attrs.data, performance=attrs.attributes,
                                                   overall="overall_satisfaction")
    data = attrs.data.assign(perf_clean_room=attrs.data["perf_clean_room"].astype(object))
    data.loc[0, "perf_clean_room"] = "good"
    with pytest.raises(InputError, match="perf_clean_room"):
        ImportancePerformance(scale=(1, 5)).fit(data, performance=attrs.attributes,
                                                overall="overall_satisfaction")
