//! The request fields serde cannot read by itself: account ids (refused with the id in the
//! message), unsigned integers given as a JSON number or a decimal string, and base64 bytes.
//! For `#[serde(deserialize_with = "...")]`.

use base64::Engine;
use near_primitives_core::types::AccountId;
use serde::de::{self, Deserialize, Deserializer, Visitor};
use std::fmt;

/// An account id, validated as the chain validates it.
pub fn account_id<'de, D: Deserializer<'de>>(d: D) -> Result<AccountId, D::Error> {
    let raw = String::deserialize(d)?;
    raw.parse()
        .map_err(|e| de::Error::custom(format!("invalid account id {raw:?}: {e}")))
}

/// An unsigned integer as a JSON number or a decimal string: yoctoNEAR amounts need all 128
/// bits, more than a JSON number carries exactly.
struct Uint(u128);

impl<'de> Deserialize<'de> for Uint {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(UintVisitor).map(Uint)
    }
}

struct UintVisitor;

impl Visitor<'_> for UintVisitor {
    type Value = u128;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an unsigned integer (a JSON number or a decimal string)")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u128, E> {
        Ok(v.into())
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<u128, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u128, E> {
        u128::try_from(v).map_err(|_| E::custom(format!("must be >= 0, got {v}")))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<u128, E> {
        s.parse()
            .map_err(|_| E::custom(format!("not an integer: {s:?}")))
    }
}

fn to_u64<E: de::Error>(v: u128) -> Result<u64, E> {
    u64::try_from(v).map_err(|_| E::custom(format!("{v} does not fit in 64 bits")))
}

pub fn u128<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
    Uint::deserialize(d).map(|Uint(v)| v)
}

/// An optional integer: absent (with `#[serde(default)]`) or `null` is `None`.
pub fn opt_u128<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u128>, D::Error> {
    Ok(Option::<Uint>::deserialize(d)?.map(|Uint(v)| v))
}

pub fn u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    to_u64(u128(d)?)
}

pub fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    opt_u128(d)?.map(to_u64).transpose()
}

/// Bytes as a standard base64 string; `null` (or absent, with `#[serde(default)]`) is empty.
pub fn base64<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    let Some(text) = Option::<String>::deserialize(d)? else {
        return Ok(vec![]);
    };
    base64::engine::general_purpose::STANDARD
        .decode(&text)
        .map_err(|e| de::Error::custom(format!("not base64: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn uint(v: Value) -> Result<u128, String> {
        u128(&v).map_err(|e| e.to_string())
    }

    #[test]
    fn integers_come_as_numbers_or_decimal_strings() {
        assert_eq!(uint(json!(7)), Ok(7));
        let yocto = 10u128.pow(30);
        assert_eq!(uint(json!(yocto.to_string())), Ok(yocto));
        assert_eq!(uint(json!(-1)), Err("must be >= 0, got -1".into()));
        assert_eq!(uint(json!("1e3")), Err("not an integer: \"1e3\"".into()));
        assert!(uint(json!(1.5))
            .unwrap_err()
            .contains("expected an unsigned integer"));
        assert_eq!(opt_u64(&json!(null)).unwrap(), None);
        assert!(opt_u64(&json!("18446744073709551616")).is_err());
    }

    #[test]
    fn bytes_come_as_base64() {
        assert_eq!(base64(&json!("aGk=")).unwrap(), b"hi");
        assert_eq!(base64(&json!(null)).unwrap(), b"");
        assert!(base64(&json!("not base64!"))
            .unwrap_err()
            .to_string()
            .starts_with("not base64"));
    }

    #[test]
    fn account_ids_are_validated() {
        assert!(account_id(&json!("alice.near")).is_ok());
        let err = account_id(&json!("NOT VALID")).unwrap_err().to_string();
        assert!(err.starts_with("invalid account id \"NOT VALID\""), "{err}");
    }
}
