"""Seeded simulators of repeat buying: BG/NBD, Pareto/NBD and Gamma-Gamma spend.

``simulate_bg_nbd`` and ``simulate_pareto_nbd`` draw per-customer summaries (frequency,
recency, T) straight from the model, vectorised: given the number of events a latent
Poisson process makes in a window, their times are uniform order statistics, so the
time of the x-th event is the window length times a Beta(x, n - x + 1) draw.
``simulate_transaction_log`` produces a dated log (customer, date, amount) and
``simulate_client_transactions`` the example log of the client survey, where satisfied
customers buy more often and drop out less.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._errors import InputError
from .._resample import check_random_state

__all__ = [
    "RepeatSimulation",
    "simulate_bg_bb",
    "simulate_bg_nbd",
    "simulate_client_transactions",
    "simulate_gamma_gamma",
    "simulate_pareto_nbd",
    "simulate_transaction_log",
    "write_examples",
]


@dataclass
class RepeatSimulation:
    """Simulated data and the truth behind it.

    ``data``: per-customer summary (``frequency``, ``recency``, ``T``; or ``frequency``,
    ``monetary_value``) or a transaction log. ``truth``: the parameters (``truth["params"]``)
    and per-customer latent values (``truth["customers"]``).
    """

    data: pd.DataFrame
    truth: dict[str, Any] = field(default_factory=dict)


def _check_positive(**values: float) -> None:
    for name, value in values.items():
        if not (np.isfinite(value) and value > 0):
            raise InputError(f"{name} must be a positive number, got {value!r}.")


def _ages(n: int, T: Any) -> np.ndarray:
    if not (isinstance(n, (int, np.integer)) and n > 0):
        raise InputError(f"n_customers must be a positive integer, got {n!r}.")
    ages = np.broadcast_to(np.asarray(T, dtype=float), (n,)).copy() if np.ndim(T) == 0 else (
        np.asarray(T, dtype=float))
    if ages.shape != (n,) or not np.all(np.isfinite(ages)) or np.any(ages <= 0):
        raise InputError("T must be a positive number or an array of n_customers positive ages.")
    return ages


def _order_statistic(rng: np.random.Generator, k: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Position in (0, 1) of the k-th of n uniform points (0 where k == 0)."""
    out = np.zeros(k.shape)
    has = k > 0
    out[has] = rng.beta(k[has], n[has] - k[has] + 1)
    return out


def simulate_bg_nbd(n_customers: int, r: float, alpha: float, a: float, b: float,
                    T: Any = 39.0, random_state: int | np.random.Generator | None = None
                    ) -> RepeatSimulation:
    """Per-customer histories from the BG/NBD model.

    Parameters
    ----------
    n_customers : int
    r, alpha : float
        Purchase rates lambda ~ Gamma(shape r, rate alpha).
    a, b : float
        Dropout probability after each repeat purchase p ~ Beta(a, b).
    T : float or array
        Age of each customer at the end of the period (time since the first purchase).
    random_state : int or Generator

    Returns
    -------
    RepeatSimulation
        ``data`` with ``frequency``, ``recency``, ``T`` (index ``customer_id`` 1..n);
        ``truth["customers"]`` with ``rate``, ``dropout_prob``, ``alive``.

    Examples
    --------
    >>> sim = simulate_bg_nbd(5, r=0.25, alpha=4.0, a=0.8, b=2.5, random_state=0)
    >>> list(sim.data.columns)
    ['frequency', 'recency', 'T']
    """
    _check_positive(r=r, alpha=alpha, a=a, b=b)
    ages = _ages(n_customers, T)
    rng = check_random_state(random_state)
    lam = rng.gamma(r, 1.0 / alpha, n_customers)
    p = rng.beta(a, b, n_customers)
    n_events = rng.poisson(lam * ages)
    # repeat purchase after which the customer drops out (1, 2, ...)
    last = rng.geometric(np.clip(p, 1e-300, 1.0))
    x = np.minimum(last, n_events)
    t_x = ages * _order_statistic(rng, x, n_events)
    index = pd.RangeIndex(1, n_customers + 1, name="customer_id")
    data = pd.DataFrame({"frequency": x.astype(np.int64), "recency": t_x, "T": ages},
                        index=index)
    customers = pd.DataFrame({"rate": lam, "dropout_prob": p, "alive": last > n_events},
                             index=index)
    return RepeatSimulation(data, {"params": {"r": r, "alpha": alpha, "a": a, "b": b},
                                   "customers": customers})


