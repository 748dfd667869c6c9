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
