//! `server db backup` and `server db restore` as an operator runs them beside the real server:
//! a backup taken under signup load restores, into a fresh data dir, every signup acknowledged
//! before it started; a restore is refused while a server uses the database.

use crate::running;

use running::{request, signup_request, Server};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Runs `server ARGS` with `data` as its data dir (and `env`); its output.
fn command(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("NV_DATA_DIR", data)
        .env("NV_CONTENT_DIR", Path::new(env!("CARGO_MANIFEST_DIR")).join("../content"))
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .output()
        .expect("run the server binary")
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

fn emails_and_integrity(file: &Path) -> (Vec<String>, String) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(file).read_only(true);
        let pool = sqlx::SqlitePool::connect_with(options).await.expect("open the restored database");
        let emails = sqlx::query_scalar("SELECT email FROM subscribers").fetch_all(&pool).await.unwrap();
        let integrity = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&pool).await.unwrap();
        (emails, integrity)
    })
}

#[test]
fn a_backup_under_signup_load_restores_every_signup_acknowledged_before_it_started() {
    let server = Arc::new(Server::start(&[]));
    let acknowledged: Arc<Mutex<Vec<(Instant, String)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let loops: Vec<_> = (0..8)
        .map(|worker| {
            let (server, acknowledged, stop) = (server.clone(), acknowledged.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let email = format!("loop-{worker}-{n}@example.com");
                    let reply = request(server.addr, &signup_request(server.addr, &email)).unwrap_or_default();
                    if reply.starts_with("HTTP/1.1 200") {
                        acknowledged.lock().unwrap().push((Instant::now(), email));
                    }
                    n += 1;
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    let backups = tempfile::tempdir().unwrap();
    let file = backups.path().join("nourishvibes-backup.sqlite3");
    let started = Instant::now();
    let backup = command(server.data.path(), &["db", "backup", file.to_str().unwrap()], &[]);
    let finished = Instant::now();
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    for handle in loops {
        handle.join().unwrap();
    }
    assert!(backup.status.success(), "{}", text(&backup));
    assert!(text(&backup).contains("integrity ok"), "{}", text(&backup));
    let acknowledged = acknowledged.lock().unwrap();
    let before: Vec<&String> = acknowledged.iter().filter(|(at, _)| *at < started).map(|(_, email)| email).collect();
    let during = acknowledged.iter().filter(|(at, _)| *at >= started && *at <= finished).count();
    assert!(before.len() > 20, "the load ran ({} signups)", before.len());
    eprintln!("{} signups before the backup, {during} acknowledged while it ran", before.len());

    // A second backup to the same name is refused: a backup never overwrites a file.
    let again = command(server.data.path(), &["db", "backup", file.to_str().unwrap()], &[]);
    assert!(!again.status.success() && text(&again).contains("exists already"), "{}", text(&again));

    let fresh = tempfile::tempdir().unwrap();
    let restored = command(fresh.path(), &["db", "restore", file.to_str().unwrap()], &[]);
    assert!(restored.status.success(), "{}", text(&restored));
    let (emails, integrity) = emails_and_integrity(&fresh.path().join("nourishvibes.sqlite3"));
    assert_eq!(integrity, "ok");
    let missing: Vec<_> = before.iter().filter(|email| !emails.contains(email)).collect();
    assert!(missing.is_empty(), "{} of {} acknowledged signups missing from the backup", missing.len(), before.len());

    // The restored data dir serves: a server starts on it and takes signups.
    let on_restored = Server::start(&[("NV_DATA_DIR", fresh.path().to_str().unwrap())]);
    let reply = request(on_restored.addr, &signup_request(on_restored.addr, "after-restore@example.com"));
    assert!(reply.unwrap_or_default().starts_with("HTTP/1.1 200"));
}

#[test]
fn a_restore_is_refused_while_a_server_uses_the_database_and_keeps_the_replaced_one() {
    let server = Server::start(&[]);
    let reply = request(server.addr, &signup_request(server.addr, "kept@example.com")).unwrap_or_default();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    let backups = tempfile::tempdir().unwrap();
    let file = backups.path().join("copy.sqlite3");
    assert!(command(server.data.path(), &["db", "backup", file.to_str().unwrap()], &[]).status.success());

    let refused = command(server.data.path(), &["db", "restore", file.to_str().unwrap()], &[]);
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("is using the SQLite database") && text(&refused).contains("stop it"),
        "{}",
        text(&refused)
    );

    // A second server on the same SQLite file is refused at start, naming the first.
    let second = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("NV_DATA_DIR", server.data.path())
        .env("NV_CONTENT_DIR", Path::new(env!("CARGO_MANIFEST_DIR")).join("../content"))
        .output()
        .unwrap();
    assert!(!second.status.success());
    assert!(text(&second).contains("SQLite serves one server at a time"), "{}", text(&second));

    // Stopped, the restore goes through and keeps the database it replaced.
    drop(server);
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join("nourishvibes.sqlite3"), b"").unwrap();
    let restored = command(data.path(), &["db", "restore", file.to_str().unwrap()], &[]);
    assert!(restored.status.success(), "{}", text(&restored));
    assert!(text(&restored).contains("is kept as"), "{}", text(&restored));
    let (emails, _) = emails_and_integrity(&data.path().join("nourishvibes.sqlite3"));
    assert_eq!(emails, ["kept@example.com"]);
}

#[test]
fn a_damaged_backup_is_not_restored_and_postgresql_gets_its_own_tools() {
    let data = tempfile::tempdir().unwrap();
    let damaged = data.path().join("damaged.sqlite3");
    std::fs::write(&damaged, b"SQLite format 3\0 but not really").unwrap();
    let refused = command(data.path(), &["db", "restore", damaged.to_str().unwrap()], &[]);
    assert!(!refused.status.success());
    assert!(!data.path().join("nourishvibes.sqlite3").exists(), "a damaged backup was put in place");

    let postgres = [("NV_DATABASE_URL", "postgres://nv:secret@db.internal:5432/nv")];
    let instead = command(data.path(), &["db", "backup", "x.dump"], &postgres);
    assert!(!instead.status.success());
    let said = text(&instead);
    assert!(said.contains("pg_dump --format=custom") && said.contains("pg_restore"), "{said}");
    assert!(!said.contains("secret"), "the password was printed: {said}");
}
