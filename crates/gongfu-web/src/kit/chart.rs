//! Charts drawn as SVG on the server (no JavaScript, no chart library): lines of shares
//! over years with threshold lines, and horizontal bars with an optional compared bar.
//! The affordability report draws its charts with these.
//!
//! Every piece of text (names, labels, classes, ids) goes into the SVG through `esc`, and
//! nothing else formats text into it: the SVG is inserted into the page unescaped (askama's
//! `|safe`), so this module is where a name with `<` or `&` would otherwise break the page.

use std::fmt::{self, Display, Write as _};

/// Text for SVG markup, escaped as it is written (element content and attribute values).
struct Esc<'a>(&'a str);

/// The one way text reaches the SVG.
fn esc(s: &str) -> Esc<'_> {
    Esc(s)
}

impl Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&#39;")?,
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

/// The opening tag every chart shares: its size, accessible name and id.
fn open(w: f64, h: f64, label: &str, id: &str) -> String {
    format!(
        r#"<svg viewBox="0 0 {w} {h:.0}" width="100%" role="img" aria-label="{}" id="{}">"#,
        esc(label),
        esc(id)
    )
}

/// Lines of shares (fractions, labelled as percentages) over periods, with threshold lines.
pub(crate) struct ShareLines<'a> {
    /// The element id.
    pub id: &'a str,
    /// The accessible name.
    pub label: &'a str,
    /// The periods along the x axis.
    pub periods: Vec<String>,
    /// The lines: CSS class and one value per period (none where there is no value).
    pub series: Vec<(&'a str, Vec<Option<f64>>)>,
    /// Horizontal lines: value, CSS class, label.
    pub thresholds: Vec<(f64, &'a str, &'a str)>,
    /// The top of the axis is at least this share.
    pub least_top: f64,
}

impl ShareLines<'_> {
    /// The chart as SVG markup.
    pub(crate) fn svg(&self) -> String {
        let (w, h, left, bottom, top) = (640.0, 240.0, 56.0, 28.0, 12.0);
        let max = self
            .series
            .iter()
            .flat_map(|(_, values)| values.iter().flatten())
            .fold(self.least_top, |m, v| m.max(*v));
        let n = self.periods.len().max(1);
        let x = |i: usize| left + (w - left - 20.0) * (i as f64 + 0.5) / n as f64;
        let y = |v: f64| top + (h - top - bottom) * (1.0 - v / max);
        let mut s = open(w, h, self.label, self.id);
        let _ = write!(
            s,
            r#"<line class="axis" x1="{left}" y1="{}" x2="{}" y2="{}"/>"#,
            h - bottom,
            w - 10.0,
            h - bottom
        );
        for (v, class, label) in &self.thresholds {
            let yy = y(*v);
            let _ = write!(
                s,
                r#"<line class="threshold {}" x1="{left}" y1="{yy:.1}" x2="{}" y2="{yy:.1}"/><text x="{}" y="{:.1}" text-anchor="end">{} {:.1}%</text>"#,
                esc(class),
                w - 10.0,
                w - 12.0,
                yy - 3.0,
                esc(label),
                v * 100.0
            );
        }
        for k in 0..=4 {
            let v = max * k as f64 / 4.0;
            let _ = write!(
                s,
                r#"<text x="{}" y="{:.1}" text-anchor="end">{:.1}%</text>"#,
                left - 4.0,
                y(v) + 4.0,
                v * 100.0
            );
        }
        for (i, period) in self.periods.iter().enumerate() {
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
                x(i),
                h - 8.0,
                esc(period)
            );
        }
        for (class, values) in &self.series {
            let pts: Vec<(usize, f64)> = values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.map(|v| (i, v)))
                .collect();
            if pts.is_empty() {
                continue;
            }
            let d: Vec<String> = pts
                .iter()
                .map(|(i, v)| format!("{:.1},{:.1}", x(*i), y(*v)))
                .collect();
            let _ = write!(
                s,
                r#"<polyline class="line {}" points="{}"/>"#,
                esc(class),
                d.join(" ")
            );
            for (i, v) in pts {
                let _ = write!(
                    s,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="3.5" class="line {}"><title>{:.2}%</title></circle>"#,
                    x(i),
                    y(v),
                    esc(class),
                    v * 100.0
                );
            }
        }
        s.push_str("</svg>");
        s
    }
}

