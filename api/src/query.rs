//! Query strings: an empty parameter means "not given", as an empty body
//! field does. OAuthApp's own sample URLs send them
//! (`/api/AppUsers/{appId}/PointLog?type=&skip=&take=`), and a plain
//! `Option<i64>` would refuse `take=` with "cannot parse integer from empty
//! string". Every query struct's optional fields deserialize through
//! [`optional`].

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, de::Error};
use std::str::FromStr;

/// A type a query parameter may hold, with how a refusal names it.
pub trait QueryValue: FromStr {
    /// What a well-formed value is, for the 400 a malformed one gets.
    const EXPECTED: &'static str;
}

impl QueryValue for String {
    const EXPECTED: &'static str = "text";
}

impl QueryValue for bool {
    const EXPECTED: &'static str = "`true` or `false`";
}

impl QueryValue for i64 {
    const EXPECTED: &'static str = "an integer";
}

impl QueryValue for u32 {
    const EXPECTED: &'static str = "a whole number from 0 to 4294967295";
}

impl QueryValue for NaiveDate {
    const EXPECTED: &'static str = "a date `yyyy-MM-dd`";
}

/// The longest piece of a malformed value a refusal quotes.
const QUOTED: usize = 40;

/// An optional query parameter: absent or empty is `None`; anything else
/// must parse as `T`, else the request is refused naming what was expected
/// and quoting (the start of) what came.
pub fn optional<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: QueryValue,
{
    let Some(text) = Option::<String>::deserialize(deserializer)? else {
        return Ok(None);
    };
    if text.is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| {
        let quoted: String = text.chars().take(QUOTED).collect();
        let more = if text.chars().count() > QUOTED { "…" } else { "" };
        D::Error::custom(format!("expected {}, got {quoted:?}{more}", T::EXPECTED))
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Q {
        #[serde(default, deserialize_with = "super::optional")]
        take: Option<i64>,
        #[serde(default, deserialize_with = "super::optional")]
        asc: Option<bool>,
        #[serde(default, deserialize_with = "super::optional")]
        day: Option<chrono::NaiveDate>,
        #[serde(default, deserialize_with = "super::optional")]
        name: Option<String>,
    }

    fn parse(query: &str) -> Result<Q, String> {
        serde_urlencoded::from_str(query).map_err(|e| e.to_string())
    }

    #[test]
    fn empty_parameters_are_not_given() {
        let none = Q { take: None, asc: None, day: None, name: None };
        assert_eq!(parse("take=&asc=&day=&name="), Ok(none));
        assert_eq!(parse("").unwrap().take, None);
        let given = parse("take=5&asc=true&day=2026-01-31&name=a%20b").unwrap();
        assert_eq!(given.take, Some(5));
        assert_eq!(given.asc, Some(true));
        assert_eq!(given.day, chrono::NaiveDate::from_ymd_opt(2026, 1, 31));
        assert_eq!(given.name.as_deref(), Some("a b"));
    }

    #[test]
    fn malformed_values_say_what_was_expected() {
        assert_eq!(parse("take=ten").unwrap_err(), "expected an integer, got \"ten\"");
        assert_eq!(parse("asc=yes").unwrap_err(), "expected `true` or `false`, got \"yes\"");
        assert_eq!(parse("day=31.1.2026").unwrap_err(), "expected a date `yyyy-MM-dd`, got \"31.1.2026\"");
        let long = "9".repeat(100);
        assert_eq!(
            parse(&format!("take={long}")).unwrap_err(),
            format!("expected an integer, got \"{}\"…", "9".repeat(40))
        );
    }
}
