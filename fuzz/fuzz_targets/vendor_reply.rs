//! The vendor's reply decoder: any status, Retry-After and body must give a value or an error,
//! never a panic, and an error status never decodes as success.
#![no_main]

use libfuzzer_sys::fuzz_target;
use meeting_admin::domain::{decode_reply, Meeting, Recording, VendorErrors};

fuzz_target!(|data: &[u8]| {
    let Some((&[hi, lo, split], rest)) = data.split_first_chunk::<3>() else { return };
    let status = 100 + u16::from_be_bytes([hi, lo]) % 500;
    let split = usize::from(split).min(rest.len()).min(16);
    let (retry_after, body) = rest.split_at(split);
    let retry_after = std::str::from_utf8(retry_after).ok();
    let recordings = decode_reply::<Vec<Recording>>(status, retry_after, body);
    let meeting = decode_reply::<Meeting>(status, retry_after, body);
    let _ = VendorErrors::parse(body);
    if !(200..300).contains(&status) {
        assert!(recordings.is_err() && meeting.is_err());
        assert_eq!(recordings.unwrap_err().status(), Some(status));
    }
});
