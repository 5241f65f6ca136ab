//! Settings from the environment, with defaults that run the site from a fresh clone.

use crate::html_cache::CacheSettings;
use nv_newsletter::weekly::{Schedule, WeeklySettings};
use nv_newsletter::{
    site_domain, DatabaseUrl, DkimSettings, MailIdentity, Pace, SmtpSettings, SmtpTls, DEFAULT_CLAIM_LEASE_SECS,
};
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
    /// The newsletter's database (`NV_DATABASE_URL`): unset, the SQLite file in the data dir;
    /// `postgres://…` for several servers sharing one database.
    pub database: DatabaseUrl,
    /// SMTP server for newsletter mail (`NV_SMTP_*`); without it mail goes to `data/outbox/`.
    pub smtp: Option<SmtpSettings>,
    /// The sender of every mail (`NV_MAIL_FROM`, `Name <address>`; in development
    /// `NourishVibes <newsletter@localhost>`, refused with an `https` site URL).
    pub mail_from: String,
    /// DKIM signing of outgoing mail (`NV_DKIM_KEY_FILE` and `NV_DKIM_SELECTOR`, both or neither).
    pub dkim: Option<DkimSettings>,
    /// Signups allowed per client network per 10 minutes (`NV_SIGNUP_LIMIT`, 0 = off).
    pub signup_limit: usize,
    /// Show drafts and scheduled articles (`NV_SHOW_DRAFTS=true`, for development only).
    pub show_drafts: bool,
    /// Reload content on every change under the content folder and reload open pages
    /// (`NV_WATCH_CONTENT=true`, development: `scripts/run.sh` sets it).
    pub watch_content: bool,
    /// Reverse proxies of our own in front of the server (`NV_TRUSTED_PROXY_HOPS`, default 0):
    /// the rate limiter reads the client address that many entries from the right of
    /// `X-Forwarded-For`. The older `NV_TRUST_FORWARDED_FOR=true` means 1.
    pub trusted_proxy_hops: usize,
    /// The page cache's budget (`NV_PAGE_CACHE_MB`) and whether `x-nv-bypass-cache` is honoured
    /// (`NV_ALLOW_CACHE_BYPASS=true`, for benchmarks only).
    pub page_cache: CacheSettings,
    /// Newsletter delivery rate and concurrency (`NV_MAIL_RATE`, `NV_MAIL_CONCURRENCY`).
    pub mail_pace: Pace,
    /// How long a server holds the outbox mail it claimed (`NV_MAIL_CLAIM_SECS`, default 300):
    /// the mail of a server that dies goes out through another one after at most this.
    pub mail_claim_secs: i64,
    /// When the weekly issue goes out (`NV_NEWSLETTER_SCHEDULE`; `None`: `off`) and the
    /// weekday and time issues are dated by even when off.
    pub newsletter_schedule: (Option<Schedule>, Schedule),
}

impl Config {
    /// The typed settings from those read at start; `address` is the bound address. Every
    /// value it cannot use is reported.
    pub fn from_settings(read: &crate::settings::ReadSettings, address: &str) -> Result<Config, Vec<String>> {
        read.build(|lookup| Config::from_lookup(address, lookup))
    }