def simulate_pareto_nbd(n_customers: int, r: float, alpha: float, s: float, beta: float,
                        T: Any = 39.0, random_state: int | np.random.Generator | None = None
                        ) -> RepeatSimulation:
    """Per-customer histories from the Pareto/NBD model.

    Purchase rates lambda ~ Gamma(r, alpha), dropout rates mu ~ Gamma(s, beta) (rates),
    lifetimes exponential with rate mu. See :func:`simulate_bg_nbd` for the output.

    Examples
    --------
    >>> sim = simulate_pareto_nbd(5, r=0.55, alpha=10.0, s=0.6, beta=12.0, random_state=0)
    >>> int(sim.data["frequency"].ge(0).sum())
    5
    """
    _check_positive(r=r, alpha=alpha, s=s, beta=beta)
    ages = _ages(n_customers, T)
    rng = check_random_state(random_state)
    lam = rng.gamma(r, 1.0 / alpha, n_customers)
    mu = rng.gamma(s, 1.0 / beta, n_customers)
    lifetime = rng.exponential(1.0 / np.maximum(mu, 1e-300))
    window = np.minimum(lifetime, ages)
    x = rng.poisson(lam * window)
    t_x = window * _order_statistic(rng, x, x)
    index = pd.RangeIndex(1, n_customers + 1, name="customer_id")
    data = pd.DataFrame({"frequency": x.astype(np.int64), "recency": t_x, "T": ages},
                        index=index)
    customers = pd.DataFrame({"rate": lam, "dropout_rate": mu, "alive": lifetime > ages},
                             index=index)
    return RepeatSimulation(data, {"params": {"r": r, "alpha": alpha, "s": s, "beta": beta},
                                   "customers": customers})


def simulate_bg_bb(n_customers: int, alpha: float, beta: float, gamma: float, delta: float,
                   n_periods: int = 6, random_state: int | np.random.Generator | None = None
                   ) -> RepeatSimulation:
    """Histories at ``n_periods`` discrete opportunities from the BG/BB model.

    Before each opportunity a living customer dies with probability theta ~ Beta(gamma,
    delta); if alive, they transact with probability p ~ Beta(alpha, beta).

    Returns
    -------
    RepeatSimulation
        ``data`` with ``frequency``, ``recency`` (opportunity of the last transaction, 0 if
        none) and ``n_periods``; ``truth["customers"]`` with ``p``, ``theta``, ``alive``.

    Examples
    --------
    >>> sim = simulate_bg_bb(5, 1.2, 0.75, 0.66, 2.8, random_state=0)
    >>> list(sim.data.columns)
    ['frequency', 'recency', 'n_periods']
    """
    _check_positive(alpha=alpha, beta=beta, gamma=gamma, delta=delta)
    if not (isinstance(n_customers, (int, np.integer)) and n_customers > 0):
        raise InputError(f"n_customers must be a positive integer, got {n_customers!r}.")
    if not (isinstance(n_periods, (int, np.integer)) and n_periods > 0):
        raise InputError(f"n_periods must be a positive integer, got {n_periods!r}.")
    rng = check_random_state(random_state)
    p = rng.beta(alpha, beta, n_customers)
    theta = rng.beta(gamma, delta, n_customers)
    alive = np.ones(n_customers, bool)
    x = np.zeros(n_customers, np.int64)
    t_x = np.zeros(n_customers, np.int64)
    for period in range(1, n_periods + 1):
        alive &= rng.random(n_customers) >= theta
        buys = alive & (rng.random(n_customers) < p)
        x += buys
        t_x[buys] = period
    index = pd.RangeIndex(1, n_customers + 1, name="customer_id")
    data = pd.DataFrame({"frequency": x, "recency": t_x, "n_periods": n_periods}, index=index)
    customers = pd.DataFrame({"p": p, "theta": theta, "alive": alive}, index=index)
    return RepeatSimulation(data, {"params": {"alpha": alpha, "beta": beta, "gamma": gamma,
                                              "delta": delta}, "customers": customers})


