//! Every vendor fault against every server function that calls the vendor, and the recordings
//! page: the user's message, our HTTP status, a log line with the request id, the audit outcome
//! of a change, no panic, and a healthy server after.

use meeting_admin::error::AppError;
use meeting_admin::server::vendor::mock::Faults;
use serde_json::Value;

use crate::support::{create_form, logs, TestApp, VENDOR_MEETING};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Call {
    List,
    Delete,
    Create,
    Page,
}

/// What the vendor (or the network) does.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Fault {
    /// Past our 1 s upstream timeout.
    Slow,
    Status(u16),
    RateLimitedFor(u64),
    /// A proxy's HTML error page (502).
    HtmlError,
    /// 200 with an HTML body.
    HtmlOk,
    /// 200 with cut-off JSON whose length matches (the body ends early but cleanly).
    CutJson,
    /// 200, then the connection breaks part-way through the body.
    BrokenMidBody,
    /// The connection closes with no body at all.
    Dropped,
    /// Nothing listens at the vendor's address.
    Unreachable,
}

const FAULTS: [Fault; 15] = [
    Fault::Slow,
    Fault::Status(401),
    Fault::Status(403),
    Fault::Status(404),
    Fault::Status(422),
    Fault::RateLimitedFor(60),
    Fault::Status(429),
    Fault::Status(500),
    Fault::Status(503),
    Fault::HtmlError,
    Fault::HtmlOk,
    Fault::CutJson,
    Fault::BrokenMidBody,
    Fault::Dropped,
    Fault::Unreachable,
];

