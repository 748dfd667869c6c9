//! `meeting-admin evidence public-key` and `evidence verify FILE`: the key comes from
//! EVIDENCE_KEY_FILE or the store, as the server's does.

use crate::server::clock::Clock;
use crate::server::config::{Config, EvidenceCommand};
use crate::server::evidence::key::SigningKey;
use crate::server::evidence::signed::{verify, DELETION_RECORD};
use crate::server::store;

pub async fn run(config: &Config, cmd: EvidenceCommand) -> Result<(), String> {
    let db = store::connect(&config.database, config.pool).await?;
    let key = SigningKey::load(config.evidence_key.clone(), &db, Clock::system().now_ms()).await?;
    match cmd {
        EvidenceCommand::PublicKey => {
            print!("{}", key.public_pem());
            println!("key id: {}", key.key_id());
            Ok(())
        }
        EvidenceCommand::Verify { file } => {
            let bytes = std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let text = String::from_utf8(bytes).map_err(|_| format!("NOT VALID: {} is not a signed record: it is not UTF-8 text", file.display()))?;
            match verify(&text, DELETION_RECORD, key.public()) {
                Ok(record) => {
                    let case = record.pointer("/case/reference").and_then(|v| v.as_str()).unwrap_or("?");
                    println!("valid: the deletion record for case {case}, signed by this deployment's key ({})", key.key_id());
                    Ok(())
                }
                Err(why) => Err(format!("NOT VALID: {}: {why}", file.display())),
            }
        }
    }
}
