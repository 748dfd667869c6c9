//! `meeting-admin user ...`: account management from the console, the only place it happens.

use std::future::Future;
use std::io::{BufRead, IsTerminal};

use crate::server::audit::{AuditLog, Completion, Intent};
use crate::server::clock::Clock;
use crate::server::auth::users::{self, Username};
use crate::server::config::{Config, UserCommand};
use crate::server::store;
use crate::server::secret::Secret;
use crate::domain::{AuditAction, Outcome, Role};

/// Who ran the command. The console has no session, so the entry names the OS account, and the
/// one behind `sudo` when there is one.
fn console_operator() -> String {
    let user = std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_else(|_| "unknown".into());
    match std::env::var("SUDO_USER") {
        Ok(sudo) if sudo != user => format!("{sudo} as {user} (console)"),
        _ => format!("{user} (console)"),
    }
}

/// An account change, audited like a change made in the browser: the intent is written first
/// (when it cannot be, nothing is changed), then the outcome.
async fn audited<T, E: std::fmt::Display>(
    log: &AuditLog,
    detail: String,
    change: impl Future<Output = Result<T, E>>,
) -> Result<T, String> {
    let intent = Intent {
        actor: None,
        claimed_user: Some(console_operator()),
        client_addr: "console".into(),
        action: AuditAction::AccountChange,
        meeting_id: None,
        reason: None,
        detail: Some(detail),
        request_id: format!("cli-{}", uuid::Uuid::new_v4()),
    };
    let entry = log.begin(&intent).await.map_err(|e| format!("cannot write the audit log, so nothing was changed: {e}"))?;
    let result = change.await;
    let done = match &result {
        Ok(_) => Completion::new(Outcome::Succeeded),
        Err(e) => Completion::new(Outcome::Failed).error(e),
    };
    log.complete(&entry, &done).await;
    result.map_err(|e| e.to_string())
}

/// The password from a prompt (typed twice, not echoed) or the first line of stdin.
fn read_password(for_whom: &str) -> Result<String, String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("New password for {for_whom}: ")).map_err(|e| e.to_string())?;
        let again = rpassword::prompt_password("Repeat it: ").map_err(|e| e.to_string())?;
        if first != again {
            return Err("the two passwords differ".into());
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| format!("cannot read the password from stdin: {e}"))?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

pub async fn run(config: &Config, cmd: UserCommand) -> Result<(), String> {
    let pool = store::connect(&config.database, config.pool).await?;
    // Account details are ours, never the vendor's: there is no key to scrub from them.
    let clock = Clock::system();
    let log = AuditLog::new(pool.clone(), Secret::new(""), clock.clone());
    match cmd {
        UserCommand::Add { name, role } => {
            let name = Username::parse(&name)?;
            let role = Role::parse(&role)?;
            let password = read_password(name.as_str())?;
            let detail = format!("add account {} ({role})", name.as_str());
            audited(&log, detail, users::add(&pool, &clock, &name, role, &password)).await?;
            println!("created {} ({role})", name.as_str());
        }
        UserCommand::Passwd { name } => {
            let password = read_password(&name)?;
            let detail = format!("set the password of {name} (and enable it)");
            audited(&log, detail, users::set_password(&pool, &clock, &name, &password)).await?;
            println!("password changed for {name}; their earlier sessions are ended");
        }
        UserCommand::Role { name, role } => {
            let role = Role::parse(&role)?;
            let detail = format!("set the role of {name} to {role}");
            audited(&log, detail, users::set_role(&pool, &clock, &name, role)).await?;
            println!("{name} is now {role}, from their next request");
        }
        UserCommand::Disable { name } => {
            let detail = format!("disable account {name}");
            audited(&log, detail, users::disable(&pool, &clock, &name)).await?;
            println!("disabled {name}; their sessions end at their next request");
        }
        UserCommand::Link { name, sso: Some(sso), .. } => {
            let detail = format!("link account {name} to the gateway identity {}", crate::domain::visible(&sso, 256));
            audited(&log, detail, users::link(&pool, &clock, &name, Some(&sso))).await?;
            println!("{name} and the gateway identity {} are one person for two-person approval", sso.trim().to_lowercase());
        }
        UserCommand::Link { name, oidc_subject, .. } => {
            let raw = oidc_subject.unwrap_or_default();
            let detail = format!("link account {name} to the provider subject {}", crate::domain::visible(&raw, 300));
            audited(&log, detail, users::link_subject(&pool, &clock, &name, Some(&raw))).await?;
            println!("{name} and {} are one person for two-person approval", raw.trim());
        }
        UserCommand::Unlink { name } => {
            let detail = format!("unlink account {name} from its gateway identity and provider subject");
            audited(&log, detail, async { users::link(&pool, &clock, &name, None).await?; users::link_subject(&pool, &clock, &name, None).await }).await?;
            println!("{name} is linked to no gateway identity or provider subject");
        }
        UserCommand::List => {
            println!("{:<24} {:<9} {:<9} {:<20} gateway identity", "username", "role", "state", "created (UTC)");
            for u in users::list(&pool).await.map_err(|e| e.to_string())? {
                let state = if u.disabled { "disabled" } else { "active" };
                let created = crate::domain::format_utc(u.created_at);
                println!("{:<24} {:<9} {:<9} {:<20} {}", u.username, u.role.as_str(), state, created, u.sso_identity.as_deref().unwrap_or("-"));
            }
        }
    }
    Ok(())
}
