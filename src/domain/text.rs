//! Text from outside (what staff type, a sign-in name, a gateway's identity): one rule for all
//! of it, applied where each is parsed. Control characters, line and paragraph separators,
//! direction marks and overrides, and invisible format characters are refused, since they can
//! make an audit line, a log line, a terminal or a vendor's UI read differently from what it
//! holds; surrounding white space is trimmed. What must be shown back although it breaks the
//! rule (a refused sign-in name, a bad line of a list) is shown through `visible`.

/// The text trimmed, or a message naming the first character that is not allowed.
pub fn plain_text(raw: &str) -> Result<&str, String> {
    let s = raw.trim();
    match s.chars().find(|c| is_hidden(*c)) {
        None => Ok(s),
        Some(c) => Err(format!("Remove {}: it is not allowed here.", describe(c))),
    }
}

/// Characters that do not show as themselves: C0 and C1 controls (line breaks and tabs
/// included), line and paragraph separators, the marks, embeddings, overrides and isolates that
/// reorder the text around them, and invisible format characters (zero-width space, word
/// joiner, byte order mark). Zero-width (non-)joiners stay: scripts and emoji need them.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// For showing back what was there: hidden characters spelled out (`U+202E`), `max`
/// characters at most.
pub fn visible(s: &str, max: usize) -> String {
    let clean: String = s.chars().map(|c| if is_hidden(c) { format!("U+{:04X}", c as u32) } else { c.to_string() }).collect();
    match clean.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &clean[..cut]),
        None => clean,
    }
}

fn describe(c: char) -> String {
    let code = c as u32;
    match c {
        '\n' | '\r' => "the line break".to_owned(),
        '\t' => "the tab".to_owned(),
        '\u{2028}' | '\u{2029}' => "the line break".to_owned(),
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
            format!("the hidden text-direction character U+{code:04X}")
        }
        _ if !c.is_control() => format!("the invisible character U+{code:04X}"),
        _ => format!("the control character U+{code:04X}"),
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters (the wasm build has no `url`).
pub fn encode_component(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
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
        for c in ['\u{2028}', '\u{2029}', '\u{200F}', '\u{200E}', '\u{061C}', '\u{200B}', '\u{FEFF}', '\u{2060}', '\u{85}'] {
            assert!(plain_text(&format!("a{c}b")).is_err(), "U+{:04X}", c as u32);
        }
        // Joiners belong to words and emoji.
        assert_eq!(plain_text("می\u{200C}خواهم 👩\u{200D}💻"), Ok("می\u{200C}خواهم 👩\u{200D}💻"));
        assert_eq!(visible("\u{202E}nimda\r\n", 40), "U+202EnimdaU+000DU+000A");
        assert_eq!(visible("abcdef", 3), "abc…");
    }

    proptest! {
        /// Whatever goes in, what comes out is trimmed and holds no hidden character.
        #[test]
        fn accepted_text_is_trimmed_and_visible(raw in "\\PC*|.*[\u{0}-\u{1f}\u{7f}-\u{9f}\u{200b}-\u{200f}\u{2028}-\u{202e}\u{2060}-\u{206f}\u{feff}].*") {
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
