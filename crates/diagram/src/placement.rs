//! Positions for the headline diagram, computed here so that Graphviz
//! (`neato` with every node pinned) only draws: the same store always gives
//! the same picture. Boxes (a district's cases, a mechanism) are placed by
//! a force-directed layout from a start fixed by the case communities,
//! pushed apart until none overlap, then moved one at a time to wherever
//! their lines cross fewest others. That is done from a few starts (the
//! circle turned and mirrored) and the layout with the fewest crossings
//! kept. Everything is visited in index order and every tie keeps the
//! earlier choice.

/// A box to place, its size in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Item {
    pub width: f64,
    pub height: f64,
}

/// Space kept between boxes, in points.
const GAP: f64 = 14.0;
const FORCE_ROUNDS: usize = 300;
const SEPARATION_ROUNDS: usize = 400;
const UNCROSSING_ROUNDS: usize = 16;
/// Layouts made, from different starts, to keep the best of.
const STARTS: usize = 4;
/// Boxes above which no swaps are tried.
const SWAP_LIMIT: usize = 120;
/// One crossing is worth this many ideal distances of line.
const LENGTH_PER_CROSSING: f64 = 10.0;

/// Centres of `items`, joined by `lines` (pairs of item indices), given
/// in a start order (`start`: indices of the items placed first, around a
/// circle; the others start at the mean of their neighbours).
pub fn place(items: &[Item], lines: &[(usize, usize)], start: &[usize]) -> Vec<(f64, f64)> {
    if items.is_empty() {
        return Vec::new();
    }
    // A force layout ends in one local optimum of many, and a small change
    // of the boxes can tip it into a poor one: the layouts from a few
    // starts are made, side by side, and the one whose lines cross least
    // kept (the earliest of equals).
    let layouts: Vec<Vec<(f64, f64)>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..STARTS)
            .map(|variant| scope.spawn(move || place_from(items, lines, start, variant)))
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut best: Option<(usize, Vec<(f64, f64)>)> = None;
    for at in layouts {
        let crossed = crossings(&at, lines);
        if best.as_ref().is_none_or(|(fewest, _)| crossed < *fewest) {
            best = Some((crossed, at));
        }
    }
    best.map(|(_, at)| at).unwrap_or_default()
}

/// One layout: `variant` 0 starts with `start` around a circle clockwise;
/// the others turn the circle, alternately reversed, and nudge the other
/// boxes differently.
fn place_from(
    items: &[Item],
    lines: &[(usize, usize)],
    start: &[usize],
    variant: usize,
) -> Vec<(f64, f64)> {
    let n = items.len();
    let mut start = start.to_vec();
    if !start.is_empty() {
        let turn = variant * start.len() / STARTS;
        start.rotate_left(turn);
    }
    if variant % 2 == 1 {
        start.reverse();
    }
    let mean_size = items.iter().map(|i| i.width.max(i.height)).sum::<f64>() / n as f64;
    let ideal = mean_size * 0.9 + GAP;
    let mut at = vec![(0.0, 0.0); n];
    let mut placed = vec![false; n];
    let radius = ideal * start.len() as f64 / std::f64::consts::TAU * 1.2;
    for (k, &i) in start.iter().enumerate() {
        let angle = std::f64::consts::TAU * k as f64 / start.len().max(1) as f64;
        at[i] = (radius * angle.cos(), radius * angle.sin());
        placed[i] = true;
    }
    let neighbours = adjacency(n, lines);
    for i in 0..n {
        if !placed[i] {
            let known: Vec<(f64, f64)> = neighbours[i]
                .iter()
                .filter(|&&j| placed[j])
                .map(|&j| at[j])
                .collect();
            // A small offset by index keeps two nodes with the same
            // neighbours apart.
            let nudge = ((i + variant * n) as f64 * 2.399).sin() * ideal * 0.3;
            at[i] = mean(&known).map_or((nudge, -nudge), |(x, y)| (x + nudge, y - nudge));
        }
    }
    forces(&mut at, &neighbours, ideal);
    separate(&mut at, items);
    uncross(&mut at, items, lines, &neighbours, ideal);
    // Top left at the origin, so the DOT reads the same after a shift.
    let min_x = at.iter().map(|p| p.0).fold(f64::MAX, f64::min);
    let min_y = at.iter().map(|p| p.1).fold(f64::MAX, f64::min);
    at.iter()
        .map(|&(x, y)| (round(x - min_x), round(y - min_y)))
        .collect()
}

