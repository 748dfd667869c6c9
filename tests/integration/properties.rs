//! Property tests of the parsers at our edges: the meeting id, the create-meeting form (as the
//! server function decodes it from a form body) and the vendor's replies. Arbitrary input never
//! panics; valid input comes back out as it went in.

use meeting_admin::api::meetings::CreateMeeting;
use meeting_admin::domain::{
    decode_reply, AttendeeRow, LocalDateTime, Meeting, MeetingForm, MeetingId, NotifyMetric, Recording, UpstreamError,
    VendorErrors, Zone,
};
use proptest::prelude::*;
use serde_json::{json, Value};

/// Cases per property; `PROPTEST_CASES` overrides it for a longer run.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(cases), ..ProptestConfig::default() }
}

/// The server function's own decoding of a form body (server_fn's `PostUrl` codec).
fn decode_form_body(body: &str) -> Option<MeetingForm> {
    serde_qs::Config::new(5, false).deserialize_str::<CreateMeeting>(body).ok().map(|args| args.form)
}

const ZONES: [&str; 6] = ["UTC", "Europe/Riga", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham"];

prop_compose! {
    fn valid_form()(
        host in 1u64..=u64::MAX,
        name in "[A-Za-z0-9 .,:'!?&()-]{0,150}[A-Za-z0-9]",
        zone in 0..ZONES.len(),
        // Within the five years ahead that a start may be (and after today, so never refused).
        (year, month, day) in (2027i16..=2030, 1i8..=12, 1i8..=28),
        // Away from the small hours, where daylight saving moves the clocks.
        (hour, minute) in (8i8..=10, 0i8..=59),
        length in 1i64..=600,
        attendees in prop::collection::btree_map(1u64..=1_000_000, "[a-z]{1,10}@[a-z]{1,10}\\.(com|lv|org)", 0..6),
        flags in any::<[bool; 4]>(),
        notify in prop::option::of((0usize..4, 0u32..=1000)),
    ) -> MeetingForm {
        let start = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}");
        let end_minutes = i64::from(hour) * 60 + i64::from(minute) + length;
        let end = format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}", end_minutes / 60, end_minutes % 60);
        let metrics = ["minutes", "hours", "days", "weeks"];
        let (metric, value) = notify.map(|(m, v)| {
            let range = NotifyMetric::parse(metrics[m]).unwrap().range();
            (metrics[m], (v % (range.end() - range.start() + 1)) + range.start())
        }).unwrap_or(("minutes", 15));
        let on = |b: bool| b.then(|| "on".to_owned());
        // Distinct emails too: the map keys are distinct ids, and an email repeats only by chance.
        let mut seen = std::collections::HashSet::new();
        MeetingForm {
            host_id: host.to_string(),
            name,
            start,
            end,
            timezone: ZONES[zone].to_owned(),
            attendees: attendees
                .into_iter()
                .filter(|(_, e)| seen.insert(e.clone()))
                .enumerate()
                .map(|(i, (id, email))| match i % 3 {
                    0 => AttendeeRow { id: id.to_string(), email: String::new() },
                    1 => AttendeeRow { id: String::new(), email },
                    _ => AttendeeRow { id: id.to_string(), email },
                })
                .collect(),
            record: on(flags[0]),
            chat: on(flags[1]),
            public: on(flags[2]),
            scheduled: on(flags[3]),
            notify: notify.map(|_| "on".to_owned()),
            notify_metric: metric.to_owned(),
            notify_value: value.to_string(),
        }
    }
}

fn any_form() -> impl Strategy<Value = MeetingForm> {
    let text = || ".{0,40}";
    (
        (text(), text(), text(), text(), text()),
        prop::collection::vec((text(), text()), 0..4),
        // A ticked checkbox sends a value ("on"); an empty one decodes as not ticked.
        prop::option::of(".{1,40}"),
        (text(), text()),
    )
        .prop_map(|((host_id, name, start, end, timezone), rows, notify, (notify_metric, notify_value))| MeetingForm {
            host_id,
            name,
            start,
            end,
            timezone,
            attendees: rows.into_iter().map(|(id, email)| AttendeeRow { id, email }).collect(),
            record: None,
            chat: Some("on".into()),
            public: None,
            scheduled: None,
            notify,
            notify_metric,
            notify_value,
        })
}

