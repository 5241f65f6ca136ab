//! Settings from the environment, with defaults that run the site from a fresh clone.

use std::path::PathBuf;

/// Where things are and how the site is reached.
#[derive(Clone, Debug)]
pub struct Config {
    /// Absolute base URL for canonical links (`NV_SITE_URL`, default `http://{address}`).
    pub site_url: String,
    /// Folder with `articles/`, `images/`, `authors.toml`, `tips.toml`, `site.toml` (`NV_CONTENT_DIR`).
    pub content_dir: PathBuf,
    /// Folder for the SQLite database and other runtime data (`NV_DATA_DIR`).
    pub data_dir: PathBuf,
}

impl Config {
    /// Reads `NV_SITE_URL`, `NV_CONTENT_DIR` and `NV_DATA_DIR`; `address` is the bound address.
    pub fn from_env(address: &str) -> Config {
        let var = |name: &str| std::env::var(name).ok().filter(|value| !value.trim().is_empty());
        Config {
            site_url: var("NV_SITE_URL")
                .unwrap_or_else(|| format!("http://{address}"))
                .trim_end_matches('/')
                .to_string(),
            content_dir: var("NV_CONTENT_DIR").unwrap_or_else(|| "content".into()).into(),
            data_dir: var("NV_DATA_DIR").unwrap_or_else(|| "data".into()).into(),
        }
    }
}
