//! Retention: meetings become known, the inventory lists them within the vendor budget, the
//! rules (with a dry run first) make them due, and the sweep opens their deletion requests
//! through a bulk batch; extensions, exemptions, holds, faults, two replicas and a sweep cut off.

use std::time::Duration;

use meeting_admin::server::bulk::worker as bulk_worker;
use meeting_admin::server::deletions::worker as deletion_worker;
use meeting_admin::server::retention::{digest, inventory, sweep};
use meeting_admin::server::store::on_pool;
use meeting_admin::server::vendor::mock::Faults;
use meeting_admin::server::workers::Next;
use serde_json::Value;

use crate::support::webhook::{Answer, Hook};
use crate::support::{database, Browser, Mock, TestApp, ADMIN, OPERATOR, PASSWORD, VIEWER};

const GRACE: &[&str] = &["--delete-grace", "10m"];
const DAY: Duration = Duration::from_secs(86_400);

fn meeting(n: usize) -> String {
    format!("{:024x}", 0xe7_0000_0000_usize + n)
}

async fn post(b: &Browser, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let res = b.post_form(path, form).await;
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

async fn track(b: &Browser, ids: &[String], host: &str) -> (u16, Value) {
    post(b, "/api/retention/track", &[("meetings", &ids.join("\n")), ("host_id", host)]).await
}

async fn save_general(b: &Browser, default: &str, warn: &str, calls: &str) -> (u16, Value) {
    let form = [("kind", "general"), ("default_days", default), ("warn_days", warn), ("calls_per_hour", calls), ("reason", "Policy RET-1")];
    post(b, "/api/retention/save", &form).await
}

async fn overview(b: &Browser) -> Value {
    b.get("/api/retention/overview").await.json().await.unwrap()
}

/// Runs the inventory until it has nothing it may list now; how many steps listed something.
async fn list_all(app: &TestApp) -> usize {
    let mut steps = 0;
    for _ in 0..50 {
        let before = app.upstream.count("GET");
        let next = inventory::step(&app.state.work()).await;
        if app.upstream.count("GET") > before {
            steps += 1;
        } else {
            // Waiting out a short pause: the manual clock moves only when told.
            app.clock.advance(Duration::from_secs(2));
        }
        if next == Next::Wait {
            break;
        }
    }
    steps
}

/// Runs the bulk worker, then the deletion worker past the grace period, until both are idle.
async fn run_deletions(app: &TestApp) {
    for _ in 0..5 {
        bulk_worker::tick(&app.state.work()).await;
    }
    app.clock.advance(Duration::from_secs(11 * 60));
    for _ in 0..5 {
        deletion_worker::tick(&app.state.work()).await;
    }
}

/// Moves the clock on by days; sessions expire meanwhile, so the admin signs in again.
async fn later(app: &TestApp, by: Duration) {
    app.clock.advance(by);
    assert_eq!(app.http.sign_in(ADMIN, PASSWORD).await.status(), 200);
}

fn deletes(mock: &Mock, id: &str) -> usize {
    mock.mock.requests().iter().filter(|r| r.method == "DELETE" && !r.faulted && r.path.ends_with(id)).count()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|r| r["meeting_id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn due_meetings_are_swept_once_through_the_deletion_lifecycle_exactly_as_the_dry_run_said() {
    let app = TestApp::spawn_with(GRACE).await;
    let known: Vec<String> = (1..=4).map(meeting).collect();
    for (i, id) in known.iter().enumerate() {
        app.upstream.mock.seed(id, if i == 3 { 0 } else { 2 });
    }
    assert_eq!(track(&app.http, &known[..2], "").await.0, 200);
    assert_eq!(track(&app.http, &known[2..], "42").await.0, 200);
    let o = overview(&app.http).await;
    assert_eq!(o["coverage"]["known"], 4);
    assert_eq!(o["coverage"]["never_listed"], 4);

    // The budget: two calls an hour, whatever the replicas. Two listings, then none until the next hour.
    assert_eq!(save_general(&app.http, "30", "7", "2").await.0, 200);
    assert_eq!(list_all(&app).await, 1);
    assert_eq!(app.upstream.count("GET"), 2, "two calls, the hour's budget");
    assert_eq!(inventory::step(&app.state.work()).await, Next::Wait);
    assert_eq!(app.upstream.count("GET"), 2);
    app.clock.advance(Duration::from_secs(3_600));
    list_all(&app).await;
    assert_eq!(app.upstream.count("GET"), 4, "the next hour's budget lists the rest");
    assert_eq!(overview(&app.http).await["coverage"]["never_listed"], 0);
    // The meeting with no recordings is listed again in a week, the others in a day.
    let next = |id: &str| {
        let id = id.to_owned();
        let db = app.db.clone();
        async move {
            on_pool!(&db, pool => sqlx::query_scalar::<_, i64>("SELECT next_inventory_ms FROM known_meetings WHERE meeting_id = $1")
                .bind(id).fetch_one(pool).await.unwrap())
        }
    };
    let (full, empty) = (next(&known[0]).await - app.clock.now_ms(), next(&known[3]).await - app.clock.now_ms());
    assert!((0..2 * 86_400_000).contains(&full) && (6 * 86_400_000..8 * 86_400_000).contains(&empty), "{full} {empty}");

    // Host 42 keeps its meetings; the default makes the others due after 30 days.
    let host = [("kind", "host"), ("host_id", "42"), ("host_rule", "keep"), ("host_days", ""), ("reason", "Board minutes")];
    assert_eq!(post(&app.http, "/api/retention/save", &host).await.0, 200);
    later(&app, 31 * DAY).await;
    let preview: Value = app.http.get("/api/retention/preview?kind=general&default_days=30&warn_days=7&calls_per_hour=2").await.json().await.unwrap();
    let dry: Vec<String> = preview["after"]["due_now_ids"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
    assert_eq!(dry, known[..2].to_vec(), "{preview}");
    assert_eq!(preview["after"]["due_now"]["recordings"], 4);
    let o = overview(&app.http).await;
    assert_eq!(ids(&o["due_now"]), known[..2].to_vec());

    // The sweep takes exactly those, into one batch requested by the rules.
    let swept = sweep::sweep(&app.state.work(), 0).await.unwrap();
    let sweep::Swept::Batch { id, meetings: 2, left: 0 } = swept else { panic!("{swept:?}") };
    let batch: Value = app.http.get(&format!("/api/bulk/one?batch_id={id}")).await.json().await.unwrap();
    let in_batch: Vec<String> = batch["items"].as_array().unwrap().iter().map(|i| i["meeting_id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(in_batch, dry, "the sweep did what the dry run said");
    assert!(batch["batch"]["reason"].as_str().unwrap().starts_with("Retention:"), "{batch}");
    assert_eq!(sweep::sweep(&app.state.work(), 0).await.unwrap(), sweep::Swept::Nothing, "in hand: not swept twice");

    run_deletions(&app).await;
    for id in &known[..2] {
        assert_eq!(deletes(&app.upstream, id), 1, "{id} deleted once");
    }
    assert_eq!(deletes(&app.upstream, &known[2]), 0, "host 42's meetings are kept");
    assert_eq!(sweep::sweep(&app.state.work(), 0).await.unwrap(), sweep::Swept::Nothing, "deleted since the listing: not due again");
    let audit: Value = app.http.get("/api/audit/search?filter[action]=retention_sweep").await.json().await.unwrap();
    assert_eq!(audit["entries"][0]["outcome"], "succeeded", "{audit}");
    assert!(audit["entries"][0]["detail"].as_str().unwrap().contains("2 meetings due"));
}

#[tokio::test]
async fn a_recording_made_after_the_listing_spares_its_meeting_and_holds_and_exemptions_win() {
    let app = TestApp::spawn_with(GRACE).await;
    let known: Vec<String> = (11..=14).map(meeting).collect();
    for id in &known {
        app.upstream.mock.seed(id, 1);
    }
    assert_eq!(track(&app.http, &known, "").await.0, 200);
    assert_eq!(save_general(&app.http, "30", "7", "100").await.0, 200);
    list_all(&app).await;
    later(&app, 31 * DAY).await;

    // One meeting gets a new recording after the listing; one is held; one is exempt.
    let mut fresh = app.upstream.mock.raw_recordings(&known[0]);
    let mut newer = fresh[0].clone();
    newer["_id"] = Value::String("aaaaaaaaaaaaaaaaaaaaaaaa".into());
    newer["created_at"] = Value::String(meeting_admin::domain::format_rfc3339_ms(app.clock.now_ms()));
    fresh.push(newer);
    app.upstream.mock.put_raw_recordings(&known[0], fresh);
    let hold = [("meeting_id", known[1].as_str()), ("reason", "LIT-4")];
    assert_eq!(post(&app.http, "/api/meetings/hold/place", &hold).await.0, 200);
    let keep = [("meeting_id", known[2].as_str()), ("reason", "Keep for training")];
    assert_eq!(post(&app.http, "/api/retention/keep", &keep).await.0, 200);
    let o = overview(&app.http).await;
    assert_eq!(ids(&o["due_now"]), vec![known[0].clone(), known[3].clone()], "held and exempt are not due");

    let sweep::Swept::Batch { id, meetings: 2, .. } = sweep::sweep(&app.state.work(), 0).await.unwrap() else { panic!() };
    run_deletions(&app).await;
    assert_eq!(deletes(&app.upstream, &known[0]), 0, "the newer recording spared it");
    assert_eq!(deletes(&app.upstream, &known[3]), 1);
    assert_eq!((deletes(&app.upstream, &known[1]), deletes(&app.upstream, &known[2])), (0, 0));
    let batch: Value = app.http.get(&format!("/api/bulk/one?batch_id={id}")).await.json().await.unwrap();
    let spared = &batch["items"][0];
    assert_eq!(spared["outcome"], "nothing_to_delete", "{batch}");
    assert!(spared["outcome_detail"].as_str().unwrap().contains("still within the retention period"));
}

#[tokio::test]
async fn extensions_and_exemptions_move_a_meeting_and_bad_input_saves_nothing() {
    let app = TestApp::spawn().await;
    let id = meeting(21);
    app.upstream.mock.seed(&id, 2);
    assert_eq!(track(&app.http, std::slice::from_ref(&id), "").await.0, 200);
    assert_eq!(save_general(&app.http, "30", "7", "100").await.0, 200);
    list_all(&app).await;
    later(&app, 25 * DAY).await;
    assert_eq!(ids(&overview(&app.http).await["due_soon"]), vec![id.clone()], "due within the warning");

    // Bad input, each beside its field; nothing saved.
    let (status, err) = save_general(&app.http, "0", "100", "x").await;
    assert_eq!(status, 422);
    let fields: Vec<&str> = err["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["default_days", "warn_days", "calls_per_hour"], "{err}");
    let bad_host = [("kind", "host"), ("host_id", "ada"), ("host_rule", "days"), ("host_days", "5000"), ("reason", "x")];
    let (status, err) = post(&app.http, "/api/retention/save", &bad_host).await;
    assert_eq!(status, 422);
    assert_eq!(err["fields"].as_array().unwrap().len(), 2, "{err}");
    assert_eq!(overview(&app.http).await["default"], 30, "nothing saved");
    let past = [("meeting_id", id.as_str()), ("by", "date"), ("date", "2020-01-01"), ("reason", "x")];
    let (status, err) = post(&app.http, "/api/retention/extend", &past).await;
    assert_eq!((status, err["fields"][0]["field"].as_str()), (422, Some("date")), "{err}");
    let odd = [("meeting_id", id.as_str()), ("by", "12"), ("reason", "")];
    let (status, err) = post(&app.http, "/api/retention/extend", &odd).await;
    assert_eq!((status, err["fields"].as_array().unwrap().len()), (422, 2), "{err}");

    // Roles: viewers see, operators extend (not exempt), admins do both.
    let viewer = app.as_user(VIEWER).await;
    assert_eq!(overview(&viewer).await["may_extend"], false);
    let extend = [("meeting_id", id.as_str()), ("by", "30"), ("reason", "Customer asked for time")];
    assert_eq!(post(&viewer, "/api/retention/extend", &extend).await.0, 403);
    let operator = app.as_user(OPERATOR).await;
    assert_eq!(post(&operator, "/api/retention/keep", &[("meeting_id", id.as_str()), ("reason", "x")]).await.0, 403);
    assert_eq!(post(&operator, "/api/retention/extend", &extend).await.0, 200);
    let o = overview(&app.http).await;
    assert!(ids(&o["due_soon"]).is_empty(), "extended past the warning: {o}");
    assert_eq!(ids(&o["exceptions"]), vec![id.clone()]);
    let due_at = o["exceptions"][0]["due_at_ms"].as_i64().unwrap();
    assert!(due_at > app.clock.now_ms() + 33 * 86_400_000, "30 days past its due date (about 4 days ahead)");

    assert_eq!(post(&app.http, "/api/retention/clear", &[("meeting_id", id.as_str()), ("reason", "Case closed")]).await.0, 200);
    assert_eq!(ids(&overview(&app.http).await["due_soon"]), vec![id.clone()], "back under the rules");

    // The meeting's history has every change.
    let history: Value = app.http.get(&format!("/api/audit/search?filter[meeting_id]={id}")).await.json().await.unwrap();
    let actions: Vec<&str> = history["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"extend_retention"), "{actions:?}");
    let page = app.get("/retention").await.text().await.unwrap();
    assert!(page.contains("Due within 7 days (1)") && page.contains(&id), "the page lists it");
    let page = app.get(&format!("/retention/meetings/{id}")).await.text().await.unwrap();
    assert!(page.contains("The default rule: kept 30 days."), "{page}");
}

#[tokio::test]
async fn a_429_storm_pauses_every_replica_and_the_next_run_picks_up_where_it_stopped() {
    let app = TestApp::spawn().await;
    let known: Vec<String> = (31..=36).map(meeting).collect();
    for id in &known {
        app.upstream.mock.seed(id, 1);
    }
    assert_eq!(track(&app.http, &known, "").await.0, 200);
    app.upstream.faults(Faults { status: Some(429), retry_after: Some(120), method: Some("GET".into()), ..Faults::default() });
    assert_eq!(inventory::step(&app.state.work()).await, Next::Wait);
    let asked = app.upstream.count("GET");
    assert!(asked >= 1, "one step asked");
    for _ in 0..3 {
        assert_eq!(inventory::step(&app.state.work()).await, Next::Wait);
    }
    assert_eq!(app.upstream.count("GET"), asked, "paused: no call until Retry-After has passed");
    let o = overview(&app.http).await;
    assert!(o["paused_until_ms"].is_i64(), "the page says it waits: {o}");
    assert_eq!(o["coverage"]["never_listed"], 6);

    // A vendor that takes 2 calls a second: of a step's 6 calls, 4 are refused and asked again
    // after the vendor's Retry-After (the client's own wait), so the step still lists all 6.
    app.upstream.faults(Faults { rate_per_second: Some(2), ..Faults::default() });
    app.clock.advance(Duration::from_secs(121));
    let refused_before = app.upstream.mock.requests().iter().filter(|r| r.faulted).count();
    inventory::step(&app.state.work()).await;
    let refused = app.upstream.mock.requests().iter().filter(|r| r.faulted).count() - refused_before;
    assert!(refused >= 4, "the rate limit refused {refused}");
    assert_eq!(overview(&app.http).await["coverage"]["never_listed"], 0);
    app.upstream.faults(Faults::default());
    list_all(&app).await;
    assert_eq!(overview(&app.http).await["coverage"]["never_listed"], 0, "every meeting listed after the pauses");
}

#[tokio::test]
async fn two_replicas_sweep_each_due_meeting_once_and_a_sweep_cut_off_is_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let url = database::fresh(dir.path()).await;
    let upstream = Mock::start().await;
    let args = ["--api-key", crate::support::KEY, "--api-url", &upstream.url, "--delete-grace", "10m"];
    let a = TestApp::launch_on(upstream.clone(), Some(url.clone()), &args).await;
    let b = TestApp::launch_on(upstream.clone(), Some(url), &args).await;
    let known: Vec<String> = (41..=45).map(meeting).collect();
    for id in &known {
        upstream.mock.seed(id, 1);
    }
    assert_eq!(track(&a.http, &known, "").await.0, 200);
    assert_eq!(save_general(&a.http, "30", "7", "100").await.0, 200);
    list_all(&a).await;
    a.clock.advance(31 * DAY);
    b.clock.advance(31 * DAY);

    // A replica killed mid-sweep holds its lease: nobody sweeps until it runs out.
    on_pool!(&a.db, pool => sqlx::query("UPDATE retention_settings SET sweep_owner = 'dead', sweep_until_ms = $1")
        .bind(a.clock.now_ms() + 30_000).execute(pool).await.unwrap().rows_affected());
    assert_eq!(sweep::sweep(&a.state.work(), 0).await.unwrap(), sweep::Swept::NotNow);
    a.clock.advance(Duration::from_secs(31));
    b.clock.advance(Duration::from_secs(31));

    // Both at once: one sweeps, the other finds it taken or nothing left.
    let (wa, wb) = (a.state.work(), b.state.work());
    let (x, y) = tokio::join!(sweep::sweep(&wa, 0), sweep::sweep(&wb, 0));
    let batches: Vec<_> = [x.unwrap(), y.unwrap()].into_iter().filter(|s| matches!(s, sweep::Swept::Batch { .. })).collect();
    assert_eq!(batches, vec![sweep::Swept::Batch { id: 1, meetings: 5, left: 0 }]);

    // Killed after the batch was made, before the sweep was noted: the next one finds them in hand.
    on_pool!(&a.db, pool => sqlx::query("UPDATE retention_settings SET last_sweep_ms = NULL, sweep_owner = 'dead', sweep_until_ms = 0")
        .execute(pool).await.unwrap().rows_affected());
    assert_eq!(sweep::sweep(&b.state.work(), 0).await.unwrap(), sweep::Swept::Nothing);

    let (ta, tb) = tokio::join!(bulk_worker::tick(&wa), bulk_worker::tick(&wb));
    assert_eq!(ta.requested + tb.requested, 5);
    a.clock.advance(Duration::from_secs(11 * 60));
    b.clock.advance(Duration::from_secs(11 * 60));
    tokio::join!(deletion_worker::tick(&wa), deletion_worker::tick(&wb));
    for id in &known {
        assert_eq!(deletes(&upstream, id), 1, "{id} deleted exactly once");
    }
}

#[tokio::test]
async fn the_digest_goes_once_a_day_and_the_report_home_page_and_csv_count_what_is_due() {
    let hook = Hook::start(Answer::Refuse).await;
    let app = TestApp::spawn_with(&["--approval-webhook-url", hook.url.as_str()]).await;
    let known: Vec<String> = (51..=53).map(meeting).collect();
    for id in &known {
        app.upstream.mock.seed(id, 2);
    }
    assert_eq!(track(&app.http, &known[..2], "7").await.0, 200);
    assert_eq!(track(&app.http, &known[2..], "").await.0, 200);
    assert_eq!(save_general(&app.http, "30", "7", "100").await.0, 200);
    list_all(&app).await;
    later(&app, 25 * DAY).await;

    // A digest the webhook refuses is sent again on the next turn; then once a day.
    assert!(!digest::send_if_due(&app.state.work()).await.unwrap());
    assert_eq!(hook.tries(), 1);
    hook.answer(Answer::Take);
    assert!(digest::send_if_due(&app.state.work()).await.unwrap());
    let sent = hook.next(Duration::from_secs(5)).await.unwrap();
    assert_eq!(sent["due_soon"], 3, "{sent}");
    assert!(sent["text"].as_str().unwrap().contains(&known[0]));
    assert!(!digest::send_if_due(&app.state.work()).await.unwrap(), "once a day");
    later(&app, DAY).await;
    assert!(digest::send_if_due(&app.state.work()).await.unwrap(), "the next day's");

    // The report per host, as data, as CSV, as a page with its chart.
    let report: Value = app.http.get("/api/retention/report").await.json().await.unwrap();
    assert_eq!(report["hosts"][0]["host"], 7);
    assert_eq!((report["hosts"][0]["meetings"].as_u64(), report["hosts"][0]["due_7"].as_u64()), (Some(2), Some(2)), "{report}");
    assert_eq!(report["hosts"][1]["host"], Value::Null, "the meetings of no known host");
    assert_eq!(report["ages"][0]["recordings"], 6, "every recording is under 30 days old: {report}");
    let csv = app.get("/retention/report.csv").await;
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.text().await.unwrap();
    assert!(csv.lines().nth(1).unwrap().starts_with("7,2,4,"), "{csv}");
    assert_eq!(app.anonymous().get("/retention/report.csv").await.status(), 303, "sign-in first");
    let page = app.get("/retention/report").await.text().await.unwrap();
    assert!(page.contains("<svg") && page.contains("Recording bytes by age"), "{page}");

    // What an operator's dashboard reads: how many are covered, how old the oldest listing is.
    let m = app.metrics().await;
    assert_eq!(m.value("meeting_admin_retention_known_meetings"), 3.0);
    let age = m.value("meeting_admin_retention_oldest_listing_seconds");
    assert!((26.0 * 86_400.0..27.0 * 86_400.0).contains(&age), "listed 26 days ago on the manual clock: {age}");

    // The home page tells admins, not operators.
    let home = app.get("/").await.text().await.unwrap();
    assert!(home.contains("Recordings due for deletion soon") && home.contains(&known[2]));
    let home = app.as_user(OPERATOR).await.get("/").await.text().await.unwrap();
    assert!(!home.contains("Recordings due for deletion soon"));
}

/// The workers as a replica runs them, nothing driven by hand: tracked meetings are listed at
/// once, and a rule saved sweeps at once (not after RETENTION_SWEEP_EVERY), through to deletion.
#[tokio::test]
async fn on_a_running_replica_a_saved_rule_deletes_what_it_makes_due_within_seconds() {
    let r = TestApp::replicas(1, &[]).await;
    let app = &r.apps[0];
    let known: Vec<String> = (61..=62).map(meeting).collect();
    for id in &known {
        r.upstream.mock.seed(id, 2);
    }
    assert_eq!(track(&app.http, &known, "").await.0, 200);
    let started = std::time::Instant::now();
    while overview(&app.http).await["coverage"]["never_listed"] != 0 {
        assert!(started.elapsed() < Duration::from_secs(10), "tracked meetings are listed at once");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Their newest recordings are a day and an hour old: a 1-day rule makes both due now.
    assert_eq!(save_general(&app.http, "1", "7", "600").await.0, 200);
    while known.iter().any(|id| deletes(&r.upstream, id) == 0) {
        assert!(started.elapsed() < Duration::from_secs(20), "deleted within seconds of the rule");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for id in &known {
        assert_eq!(deletes(&r.upstream, id), 1);
    }
}

/// More due than one batch takes (500): the sweep makes the next batch at once, not a sweep
/// period later.
#[tokio::test]
async fn more_due_than_one_batch_takes_goes_into_further_batches_at_once() {
    let r = TestApp::replicas(1, &["--delete-grace", "10m"]).await;
    let app = &r.apps[0];
    let known: Vec<String> = (1000..1501).map(meeting).collect();
    for id in &known {
        r.upstream.mock.seed(id, 1);
    }
    assert_eq!(track(&app.http, &known, "").await.0, 200);
    let started = std::time::Instant::now();
    while overview(&app.http).await["coverage"]["never_listed"] != 0 {
        assert!(started.elapsed() < Duration::from_secs(30), "listed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(save_general(&app.http, "1", "7", "100000").await.0, 200);
    let swept = || async {
        let batches: Value = app.http.get("/api/bulk/list").await.json().await.unwrap();
        let sizes: Vec<i64> = batches.as_array().unwrap().iter().filter(|b| b["batch"]["created_by"] == "retention").map(|b| b["meetings"].as_i64().unwrap()).collect();
        sizes
    };
    let saved = std::time::Instant::now();
    loop {
        let mut sizes = swept().await;
        sizes.sort_unstable();
        if sizes == [1, 500] {
            break;
        }
        assert!(saved.elapsed() < Duration::from_secs(15), "two batches at once, not {sizes:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Under two-person approval a sweep's batch waits for one approval, which any admin may give
/// (the rules asked, not a person).
#[tokio::test]
async fn under_approval_one_decision_covers_a_sweep_and_any_admin_may_give_it() {
    let app = TestApp::spawn_with(&["--delete-grace", "0", "--delete-approval", "required"]).await;
    let known: Vec<String> = (71..=73).map(meeting).collect();
    for id in &known {
        app.upstream.mock.seed(id, 1);
    }
    assert_eq!(track(&app.http, &known, "").await.0, 200);
    assert_eq!(save_general(&app.http, "30", "7", "100").await.0, 200);
    list_all(&app).await;
    later(&app, 31 * DAY).await;
    let sweep::Swept::Batch { id, meetings: 3, .. } = sweep::sweep(&app.state.work(), 0).await.unwrap() else { panic!() };
    for _ in 0..3 {
        bulk_worker::tick(&app.state.work()).await;
    }
    let view: Value = app.http.get(&format!("/api/bulk/one?batch_id={id}")).await.json().await.unwrap();
    assert_eq!((view["awaiting"].as_u64(), view["own"].as_bool()), (Some(3), Some(false)), "{view}");
    assert_eq!(deletion_worker::tick(&app.state.work()).await, 0, "nothing runs unapproved");
    let (status, body) = post(&app.http, "/api/bulk/approve", &[("batch_id", &id.to_string()), ("comment", "retention policy RET-1")]).await;
    assert_eq!(status, 200, "{body}");
    deletion_worker::tick(&app.state.work()).await;
    for id in &known {
        assert_eq!(deletes(&app.upstream, id), 1);
    }
    let requests: Value = app.http.get("/api/deletions/list").await.json().await.unwrap();
    let row = &requests["rows"][0]["request"];
    assert_eq!((row["requested_by"].as_str(), row["decided_by"].as_str()), (Some("retention"), Some("ada")), "{row}");
    assert!(row["reason"].as_str().unwrap().starts_with("Retention: newest recording older than the period (default 30 days)"));
}
