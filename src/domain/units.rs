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
pub fn format_bytes(bytes: u64) -> String {
    let mut out = String::with_capacity(9);
    push_bytes(&mut out, bytes);
    out
}

/// `format_bytes`, written onto `out`.
pub fn push_bytes(out: &mut String, bytes: u64) {
    use std::fmt::Write;
    const UNITS: [&str; 5] = ["KB", "MB", "GB", "TB", "PB"];
    if bytes < 1000 {
        push_u64(out, bytes);
        out.push_str(" B");
        return;
    }
    let mut value = bytes as f64;
    let mut unit = "B";
    for u in UNITS {
        if value < 1000.0 {
            break;
        }
        value /= 1000.0;
        unit = u;
    }
    let _ = if value < 10.0 {
        write!(out, "{value:.2} {unit}")
    } else if value < 100.0 {
        write!(out, "{value:.1} {unit}")
    } else {
        write!(out, "{value:.0} {unit}")
    };
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
    }
}
