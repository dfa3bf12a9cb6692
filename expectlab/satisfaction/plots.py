"""Plots of a fitted ``SatisfactionRegression``: the surface (3-D and contour) over the
region the data cover, satisfaction along D = P - E for the asymmetric model, and the
model comparison. Every function takes ``ax`` and returns the Axes; no global style.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from .._errors import InputError
from . import models as _models

__all__ = ["plot_asymmetry", "plot_comparison", "plot_contour", "plot_surface"]


def _mean_controls(fitted, n: int) -> np.ndarray:
    c = fitted._controls
    if c.shape[1] == 0:
        return np.empty((n, 0))
    wn = fitted._w / fitted._w.sum()
    return np.repeat((wn @ c)[None, :], n, axis=0)


def _grid(fitted, model: str, grid: int):
    """Predicted surface on a grid over the data's convex hull (NaN outside)."""
    from matplotlib.path import Path
    from scipy.spatial import ConvexHull, QhullError

    name, fit = fitted._get(model)
    p, e = fitted._p_raw, fitted._e_raw
    pg = np.linspace(p.min(), p.max(), grid)
    eg = np.linspace(e.min(), e.max(), grid)
    pp, ee = np.meshgrid(pg, eg)
    design = fitted._model_design(name, pp.ravel(), ee.ravel(), _mean_controls(fitted, pp.size))
    zz = (design @ fit.params).reshape(pp.shape)
    points = np.unique(np.column_stack([p, e]), axis=0)
    try:
        hull = ConvexHull(points)
        inside = Path(points[hull.vertices]).contains_points(
            np.column_stack([pp.ravel(), ee.ravel()]), radius=1e-9).reshape(pp.shape)
        zz = np.where(inside, zz, np.nan)
        hull_xy = points[np.append(hull.vertices, hull.vertices[0])]
    except (QhullError, ValueError):
        hull_xy = None
    return name, pp, ee, zz, hull_xy


def _literal(text: object) -> str:
    """Column names come from client files: draw them as typed, never as mathtext
    (an unescaped ``$`` pair would render as formula or fail to parse)."""
    return str(text).replace("$", r"\$")


def _labels(fitted) -> tuple[str, str, str]:
    lab = {k: _literal(v) for k, v in fitted.labels_.items()}
    return (f"Experience / performance ({lab['experience']})",
            f"Expectation ({lab['expectation']})", f"Satisfaction ({lab['satisfaction']})")


def _lines(fitted):
    lo, hi = fitted.scale_
    c = fitted.center_ if fitted.center is not None else (lo + hi) / 2.0
    t = np.linspace(lo, hi, 50)
    loc = (t, t)
    loic = (t, 2 * c - t)
    keep = (loic[1] >= lo) & (loic[1] <= hi)
    return loc, (loic[0][keep], loic[1][keep])


def plot_surface(fitted, model: str = "full", ax=None, grid: int = 30, show_points: bool = False,
                 **kwargs):
    """3-D surface of a fitted model over the convex hull of the observed (P, E) pairs.

    The lines of congruence (P = E, solid) and incongruence (dashed, through the scale
    midpoint) are drawn on the surface. ``kwargs`` go to ``plot_surface`` of matplotlib.
    """
    import matplotlib.pyplot as plt

    fitted._check_fitted()
    if ax is None:
        fig = plt.figure(figsize=(6.5, 5.5))
        ax = fig.add_subplot(projection="3d")
    elif not hasattr(ax, "plot_surface"):
        raise InputError("plot_surface needs a 3-D Axes: fig.add_subplot(projection='3d').")
    name, pp, ee, zz, _ = _grid(fitted, model, grid)
    opts = {"cmap": "viridis", "alpha": 0.85, "linewidth": 0, "antialiased": True}
    opts.update(kwargs)
    ax.plot_surface(pp, ee, np.ma.masked_invalid(zz), **opts)
    fit = fitted.results_[name]
    p_obs, e_obs = fitted._p_raw, fitted._e_raw
    for (px, ey), style in zip(_lines(fitted), ("-", "--"), strict=True):
        # Draw the lines only where respondents are, like the surface itself.
        inside = ((px >= p_obs.min()) & (px <= p_obs.max()) & (ey >= e_obs.min())
                  & (ey <= e_obs.max()))
        px, ey = px[inside], ey[inside]
        if len(px) < 2:
            continue
        d = fitted._model_design(name, px, ey, _mean_controls(fitted, len(px)))
        ax.plot(px, ey, d @ fit.params, color="black", linestyle=style, linewidth=1.5)
    if show_points:
        ax.scatter(fitted._p_raw, fitted._e_raw, fitted._y, s=4, color="grey", alpha=0.4)
    xl, yl, zl = _labels(fitted)
    ax.set_xlabel(xl)
    ax.set_ylabel(yl)
    ax.set_zlabel(zl)
    ax.set_title(f"Fitted satisfaction surface: {_models.MODELS[name].label}")
    return ax


