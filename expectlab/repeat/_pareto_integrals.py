"""The Pareto/NBD dropout integral and its exact derivatives, by Gauss-Legendre quadrature.

Every Pareto/NBD likelihood term holds (Fader & Hardie 2005, with A0 = (r + s + x) J)

    J(x, t_x, T) = G(x, t_x) - G(x, T),
    G(x, t) = integral over tau > t of (alpha + tau)^-(r + x) (beta + tau)^-(s + 1),

a Gauss hypergeometric function (``G = 2F1(...) / ((r + s + x) (base + t)^(r + s + x))``).
Its derivatives in ``r`` and ``s`` move the exponents, which scipy's ``hyp2f1`` cannot
differentiate, but under the integral sign every derivative is an integral of the same
integrand times a simple factor: d/dr gives -log(alpha + tau), d/dalpha gives
-(r + x) / (alpha + tau), and so on. This module integrates the integrand and those
factors together:

* Breakpoints are the distinct (x, t) pairs of the data (a few thousand). For each
  frequency x, G(x, t) is a sum of panels between consecutive breakpoints plus a tail,
  so one pass over all panels gives every G(x, t) by cumulative sums.
* The variable is u = log(q + tau), q the smaller of alpha and beta. In u the integrand
  is exp((1 - a_Q) u - a_P log(e^u + d)) (exponents a_Q, a_P of the two factors,
  d = |alpha - beta|): log-concave, analytic in a strip of half-width pi around the real
  axis. Panels are cut into subpanels at most 1 wide on which the log-integrand moves by
  at most 3, and each subpanel gets 8 Gauss-Legendre nodes (relative error near 1e-15,
  checked against ``scipy.special.hyp2f1`` in the tests).
* The tail is integrated until the rest is below e^-45 of it; when the decay is too slow
  for that (exponents summing to nearly 0), the rest beyond the point where
  (1 + d e^-u)^-a_P equals 1 to e^-40 is exact: the integrand there is e^-(r + s + x) u.
* Sums run in log space (``logaddexp.accumulate``), so G stays exact for frequencies in
  the thousands, where it underflows ordinary floating point.

The Hessian of the total log-likelihood needs sum_p W_p grad^2 G_p / G_p over the pairs.
That is one weighted sum over the quadrature nodes, with node weights from cumulative
sums of W_p / G_p, so it costs a few dot products rather than second derivatives per pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from ._base import wsum

__all__ = ["Breakpoints", "TailIntegrals", "tail_integrals"]


def _rule(m: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes as fractions of a subpanel, and half the weights."""
    nodes, weights = np.polynomial.legendre.leggauss(m)
    return (nodes + 1.0) / 2.0, weights / 2.0


# Relative error of an m-node rule for e^(lambda v) on [-1, 1] is about c_m lambda^(2m),
# lambda = half the drop of the log-integrand across the subpanel: c_2 = 3.7e-3,
# c_4 = 1.4e-7, c_8 = 1.1e-18. So 2 nodes while the drop is at most 0.002 and 4 while it
# is at most 0.2 (both below 4e-15), else 8 nodes with a drop of at most 3 (below 1e-15).
_RULES = {m: _rule(m) for m in (2, 4, 8)}
_LOW_ORDER = ((2, 2e-3), (4, 0.2))  # (nodes, largest drop and width in u)
_MAX_WIDTH = 1.0  # subpanel width in u: the integrand's singularities lie pi away
_MAX_DROP = 3.0  # largest change of the log-integrand across a subpanel
_NEGLIGIBLE = 45.0  # the tail is cut where the rest is below e^-45 of the integral
_EXACT_TAIL = 40.0  # beyond log(d) + 40 + log(a_P + 1) the tail is a pure power
_MAX_PIECES = 4096  # subpanels per panel; reached only far outside plausible parameters
_BUDGET_PER_PAIR, _BUDGET_EXTRA = 64, 100_000  # total subpanels allowed
_TABLE_SIZE = 2**22  # pair codes up to this many are ranked with a presence table


