//! Every setting the server reads, in one place: each is a command-line flag and an environment
//! variable with its default and meaning, so `server --help` is the reference. Values are read
//! here once; [`crate::config::Config`] and [`crate::serve::ServeSettings`] turn them into typed
//! settings, and nothing else reads the environment.

use clap::parser::ValueSource;
use clap::{ArgMatches, Args};
use std::collections::BTreeMap;

/// The settings, as flags (`--site-url`) or variables (`NV_SITE_URL`); a flag wins.
#[derive(Args, Debug, Clone, Default)]
pub struct Settings {
    /// Address and port to listen on.
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000", global = true, help_heading = "Site")]
    pub site_addr: Option<String>,
    /// Public base URL for canonical and share links, the origin forms must come from, and (https)
    /// Strict-Transport-Security. Default: http://{LEPTOS_SITE_ADDR}.
    #[arg(long, env = "NV_SITE_URL", value_name = "URL", global = true, help_heading = "Site")]
    pub site_url: Option<String>,
    /// Built assets (/pkg/*, files from public/).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site", global = true, help_heading = "Site")]
    pub site_root: Option<String>,
    /// DEV or PROD (production: warns when no mail can be sent).
    #[arg(long, env = "LEPTOS_ENV", default_value = "DEV", global = true, help_heading = "Site")]
    pub leptos_env: Option<String>,
    /// Folder with articles, images, authors, tips and site texts.
    #[arg(long, env = "NV_CONTENT_DIR", default_value = "content", global = true, help_heading = "Site")]
    pub content_dir: Option<String>,
    /// Folder for runtime data: the SQLite database, mail files without SMTP, the content cache,
    /// derived images. Created on first run; must be writable.
    #[arg(long, env = "NV_DATA_DIR", default_value = "data", global = true, help_heading = "Site")]
    pub data_dir: Option<String>,
    /// Show drafts and scheduled articles, with a notice (development).
    #[arg(long, env = "NV_SHOW_DRAFTS", default_value = "false", global = true, help_heading = "Site")]
    pub show_drafts: Option<String>,
    /// Reload the content on every change and reload open pages (development).
    #[arg(long, env = "NV_WATCH_CONTENT", default_value = "false", global = true, help_heading = "Site")]
    pub watch_content: Option<String>,
    /// Memory for rendered pages, feeds and search pages, in MiB.
    #[arg(long, env = "NV_PAGE_CACHE_MB", default_value = "256", global = true, help_heading = "Site")]
    pub page_cache_mb: Option<String>,
    /// Honour the x-nv-bypass-cache request header (bench/run only, never in production).
    #[arg(long, env = "NV_ALLOW_CACHE_BYPASS", default_value = "false", global = true, help_heading = "Site")]
    pub allow_cache_bypass: Option<String>,
    /// Log filter, e.g. info or warn,app=debug.
    #[arg(long = "log", env = "RUST_LOG", default_value = "info", global = true, help_heading = "Operations")]
    pub log: Option<String>,
    /// Log lines as text (colours only on a terminal) or json (one object per line, for log
    /// shippers).
    #[arg(long, env = "NV_LOG_FORMAT", default_value = "text", global = true, help_heading = "Operations")]
    pub log_format: Option<String>,
    /// Address for the Prometheus metrics listener (e.g. 127.0.0.1:9464), apart from the site;
    /// unset: no metrics.
    #[arg(long, env = "NV_METRICS_ADDR", value_name = "ADDR", global = true, help_heading = "Operations")]
    pub metrics_addr: Option<String>,

