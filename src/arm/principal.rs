//! Who is signed in, as far as the profile cache needs to know. Derived here, beside the
//! token, so that the token secret never leaves `arm/`.

/// Who is signed in, as far as a cache key needs to know: the tenant and object ids of an
/// Entra ID access token (read, not verified: the key only separates cache entries), or,
/// for opaque tokens, the auth method and the non-secret client settings plus a 64-bit
/// fingerprint of the token, so that a different token never reuses another's listing.
/// The fingerprint is a one-way hash; the token itself is never written.
pub(crate) fn principal_key(token: &str, fallback: &str) -> String {
    use base64::Engine;
    let claims = token
        .split('.')
        .nth(1)
        .and_then(|payload| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload.trim_end_matches('='))
                .ok()
        })
        .and_then(|json| serde_json::from_slice::<serde_json::Value>(&json).ok());
    let claim = |name: &str| {
        claims
            .as_ref()
            .and_then(|c| c.get(name))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    match (claim("tid"), claim("oid").or_else(|| claim("appid"))) {
        (Some(tenant), Some(object)) => format!("tid={tenant};oid={object}"),
        _ => {
            use std::hash::{Hash, Hasher};
            // Fixed keys: the same token gives the same fingerprint in every run.
            let mut hasher = std::hash::DefaultHasher::new();
            token.hash(&mut hasher);
            format!("{fallback};token={:016x}", hasher.finish())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principal_from_jwt_claims_or_fallback() {
        use base64::Engine;
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(br#"{"tid":"t1","oid":"o1","aud":"https://management.azure.com"}"#);
        let token = format!("eyJhbGciOiJub25lIn0.{payload}.sig");
        assert_eq!(principal_key(&token, "fb"), "tid=t1;oid=o1");
        let opaque = principal_key("opaque", "fb");
        assert!(opaque.starts_with("fb;token="), "{opaque}");
        assert!(!opaque.contains("opaque"));
        assert_eq!(opaque, principal_key("opaque", "fb"), "stable");
        assert_ne!(opaque, principal_key("other", "fb"));
    }
}
