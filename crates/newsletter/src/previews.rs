//! Preview links for reviewers outside the team: a signed, expiring link to one unpublished
//! article. The site's database keeps the signing secret (so every server agrees without
//! configuration, and replacing it revokes every link at once) and, for `server preview list`,
//! which links were made: slug, expiry, when; never the token.
//!
//! A token is `{slug}.{expires}.{signature}`: the slug, the expiry in seconds since the epoch,
//! and HMAC-SHA256 over both with the secret, base64url. A wrong, tampered, expired or revoked
//! token verifies to nothing, and the caller answers as for a page that does not exist.

use crate::db::{on_pool, on_tx};
use crate::store::Store;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Longest a link may live: four weeks, long enough for a slow review, short enough to expire.
pub const MAX_HOURS: u32 = 24 * 28;
/// How long a link lives unless asked otherwise.
pub const DEFAULT_HOURS: u32 = 72;
/// What the signature covers before the slug and expiry (a signature for anything else of the
/// site's, should the secret ever sign something else, can never pass for a preview).
const PURPOSE: &str = "nourishvibes preview v1";

/// What a valid token grants: seeing the article `slug` until `expires`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// The article's slug.
    pub slug: String,
    /// When the link stops working (seconds since the epoch).
    pub expires: i64,
}

/// A link given out, as `server preview list` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreviewLink {
    /// The article's slug.
    pub slug: String,
    /// When it stops working (seconds since the epoch).
    pub expires: i64,
    /// When it was made.
    pub created: i64,
}

/// The token granting `slug` until `expires`, signed with `secret`.
pub fn sign(secret: &[u8], slug: &str, expires: i64) -> String {
    let signature = signature(secret, slug, expires).finalize().into_bytes();
    format!("{slug}.{expires}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// What `token` grants at `now`, if it was signed with `secret` and has not expired. The
/// signature is checked in constant time, and for every token of the right shape.
pub fn verify(secret: &[u8], token: &str, now: i64) -> Option<Grant> {
    let mut parts = token.splitn(3, '.');
    let (slug, expires, given) = (parts.next()?, parts.next()?, parts.next()?);
    let expires: i64 = expires.parse().ok()?;
    let given = URL_SAFE_NO_PAD.decode(given).ok()?;
    signature(secret, slug, expires).verify_slice(&given).ok()?;
    (now < expires).then(|| Grant { slug: slug.to_string(), expires })
}

/// The MAC over a link's slug and expiry.
fn signature(secret: &[u8], slug: &str, expires: i64) -> Hmac<Sha256> {
    // Any key length is valid for HMAC: `new_from_slice` cannot fail here.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
    mac.update(format!("{PURPOSE}\n{slug}\n{expires}").as_bytes());
    mac
}

/// A new random secret, or `None` if the OS has no randomness.
fn new_secret() -> Option<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).ok()?;
    Some(URL_SAFE_NO_PAD.encode(bytes))
}

impl Store {
    /// The secret links are signed with, made on first use; every server reads the same one.
    pub async fn preview_secret(&self) -> Result<Vec<u8>, sqlx::Error> {
        let fresh = new_secret().ok_or_else(|| sqlx::Error::Protocol("no randomness for a secret".into()))?;
        let now = self.now();
        let secret: String = on_pool!(self.database(), pool => {
            // Two servers starting together both try; the first row stays.
            sqlx::query("INSERT INTO preview_secret (id, secret, created_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING")
                .bind(&fresh)
                .bind(now)
                .execute(pool)
                .await?;
            sqlx::query_scalar("SELECT secret FROM preview_secret WHERE id = 1").fetch_one(pool).await?
        });
        Ok(secret.into_bytes())
    }

    /// A link to `slug` valid for `hours` from now: the token, and it is noted (without the
    /// token) for `server preview list`.
    pub async fn make_preview_link(&self, slug: &str, hours: u32) -> Result<(String, i64), sqlx::Error> {
        let secret = self.preview_secret().await?;
        let now = self.now();
        let expires = now + i64::from(hours.clamp(1, MAX_HOURS)) * 3600;
        on_pool!(self.database(), pool => {
            sqlx::query("INSERT INTO preview_links (slug, expires_at, created_at) VALUES ($1, $2, $3)")
                .bind(slug)
                .bind(expires)
                .bind(now)
                .execute(pool)
                .await?;
        });
        Ok((sign(&secret, slug, expires), expires))
    }

    /// Replaces the secret, so that every link made so far stops working at once, and forgets
    /// the links; how many were still valid.
    pub async fn revoke_previews(&self) -> Result<u64, sqlx::Error> {
        let fresh = new_secret().ok_or_else(|| sqlx::Error::Protocol("no randomness for a secret".into()))?;
        let now = self.now();
        let mut tx = self.begin().await?;
        let valid = on_tx!(&mut tx, conn => {
            sqlx::query(
                "INSERT INTO preview_secret (id, secret, created_at) VALUES (1, $1, $2) \
                 ON CONFLICT (id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at",
            )
            .bind(&fresh)
            .bind(now)
            .execute(&mut **conn)
            .await?;
            let (valid,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM preview_links WHERE expires_at > $1")
                .bind(now)
                .fetch_one(&mut **conn)
                .await?;
            sqlx::query("DELETE FROM preview_links").execute(&mut **conn).await?;
            valid
        });
        tx.commit().await?;
        Ok(valid.max(0) as u64)
    }

    /// The links given out that have not expired, soonest to expire first.
    pub async fn preview_links(&self) -> Result<Vec<PreviewLink>, sqlx::Error> {
        let now = self.now();
        let rows: Vec<(String, i64, i64)> = on_pool!(self.database(), pool => {
            sqlx::query_as(
                "SELECT slug, expires_at, created_at FROM preview_links WHERE expires_at > $1 \
                 ORDER BY expires_at, slug",
            )
            .bind(now)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|(slug, expires, created)| PreviewLink { slug, expires, created }).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_link_grants_its_slug_until_it_expires_and_nothing_else_verifies() {
        let secret = b"a secret of the site's";
        let token = sign(secret, "new-article", 1_000);
        assert_eq!(verify(secret, &token, 999), Some(Grant { slug: "new-article".into(), expires: 1_000 }));
        assert_eq!(verify(secret, &token, 1_000), None, "expired");
        assert_eq!(verify(b"another secret", &token, 0), None, "revoked: the secret was replaced");
        let other_slug = token.replacen("new-article", "other-article", 1);
        assert_eq!(verify(secret, &other_slug, 0), None, "the signature names the slug");
        let later = token.replacen(".1000.", ".9999.", 1);
        assert_eq!(verify(secret, &later, 0), None, "the signature names the expiry");
        let (head, signature) = token.rsplit_once('.').unwrap();
        let flipped = if signature.starts_with('A') { "B" } else { "A" };
        assert_eq!(verify(secret, &format!("{head}.{flipped}{}", &signature[1..]), 0), None, "tampered");
        for garbage in ["", "x", "a.b", "a.1.", "a.1.!!", "a.1.AAAA"] {
            assert_eq!(verify(secret, garbage, 0), None, "{garbage:?}");
        }
    }
}
