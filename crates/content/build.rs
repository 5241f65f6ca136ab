//! Fingerprints the code that turns content files into pages (this crate, `nv-images`,
//! `nv-model` and the locked dependency versions) as `NV_CONTENT_CODE`: the content cache a
//! build writes in the data dir is only trusted by a build with the same fingerprint (see
//! src/load_cache.rs).

use std::path::{Path, PathBuf};

fn main() {
    const SOURCES: [&str; 4] = ["src", "../images/src", "../model/src", "../search/src"];
    const LOCK: &str = "../../Cargo.lock";
    let mut files = Vec::new();
    for dir in SOURCES {
        println!("cargo:rerun-if-changed={dir}");
        collect(Path::new(dir), &mut files);
    }
    println!("cargo:rerun-if-changed={LOCK}");
    files.sort();
    files.push(PathBuf::from(LOCK));
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
