//! One row per billing profile, for every command that reads many profiles at once (`--all`
//! of `balance`, `lots`, `events`, `forecast` and `report`): the account, the profile, and
//! either the value read or why it could not be read.

use super::domain::{AccountRef, BalanceSummary, ScopeRef};
use crate::error::{Error, ErrorKind};
use serde::{Serialize, Serializer};

/// The value of one profile, or why it could not be read.
#[derive(Debug, Clone)]
pub(crate) struct ProfileRow<T> {
    pub(crate) account: AccountRef,
    pub(crate) profile: ScopeRef,
    pub(crate) result: Result<T, RowError>,
}

/// Why one row could not be read. Its JSON form is `{"exitCode", "message", "hints"}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RowError {
    /// The exit code this failure alone would have given.
    pub(crate) exit_code: u8,
    pub(crate) message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) hints: Vec<String>,
    #[serde(skip)]
    pub(crate) kind: ErrorKind,
    /// Not read because the user left it out (`--exclude`): not a failure.
    #[serde(skip)]
    pub(crate) excluded: bool,
}

impl From<Error> for RowError {
    fn from(error: Error) -> Self {
        RowError {
            exit_code: error.exit_code(),
            message: error.message,
            hints: error.hints,
            kind: error.kind,
            excluded: false,
        }
    }
}

impl RowError {
    /// The row's outcome: `excluded`, `forbidden` (403), `notFound`, or `failed`.
    pub(crate) fn outcome(&self) -> &'static str {
        if self.excluded {
            return "excluded";
        }
        match self.kind {
            ErrorKind::Permission => "forbidden",
            ErrorKind::NotFound => "notFound",
            _ => "failed",
        }
    }

    /// A profile the user left out with `--exclude`.
    pub(crate) fn excluded(by: &str) -> Self {
        RowError {
            exit_code: 0,
            message: format!("excluded by {by}"),
            hints: Vec::new(),
            kind: ErrorKind::Usage,
            excluded: true,
        }
    }
}

/// What a row's JSON shows for a profile that could not be read: the profile and nothing
/// else (every amount `null`), so the shape is the same as a row that was read.
pub(crate) trait Unread {
    type Shape: Serialize;
    fn unread(profile: &ScopeRef) -> Self::Shape;
    /// Read, but Azure holds no credit there (a 204): outcome `noCredit`.
    fn no_credit(&self) -> bool {
        false
    }
}

impl Unread for BalanceSummary {
    type Shape = BalanceSummary;
    fn unread(profile: &ScopeRef) -> BalanceSummary {
        BalanceSummary::unread(profile.clone())
    }
    fn no_credit(&self) -> bool {
        !self.has_credits
    }
}

/// A customer's lots: `noCredit` when it holds none.
impl Unread for Vec<super::domain::CreditLot> {
    type Shape = ();
    fn unread(_: &ScopeRef) {}
    fn no_credit(&self) -> bool {
        self.is_empty()
    }
}

/// A customer's transactions: none in the window is still `ok`.
impl Unread for Vec<super::domain::CreditEvent> {
    type Shape = ();
    fn unread(_: &ScopeRef) {}
}

impl<T: Unread> ProfileRow<T> {
    /// Exactly one outcome per row: `ok`, `noCredit`, `excluded`, `forbidden`, `notFound`
    /// or `failed`.
    pub(crate) fn outcome(&self) -> &'static str {
        match &self.result {
            Ok(value) if value.no_credit() => "noCredit",
            Ok(_) => "ok",
            Err(error) => error.outcome(),
        }
    }
}

impl<T> ProfileRow<T> {
    /// Why the row was not read: a failure, or the user's `--exclude`.
    pub(crate) fn error(&self) -> Option<&RowError> {
        self.result.as_ref().err()
    }

    /// True when the user left this profile out.
    pub(crate) fn excluded(&self) -> bool {
        self.error().is_some_and(|e| e.excluded)
    }

    /// The row's failure as an error naming its profile, for stderr.
    pub(crate) fn failure(&self) -> Option<Error> {
        self.error().filter(|e| !e.excluded).map(|error| Error {
            kind: error.kind,
            message: format!(
                "{} {}: {}",
                self.profile.kind().noun(),
                self.profile.label(),
                error.message
            ),
            hints: error.hints.clone(),
        })
    }
}