    /// The newsletter's database: unset or sqlite:// for the SQLite file in the data dir,
    /// sqlite:///path for another file, postgres://user:password@host/name for several servers.
    #[arg(
        long,
        env = "NV_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true,
        global = true,
        help_heading = "Database"
    )]
    pub database_url: Option<String>,

    /// SMTP server for newsletter mail; unset: each mail is written to {NV_DATA_DIR}/outbox/*.eml.
    #[arg(long, env = "NV_SMTP_HOST", global = true, help_heading = "Mail")]
    pub smtp_host: Option<String>,
    /// SMTP port. Default: 587 (starttls), 465 (tls), 25 (none).
    #[arg(long, env = "NV_SMTP_PORT", global = true, help_heading = "Mail")]
    pub smtp_port: Option<String>,
    /// starttls, tls (implicit) or none.
    #[arg(long, env = "NV_SMTP_TLS", default_value = "starttls", global = true, help_heading = "Mail")]
    pub smtp_tls: Option<String>,
    /// SMTP login name.
    #[arg(long, env = "NV_SMTP_USERNAME", global = true, help_heading = "Mail")]
    pub smtp_username: Option<String>,
    /// SMTP password (never printed).
    #[arg(long, env = "NV_SMTP_PASSWORD", hide_env_values = true, global = true, help_heading = "Mail")]
    pub smtp_password: Option<String>,
    /// Sender of every mail, "Name <address>". Required with an https site URL; in development
    /// NourishVibes <newsletter@localhost>.
    #[arg(long, env = "NV_MAIL_FROM", global = true, help_heading = "Mail")]
    pub mail_from: Option<String>,
    /// DKIM: an RSA private key in PEM (PKCS#1 or PKCS#8); set with NV_DKIM_SELECTOR.
    #[arg(long, env = "NV_DKIM_KEY_FILE", value_name = "FILE", global = true, help_heading = "Mail")]
    pub dkim_key_file: Option<String>,
    /// DKIM selector: the public key is at {selector}._domainkey.{sender's domain}.
    #[arg(long, env = "NV_DKIM_SELECTOR", global = true, help_heading = "Mail")]
    pub dkim_selector: Option<String>,
    /// When the weekly issue goes out: a weekday and a UTC time (fri 16:30), or off.
    #[arg(long, env = "NV_NEWSLETTER_SCHEDULE", default_value = "mon 07:00", global = true, help_heading = "Mail")]
    pub newsletter_schedule: Option<String>,
    /// Mails per second at most; 0 = no limit.
    #[arg(long, env = "NV_MAIL_RATE", default_value = "10", global = true, help_heading = "Mail")]
    pub mail_rate: Option<String>,
    /// Mails sent at once, each on its own pooled SMTP connection (1 to 64).
    #[arg(long, env = "NV_MAIL_CONCURRENCY", default_value = "4", global = true, help_heading = "Mail")]
    pub mail_concurrency: Option<String>,
    /// Seconds a server holds the outbox mail it claimed (5 to 86400).
    #[arg(long, env = "NV_MAIL_CLAIM_SECS", default_value = "300", global = true, help_heading = "Mail")]
    pub mail_claim_secs: Option<String>,

    /// Signups per client network per 10 minutes; 0 = no limit.
    #[arg(long, env = "NV_SIGNUP_LIMIT", default_value = "5", global = true, help_heading = "Signups")]
    pub signup_limit: Option<String>,
    /// Reverse proxies of your own in front: the client address is read that many entries from
    /// the right of X-Forwarded-For (0: the peer address).
    #[arg(long, env = "NV_TRUSTED_PROXY_HOPS", default_value = "0", global = true, help_heading = "Signups")]
    pub trusted_proxy_hops: Option<String>,
    /// Older form of NV_TRUSTED_PROXY_HOPS (true = 1); do not set both.
    #[arg(long, env = "NV_TRUST_FORWARDED_FOR", global = true, help_heading = "Signups")]
    pub trust_forwarded_for: Option<String>,

    /// A request head must arrive within this many seconds.
    #[arg(long, env = "NV_HEADER_TIMEOUT_SECS", default_value = "10", global = true, help_heading = "Connections")]
    pub header_timeout_secs: Option<String>,
    /// Seconds a connection may sit with nothing moving.
    #[arg(long, env = "NV_IDLE_TIMEOUT_SECS", default_value = "10", global = true, help_heading = "Connections")]
    pub idle_timeout_secs: Option<String>,
    /// A request body must arrive within this many seconds after its head.
    #[arg(long, env = "NV_BODY_TIMEOUT_SECS", default_value = "10", global = true, help_heading = "Connections")]
    pub body_timeout_secs: Option<String>,
    /// Connections open at once. Default: 10000, less if the open-files limit is lower.
    #[arg(long, env = "NV_MAX_CONNECTIONS", global = true, help_heading = "Connections")]
    pub max_connections: Option<String>,
    /// Seconds for requests in flight, the last signups and the mail in hand on SIGTERM.
    #[arg(long, env = "NV_SHUTDOWN_TIMEOUT_SECS", default_value = "10", global = true, help_heading = "Connections")]
    pub shutdown_timeout_secs: Option<String>,
}

