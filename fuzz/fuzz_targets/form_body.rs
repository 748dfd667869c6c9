//! The create-meeting form body as the server function decodes it, then the form parser: any
//! bytes give a form or a decode error, and any form gives a meeting or field errors.
#![no_main]

use libfuzzer_sys::fuzz_target;
use meeting_admin::api::meetings::CreateMeeting;

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else { return };
    if let Ok(args) = serde_qs::Config::new(5, false).deserialize_str::<CreateMeeting>(body) {
        match args.form.parse() {
            Ok(parsed) => assert!(parsed.meeting.end_date > parsed.meeting.start_date),
            Err(fields) => assert!(!fields.is_empty()),
        }
    }
});