/// Horizontal bars, one per row, each with its compared bar (class `cand`) beside it when
/// the row has one.
pub(crate) struct Bars<'a> {
    /// The element id.
    pub id: &'a str,
    /// The accessible name.
    pub label: &'a str,
    /// Rows: name, value, compared value.
    pub rows: &'a [(String, f64, Option<f64>)],
    /// How a value reads beside its bar and in its tooltip.
    pub value: fn(f64) -> String,
    /// The values' unit, in tooltips.
    pub unit: &'a str,
    /// The compared bars' name, in their tooltips.
    pub compared: &'a str,
}

impl Bars<'_> {
    /// The chart as SVG markup.
    pub(crate) fn svg(&self) -> String {
        let rows = self.rows;
        let bar_h = 14.0;
        let gap = if rows.iter().any(|r| r.2.is_some()) {
            2.0 * bar_h + 8.0
        } else {
            bar_h + 8.0
        };
        let (w, left) = (640.0, 120.0);
        let h = 10.0 + gap * rows.len() as f64;
        let max = rows
            .iter()
            .flat_map(|r| [Some(r.1), r.2])
            .flatten()
            .fold(1.0, f64::max);
        let scale = (w - left - 90.0) / max;
        let value = |v: f64| (self.value)(v);
        let unit = esc(self.unit);
        let mut s = open(w, h, self.label, self.id);
        for (i, (name, base, cand)) in rows.iter().enumerate() {
            let y0 = 6.0 + gap * i as f64;
            let name = esc(name);
            let _ = write!(
                s,
                r#"<text x="{}" y="{:.1}" text-anchor="end">{name}</text>"#,
                left - 6.0,
                y0 + bar_h - 2.0
            );
            let _ = write!(
                s,
                r#"<rect class="bar" x="{left}" y="{y0:.1}" width="{:.1}" height="{bar_h}"><title>{name}：{} {unit}</title></rect><text x="{:.1}" y="{:.1}">{}</text>"#,
                base * scale,
                esc(&value(*base)),
                left + base * scale + 4.0,
                y0 + bar_h - 2.0,
                esc(&value(*base))
            );
            if let Some(c) = cand {
                let y1 = y0 + bar_h + 2.0;
                let _ = write!(
                    s,
                    r#"<rect class="bar cand" x="{left}" y="{y1:.1}" width="{:.1}" height="{bar_h}"><title>{}：{} {unit}</title></rect><text x="{:.1}" y="{:.1}">{}</text>"#,
                    c * scale,
                    esc(self.compared),
                    esc(&value(*c)),
                    left + c * scale + 4.0,
                    y1 + bar_h - 2.0,
                    esc(&value(*c))
                );
            }
        }
        s.push_str("</svg>");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_text_reaches_the_svg_unescaped() {
        let rows = vec![("<b>\"A&B\"</b>".to_string(), 2.0, Some(3.0))];
        let svg = Bars {
            id: "x\"y",
            label: "a<b",
            rows: &rows,
            value: |v| format!("<{v}>"),
            unit: "&",
            compared: "'c'",
        }
        .svg();
        assert!(!svg.contains("<b>") && !svg.contains("<2>") && !svg.contains("x\"y"));
        assert!(
            svg.contains("&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;"),
            "{svg}"
        );
        assert!(svg.contains("&#39;c&#39;：&lt;3&gt; &amp;"), "{svg}");
        let lines = ShareLines {
            id: "r",
            label: "l",
            periods: vec!["<2026>".into()],
            series: vec![("base", vec![Some(0.05)])],
            thresholds: vec![(0.07, "amber", "黄色<预警>")],
            least_top: 0.1,
        }
        .svg();
        assert!(lines.contains("&lt;2026&gt;") && lines.contains("黄色&lt;预警&gt; 7.0%"));
        assert_eq!(lines.matches('<').count(), lines.matches('>').count());
    }

    #[test]
    fn lines_scale_to_the_largest_share_and_skip_missing_values() {
        let svg = ShareLines {
            id: "ratio-chart",
            label: "比例",
            periods: vec!["2024".into(), "2025".into()],
            series: vec![
                ("base", vec![Some(0.2), Some(0.1)]),
                ("cand", vec![None, None]),
            ],
            thresholds: vec![],
            least_top: 0.125,
        }
        .svg();
        assert!(svg.starts_with(r#"<svg viewBox="0 0 640 240" width="100%" role="img" aria-label="比例" id="ratio-chart"><line class="axis" x1="56" y1="212" x2="630" y2="212"/>"#), "{svg}");
        // The top tick is the largest value, not the threshold floor.
        assert!(svg.contains(">20.0%</text>"), "{svg}");
        assert!(
            svg.contains(r#"<polyline class="line base" points="197.0,12.0 479.0,112.0"/>"#),
            "{svg}"
        );
        assert!(!svg.contains("line cand"));
    }
}