/// To a tenth of a point, so the DOT text is short and identical on every
/// platform that rounds the same.
fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn adjacency(n: usize, lines: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let mut neighbours = vec![Vec::new(); n];
    for &(a, b) in lines {
        if a != b {
            neighbours[a].push(b);
            neighbours[b].push(a);
        }
    }
    neighbours
}

fn mean(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    if points.is_empty() {
        return None;
    }
    let k = points.len() as f64;
    Some((
        points.iter().map(|p| p.0).sum::<f64>() / k,
        points.iter().map(|p| p.1).sum::<f64>() / k,
    ))
}

/// Fruchterman–Reingold: neighbours attract, every pair repels, moves
/// limited by a temperature that falls each round.
fn forces(at: &mut [(f64, f64)], neighbours: &[Vec<usize>], ideal: f64) {
    let n = at.len();
    let mut temperature = ideal * 3.0;
    for _ in 0..FORCE_ROUNDS {
        let mut shift = vec![(0.0, 0.0); n];
        for i in 0..n {
            for j in i + 1..n {
                let (dx, dy) = (at[i].0 - at[j].0, at[i].1 - at[j].1);
                let d2 = (dx * dx + dy * dy).max(1.0);
                let f = ideal * ideal / d2;
                shift[i].0 += dx * f;
                shift[i].1 += dy * f;
                shift[j].0 -= dx * f;
                shift[j].1 -= dy * f;
            }
            for &j in &neighbours[i] {
                let (dx, dy) = (at[i].0 - at[j].0, at[i].1 - at[j].1);
                let d = (dx * dx + dy * dy).sqrt().max(1.0);
                let f = d / ideal;
                shift[i].0 -= dx * f;
                shift[i].1 -= dy * f;
            }
        }
        for i in 0..n {
            let (sx, sy) = shift[i];
            let len = (sx * sx + sy * sy).sqrt();
            if len > 0.0 {
                let step = len.min(temperature);
                at[i].0 += sx / len * step;
                at[i].1 += sy / len * step;
            }
        }
        temperature = (temperature * 0.985).max(ideal * 0.02);
    }
}

/// How far two boxes overlap along each axis, the gap included (positive
/// when they overlap).
fn overlap(a: (f64, f64), ia: Item, b: (f64, f64), ib: Item) -> (f64, f64) {
    (
        (ia.width + ib.width) / 2.0 + GAP - (a.0 - b.0).abs(),
        (ia.height + ib.height) / 2.0 + GAP - (a.1 - b.1).abs(),
    )
}

fn overlaps(a: (f64, f64), ia: Item, b: (f64, f64), ib: Item) -> bool {
    let (ox, oy) = overlap(a, ia, b, ib);
    ox > 0.0 && oy > 0.0
}

