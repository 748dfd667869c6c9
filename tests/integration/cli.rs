//! The binary's command line: `--help` and start-up errors.

use std::process::Command;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_meeting-admin"));
    for var in ["CONNECTYCUBE_API_URL", "CONNECTYCUBE_ADMIN_API_KEY", "CONNECTYCUBE_ADMIN_API_KEY_FILE", "DATABASE_URL", "LEPTOS_SITE_ADDR", "PUBLIC_URL", "LOG_FORMAT"] {
        c.env_remove(var);
    }
    c
}

#[test]
fn help_lists_every_variable_with_defaults() {
    let out = bin().arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for var in ["CONNECTYCUBE_API_URL", "CONNECTYCUBE_ADMIN_API_KEY", "CONNECTYCUBE_ADMIN_API_KEY_FILE", "DATABASE_URL", "LEPTOS_SITE_ADDR", "PUBLIC_URL", "LOG_FORMAT"] {
        assert!(help.contains(var), "--help misses {var}:\n{help}");
    }
    assert!(help.contains("[default: https://api.connectycube.com]"));
    assert!(help.contains("[default: 127.0.0.1:3000]"));
}

#[test]
fn a_bad_value_stops_start_up_with_one_line_and_exit_2() {
    for (var, value) in [("LEPTOS_SITE_ADDR", "nowhere"), ("LOG_FORMAT", "xml"), ("PUBLIC_URL", "ftp://x"), ("DATABASE_URL", "mysql://db")] {
        let out = bin().env(var, value).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{var}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(var), "{err}");
    }
}

#[test]
fn the_key_is_never_echoed() {
    let out = bin()
        .env("CONNECTYCUBE_ADMIN_API_KEY", "sentinel-key-cli-42")
        .env("CONNECTYCUBE_ADMIN_API_KEY_FILE", "/tmp/x")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!all.contains("sentinel-key-cli-42"));
    let help = bin().env("CONNECTYCUBE_ADMIN_API_KEY", "sentinel-key-cli-42").arg("--help").output().unwrap();
    assert!(!String::from_utf8_lossy(&help.stdout).contains("sentinel-key-cli-42"));
}

/// `meeting-admin ARGS` on `database_url` in a process of its own, as an administrator runs it,
/// with `stdin` typed in: its exit code, and what it printed.
pub fn console(database_url: &str, args: &[&str], stdin: &str) -> (i32, String) {
    use std::io::Write;
    let mut child = bin()
        .env("DATABASE_URL", database_url)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn with_db(dir: &tempfile::TempDir) -> impl Fn(&[&str], Option<&str>) -> (i32, String) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let db = runtime.block_on(crate::support::database::fresh(dir.path()));
    move |args, stdin| console(&db, args, stdin.unwrap_or(""))
}

