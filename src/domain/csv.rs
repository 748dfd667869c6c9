//! One CSV cell, quoted where needed and defused where a spreadsheet would read a formula: the
//! primitive every CSV export here is built from. Kept by hand: the csv crate quotes only at its
//! own delimiter, quotes and line breaks (not at the `;` and tab a European spreadsheet splits
//! at) and defuses nothing; the quoting itself is the three lines of `cell`.

/// What a spreadsheet reads as the start of a formula.
const FORMULA: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];
/// What a spreadsheet may take for a separator: `,`, and `;` or a tab where the locale wants it.
const SEPARATORS: [char; 5] = [',', ';', '\t', '\r', '\n'];

/// One CSV cell: quoted when needed, and defused when a spreadsheet would read it, or any part
/// of it split at a separator of another locale, as a formula.
pub(crate) fn cell(raw: &str) -> String {
    let formula = |part: &str| part.trim_start_matches(' ').starts_with(FORMULA);
    let defused = if formula(raw) || raw.split(SEPARATORS).skip(1).any(formula) { format!("'{raw}") } else { raw.to_owned() };
    if defused.contains(SEPARATORS) || defused.contains('"') {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-1"), "'-1");
        // Split at `;` or a tab (European spreadsheets), the rest would be a formula.
        assert_eq!(cell("x;=1+1"), "\"'x;=1+1\"");
        assert_eq!(cell("x\t=2+2"), "\"'x\t=2+2\"");
        assert_eq!(cell("a; @SUM(1)"), "\"'a; @SUM(1)\"");
        assert_eq!(cell("a;b"), "\"a;b\"", "quoted, so no locale splits it");
        assert_eq!(cell("x-1 and a+b"), "x-1 and a+b", "an operator inside a part is no formula");
    }
}
