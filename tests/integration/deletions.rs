//! Deletion requests: grace period, cancel, two-person approval, hold, changed recordings and
//! vendor faults, on a clock the tests move; then exactly once across two replicas.

use std::time::Duration;

use meeting_admin::domain::{fingerprint, Role};
use meeting_admin::server::auth::users::{self, Username};
use meeting_admin::server::deletions::{notices, worker};
use meeting_admin::server::vendor::mock::Faults;
use serde_json::Value;

use crate::support::webhook::{Answer, Hook};
use crate::support::{Browser, Replicas, TestApp, ADMIN, OPERATOR, PASSWORD, VENDOR_MEETING, VIEWER};

const GRACE: &[&str] = &["--delete-grace", "10m"];
const APPROVAL: &[&str] = &["--delete-grace", "10m", "--delete-approval", "required", "--delete-approval-ttl", "24h"];
const SECOND_ADMIN: &str = "bea";

async fn request(b: &Browser, meeting: &str, expected: &str, reason: &str) -> (u16, Value) {
    let res = b.post_form("/api/recordings/delete", &[("meeting_id", meeting), ("expected_count", expected), ("reason", reason)]).await;
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

async fn one(b: &Browser, id: i64) -> Value {
    b.get(&format!("/api/deletions/one?request_id={id}")).await.json().await.unwrap()
}

async fn open_for(b: &Browser, meeting: &str) -> Value {
    b.get(&format!("/api/deletions/open?meeting_id={meeting}")).await.json().await.unwrap()
}

async fn cancel(b: &Browser, id: i64) -> (u16, Value) {
    let res = b.post_form("/api/deletions/cancel", &[("request_id", &id.to_string())]).await;
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

async fn decide(b: &Browser, id: i64, approve: bool, comment: &str) -> (u16, Value) {
    let path = if approve { "/api/deletions/approve" } else { "/api/deletions/reject" };
    let res = b.post_form(path, &[("request_id", &id.to_string()), ("comment", comment)]).await;
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

async fn audit(app: &TestApp, action: &str) -> Vec<Value> {
    let page: Value = app.get(&format!("/api/audit/search?filter[action]={action}")).await.json().await.unwrap();
    page["entries"].as_array().unwrap().clone()
}

fn deletes_of(app: &TestApp, meeting: &str) -> usize {
    app.upstream.mock.requests().iter().filter(|r| r.method == "DELETE" && r.path.ends_with(meeting)).count()
}

fn request_id(body: &Value) -> i64 {
    body["request_id"].as_i64().unwrap_or_else(|| panic!("no request id in {body}"))
}

async fn second_admin(app: &TestApp) -> Browser {
    match users::add(&app.db, &app.clock, &Username::parse(SECOND_ADMIN).unwrap(), Role::Admin, PASSWORD).await {
        Ok(()) | Err(users::UserError::Exists(_)) => {}
        Err(e) => panic!("cannot add {SECOND_ADMIN}: {e}"),
    }
    app.as_user(SECOND_ADMIN).await
}

fn meeting(n: usize) -> String {
    format!("{:024x}", 0xde1e7e_0000_usize + n)
}

#[tokio::test]
async fn a_deletion_waits_out_its_grace_period_then_runs_once() {
    let app = TestApp::spawn_with(GRACE).await;
    let (status, body) = request(&app.http, VENDOR_MEETING, "2", "TICKET-77 customer asked").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "open");
    let id = request_id(&body);

    let open = open_for(&app.http, VENDOR_MEETING).await;
    assert_eq!(open["request"]["state"], "scheduled");
    assert_eq!(open["request"]["total_size"], 2_000_000, "what goes is listed when it is requested");
    assert_eq!(open["may_cancel"], true);
    let due = open["request"]["due_at_ms"].as_i64().unwrap();
    assert!((due - open["now_ms"].as_i64().unwrap() - 600_000).abs() < 5_000, "due in 10 min");
    let page = app.get(&format!("/meetings/{VENDOR_MEETING}/recordings")).await.text().await.unwrap();
    assert!(page.contains("Deletion scheduled for") && page.contains("(in 10 min)</span>"), "the page says it plainly, counting down: {page}");
    assert!(page.contains(", requested by ada: TICKET-77 customer asked"));
    assert!(page.contains("http-equiv=\"refresh\" content=\"60\""), "without JavaScript the page comes back to it");
    assert!(page.contains("Cancel deletion") && !page.contains("Delete all recordings"), "cancel offered, no second request");

    let (status, again) = request(&app.http, VENDOR_MEETING, "2", "twice").await;
    assert_eq!((status, again["kind"].as_str()), (409, Some("deletion_already_open")), "{again}");

    assert_eq!(worker::tick(&app.state.work()).await, 0, "not due yet");
    app.clock.advance(Duration::from_secs(9 * 60));
    assert_eq!(worker::tick(&app.state.work()).await, 0, "still not due");
    assert_eq!(app.upstream.count("DELETE"), 0);
    app.clock.advance(Duration::from_secs(61));
    assert_eq!(worker::tick(&app.state.work()).await, 1);
    assert_eq!(app.upstream.count("DELETE"), 1);
    assert!(app.upstream.mock.recordings(VENDOR_MEETING).is_empty());
    let done = one(&app.http, id).await;
    assert_eq!((done["request"]["state"].as_str(), done["request"]["deleted_count"].as_u64()), (Some("done"), Some(2)), "{done}");
    assert_eq!(worker::tick(&app.state.work()).await, 0, "a done request never runs again");
    assert_eq!(app.upstream.count("DELETE"), 1);

    let requests = audit(&app, "request_deletion").await;
    assert_eq!(requests.len(), 2, "the refused second request is audited too");
    assert_eq!((requests[0]["outcome"].as_str(), requests[1]["outcome"].as_str()), (Some("refused"), Some("succeeded")));
    assert_eq!(requests[1]["username"], ADMIN);
    let executed = &audit(&app, "delete_recordings").await[0];
    assert_eq!((executed["outcome"].as_str(), executed["deleted_count"].as_u64()), (Some("succeeded"), Some(2)));
    assert_eq!(executed["username"], ADMIN, "done on behalf of the requester");
    assert_eq!(executed["client_addr"], "worker");
    assert!(executed["detail"].as_str().unwrap().contains(&format!("request #{id}: confirmed 2 recordings")), "{executed}");
}

#[tokio::test]
async fn a_request_is_checked_against_what_was_confirmed() {
    let app = TestApp::spawn_with(GRACE).await;
    let (status, body) = request(&app.http, VENDOR_MEETING, "3", "x").await;
    assert_eq!((status, body["kind"].as_str()), (409, Some("list_changed")));
    let wrong = fingerprint(["a", "b"].into_iter());
    let form = [("meeting_id", VENDOR_MEETING), ("expected_count", "2"), ("reason", "x"), ("fingerprint", wrong.as_str())];
    let res = app.post_form("/api/recordings/delete", &form).await;
    assert_eq!(res.status(), 409);
    assert_eq!(res.json::<Value>().await.unwrap()["kind"], "recordings_replaced");
    let right = fingerprint(["6932e49ab470430179b26dcb", "6932e49ab470430179b26dcc"].into_iter());
    let form = [("meeting_id", VENDOR_MEETING), ("expected_count", "2"), ("reason", "x"), ("fingerprint", right.as_str())];
    let res = app.post_form("/api/recordings/delete", &form).await;
    assert_eq!(res.status(), 200);
    let id = request_id(&res.json().await.unwrap());
    let empty = meeting(1);
    app.upstream.mock.seed(&empty, 0);
    let (status, body) = request(&app.http, &empty, "0", "x").await;
    assert_eq!((status, body["kind"].as_str()), (409, Some("nothing_to_delete")));
    assert_eq!(app.upstream.count("DELETE"), 0);

    // Between the request and its run the recordings change: nothing is deleted.
    app.upstream.mock.seed(VENDOR_MEETING, 3);
    app.clock.advance(Duration::from_secs(601));
    worker::tick(&app.state.work()).await;
    let r = &open_for_id(&app, id).await;
    assert_eq!(r["state"], "changed", "{r}");
    assert!(r["result"].as_str().unwrap().contains("confirmed 2, there are now 3"));
    assert_eq!(app.upstream.count("DELETE"), 0);
    let e = &audit(&app, "delete_recordings").await[0];
    assert_eq!(e["outcome"], "failed");
}

async fn open_for_id(app: &TestApp, id: i64) -> Value {
    one(&app.http, id).await["request"].clone()
}

#[tokio::test]
async fn cancel_is_for_the_requester_and_anyone_allowed_to_delete_and_races_the_worker_fairly() {
    let app = TestApp::spawn_with(GRACE).await;
    let viewer = app.as_user(VIEWER).await;
    let operator = app.as_user(OPERATOR).await;
    let bea = second_admin(&app).await;
    let (_, body) = request(&app.http, VENDOR_MEETING, "2", "GDPR-1").await;
    let id = request_id(&body);
    for who in [&viewer, &operator] {
        let (status, body) = cancel(who, id).await;
        assert_eq!((status, body["kind"].as_str()), (403, Some("forbidden")), "{body}");
    }
    assert_eq!(open_for(&viewer, VENDOR_MEETING).await["may_cancel"], false);
    let (status, _) = cancel(&bea, id).await;
    assert_eq!(status, 200, "another admin may cancel");
    assert_eq!(open_for_id(&app, id).await["cancelled_by"], SECOND_ADMIN);
    let (status, body) = cancel(&app.http, id).await;
    assert_eq!((status, body["kind"].as_str()), (409, Some("deletion_closed")));
    let cancelled = &audit(&app, "cancel_deletion").await;
    assert_eq!(cancelled[0]["outcome"], "refused");
    assert_eq!((cancelled[1]["username"].as_str(), cancelled[1]["outcome"].as_str()), (Some(SECOND_ADMIN), Some("succeeded")));
    app.clock.advance(Duration::from_secs(601));
    assert_eq!(worker::tick(&app.state.work()).await, 0, "a cancelled request never runs");

    // At the last moment: the cancel and the worker's claim race; exactly one wins, every time.
    let mut cancels_won = 0;
    for n in 0..6 {
        let m = meeting(100 + n);
        app.upstream.mock.seed(&m, 1);
        let (status, body) = request(&app.http, &m, "1", "race").await;
        assert_eq!(status, 200, "{body}");
        let id = request_id(&body);
        app.clock.advance(Duration::from_secs(600));
        let work = app.state.work();
        let (cancelled, _) = tokio::join!(cancel(&app.http, id), worker::tick(&work));
        let state = open_for_id(&app, id).await["state"].as_str().unwrap().to_owned();
        match cancelled.0 {
            200 => {
                cancels_won += 1;
                assert_eq!((state.as_str(), deletes_of(&app, &m)), ("cancelled", 0));
            }
            409 => {
                assert!(matches!(cancelled.1["kind"].as_str(), Some("deletion_running" | "deletion_closed")), "{}", cancelled.1);
                assert_eq!((state.as_str(), deletes_of(&app, &m)), ("done", 1));
            }
            other => panic!("cancel answered {other}: {}", cancelled.1),
        }
    }
    println!("last-moment cancels won {cancels_won} of 6 races against the worker");
}

#[tokio::test]
async fn a_second_person_approves_and_never_the_requester() {
    let app = TestApp::spawn_with(APPROVAL).await;
    let bea = second_admin(&app).await;
    let (status, body) = request(&app.http, VENDOR_MEETING, "2", "ACC-42").await;
    assert_eq!(status, 200, "{body}");
    let id = request_id(&body);
    let view = one(&app.http, id).await;
    assert_eq!((view["request"]["state"].as_str(), view["may_decide"].as_bool(), view["own"].as_bool()), (Some("awaiting_approval"), Some(false), Some(true)));
    assert_eq!(one(&bea, id).await["may_decide"], true);
    // Bea's home page says it waits for her; Ada's does not (it is her own), nor a viewer's.
    let waiting: Value = bea.get("/api/deletions/awaiting").await.json().await.unwrap();
    assert_eq!(waiting.as_array().unwrap().iter().map(|v| v["request"]["id"].as_i64().unwrap()).collect::<Vec<_>>(), vec![id]);
    let home = bea.get("/").await.text().await.unwrap();
    assert!(home.contains("Deletions waiting for your approval") && home.contains(&format!("Request #{id}")));
    assert!(!app.get("/").await.text().await.unwrap().contains("Deletions waiting for your approval"));
    assert_eq!(app.as_user(VIEWER).await.get("/api/deletions/awaiting").await.json::<Value>().await.unwrap(), serde_json::json!([]));

    // The requester, from another session too, is refused and audited.
    let again = app.as_user(ADMIN).await;
    for who in [&app.http, &again] {
        let (status, body) = decide(who, id, true, "").await;
        assert_eq!((status, body["kind"].as_str()), (403, Some("own_deletion_request")), "{body}");
    }
    assert_eq!(audit(&app, "approve_deletion").await[0]["outcome"], "refused");
    app.clock.advance(Duration::from_secs(3600));
    assert_eq!(worker::tick(&app.state.work()).await, 0, "nothing runs unapproved");

    let (status, body) = decide(&bea, id, true, "checked with legal").await;
    assert_eq!(status, 200, "{body}");
    let r = open_for_id(&app, id).await;
    assert_eq!((r["state"].as_str(), r["decided_by"].as_str()), (Some("scheduled"), Some(SECOND_ADMIN)));
    assert_eq!(worker::tick(&app.state.work()).await, 0, "the grace period starts at approval");
    app.clock.advance(Duration::from_secs(601));
    assert_eq!(worker::tick(&app.state.work()).await, 1);
    assert_eq!(app.upstream.count("DELETE"), 1);
    let approved = &audit(&app, "approve_deletion").await[0];
    assert_eq!((approved["username"].as_str(), approved["reason"].as_str()), (Some(SECOND_ADMIN), Some("checked with legal")));
    assert!(approved["detail"].as_str().unwrap().contains(&format!("request #{id} by ada")), "both people in the entry");
    let executed = &audit(&app, "delete_recordings").await[0];
    assert!(executed["detail"].as_str().unwrap().contains("approved by bea"), "{executed}");

    // Rejection needs a reason; a rejected request cannot be approved after.
    let m = meeting(2);
    app.upstream.mock.seed(&m, 2);
    let (_, body) = request(&app.http, &m, "2", "ACC-43").await;
    let id = request_id(&body);
    let (status, body) = decide(&bea, id, false, "  ").await;
    assert_eq!((status, body["fields"][0]["field"].as_str()), (422, Some("comment")));
    // The approver sees it counted on the Deletions link; the requester does not.
    let page = bea.get("/").await.text().await.unwrap();
    assert!(page.contains("<span class=\"count-badge\">1</span>"), "the approver's count");
    let page = app.http.get("/").await.text().await.unwrap();
    assert!(!page.contains("count-badge"), "nothing for the requester to approve");
    assert_eq!(decide(&bea, id, false, "wrong meeting").await.0, 200);
    // The requester is told where they look: the meeting's page and their home page.
    let page = app.http.get(&format!("/meetings/{m}/recordings")).await.text().await.unwrap();
    assert!(page.contains(&format!("Your deletion request #{id}")) && page.contains("was rejected by bea") && page.contains(": wrong meeting. Nothing was deleted."), "the rejection on the meeting's page");
    let mine: Value = app.http.get("/api/deletions/mine").await.json().await.unwrap();
    assert_eq!(mine[0]["request"]["state"], "rejected", "{mine}");
    let home = app.http.get("/").await.text().await.unwrap();
    assert!(home.contains("Your deletion requests") && home.contains("rejected by bea: wrong meeting"), "the rejection on the home page");
    let others = bea.get(&format!("/meetings/{m}/recordings")).await.text().await.unwrap();
    assert!(!others.contains("Your deletion request"), "told to its requester only");
    let (status, body) = decide(&bea, id, true, "").await;
    assert_eq!((status, body["kind"].as_str()), (409, Some("deletion_closed")));
    assert_eq!(open_for_id(&app, id).await["decision_comment"], "wrong meeting");

    // Unanswered, it expires.
    let m = meeting(3);
    app.upstream.mock.seed(&m, 1);
    let (_, body) = request(&app.http, &m, "1", "ACC-44").await;
    let id = request_id(&body);
    app.clock.advance(Duration::from_secs(24 * 3600 + 1));
    worker::tick(&app.state.work()).await;
    // A day on, every session has passed its 12 hours (sessions keep the same clock).
    assert_eq!(app.http.get("/api/deletions/awaiting").await.status(), 401);
    assert_eq!(app.http.sign_in(ADMIN, PASSWORD).await.status(), 200);
    assert_eq!(bea.sign_in(SECOND_ADMIN, PASSWORD).await.status(), 200);
    assert_eq!(open_for_id(&app, id).await["state"], "expired");
    let (status, _) = decide(&bea, id, true, "").await;
    assert_eq!(status, 409);
    let expired = &audit(&app, "expire_deletion").await[0];
    assert!(expired["detail"].as_str().unwrap().contains(&format!("request #{id} by ada")));
    assert_eq!(deletes_of(&app, &m), 0);
}

#[tokio::test]
async fn a_held_meeting_keeps_its_open_request_waiting() {
    let app = TestApp::spawn_with(GRACE).await;
    let (_, body) = request(&app.http, VENDOR_MEETING, "2", "GDPR-2").await;
    let id = request_id(&body);
    let hold = |place: bool| {
        let path = if place { "/api/meetings/hold/place" } else { "/api/meetings/hold/lift" };
        app.post_form(path, &[("meeting_id", VENDOR_MEETING), ("reason", "LIT-9")])
    };
    assert_eq!(hold(true).await.status(), 200);
    app.clock.advance(Duration::from_secs(3600));
    assert_eq!(worker::tick(&app.state.work()).await, 0, "held: it waits");
    let r = open_for_id(&app, id).await;
    assert_eq!((r["state"].as_str(), r["held"].as_bool()), (Some("scheduled"), Some(true)));
    let page = app.get(&format!("/meetings/{VENDOR_MEETING}/recordings")).await.text().await.unwrap();
    assert!(page.contains("Deletion waits: the meeting is on legal hold"));
    let m = meeting(4);
    app.upstream.mock.seed(&m, 1);
    app.post_form("/api/meetings/hold/place", &[("meeting_id", m.as_str()), ("reason", "LIT-9")]).await;
    let (status, body) = request(&app.http, &m, "1", "x").await;
    assert_eq!((status, body["kind"].as_str()), (409, Some("on_legal_hold")), "no new request while held");
    assert_eq!(hold(false).await.status(), 200);
    assert_eq!(worker::tick(&app.state.work()).await, 1, "runs once the hold is lifted");
    assert_eq!(app.upstream.count("DELETE"), 1);
}

#[tokio::test]
async fn vendor_faults_are_retried_with_back_off_then_fail_with_the_vendors_message() {
    let app = TestApp::spawn_with(GRACE).await;
    let (_, body) = request(&app.http, VENDOR_MEETING, "2", "retry").await;
    let id = request_id(&body);
    // Rate limited for longer than the client waits in a call: the worker honours Retry-After.
    app.upstream.faults(Faults { status: Some(429), retry_after: Some(90), method: Some("DELETE".into()), count: Some(1), ..Faults::default() });
    app.clock.advance(Duration::from_secs(601));
    assert_eq!(worker::tick(&app.state.work()).await, 1);
    let r = open_for_id(&app, id).await;
    assert_eq!((r["state"].as_str(), r["attempts"].as_u64()), (Some("scheduled"), Some(1)), "{r}");
    let wait = r["due_at_ms"].as_i64().unwrap() - app.clock.now_ms();
    assert!((85_000..=90_000).contains(&wait), "Retry-After 90 s honoured: {wait} ms");
    assert!(r["result"].as_str().unwrap().contains("rate limiting"));
    app.clock.advance(Duration::from_secs(91));
    assert_eq!(worker::tick(&app.state.work()).await, 1);
    assert_eq!(open_for_id(&app, id).await["state"], "done");

    // A vendor that keeps failing: tried 5 times in all, then failed with its message.
    let m = meeting(5);
    app.upstream.mock.seed(&m, 1);
    let (_, body) = request(&app.http, &m, "1", "retry").await;
    let id = request_id(&body);
    app.upstream.faults(Faults { status: Some(503), method: Some("DELETE".into()), ..Faults::default() });
    app.clock.advance(Duration::from_secs(601));
    for _ in 0..5 {
        assert_eq!(worker::tick(&app.state.work()).await, 1);
        app.clock.advance(Duration::from_secs(601));
    }
    let r = open_for_id(&app, id).await;
    assert_eq!((r["state"].as_str(), r["attempts"].as_u64()), (Some("failed"), Some(4)), "{r}");
    assert!(r["result"].as_str().unwrap().contains("HTTP 503"), "{r}");

    // A DELETE whose answer never comes is "outcome unknown", and is not sent again.
    let m = meeting(6);
    app.upstream.mock.seed(&m, 1);
    app.upstream.faults(Faults::default());
    let (_, body) = request(&app.http, &m, "1", "timeout").await;
    let id = request_id(&body);
    app.upstream.faults(Faults { latency_ms: 1_500, method: Some("DELETE".into()), ..Faults::default() });
    app.clock.advance(Duration::from_secs(601));
    worker::tick(&app.state.work()).await;
    app.upstream.faults(Faults::default());
    assert_eq!(open_for_id(&app, id).await["state"], "unknown");
    assert_eq!(audit(&app, "delete_recordings").await[0]["outcome"], "unknown");
    app.clock.advance(Duration::from_secs(3600));
    assert_eq!(worker::tick(&app.state.work()).await, 0);
    assert_eq!(deletes_of(&app, &m), 1);
}

/// Two replicas, one database, many due requests: each is deleted once, by one of them.
#[tokio::test]
async fn two_replicas_run_each_request_exactly_once() {
    const N: usize = 40;
    let Replicas { upstream, apps, clock, dir: _dir } = TestApp::replicas(2, GRACE).await;
    for n in 0..N {
        let m = meeting(1000 + n);
        upstream.mock.seed(&m, n % 3 + 1);
        let (status, body) = request(&apps[n % 2].http, &m, &(n % 3 + 1).to_string(), "exactly once").await;
        assert_eq!(status, 200, "{body}");
    }
    clock.advance(Duration::from_secs(601));
    // Both workers run by themselves every second; two more looks each, all at once, add to the race.
    let (w0, w1) = (apps[0].state.work(), apps[1].state.work());
    let (a, b, c, d) = tokio::join!(worker::tick(&w0), worker::tick(&w1), worker::tick(&w0), worker::tick(&w1));
    println!("explicit looks ran {a}, {b}, {c} and {d} requests");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let list: Value = apps[0].get("/api/deletions/list?state=done").await.json().await.unwrap();
        if list["rows"].as_array().unwrap().len() == N {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "not all requests ran: {list}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let deletes: Vec<String> = upstream.mock.requests().into_iter().filter(|r| r.method == "DELETE").map(|r| r.path).collect();
    let mut unique = deletes.clone();
    unique.sort();
    unique.dedup();
    println!("exactly once: {N} requests, {} DELETEs seen by the vendor, {} meetings", deletes.len(), unique.len());
    assert_eq!((deletes.len(), unique.len()), (N, N));
}

#[tokio::test]
async fn the_approval_webhook_is_told_and_its_failure_blocks_nothing() {
    let hook = Hook::start(Answer::Take).await;
    let app = TestApp::spawn_with(&[APPROVAL, &["--approval-webhook-url", hook.url.as_str()]].concat()).await;
    let (status, body) = request(&app.http, VENDOR_MEETING, "2", "ACC-50").await;
    assert_eq!(status, 200);
    let id = request_id(&body);
    let sent = hook.next(Duration::from_secs(10)).await.expect("the webhook is called");
    let text = sent["text"].as_str().unwrap();
    assert!(text.contains(&format!("Deletion request #{id} waits for approval")) && text.contains("requested by ada: ACC-50"), "{text}");
    assert!(text.contains(&format!("{}/deletions/{id}", app.url)), "with a link to it: {text}");
    assert_eq!(sent["request_id"], id);

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let dead = format!("http://{closed}/hook");
    let app = TestApp::spawn_with(&[APPROVAL, &["--approval-webhook-url", dead.as_str()]].concat()).await;
    let (status, body) = request(&app.http, VENDOR_MEETING, "2", "ACC-51").await;
    assert_eq!((status, body["status"].as_str()), (200, Some("open")), "a dead webhook holds nothing up");
}

/// A notice the webhook did not take is kept and sent again later, once it is taken; one whose
/// request no longer waits for approval by then is not sent at all.
#[tokio::test]
async fn a_refused_notice_is_sent_again_later_unless_its_request_was_decided() {
    let hook = Hook::start(Answer::Refuse).await;
    let app = TestApp::spawn_with(&[APPROVAL, &["--approval-webhook-url", hook.url.as_str()]].concat()).await;
    app.upstream.mock.seed(&meeting(60), 1);
    let first = request_id(&request(&app.http, VENDOR_MEETING, "2", "ACC-60").await.1);
    let second = request_id(&request(&app.http, &meeting(60), "1", "ACC-61").await.1);
    hook.tried(2, Duration::from_secs(10)).await;
    assert_eq!(cancel(&app.http, second).await.0, 200);
    hook.answer(Answer::Take);
    assert!(hook.next(Duration::from_millis(1500)).await.is_none(), "not before its retry is due");
    app.state.clock.advance(notices::FIRST_RETRY * 2);
    let sent = hook.next(Duration::from_secs(10)).await.expect("sent again once its retry is due");
    assert_eq!(sent["request_id"], first);
    // A look of this test's own, after the worker's: nothing more goes out, the cancelled one least of all.
    assert_eq!(notices::tick(&app.state.work()).await, 0);
    assert!(hook.next(Duration::from_millis(1500)).await.is_none());
    assert_eq!(hook.tries(), 3, "two refused, one taken");
}

/// Two replicas, one database: each request's notice goes out once, from one of them.
#[tokio::test]
async fn two_replicas_send_each_notice_once() {
    const N: usize = 6;
    let hook = Hook::start(Answer::Take).await;
    let Replicas { upstream, apps, dir: _dir, .. } = TestApp::replicas(2, &[APPROVAL, &["--approval-webhook-url", hook.url.as_str()]].concat()).await;
    let mut made = Vec::new();
    for n in 0..N {
        upstream.mock.seed(&meeting(70 + n), 1);
        made.push(request_id(&request(&apps[n % 2].http, &meeting(70 + n), "1", "ACC-70").await.1));
    }
    let mut told = Vec::new();
    while let Some(sent) = hook.next(Duration::from_secs(if told.len() < N { 10 } else { 2 })).await {
        told.push(sent["request_id"].as_i64().unwrap());
    }
    told.sort_unstable();
    assert_eq!(told, made, "each once");
}

#[tokio::test]
async fn the_deletions_page_lists_open_requests_first_and_filters() {
    let app = TestApp::spawn_with(GRACE).await;
    let m = meeting(7);
    app.upstream.mock.seed(&m, 1);
    let (_, first) = request(&app.http, VENDOR_MEETING, "2", "first").await;
    let (_, second) = request(&app.http, &m, "1", "second").await;
    cancel(&app.http, request_id(&first)).await;
    let list: Value = app.get("/api/deletions/list").await.json().await.unwrap();
    let ids: Vec<i64> = list["rows"].as_array().unwrap().iter().map(|r| r["request"]["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![request_id(&second), request_id(&first)], "open first");
    let list: Value = app.get("/api/deletions/list?state=cancelled").await.json().await.unwrap();
    assert_eq!(list["rows"].as_array().unwrap().len(), 1);
    let list: Value = app.get(&format!("/api/deletions/list?meeting={m}")).await.json().await.unwrap();
    assert_eq!(list["rows"][0]["request"]["reason"], "second");
    let res = app.get("/api/deletions/list?meeting=nope").await;
    assert_eq!(res.status(), 422);
    assert_eq!(res.json::<Value>().await.unwrap()["fields"][0]["field"], "meeting");
    let page = app.get("/deletions?state=scheduled").await.text().await.unwrap();
    assert!(page.contains("Deletion requests, open ones first") && page.contains("second") && !page.contains(">first<"));
    assert_eq!(app.as_user(OPERATOR).await.get("/api/deletions/list").await.status(), 403);
}