/// The row's value with `billingAccount` and, for a failed row, `error` beside its fields.
/// `flatten` is safe here: it only buffers when deserializing, and serializing forwards
/// every field (exact numbers included) straight to the output; a test below holds it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RowJson<'a, T> {
    #[serde(flatten)]
    value: &'a T,
    billing_account: &'a AccountRef,
    /// `ok`, `noCredit`, `excluded`, `forbidden`, `notFound` or `failed`.
    outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a RowError>,
    /// `true` only for a profile the user left out with `--exclude`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    excluded: bool,
}

impl<T: Serialize + Unread> Serialize for ProfileRow<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let customer = self.profile.kind() == crate::model::scope::ScopeKind::Customer;
        match &self.result {
            Ok(value) => in_its_shape(
                RowJson {
                    value,
                    billing_account: &self.account,
                    outcome: self.outcome(),
                    error: None,
                    excluded: false,
                },
                customer,
                s,
            ),
            Err(error) => in_its_shape(
                RowJson {
                    value: &T::unread(&self.profile),
                    billing_account: &self.account,
                    outcome: error.outcome(),
                    error: Some(error).filter(|e| !e.excluded),
                    excluded: error.excluded,
                },
                customer,
                s,
            ),
        }
    }
}

/// A profile's row as is; a customer's row in a customer's shape.
fn in_its_shape<V: Serialize, S: Serializer>(
    row: RowJson<'_, V>,
    customer: bool,
    s: S,
) -> Result<S::Ok, S::Error> {
    if customer {
        as_customer(&row, s)
    } else {
        row.serialize(s)
    }
}

/// A value in a customer's shape: the profile's, with `customer` in place of
/// `billingProfile` (through a JSON value: numbers stay exact, with arbitrary precision).
pub(crate) fn as_customer<V: Serialize, S: Serializer>(row: &V, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let value = serde_json::to_value(row).map_err(serde::ser::Error::custom)?;
    let serde_json::Value::Object(fields) = value else {
        return Err(serde::ser::Error::custom("a row is an object"));
    };
    let mut out = s.serialize_map(Some(fields.len()))?;
    for (key, field) in &fields {
        let key = if key == "billingProfile" {
            "customer"
        } else {
            key
        };
        out.serialize_entry(key, field)?;
    }
    out.end()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::money::Money;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn profile() -> ScopeRef {
        ScopeRef {
            scope: crate::model::scope::Scope::parse(
                "/providers/Microsoft.Billing/billingAccounts/a/billingProfiles/p",
            )
            .expect("a scope id"),
            display_name: Some("Dev".into()),
            currency: Some("USD".into()),
            account_display_name: None,
            standing: None,
        }
    }

    fn account() -> AccountRef {
        AccountRef {
            id: "/a".into(),
            name: "a".into(),
            display_name: None,
        }
    }

    #[test]
    fn rows_keep_every_digit_and_put_the_account_beside_the_fields() {
        let mut summary = BalanceSummary::no_credits(profile());
        summary.estimated_balance = Some(Money::new(
            Decimal::from_str("12345678901234567.89").unwrap(),
            "USD",
        ));
        let row = ProfileRow {
            account: account(),
            profile: profile(),
            result: Ok(summary),
        };
        let text = serde_json::to_string(&row).unwrap();
        assert!(
            text.contains(r#""estimatedBalance":{"value":12345678901234567.89,"currency":"USD"}"#),
            "{text}"
        );
        assert!(
            text.ends_with(
                r#""billingAccount":{"id":"/a","name":"a","displayName":null},"outcome":"noCredit"}"#
            ),
            "{text}"
        );
        assert!(!text.contains("\"error\""), "{text}");
    }

    #[test]
    fn failed_rows_have_null_amounts_and_the_error_with_its_hints() {
        let error = Error::new(ErrorKind::Permission, "403").hinted("ask for a role");
        let row: ProfileRow<BalanceSummary> = ProfileRow {
            account: account(),
            profile: profile(),
            result: Err(error.into()),
        };
        let value: serde_json::Value = serde_json::to_value(&row).unwrap();
        assert_eq!(value["estimatedBalance"], serde_json::Value::Null);
        assert_eq!(value["hasCredits"], false);
        assert_eq!(value["billingProfile"]["displayName"], "Dev");
        assert_eq!(
            value["error"],
            serde_json::json!({"exitCode": 4, "message": "403", "hints": ["ask for a role"]})
        );
    }
}
