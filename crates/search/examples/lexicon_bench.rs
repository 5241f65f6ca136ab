//! What the typo structures cost at the site's scale: a lexicon of 150,000 synthetic words,
//! its build time and heap, and the time of one query word's lookup (p50/p99) exact, with one
//! typo, with two, and as a completion.
//!
//! `cargo run --release -p nv-search --example lexicon_bench [WORD_LIST]`
//!
//! With a word list (one word a line, such as Debian's wamerican-huge,
//! /usr/share/dict/american-english-huge), 150,000 of its words, read as the index reads them;
//! without, words made of English-like syllables: not random letters, since real vocabularies
//! are dense (many words a typo or two apart) and a sparse one would flatter the times.

use nv_search::{forms, typos, Lexicon};
use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

const WORDS: usize = 150_000;
const QUERIES: usize = 5_000;

/// The system allocator, counting the bytes live, so the heap a structure adds is measured
/// rather than estimated.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call goes straight to the system allocator; the counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(live, Relaxed);
        // SAFETY: the caller's contract for `alloc`, passed on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        // SAFETY: the caller's contract for `dealloc`, passed on unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A small deterministic generator (xorshift64*), so every run measures the same words.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const SYLLABLES: &[&str] = &[
    "ma", "gne", "si", "um", "pro", "te", "in", "cal", "ci", "chol", "es", "ter", "ol", "caf", "fe", "ine", "fi",
    "bre", "vi", "ta", "min", "ri", "bo", "fla", "vin", "ni", "a", "cin", "pan", "to", "the", "nic", "zi", "nc", "po",
    "tas", "so", "di", "se", "le", "ni", "io", "dine", "man", "ga", "nese", "ox", "id", "ant", "ly", "co", "pe", "ne",
    "gly", "ce", "mic", "lip", "id", "er", "al", "ous", "ing", "tion", "ate", "ic", "ed", "es", "s", "ar", "or", "ure",
];

/// A word of two to five syllables.
fn word(rng: &mut Rng) -> String {
    let syllables = 2 + rng.below(4);
    (0..syllables).map(|_| SYLLABLES[rng.below(SYLLABLES.len())]).collect()
}

/// `word` with `edits` random typos: a letter changed, dropped, added, or two swapped.
fn misspell(rng: &mut Rng, word: &str, edits: usize) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    for _ in 0..edits {
        let at = rng.below(chars.len().max(1));
        let letter = char::from(b'a' + rng.below(26) as u8);
        match rng.below(4) {
            0 => chars[at] = letter,
            1 if chars.len() > 1 => {
                chars.remove(at);
            }
            2 if at + 1 < chars.len() => chars.swap(at, at + 1),
            _ => chars.insert(at, letter),
        }
    }
    chars.into_iter().collect()
}

/// p50, p99 and the slowest of `times`.
fn summary(times: &mut [Duration]) -> String {
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    format!("p50 {:>7.1?}  p99 {:>7.1?}  max {:>7.1?}", at(0.5), at(0.99), at(1.0))
}

/// Times `f` on every query; prints the summary and the mean number of words it returned.
fn measure(label: &str, queries: &[String], mut f: impl FnMut(&str) -> usize) {
    let mut times = Vec::with_capacity(queries.len());
    let mut found = 0;
    for query in queries {
        let start = Instant::now();
        found += f(query);
        times.push(start.elapsed());
    }
    println!(
        "{label:<40} {}  ({:.1} words found on average)",
        summary(&mut times),
        found as f64 / queries.len() as f64
    );
}

