//! Money is a `Decimal` with its currency, from the JSON text to the screen: never f64.

use rust_decimal::Decimal;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::str::FromStr;

/// An amount as Azure reports it. Every part may be missing: Azure sends partial amounts
/// (`{"exchangeRate": .., "exchangeRateMonth": ..}` without value or currency).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Money {
    #[serde(serialize_with = "serialize_exact")]
    pub value: Option<Decimal>,
    pub(crate) currency: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_exact"
    )]
    pub(crate) exchange_rate: Option<Decimal>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_exact"
    )]
    pub(crate) exchange_rate_month: Option<Decimal>,
}

impl Money {
    #[cfg(test)]
    pub(crate) fn new(value: Decimal, currency: impl Into<String>) -> Self {
        Money {
            value: Some(value),
            currency: Some(currency.into()),
            ..Money::default()
        }
    }

    /// The amount for people: `1,234.50 USD`, rounded to the currency's minor unit; `-`
    /// when Azure sent no value. (JSON, csv and metrics keep Azure's digits.)
    pub(crate) fn display(&self) -> String {
        match &self.value {
            Some(v) => for_people(v, self.currency.as_deref()),
            None => "-".to_string(),
        }
    }
}

/// Digits after the decimal point in a currency's minor unit (ISO 4217). Unknown or missing
/// currencies get 2, like most.
pub(crate) fn minor_units(currency: Option<&str>) -> u32 {
    let Some(code) = currency.map(str::trim) else {
        return 2;
    };
    // Every code is three letters: one comparison of the upper-cased bytes (this runs for
    // every amount of a long table).
    let &[a, b, c] = code.as_bytes() else {
        return 2;
    };
    match &[
        a.to_ascii_uppercase(),
        b.to_ascii_uppercase(),
        c.to_ascii_uppercase(),
    ] {
        b"BIF" | b"CLP" | b"DJF" | b"GNF" | b"ISK" | b"JPY" | b"KMF" | b"KRW" | b"PYG" | b"RWF"
        | b"UGX" | b"UYI" | b"VND" | b"VUV" | b"XAF" | b"XOF" | b"XPF" => 0,
        b"BHD" | b"IQD" | b"JOD" | b"KWD" | b"LYD" | b"OMR" | b"TND" => 3,
        b"CLF" | b"UYW" => 4,
        _ => 2,
    }
}

/// A decimal's text on the stack: `Decimal` prints at most 28 digits, a sign, a point and
/// a leading zero (32 bytes), so the amounts of a long list are formatted without an
/// allocation each.
pub(crate) struct DecimalText {
    bytes: [u8; 48],
    len: usize,
    /// The text, had it not fitted (it always does; never a cut figure).
    spilled: Option<String>,
}

impl DecimalText {
    pub(crate) fn of(value: &Decimal) -> Self {
        use std::fmt::Write;
        let mut text = DecimalText {
            bytes: [0; 48],
            len: 0,
            spilled: None,
        };
        if write!(text, "{value}").is_err() {
            text.spilled = Some(value.to_string());
        }
        text
    }

    pub(crate) fn as_str(&self) -> &str {
        match &self.spilled {
            Some(text) => text,
            // Only whole `str`s are ever appended.
            None => std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default(),
        }
    }
}

