//! Compact JWS with RS256 — the one algorithm Portico signs and accepts. The format is a few lines;
//! the cryptography is aws-lc-rs. Verification is strict (RFC 8725): the algorithm is fixed,
//! `none`/HMAC are refused, key-carrying headers (`jku`, `jwk`, `x5u`, `x5c`) and `crit` are
//! refused, the `kid` only selects among the issuer's own keys, and duplicate JSON keys fail.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, PublicKeyComponents};
use aws_lc_rs::signature::{RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    #[error("the token is not a compact JWS")]
    Malformed,
    #[error("the token's header is not acceptable: {0}")]
    Header(&'static str),
    #[error("no key with this kid belongs to the issuer")]
    UnknownKey,
    #[error("the signature does not verify")]
    Signature,
    #[error("signing failed")]
    Signing,
}

#[derive(Debug, Serialize)]
struct Header<'a> {
    alg: &'static str,
    typ: &'a str,
    kid: &'a str,
}

/// Signs `claims` with RS256; `typ` is `JWT` or `at+jwt`.
pub fn sign(
    claims: &impl Serialize,
    typ: &str,
    kid: &str,
    key: &KeyPair,
) -> Result<String, JwtError> {
    let header = serde_json::to_vec(&Header {
        alg: "RS256",
        typ,
        kid,
    })
    .map_err(|_| JwtError::Signing)?;
    let payload = serde_json::to_vec(claims).map_err(|_| JwtError::Signing)?;
    let mut token = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let mut signature = vec![0u8; key.public_modulus_len()];
    key.sign(
        &RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        token.as_bytes(),
        &mut signature,
    )
    .map_err(|_| JwtError::Signing)?;
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(signature));
    Ok(token)
}

/// A verified token: its header's `typ` and its claims.
#[derive(Debug, Clone)]
pub struct Verified {
    pub typ: Option<String>,
    pub claims: Map<String, Value>,
}

/// Verifies the signature with the key `find_key(kid)` returns (modulus, exponent, big-endian).
/// Claim checks (issuer, audience, lifetime) are the caller's.
pub fn verify(
    token: &str,
    find_key: impl Fn(&str) -> Option<(Vec<u8>, Vec<u8>)>,
) -> Result<Verified, JwtError> {
    let mut parts = token.split('.');
    let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwtError::Malformed);
    };
    let header = decode_object(header_b64)?;
    match header.get("alg").and_then(Value::as_str) {
        Some("RS256") => {}
        _ => return Err(JwtError::Header("alg must be RS256")),
    }
    for forbidden in ["jku", "jwk", "x5u", "x5c", "crit"] {
        if header.contains_key(forbidden) {
            return Err(JwtError::Header(
                "key-carrying and critical headers are not accepted",
            ));
        }
    }
    let kid = header
        .get("kid")
        .and_then(Value::as_str)
        .ok_or(JwtError::Header("kid is required"))?;
    let (n, e) = find_key(kid).ok_or(JwtError::UnknownKey)?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature_b64)
        .map_err(|_| JwtError::Malformed)?;
    let signed = &token[..header_b64.len() + 1 + payload_b64.len()];
    PublicKeyComponents {
        n: n.as_slice(),
        e: e.as_slice(),
    }
    .verify(&RSA_PKCS1_2048_8192_SHA256, signed.as_bytes(), &signature)
    .map_err(|_| JwtError::Signature)?;
    let claims = decode_object(payload_b64)?;
    let typ = header.get("typ").and_then(Value::as_str).map(str::to_owned);
    Ok(Verified { typ, claims })
}

/// The header of a compact JWS, read without verifying anything (only to pick the key).
pub fn unverified_header(token: &str) -> Option<Map<String, Value>> {
    decode_object(token.split('.').next()?).ok()
}

fn decode_object(part: &str) -> Result<Map<String, Value>, JwtError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| JwtError::Malformed)?;
    let text = std::str::from_utf8(&bytes).map_err(|_| JwtError::Malformed)?;
    let object: UniqueKeys = serde_json::from_str(text).map_err(|_| JwtError::Malformed)?;
    Ok(object.0)
}

/// A JSON object whose keys must be unique (serde_json alone keeps the last duplicate).
struct UniqueKeys(Map<String, Value>);

impl<'de> Deserialize<'de> for UniqueKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;
        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = UniqueKeys;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object with unique keys")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<UniqueKeys, A::Error> {
                let mut map = Map::new();
                while let Some((key, value)) = access.next_entry::<String, Value>()? {
                    if map.insert(key.clone(), value).is_some() {
                        return Err(de::Error::custom(format!("duplicate key {key}")));
                    }
                }
                Ok(UniqueKeys(map))
            }
        }
        deserializer.deserialize_map(ObjectVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::rsa::KeySize;
    use aws_lc_rs::signature::KeyPair as _;
    use serde_json::json;

    fn components(key: &KeyPair) -> (Vec<u8>, Vec<u8>) {
        let public = key.public_key();
        (
            public.modulus().big_endian_without_leading_zero().to_vec(),
            public.exponent().big_endian_without_leading_zero().to_vec(),
        )
    }

    fn b64(value: &Value) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
    }

    #[test]
    fn signs_and_verifies_and_refuses_tampering() {
        let key = KeyPair::generate(KeySize::Rsa2048).unwrap();
        let other = KeyPair::generate(KeySize::Rsa2048).unwrap();
        let token = sign(&json!({"sub": "x", "tid": "a"}), "at+jwt", "k1", &key).unwrap();
        let find = |kid: &str| (kid == "k1").then(|| components(&key));
        let verified = verify(&token, find).unwrap();
        assert_eq!(verified.claims["sub"], "x");
        assert_eq!(verified.typ.as_deref(), Some("at+jwt"));

        assert_eq!(
            verify(&token, |_| Some(components(&other))).unwrap_err(),
            JwtError::Signature
        );
        assert_eq!(verify(&token, |_| None).unwrap_err(), JwtError::UnknownKey);
        let (head, rest) = token.split_once('.').unwrap();
        let (_, signature) = rest.split_once('.').unwrap();
        let forged = format!(
            "{head}.{}.{signature}",
            b64(&json!({"sub": "x", "tid": "b"}))
        );
        assert_eq!(verify(&forged, find).unwrap_err(), JwtError::Signature);
        for header in [
            json!({"alg": "none", "kid": "k1"}),
            json!({"alg": "NONE", "kid": "k1"}),
            json!({"alg": "HS256", "kid": "k1"}),
            json!({"alg": "RS256"}),
            json!({"alg": "RS256", "kid": "k1", "jku": "https://evil.example/keys"}),
            json!({"alg": "RS256", "kid": "k1", "jwk": {"kty": "RSA"}}),
            json!({"alg": "RS256", "kid": "k1", "x5c": ["AAAA"]}),
        ] {
            let token = format!(
                "{}.{}.{signature}",
                b64(&header),
                rest.split_once('.').unwrap().0
            );
            assert!(
                matches!(verify(&token, find), Err(JwtError::Header(_))),
                "{header}"
            );
        }
        assert_eq!(verify("a.b", find).unwrap_err(), JwtError::Malformed);
        assert_eq!(
            verify(&format!("{token}.x"), find).unwrap_err(),
            JwtError::Malformed
        );
        let duplicate = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","kid":"k1","alg":"none"}"#);
        assert_eq!(
            verify(&format!("{duplicate}.{rest}"), find).unwrap_err(),
            JwtError::Malformed
        );
    }
}