/// Pushes overlapping boxes apart along the axis where they overlap
/// least, each half the way, until none overlap.
fn separate(at: &mut [(f64, f64)], items: &[Item]) {
    let n = at.len();
    for _ in 0..SEPARATION_ROUNDS {
        let mut moved = false;
        for i in 0..n {
            for j in i + 1..n {
                let (ox, oy) = overlap(at[i], items[i], at[j], items[j]);
                if ox <= 0.0 || oy <= 0.0 {
                    continue;
                }
                moved = true;
                if ox < oy {
                    let dir = if at[i].0 < at[j].0 || (at[i].0 == at[j].0 && i < j) {
                        -1.0
                    } else {
                        1.0
                    };
                    at[i].0 += dir * (ox / 2.0 + 0.5);
                    at[j].0 -= dir * (ox / 2.0 + 0.5);
                } else {
                    let dir = if at[i].1 < at[j].1 || (at[i].1 == at[j].1 && i < j) {
                        -1.0
                    } else {
                        1.0
                    };
                    at[i].1 += dir * (oy / 2.0 + 0.5);
                    at[j].1 -= dir * (oy / 2.0 + 0.5);
                }
            }
        }
        if !moved {
            break;
        }
    }
}

/// Do the segments p1–p2 and p3–p4 cross (at a point inside both)?
pub fn segments_cross(p1: (f64, f64), p2: (f64, f64), p3: (f64, f64), p4: (f64, f64)) -> bool {
    let side = |a: (f64, f64), b: (f64, f64), c: (f64, f64)| {
        (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
    };
    side(p3, p4, p1) * side(p3, p4, p2) < 0.0 && side(p1, p2, p3) * side(p1, p2, p4) < 0.0
}

/// Crossings of straight lines between centres; lines sharing an end do
/// not count.
pub fn crossings(at: &[(f64, f64)], lines: &[(usize, usize)]) -> usize {
    let mut n = 0;
    for (k, &(a, b)) in lines.iter().enumerate() {
        for &(c, d) in &lines[k + 1..] {
            if a != c && a != d && b != c && b != d && segments_cross(at[a], at[b], at[c], at[d]) {
                n += 1;
            }
        }
    }
    n
}

/// What a box's spot costs: the crossings of its lines, and their length
/// in units of `LENGTH_PER_CROSSING` ideal distances (so a box does not
/// wander to the edge of the picture to save one crossing).
fn cost_at(at: &[(f64, f64)], lines: &[(usize, usize)], node: usize, ideal: f64) -> f64 {
    let length: f64 = lines
        .iter()
        .filter(|(a, b)| *a == node || *b == node)
        .map(|&(a, b)| ((at[a].0 - at[b].0).powi(2) + (at[a].1 - at[b].1).powi(2)).sqrt())
        .sum();
    crossings_at(at, lines, node) as f64 + length / (ideal * LENGTH_PER_CROSSING)
}

/// Crossings of the lines at `node` with all others.
fn crossings_at(at: &[(f64, f64)], lines: &[(usize, usize)], node: usize) -> usize {
    let mut n = 0;
    for &(a, b) in lines.iter().filter(|(a, b)| *a == node || *b == node) {
        for &(c, d) in lines {
            if a != c && a != d && b != c && b != d && segments_cross(at[a], at[b], at[c], at[d]) {
                n += 1;
            }
        }
    }
    n
}

/// Moves each box, in turn, to the candidate spot (the mean of its
/// neighbours, or a step in one of eight directions) where its lines cross
/// fewest others, if it overlaps nothing there; steps shrink each round.
fn uncross(
    at: &mut [(f64, f64)],
    items: &[Item],
    lines: &[(usize, usize)],
    neighbours: &[Vec<usize>],
    ideal: f64,
) {
    let n = at.len();
    for round in 0..UNCROSSING_ROUNDS {
        let step = ideal * 3.0 / (round as f64 / 2.0 + 1.0);
        for i in 0..n {
            let here = at[i];
            let mut best = (cost_at(at, lines, i, ideal), here);
            let mut candidates: Vec<(f64, f64)> = Vec::new();
            let around: Vec<(f64, f64)> = neighbours[i].iter().map(|&j| at[j]).collect();
            if let Some(centre) = mean(&around) {
                candidates.push(centre);
                for (dx, dy) in [(-1.0, 0.0), (1.0, 0.0), (0.0, -1.0), (0.0, 1.0)] {
                    candidates.push((centre.0 + dx * ideal, centre.1 + dy * ideal));
                }
            }
            for (dx, dy) in [
                (-1.0, -1.0),
                (0.0, -1.0),
                (1.0, -1.0),
                (-1.0, 0.0),
                (1.0, 0.0),
                (-1.0, 1.0),
                (0.0, 1.0),
                (1.0, 1.0),
            ] {
                candidates.push((here.0 + dx * step, here.1 + dy * step));
            }
            for spot in candidates {
                let free = (0..n).all(|j| j == i || !overlaps(spot, items[i], at[j], items[j]));
                if !free {
                    continue;
                }
                at[i] = spot;
                let c = cost_at(at, lines, i, ideal);
                if c < best.0 {
                    best = (c, spot);
                }
            }
            at[i] = best.1;
        }
        // Swaps try every pair: quadratic in boxes times lines, so only
        // on pictures small enough to read as a web of lines anyway.
        if n <= SWAP_LIMIT {
            swap(at, items, lines, ideal);
        }
    }
}

/// Swaps two boxes where that lowers the crossings of their lines and
/// leaves both clear of the rest.
fn swap(at: &mut [(f64, f64)], items: &[Item], lines: &[(usize, usize)], ideal: f64) {
    let n = at.len();
    for i in 0..n {
        for j in i + 1..n {
            let before = cost_at(at, lines, i, ideal) + cost_at(at, lines, j, ideal);
            at.swap(i, j);
            let clear =
                |k: usize| (0..n).all(|o| o == k || !overlaps(at[k], items[k], at[o], items[o]));
            if clear(i)
                && clear(j)
                && cost_at(at, lines, i, ideal) + cost_at(at, lines, j, ideal) < before
            {
                continue;
            }
            at.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_cross_only_inside() {
        assert!(segments_cross((0., 0.), (2., 2.), (0., 2.), (2., 0.)));
        assert!(!segments_cross((0., 0.), (1., 1.), (2., 0.), (3., 1.)));
        // Touching at an end is not a crossing.
        assert!(!segments_cross((0., 0.), (1., 1.), (1., 1.), (2., 0.)));
    }

    #[test]
    fn boxes_end_apart_and_a_crossed_square_uncrosses() {
        let items = vec![
            Item {
                width: 60.0,
                height: 30.0
            };
            4
        ];
        // A 4-cycle given in a crossed start order: 0-2, 2-1, 1-3, 3-0.
        let lines = [(0, 2), (2, 1), (1, 3), (3, 0)];
        let at = place(&items, &lines, &[0, 1, 2, 3]);
        assert_eq!(crossings(&at, &lines), 0);
        for i in 0..4 {
            for j in i + 1..4 {
                assert!(!overlaps(at[i], items[i], at[j], items[j]), "{i} {j}");
            }
        }
        assert_eq!(at, place(&items, &lines, &[0, 1, 2, 3]));
    }

    #[test]
    fn the_layout_kept_crosses_least_of_its_starts() {
        // Twelve boxes of two sizes on a tangle of lines: a ring with
        // chords, most starts ending with crossings.
        let items: Vec<Item> = (0..12)
            .map(|i| Item {
                width: if i % 3 == 0 { 120.0 } else { 50.0 },
                height: 30.0,
            })
            .collect();
        let mut lines: Vec<(usize, usize)> = (0..12).map(|i| (i, (i + 1) % 12)).collect();
        lines.extend((0..12).map(|i| (i, (i * 5 + 3) % 12)));
        let start: Vec<usize> = (0..12).step_by(2).collect();
        let each: Vec<usize> = (0..STARTS)
            .map(|v| crossings(&place_from(&items, &lines, &start, v), &lines))
            .collect();
        let kept = crossings(&place(&items, &lines, &start), &lines);
        assert_eq!(Some(&kept), each.iter().min(), "{each:?}");
    }
}
