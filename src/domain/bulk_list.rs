//! A pasted or uploaded list of meetings, read once into ids and the lines that are not ids.
//!
//! Anything goes between ids: spaces, commas, semicolons, tabs, new lines, quotes, links to a
//! meeting. A CSV whose first line names its columns (no digits in it) is read by its
//! `meeting_id` (or `meeting`, `id`) column only, so an export with tickets, names or recording
//! ids beside the meeting ids works as it is.

use serde::{Deserialize, Serialize};

use super::meeting_id::MeetingId;
use super::text::visible;

/// Meetings one batch may hold.
pub const MAX_BATCH: usize = 500;

/// A line of the list that is not taken as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ListProblem {
    /// Not a meeting id (`text` is what was there, shortened and made printable).
    Invalid { line: usize, text: String, message: String },
    /// The same meeting again: kept once, at its first line.
    Duplicate { line: usize, meeting_id: MeetingId, first_line: usize },
}

impl ListProblem {
    pub fn line(&self) -> usize {
        match self {
            Self::Invalid { line, .. } | Self::Duplicate { line, .. } => *line,
        }
    }

    /// "Line 4: “6932e0f86529” is not a meeting id: A meeting id has 24 characters; this one has 12."
    pub fn describe(&self) -> String {
        match self {
            Self::Invalid { line, text, message } => format!("Line {line}: “{text}” is not a meeting id: {message}"),
            Self::Duplicate { line, meeting_id, first_line } => {
                format!("Line {line}: {meeting_id} is listed already on line {first_line}; it is taken once.")
            }
        }
    }
}

/// What a list holds, in the order given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingList {
    /// Each meeting once, with the line it was first found on.
    pub ids: Vec<(usize, MeetingId)>,
    pub problems: Vec<ListProblem>,
    /// The first line was read as column names (and skipped).
    pub header: Option<String>,
}

impl MeetingList {
    pub fn parse(text: &str) -> Self {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let lines: Vec<(usize, &str)> = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())).filter(|(_, l)| !l.is_empty()).collect();
        let mut list = Self::default();
        let mut column = None;
        if let Some(&(_, first)) = lines.first() {
            if is_header(first) {
                list.header = Some(printable(first, 80));
                column = meeting_column(first);
            }
        }
        let body = if list.header.is_some() { &lines[1..] } else { &lines[..] };
        let mut seen = std::collections::HashMap::new();
        for &(line, text) in body {
            let tokens: Vec<String> = match column {
                Some((delimiter, index)) => csv_cells(text, delimiter).into_iter().nth(index).into_iter().collect(),
                None => tokens(text),
            };
            let mut invalid = Vec::new();
            let mut found = 0;
            for token in tokens.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
                match MeetingId::parse(token) {
                    Ok(id) => {
                        found += 1;
                        match seen.get(&id) {
                            Some(&first_line) => list.problems.push(ListProblem::Duplicate { line, meeting_id: id, first_line }),
                            None => {
                                seen.insert(id.clone(), line);
                                list.ids.push((line, id));
                            }
                        }
                    }
                    Err(e) => invalid.push(ListProblem::Invalid { line, text: printable(token, 40), message: printable(&e.to_string(), 200) }),
                }
            }
            // One entry per bad line: a line of prose is one problem, not one per word.
            if invalid.len() > 1 {
                let message = if found == 0 {
                    "This line holds no meeting id.".to_owned()
                } else {
                    format!("{} parts of this line are not meeting ids.", invalid.len())
                };
                list.problems.push(ListProblem::Invalid { line, text: printable(text, 40), message });
            } else {
                list.problems.extend(invalid);
            }
        }
        list
    }

    pub fn too_many(&self) -> bool {
        self.ids.len() > MAX_BATCH
    }

    pub fn invalid(&self) -> usize {
        self.problems.iter().filter(|p| matches!(p, ListProblem::Invalid { .. })).count()
    }

    pub fn duplicates(&self) -> usize {
        self.problems.len() - self.invalid()
    }

    /// Why no batch can be made of it, said at the list's field; `None` when one can.
    pub fn refusal(&self) -> Option<String> {
        if self.ids.is_empty() && self.problems.is_empty() {
            return Some(match &self.header {
                Some(h) => format!("No meeting id found in the list: its only line, “{h}”, reads as column names."),
                None => "Paste meeting ids, or choose a file with them.".to_owned(),
            });
        }
        if self.ids.is_empty() {
            let first = self.problems.first().map(ListProblem::describe).unwrap_or_default();
            return Some(format!("No meeting id found in the list. {first}"));
        }
        if self.too_many() {
            return Some(format!("The list has {} meetings; a batch takes {MAX_BATCH} at most. Split it into several batches.", self.ids.len()));
        }
        None
    }
}

/// Meetings one "Track these meetings" list may hold: what fits the form's 64 KB body with room.
pub const MAX_TRACK: usize = 2_000;

impl MeetingList {
    /// Why these meetings cannot be tracked for retention: no id, a line that is not one
    /// (nothing is tracked until the list is right), or too many.
    pub fn tracking_refusal(&self) -> Option<String> {
        if self.ids.is_empty() {
            return self.refusal();
        }
        if let Some(bad) = self.problems.iter().find(|p| matches!(p, ListProblem::Invalid { .. })) {
            return Some(format!("{} Correct or remove it; nothing was tracked.", bad.describe()));
        }
        (self.ids.len() > MAX_TRACK).then(|| format!("The list has {} meetings; track {MAX_TRACK} at most at once.", self.ids.len()))
    }
}