impl std::fmt::Write for DecimalText {
    fn write_str(&mut self, part: &str) -> std::fmt::Result {
        let end = self.len + part.len();
        let slot = self.bytes.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        slot.copy_from_slice(part.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// serde_json's name for a number written as its exact text (`arbitrary_precision`): what
/// `serde_json::Number` serialises itself as.
const JSON_NUMBER: &str = "$serde_json::private::Number";

/// An exact amount as a JSON number with every digit: what
/// `rust_decimal::serde::arbitrary_precision_option` writes, without making a
/// `serde_json::Number` (an allocation and a second parse of the text) per amount.
pub(crate) fn serialize_exact<S: serde::Serializer>(
    value: &Option<Decimal>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => serialize_decimal(value, serializer),
        None => serializer.serialize_none(),
    }
}

/// `serialize_exact` of an amount that is always there.
pub(crate) fn serialize_decimal<S: serde::Serializer>(
    value: &Decimal,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    let text = DecimalText::of(value);
    let mut number = serializer.serialize_struct(JSON_NUMBER, 1)?;
    number.serialize_field(JSON_NUMBER, text.as_str())?;
    number.end()
}

/// `1234.5` USD -> `1,234.50 USD`: rounded half away from zero to the minor unit, always
/// that many digits (so decimal points line up), thousands grouped.
pub(crate) fn for_people(value: &Decimal, currency: Option<&str>) -> String {
    let places = minor_units(currency);
    let mut rounded =
        value.round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(places);
    if rounded.is_zero() {
        // `-0.00` reads as a debt that is not there.
        rounded.set_sign_positive(true);
    }
    let text = DecimalText::of(&rounded);
    let text = text.as_str();
    let currency = currency.filter(|c| !c.trim().is_empty());
    let mut out =
        String::with_capacity(text.len() + text.len() / 3 + 6 + currency.map_or(0, str::len));
    group_into(&mut out, text);
    // `rescale` cannot add digits past Decimal's 28: a huge amount is padded as text, so its
    // decimal point still lines up with the others.
    let shown = text
        .split_once('.')
        .map_or(0, |(_, fraction)| fraction.len());
    if shown < places as usize {
        if shown == 0 {
            out.push('.');
        }
        out.extend(std::iter::repeat_n('0', places as usize - shown));
    }
    if let Some(currency) = currency {
        out.push(' ');
        out.push_str(currency);
    }
    out
}

/// `1234567.891` -> `1,234,567.891`; the fraction keeps every digit.
pub(crate) fn group_thousands(value: &Decimal) -> String {
    let text = DecimalText::of(value);
    let text = text.as_str();
    let mut out = String::with_capacity(text.len() + text.len() / 3);
    group_into(&mut out, text);
    out
}

/// Appends a decimal's text (`-1234.5`) with its whole part grouped by thousands.
fn group_into(out: &mut String, text: &str) {
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (unsigned, None),
    };
    out.push_str(sign);
    for (i, digit) in whole.char_indices() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(fraction);
    }
}

/// An amount's number as read from the wire: exact, or the reason it is not. Reading it
/// never fails the surrounding document, so the error can name the field it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct WireDecimal(pub Result<Option<Decimal>, String>);

struct WireDecimalVisitor;

impl<'de> Visitor<'de> for WireDecimalVisitor {
    type Value = WireDecimal;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a number")
    }

    // With `arbitrary_precision`, serde_json hands numbers over as a one-entry map holding
    // the exact text; `serde_json::Number` knows how to read it.
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<WireDecimal, A::Error> {
        let number = serde_json::Number::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(WireDecimal(parse_decimal_exact(number.as_str()).map(Some)))
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<WireDecimal, E> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(WireDecimal(Ok(None)));
        }
        Ok(WireDecimal(parse_decimal_exact(text).map(Some)))
    }
    fn visit_u64<E: de::Error>(self, value: u64) -> Result<WireDecimal, E> {
        Ok(WireDecimal(Ok(Some(Decimal::from(value)))))
    }
    fn visit_i64<E: de::Error>(self, value: i64) -> Result<WireDecimal, E> {
        Ok(WireDecimal(Ok(Some(Decimal::from(value)))))
    }
    fn visit_f64<E: de::Error>(self, value: f64) -> Result<WireDecimal, E> {
        Ok(WireDecimal(Err(format!(
            "{value} arrived as a floating-point number and cannot be trusted to the cent"
        ))))
    }
    fn visit_unit<E: de::Error>(self) -> Result<WireDecimal, E> {
        Ok(WireDecimal(Ok(None)))
    }
    fn visit_none<E: de::Error>(self) -> Result<WireDecimal, E> {
        Ok(WireDecimal(Ok(None)))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<WireDecimal, E> {
        Ok(WireDecimal(
            Err("expected a number, found a boolean".into()),
        ))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<WireDecimal, A::Error> {
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(WireDecimal(Err("expected a number, found an array".into())))
    }
}

impl<'de> Deserialize<'de> for WireDecimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(WireDecimalVisitor)
    }
}