#[test]
fn user_management_from_the_console() {
    let dir = tempfile::tempdir().unwrap();
    let run = with_db(&dir);
    let (code, out) = run(&["user", "add", "sam", "--role", "operator"], Some("a long enough password\n"));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("created sam (operator)"));
    let (code, out) = run(&["user", "add", "sam"], Some("a long enough password\n"));
    assert_ne!(code, 0);
    assert!(out.contains("already exists"), "{out}");
    let (code, out) = run(&["user", "add", "tim"], Some("short\n"));
    assert_ne!(code, 0);
    assert!(out.contains("at least 12 characters"), "{out}");
    let (code, out) = run(&["user", "add", "tim", "--role", "root"], Some("a long enough password\n"));
    assert_ne!(code, 0);
    assert!(out.contains("viewer, operator or admin"), "{out}");
    let (code, out) = run(&["user", "role", "sam", "admin"], None);
    assert!(code == 0 && out.contains("sam is now admin"), "{out}");
    let (code, out) = run(&["user", "role", "sam", "root"], None);
    assert!(code != 0 && out.contains("viewer, operator or admin"), "{out}");
    assert_ne!(run(&["user", "role", "nobody", "viewer"], None).0, 0);
    assert_eq!(run(&["user", "role", "sam", "operator"], None).0, 0);
    assert_eq!(run(&["user", "disable", "sam"], None).0, 0);
    let (_, list) = run(&["user", "list"], None);
    assert!(list.lines().any(|l| l.starts_with("sam") && l.contains("operator") && l.contains("disabled")), "{list}");
    assert!(!list.contains("argon2"), "hashes are never shown");
    let (code, out) = run(&["user", "passwd", "sam"], Some("another long password\n"));
    assert_eq!(code, 0, "{out}");
    let (_, list) = run(&["user", "list"], None);
    assert!(list.lines().any(|l| l.starts_with("sam") && l.contains("active")), "{list}");
    assert_ne!(run(&["user", "passwd", "nobody"], Some("another long password\n")).0, 0);

    // Every attempted change is in the audit log, by the console's OS user, with its outcome;
    // input refused before anything was tried (an unknown role) is not a change.
    let (code, export) = run(&["audit", "export", "--since", "1d"], None);
    assert_eq!(code, 0, "{export}");
    let changes: Vec<(String, String, String)> = export
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|e| e["action"] == "account_change")
        .map(|e| {
            assert!(e["username"].as_str().unwrap().ends_with("(console)"), "{e}");
            assert_eq!(e["client_addr"], "console", "{e}");
            assert!(!e.to_string().contains("long enough password"), "no password in the log: {e}");
            let text = |k: &str| e[k].as_str().unwrap_or_default().to_owned();
            (text("detail"), text("outcome"), text("error"))
        })
        .collect();
    let summary: Vec<(&str, &str)> = changes.iter().map(|(d, o, _)| (d.as_str(), o.as_str())).collect();
    assert_eq!(
        summary,
        [
            ("add account sam (operator)", "succeeded"),
            ("add account sam (viewer)", "failed"),
            ("add account tim (viewer)", "failed"),
            ("set the role of sam to admin", "succeeded"),
            ("set the role of nobody to viewer", "failed"),
            ("set the role of sam to operator", "succeeded"),
            ("disable account sam", "succeeded"),
            ("set the password of sam (and enable it)", "succeeded"),
            ("set the password of nobody (and enable it)", "failed"),
        ],
        "{export}"
    );
    assert!(changes[1].2.contains("already exists"), "the error is kept: {:?}", changes[1]);
}

/// `user link`: an account and the gateway identity of the same person, one identity to one
/// account, as typed text checked like any other.
#[test]
fn an_account_is_linked_to_one_gateway_identity() {
    let dir = tempfile::tempdir().unwrap();
    let run = with_db(&dir);
    for name in ["sam", "tim"] {
        assert_eq!(run(&["user", "add", name, "--role", "admin"], Some("a long enough password\n")).0, 0);
    }
    let (code, out) = run(&["user", "link", "sam", "--sso", " Sam@Example.com "], None);
    assert!(code == 0 && out.contains("sam@example.com"), "{out}");
    let (code, out) = run(&["user", "link", "tim", "--sso", "SAM@example.com"], None);
    assert!(code != 0 && out.contains("linked to the account sam already"), "{out}");
    let (code, out) = run(&["user", "link", "tim", "--sso", "evil\u{202e}moc.elpmaxe"], None);
    assert!(code != 0 && out.contains("U+202E"), "{out}");
    assert_ne!(run(&["user", "link", "nobody", "--sso", "x@example.com"], None).0, 0);
    let (_, list) = run(&["user", "list"], None);
    assert!(list.lines().any(|l| l.starts_with("sam") && l.ends_with("sam@example.com")), "{list}");
    assert!(list.lines().any(|l| l.starts_with("tim") && l.ends_with(" -")), "{list}");
    assert_eq!(run(&["user", "unlink", "sam"], None).0, 0);
    let (_, list) = run(&["user", "list"], None);
    assert!(list.lines().any(|l| l.starts_with("sam") && l.ends_with(" -")), "{list}");
}