class Breakpoints:
    """Distinct (frequency, time) pairs grouped by frequency, sorted by time.

    Parameter-free: built once per fit from the (x, t) pairs of the data.
    """

    def __init__(self, x: np.ndarray, t: np.ndarray) -> None:
        """From distinct pairs already sorted by x, then t (see the constructors below)."""
        self.x, self.t = np.asarray(x, dtype=float), np.asarray(t, dtype=float)
        n = len(self.x)
        new_group = np.ones(n, dtype=bool)
        new_group[1:] = self.x[1:] != self.x[:-1]
        self.first = np.flatnonzero(new_group)
        self.last = np.append(self.first[1:] - 1, n - 1)
        self.group = np.cumsum(new_group) - 1
        self.group_x = self.x[self.first]
        # groups padded to powers of two, so cumulative sums within groups are
        # vectorised and the padding stays below twice the number of breakpoints
        sizes = self.last - self.first + 1
        width = 2 ** np.ceil(np.log2(sizes)).astype(int)
        self.buckets = []
        for w in np.unique(width):
            members = np.flatnonzero(width == w)
            idx = self.first[members, None] + np.arange(w)
            inside = np.arange(w) < sizes[members, None]
            self.buckets.append((np.where(inside, idx, n), inside, idx[inside]))

    @classmethod
    def from_pairs(cls, x: np.ndarray, t: np.ndarray) -> tuple[Breakpoints, np.ndarray]:
        """Breakpoints of arbitrary (x, t) pairs and the breakpoint of each pair."""
        pairs, inverse = np.unique(np.column_stack([x, t]), axis=0, return_inverse=True)
        return cls(pairs[:, 0], pairs[:, 1]), inverse.ravel()

    @classmethod
    def from_codes(cls, x_index: np.ndarray, x_values: np.ndarray,
                   times: list[tuple[np.ndarray, np.ndarray]]
                   ) -> tuple[Breakpoints, list[np.ndarray]]:
        """Breakpoints of the pairs (x, t) of every row, for each time column.

        The columns come as codes per row and distinct values (:class:`Factor` fields,
        known from compressing the rows), so no row is hashed again. Returns the
        breakpoints and, for each time column, the breakpoint of every row.
        """
        order_x = np.argsort(x_values, kind="stable")
        rank_x = np.empty(len(order_x), dtype=np.int64)
        rank_x[order_x] = np.arange(len(order_x))
        all_t = np.unique(np.concatenate([values for _, values in times]))
        n_t = max(len(all_t), 1)
        cx = rank_x[x_index] * n_t
        keys = [cx + np.searchsorted(all_t, values)[index] for index, values in times]
        size = len(order_x) * n_t
        if size <= max(4 * len(x_index), _TABLE_SIZE):
            # a presence table ranks the pair codes in one pass over the rows
            present = np.zeros(size, dtype=bool)
            for key in keys:
                present[key] = True
            rank = np.cumsum(present) - 1
            distinct = np.flatnonzero(present)
            rows = [rank[key] for key in keys]
        else:
            distinct, inverse = np.unique(np.concatenate(keys), return_inverse=True)
            rows = np.split(inverse.ravel(), np.cumsum([len(k) for k in keys])[:-1])
        x = np.asarray(x_values, dtype=float)[order_x][distinct // n_t]
        return cls(x, all_t[distinct % n_t]), rows

    def __len__(self) -> int:
        return len(self.x)

    def log_cumsum(self, values: np.ndarray, reverse: bool) -> np.ndarray:
        """log of the cumulative sums of exp(values) within each group, along time
        (from the last breakpoint backwards when ``reverse``); ``values`` is (n, k)."""
        out = np.empty_like(values)
        padded = np.vstack([values, np.full((1, values.shape[1]), -np.inf)])
        for idx, inside, flat in self.buckets:
            block = padded[idx]  # (groups, width, k)
            if reverse:
                block = np.logaddexp.accumulate(block[:, ::-1], axis=1)[:, ::-1]
            else:
                block = np.logaddexp.accumulate(block, axis=1)
            out[flat] = block[inside]
        return out


@dataclass
class _Block:
    """Quadrature nodes of the subpanels that use one rule, (subpanels, nodes) arrays."""

    sub: np.ndarray  # breakpoint of each subpanel
    mass: np.ndarray  # node weight x integrand / integrand at the breakpoint
    log_q: np.ndarray  # log of the smaller base Q = q + tau at the nodes
    log_p: np.ndarray  # log of the larger base P
    inv_q: np.ndarray  # 1 / Q
    inv_p: np.ndarray  # 1 / P

    @property
    def nodes(self) -> int:
        return self.mass.size

    def hessian_sum(self, cover: np.ndarray, a_q_b: np.ndarray, a_p_b: np.ndarray
                    ) -> np.ndarray:
        """These nodes' part of sum omega (phi phi' + psi), upper triangle (see
        :meth:`TailIntegrals.hessian_sum`), in the order (e_Q, m_Q, e_P, m_P)."""
        omega = self.mass * cover[self.sub][:, None]
        lq, lp, iq, ip = self.log_q, self.log_p, self.inv_q, self.inv_p
        a_q, a_p = a_q_b[self.sub], a_p_b[self.sub]

        def total(feature: np.ndarray, factor: np.ndarray | None = None) -> float:
            # einsum, not BLAS: threaded BLAS dot products stall when the cores are busy
            per_sub = np.einsum("ij,ij->i", omega, feature)
            return float(per_sub.sum() if factor is None else np.einsum("i,i->", per_sub, factor))

        w_iq, w_ip = omega * iq, omega * ip
        h = np.zeros((4, 4))
        h[0, 0] = total(lq * lq)
        h[0, 1] = total(lq * iq, a_q) - float(w_iq.sum())
        h[0, 2] = total(lq * lp)
        h[0, 3] = total(lq * ip, a_p)
        h[1, 1] = total(iq * iq, a_q * (a_q + 1))
        h[1, 2] = total(lp * iq, a_q)
        h[1, 3] = float(np.einsum("ij,ij,i->", w_iq, ip, a_q * a_p))
        h[2, 2] = total(lp * lp)
        h[2, 3] = total(lp * ip, a_p) - float(w_ip.sum())
        h[3, 3] = total(ip * ip, a_p * (a_p + 1))
        return h


@dataclass
class TailIntegrals:
    """G(x, t) at every breakpoint and the gradient of log G; what the Hessian needs."""

    log_g: np.ndarray  # (n,)
    grad: np.ndarray  # (4, n): d log G / d (r, alpha, s, beta)
    # quadrature state, kept for :meth:`hessian_sum`
    _bp: Breakpoints
    _perm: list[int]
    _blocks: list[_Block]  # the nodes, one block per rule
    _a_q: np.ndarray  # exponents per breakpoint
    _a_p: np.ndarray
    _log_f: np.ndarray  # log-integrand (u-measure) at each breakpoint
    _tail: np.ndarray  # breakpoints whose panel ends in an exact power tail
    _tail_u: np.ndarray  # where those tails start (u)
    _tail_mass: np.ndarray  # their mass relative to the integrand at the breakpoint

    @property
    def nodes(self) -> int:
        """Quadrature nodes used (for tests and benchmarks)."""
        return sum(block.nodes for block in self._blocks)

    @property
    def subpanels(self) -> int:
        return sum(block.sub.size for block in self._blocks)

    def hessian_sum(self, w_start: np.ndarray, w_end: np.ndarray) -> np.ndarray:
        """sum_p (w_start_p - w_end_p) grad^2 G_p / G_p with respect to (r, alpha, s, beta).

        The weights are per breakpoint. Under the integral, grad^2 g / g = phi phi' + psi
        with phi = (-log Q, -a_Q / Q, -log P, -a_P / P) in the order (exponent, location)
        of the smaller base Q, then of the larger base P, and psi nonzero only for
        (exponent, location) = -1 / Q and (location, location) = a_Q / Q^2 (same for P).
        The pairs' weights become one weight per node: node tau collects the weights of
        the pairs (x, t) with t <= tau, each divided by its G.
        """
        bp = self._bp
        with np.errstate(divide="ignore"):
            log_w = np.log(np.column_stack([w_start, w_end])) - self.log_g[:, None]
        cover = bp.log_cumsum(log_w, reverse=False) + self._log_f[:, None]
        cover = np.exp(cover[:, 0]) - np.exp(cover[:, 1])  # breakpoint scale
        h = np.zeros((4, 4))
        for block in self._blocks:
            h += block.hessian_sum(cover, self._a_q, self._a_p)
        if self._tail.size:
            h += self._tail_hessian(cover[self._tail])
        h = np.triu(h) + np.triu(h, 1).T
        p = self._perm
        return h[np.ix_(p, p)]

    def _tail_hessian(self, cover: np.ndarray) -> np.ndarray:
        """The exact power tails: density rho e^-rho (u - U) on u > U, where
        log Q = log P = u and 1 / Q = 1 / P = e^-u to within e^-40."""
        b = self._tail
        a_q, a_p, big_u = self._a_q[b], self._a_p[b], self._tail_u
        rho = a_q + a_p - 1.0
        w = cover * self._tail_mass
        e_u2 = big_u**2 + 2 * big_u / rho + 2 / rho**2
        e_exp = np.exp(-big_u) * rho / (rho + 1)
        e_uexp = e_exp * (big_u + 1 / (rho + 1))
        e_exp2 = np.exp(-2 * big_u) * rho / (rho + 2)
        h = np.zeros((4, 4))
        h[0, 0] = h[0, 2] = h[2, 2] = wsum(w, e_u2)
        h[0, 1] = wsum(w, a_q * e_uexp - e_exp)
        h[0, 3] = wsum(w, a_p * e_uexp)
        h[1, 1] = wsum(w, a_q * (a_q + 1) * e_exp2)
        h[1, 2] = wsum(w, a_q * e_uexp)
        h[1, 3] = wsum(w, a_q * a_p * e_exp2)
        h[2, 3] = wsum(w, a_p * e_uexp - e_exp)
        h[3, 3] = wsum(w, a_p * (a_p + 1) * e_exp2)
        return h


def tail_integrals(r: float, alpha: float, s: float, beta: float,
                   bp: Breakpoints) -> TailIntegrals:
    """log G(x, t) and its gradient at every breakpoint (see the module docstring)."""
    # Q = q + tau is the smaller base, P = q + d + tau the larger one
    small_alpha = alpha < beta
    q, d = (alpha, beta - alpha) if small_alpha else (beta, alpha - beta)
    xg = bp.group_x
    a_q_g, a_p_g = (r + xg, np.full(xg.shape, s + 1.0)) if small_alpha else \
        (np.full(xg.shape, s + 1.0), r + xg)
    rho_g = a_q_g + a_p_g - 1.0
    log_d = np.log(d) if d > 0 else -np.inf
    g = bp.group
    a_q, a_p = a_q_g[g], a_p_g[g]
    base_q = q + bp.t
    u = np.log(base_q)
    log_p = np.log(base_q + d)
    ratio = base_q / (base_q + d)  # Q / P at the breakpoint
    log_f = (1.0 - a_q) * u - a_p * log_p  # log-integrand in the u-measure

    # -- where each group's last panel ends --------------------------------------------
    last = bp.last
    u_last = u[last]
    with np.errstate(divide="ignore", invalid="ignore"):
        # a mode exists when a_Q < 1: the integrand rises until e^u / (e^u + d) = sigma
        sigma = (1.0 - a_q_g) / a_p_g
        u_mode = np.where((a_q_g < 1.0) & (d > 0), log_d + np.log(sigma / (1.0 - sigma)),
                          -np.inf)
    u_start = np.maximum(u_last, u_mode + 1.0)

    def slope(at: np.ndarray) -> np.ndarray:
        share = expit(at - log_d) if d > 0 else np.ones_like(at)
        return (1.0 - a_q_g) - a_p_g * share

    # past a point c with slope f'(c) < 0, log-concavity bounds the rest by
    # e^(f(c) - 45) / |f'(c)| once u > c + 45 / |f'(c)|
    u_cut = np.full(u_last.shape, np.inf)
    for c in (u_start, np.maximum(u_start, log_d + 3.0)):
        with np.errstate(divide="ignore"):
            u_cut = np.minimum(u_cut, c + _NEGLIGIBLE / np.maximum(-slope(c), 0.0))
    u_exact = np.maximum(u_last, log_d + _EXACT_TAIL + np.log(a_p_g + 1.0))
    exact = u_exact <= u_cut
    u_end_g = np.where(exact, u_exact, u_cut)

    # -- panels and subpanels ----------------------------------------------------------
    u_next = np.empty_like(u)
    u_next[:-1] = u[1:]
    u_next[last] = u_end_g
    slope_left = (1.0 - a_q) - a_p * ratio
    # a falling panel ends, like the tail, where the rest is below e^-45 of it: without
    # this, steep trial points of a line search could ask for millions of subpanels
    with np.errstate(divide="ignore"):
        reach = _NEGLIGIBLE / np.maximum(-slope_left, 0.0)
    width = np.minimum(u_next - u, reach)
    ratio_right = expit(u + width - log_d) if d > 0 else np.ones_like(u)
    slope_right = (1.0 - a_q) - a_p * ratio_right
    steep = np.maximum(np.abs(slope_left), np.abs(slope_right))
    pieces = np.maximum(np.ceil(width / _MAX_WIDTH), np.ceil(width * steep / _MAX_DROP))
    pieces = np.clip(pieces, 1.0, _MAX_PIECES).astype(np.int64)
    budget = _BUDGET_PER_PAIR * len(u) + _BUDGET_EXTRA
    if pieces.sum() > budget:
        # far outside plausible parameters (a trial point of a line search, exponents
        # in the thousands across log d): the largest panels give way, so memory and
        # time stay bounded at the cost of accuracy at such points only
        ranked = np.sort(pieces)
        below = np.cumsum(ranked)
        after = np.arange(len(ranked) - 1, -1, -1)  # panels above each rank
        # the largest cap with sum(min(pieces, cap)) <= budget
        k = max(int(np.searchsorted(below + ranked * after, budget, side="right")) - 1, 0)
        cap = (budget - below[k]) // after[k] if after[k] else ranked[-1]
        pieces = np.minimum(pieces, max(int(cap), int(ranked[k]), 1))
    sub = np.repeat(np.arange(len(u)), pieces)
    starts = np.cumsum(pieces) - pieces
    step = width / pieces
    offset = (np.arange(len(sub)) - starts[sub]) * step[sub]
    # fewer nodes on subpanels where the integrand barely changes (most panels between
    # day-granular times; nearly all with continuous times)
    change = np.maximum(step, steep * step)
    order = np.full(len(u), 8)
    for m, limit in reversed(_LOW_ORDER):
        order[change <= limit] = m

    # -- sums per subpanel: mass and the four first-derivative factors -------------------
    # logs are shifted by their value at the group's first breakpoint so every summed
    # factor is >= 0 (the sums run in log space)
    u0 = u[bp.first][g]
    lp0 = log_p[bp.first][g]
    cols = np.empty((len(sub), 5))
    blocks = []
    for m, (fraction, half_weights) in _RULES.items():
        rows = np.flatnonzero(order[sub] == m)
        if not rows.size:
            continue
        b = sub[rows]
        h = step[b][:, None]
        # node positions relative to the breakpoint: delta = u_node - u_breakpoint
        delta = offset[rows][:, None] + h * fraction
        grow = np.expm1(delta)
        grow *= ratio[b][:, None]
        growth = np.log1p(grow)  # log P_node - log P_breakpoint
        mass = (1.0 - a_q[b])[:, None] * delta - a_p[b][:, None] * growth
        np.exp(mass, out=mass)
        mass *= h * half_weights
        inv_q = np.exp(-delta) / base_q[b][:, None]
        inv_p = np.exp(-growth) / (base_q[b] + d)[:, None]
        cols[rows, 0] = mass.sum(axis=1)
        cols[rows, 1] = np.einsum("ij,ij->i", mass, delta) + mass.sum(axis=1) * (u - u0)[b]
        cols[rows, 2] = (np.einsum("ij,ij->i", mass, growth)
                         + cols[rows, 0] * (log_p - lp0)[b])
        cols[rows, 3] = np.einsum("ij,ij->i", mass, inv_q)
        cols[rows, 4] = np.einsum("ij,ij->i", mass, inv_p)
        blocks.append(_Block(b, mass, u[b][:, None] + delta, log_p[b][:, None] + growth,
                             inv_q, inv_p))
    if len(sub) > len(u):
        cols = np.add.reduceat(cols, starts, axis=0)

    tail = last[exact]
    tail_u = u_end_g[exact]
    if tail.size:
        rho_t = rho_g[exact]
        # exact tail mass e^(-rho U) / rho, relative to the integrand at the breakpoint
        tail_mass = np.exp(-rho_t * (tail_u - u[tail]) - a_p_g[exact] * np.log(ratio[tail])
                           ) / rho_t
        mean_u = tail_u + 1.0 / rho_t
        mean_inv = np.exp(-tail_u) * rho_t / (rho_t + 1.0)
        cols[tail] += tail_mass[:, None] * np.column_stack([
            np.ones_like(mean_u), mean_u - u0[tail], mean_u - lp0[tail], mean_inv, mean_inv])
    else:
        tail_mass = np.empty(0)

    with np.errstate(divide="ignore"):
        acc = bp.log_cumsum(np.log(cols) + log_f[:, None], reverse=True)
    log_g = acc[:, 0]
    means = np.exp(acc[:, 1:] - log_g[:, None])
    grad_qp = np.empty((4, len(u)))
    grad_qp[0] = -(u0 + means[:, 0])
    grad_qp[1] = -a_q * means[:, 2]
    grad_qp[2] = -(lp0 + means[:, 1])
    grad_qp[3] = -a_p * means[:, 3]
    perm = [0, 1, 2, 3] if small_alpha else [2, 3, 0, 1]
    return TailIntegrals(
        log_g=log_g, grad=grad_qp[perm], _bp=bp, _perm=perm, _blocks=blocks, _a_q=a_q,
        _a_p=a_p, _log_f=log_f, _tail=tail, _tail_u=tail_u, _tail_mass=tail_mass)
