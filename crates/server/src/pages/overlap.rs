//! The collection-overlap page (`/overlap`) for collection librarians: per
//! library the titles held, the last copies in the network ("unique"), the
//! titles shared with two or three libraries and the widely held ones; the
//! unique counts as bars and the library × library overlap as a heat map,
//! both inline SVG drawn here on the server (no script); the same figures as
//! a table for screen readers and a CSV download. `?slice=format:book` or
//! `?slice=class:Q` narrows everything to one format or LC class.

use super::{Layout, error_page, html, labels};
use crate::{ApiError, AppState};
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use unicat_catalog::Group;
use unicat_catalog::overlap::{Breakdown, LibraryOverlap, Matrix, OverlapReport};

/// An option of the slice menu.
pub(crate) struct SliceChoice {
    value: String,
    label: String,
    selected: bool,
}

/// A row of the per-library table.
pub(crate) struct LibraryRow {
    name: String,
    id: String,
    total: String,
    unique: String,
    unique_share: String,
    shared: String,
    widely: String,
}

/// One bar of the unique-holdings chart.
pub(crate) struct Bar {
    y: u32,
    text_y: u32,
    width: u32,
    label: String,
    value: String,
    value_x: u32,
    title: String,
}

/// A cell of the heat map.
pub(crate) struct Cell {
    x: u32,
    y: u32,
    text_x: u32,
    text_y: u32,
    fill: String,
    ink: &'static str,
    text: String,
    title: String,
}

/// An axis label of the heat map.
pub(crate) struct AxisLabel {
    x: u32,
    y: u32,
    text: String,
    title: String,
}

/// A row of the matrix as a table.
pub(crate) struct MatrixRow {
    name: String,
    cells: Vec<String>,
}

/// The page.
#[derive(Template)]
#[template(path = "overlap.html")]
pub(crate) struct OverlapPage {
    layout: Layout,
    slice: String,
    clusters: String,
    library_count: usize,
    choices: Vec<SliceChoice>,
    rows: Vec<LibraryRow>,
    bars: Vec<Bar>,
    bars_width: u32,
    bars_height: u32,
    bar_x: u32,
    bar_label_x: u32,
    cells: Vec<Cell>,
    row_labels: Vec<AxisLabel>,
    column_labels: Vec<AxisLabel>,
    heat_width: u32,
    heat_height: u32,
    matrix_head: Vec<String>,
    matrix_rows: Vec<MatrixRow>,
    /// Counting editions or works.
    levels: Vec<SliceChoice>,
    /// What is counted: "titles" (editions) or "works".
    unit: &'static str,
    /// The CSV download at this level.
    csv: &'static str,
}

pub(super) async fn page(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let asked = |name: &str| {
        query.as_deref().and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim().to_string())
                .filter(|v| !v.is_empty())
        })
    };
    let slice = asked("slice");
    let level = match asked("level").as_deref().map(Group::parse) {
        None => Group::Manifestation,
        Some(Some(l)) => l,
        Some(None) => {
            return error_page(&ApiError::bad_parameter(
                "level must be manifestation or work",
            ));
        }
    };
    let report = match state.blocking(move |c| c.overlap_at(level)).await {
        Ok(r) => r,
        Err(e) => return error_page(&e),
    };
    match view(&report, slice.as_deref()) {
        Ok(mut page) => {
            page.levels = [
                (
                    Group::Manifestation,
                    "manifestation",
                    "Editions (each edition and format)",
                ),
                (Group::Work, "work", "Works (any edition or format)"),
            ]
            .into_iter()
            .map(|(g, value, label)| SliceChoice {
                value: value.to_string(),
                label: label.to_string(),
                selected: g == level,
            })
            .collect();
            if level == Group::Work {
                page.unit = "works";
                page.csv = "/api/overlap.csv?level=work";
            }
            html(StatusCode::OK, &page)
        }
        Err(e) => error_page(&e),
    }
}

/// The part of the report a slice selects, and its name.
fn select<'r>(
    report: &'r OverlapReport,
    slice: Option<&str>,
) -> Result<(String, u64, &'r [LibraryOverlap], &'r Matrix), ApiError> {
    let Some(slice) = slice else {
        return Ok((
            "All titles".to_string(),
            report.clusters,
            &report.libraries,
            &report.matrix,
        ));
    };
    let found = |b: Option<&'r Breakdown>, label: String| {
        b.map(|b| (label, b.clusters, b.libraries.as_slice(), &b.matrix))
    };
    let hit = match slice.split_once(':') {
        Some(("format", f)) => found(
            report.by_format.get(f),
            format!("Format: {}", labels::format(f)),
        ),
        Some(("class", c)) => found(report.by_lc_class.get(c), format!("LC class {c}")),
        _ => None,
    };
    hit.ok_or_else(|| {
        ApiError::bad_parameter(format!(
            "there is no slice “{slice}”: choose a format (format:book) or an LC class \
             (class:Q) from the list"
        ))
    })
}

