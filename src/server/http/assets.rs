//! The addresses of the wasm, JS and CSS files every page asks for.
//!
//! A release build names them by content hash (cargo-leptos `hash-files`) and writes the hashes
//! to `hash.txt` beside the binary, so they are cached for good (`Cache-Control: immutable`) and
//! a new release never meets an old cached copy. A page must never ask its replica for a file
//! the replica lacks, so startup checks that every named file is in the site directory: a binary
//! deployed without its `hash.txt`, or beside another build's site, refuses to start.

use std::path::Path;
use std::sync::OnceLock;

/// The command palette's plain script (`public/palette.js`): unhashed, so checked with the
/// server on every use (`caching`), and public like the favicon (nothing in it is private).
pub const PALETTE_SCRIPT: &str = "/palette.js";

/// The output name in `Cargo.toml` (`[package.metadata.leptos] output-name`).
const OUTPUT: &str = "meeting-admin";
/// Under the site root.
const PKG: &str = "pkg";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetNames {
    /// Absolute paths, e.g. `/pkg/meeting-admin.AbC123.js`.
    pub js: String,
    pub wasm: String,
    pub css: String,
    /// Whether the names carry content hashes (and so may be cached for good).
    pub hashed: bool,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AssetError {
    #[error("cannot read {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("{path} names no hash for the {kind} file (expected a line \"{kind}: HASH\")")]
    Missing { path: String, kind: &'static str },
    #[error("{path} names {file}, which the site directory does not have; deploy the binary, its hash.txt and the site from one build")]
    NotInSite { path: String, file: String },
}

static NAMES: OnceLock<AssetNames> = OnceLock::new();

/// The names this process serves; the plain ones until `init` has run (tests without a build).
pub fn names() -> &'static AssetNames {
    NAMES.get_or_init(AssetNames::plain)
}

/// Reads `hash.txt` beside the running binary, if there is one, and checks the site has every
/// file it names. Without it the plain names are served (a development build).
pub fn init(site_root: &Path) -> Result<&'static AssetNames, AssetError> {
    let hash_file = std::env::current_exe().ok().and_then(|p| p.parent().map(|d| d.join("hash.txt")));
    let names = match hash_file.filter(|p| p.exists()) {
        None => AssetNames::plain(),
        Some(path) => {
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(&path).map_err(|e| AssetError::Unreadable { path: shown.clone(), reason: e.to_string() })?;
            let names = AssetNames::from_hashes(&text, &shown)?;
            names.check_in(site_root, &shown)?;
            names
        }
    };
    Ok(NAMES.get_or_init(|| names))
}

impl AssetNames {
    pub fn plain() -> Self {
        Self {
            js: format!("/{PKG}/{OUTPUT}.js"),
            wasm: format!("/{PKG}/{OUTPUT}.wasm"),
            css: format!("/{PKG}/{OUTPUT}.css"),
            hashed: false,
        }
    }

    /// From cargo-leptos' `hash.txt`: lines `js: HASH`, `wasm: HASH`, `css: HASH`.
    pub fn from_hashes(text: &str, path: &str) -> Result<Self, AssetError> {
        let hash = |kind: &'static str| {
            text.lines()
                .filter_map(|l| l.split_once(':'))
                .find(|(k, v)| k.trim() == kind && !v.trim().is_empty())
                .map(|(_, v)| format!("/{PKG}/{OUTPUT}.{}.{kind}", v.trim()))
                .ok_or(AssetError::Missing { path: path.to_owned(), kind })
        };
        Ok(Self { js: hash("js")?, wasm: hash("wasm")?, css: hash("css")?, hashed: true })
    }

    fn check_in(&self, site_root: &Path, path: &str) -> Result<(), AssetError> {
        for file in [&self.js, &self.wasm, &self.css] {
            if !site_root.join(file.trim_start_matches('/')).is_file() {
                return Err(AssetError::NotInSite { path: path.to_owned(), file: file.clone() });
            }
        }
        Ok(())
    }

    /// Whether a request path is one of the hashed files, which never change under their name.
    pub fn is_immutable(&self, path: &str) -> bool {
        self.hashed && [&self.js, &self.wasm, &self.css].into_iter().any(|f| f == path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASHES: &str = "js: AbC-1_x\nwasm: Zz9\ncss: Qq7\n";

    #[test]
    fn reads_cargo_leptos_hash_file() {
        let n = AssetNames::from_hashes(HASHES, "hash.txt").unwrap();
        assert_eq!(n.js, "/pkg/meeting-admin.AbC-1_x.js");
        assert_eq!(n.wasm, "/pkg/meeting-admin.Zz9.wasm");
        assert_eq!(n.css, "/pkg/meeting-admin.Qq7.css");
        assert!(n.hashed);
    }

    #[test]
    fn a_missing_line_is_named() {
        let e = AssetNames::from_hashes("js: a\nwasm: b\n", "/app/hash.txt").unwrap_err();
        assert_eq!(e, AssetError::Missing { path: "/app/hash.txt".into(), kind: "css" });
        assert!(e.to_string().contains("css: HASH"));
    }

    #[test]
    fn every_named_file_must_be_in_the_site() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir(site.path().join("pkg")).unwrap();
        let n = AssetNames::from_hashes(HASHES, "hash.txt").unwrap();
        for f in ["meeting-admin.AbC-1_x.js", "meeting-admin.Zz9.wasm"] {
            std::fs::write(site.path().join("pkg").join(f), "x").unwrap();
        }
        let e = n.check_in(site.path(), "hash.txt").unwrap_err();
        assert_eq!(e, AssetError::NotInSite { path: "hash.txt".into(), file: "/pkg/meeting-admin.Qq7.css".into() });
        std::fs::write(site.path().join("pkg/meeting-admin.Qq7.css"), "x").unwrap();
        assert_eq!(n.check_in(site.path(), "hash.txt"), Ok(()));
    }

    #[test]
    fn only_hashed_files_are_immutable() {
        let n = AssetNames::from_hashes(HASHES, "hash.txt").unwrap();
        assert!(n.is_immutable("/pkg/meeting-admin.Zz9.wasm"));
        assert!(!n.is_immutable("/favicon.svg"));
        assert!(!AssetNames::plain().is_immutable("/pkg/meeting-admin.wasm"));
    }
}