proptest! {
    #![proptest_config(config(5000))]

    #[test]
    fn meeting_ids_never_panic(raw in "\\PC{0,40}") {
        let _ = MeetingId::parse(&raw);
    }

    #[test]
    fn valid_meeting_ids_round_trip(hex in "[0-9a-fA-F]{24}", pad in "[ \t\n]{0,3}") {
        let id = MeetingId::parse(&format!("{pad}{hex}{pad}")).unwrap();
        prop_assert_eq!(id.as_str(), hex.to_ascii_lowercase());
        prop_assert_eq!(MeetingId::parse(id.as_str()).unwrap(), id.clone());
        let json = serde_json::to_string(&id).unwrap();
        prop_assert_eq!(serde_json::from_str::<MeetingId>(&json).unwrap(), id);
    }

    #[test]
    fn arbitrary_form_bodies_never_panic(body in "[a-z\\[\\]0-9=&%_.+-]{0,200}|\\PC{0,200}") {
        if let Some(form) = decode_form_body(&body) {
            let _ = form.parse();
        }
    }

    #[test]
    fn vendor_replies_never_panic(status in 100u16..600, retry_after in prop::option::of("\\PC{0,12}"), body in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = decode_reply::<Vec<Recording>>(status, retry_after.as_deref(), &body);
        let _ = decode_reply::<Meeting>(status, retry_after.as_deref(), &body);
        let _ = VendorErrors::parse(&body);
    }

    #[test]
    fn vendor_json_of_any_shape_never_panics(value in arbitrary_json()) {
        let body = serde_json::to_vec(&value).unwrap();
        let _ = decode_reply::<Vec<Recording>>(200, None, &body);
        let _ = decode_reply::<Meeting>(200, None, &body);
        let _ = decode_reply::<Value>(422, None, &body);
    }
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn arbitrary_forms_never_panic(form in any_form()) {
        let _ = form.parse();
        let body = serde_qs::to_string(&CreateMeeting { form: form.clone() }).unwrap();
        prop_assert_eq!(decode_form_body(&body), Some(form));
    }

    #[test]
    fn valid_forms_round_trip(form in valid_form()) {
        // Through the wire exactly as a browser without JavaScript sends it...
        let body = serde_qs::to_string(&CreateMeeting { form: form.clone() }).unwrap();
        let decoded = decode_form_body(&body).unwrap();
        prop_assert_eq!(&decoded, &form);
        // ...then parsed, every value is the one typed.
        let parsed = decoded.parse().map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let m = &parsed.meeting;
        prop_assert_eq!(parsed.host.to_string(), form.host_id.clone());
        prop_assert_eq!(m.name.as_str(), form.name.trim());
        let zone = Zone::parse(&form.timezone).unwrap();
        prop_assert_eq!(LocalDateTime::of(m.start_date, &zone).unwrap().input_value(), form.start.clone());
        prop_assert_eq!(LocalDateTime::of(m.end_date, &zone).unwrap().input_value(), form.end.clone());
        prop_assert_eq!(m.timezone.as_ref().map(|t| t.name.clone()), Some(form.timezone.clone()));
        prop_assert_eq!(m.attendees.len(), form.attendees.len());
        for (a, row) in m.attendees.iter().zip(&form.attendees) {
            prop_assert_eq!(a.id().map(|i| i.to_string()).unwrap_or_default(), row.id.clone());
            prop_assert_eq!(a.email().map(|e| e.as_str().to_owned()).unwrap_or_default(), row.email.clone());
        }
        prop_assert_eq!([m.record, m.chat, m.public, m.scheduled], [form.record.is_some(), form.chat.is_some(), form.public.is_some(), form.scheduled.is_some()]);
        match (&m.notify_before, &form.notify) {
            (Some(n), Some(_)) => {
                prop_assert_eq!(n.metric().as_str(), form.notify_metric.as_str());
                prop_assert_eq!(n.value().to_string(), form.notify_value.clone());
            }
            (None, None) => {}
            (got, _) => prop_assert!(false, "notify_before {:?} for notify {:?}", got, form.notify),
        }
        // And what goes to the vendor reads back the same.
        let json = serde_json::to_string(m).unwrap();
        prop_assert_eq!(&serde_json::from_str::<meeting_admin::domain::NewMeeting>(&json).unwrap(), m);
    }

    #[test]
    fn valid_recordings_decode_field_for_field(recs in prop::collection::vec(vendor_recording(), 0..20), as_float in any::<bool>()) {
        let wire: Vec<Value> = recs.iter().map(|r| {
            // Some JSON writers send whole numbers as floats (12.0); exact below 2^53.
            let num = |n: u64| if as_float && n < 1 << 53 { json!(n as f64) } else { json!(n) };
            json!({
                "_id": r.id, "room_id": r.room_id, "participants_count": num(r.participants_count),
                "participants_ids": r.participants_ids, "file_uid": r.file_uid, "duration": num(r.duration),
                "size": num(r.size), "created_at": r.created_at, "updated_at": r.updated_at,
                "download_url": r.download_url, "something_new": {"the vendor": "added it"},
            })
        }).collect();
        let body = serde_json::to_vec(&wire).unwrap();
        let got = decode_reply::<Vec<Recording>>(200, None, &body).unwrap();
        prop_assert_eq!(got.value, recs);
    }

    #[test]
    fn dates_are_refused_plainly_outside_1970_to_five_years_ahead(
        year in prop_oneof![1i32..=9999, 1960i32..=1975, 2026i32..=2040],
        (month, day, hour) in (1u32..=12, 1u32..=28, 0u32..=23),
        zone in 0..ZONES.len(),
    ) {
        // 2026-12-01T00:00:00Z, so the test reads the same whenever it runs.
        const NOW: i64 = 1_796_083_200;
        let start = format!("{year:04}-{month:02}-{day:02}T{hour:02}:00");
        let form = MeetingForm {
            host_id: "1".into(), name: "Dated".into(), start: start.clone(), end: format!("{year:04}-{month:02}-{day:02}T{hour:02}:30"),
            timezone: ZONES[zone].into(), notify_metric: "minutes".into(), notify_value: "15".into(), ..MeetingForm::default()
        };
        match form.parse_at(NOW) {
            Ok(p) => {
                prop_assert!(p.meeting.start_date >= 0, "{} became {}", start, p.meeting.start_date);
                prop_assert!(p.meeting.start_date <= NOW + 5 * 31_557_600, "{} is more than 5 years ahead", start);
            }
            Err(fields) => {
                for f in &fields {
                    // Plain words, never the date library's own text.
                    prop_assert!(f.message.starts_with("Choose a date") || f.message.contains("skip that hour"), "{:?}", f);
                    // A range refusal only for a year out of range; in range, only a daylight-saving gap.
                    prop_assert!(!f.message.starts_with("Choose a date") || year < 1971 || year > 2030, "{} refused: {:?}", start, f);
                }
            }
        }
    }

    #[test]
    fn next_after_sign_in_never_leaves_our_origin(raw in "[/\\\\\t\n\r .:@%a-z0-9?#=-]{0,24}|(https?:)?//?[a-z.]{0,12}\\PC{0,12}|\\PC{0,40}") {
        use meeting_admin::api::auth::safe_next;
        let ours = url::Url::parse("https://meetings.example.com").unwrap();
        let next = safe_next(&raw, &ours);
        // A path on our site, resolved against ours or read on its own against any origin.
        prop_assert!(next.starts_with('/') && !next.starts_with("//"), "{:?} -> {:?}", raw, next);
        prop_assert_eq!(ours.join(&next).unwrap().origin(), ours.origin());
        let other = url::Url::parse("https://other.example").unwrap();
        prop_assert_eq!(other.join(&next).unwrap().origin(), other.origin(), "{:?} -> {:?} is not a plain path", raw, next);
    }

    #[test]
    fn accepted_meeting_names_hold_no_hidden_characters(name in "\\PC{0,20}[\u{0}-\u{1f}\u{7f}\u{202a}-\u{202e}\u{2066}-\u{2069}]?\\PC{0,20}") {
        if let Ok(n) = meeting_admin::domain::NewMeeting::check_name(&name) {
            prop_assert!(!n.chars().any(meeting_admin::domain::is_hidden), "{:?}", n);
            prop_assert_eq!(n.as_str(), n.trim());
        }
    }

    #[test]
    fn error_statuses_never_decode_as_success(status in 300u16..600, body in arbitrary_json()) {
        let body = serde_json::to_vec(&body).unwrap();
        let err = decode_reply::<Value>(status, None, &body).unwrap_err();
        prop_assert!(!matches!(err, UpstreamError::BadReply(_)));
        prop_assert_eq!(err.status(), Some(status));
    }
}