def simulate_gamma_gamma(n_customers: int, p: float, q: float, v: float,
                         frequency: Any = None,
                         random_state: int | np.random.Generator | None = None
                         ) -> RepeatSimulation:
    """Mean repeat spend from the Gamma-Gamma model.

    Each customer's transactions are Gamma(p, nu) (rate nu) with nu ~ Gamma(q, v); the
    mean of ``frequency`` transactions is Gamma(p x, nu x). ``frequency`` defaults to
    1 + Poisson(2) repeat purchases per customer.

    Examples
    --------
    >>> sim = simulate_gamma_gamma(4, p=6.0, q=4.0, v=15.0, random_state=0)
    >>> list(sim.data.columns)
    ['frequency', 'monetary_value']
    """
    _check_positive(p=p, q=q, v=v)
    rng = check_random_state(random_state)
    if frequency is None:
        x = 1 + rng.poisson(2.0, n_customers)
    else:
        x = np.asarray(frequency, dtype=np.int64)
        if x.shape != (n_customers,) or np.any(x < 1):
            raise InputError("frequency must hold n_customers whole numbers >= 1.")
    nu = rng.gamma(q, 1.0 / v, n_customers)
    mean_spend = rng.gamma(p * x, 1.0 / (nu * x))
    index = pd.RangeIndex(1, n_customers + 1, name="customer_id")
    data = pd.DataFrame({"frequency": x, "monetary_value": mean_spend}, index=index)
    customers = pd.DataFrame({"spend_rate": nu, "mean_spend": p / nu}, index=index)
    return RepeatSimulation(data, {"params": {"p": p, "q": q, "v": v}, "customers": customers})


