//! The order of the headline diagram's columns: cases in the middle (in
//! groups: districts or collections), mechanisms on both sides (in groups:
//! families). Groups stay whole; within that, both columns are ordered so
//! that the lines between them are short and cross little, by the
//! barycentre heuristic of layered drawing (Sugiyama et al. 1981): each
//! node moves to the mean position of its neighbours on the other column,
//! sweeps alternate between the columns, and the order with the fewest
//! crossings is kept. Every tie goes to the earlier position, so the same
//! input always gives the same order.

use std::collections::BTreeMap;

/// Where a group of mechanisms is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    Left,
    Right,
}

/// Both columns in the order to draw them, top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns<T> {
    pub cases: Vec<Vec<T>>,
    pub left: Vec<Vec<T>>,
    pub right: Vec<Vec<T>>,
    /// Crossings of the straight lines between the columns in this order
    /// (pairs of uses whose ends are in opposite orders).
    pub crossings: usize,
}

/// Sweeps of the barycentre heuristic before giving up on improvement.
const SWEEPS: usize = 24;
const PATIENCE: usize = 6;

/// Orders cases (in `case_groups`, given in a starting order) and
/// mechanisms (in `mechanism_groups`) joined by `uses` (case, mechanism).
/// Mechanism groups go to the side with fewer mechanisms so far, largest
/// first, so both sides are about as tall; with one group, it goes right.
pub fn columns<T: Copy + Ord>(
    case_groups: Vec<Vec<T>>,
    mechanism_groups: Vec<Vec<T>>,
    uses: &[(T, T)],
) -> Columns<T> {
    arrange(case_groups, mechanism_groups, uses, true)
}

/// Cases and mechanisms in one order each: the rows and columns of the
/// matrix, ordered as [`columns`] orders the two columns of a drawing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneSide<T> {
    pub cases: Vec<Vec<T>>,
    pub mechanisms: Vec<Vec<T>>,
}

/// Like [`columns`] with every mechanism group on one side, in the order
/// the sweeps give.
pub fn one_side<T: Copy + Ord>(
    case_groups: Vec<Vec<T>>,
    mechanism_groups: Vec<Vec<T>>,
    uses: &[(T, T)],
) -> OneSide<T> {
    let c = arrange(case_groups, mechanism_groups, uses, false);
    OneSide {
        cases: c.cases,
        mechanisms: c.right,
    }
}

fn arrange<T: Copy + Ord>(
    case_groups: Vec<Vec<T>>,
    mechanism_groups: Vec<Vec<T>>,
    uses: &[(T, T)],
    two_sides: bool,
) -> Columns<T> {
    let mut sides: BTreeMap<Side, Vec<Vec<T>>> = BTreeMap::new();
    let mut by_size: Vec<(usize, Vec<T>)> = mechanism_groups.into_iter().enumerate().collect();
    if two_sides {
        by_size.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    }
    let mut height = BTreeMap::from([(Side::Left, 0), (Side::Right, 0)]);
    for (_, group) in by_size {
        let side = if !two_sides || height[&Side::Right] <= height[&Side::Left] {
            Side::Right
        } else {
            Side::Left
        };
        *height.entry(side).or_default() += group.len();
        sides.entry(side).or_default().push(group);
    }
    let mut state = State {
        cases: case_groups,
        left: sides.remove(&Side::Left).unwrap_or_default(),
        right: sides.remove(&Side::Right).unwrap_or_default(),
    };
    let mut best = (state.crossings(uses), state.clone());
    let mut since_better = 0;
    for sweep in 0..SWEEPS {
        if sweep % 2 == 0 {
            let at = positions(&[&state.cases]);
            state.left = reorder(&state.left, &neighbour_means(uses, &at, Pick::Mechanism));
            state.right = reorder(&state.right, &neighbour_means(uses, &at, Pick::Mechanism));
        } else {
            let at = positions(&[&state.left, &state.right]);
            state.cases = reorder(&state.cases, &neighbour_means(uses, &at, Pick::Case));
        }
        let crossings = state.crossings(uses);
        if crossings < best.0 {
            best = (crossings, state.clone());
            since_better = 0;
        } else {
            since_better += 1;
            if since_better >= PATIENCE {
                break;
            }
        }
    }
    let (crossings, state) = best;
    Columns {
        cases: state.cases,
        left: state.left,
        right: state.right,
        crossings,
    }
}

#[derive(Clone)]
struct State<T> {
    cases: Vec<Vec<T>>,
    left: Vec<Vec<T>>,
    right: Vec<Vec<T>>,
}

impl<T: Copy + Ord> State<T> {
    fn crossings(&self, uses: &[(T, T)]) -> usize {
        let case_at = indices(&self.cases);
        [&self.left, &self.right]
            .into_iter()
            .map(|side| {
                let mechanism_at = indices(side);
                let lines: Vec<(usize, usize)> = uses
                    .iter()
                    .filter_map(|(c, m)| Some((*case_at.get(c)?, *mechanism_at.get(m)?)))
                    .collect();
                crossings(&lines)
            })
            .sum()
    }
}

