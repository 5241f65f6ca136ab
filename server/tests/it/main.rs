//! The server's integration tests, in one binary (one link, not one per file): the router
//! called with `oneshot`, the real binary as a process (timeouts, shutdown, faults, several
//! servers), a real SMTP server and PostgreSQL where a test needs them. Shared helpers:
//! [`common`] (the app and its state as the server builds them), [`running`] (a server process
//! and raw sockets), [`smtp_sink`] and [`engines`] (a database per engine).

mod common;
mod engines;
mod running;
mod smtp_sink;

mod assets;
mod backup;
mod cache_admission;
mod caching;
mod catalogue;
mod check_command;
mod commands_help;
mod cross_site;
mod faults;
mod health;
mod images;
mod mail_headers;
mod mail_logs;
mod multi_server;
mod newsletter;
mod newsletter_archive;
mod newsletter_bounces;
mod newsletter_store;
mod newsletter_weekly;
mod observability;
mod previews;
mod reload;
mod router;
mod search;
mod security_headers;
mod security_headers_dev;
mod shutdown;
mod smtp;
mod timeouts;