fn choices(report: &OverlapReport, slice: Option<&str>) -> Vec<SliceChoice> {
    let mut out = vec![SliceChoice {
        value: String::new(),
        label: "All titles".to_string(),
        selected: slice.is_none(),
    }];
    for (f, b) in &report.by_format {
        let value = format!("format:{f}");
        out.push(SliceChoice {
            selected: slice == Some(value.as_str()),
            label: format!(
                "Format: {} ({})",
                labels::format(f),
                labels::number(b.clusters)
            ),
            value,
        });
    }
    for (c, b) in &report.by_lc_class {
        let value = format!("class:{c}");
        out.push(SliceChoice {
            selected: slice == Some(value.as_str()),
            label: format!("LC class {c} ({})", labels::number(b.clusters)),
            value,
        });
    }
    out
}

fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        "–".to_string()
    } else {
        format!("{}%", (part as f64 * 100.0 / whole as f64).round() as u64)
    }
}

fn name(l: &LibraryOverlap) -> String {
    if l.library_name.is_empty() {
        l.library.clone()
    } else {
        l.library_name.clone()
    }
}

/// At most `max` characters, with an ellipsis when cut.
fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// White (0) to the brand blue (1).
fn heat(f: f64) -> String {
    let f = f.clamp(0.0, 1.0);
    let mix = |from: f64, to: f64| (from + (to - from) * f).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(247.0, 11.0),
        mix(250.0, 79.0),
        mix(253.0, 138.0)
    )
}

const BAR_LABEL: u32 = 230;
const BAR_AREA: u32 = 360;
const BAR_ROW: u32 = 28;
const CELL: u32 = 56;
const HEAT_LEFT: u32 = 190;
const HEAT_TOP: u32 = 90;