/// Parses decimal text exactly: plain (`-1.74`) or scientific (`1.5e3`) notation.
pub(crate) fn parse_decimal_exact(text: &str) -> Result<Decimal, String> {
    let parsed = if text.contains(['e', 'E']) {
        parse_scientific_exact(text)
    } else {
        Decimal::from_str_exact(text).map_err(|_| ())
    };
    let mut value = parsed.map_err(|_| {
        format!("{text:?} is not an amount that can be represented exactly (at most 28 significant digits)")
    })?;
    if value.is_zero() {
        // "-0" is a valid JSON number but not a meaningful amount of money.
        value.set_sign_positive(true);
    }
    Ok(value)
}

fn parse_scientific_exact(text: &str) -> Result<Decimal, ()> {
    let (mantissa, exponent) = text.split_once(['e', 'E']).ok_or(())?;
    let exponent: i32 = exponent.parse().map_err(|_| ())?;
    if exponent.unsigned_abs() > 28 {
        return Err(());
    }
    let mut value = Decimal::from_str_exact(mantissa).map_err(|_| ())?;
    // The mantissa's digits, moved: `1.2345E-05` is 0.000012345, `1.50E1` is 15.0.
    let scale = i64::from(value.scale()) - i64::from(exponent);
    if scale >= 0 {
        let scale = u32::try_from(scale).map_err(|_| ())?;
        if scale > 28 {
            return Err(());
        }
        value.set_scale(scale).map_err(|_| ())?;
    } else {
        value.set_scale(0).map_err(|_| ())?;
        let ten = Decimal::from(10);
        for _ in 0..scale.unsigned_abs() {
            value = value.checked_mul(ten).ok_or(())?;
        }
    }
    Ok(value)
}

pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Parses a user-given amount such as `500`, `500.25`, `500USD` or `500 EUR`.
/// Returns the amount and the currency suffix, if any.
pub(crate) fn parse_user_amount(text: &str) -> Result<(Decimal, Option<String>), String> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(trimmed.len());
    let (number, currency) = trimmed.split_at(split);
    let number = number.trim();
    let currency = currency.trim();
    if number.is_empty() {
        return Err(format!(
            "{text:?} is not an amount; write a number such as 500 or 500.25"
        ));
    }
    if !currency.is_empty() && !currency.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(format!("{text:?} is not an amount; write a number with an optional currency code, such as 500USD"));
    }
    let value = Decimal::from_str(number)
        .map_err(|_| format!("{text:?} is not an amount; write a number such as 500 or 500.25"))?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(format!("{text:?} is negative; an amount must be 0 or more"));
    }
    let currency = (!currency.is_empty()).then(|| currency.to_ascii_uppercase());
    Ok((value, currency))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_amounts_are_written_as_serde_json_writes_them() {
        #[derive(Serialize)]
        struct Both {
            #[serde(serialize_with = "serialize_exact")]
            ours: Option<Decimal>,
            #[serde(serialize_with = "rust_decimal::serde::arbitrary_precision_option::serialize")]
            theirs: Option<Decimal>,
        }
        for text in [
            "0",
            "0.00",
            "-1.74",
            "100000.37",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "-0.0000000000000000000000000001",
            "1234567890123.4567890123456789",
        ] {
            let value = Decimal::from_str(text).unwrap();
            assert_eq!(DecimalText::of(&value).as_str(), value.to_string());
            let both = Both {
                ours: Some(value),
                theirs: Some(value),
            };
            let json = serde_json::to_value(&both).unwrap();
            assert_eq!(json["ours"], json["theirs"], "{text}");
            assert_eq!(json["ours"].to_string(), value.to_string());
            let written = serde_json::to_string(&both).unwrap();
            assert_eq!(written, format!(r#"{{"ours":{value},"theirs":{value}}}"#));
        }
        let none = Both {
            ours: None,
            theirs: None,
        };
        assert_eq!(
            serde_json::to_string(&none).unwrap(),
            r#"{"ours":null,"theirs":null}"#
        );
    }

    #[test]
    fn minor_units_follow_iso_4217_in_any_case() {
        assert_eq!(minor_units(Some("USD")), 2);
        assert_eq!(minor_units(Some(" jpy ")), 0);
        assert_eq!(minor_units(Some("Kwd")), 3);
        assert_eq!(minor_units(Some("CLF")), 4);
        assert_eq!(minor_units(Some("")), 2);
        assert_eq!(minor_units(Some("JPYX")), 2);
        assert_eq!(minor_units(None), 2);
    }

    #[test]
    fn a_huge_amount_keeps_its_minor_unit_digits_for_people() {
        let huge = Decimal::from_str("1234567890123456789012345678").unwrap();
        assert_eq!(
            for_people(&huge, Some("USD")),
            "1,234,567,890,123,456,789,012,345,678.00 USD"
        );
        let huge_fraction = Decimal::from_str("123456789012345678901234567.8").unwrap();
        assert_eq!(
            for_people(&huge_fraction, Some("USD")),
            "123,456,789,012,345,678,901,234,567.80 USD"
        );
        assert_eq!(
            for_people(&huge, Some("JPY")),
            "1,234,567,890,123,456,789,012,345,678 JPY"
        );
    }

    fn exact(text: &str) -> String {
        let read: WireDecimal = serde_json::from_str(text).unwrap();
        read.0.unwrap().unwrap().to_string()
    }

    #[test]
    fn keeps_every_digit_azure_sent() {
        assert_eq!(exact("996.13"), "996.13");
        assert_eq!(exact("-1.74"), "-1.74");
        assert_eq!(exact("0.1"), "0.1");
        assert_eq!(exact("500.00"), "500.00");
        assert_eq!(exact("12345678901234567.89"), "12345678901234567.89");
        assert_eq!(exact("\"60.90\""), "60.90");
        assert_eq!(exact("1.5e3"), "1500");
        assert_eq!(exact("1.2345E-05"), "0.000012345");
        assert_eq!(exact("1.50E1"), "15.0");
        assert_eq!(exact("-0"), "0");
    }

    #[test]
    fn wire_decimals_are_exact_or_an_explained_error() {
        let read = |text: &str| serde_json::from_str::<WireDecimal>(text).unwrap().0;
        assert_eq!(read("60.90").unwrap().unwrap().to_string(), "60.90");
        assert_eq!(
            read("12345678901234567.89").unwrap().unwrap().to_string(),
            "12345678901234567.89"
        );
        assert_eq!(read("\"-1.74\"").unwrap().unwrap().to_string(), "-1.74");
        assert_eq!(read("null").unwrap(), None);
        assert!(read("1e400").is_err());
        assert!(read("true").is_err());
        assert!(read("[1, [2]]").is_err());
        assert!(serde_json::from_str::<WireDecimal>("{\"a\": 1}").is_err());
    }

    #[test]
    fn refuses_what_cannot_be_exact() {
        for text in [
            "1e400",
            "123456789012345678901234567890",
            "true",
            "[1]",
            "\"abc\"",
        ] {
            let read: WireDecimal = serde_json::from_str(text).unwrap();
            assert!(read.0.is_err(), "{text} should be refused");
        }
    }

    #[test]
    fn groups_thousands_without_touching_the_fraction() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(group_thousands(&d("1234567.891")), "1,234,567.891");
        assert_eq!(group_thousands(&d("-1234567.891")), "-1,234,567.891");
        assert_eq!(group_thousands(&d("999")), "999");
        assert_eq!(group_thousands(&d("-1000")), "-1,000");
        assert_eq!(group_thousands(&d("999.10")), "999.10");
        assert_eq!(group_thousands(&d("0")), "0");
    }

    #[test]
    fn serializes_as_exact_json_numbers() {
        let money = Money::new(Decimal::from_str("12345678901234567.89").unwrap(), "USD");
        assert_eq!(
            serde_json::to_string(&money).unwrap(),
            r#"{"value":12345678901234567.89,"currency":"USD"}"#
        );
    }

    #[test]
    fn parses_user_amounts() {
        assert_eq!(
            parse_user_amount("500").unwrap(),
            (Decimal::from(500), None)
        );
        assert_eq!(
            parse_user_amount("500.5usd").unwrap(),
            (Decimal::from_str("500.5").unwrap(), Some("USD".into()))
        );
        assert!(parse_user_amount("-5").is_err());
        assert!(parse_user_amount("abc").is_err());
        assert!(parse_user_amount("").is_err());
        assert!(parse_user_amount("5 U$D").is_err());
    }
}