    /// Like [`Config::from_env`], reading variables through `lookup`.
    pub fn from_lookup(address: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<Config, String> {
        let var = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        let smtp = match var("NV_SMTP_HOST") {
            None => None,
            Some(host) => {
                let tls = match var("NV_SMTP_TLS").as_deref().unwrap_or("starttls") {
                    "none" => SmtpTls::None,
                    "starttls" => SmtpTls::StartTls,
                    "tls" => SmtpTls::Tls,
                    other => return Err(format!("NV_SMTP_TLS must be none, starttls or tls, not {other:?}")),
                };
                let default_port = match tls {
                    SmtpTls::None => 25,
                    SmtpTls::StartTls => 587,
                    SmtpTls::Tls => 465,
                };
                let port = match var("NV_SMTP_PORT") {
                    None => default_port,
                    Some(port) => {
                        port.parse().map_err(|_| format!("NV_SMTP_PORT must be a port number, not {port:?}"))?
                    }
                };
                Some(SmtpSettings {
                    host,
                    port,
                    username: var("NV_SMTP_USERNAME"),
                    password: var("NV_SMTP_PASSWORD"),
                    tls,
                })
            }
        };
        let signup_limit = match var("NV_SIGNUP_LIMIT") {
            None => 5,
            Some(limit) => {
                limit.parse().map_err(|_| format!("NV_SIGNUP_LIMIT must be a whole number, not {limit:?}"))?
            }
        };
        let trusted_proxy_hops = match (var("NV_TRUSTED_PROXY_HOPS"), var("NV_TRUST_FORWARDED_FOR")) {
            (Some(_), Some(_)) => {
                return Err(
                    "set NV_TRUSTED_PROXY_HOPS only: NV_TRUST_FORWARDED_FOR is its older form (true = 1 hop)".into()
                )
            }
            (Some(hops), None) => match hops.parse::<usize>() {
                Ok(hops) if hops <= 16 => hops,
                _ => {
                    return Err(format!(
                        "NV_TRUSTED_PROXY_HOPS must be the number of proxies in front (0 to 16), not {hops:?}"
                    ))
                }
            },
            (None, Some(old)) => match old.as_str() {
                "false" | "0" => 0,
                "true" | "1" => 1,
                other => {
                    return Err(format!(
                        "NV_TRUST_FORWARDED_FOR must be true or false, not {other:?} (better: NV_TRUSTED_PROXY_HOPS=1)"
                    ))
                }
            },
            (None, None) => 0,
        };
        let show_drafts = match var("NV_SHOW_DRAFTS").as_deref() {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(other) => return Err(format!("NV_SHOW_DRAFTS must be true or false, not {other:?}")),
        };
        let watch_content = match var("NV_WATCH_CONTENT").as_deref() {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(other) => return Err(format!("NV_WATCH_CONTENT must be true or false, not {other:?}")),
        };
        let allow_bypass = match var("NV_ALLOW_CACHE_BYPASS").as_deref() {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(other) => return Err(format!("NV_ALLOW_CACHE_BYPASS must be true or false, not {other:?}")),
        };
        let mut page_cache = CacheSettings { allow_bypass, ..CacheSettings::default() };
        if let Some(megabytes) = var("NV_PAGE_CACHE_MB") {
            let megabytes: usize =
                megabytes.parse().map_err(|_| format!("NV_PAGE_CACHE_MB must be a whole number, not {megabytes:?}"))?;
            page_cache.max_bytes = megabytes.saturating_mul(1024 * 1024);
        }
        let data_dir: PathBuf = var("NV_DATA_DIR").unwrap_or_else(|| "data".into()).into();
        let database = DatabaseUrl::parse(var("NV_DATABASE_URL").as_deref(), &data_dir)?;
        let mail_pace = Pace::from_lookup(|name| var(name))?;
        let mail_claim_secs = match var("NV_MAIL_CLAIM_SECS") {
            None => DEFAULT_CLAIM_LEASE_SECS,
            Some(secs) => match secs.trim().parse::<i64>() {
                Ok(secs) if (5..=86_400).contains(&secs) => secs,
                _ => return Err(format!("NV_MAIL_CLAIM_SECS must be seconds from 5 to 86400, not {secs:?}")),
            },
        };
        let newsletter_schedule = nv_newsletter::weekly::schedule_from_lookup(|name| var(name))?;
        let site_url =
            var("NV_SITE_URL").unwrap_or_else(|| format!("http://{address}")).trim_end_matches('/').to_string();
        let mail_from = mail_sender(var("NV_MAIL_FROM"), &site_url)?;
        let dkim = match (var("NV_DKIM_KEY_FILE"), var("NV_DKIM_SELECTOR")) {
            (None, None) => None,
            (Some(key_file), Some(selector)) => Some(DkimSettings { selector, key_file: key_file.into() }),
            _ => return Err("set both NV_DKIM_KEY_FILE and NV_DKIM_SELECTOR to sign mail with DKIM, or neither".into()),
        };
        Ok(Config {
            mail_pace,
            mail_claim_secs,
            newsletter_schedule,
            page_cache,
            show_drafts,
            watch_content,
            site_url,
            content_dir: var("NV_CONTENT_DIR").unwrap_or_else(|| "content".into()).into(),
            data_dir,
            database,
            smtp,
            mail_from,
            dkim,
            signup_limit,
            trusted_proxy_hops,
        })
    }
}

impl Config {
    /// The sender, the site's domain for message ids and the DKIM key, read once: a bad key
    /// file stops the start instead of the first mail.
    pub fn mail_identity(&self) -> Result<MailIdentity, String> {
        MailIdentity::new(&self.mail_from, &self.site_url, self.dkim.as_ref())
    }

