//! The tenant's RSA signing key for ID and user access tokens (RS256), its JWKS, and compact
//! JWT signing/verification. The key is generated on first use and kept in the store as
//! PKCS#8 PEM, so tokens stay valid across a restart with `--state`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _, LineEnding};
use rsa::signature::{SignatureEncoding as _, Signer as _, Verifier as _};
use rsa::traits::PublicKeyParts as _;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

/// 2048 bits, what Auth0 tenants use.
const KEY_BITS: usize = 2048;

pub struct OidcKey {
    private: RsaPrivateKey,
    kid: String,
}

impl OidcKey {
    /// A fresh key and its PKCS#8 PEM (for the store).
    pub fn generate() -> anyhow::Result<(Self, String)> {
        let private = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, KEY_BITS)?;
        let pem = private.to_pkcs8_pem(LineEnding::LF)?.to_string();
        Ok((Self::from_private(private), pem))
    }

    pub fn from_pem(pem: &str) -> anyhow::Result<Self> {
        Ok(Self::from_private(RsaPrivateKey::from_pkcs8_pem(pem)?))
    }

    fn from_private(private: RsaPrivateKey) -> Self {
        let kid = thumbprint(&private.to_public_key());
        Self { private, kid }
    }

    #[cfg(test)]
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public half as a JWK (`kty`, `use`, `alg`, `kid`, `n`, `e`).
    pub fn jwk(&self) -> Value {
        let public = self.private.to_public_key();
        json!({
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
            "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
        })
    }

    /// `header.payload.signature`, RS256.
    pub fn sign(&self, claims: &Value) -> String {
        let header = json!({"alg": "RS256", "typ": "JWT", "kid": self.kid});
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = SigningKey::<Sha256>::new(self.private.clone()).sign(input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }

    /// The claims of a token this key signed, or `None` when the signature does not verify.
    pub fn verify(&self, token: &str) -> Option<Value> {
        let (input, signature) = token.rsplit_once('.')?;
        let (_, payload) = input.split_once('.')?;
        let signature =
            Signature::try_from(URL_SAFE_NO_PAD.decode(signature).ok()?.as_slice()).ok()?;
        VerifyingKey::<Sha256>::new(self.private.to_public_key())
            .verify(input.as_bytes(), &signature)
            .ok()?;
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
    }
}

/// RFC 7638 JWK thumbprint, used as the `kid`.
fn thumbprint(public: &RsaPublicKey) -> String {
    let canonical = format!(
        r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#,
        URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
        URL_SAFE_NO_PAD.encode(public.n().to_bytes_be())
    );
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_verifies_and_survives_a_pem_round_trip() {
        let (key, pem) = OidcKey::generate().unwrap();
        let token = key.sign(&json!({"sub": "auth0|1"}));
        assert_eq!(key.verify(&token).unwrap()["sub"], "auth0|1");
        let again = OidcKey::from_pem(&pem).unwrap();
        assert_eq!(again.kid(), key.kid());
        assert!(again.verify(&token).is_some());
        let mut tampered = token.clone();
        tampered.insert(tampered.find('.').unwrap() + 2, 'x');
        assert!(key.verify(&tampered).is_none());
        assert_eq!(key.jwk()["kty"], "RSA");
    }
}
