//! Human units for the vendor's numbers. The admin API does not state units; its example reads as
//! milliseconds and bytes, so that is what these assume (the raw number stays visible in the UI).

/// Milliseconds as `h:mm:ss` (rounded down to the second).
pub fn format_duration_ms(ms: u64) -> String {
    let mut out = String::with_capacity(8);
    push_duration_ms(&mut out, ms);
    out
}

/// `format_duration_ms`, written onto `out` (a table row writes one per recording).
pub fn push_duration_ms(out: &mut String, ms: u64) {
    let s = ms / 1000;
    push_u64(out, s / 3600);
    out.push(':');
    super::civil_time::push_2(out, ((s % 3600) / 60) as u32);
    out.push(':');
    super::civil_time::push_2(out, (s % 60) as u32);
}

/// `n` in decimal, written onto `out` without a `format!`.
pub fn push_u64(out: &mut String, n: u64) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// Bytes in decimal units: `999 B`, `1.0 MB`, `2.35 GB`.
/// "1 meeting", "3 meetings": a count with its noun (plural by an "s").
pub fn counted(n: u64, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

pub fn format_bytes(bytes: u64) -> String {
    let mut out = String::with_capacity(9);
    push_bytes(&mut out, bytes);
    out
}

/// `format_bytes`, written onto `out`: in whole numbers, a row at a time (a page writes fifty,
/// and float formatting was a fifth of a row). An exact half rounds up.
pub fn push_bytes(out: &mut String, bytes: u64) {
    const UNITS: [&str; 5] = ["KB", "MB", "GB", "TB", "PB"];
    if bytes < 1000 {
        push_u64(out, bytes);
        out.push_str(" B");
        return;
    }
    // The largest unit that leaves fewer than 1000 of it, up to PB.
    let (mut unit, mut per) = (0, 1000_u64);
    while unit < UNITS.len() - 1 && bytes / per >= 1000 {
        unit += 1;
        per *= 1000;
    }
    let whole = bytes / per;
    let decimals: u32 = if whole < 10 { 2 } else if whole < 100 { 1 } else { 0 };
    let scale = 10_u128.pow(decimals);
    let scaled = u128::from(bytes) * scale;
    let per = u128::from(per);
    let rounded = (scaled + per / 2) / per;
    push_u64(out, (rounded / scale) as u64);
    if decimals > 0 {
        out.push('.');
        let frac = (rounded % scale) as u32;
        if decimals == 2 {
            super::civil_time::push_2(out, frac);
        } else {
            out.push(char::from(b'0' + frac as u8));
        }
    }
    out.push(' ');
    out.push_str(UNITS[unit]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(format_duration_ms(0), "0:00:00");
        assert_eq!(format_duration_ms(60_000), "0:01:00");
        assert_eq!(format_duration_ms(999), "0:00:00");
        assert_eq!(format_duration_ms(3_723_000), "1:02:03");
        assert_eq!(format_duration_ms(100 * 3_600_000), "100:00:00");
    }

    #[test]
    fn sizes() {
        assert_eq!(format_bytes(0), "0 B");
        assert_eq!(format_bytes(999), "999 B");
        assert_eq!(format_bytes(1000), "1.00 KB");
        assert_eq!(format_bytes(1_000_000), "1.00 MB");
        assert_eq!(format_bytes(23_456_789), "23.5 MB");
        assert_eq!(format_bytes(2_350_000_000), "2.35 GB");
        assert_eq!(format_bytes(u64::MAX), "18447 PB");
        assert_eq!(format_bytes(9_995), "10.00 KB", "rounds into the next width as before");
        assert_eq!(format_bytes(999_999), "1000 KB");
        assert_eq!(format_bytes(1_015), "1.02 KB", "an exact half rounds up");
    }

    /// What the float formatting before it said, except where the value is an exact half (the
    /// float's binary value fell either side of it) and far beyond 2^53 bytes (the float lost
    /// digits).
    #[test]
    fn sizes_read_as_the_float_formatting_did() {
        fn float(bytes: u64) -> String {
            let (mut value, mut unit) = (bytes as f64, "B");
            for u in ["KB", "MB", "GB", "TB", "PB"] {
                if value < 1000.0 {
                    break;
                }
                value /= 1000.0;
                unit = u;
            }
            if value < 10.0 { format!("{value:.2} {unit}") } else if value < 100.0 { format!("{value:.1} {unit}") } else { format!("{value:.0} {unit}") }
        }
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut checked = 0;
        for _ in 0..200_000 {
            let bytes = next() >> (next() % 64);
            if bytes >= 1000 && bytes < 1 << 53 {
                let new = format_bytes(bytes);
                let ours = new.trim_end_matches(|c: char| c.is_ascii_alphabetic()).trim();
                let digits = ours.split_once('.').map_or(0, |(_, f)| f.len() as u32);
                let per = 1000_u128.pow(["KB", "MB", "GB", "TB", "PB"].iter().position(|u| new.ends_with(u)).unwrap() as u32 + 1);
                let half = (u128::from(bytes) * 10_u128.pow(digits) * 2) % (2 * per) == per;
                assert!(new == float(bytes) || half, "{bytes}: {new} against {}", float(bytes));
                checked += 1;
            }
        }
        assert!(checked > 100_000);
    }
}