fn view(report: &OverlapReport, slice: Option<&str>) -> Result<OverlapPage, ApiError> {
    let (slice_label, clusters, libraries, matrix) = select(report, slice)?;
    let rows = libraries
        .iter()
        .map(|l| LibraryRow {
            name: name(l),
            id: l.library.clone(),
            total: labels::number(l.total),
            unique: labels::number(l.unique),
            unique_share: percent(l.unique, l.total),
            shared: labels::number(l.shared_2_3),
            widely: labels::number(l.widely_held),
        })
        .collect();

    let most = libraries.iter().map(|l| l.unique).max().unwrap_or(0).max(1);
    let bars = libraries
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let width = ((l.unique as f64 / most as f64) * f64::from(BAR_AREA)).round() as u32;
            let y = i as u32 * BAR_ROW + 4;
            Bar {
                y,
                text_y: y + 15,
                width,
                label: short(&name(l), 26),
                value: format!(
                    "{} ({})",
                    labels::number(l.unique),
                    percent(l.unique, l.total)
                ),
                value_x: BAR_LABEL + width + 6,
                title: format!(
                    "{}: {} of its {} titles are held by no other library",
                    name(l),
                    labels::number(l.unique),
                    labels::number(l.total)
                ),
            }
        })
        .collect();

    // Library i's row: what share of i's titles library j also holds.
    let n = matrix.libraries.len();
    let names: Vec<String> = matrix
        .libraries
        .iter()
        .map(|id| {
            libraries
                .iter()
                .find(|l| &l.library == id)
                .map(name)
                .unwrap_or_else(|| id.clone())
        })
        .collect();
    let mut cells = Vec::with_capacity(n * n);
    for (i, row) in matrix.counts.iter().enumerate() {
        let own = row.get(i).copied().unwrap_or(0);
        for (j, &both) in row.iter().enumerate() {
            let x = HEAT_LEFT + j as u32 * CELL;
            let y = HEAT_TOP + i as u32 * CELL;
            let f = if own == 0 {
                0.0
            } else {
                both as f64 / own as f64
            };
            let (fill, ink, title) = if i == j {
                (
                    "#d9dde3".to_string(),
                    "#0b0c0c",
                    format!("{} holds {} titles", names[i], labels::number(own)),
                )
            } else {
                (
                    heat(f),
                    if f > 0.5 { "#ffffff" } else { "#0b0c0c" },
                    format!(
                        "{} of {}’s {} titles are also held by {}",
                        labels::number(both),
                        names[i],
                        labels::number(own),
                        names[j]
                    ),
                )
            };
            cells.push(Cell {
                x,
                y,
                text_x: x + CELL / 2,
                text_y: y + CELL / 2 + 5,
                fill,
                ink,
                text: if i == j {
                    "—".to_string()
                } else {
                    percent(both, own)
                },
                title,
            });
        }
    }
    let row_labels = names
        .iter()
        .enumerate()
        .map(|(i, nm)| AxisLabel {
            x: HEAT_LEFT - 8,
            y: HEAT_TOP + i as u32 * CELL + CELL / 2 + 5,
            text: short(nm, 24),
            title: nm.clone(),
        })
        .collect();
    let column_labels = matrix
        .libraries
        .iter()
        .enumerate()
        .map(|(j, id)| AxisLabel {
            x: HEAT_LEFT + j as u32 * CELL + CELL / 2,
            y: HEAT_TOP - 10,
            text: short(id, 14),
            title: names[j].clone(),
        })
        .collect();
    let matrix_rows = matrix
        .counts
        .iter()
        .enumerate()
        .map(|(i, row)| MatrixRow {
            name: names[i].clone(),
            cells: row.iter().map(|&c| labels::number(c)).collect(),
        })
        .collect();

    Ok(OverlapPage {
        layout: Layout::new("Collection overlap", Some(String::new())),
        clusters: labels::number(clusters),
        library_count: libraries.len(),
        choices: choices(report, slice),
        rows,
        bars,
        bars_width: BAR_LABEL + BAR_AREA + 130,
        bars_height: libraries.len() as u32 * BAR_ROW + 8,
        bar_x: BAR_LABEL,
        bar_label_x: BAR_LABEL - 8,
        cells,
        row_labels,
        column_labels,
        heat_width: HEAT_LEFT + n as u32 * CELL + 10,
        heat_height: HEAT_TOP + n as u32 * CELL + 10,
        matrix_head: names,
        matrix_rows,
        levels: Vec::new(),
        unit: "titles",
        csv: "/api/overlap.csv",
        slice: slice_label,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lib(id: &str, total: u64, unique: u64) -> LibraryOverlap {
        LibraryOverlap {
            library: id.to_string(),
            library_name: format!("{id} library"),
            total,
            unique,
            shared_2_3: total - unique,
            widely_held: 0,
        }
    }

    fn report() -> OverlapReport {
        let matrix = Matrix {
            libraries: vec!["a".into(), "b".into()],
            counts: vec![vec![10, 4], vec![4, 5]],
        };
        let mut r = OverlapReport {
            clusters: 11,
            libraries: vec![lib("a", 10, 6), lib("b", 5, 1)],
            matrix: matrix.clone(),
            ..Default::default()
        };
        r.by_lc_class.insert(
            "Q".into(),
            Breakdown {
                clusters: 3,
                libraries: vec![lib("a", 3, 3), lib("b", 0, 0)],
                matrix: Matrix {
                    libraries: matrix.libraries.clone(),
                    counts: vec![vec![3, 0], vec![0, 0]],
                },
            },
        );
        r
    }

    #[test]
    fn heat_map_shares_are_of_the_row_library() {
        let page = view(&report(), None).unwrap();
        // a holds 10, shares 4 with b: 40 % of a's; b holds 5: 80 % of b's.
        let texts: Vec<&str> = page.cells.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["—", "40%", "80%", "—"]);
        assert!(page.cells[2].ink == "#ffffff" && page.cells[1].ink == "#0b0c0c");
        // The longest bar is the library with the most unique titles.
        assert!(page.bars[0].width > page.bars[1].width);
        assert_eq!(page.bars[0].width, BAR_AREA);
    }

    #[test]
    fn slices_select_a_breakdown_or_are_refused() {
        let page = view(&report(), Some("class:Q")).unwrap();
        assert_eq!(page.slice, "LC class Q");
        assert_eq!(page.clusters, "3");
        // A library holding nothing in the slice gets no share, not NaN.
        assert_eq!(page.cells[3].text, "—");
        assert_eq!(page.cells[2].text, "–");
        let e = view(&report(), Some("class:ZZ")).err().unwrap();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert!(view(&report(), Some("nonsense")).is_err());
    }

    #[test]
    fn colours_run_from_white_to_blue() {
        assert_eq!(heat(0.0), "#f7fafd");
        assert_eq!(heat(1.0), "#0b4f8a");
        assert_eq!(heat(7.0), "#0b4f8a");
    }
}
