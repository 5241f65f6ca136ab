//! Backing up and restoring the SQLite database, and the lock that tells a restore a server is
//! using it. A backup is `VACUUM INTO` a new file: one read transaction, so it is a consistent
//! copy while the server goes on writing (WAL), checked with `PRAGMA integrity_check` before it
//! is given its name. A restore puts a checked copy in place with renames, keeping the database
//! it replaces beside it.

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, SqliteConnection};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What a backup wrote.
#[derive(Debug)]
pub struct BackupReport {
    /// Subscribers in the copy.
    pub subscribers: i64,
    /// Size of the copy.
    pub bytes: u64,
    /// How long it took.
    pub took: Duration,
}

/// Held by a running server for as long as it uses the SQLite file `database`: a restore refuses
/// to replace the file under it. The lock goes with the process, however it ends.
pub struct ServerLock {
    _file: File,
}

/// The lock file beside `database`.
fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.file_name().unwrap_or_default().to_os_string();
    name.push(".server-lock");
    database.with_file_name(name)
}

impl ServerLock {
    /// Takes the lock on `database`, or says which process holds it.
    pub fn acquire(database: &Path) -> Result<ServerLock, String> {
        let path = lock_path(database);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|error| format!("cannot open the lock file {}: {error}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {
                // The pid is only for messages; the lock itself is what counts.
                let _ = file.set_len(0);
                let _ = std::fs::write(&path, format!("{}\n", std::process::id()));
                Ok(ServerLock { _file: file })
            }
            Err(_) => Err(format!(
                "a server (pid {}) is using the SQLite database {}",
                std::fs::read_to_string(&path).unwrap_or_default().trim(),
                database.display()
            )),
        }
    }
}

async fn open(file: &Path) -> Result<SqliteConnection, String> {
    SqliteConnectOptions::new()
        .filename(file)
        .busy_timeout(Duration::from_secs(30))
        .connect()
        .await
        .map_err(|error| format!("cannot open {}: {error}", file.display()))
}

/// `PRAGMA integrity_check` on `file` and its subscriber count; an error names what is wrong.
async fn check(file: &Path) -> Result<i64, String> {
    let mut connection = SqliteConnectOptions::new()
        .filename(file)
        .read_only(true)
        .connect()
        .await
        .map_err(|error| format!("cannot open {}: {error}", file.display()))?;
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut connection)
        .await
        .map_err(|error| format!("{} is not a SQLite database: {error}", file.display()))?;
    if verdict != "ok" {
        return Err(format!("{} failed its integrity check: {verdict}", file.display()));
    }
    let subscribers = sqlx::query_scalar("SELECT COUNT(*) FROM subscribers")
        .fetch_one(&mut connection)
        .await
        .map_err(|error| format!("{} is not a NourishVibes database: {error}", file.display()))?;
    let _ = connection.close().await;
    Ok(subscribers)
}

/// Writes a consistent, checked copy of the SQLite database `database` to `target`, which must
/// not exist yet; safe while a server writes to it.
pub async fn backup(database: &Path, target: &Path) -> Result<BackupReport, String> {
    let started = Instant::now();
    if !database.exists() {
        return Err(format!("there is no database at {}", database.display()));
    }
    if target.exists() {
        return Err(format!("{} exists already: backups never overwrite a file, give a new name", target.display()));
    }
    let partial = with_suffix(target, ".partial");
    let _ = std::fs::remove_file(&partial);
    let mut connection = open(database).await?;
    let into = partial.to_str().ok_or_else(|| format!("{} is not a UTF-8 path", partial.display()))?;
    sqlx::query("VACUUM INTO $1")
        .bind(into)
        .execute(&mut connection)
        .await
        .map_err(|error| format!("copying {} failed: {error}", database.display()))?;
    let _ = connection.close().await;
    let outcome: Result<i64, String> = async {
        let subscribers = check(&partial).await?;
        File::open(&partial).and_then(|file| file.sync_all()).map_err(|error| error.to_string())?;
        std::fs::rename(&partial, target)
            .map_err(|error| format!("cannot name the copy {}: {error}", target.display()))?;
        sync_folder(target);
        Ok(subscribers)
    }
    .await;
    let subscribers = outcome.inspect_err(|_| {
        let _ = std::fs::remove_file(&partial);
    })?;
    let bytes = std::fs::metadata(target).map(|meta| meta.len()).unwrap_or(0);
    Ok(BackupReport { subscribers, bytes, took: started.elapsed() })
}

/// Replaces the SQLite database `database` with a checked copy of `backup`, unless a server is
/// using it. The database it replaces (with its WAL) is kept beside it, renamed; its new name
/// is returned (`None` when there was none).
pub async fn restore(database: &Path, backup: &Path) -> Result<(i64, Option<PathBuf>), String> {
    let subscribers = check(backup).await?;
    if let Some(folder) = database.parent().filter(|folder| !folder.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(|error| format!("cannot create {}: {error}", folder.display()))?;
    }
    let _lock = ServerLock::acquire(database).map_err(|held| format!("{held}: stop it before restoring"))?;
    let incoming = with_suffix(database, ".restoring");
    std::fs::copy(backup, &incoming)
        .and_then(|_| File::open(&incoming)?.sync_all())
        .map_err(|error| format!("cannot copy {} next to the database: {error}", backup.display()))?;
    check(&incoming).await?;
    let kept = database.exists().then(|| {
        let stamp = nv_content::dates::unix_now();
        with_suffix(database, &format!(".before-restore-{stamp}"))
    });
    if let Some(kept) = &kept {
        // The WAL and shared memory belong to the old file: they go with it, never to the new one.
        for suffix in ["-wal", "-shm"] {
            let side = with_suffix(database, suffix);
            if side.exists() {
                std::fs::rename(&side, with_suffix(kept, suffix))
                    .map_err(|error| format!("cannot move {} aside: {error}", side.display()))?;
            }
        }
        std::fs::rename(database, kept)
            .map_err(|error| format!("cannot move {} aside: {error}", database.display()))?;
    }
    std::fs::rename(&incoming, database)
        .map_err(|error| format!("cannot put the copy in place at {}: {error}", database.display()))?;
    sync_folder(database);
    Ok((subscribers, kept))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

/// Makes a rename in `path`'s folder durable.
fn sync_folder(path: &Path) {
    if let Some(folder) = path.parent().filter(|folder| !folder.as_os_str().is_empty()) {
        let _ = File::open(folder).and_then(|folder| folder.sync_all());
    }
}
