//! Property tests: for generated types and values of those types, decoding
//! an encoding gives the value back (msgpack always; JSON for known values).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;

use super::testgen::{any_type, typed_value};
use super::{json, msgpack};
use crate::types::Type;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn msgpack_round_trips((ty, v) in typed_value(false)) {
        let bytes = msgpack::encode(&v, &ty).unwrap();
        prop_assert_eq!(msgpack::decode(&bytes, &ty).unwrap(), v);
    }

    #[test]
    fn json_round_trips((ty, v) in typed_value(true)) {
        let bytes = json::encode(&v, &ty).unwrap();
        prop_assert_eq!(json::decode(&bytes, &ty).unwrap(), v);
    }

    #[test]
    fn type_json_round_trips(ty in any_type()) {
        prop_assert_eq!(Type::from_json_bytes(&ty.to_json_bytes()).unwrap(), ty);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64), ty in any_type()) {
        let _ = msgpack::decode(&bytes, &ty);
        let _ = json::decode(&bytes, &ty);
    }
}