impl Fault {
    fn mock(self, call: Call) -> Faults {
        // A delete first re-reads the list (a GET) to check the count; fault the DELETE itself.
        let method = (call == Call::Delete).then(|| "DELETE".to_owned());
        let f = Faults { method, ..Default::default() };
        match self {
            Self::Slow => Faults { latency_ms: 1500, ..f },
            Self::Status(s) => Faults { status: Some(s), ..f },
            Self::RateLimitedFor(after) => Faults { status: Some(429), retry_after: Some(after), ..f },
            Self::HtmlError => Faults { non_json: true, ..f },
            Self::HtmlOk => Faults { raw_body: Some("<html><body>Sign in to the Wi-Fi</body></html>".into()), ..f },
            Self::CutJson => Faults { raw_body: Some(r#"[{"_id":"6932e49ab470430179b26dcb","room_id":"69"#.into()), ..f },
            Self::BrokenMidBody => Faults { truncated: true, ..f },
            Self::Dropped => Faults { drop_connection: true, ..f },
            Self::Unreachable => Faults::default(),
        }
    }
}

/// What the user should get: our status, the error's kind, and words from its message.
fn expected(call: Call, fault: Fault) -> (u16, &'static str, &'static str) {
    let changes = matches!(call, Call::Delete | Call::Create);
    let unavailable = (503, "upstream_unavailable", "ConnectyCube is unavailable right now");
    let unknown = |status| (status, "outcome_unknown", "Check before retrying");
    match fault {
        Fault::Slow if changes => unknown(504),
        Fault::Slow => unavailable,
        Fault::Status(401 | 403) => (502, "upstream_key_rejected", "refused our administration key"),
        Fault::Status(422) if call == Call::Create => (422, "invalid", "ConnectyCube refused some fields"),
        Fault::Status(404 | 422) => (502, "upstream_rejected", "ConnectyCube refused the request"),
        Fault::RateLimitedFor(_) => (429, "upstream_rate_limited", "try again in 60 s"),
        Fault::Status(429) => (429, "upstream_rate_limited", "try again shortly"),
        Fault::Status(_) | Fault::HtmlError => unavailable,
        Fault::HtmlOk | Fault::CutJson | Fault::BrokenMidBody | Fault::Dropped if changes => unknown(502),
        Fault::HtmlOk | Fault::CutJson => (502, "upstream_bad_reply", "could not read"),
        Fault::BrokenMidBody | Fault::Dropped => unavailable,
        Fault::Unreachable => unavailable,
    }
}

/// Status, error, request id, and the text the user reads.
async fn run(app: &TestApp, call: Call, case: &str) -> (u16, Option<AppError>, String, String) {
    let b = &app.http;
    let res = match call {
        Call::List => b.get(&format!("/api/recordings/list?meeting_id={VENDOR_MEETING}")).await,
        Call::Delete => {
            let form = [("meeting_id", VENDOR_MEETING), ("expected_count", "2"), ("reason", case)];
            b.post_form("/api/recordings/delete", &form).await
        }
        Call::Create => {
            let form = create_form(case);
            let req = b.client.post(format!("{}/api/meetings/create", b.base)).header("origin", &b.base).form(&form);
            b.send(req).await
        }
        Call::Page => b.get(&format!("/meetings/{VENDOR_MEETING}/recordings")).await,
    };
    let status = res.status().as_u16();
    let request_id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    let text = res.text().await.unwrap();
    let error = match call {
        Call::Page => None,
        Call::Create => serde_json::from_str::<Value>(&text).ok().and_then(|v| serde_json::from_value(v["error"].clone()).ok()),
        _ => serde_json::from_str(&text).ok(),
    };
    let shown = error.as_ref().map(ToString::to_string).unwrap_or_else(|| text.clone());
    (status, error, request_id, shown)
}

async fn audit_outcome(app: &TestApp, request_id: &str) -> Option<String> {
    let sql = "SELECT outcome FROM audit_log WHERE request_id = $1 AND action != 'denied'";
    meeting_admin::on_pool!(&app.db, pool => sqlx::query_scalar::<_, Option<String>>(sql).bind(request_id).fetch_one(pool).await.unwrap())
}

/// Runs every fault against `call` and returns how many were tried.
async fn matrix(call: Call) -> usize {
    logs::capture();
    let app = TestApp::spawn().await;
    let unreachable = TestApp::spawn_unreachable().await;
    let panics_before = logs::server_panics();
    let mut tried = 0;
    for (n, fault) in FAULTS.into_iter().enumerate() {
        let target = if fault == Fault::Unreachable { &unreachable } else { &app };
        // Each case starts from the vendor's example meeting, whatever the last one did to it.
        app.upstream.mock.seed(VENDOR_MEETING, 2);
        app.upstream.faults(fault.mock(call));
        let case = format!("fault case {n} {fault:?}");
        let (status, error, request_id, shown) = run(target, call, &case).await;
        app.upstream.faults(Faults::default());

        let (want_status, want_kind, want_words) = expected(call, fault);
        let what = format!("{call:?} under {fault:?}");
        assert_eq!(status, want_status, "{what}: {shown}");
        if let Some(error) = &error {
            let kind = serde_json::to_value(error).unwrap()["kind"].as_str().unwrap().to_owned();
            assert_eq!(kind, want_kind, "{what}: {shown}");
        }
        assert!(shown.contains(want_words), "{what}: the user reads {shown:?}, wanted {want_words:?}");
        if want_kind == "outcome_unknown" || want_kind == "upstream_bad_reply" {
            assert!(shown.contains(&request_id), "{what}: names the request id: {shown}");
        }
        if call == Call::Create && want_kind == "invalid" {
            assert!(error.as_ref().and_then(|e| e.field("name")).is_some(), "{what}: the vendor's complaint sits on the name field");
        }
        let lines = logs::lines_with(&request_id);
        // Tagged with the request's id (by its span, or a field where rendering runs outside
        // it), not just naming it in the message: what a handler logs sits inside other spans
        // too (tower-sessions' own, with the test filter).
        let tagged = |l: &String| {
            serde_json::from_str::<serde_json::Value>(l)
                .is_ok_and(|j| j["spans"][0]["request_id"] == request_id.as_str() || j["request_id"] == request_id.as_str())
        };
        assert!(
            lines.iter().filter(|l| tagged(l)).any(|l| l.contains(r#""level":"ERROR""#) || l.contains(r#""level":"WARN""#) || l.contains("request refused")),
            "{what}: a log line tagged with request id {request_id}: {lines:#?}"
        );
        if matches!(call, Call::Delete | Call::Create) {
            let outcome = audit_outcome(target, &request_id).await;
            let want = if want_kind == "outcome_unknown" { "unknown" } else { "failed" };
            assert_eq!(outcome.as_deref(), Some(want), "{what}: the audit entry's outcome");
        }
        for server in [&app, &unreachable] {
            assert_eq!(server.get("/readyz").await.status(), 200, "{what}: still ready");
        }
        tried += 1;
    }
    // And it works again once the vendor does.
    app.upstream.mock.seed(VENDOR_MEETING, 2);
    let (status, _, _, shown) = run(&app, Call::List, "after").await;
    assert_eq!(status, 200, "{shown}");
    assert_eq!(logs::server_panics(), panics_before, "no panic on the server side");
    tried
}

#[tokio::test]
async fn list_recordings_under_every_fault() {
    assert_eq!(matrix(Call::List).await, FAULTS.len());
}

#[tokio::test]
async fn delete_recordings_under_every_fault() {
    assert_eq!(matrix(Call::Delete).await, FAULTS.len());
}

#[tokio::test]
async fn create_meeting_under_every_fault() {
    assert_eq!(matrix(Call::Create).await, FAULTS.len());
}

#[tokio::test]
async fn the_recordings_page_under_every_fault() {
    assert_eq!(matrix(Call::Page).await, FAULTS.len());
}
