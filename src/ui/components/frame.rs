use leptos::prelude::*;

use crate::api::info::FrameInfo;
use crate::domain::{DeletionRules, Permission, Staff};
use crate::error::AppError;

/// The frame info (who is signed in, demo mode), fetched once per page load and shared by the
/// header and the pages. Signing in and out are full page loads, so it never goes stale.
#[derive(Clone, Copy)]
pub struct Frame(pub Resource<Result<FrameInfo, AppError>>);

pub fn provide_frame() {
    provide_context(Frame(Resource::new(|| (), |_| crate::api::info::app_info())));
}

pub fn use_frame() -> Frame {
    use_context::<Frame>().expect("the App provides the frame")
}

impl Frame {
    /// Who is signed in, once the frame info has arrived.
    pub async fn staff(self) -> Option<Staff> {
        self.0.await.ok().and_then(|i| i.staff)
    }

    pub async fn deletion_rules(self) -> DeletionRules {
        self.0.await.map(|i| i.deletion_rules).unwrap_or_default()
    }

    pub async fn may(self, p: Permission) -> bool {
        self.staff().await.is_some_and(|s| s.may(p))
    }
}
