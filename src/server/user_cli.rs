//! `meeting-admin user ...`: account management from the console, the only place it happens.

use std::io::{BufRead, IsTerminal};

use super::auth::users::{self, Username};
use super::config::{Config, UserCommand};
use super::db;
use crate::domain::Role;

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
    let pool = db::connect(&config.database_url).await?;
    match cmd {
        UserCommand::Add { name, role } => {
            let name = Username::parse(&name)?;
            let role = Role::parse(&role)?;
            let password = read_password(name.as_str())?;
            users::add(&pool, &name, role, &password).await.map_err(|e| e.to_string())?;
            println!("created {} ({role})", name.as_str());
        }
        UserCommand::Passwd { name } => {
            let password = read_password(&name)?;
            users::set_password(&pool, &name, &password).await.map_err(|e| e.to_string())?;
            println!("password changed for {name}");
        }
        UserCommand::Disable { name } => {
            users::disable(&pool, &name).await.map_err(|e| e.to_string())?;
            println!("disabled {name}; their sessions end at their next request");
        }
        UserCommand::List => {
            println!("{:<24} {:<9} {:<9} created (UTC)", "username", "role", "state");
            for u in users::list(&pool).await.map_err(|e| e.to_string())? {
                let state = if u.disabled { "disabled" } else { "active" };
                println!("{:<24} {:<9} {:<9} {}", u.username, u.role.as_str(), state, crate::domain::format_utc(u.created_at));
            }
        }
    }
    Ok(())
}
