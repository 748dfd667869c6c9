//! The retention report: what the inventory holds per host (count, bytes, oldest, due soon,
//! held, exempt), as a table, as CSV, and the bytes by age as a small chart drawn on the server
//! (an SVG of a few hundred bytes rather than a chart library in the first load).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::csv::cell;
use super::retention::{Known, MeetingRule, Rules, Standing, DAY_MS};
use super::units::format_bytes;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostLine {
    /// `None`: meetings whose host is not known here.
    pub host: Option<u64>,
    pub meetings: u64,
    pub recordings: u64,
    pub bytes: u64,
    /// Unix seconds of the oldest recording.
    pub oldest: Option<i64>,
    pub due_7: u64,
    pub due_30: u64,
    pub held: u64,
    pub exempt: u64,
}

/// Recordings by age, for the chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgeBucket {
    pub label: String,
    pub recordings: u64,
    pub bytes: u64,
}

/// The age buckets' upper bounds in days (the last is open), and their labels.
pub const AGE_BUCKETS: [(Option<i64>, &str); 6] =
    [(Some(30), "under 30 days"), (Some(90), "30–90 days"), (Some(180), "90–180 days"), (Some(365), "180 days–1 year"), (Some(730), "1–2 years"), (None, "over 2 years")];

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionReport {
    pub hosts: Vec<HostLine>,
    pub ages: Vec<AgeBucket>,
    /// The oldest listing the figures rest on (Unix ms).
    pub as_of_ms: Option<i64>,
    pub now_ms: i64,
}

impl RetentionReport {
    /// Per host, from the inventory; known hosts in order, then the unknown ones.
    pub fn hosts<'a>(known: impl IntoIterator<Item = (&'a Known, Option<i64>)>, rules: &Rules, now_ms: i64) -> Vec<HostLine> {
        let mut by: BTreeMap<(bool, u64), HostLine> = BTreeMap::new();
        for (k, oldest) in known {
            let line = by.entry((k.host.is_none(), k.host.unwrap_or(0))).or_insert_with(|| HostLine { host: k.host, ..HostLine::default() });
            line.meetings += 1;
            line.recordings += k.recordings;
            line.bytes += k.bytes;
            line.oldest = match (line.oldest, oldest) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let s = Standing::of(k, rules);
            if s.is_due(now_ms + 7 * DAY_MS) && k.recordings > 0 {
                line.due_7 += 1;
            }
            if s.is_due(now_ms + 30 * DAY_MS) && k.recordings > 0 {
                line.due_30 += 1;
            }
            line.held += u64::from(k.held);
            line.exempt += u64::from(k.rule == Some(MeetingRule::Keep));
        }
        by.into_values().collect()
    }

    pub fn csv(&self) -> String {
        let mut out = String::from("host_id,meetings,recordings,bytes,size,oldest_recording,due_within_7_days,due_within_30_days,held,exempt\r\n");
        for h in &self.hosts {
            let row = [
                h.host.map(|h| h.to_string()).unwrap_or_else(|| cell("unknown")),
                h.meetings.to_string(),
                h.recordings.to_string(),
                h.bytes.to_string(),
                format_bytes(h.bytes),
                h.oldest.map(|t| super::civil_time::format_rfc3339_ms(t * 1000)).unwrap_or_default(),
                h.due_7.to_string(),
                h.due_30.to_string(),
                h.held.to_string(),
                h.exempt.to_string(),
            ];
            out.push_str(&row.join(","));
            out.push_str("\r\n");
        }
        out
    }

    /// Horizontal bars of bytes per age bucket, labelled, scaled to the largest.
    pub fn age_chart_svg(&self) -> String {
        const W: u64 = 560;
        const BAR: u64 = 320;
        const ROW: u64 = 26;
        let max = self.ages.iter().map(|a| a.bytes).max().unwrap_or(0).max(1);
        let h = ROW * self.ages.len() as u64 + 8;
        let mut svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {h}\" width=\"{W}\" height=\"{h}\" role=\"img\" aria-labelledby=\"age-chart-title\" class=\"age-chart\">\
             <title id=\"age-chart-title\">Recording bytes by age</title>"
        );
        for (i, a) in self.ages.iter().enumerate() {
            let y = i as u64 * ROW + 4;
            let len = if a.bytes == 0 { 0 } else { (a.bytes * BAR / max).max(2) };
            svg.push_str(&format!(
                "<text x=\"0\" y=\"{}\" class=\"label\">{}</text><rect x=\"130\" y=\"{y}\" width=\"{len}\" height=\"18\" rx=\"3\" class=\"bar\"/>\
                 <text x=\"{}\" y=\"{}\" class=\"value\">{} · {} recordings</text>",
                y + 14,
                a.label,
                136 + len,
                y + 14,
                format_bytes(a.bytes),
                a.recordings
            ));
        }
        svg.push_str("</svg>");
        svg
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{MeetingId, RetentionDays};

    const NOW: i64 = 1_800_000_000_000;

    fn k(n: u8, host: Option<u64>, newest_days_ago: i64) -> Known {
        Known {
            meeting_id: MeetingId::parse(&format!("{n:024x}")).unwrap(),
            host,
            recordings: 2,
            bytes: 1000,
            newest_created: Some(NOW / 1000 - newest_days_ago * 86_400),
            rule: None,
            held: false,
        }
    }

    #[test]
    fn hosts_are_summed_with_what_is_due_held_and_exempt() {
        let rules = Rules { default: RetentionDays::new(30), hosts: Default::default() };
        let mut held = k(3, Some(7), 40);
        held.held = true;
        let mut kept = k(4, None, 40);
        kept.rule = Some(MeetingRule::Keep);
        let list = [k(1, Some(7), 25), k(2, Some(7), 5), held, kept];
        let hosts = RetentionReport::hosts(list.iter().map(|k| (k, k.newest_created.map(|t| t - 86_400))), &rules, NOW);
        assert_eq!(hosts.len(), 2, "host 7, then the unknown host");
        let h7 = &hosts[0];
        assert_eq!((h7.host, h7.meetings, h7.recordings, h7.bytes), (Some(7), 3, 6, 3000));
        assert_eq!((h7.due_7, h7.due_30, h7.held, h7.exempt), (1, 2, 1, 0), "{h7:?}");
        assert_eq!(h7.oldest, Some(NOW / 1000 - 41 * 86_400));
        assert_eq!((hosts[1].host, hosts[1].exempt, hosts[1].due_30), (None, 1, 0));
        let csv = RetentionReport { hosts, ..RetentionReport::default() }.csv();
        assert!(csv.lines().nth(1).unwrap().starts_with("7,3,6,3000,"), "{csv}");
        assert!(csv.lines().nth(2).unwrap().starts_with("unknown,1,"), "{csv}");
    }

    #[test]
    fn the_chart_scales_to_the_largest_bucket_and_names_each() {
        let ages = vec![
            AgeBucket { label: "under 30 days".into(), recordings: 1, bytes: 100 },
            AgeBucket { label: "30–90 days".into(), recordings: 2, bytes: 50 },
            AgeBucket { label: "over 2 years".into(), recordings: 0, bytes: 0 },
        ];
        let svg = RetentionReport { ages, ..RetentionReport::default() }.age_chart_svg();
        assert!(svg.contains("width=\"320\"") && svg.contains("width=\"160\"") && svg.contains("width=\"0\""), "{svg}");
        assert!(svg.contains("<title id=\"age-chart-title\">") && svg.contains("30–90 days"));
    }
}
