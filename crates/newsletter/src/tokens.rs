//! Confirmation and unsubscribe tokens: 256 random bits, given out once, stored only as hashes.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A new random token, 64 hex characters (256 bits), or `None` if the OS has no randomness.
pub fn new_token() -> Option<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).ok()?;
    Some(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}

/// The SHA-256 of a token: what the database keeps instead of the token.
pub fn hash_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.trim().as_bytes()).to_vec()
}

/// Whether `token` hashes to `stored`, compared in constant time.
pub fn tokens_match(token: &str, stored: &[u8]) -> bool {
    hash_token(token).ct_eq(stored).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_distinct() {
        let first = new_token().expect("randomness");
        let second = new_token().expect("randomness");
        assert_eq!(first.len(), 64);
        assert!(first.bytes().all(|byte| byte.is_ascii_hexdigit()));
        assert_ne!(first, second);
    }

    #[test]
    fn only_the_hash_matches_and_it_differs_from_the_token() {
        let token = new_token().expect("randomness");
        let stored = hash_token(&token);
        assert_eq!(stored.len(), 32);
        assert_ne!(stored, token.as_bytes());
        assert!(tokens_match(&token, &stored));
        assert!(!tokens_match(&new_token().expect("randomness"), &stored));
        assert!(!tokens_match("", &stored));
    }
}