    /// The weekly issue's settings: one place for start-up (preview, scheduler) and the commands.
    pub fn weekly_settings(&self) -> WeeklySettings {
        WeeklySettings {
            content_dir: self.content_dir.clone(),
            site_url: self.site_url.clone(),
            schedule: self.newsletter_schedule.0,
            send_time: self.newsletter_schedule.1,
        }
    }
}

/// The development sender, refused for a site served over `https` (a real deployment).
const DEVELOPMENT_SENDER: &str = "NourishVibes <newsletter@localhost>";

/// `NV_MAIL_FROM`, or the development sender. A public site (an `https` URL) must name a sender
/// at a real domain: mail from `localhost` is refused or filed as spam by every provider.
fn mail_sender(from: Option<String>, site_url: &str) -> Result<String, String> {
    let public = site_url.starts_with("https://");
    let Some(from) = from else {
        if public {
            return Err(format!(
                "NV_MAIL_FROM is not set: a site at {site_url} must send its mail from an address at its own \
                 domain, e.g. NV_MAIL_FROM=\"NourishVibes <newsletter@{}>\"",
                site_domain(site_url)
            ));
        }
        return Ok(DEVELOPMENT_SENDER.into());
    };
    let address = from.rsplit_once('<').map_or(from.as_str(), |(_, rest)| rest.trim_end_matches('>')).trim();
    let domain = address.rsplit_once('@').map(|(_, domain)| domain.to_ascii_lowercase()).unwrap_or_default();
    let local = domain == "localhost" || domain.ends_with(".localhost") || !domain.contains('.');
    if public && local {
        return Err(format!(
            "NV_MAIL_FROM {from:?} is not at a public domain: a site at {site_url} must send its mail from an \
             address at its own domain (providers refuse mail from {domain:?})"
        ));
    }
    Ok(from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, String> {
        Config::from_lookup("127.0.0.1:3000", |name| {
            vars.iter().find(|(key, _)| *key == name).map(|(_, value)| value.to_string())
        })
    }

    #[test]
    fn defaults_run_without_any_variable() {
        let config = config(&[]).unwrap();
        assert_eq!(config.site_url, "http://127.0.0.1:3000");
        assert!(config.smtp.is_none());
        assert_eq!(config.signup_limit, 5);
        assert_eq!(config.trusted_proxy_hops, 0);
        assert!(!config.page_cache.allow_bypass, "the bypass header is ignored unless asked for");
    }

    #[test]
    fn proxy_hops_and_their_older_spelling() {
        assert_eq!(config(&[("NV_TRUSTED_PROXY_HOPS", "2")]).unwrap().trusted_proxy_hops, 2);
        assert_eq!(config(&[("NV_TRUST_FORWARDED_FOR", "true")]).unwrap().trusted_proxy_hops, 1);
        assert_eq!(config(&[("NV_TRUST_FORWARDED_FOR", "false")]).unwrap().trusted_proxy_hops, 0);
        for bad in ["-1", "two", "99"] {
            assert!(config(&[("NV_TRUSTED_PROXY_HOPS", bad)]).unwrap_err().contains("NV_TRUSTED_PROXY_HOPS"), "{bad}");
        }
        let both = config(&[("NV_TRUSTED_PROXY_HOPS", "1"), ("NV_TRUST_FORWARDED_FOR", "true")]).unwrap_err();
        assert!(both.contains("NV_TRUSTED_PROXY_HOPS only"), "{both}");
    }

    #[test]
    fn the_database_and_the_mail_claim() {
        let config_of = |vars: &[(&str, &str)]| config(vars).unwrap();
        let default = config_of(&[("NV_DATA_DIR", "/srv/nv")]);
        assert_eq!(default.database, DatabaseUrl::Sqlite(PathBuf::from("/srv/nv/nourishvibes.sqlite3")));
        assert_eq!(default.mail_claim_secs, 300);
        let url = "postgres://nv:secret@db.internal/nv";
        assert_eq!(config_of(&[("NV_DATABASE_URL", url)]).database, DatabaseUrl::Postgres(url.into()));
        assert!(config(&[("NV_DATABASE_URL", "mysql://db/nv")]).unwrap_err().contains("NV_DATABASE_URL"));
        assert_eq!(config_of(&[("NV_MAIL_CLAIM_SECS", "30")]).mail_claim_secs, 30);
        for bad in ["0", "4", "soon", "100000"] {
            assert!(config(&[("NV_MAIL_CLAIM_SECS", bad)]).unwrap_err().contains("NV_MAIL_CLAIM_SECS"), "{bad}");
        }
    }

    #[test]
    fn the_weekly_settings_follow_the_schedule() {
        let friday = Schedule::parse("fri 16:30").unwrap();
        let weekly = config(&[("NV_NEWSLETTER_SCHEDULE", "fri 16:30"), ("NV_CONTENT_DIR", "/srv/content")])
            .unwrap()
            .weekly_settings();
        assert_eq!((weekly.schedule, weekly.send_time), (friday, friday.unwrap()));
        assert_eq!(
            (weekly.content_dir, weekly.site_url),
            (PathBuf::from("/srv/content"), "http://127.0.0.1:3000".into())
        );
        let off = config(&[("NV_NEWSLETTER_SCHEDULE", "off")]).unwrap().weekly_settings();
        assert_eq!((off.schedule, off.send_time), (None, Schedule::default()), "dated by the default when off");
    }

    #[test]
    fn page_cache_settings() {
        let cache = config(&[("NV_ALLOW_CACHE_BYPASS", "true"), ("NV_PAGE_CACHE_MB", "64")]).unwrap().page_cache;
        assert!(cache.allow_bypass);
        assert_eq!(cache.max_bytes, 64 * 1024 * 1024);
        assert!(config(&[("NV_ALLOW_CACHE_BYPASS", "yes")]).unwrap_err().contains("NV_ALLOW_CACHE_BYPASS"));
        assert!(config(&[("NV_PAGE_CACHE_MB", "lots")]).unwrap_err().contains("NV_PAGE_CACHE_MB"));
    }

    #[test]
    fn a_public_site_needs_a_sender_at_a_real_domain() {
        assert_eq!(config(&[]).unwrap().mail_from, "NourishVibes <newsletter@localhost>");
        let public = ("NV_SITE_URL", "https://nourishvibes.example");
        let error = config(&[public]).unwrap_err();
        assert!(
            error.contains("NV_MAIL_FROM is not set") && error.contains("newsletter@nourishvibes.example"),
            "{error}"
        );
        for local in ["NV <newsletter@localhost>", "news@mail.localhost", "news@intranet"] {
            let error = config(&[public, ("NV_MAIL_FROM", local)]).unwrap_err();
            assert!(error.contains("not at a public domain"), "{local}: {error}");
        }
        let fine = config(&[public, ("NV_MAIL_FROM", "NourishVibes <news@nourishvibes.example>")]).unwrap();
        assert_eq!(fine.mail_from, "NourishVibes <news@nourishvibes.example>");
        assert!(config(&[("NV_DKIM_SELECTOR", "mail")]).unwrap_err().contains("NV_DKIM_KEY_FILE"));
    }

    #[test]
    fn smtp_settings_and_their_errors() {
        let smtp = config(&[("NV_SMTP_HOST", "mail.example"), ("NV_SMTP_TLS", "tls")]).unwrap().smtp.unwrap();
        assert_eq!((smtp.port, smtp.tls), (465, SmtpTls::Tls));
        let error = config(&[("NV_SMTP_HOST", "mail.example"), ("NV_SMTP_TLS", "maybe")]).unwrap_err();
        assert!(error.contains("NV_SMTP_TLS"), "{error}");
        assert!(config(&[("NV_SMTP_HOST", "m"), ("NV_SMTP_PORT", "x")]).unwrap_err().contains("NV_SMTP_PORT"));
        assert!(config(&[("NV_SIGNUP_LIMIT", "-1")]).unwrap_err().contains("NV_SIGNUP_LIMIT"));
    }
}