/// Where a setting's value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Not given: the default applies.
    Default,
    /// An environment variable.
    Environment,
    /// A command-line flag.
    Flag,
}

/// One setting as read: its variable, flag, value and source.
#[derive(Clone, Debug)]
pub struct Setting {
    /// The environment variable, e.g. `NV_SITE_URL`.
    pub variable: String,
    /// The flag, e.g. `--site-url`.
    pub flag: String,
    /// The value given, or the default (`None`: no static default).
    pub value: Option<String>,
    /// Where the value came from.
    pub source: Source,
    /// Whether the value is a secret (never printed).
    pub secret: bool,
}

/// A command line of the settings alone: the flags and variables every command of `server`
/// takes (its `Cli` flattens [`Settings`] in as global flags).
fn settings_command() -> clap::Command {
    Settings::augment_args(clap::Command::new("server"))
}

/// The settings as read from flags and the environment, by variable name.
#[derive(Clone, Debug, Default)]
pub struct ReadSettings {
    settings: BTreeMap<String, Setting>,
}

impl ReadSettings {
    /// Reads every setting of the command line's [`Settings`] from `matches`.
    pub fn from_matches(matches: &ArgMatches) -> ReadSettings {
        let command = settings_command();
        let mut settings = BTreeMap::new();
        for arg in command.get_arguments() {
            let Some(variable) = arg.get_env().and_then(|name| name.to_str()).map(str::to_string) else { continue };
            let id = arg.get_id().as_str();
            let source = match matches.value_source(id) {
                Some(ValueSource::CommandLine) => Source::Flag,
                Some(ValueSource::EnvVariable) => Source::Environment,
                _ => Source::Default,
            };
            let value = matches.get_one::<String>(id).cloned();
            let flag = format!("--{}", arg.get_long().unwrap_or(id));
            let secret = arg.is_hide_env_values_set();
            settings.insert(variable.clone(), Setting { variable, flag, value, source, secret });
        }
        ReadSettings { settings }
    }

    /// Settings from `pairs` of variable and value, the rest at their defaults (tests).
    pub fn from_pairs(pairs: &[(&str, &str)]) -> ReadSettings {
        let args = pairs.iter().flat_map(|(variable, value)| {
            let flag = settings_command()
                .get_arguments()
                .find(|arg| arg.get_env().is_some_and(|env| env == *variable))
                .and_then(|arg| arg.get_long().map(str::to_string))
                .unwrap_or_else(|| panic!("{variable} is not a setting"));
            [format!("--{flag}={value}")]
        });
        let matches = settings_command()
            .ignore_errors(false)
            .try_get_matches_from(std::iter::once("server".to_string()).chain(args))
            .unwrap_or_else(|error| panic!("{error}"));
        ReadSettings::from_matches(&matches)
    }

    /// The value given for `variable` (flag or environment), `None` when it was left at its
    /// default: the typed settings apply the defaults themselves.
    pub fn given(&self, variable: &str) -> Option<String> {
        self.settings
            .get(variable)
            .filter(|setting| setting.source != Source::Default)
            .and_then(|setting| setting.value.clone())
            .filter(|value| !value.trim().is_empty())
    }

    /// Every setting, by variable name.
    pub fn all(&self) -> impl Iterator<Item = &Setting> {
        self.settings.values()
    }