/// Separators between ids in a free-form list. A link keeps its own punctuation.
fn tokens(line: &str) -> Vec<String> {
    line.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '|'))
        .map(|t| t.trim_matches(|c: char| matches!(c, '"' | '\'' | '`' | '(' | ')' | '[' | ']' | '<' | '>' | '.')).to_owned())
        .collect()
}

/// A first line of column names: no digits (an id, even a mistyped one, has some) and no id.
fn is_header(line: &str) -> bool {
    !line.chars().any(|c| c.is_ascii_digit()) && line.chars().any(char::is_alphabetic) && tokens(line).iter().all(|t| MeetingId::parse(t).is_err())
}

/// The delimiter and index of the column holding meeting ids, when the header names one.
fn meeting_column(header: &str) -> Option<(char, usize)> {
    let delimiter = [',', ';', '\t'].into_iter().max_by_key(|d| header.matches(*d).count()).filter(|d| header.contains(*d))?;
    let names: Vec<String> = csv_cells(header, delimiter)
        .into_iter()
        .map(|c| c.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase())
        .collect();
    ["meetingid", "meeting", "meetingids", "id"]
        .into_iter()
        .find_map(|wanted| names.iter().position(|n| n == wanted))
        .map(|i| (delimiter, i))
}

/// One CSV line's cells: `"` quotes a cell (and `""` is a quote inside it).
fn csv_cells(line: &str, delimiter: char) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        let cell = cells.last_mut().expect("never empty");
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == delimiter && !quoted => cells.push(String::new()),
            c => cell.push(c),
        }
    }
    cells
}

fn printable(s: &str, max: usize) -> String {
    visible(s, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_of_prose_is_one_problem() {
        let l = MeetingList::parse("6932e0f8652986000d48148a and x y\nplease delete these 2 for me");
        assert_eq!(l.ids.len(), 1);
        assert_eq!(l.problems.len(), 2, "{:?}", l.problems);
        assert!(l.problems[0].describe().contains("3 parts of this line are not meeting ids."));
        assert!(l.problems[1].describe().contains("This line holds no meeting id."));
        assert_eq!(MeetingList::parse("6932e0f86529").problems.len(), 1);
    }

    const A: &str = "6932e0f8652986000d48148a";
    const B: &str = "65a1b2c3d4e5f60718293a4b";
    const C: &str = "65a1b2c3d4e5f60718293a4c";

    fn ids(list: &MeetingList) -> Vec<&str> {
        list.ids.iter().map(|(_, id)| id.as_str()).collect()
    }

    #[test]
    fn any_separator_and_links() {
        let text = format!("{A}, {B}\n\n  \"{C}\";\nhttps://admin.example.com/meetings/{}/recordings\n", A.to_uppercase());
        let list = MeetingList::parse(&text);
        assert_eq!(ids(&list), [A, B, C]);
        assert_eq!(list.problems, [ListProblem::Duplicate { line: 4, meeting_id: MeetingId::parse(A).unwrap(), first_line: 1 }]);
        assert_eq!(list.ids[2].0, 3);
    }

    #[test]
    fn bad_lines_are_named_with_their_line() {
        let list = MeetingList::parse(&format!("{A}\n6932e0f8652986\n{B} GDPR-881\n"));
        assert_eq!(ids(&list), [A, B]);
        assert_eq!(list.invalid(), 2);
        assert_eq!(list.problems[0].describe(), "Line 2: “6932e0f8652986” is not a meeting id: A meeting id has 24 characters; this one has 14.");
        assert_eq!(list.problems[1].line(), 3);
        assert_eq!(list.refusal(), None);
    }

    #[test]
    fn a_csv_is_read_by_its_meeting_column() {
        let csv = format!("ticket,Meeting ID,note\r\nGDPR-881,{A},\"customer, asked\"\r\nGDPR-882,\"{B}\",x\r\nGDPR-883,,none\r\n");
        let list = MeetingList::parse(&csv);
        assert_eq!(ids(&list), [A, B]);
        assert!(list.problems.is_empty(), "{:?}", list.problems);
        assert_eq!(list.header.as_deref(), Some("ticket,Meeting ID,note"));
        // Our own recordings CSV: recording ids are 24 hex digits too, and are not taken.
        let ours = format!("recording_id,meeting_id,created_at\n{C},{A},2026-01-01\n");
        assert_eq!(ids(&MeetingList::parse(&ours)), [A]);
        // A header with no meeting column: every cell is read.
        assert_eq!(ids(&MeetingList::parse(&format!("meetings to erase\n{A}\n"))), [A]);
    }

    #[test]
    fn refusals_say_what_to_do() {
        assert!(MeetingList::parse(" \n\n").refusal().unwrap().starts_with("Paste meeting ids"));
        assert!(MeetingList::parse("nope 1234").refusal().unwrap().starts_with("No meeting id found in the list. Line 1:"));
        let many: String = (0..=MAX_BATCH).map(|n| format!("{n:024x}\n")).collect();
        let list = MeetingList::parse(&many);
        assert!(list.too_many());
        assert!(list.refusal().unwrap().contains("501 meetings"));
    }

    #[test]
    fn shown_text_is_printable_and_short() {
        let list = MeetingList::parse("abc\u{202e}def\u{7}ghi-and-a-very-long-tail-9-that-goes-on-and-on-and-on");
        let ListProblem::Invalid { text, message, .. } = &list.problems[0] else { panic!() };
        assert!(text.starts_with("abcU+202EdefU+0007ghi-and"), "{text}");
        assert!(message.contains("'U+202E' is not allowed"), "{message}");
        assert!(text.ends_with('…'));
        assert_eq!(text.chars().count(), 41);
    }
}
