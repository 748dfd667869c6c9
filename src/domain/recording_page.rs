//! One page of a meeting's recordings, sorted. The vendor sends every recording of a meeting at
//! once; the page shows `RECORDINGS_PER_PAGE` of them, so a meeting with thousands of recordings
//! stays a small page to render, send and hydrate. The summary still covers all of them.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::meeting_id::MeetingId;
use super::recording::{Recording, RecordingRow, RecordingSummary};

pub const RECORDINGS_PER_PAGE: usize = 50;

/// Which column the table is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum SortKey {
    #[default]
    Created,
    Duration,
    Size,
}

impl SortKey {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// How to show the list, from the query string (`sort`, `dir`, `page`) so every view has a URL
/// and works without JavaScript. Links are ours, so anything unknown falls back to the default
/// view instead of an error: an unknown column sorts by date, a page past the end shows the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordingView {
    pub sort: SortKey,
    pub descending: bool,
    /// 1-based.
    pub page: usize,
}

impl Default for RecordingView {
    fn default() -> Self {
        Self { sort: SortKey::Created, descending: true, page: 1 }
    }
}

impl RecordingView {
    pub fn from_query(sort: Option<&str>, dir: Option<&str>, page: Option<&str>) -> Self {
        let sort = match sort.map(str::trim) {
            Some("duration") => SortKey::Duration,
            Some("size") => SortKey::Size,
            _ => SortKey::Created,
        };
        let page = page.and_then(|p| p.trim().parse::<usize>().ok()).filter(|&p| p >= 1).unwrap_or(1);
        Self { sort, descending: dir.map(str::trim) != Some("asc"), page }
    }

    /// The query string for this view; the defaults are left out so plain links stay plain.
    pub fn query(self) -> String {
        let mut q = format!("?sort={}&dir={}", self.sort.as_str(), if self.descending { "desc" } else { "asc" });
        if self.page > 1 {
            q.push_str(&format!("&page={}", self.page));
        }
        q
    }
}

/// What the recordings page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordingPage {
    pub meeting_id: MeetingId,
    /// Over every recording, not just this page's.
    pub summary: RecordingSummary,
    pub rows: Vec<RecordingRow>,
    /// As shown: `page` clamped to `1..=pages`.
    pub view: RecordingView,
    pub pages: usize,
    /// 1-based position of the first row on this page (0 when there are none).
    pub first_row: usize,
    /// Unix seconds, the server's clock, so link expiry reads the same on the server and in the browser.
    pub fetched_at: i64,
    /// With no recordings: what Meeting Admin itself knows of the meeting (its deletion, or its
    /// creation here), since ConnectyCube answers the same for a deleted, unrecorded or unknown one.
    #[serde(default)]
    pub known: Option<String>,
}

/// A meeting's whole list with what every view of it needs worked out once: the summary, and per
/// sort key the order (made the first time a view asks for it). The recordings page keeps one per
/// meeting for `RECORDINGS_CACHE_TTL`, so paging and sorting a kept list cost the rows shown, not
/// a parse of every timestamp and a sort of every recording (most of a kept view's profile).
#[derive(Debug)]
pub struct IndexedRecordings {
    list: Vec<Recording>,
    summary: RecordingSummary,
    /// Ascending, ties broken by id (so a row never shows on two pages, or on none); by
    /// `SortKey::index`.
    orders: [OnceLock<Vec<u32>>; 3],
}

impl SortKey {
    fn index(self) -> usize {
        match self {
            Self::Created => 0,
            Self::Duration => 1,
            Self::Size => 2,
        }
    }
}

impl IndexedRecordings {
    pub fn new(list: Vec<Recording>) -> Self {
        let summary = RecordingSummary::of(&list);
        Self { list, summary, orders: Default::default() }
    }

    pub fn list(&self) -> &[Recording] {
        &self.list
    }

    /// What the orders take beyond the list, once all three are made (for a memory bound).
    pub fn index_bytes(&self) -> usize {
        std::mem::size_of::<Self>() + 3 * std::mem::size_of::<u32>() * self.list.len() + self.summary.fingerprint.len()
    }

    fn order(&self, key: SortKey) -> &[u32] {
        self.orders[key.index()].get_or_init(|| {
            let all = &self.list;
            let mut order: Vec<u32> = (0..all.len() as u32).collect();
            let at = |i: &u32| &all[*i as usize];
            match key {
                SortKey::Created => order.sort_by_cached_key(|i| (at(i).created_unix().unwrap_or(i64::MIN), at(i).id.as_str())),
                SortKey::Duration => order.sort_by(|a, b| (at(a).duration, &at(a).id).cmp(&(at(b).duration, &at(b).id))),
                SortKey::Size => order.sort_by(|a, b| (at(a).size, &at(a).id).cmp(&(at(b).size, &at(b).id))),
            }
            order
        })
    }
}

