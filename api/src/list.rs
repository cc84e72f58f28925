//! The list query conventions shared by every admin collection (contract §3.1).

use chrono::NaiveDate;

/// Largest page a list returns.
pub const MAX_TAKE: u32 = 1000;

/// Sorting, paging and creation-date range, common to every admin list.
#[derive(Debug, Clone, Default)]
pub struct ListParams {
    /// Field to sort by (one of the resource's sortable fields; default `id`).
    pub orderby: Option<String>,
    /// Ascending order when true (default false: newest first).
    pub asc: Option<bool>,
    /// Rows to skip (default 0).
    pub skip: Option<u32>,
    /// Rows to return, 1 to 1000 (default 10).
    pub take: Option<u32>,
    /// Only rows created on or after this day (`yyyy-MM-dd`, UTC).
    pub start_time: Option<NaiveDate>,
    /// Only rows created on or before this day (`yyyy-MM-dd`, UTC, inclusive).
    pub end_time: Option<NaiveDate>,
}

/// Declares an admin list query: the resource's `q.*` filters plus the
/// [`ListParams`] fields, every one optional and empty meaning not given
/// ([`crate::query::optional`]). The fields are spelled out rather than flattened
/// because dropshot hands flattened query fields over as strings, which
/// breaks `asc`, `skip` and `take`.
#[macro_export]
macro_rules! list_query {
    ($(#[$meta:meta])* $name:ident { $($(#[$field_meta:meta])* $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            $(
                $(#[$field_meta])*
                #[serde(default, deserialize_with = "crate::query::optional")]
                pub $field: $ty,
            )*
            /// Field to sort by (one of the resource's sortable fields; default `id`).
            #[serde(default, deserialize_with = "crate::query::optional")]
            pub orderby: Option<String>,
            /// Ascending order when true (default false: newest first).
            #[serde(default, deserialize_with = "crate::query::optional")]
            pub asc: Option<bool>,
            /// Rows to skip (default 0).
            #[serde(default, deserialize_with = "crate::query::optional")]
            pub skip: Option<u32>,
            /// Rows to return, 1 to 1000 (default 10).
            #[serde(default, deserialize_with = "crate::query::optional")]
            #[schemars(range(min = 1, max = "crate::list::MAX_TAKE"))]
            pub take: Option<u32>,
            /// Only rows created on or after this day (`yyyy-MM-dd`, UTC).
            #[serde(default, deserialize_with = "crate::query::optional")]
            pub start_time: Option<chrono::NaiveDate>,
            /// Only rows created on or before this day (`yyyy-MM-dd`, UTC, inclusive).
            #[serde(default, deserialize_with = "crate::query::optional")]
            pub end_time: Option<chrono::NaiveDate>,
        }

        impl $name {
            /// The sorting, paging and date range of this query.
            pub fn list(&self) -> $crate::list::ListParams {
                $crate::list::ListParams {
                    orderby: self.orderby.clone(),
                    asc: self.asc,
                    skip: self.skip,
                    take: self.take,
                    start_time: self.start_time,
                    end_time: self.end_time,
                }
            }
        }
    };
}
