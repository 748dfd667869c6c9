//! The evidence key: made once and kept in the store (or read from EVIDENCE_KEY_FILE), shown on
//! the About page, and used by `meeting-admin evidence`.

use crate::cli::console;
use crate::support::{TestApp, VIEWER};

#[tokio::test]
async fn the_key_is_made_once_shown_and_printed_by_the_console() {
    let app = TestApp::spawn().await;
    let id = app.state.evidence.key_id();
    let page = app.as_user(VIEWER).await.get("/about").await.text().await.unwrap();
    assert!(page.contains(&id), "the About page names the key id");
    assert!(page.contains("BEGIN PUBLIC KEY"), "and shows the public key");
    let (code, out) = console(&app.database_url, &["evidence", "public-key"], "");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("key id: {id}")) && out.contains(&app.state.evidence.public_pem()), "the same key as the server's: {out}");

    // A file that is not a record, and one that does not exist: said plainly, exit 1.
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, "{\"format\": \"meeting-admin/deletion-record/1\"}").unwrap();
    let (code, out) = console(&app.database_url, &["evidence", "verify", junk.to_str().unwrap()], "");
    assert_eq!(code, 1);
    assert!(out.contains("NOT VALID") && out.contains("it has no record"), "{out}");
    let (code, out) = console(&app.database_url, &["evidence", "verify", "/nonexistent/record.json"], "");
    assert!(code == 1 && out.contains("cannot read /nonexistent/record.json"), "{out}");
}

#[tokio::test]
async fn a_configured_key_file_is_used_and_a_bad_one_stops_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("evidence.pem");
    // `openssl genpkey -algorithm ed25519`
    std::fs::write(&pem, "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAHC5wuYblz6O6zo6MnuLdu04UQ/Edvsct3P7HFoKHic\n-----END PRIVATE KEY-----\n").unwrap();
    let app = TestApp::spawn_with(&["--evidence-key-file", pem.to_str().unwrap()]).await;
    let page = app.http.get("/about").await.text().await.unwrap();
    assert!(page.contains("in the file EVIDENCE_KEY_FILE names"), "{page}");
    let expected = meeting_admin::server::evidence::key::SigningKey::from_pem(&std::fs::read_to_string(&pem).unwrap()).unwrap();
    assert_eq!(app.state.evidence.key_id(), expected.key_id());

    std::fs::write(&pem, "not a key").unwrap();
    let (code, out) = console(&app.database_url, &["--evidence-key-file", pem.to_str().unwrap(), "evidence", "public-key"], "");
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("EVIDENCE_KEY_FILE") && out.contains("openssl genpkey"), "{out}");
}
