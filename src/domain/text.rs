//! Free text typed by staff (meeting names, reasons, filters): one rule for all of it, applied
//! where each field is parsed. Control characters and Unicode direction overrides are refused,
//! since they can make an audit line, a log line or a vendor's UI read differently from what it
//! holds; surrounding white space is trimmed.

/// The text trimmed, or a message naming the first character that is not allowed.
pub fn plain_text(raw: &str) -> Result<&str, String> {
    let s = raw.trim();
    match s.chars().find(|c| is_hidden(*c)) {
        None => Ok(s),
        Some(c) => Err(format!("Remove {}: it is not allowed here.", describe(c))),
    }
}

/// Characters that do not show as themselves: C0 and C1 controls (line breaks and tabs
/// included), and the embeddings, overrides and isolates that reorder the text around them.
pub fn is_hidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn describe(c: char) -> String {
    let code = c as u32;
    match c {
        '\n' | '\r' => "the line break".to_owned(),
        '\t' => "the tab".to_owned(),
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => format!("the hidden text-direction character U+{code:04X}"),
        _ => format!("the control character U+{code:04X}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn examples() {
        assert_eq!(plain_text("  Weekly sync \n"), Ok("Weekly sync"));
        assert_eq!(plain_text("ab\u{1b}c").unwrap_err(), "Remove the control character U+001B: it is not allowed here.");
        assert!(plain_text("paid \u{202E}0001$").unwrap_err().contains("U+202E"));
        assert!(plain_text("two\nlines").unwrap_err().contains("line break"));
        assert_eq!(plain_text("Zoë — 会議 ✓"), Ok("Zoë — 会議 ✓"));
    }

    proptest! {
        /// Whatever goes in, what comes out is trimmed and holds no hidden character.
        #[test]
        fn accepted_text_is_trimmed_and_visible(raw in "\\PC*|.*[\u{0}-\u{1f}\u{7f}-\u{9f}\u{202a}-\u{202e}\u{2066}-\u{2069}].*") {
            match plain_text(&raw) {
                Ok(s) => {
                    prop_assert_eq!(s, s.trim());
                    prop_assert!(!s.chars().any(is_hidden));
                    prop_assert!(raw.contains(s));
                }
                Err(m) => prop_assert!(raw.trim().chars().any(is_hidden), "{}", m),
            }
        }
    }
}