def plot_contour(fitted, model: str = "full", ax=None, grid: int = 60, levels: int = 12,
                 show_points: bool = True, **kwargs):
    """Contour map of the fitted surface over the data's convex hull.

    Observed respondents are shown as points and the hull as a thin outline; the line of
    congruence (P = E) is solid, the line of incongruence dashed.
    """
    import matplotlib.pyplot as plt

    fitted._check_fitted()
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 5.5))
    name, pp, ee, zz, hull_xy = _grid(fitted, model, grid)
    opts = {"cmap": "viridis", "levels": levels}
    opts.update(kwargs)
    cs = ax.contourf(pp, ee, np.ma.masked_invalid(zz), **opts)
    ax.figure.colorbar(cs, ax=ax, label="Predicted satisfaction")
    if show_points:
        ax.scatter(fitted._p_raw, fitted._e_raw, s=6, color="white", edgecolor="black",
                   linewidth=0.3, alpha=0.6, label="respondents")
    if hull_xy is not None:
        ax.plot(hull_xy[:, 0], hull_xy[:, 1], color="grey", linewidth=0.8)
    (lx, ly), (ix, iy) = _lines(fitted)
    ax.plot(lx, ly, color="black", label="congruence (P = E)")
    ax.plot(ix, iy, color="black", linestyle="--", label="incongruence")
    xl, yl, _ = _labels(fitted)
    ax.set_xlabel(xl)
    ax.set_ylabel(yl)
    lo, hi = fitted.scale_
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_aspect("equal")
    ax.set_title(f"Satisfaction surface ({_models.MODELS[name].label})")
    ax.legend(loc="lower right", fontsize="small")
    return ax


def plot_asymmetry(fitted, ax=None, bins: int = 12, **kwargs):
    """Predicted satisfaction along D = P - E from the asymmetric model, with its interval.

    Expectation is held at its (weighted) mean; the difference model is drawn for
    comparison when fitted, and binned observed means as points.
    """
    import matplotlib.pyplot as plt

    name, fit = fitted._get("asymmetric")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4.5))
    wn = fitted._w / fitted._w.sum()
    d_obs = fitted._p_raw - fitted._e_raw
    d = np.linspace(d_obs.min(), d_obs.max(), 100)
    e = np.full_like(d, float(wn @ fitted._e_raw))
    cm = _mean_controls(fitted, len(d))
    design = fitted._model_design(name, e + d, e, cm)
    pred = design @ fit.params
    se = np.sqrt(np.einsum("ij,jk,ik->i", design, fit.cov, design))
    zq = stats.norm.ppf(1 - fitted.alpha / 2)
    opts = {"color": "C0", "label": "asymmetric model"}
    opts.update(kwargs)
    ax.plot(d, pred, **opts)
    ax.fill_between(d, pred - zq * se, pred + zq * se, color=opts["color"], alpha=0.2,
                    label=f"{1 - fitted.alpha:.0%} interval")
    if "difference" in fitted.results_:
        dd = fitted._model_design("difference", e + d, e, cm)
        ax.plot(d, dd @ fitted.results_["difference"].params, color="C1", linestyle="--",
                label="difference model")
    edges = np.unique(np.quantile(d_obs, np.linspace(0, 1, bins + 1)))
    which = np.clip(np.searchsorted(edges, d_obs, side="right") - 1, 0, len(edges) - 2)
    centres, means = [], []
    for j in range(len(edges) - 1):
        mask = which == j
        if mask.any():
            centres.append(np.average(d_obs[mask], weights=fitted._w[mask]))
            means.append(np.average(fitted._y[mask], weights=fitted._w[mask]))
    ax.scatter(centres, means, color="black", s=18, zorder=3, label="observed mean (binned)")
    ax.axvline(0, color="grey", linewidth=0.8)
    ax.set_xlabel("Disconfirmation D = experience - expectation (scale points)")
    ax.set_ylabel(f"Satisfaction ({_literal(fitted.labels_['satisfaction'])})")
    ax.set_title("Gains and losses against expectations")
    ax.legend(fontsize="small")
    return ax


def plot_comparison(fitted, criterion: str = "aic", ax=None, **kwargs):
    """Bar chart of the models by AIC / BIC difference to the best, or adjusted R2."""
    import matplotlib.pyplot as plt

    fitted._check_fitted()
    table = fitted.comparison_
    if criterion in ("aic", "bic"):
        values = table[criterion] - table[criterion].min()
        xlabel = f"{criterion.upper()} difference to the best model (lower is better)"
    elif criterion in ("adj_r2", "r2"):
        values = table[criterion]
        xlabel = "Adjusted R squared" if criterion == "adj_r2" else "R squared"
    else:
        raise InputError(f"criterion must be 'aic', 'bic', 'adj_r2' or 'r2', got {criterion!r}.")
    values = values.sort_values(ascending=criterion in ("aic", "bic"))
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 0.3 * len(values) + 1.5))
    opts = {"color": "C0"}
    opts.update(kwargs)
    ax.barh(list(values.index)[::-1], values.to_numpy()[::-1], **opts)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("Model")
    ax.set_title("Which model describes satisfaction best?")
    return ax