def simulate_transaction_log(
    n_customers: int,
    *,
    rate: np.ndarray,
    dropout_prob: np.ndarray,
    spend_mean: np.ndarray,
    spend_shape: float = 5.0,
    start: str = "2024-01-01",
    acquisition_days: int = 182,
    end: str = "2025-06-30",
    customer_ids: Any = None,
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """A dated BG/NBD-type transaction log from per-customer latent values.

    Customer ``i`` makes a first purchase on a day drawn uniformly from the first
    ``acquisition_days`` days after ``start``, then repeat purchases at Poisson rate
    ``rate[i]`` per week until dropping out (probability ``dropout_prob[i]`` after each
    repeat purchase) or until ``end``. Amounts are Gamma(``spend_shape``) with mean
    ``spend_mean[i]``, rounded to cents.

    Returns
    -------
    pandas.DataFrame
        ``customer_id``, ``date`` (ISO text ``YYYY-MM-DD``), ``amount``; sorted by customer
        and date.

    Examples
    --------
    >>> import numpy as np
    >>> log = simulate_transaction_log(3, rate=np.full(3, 0.2), dropout_prob=np.full(3, 0.1),
    ...                                spend_mean=np.full(3, 40.0), random_state=0)
    >>> list(log.columns)
    ['customer_id', 'date', 'amount']
    """
    rng = check_random_state(random_state)
    arrays = {name: np.asarray(v, dtype=float) for name, v in
              {"rate": rate, "dropout_prob": dropout_prob, "spend_mean": spend_mean}.items()}
    for name, arr in arrays.items():
        if arr.shape != (n_customers,) or not np.all(np.isfinite(arr)):
            raise InputError(f"{name} must hold n_customers finite numbers.")
    if np.any(arrays["rate"] < 0) or np.any((arrays["dropout_prob"] < 0)
                                           | (arrays["dropout_prob"] > 1)):
        raise InputError("rate must be >= 0 and dropout_prob between 0 and 1.")
    ids = np.arange(1, n_customers + 1) if customer_ids is None else np.asarray(customer_ids)
    start_day = np.datetime64(pd.Timestamp(start).date(), "D")
    end_day = np.datetime64(pd.Timestamp(end).date(), "D")
    horizon = int((end_day - start_day) / np.timedelta64(1, "D"))
    if acquisition_days < 1 or acquisition_days > horizon:
        raise InputError("acquisition_days must lie between 1 and the days from start to end.")
    birth = rng.integers(0, acquisition_days, n_customers)
    age_weeks = (horizon - birth) / 7.0
    n_events = rng.poisson(arrays["rate"] * age_weeks)
    last = rng.geometric(np.clip(arrays["dropout_prob"], 1e-12, 1.0))
    x = np.minimum(last, n_events)
    # the first x of n_events uniform points are x draws' order statistics: draw all n
    # uniforms per customer, sort, keep the first x
    owner = np.repeat(np.arange(n_customers), n_events)
    u = rng.random(owner.size)
    order = np.lexsort((u, owner))
    owner, u = owner[order], u[order]
    rank = np.arange(owner.size) - np.repeat(np.cumsum(n_events) - n_events, n_events)
    keep = rank < x[owner]
    owner, u = owner[keep], u[keep]
    repeat_day = birth[owner] + np.floor(u * (horizon - birth[owner] + 1)).astype(np.int64)
    cust = np.concatenate([np.arange(n_customers), owner])
    day = np.concatenate([birth, np.minimum(repeat_day, horizon)])
    mean = arrays["spend_mean"][cust]
    amount = np.round(rng.gamma(spend_shape, mean / spend_shape), 2)
    amount = np.maximum(amount, 0.01)
    order = np.lexsort((day, cust))
    dates = (start_day + day[order]).astype(str)
    return pd.DataFrame({"customer_id": ids[cust[order]], "date": dates,
                         "amount": amount[order]})


def simulate_client_transactions(
    customer_ids: Any, satisfaction: Any,
    random_state: int | np.random.Generator | None = 2026,
) -> RepeatSimulation:
    """Transactions of the example client's customers, linked to their satisfaction.

    Satisfied customers (``satisfaction`` standardised) buy more often (rate x exp(0.5 z))
    and drop out less (log-odds of dropout - 1.5 z); spend does not depend on satisfaction.
    Customers join between 2024-01-01 and 2024-06-30 and are observed to 2025-06-30.

    Returns
    -------
    RepeatSimulation
        ``data``: the log (``customer_id``, ``date``, ``amount``); ``truth["customers"]``:
        per-customer ``satisfaction``, ``rate``, ``dropout_prob``, ``spend_mean``.

    Examples
    --------
    >>> import numpy as np
    >>> sim = simulate_client_transactions(np.arange(1, 11), np.zeros(10), random_state=1)
    >>> int(sim.data["customer_id"].nunique())
    10
    """
    ids = np.asarray(customer_ids)
    z = np.asarray(satisfaction, dtype=float)
    if ids.shape != z.shape or ids.ndim != 1:
        raise InputError("customer_ids and satisfaction must be 1-d arrays of equal length.")
    if not np.all(np.isfinite(z)):
        raise InputError("satisfaction must be finite for every customer.")
    rng = check_random_state(random_state)
    n = ids.size
    rate = rng.gamma(0.9, 1.0 / 6.0, n) * np.exp(0.5 * z)
    base_p = rng.beta(1.0, 6.0, n)
    logit = np.log(base_p) - np.log1p(-base_p) - 1.5 * z
    dropout = 1.0 / (1.0 + np.exp(-logit))
    spend_mean = 1.0 / rng.gamma(5.0, 1.0 / 240.0, n)  # inverse-gamma: mean about 60
    log = simulate_transaction_log(n, rate=rate, dropout_prob=dropout, spend_mean=spend_mean,
                                   customer_ids=ids, random_state=rng)
    customers = pd.DataFrame({"satisfaction": z, "rate": rate, "dropout_prob": dropout,
                              "spend_mean": spend_mean},
                             index=pd.Index(ids, name="customer_id"))
    return RepeatSimulation(log, {"customers": customers,
                                  "effects": {"log_rate_per_sd": 0.5,
                                              "dropout_log_odds_per_sd": -1.5}})


_CODEBOOK = {
    "dataset": "client_transactions",
    "description": (
        "Simulated purchase log of the 600 customers of the example client survey "
        "(customer_id = respondent_id of client_survey.csv), 2024-01-01 to 2025-06-30. "
        "Satisfied customers buy more often and drop out less."),
    "source": ("simulated by expectlab.simulate.repeat.simulate_client_transactions, seed 2026, "
               "from the standardised latent satisfaction of "
               "simulate_client_survey(n_respondents=600, random_state=2026)"),
    "variables": {
        "customer_id": {"label": "Customer id (= survey respondent_id)",
                        "type": "categorical"},
        "date": {"label": "Purchase date (ISO 8601)", "type": "date"},
        "amount": {"label": "Amount spent", "type": "numeric", "unit": "EUR"},
    },
}


def write_examples(directory: Path) -> list[Path]:
    """Write ``client_transactions.csv`` and its codebook into ``directory``."""
    import yaml

    from .client import simulate_client_survey

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    survey = simulate_client_survey(n_respondents=600, random_state=2026)
    people = survey.truth["respondents"]
    if "satisfaction_std" in people.columns:
        z = people["satisfaction_std"].to_numpy(dtype=float)
    else:
        raw = people["satisfaction"].to_numpy(dtype=float)
        z = (raw - raw.mean()) / raw.std()
    sim = simulate_client_transactions(people["respondent_id"].to_numpy(), z, random_state=2026)
    csv_path = directory / "client_transactions.csv"
    sim.data.to_csv(csv_path, index=False, float_format="%.2f", lineterminator="\n")
    book_path = directory / "client_transactions.codebook.yaml"
    with open(book_path, "w", encoding="utf-8", newline="\n") as handle:
        yaml.safe_dump(_CODEBOOK, handle, sort_keys=False, allow_unicode=True, width=88)
    return [csv_path, book_path]
