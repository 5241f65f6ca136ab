//! Every command answers `--help` with what it does, and a wrong argument names what was wrong.

use std::process::Command;

fn run(args: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("NV_DATA_DIR", std::env::temp_dir().join("nv-help-unused"))
        .output()
        .unwrap();
    (
        output.status.success(),
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)),
    )
}

#[test]
fn each_command_has_help_and_errors_name_the_problem() {
    for (args, says) in [
        (&["newsletter", "preview", "--help"][..], "Writes a week's issue"),
        (&["newsletter", "send-test", "--help"], "--to <TO>"),
        (&["newsletter", "send", "--help"], "queues nobody twice"),
        (&["newsletter", "status", "--help"], "outbox backlog"),
        (&["subscriber", "export", "--help"], "as JSON"),
        (&["subscriber", "erase", "--help"], "what was kept and why"),
        (&["check", "--help"], "newsletter notes"),
    ] {
        let (ok, text) = run(args);
        assert!(ok, "{args:?}: {text}");
        assert!(text.contains(says), "{args:?}: {text}");
    }
    let (ok, text) = run(&["newsletter", "send", "--week", "2026-W99"]);
    assert!(!ok);
    assert!(text.contains("--week \"2026-W99\" is not an ISO week"), "{text}");
    let (ok, text) = run(&["newsletter", "send-test"]);
    assert!(!ok && text.contains("--to"), "{text}");
}

/// The variables named in the first column of docs/operations.md's Configuration table.
fn documented_settings() -> std::collections::BTreeSet<String> {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/operations.md")).unwrap();
    let section = docs.split("## Configuration").nth(1).expect("a Configuration section");
    let section = section.split("\n## ").next().unwrap_or_default();
    section
        .lines()
        .filter(|line| line.starts_with("| `"))
        .flat_map(|line| {
            let first = line.split('|').nth(1).unwrap_or_default().to_string();
            first.split('`').skip(1).step_by(2).map(str::to_string).collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn help_lists_every_setting_and_the_documented_table_the_same_ones() {
    let (ok, help) = run(&["--help"]);
    assert!(ok, "{help}");
    let in_help: std::collections::BTreeSet<String> =
        help.split("[env: ").skip(1).filter_map(|rest| rest.split(['=', ']']).next().map(str::to_string)).collect();
    assert!(in_help.contains("NV_SITE_URL") && in_help.contains("NV_SMTP_PASSWORD"), "{help}");
    assert!(in_help.len() >= 30, "{in_help:?}");
    assert_eq!(documented_settings(), in_help, "docs/operations.md's Configuration table and `server --help` disagree");
}

#[test]
fn server_config_shows_where_each_value_came_from_masks_secrets_and_names_every_problem() {
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["config", "--signup-limit=-1"])
        .env("NV_SMTP_PASSWORD", "hunter2")
        .env("NV_DATABASE_URL", "postgres://nv:hunter2@db.internal/nv")
        .env("NV_MAIL_RATE", "fast")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
    let line = |name: &str| text.lines().find(|line| line.starts_with(name)).unwrap_or_default().to_string();
    assert!(
        line("NV_DATABASE_URL").contains("environment") && line("NV_DATABASE_URL").contains("nv:********@db.internal")
    );
    assert!(line("NV_SIGNUP_LIMIT ").contains("flag"), "{text}");
    assert!(line("NV_DATA_DIR ").contains("default") && line("NV_DATA_DIR ").contains("data"), "{text}");
    assert!(text.contains("NV_MAIL_RATE must be") && text.contains("NV_SIGNUP_LIMIT must be"), "{text}");
}