impl RecordingPage {
    /// The page of `all` that `view` asks for, copying only the rows shown.
    pub fn of(meeting_id: MeetingId, all: &IndexedRecordings, view: RecordingView, fetched_at: i64) -> Self {
        let order = all.order(view.sort);
        let pages = order.len().div_ceil(RECORDINGS_PER_PAGE).max(1);
        let page = view.page.min(pages);
        let start = (page - 1) * RECORDINGS_PER_PAGE;
        let end = (start + RECORDINGS_PER_PAGE).min(order.len());
        let position = |p: usize| if view.descending { order[order.len() - 1 - p] } else { order[p] };
        let rows: Vec<RecordingRow> = (start..end).map(|p| RecordingRow::from(&all.list[position(p) as usize])).collect();
        let first_row = if rows.is_empty() { 0 } else { start + 1 };
        Self { meeting_id, summary: all.summary.clone(), rows, view: RecordingView { page, ..view }, pages, first_row, fetched_at, known: None }
    }

    /// "Showing 51–100 of 1000", for the pager.
    pub fn range_text(&self) -> String {
        let last = self.first_row + self.rows.len().saturating_sub(1);
        format!("Showing {}–{} of {}", self.first_row, last, self.summary.count)
    }

    /// Link to another page of the same view.
    pub fn page_href(&self, page: usize) -> String {
        RecordingView { page, ..self.view }.query()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(i: usize) -> Recording {
        Recording {
            id: format!("{i:024}"),
            room_id: String::new(),
            participants_count: 0,
            participants_ids: vec![],
            file_uid: String::new(),
            // Few distinct values, so ties have to be broken by id.
            duration: (i % 3) as u64,
            size: (i * 7919 % 1000) as u64,
            created_at: format!("2026-11-{:02}T10:00:00Z", 1 + i % 28),
            updated_at: String::new(),
            download_url: String::new(),
        }
    }

    fn id() -> MeetingId {
        MeetingId::parse("6932e0f8652986000d48148a").unwrap()
    }

    #[test]
    fn query_strings_parse_leniently() {
        assert_eq!(RecordingView::from_query(None, None, None), RecordingView::default());
        let v = RecordingView::from_query(Some("size"), Some("asc"), Some("3"));
        assert_eq!((v.sort, v.descending, v.page), (SortKey::Size, false, 3));
        for junk in ["0", "-1", "two", "", "99999999999999999999999"] {
            assert_eq!(RecordingView::from_query(Some("name"), Some("up"), Some(junk)), RecordingView::default(), "{junk}");
        }
        assert_eq!(v.query(), "?sort=size&dir=asc&page=3");
        assert_eq!(RecordingView::default().query(), "?sort=created&dir=desc");
    }

    #[test]
    fn pages_cover_every_row_once_in_order() {
        let all = IndexedRecordings::new((0..123).map(rec).collect());
        for sort in [SortKey::Created, SortKey::Duration, SortKey::Size] {
            for descending in [true, false] {
                let mut seen = Vec::new();
                for page in 1..=3 {
                    let p = RecordingPage::of(id(), &all, RecordingView { sort, descending, page }, 0);
                    assert_eq!(p, RecordingPage::of(id(), &all, RecordingView { sort, descending, page }, 0), "the kept order reads the same");
                    assert_eq!((p.pages, p.view.page, p.summary.count), (3, page, 123));
                    assert_eq!(p.first_row, (page - 1) * 50 + 1);
                    seen.extend(p.rows);
                }
                assert_eq!(seen.len(), 123);
                let key = |r: &RecordingRow| match sort {
                    SortKey::Created => (r.created_unix().unwrap(), r.id.clone()),
                    SortKey::Duration => (r.duration as i64, r.id.clone()),
                    SortKey::Size => (r.size as i64, r.id.clone()),
                };
                let keys: Vec<_> = seen.iter().map(key).collect();
                let mut want = keys.clone();
                want.sort();
                if descending {
                    want.reverse();
                }
                assert_eq!(keys, want, "{sort:?} descending={descending}");
            }
        }
    }

    #[test]
    fn a_page_past_the_end_shows_the_last_and_links_keep_the_view() {
        let p = RecordingPage::of(id(), &IndexedRecordings::new((0..123).map(rec).collect()), RecordingView { sort: SortKey::Size, descending: false, page: 9 }, 0);
        assert_eq!((p.view.page, p.rows.len(), p.first_row), (3, 23, 101));
        assert_eq!(p.range_text(), "Showing 101–123 of 123");
        assert_eq!(p.page_href(2), "?sort=size&dir=asc&page=2");
        assert_eq!(p.page_href(1), "?sort=size&dir=asc");
        let empty = RecordingPage::of(id(), &IndexedRecordings::new(Vec::new()), RecordingView::default(), 0);
        assert_eq!((empty.pages, empty.view.page, empty.first_row, empty.rows.len()), (1, 1, 0, 0));
    }
}
