//! Fingerprints the code that turns content files into pages (`src/content`, `src/images` and the locked
//! dependency versions) as `NV_CONTENT_CODE`: the content cache a build writes in the data dir
//! is only trusted by a build with the same fingerprint (see src/content/server/load_cache.rs).

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=src/content");
    println!("cargo:rerun-if-changed=src/images");
    println!("cargo:rerun-if-changed=../Cargo.lock");
    let mut files = Vec::new();
    collect(Path::new("src/content"), &mut files);
    collect(Path::new("src/images"), &mut files);
    files.sort();
    files.push(PathBuf::from("../Cargo.lock"));
    // FNV-1a: the build needs no dependency for a fingerprint nobody attacks.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in files {
        let bytes = std::fs::read(&file).unwrap_or_default();
        for byte in file.to_string_lossy().bytes().chain([0]).chain(bytes) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    println!("cargo:rustc-env=NV_CONTENT_CODE={hash:016x}");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
}