fn main() {
    let mut rng = Rng(0x5eed_cafe_f00d_d00d);
    let mut vocabulary: BTreeSet<String> = BTreeSet::new();
    for real in ["magnesium", "protein", "cholesterol", "caffeine", "probiotics", "fibre", "fiber"] {
        vocabulary.insert(real.to_string());
    }
    if let Some(path) = std::env::args().nth(1) {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
        let mut listed: Vec<String> =
            text.lines().flat_map(forms::words).collect::<BTreeSet<_>>().into_iter().collect();
        // A fixed shuffle, then the first ones: a sample across the alphabet.
        for i in (1..listed.len()).rev() {
            listed.swap(i, rng.below(i + 1));
        }
        vocabulary.extend(listed.into_iter().take(WORDS));
        println!("words from {path}");
    } else {
        println!("synthetic words");
    }
    while vocabulary.len() < WORDS {
        vocabulary.insert(word(&mut rng));
    }
    let words: Vec<String> = vocabulary.into_iter().collect();
    let bytes: usize = words.iter().map(String::len).sum();
    println!(
        "{} words, {} bytes of text, {:.1} characters a word",
        words.len(),
        bytes,
        bytes as f64 / words.len() as f64
    );

    // The Levenshtein builders are built once per process, by the first lexicon.
    let (live, start) = (LIVE.load(Relaxed), Instant::now());
    let empty = Lexicon::default();
    println!(
        "automata builders (once per process): {:?}, {} KiB heap",
        start.elapsed(),
        (LIVE.load(Relaxed) - live - empty.heap_bytes()) / 1024
    );

    let frequencies: Vec<(&str, u64)> = words.iter().map(|word| (word.as_str(), 1 + rng.next() % 1_000)).collect();
    let live = LIVE.load(Relaxed);
    PEAK.store(live, Relaxed);
    let start = Instant::now();
    let lexicon = Lexicon::with_frequencies(frequencies.iter().copied());
    println!(
        "build: {:?}, heap_bytes() {} KiB (measured {} KiB live, {} KiB peak while building)",
        start.elapsed(),
        lexicon.heap_bytes() / 1024,
        (LIVE.load(Relaxed) - live) / 1024,
        (PEAK.load(Relaxed) - live) / 1024
    );

    let pick = |rng: &mut Rng, chars: std::ops::RangeInclusive<usize>| loop {
        let word = &words[rng.below(words.len())];
        if chars.contains(&word.chars().count()) {
            return word.clone();
        }
    };
    let exact: Vec<String> = (0..QUERIES).map(|_| pick(&mut rng, 1..=usize::MAX)).collect();
    let one: Vec<String> = (0..QUERIES)
        .map(|_| {
            let w = pick(&mut rng, 5..=8);
            misspell(&mut rng, &w, 1)
        })
        .collect();
    let one_long: Vec<String> = (0..QUERIES)
        .map(|_| {
            let w = pick(&mut rng, 9..=usize::MAX);
            misspell(&mut rng, &w, 1)
        })
        .collect();
    let two: Vec<String> = (0..QUERIES)
        .map(|_| {
            let w = pick(&mut rng, 9..=usize::MAX);
            misspell(&mut rng, &w, 2)
        })
        .collect();
    let short: Vec<String> = (0..QUERIES).map(|_| pick(&mut rng, 5..=6)).collect();
    let prefix = |rng: &mut Rng, chars: usize| -> Vec<String> {
        (0..QUERIES).map(|_| pick(rng, chars + 1..=usize::MAX).chars().take(chars).collect()).collect()
    };
    let (three, five, seven) = (prefix(&mut rng, 3), prefix(&mut rng, 5), prefix(&mut rng, 7));
    let mistyped: Vec<String> = prefix(&mut rng, 6).iter().map(|p| misspell(&mut rng, p, 1)).collect();

    println!("\none query word, {QUERIES} of each (budget from typos::allowed unless said):");
    measure("correct: a word it holds", &exact, |w| lexicon.correct(w).len());
    measure("lookup(w, allowed(w)): a word it holds", &exact, |w| lexicon.lookup(w, typos::allowed(w)).len());
    measure("correct: 5-8 chars, 1 typo", &one, |w| lexicon.correct(w).len());
    measure("correct: 9+ chars, 1 typo", &one_long, |w| lexicon.correct(w).len());
    measure("correct: 9+ chars, 2 typos", &two, |w| lexicon.correct(w).len());
    measure("lookup(w, 2) on 5-6 chars (no cap)", &short, |w| lexicon.lookup(w, typos::MAX).len());
    measure("prefix: 3 chars, limit 8", &three, |w| lexicon.prefix(w, 8).len());
    measure("prefix: 5 chars, limit 8", &five, |w| lexicon.prefix(w, 8).len());
    measure("prefix: 7 chars, limit 8", &seven, |w| lexicon.prefix(w, 8).len());
    measure("prefix: 6 chars with a typo", &mistyped, |w| lexicon.prefix(w, 8).len());

    let corrected = two.iter().filter(|w| lexicon.correct(w).iter().any(|c| c.distance > 0)).count();
    println!("\n2-typo words given a correction: {corrected} of {QUERIES}");
}
