//! Meetings become known here, since the vendor cannot list them: created here, opened here,
//! named in a bulk list, or tracked from the Retention page. Each is listed by the inventory at
//! once, then on its schedule.

use crate::domain::MeetingId;
use crate::server::store::{on_pool, Store};

/// How a meeting became known (the first way wins; a host given later is kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Source {
    Created,
    Opened,
    Bulk,
    Tracked,
}

impl Source {
    pub const ALL: [Self; 4] = [Self::Created, Self::Opened, Self::Bulk, Self::Tracked];

    pub fn label(self) -> &'static str {
        match self {
            Self::Created => "created here",
            Self::Opened => "opened here",
            Self::Bulk => "named in a bulk list",
            Self::Tracked => "tracked by hand",
        }
    }
}

/// Rows per INSERT: far under either backend's limit on bound values.
const CHUNK: usize = 200;

/// Notes meetings as known; how many were new.
pub async fn note(db: &Store, ids: &[MeetingId], source: Source, host: Option<u64>, now_ms: i64) -> Result<u64, sqlx::Error> {
    let source: &'static str = source.into();
    let host = host.and_then(|h| i64::try_from(h).ok());
    let mut added = 0;
    for chunk in ids.chunks(CHUNK) {
        let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 4)).collect();
        let values: Vec<String> = marks.iter().map(|m| format!("({m}, $1, $2, $3, $3)")).collect();
        let insert = format!(
            "INSERT INTO known_meetings (meeting_id, host_id, source, known_at_ms, next_inventory_ms) VALUES {} \
             ON CONFLICT (meeting_id) DO NOTHING RETURNING meeting_id",
            values.join(", ")
        );
        // A host learnt later (a meeting opened first, then tracked with its host) is kept.
        let later_marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
        let host_later = format!("UPDATE known_meetings SET host_id = $1 WHERE host_id IS NULL AND meeting_id IN ({})", later_marks.join(", "));
        on_pool!(db, pool => {
            let mut tx = pool.begin().await?;
            let mut q = sqlx::query_scalar::<_, String>(&insert).bind(host).bind(source).bind(now_ms);
            for id in chunk {
                q = q.bind(id.as_str());
            }
            added += q.fetch_all(&mut *tx).await?.len() as u64;
            if host.is_some() {
                let mut q = sqlx::query(&host_later).bind(host);
                for id in chunk {
                    q = q.bind(id.as_str());
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
    }
    Ok(added)
}

/// Notes one meeting, logging rather than failing: knowing it is a side effect of the
/// request that met it, which has done its work.
pub async fn note_one(db: &Store, id: &MeetingId, source: Source, host: Option<u64>, now_ms: i64) {
    if let Err(e) = note(db, std::slice::from_ref(id), source, host, now_ms).await {
        tracing::warn!(error = %e, meeting_id = %id, "cannot note a meeting for retention; the next view notes it");
    }
}
