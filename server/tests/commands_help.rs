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