/// Pairs of lines between two columns whose ends come in opposite orders.
pub fn crossings(lines: &[(usize, usize)]) -> usize {
    let mut n = 0;
    for (i, a) in lines.iter().enumerate() {
        for b in &lines[i + 1..] {
            if (a.0 < b.0 && a.1 > b.1) || (a.0 > b.0 && a.1 < b.1) {
                n += 1;
            }
        }
    }
    n
}

/// Position of each member in the flattened groups.
fn indices<T: Copy + Ord>(groups: &[Vec<T>]) -> BTreeMap<T, usize> {
    groups
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, &t)| (t, i))
        .collect()
}

/// Each member's position from 0 to 1 down its column (the middle of its
/// slot), so columns of different lengths compare.
fn positions<T: Copy + Ord>(columns: &[&Vec<Vec<T>>]) -> BTreeMap<T, f64> {
    let mut at = BTreeMap::new();
    for column in columns {
        let total = column.iter().map(Vec::len).sum::<usize>().max(1) as f64;
        for (i, &t) in column.iter().flatten().enumerate() {
            at.insert(t, (i as f64 + 0.5) / total);
        }
    }
    at
}

#[derive(Clone, Copy)]
enum Pick {
    Case,
    Mechanism,
}

/// The mean position of each node's neighbours that have one in `at`.
fn neighbour_means<T: Copy + Ord>(
    uses: &[(T, T)],
    at: &BTreeMap<T, f64>,
    pick: Pick,
) -> BTreeMap<T, f64> {
    let mut sums: BTreeMap<T, (f64, usize)> = BTreeMap::new();
    for &(case, mechanism) in uses {
        let (node, other) = match pick {
            Pick::Case => (case, mechanism),
            Pick::Mechanism => (mechanism, case),
        };
        if let Some(&p) = at.get(&other) {
            let sum = sums.entry(node).or_insert((0.0, 0));
            sum.0 += p;
            sum.1 += 1;
        }
    }
    sums.into_iter()
        .map(|(t, (sum, n))| (t, sum / n as f64))
        .collect()
}

/// Sorts the members of each group by barycentre, then the groups by the
/// mean barycentre of their members; a node without neighbours keeps its
/// current place (its position in the column as it is). Stable sorts, so
/// ties keep the current order.
fn reorder<T: Copy + Ord>(groups: &[Vec<T>], means: &BTreeMap<T, f64>) -> Vec<Vec<T>> {
    let now = positions(&[&groups.to_vec()]);
    let key = |t: &T| means.get(t).or_else(|| now.get(t)).copied().unwrap_or(0.0);
    let mut sorted: Vec<(f64, Vec<T>)> = groups
        .iter()
        .map(|group| {
            let mut group = group.clone();
            group.sort_by(|a, b| key(a).total_cmp(&key(b)));
            let mean = group.iter().map(key).sum::<f64>() / group.len().max(1) as f64;
            (mean, group)
        })
        .collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    sorted.into_iter().map(|(_, group)| group).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossings_count_lines_in_opposite_orders() {
        assert_eq!(crossings(&[(0, 0), (1, 1)]), 0);
        assert_eq!(crossings(&[(0, 1), (1, 0)]), 1);
        // Lines sharing an end do not cross.
        assert_eq!(crossings(&[(0, 0), (0, 1), (1, 1)]), 0);
    }

    #[test]
    fn a_crossed_ladder_is_untangled_within_its_groups() {
        // Cases 0..4 in one group use mechanisms 13, 12, 11, 10 in one group:
        // drawn as given, every pair crosses.
        let uses = [(0, 13), (1, 12), (2, 11), (3, 10)];
        let c = columns(vec![vec![0, 1, 2, 3]], vec![vec![10, 11, 12, 13]], &uses);
        assert_eq!(c.crossings, 0);
        assert!(c.left.is_empty());
        assert_eq!(c.right, vec![vec![13, 12, 11, 10]]);
    }

    #[test]
    fn groups_stay_whole_and_sides_are_balanced() {
        let uses = [(0, 10), (1, 11), (2, 20), (3, 21), (0, 30), (3, 31)];
        let c = columns(
            vec![vec![0, 3], vec![1, 2]],
            vec![vec![10, 11], vec![20, 21], vec![30, 31, 32]],
            &uses,
        );
        // The largest family first, on the right; the next on the left.
        assert!(c.right.contains(&vec![30, 31, 32]) || c.right.contains(&vec![31, 30, 32]));
        let per_side = |s: &Vec<Vec<i32>>| s.iter().map(Vec::len).sum::<usize>();
        assert!(per_side(&c.left).abs_diff(per_side(&c.right)) <= 2);
        for group in c.cases.iter() {
            let mut sorted = group.clone();
            sorted.sort();
            assert!(sorted == [0, 3] || sorted == [1, 2], "{group:?}");
        }
    }
}