prop_compose! {
    fn vendor_recording()(
        id in "[0-9a-f]{24}", room_id in "[0-9a-f]{24}", participants_ids in prop::collection::vec(1u64..1_000_000_000, 0..4),
        file_uid in "[A-Za-z0-9_-]{24}", duration in 0u64..=86_400_000, size in any::<u64>(),
        created_at in "20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z",
        download_url in "https://[a-z]{3,10}\\.example\\.com/[a-z0-9/]{1,30}\\?X-Amz-Date=20261124T101010Z&X-Amz-Expires=[0-9]{1,6}",
    ) -> Recording {
        Recording {
            id, room_id, participants_count: participants_ids.len() as u64, participants_ids, file_uid, duration, size,
            updated_at: created_at.clone(), created_at, download_url,
        }
    }
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        "\\PC{0,20}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![Just("_id".to_owned()), Just("errors".to_owned()), Just("size".to_owned()), Just("base".to_owned()), "[a-z_]{1,8}".prop_map(String::from)],
                inner,
                0..8
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Bulk lists: whatever separates valid ids, each comes back once, in order, and every repeat is
/// reported with the line it repeats.
fn unique_in_order(ids: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    ids.iter().map(|i| i.to_ascii_lowercase()).filter(|i| seen.insert(i.clone())).collect()
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn a_pasted_list_gives_back_each_id_once_in_order(
        ids in prop::collection::vec("[0-9a-fA-F]{24}", 0..40),
        seps in prop::collection::vec(prop::sample::select(vec![" ", ",", ";", "\n", "\r\n", ", ", "\t", " ;\n", "\n\n", " | "]), 40),
        repeat in prop::option::of(0usize..40),
    ) {
        let mut ids = ids;
        if let (Some(r), false) = (repeat, ids.is_empty()) {
            let again = ids[r % ids.len()].clone();
            ids.push(again);
        }
        let text: String = ids.iter().zip(seps.iter().cycle()).map(|(id, sep)| format!("{id}{sep}")).collect();
        let list = meeting_admin::domain::MeetingList::parse(&text);
        let got: Vec<String> = list.ids.iter().map(|(_, id)| id.to_string()).collect();
        prop_assert_eq!(&got, &unique_in_order(&ids));
        prop_assert_eq!(list.invalid(), 0);
        prop_assert_eq!(list.duplicates(), ids.len() - got.len());
        for p in &list.problems {
            if let meeting_admin::domain::ListProblem::Duplicate { line, first_line, .. } = p {
                prop_assert!(first_line <= line);
            }
        }
    }

    #[test]
    fn a_csv_is_read_by_its_meeting_column_whatever_else_it_holds(
        rows in prop::collection::vec(("[0-9a-f]{24}", "[0-9a-f]{24}", "[A-Za-z0-9 ,\"-]{0,20}"), 0..30),
        column in 0usize..3,
    ) {
        let mut names = vec!["recording_id", "note"];
        names.insert(column.min(2), "meeting_id");
        let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        let mut text = format!("{}\r\n", names.join(","));
        for (meeting, other, note) in &rows {
            let mut cells = vec![other.clone(), quote(note)];
            cells.insert(column.min(2), meeting.clone());
            text.push_str(&format!("{}\r\n", cells.join(",")));
        }
        let list = meeting_admin::domain::MeetingList::parse(&text);
        let meetings: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
        let got: Vec<String> = list.ids.iter().map(|(_, id)| id.to_string()).collect();
        prop_assert_eq!(got, unique_in_order(&meetings));
        prop_assert_eq!(list.invalid(), 0);
    }

    #[test]
    fn any_text_is_read_without_panicking_and_shown_back_printable(text in "\\PC{0,300}|[\\s\\S]{0,300}") {
        let list = meeting_admin::domain::MeetingList::parse(&text);
        for p in &list.problems {
            let said = p.describe();
            prop_assert!(!said.chars().any(|c| c.is_control() || meeting_admin::domain::is_hidden(c)));
            prop_assert!(p.line() >= 1 && p.line() <= text.lines().count().max(1));
        }
        prop_assert!(list.ids.len() + list.problems.len() <= text.len());
    }
}