    /// Builds a typed value with `build`, reporting every bad setting rather than the first: after
    /// an error, the setting it names is taken back to its default and `build` tried again.
    pub fn build<T>(
        &self,
        build: impl Fn(&dyn Fn(&str) -> Option<String>) -> Result<T, String>,
    ) -> Result<T, Vec<String>> {
        let mut left_out: Vec<&str> = Vec::new();
        let names: Vec<&str> = self.settings.keys().map(String::as_str).collect();
        let mut errors = Vec::new();
        loop {
            let lookup = |name: &str| if left_out.contains(&name) { None } else { self.given(name) };
            match build(&lookup) {
                Ok(value) if errors.is_empty() => return Ok(value),
                Ok(_) => return Err(errors),
                Err(error) => {
                    let named = names
                        .iter()
                        .filter(|name| !left_out.contains(name) && self.given(name).is_some())
                        .filter(|name| error.contains(**name))
                        .max_by_key(|name| name.len())
                        .copied();
                    errors.push(error);
                    match named {
                        Some(name) => left_out.push(name),
                        None => return Err(errors),
                    }
                }
            }
        }
    }
}

/// `value` fit to print: secrets masked, and the password in a database URL.
pub fn shown(setting: &Setting) -> String {
    let Some(value) = &setting.value else { return "(not set; see --help for what applies)".into() };
    if setting.secret && setting.variable != "NV_DATABASE_URL" {
        return "********".into();
    }
    match value.split_once("://") {
        Some((scheme, rest)) if rest.contains('@') => {
            let (credentials, host) = rest.rsplit_once('@').unwrap_or_default();
            let user = credentials.split(':').next().unwrap_or_default();
            let masked = if credentials.contains(':') { format!("{user}:********") } else { user.to_string() };
            format!("{scheme}://{masked}@{host}")
        }
        _ => value.clone(),
    }
}

/// What `server config` prints: each setting with its value (secrets masked) and where it came
/// from, then the problems, if any.
pub fn report(read: &ReadSettings, problems: &[String]) -> String {
    let width = read.all().map(|setting| setting.variable.len()).max().unwrap_or(0);
    let mut out = String::new();
    for setting in read.all() {
        let source = match setting.source {
            Source::Default => "default",
            Source::Environment => "environment",
            Source::Flag => "flag",
        };
        out.push_str(&format!("{:width$}  {:<12} {}\n", setting.variable, source, shown(setting)));
    }
    if problems.is_empty() {
        out.push_str("\nall settings are valid\n");
    } else {
        out.push_str(&format!("\n{} problem(s):\n", problems.len()));
        for problem in problems {
            out.push_str(&format!("  {problem}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_setting_is_reported_not_only_the_first() {
        let read = ReadSettings::from_pairs(&[
            ("NV_SMTP_HOST", "mail.example"),
            ("NV_SMTP_TLS", "maybe"),
            ("NV_SIGNUP_LIMIT", "-1"),
        ]);
        let errors = read.build(|lookup| crate::config::Config::from_lookup("127.0.0.1:3000", lookup)).unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].contains("NV_SMTP_TLS") && errors[0].contains("\"maybe\""), "{errors:?}");
        assert!(errors[1].contains("NV_SIGNUP_LIMIT"), "{errors:?}");
    }

    #[test]
    fn defaults_are_left_to_the_typed_settings_and_secrets_are_masked() {
        let read = ReadSettings::from_pairs(&[
            ("NV_DATABASE_URL", "postgres://nv:hunter2@db.internal/nv"),
            ("NV_SMTP_PASSWORD", "hunter2"),
        ]);
        assert_eq!(read.given("NV_DATA_DIR"), None);
        let shown: Vec<String> = read.all().map(shown).collect();
        assert!(shown.iter().all(|value| !value.contains("hunter2")), "{shown:?}");
        assert!(shown.contains(&"postgres://nv:********@db.internal/nv".to_string()), "{shown:?}");
    }
}
