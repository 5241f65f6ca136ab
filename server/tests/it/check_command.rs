//! `server check`: the content check editors and CI run.

use std::path::Path;
use std::process::Command;

fn check(content_dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("check")
        .env("NV_CONTENT_DIR", content_dir)
        .output()
        .expect("run server check")
}

#[test]
fn passes_on_the_real_content() {
    let output = check(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../content"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("content ok"), "{stdout}");
}

#[test]
fn fails_on_a_broken_fixture_naming_file_field_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    for file in ["authors.toml", "site.toml", "tips.toml"] {
        std::fs::copy(real.join(file), dir.path().join(file)).unwrap();
    }
    std::fs::create_dir_all(dir.path().join("articles")).unwrap();
    let article = std::fs::read_to_string(real.join("articles/vitamin-d3-k2.md")).unwrap();
    std::fs::write(
        dir.path().join("articles/vitamin-d3-k2.md"),
        article.replace("published = 2026-02-15", "published = \"15 Feb 2026\""),
    )
    .unwrap();

    let output = check(dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "check passed on broken content");
    assert!(stderr.contains("vitamin-d3-k2.md: field `published`: expected a date like 2026-02-15"), "{stderr}");
    assert!(stderr.contains("field `hero.src`"), "the missing hero image is reported too: {stderr}");
}
